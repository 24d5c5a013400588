"""A throwaway PostgreSQL server for the tests: its own cluster in a temporary folder, on a
Unix socket (no TCP port at all), started from Debian's binaries and removed afterwards."""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import needs


def _binaries() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


def _skip_or_fail(reason: str) -> None:
    needs.skip_or_fail(reason, "SYNDICATE_REQUIRE_POSTGRES")


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yields a SQLAlchemy URL of an empty database."""
    bindir = _binaries()
    if bindir is None:
        _skip_or_fail("PostgreSQL is not installed (apt-get install -y postgresql)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _skip_or_fail("psycopg is not installed (pip install 'syndicate[postgres]')")
    # initdb refuses to run as root: run the server as the postgres user when we are root.
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_user and shutil.which("runuser") is None:
        _skip_or_fail("running as root without runuser")
    root = tempfile.mkdtemp(prefix="syndicate-pg-")
    data, sockets = os.path.join(root, "data"), os.path.join(root, "run")
    os.makedirs(sockets)
    if as_user:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    run = lambda *args: subprocess.run([*as_user, *args], check=True, capture_output=True, text=True)  # noqa: E731
    try:
        run(f"{bindir}/initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync")
        run(f"{bindir}/pg_ctl", "-D", data, "-w", "-l", os.path.join(root, "log"), "-o",
            f"-c listen_addresses='' -k {sockets} -c fsync=off", "start")
        run(f"{bindir}/createdb", "-h", sockets, "-U", "postgres", "syndicate")
        yield f"postgresql+psycopg://postgres@/syndicate?host={sockets}"
    except subprocess.CalledProcessError as exc:
        _skip_or_fail(f"cannot start a PostgreSQL server: {exc.stderr.strip()[:300]}")
    finally:
        subprocess.run([*as_user, f"{bindir}/pg_ctl", "-D", data, "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
