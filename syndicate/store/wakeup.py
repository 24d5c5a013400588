"""Waking idle speech workers when work arrives, without polling the database for it.

- PostgreSQL: `LISTEN` on the channel `enqueue` notifies (delivered when the change commits).
- SQLite: every commit appends to the write-ahead log, so a change of the `-wal` file's size
  or time is the signal; looking at it costs one `stat` (no query, no lock).
- Anything else: the timeout alone (workers back off, so this stays cheap).
A wake-up is only a hint: the worker then reads the queue to see whether a job is due.
"""
from __future__ import annotations

import logging
import os
import threading
import time

import sqlalchemy as sa

from .queue import CHANNEL

log = logging.getLogger(__name__)
STAT_EVERY = 0.1  # seconds between looks at SQLite's log: how soon new work is noticed


class Wakeup:
    """Waits until `timeout` has passed, `stop` is set, or (in subclasses) new work shows."""

    def wait(self, timeout: float, stop: threading.Event) -> None:
        stop.wait(timeout)

    def close(self) -> None:
        pass


class SqliteWakeup(Wakeup):
    def __init__(self, database: str) -> None:
        self.log_file = database + "-wal"
        self.seen = self._stamp()

    def _stamp(self) -> tuple[int, int] | None:
        try:
            info = os.stat(self.log_file)
        except OSError:
            return None
        return info.st_mtime_ns, info.st_size

    def wait(self, timeout: float, stop: threading.Event) -> None:
        deadline = time.monotonic() + timeout
        while not stop.wait(min(STAT_EVERY, max(0.0, deadline - time.monotonic()))):
            stamp = self._stamp()
            if stamp != self.seen:
                self.seen = stamp
                return
            if time.monotonic() >= deadline:
                return


class PostgresWakeup(Wakeup):
    def __init__(self, url: sa.URL) -> None:
        import psycopg

        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.conn = psycopg.connect(conninfo, autocommit=True)
        self.conn.execute(f"LISTEN {CHANNEL}")

    def wait(self, timeout: float, stop: threading.Event) -> None:
        deadline = time.monotonic() + timeout
        while not stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            for _ in self.conn.notifies(timeout=min(left, 0.5), stop_after=1):
                return

    def close(self) -> None:
        self.conn.close()


def wakeup_for(engine: sa.Engine) -> Wakeup:
    """The cheapest way to hear of new work on this database."""
    url = engine.url
    try:
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            return SqliteWakeup(os.path.abspath(url.database))
        if url.get_backend_name() == "postgresql" and url.get_driver_name() == "psycopg":
            return PostgresWakeup(url)
    except Exception as exc:  # noqa: BLE001 - waking early is an optimisation only
        log.warning("store: workers will poll (no wake-up signal: %s)", exc)
    return Wakeup()
