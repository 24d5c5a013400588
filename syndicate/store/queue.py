"""Rows of the speech queue, written inside a caller's transaction (an entry's insert, edit or
deletion queues or forgets its speech in the same commit)."""
from __future__ import annotations

import sqlalchemy as sa

from ..timeutil import now
from .schema import jobs

# PostgreSQL channel told of new work, so idle workers wake at once (see `JobQueries.wait`).
CHANNEL = "syndicate_jobs"


def enqueue(conn: sa.Connection, entry_id: str) -> None:
    """Ask for (new) speech of an entry: one job per entry, its generation bumped when queued again."""
    stamp = now()
    updated = conn.execute(jobs.update().where(jobs.c.entry_id == entry_id).values(
        generation=jobs.c.generation + 1, attempts=0, run_after=stamp, last_error=None))
    if updated.rowcount == 0:
        conn.execute(jobs.insert().values(entry_id=entry_id, kind="speech", attempts=0,
                                          generation=1, run_after=stamp, created=stamp))
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text(f"NOTIFY {CHANNEL}"))  # delivered at commit, once per transaction


def dequeue(conn: sa.Connection, entry_id: str) -> None:
    """Forget an entry's speech job."""
    conn.execute(jobs.delete().where(jobs.c.entry_id == entry_id))
