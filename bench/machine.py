"""Machine notes: what the figures depend on (hardware, interpreter, engines and their versions)."""
from __future__ import annotations

import os
import platform
import shutil
import sqlite3
import subprocess
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from .common import ROOT


def _first_line(command: Sequence[str], containing: str = "") -> str:
    """The first line of a command's output (that contains `containing`)."""
    if shutil.which(command[0]) is None:
        return "not installed"
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    for line in (done.stdout + "\n" + done.stderr).splitlines():
        if line.strip() and containing in line:
            return line.strip()
    return "unknown"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _os_name() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return platform.system()


def _git_commit() -> str:
    """The commit measured, and whether the package had uncommitted changes. BENCH_SOURCE names
    the source instead when it is not a git checkout (e.g. a `git archive` snapshot)."""
    if os.environ.get("BENCH_SOURCE"):
        return os.environ["BENCH_SOURCE"]
    try:
        done = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=10)
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "syndicate"],
                               capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    commit = done.stdout.strip() or "unknown"
    return commit + (" with uncommitted changes to syndicate/" if dirty.stdout.strip() else "")


def machine_notes() -> list[tuple[str, str]]:
    """What the figures depend on: the hardware, the interpreter and the engines' versions."""
    flite = _first_line(["flite", "--version"], "version:")
    if "version:" in flite:
        flite = flite.split("version:", 1)[1].strip()
    espeak_cli = _first_line(["espeak-ng", "--version"]).split("  Data at")[0].replace(" text-to-speech:", " CLI")
    espeak_lib = f"espeakng-loader {_version('espeakng-loader')}"
    try:
        import ctypes

        import espeakng_loader

        library = ctypes.CDLL(espeakng_loader.get_library_path())
        library.espeak_Info.restype = ctypes.c_char_p
        espeak_lib += f" (bundled libespeak-ng {library.espeak_Info(None).decode()}, used in-process)"
    except Exception:  # noqa: BLE001 - only a note
        pass
    return [
        ("CPU", f"{_cpu_model()}, {os.cpu_count()} cores (load average {os.getloadavg()[0]:.2f} at start)"),
        ("Memory", _memory()),
        ("OS", f"{_os_name()}, Linux {platform.release()}"),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("Voices", f"flite {flite}; {espeak_cli}; {espeak_lib}"),
        ("Audio", f"lameenc {_version('lameenc')}, pydub {_version('pydub')}, pyloudnorm {_version('pyloudnorm')}"),
        ("Web", f"Flask {_version('flask')}, Werkzeug {_version('werkzeug')}, "
                f"gunicorn {_version('gunicorn')}, waitress {_version('waitress')}, "
                f"SQLAlchemy {_version('sqlalchemy')}, SQLite {sqlite3.sqlite_version}"),
        ("Load tools", f"{_first_line(['wrk', '-v']).split(' Copyright')[0]}; {_first_line(['nginx', '-v'])}"),
        ("syndicate", f"{_version('syndicate')} at commit {_git_commit()}"),
    ]
