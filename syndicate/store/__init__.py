"""The store: blogs, entries, clips and the speech queue, through SQLAlchemy Core.

SQLite (the embedded default, in WAL mode) and PostgreSQL both work by URL. Several changes
that belong together go through `Store.transaction()`, a `Transaction`: the unit of work that
importers and other outside code use. Every write transaction, on SQLite, takes the write lock
up front (BEGIN IMMEDIATE) so that concurrent writers queue instead of failing halfway.
The mixins share their building blocks as plain functions of a connection (`blogs.blog_in`,
`blogs.touch`, `entries.insert_entry`, `queue.enqueue`, ...), never each other's methods.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from .blogs import BlogQueries
from .catchups import CatchupQueries
from .entries import EntryQueries
from .errors import Conflict, NotFound, StoreError
from .jobs import LEASE_SECONDS, Finished, Job, JobQueries
from .migrations import migrate
from .pronunciations import PronunciationQueries
from .transaction import Transaction
from .wakeup import Wakeup, wakeup_for

__all__ = ["Store", "StoreError", "NotFound", "Conflict", "Job", "Finished", "Transaction", "Wakeup",
           "LEASE_SECONDS"]


def _engine(url: str) -> sa.Engine:
    if not url.startswith("sqlite"):
        return sa.create_engine(url, pool_pre_ping=True, future=True)
    engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:  # pragma: no branch
        # Let us issue BEGIN ourselves (pysqlite's implicit transactions defer the write lock).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        write = conn.get_execution_options().get("syndicate_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


class Store(BlogQueries, EntryQueries, JobQueries, PronunciationQueries, CatchupQueries):
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

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """A unit of work: `with store.transaction() as tx: ...` (see `store.transaction`)."""
        with self.write() as conn:
            yield Transaction(conn)

    def wakeup(self) -> Wakeup:
        """Something an idle worker waits on: it returns early when new work may have come."""
        return wakeup_for(self.engine)

    def close(self) -> None:
        self.engine.dispose()
