"""The store: blogs, entries, clips and the speech queue, through SQLAlchemy Core.

SQLite (the embedded default, in WAL mode) and PostgreSQL both work by URL. Writes go through
`Store.write()`, which on SQLite takes the write lock up front (BEGIN IMMEDIATE) so that
concurrent writers queue instead of failing halfway through a transaction.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import sqlalchemy as sa

from .blogs import BlogQueries
from .catchups import CatchupQueries
from .entries import EntryQueries
from .errors import Conflict, NotFound, StoreError
from .jobs import Job, JobQueries
from .migrations import migrate

__all__ = ["Store", "StoreError", "NotFound", "Conflict", "Job"]


def _engine(url: str) -> sa.Engine:
    if not url.startswith("sqlite"):
        return sa.create_engine(url, pool_pre_ping=True, future=True)
    engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no branch
        # Let us issue BEGIN ourselves (pysqlite's implicit transactions defer the write lock).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn):
        write = conn.get_execution_options().get("syndicate_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


class Store(BlogQueries, EntryQueries, JobQueries, CatchupQueries):
    """All persistent state. Methods take and return `syndicate.model` values."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = _engine(url)

    def migrate(self) -> int:
        """Create or upgrade the schema; returns its version."""
        return migrate(self.engine)

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[sa.Connection]:
        """A write transaction: committed on success, rolled back on any exception."""
        with self.engine.connect() as conn:
            conn.execution_options(syndicate_write=True)
            with conn.begin():
                yield conn

    def close(self) -> None:
        self.engine.dispose()
