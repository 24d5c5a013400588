"""Processes for the tests: a real `syndicate` command on 127.0.0.1, its descendants, and waits
on conditions with deadlines (never a guessed sleep)."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], object], timeout: float, what: str, every: float = 0.05) -> object:
    """Poll `condition` until it returns something true; fail naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:g} s: {what}")
        time.sleep(every)


def _parents() -> dict[int, int]:
    parents = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z":  # a zombie has exited: it only waits to be reaped
            parents[int(entry.name)] = int(fields[1])
    return parents


def descendants(pid: int) -> set[int]:
    """Live (not zombie) processes below `pid`."""
    parents = _parents()
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def at_least(pid: int, count: int) -> set[int] | None:
    """The live processes below `pid` once there are `count` of them, else None (for `wait_until`)."""
    found = descendants(pid)
    return found if len(found) >= count else None


def alive(pids: Iterable[int]) -> set[int]:
    """Those of `pids` still running (zombies count as gone)."""
    parents = _parents()
    return {pid for pid in pids if pid in parents}


def start_serve(data_dir: Path, port: int, *, token: str, workers: int = 1, web: int = 2,
                extra_env: dict[str, str] | None = None) -> subprocess.Popen:
    """`syndicate serve` on 127.0.0.1:port, in its own session (so killing it kills no test)."""
    env = {**os.environ, "SYNDICATE_DATA_DIR": str(data_dir), "SYNDICATE_API_TOKEN": token,
           "PYTHONPATH": str(ROOT), **(extra_env or {})}
    env.pop("SYNDICATE_SPEECH_WORKERS", None)
    with open(data_dir.parent / f"serve-{port}.log", "ab") as log:  # the child keeps its own copy
        process = subprocess.Popen([sys.executable, "-m", "syndicate.cli", "serve", "--port", str(port),
                                    "--workers", str(workers), "--web-processes", str(web)],
                                   env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    wait_until(lambda: _answers(f"http://127.0.0.1:{port}/api/blogs") or process.poll() is not None,
               60, "serve answers")
    assert process.poll() is None, (data_dir.parent / f"serve-{port}.log").read_text()
    return process


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def kill_tree_now(pid: int) -> None:
    """SIGKILL a process and everything below it (cleanup after a failed test)."""
    for victim in [pid, *descendants(pid)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(victim, signal.SIGKILL)
