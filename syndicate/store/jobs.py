"""The speech queue, kept in the database beside the entries it serves.

A job is leased, not taken: `claim_job` stamps it with the worker's name and a short lease,
which the worker renews while it works (`renew_lease`, a heartbeat). A worker that dies stops
renewing, and within LEASE_SECONDS its job is claimable again, so a crash never loses work
for long. Idle workers only read (`seconds_until_due`): the write lock is taken to claim a
job that is due, never to find out that none is. One row per entry means an entry is never synthesised twice at once.
On PostgreSQL several machines can share the queue (FOR UPDATE SKIP LOCKED).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa

from ..clipstore import ClipsInUse
from ..model import Audio, Blog, Entry
from ..timeutil import now
from .blogs import blog_from_row, blog_in, touch
from .connections import Connections
from .entries import entry_from_row
from .pronunciations import pronunciations_in
from .queue import dequeue, enqueue
from .schema import UTCDateTime, blogs, catchups, entries, jobs

LEASE_SECONDS = 6.0  # a worker renews its lease every quarter of it while it works (`renew_lease`)


@dataclass(frozen=True)
class Job:
    id: int
    entry_id: str
    attempts: int
    generation: int
    last_error: str | None = None
    owner: str = ""  # the worker holding the lease


class Finished(NamedTuple):
    """What `finish_job` did: whether the clip was recorded (`kept`), the clip file it
    replaced, and whether the lease had been lost to another worker (then the clip file is
    left where it is: the other worker may record the same name, or the orphan sweep takes it)."""

    kept: bool
    replaced: str | None
    lost: bool = False


def _due(stamp: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(jobs.c.run_after <= stamp, sa.or_(jobs.c.locked_until.is_(None), jobs.c.locked_until < stamp))


class JobQueries(Connections):
    """Mixin for Store: enqueue, lease, renew, finish and fail speech jobs."""

    def request_speech(self, slug: str | None = None, *, ready: bool = False) -> int:
        """Queue every live entry without a ready clip (of one blog, or all; with `ready`, those
        with one too, e.g. when the blog's language changed); returns how many."""
        with self.write() as conn:
            query = sa.select(entries.c.id).where(entries.c.deleted.is_(None))
            if not ready:
                query = query.where(sa.or_(entries.c.audio_status.is_(None), entries.c.audio_status != "ready"))
            if slug is not None:
                query = query.where(entries.c.blog_id == blog_in(conn, slug).id)
            ids = conn.execute(query).scalars().all()
            for entry_id in ids:
                enqueue(conn, entry_id)
            if ids:
                conn.execute(entries.update().where(entries.c.id.in_(ids)).values(audio_status="pending"))
            return len(ids)

    def seconds_until_due(self) -> float | None:
        """Seconds until the next job is due (0: one is due now), or None when the queue is
        empty. A plain read: idle workers ask this, and never take the write lock to do so."""
        start = sa.case((jobs.c.locked_until > jobs.c.run_after, jobs.c.locked_until), else_=jobs.c.run_after)
        with self.read() as conn:
            soonest = conn.execute(sa.select(sa.type_coerce(sa.func.min(start), UTCDateTime))).scalar()
        if soonest is None:
            return None
        return max(0.0, (soonest - now()).total_seconds())

    def claim_job(self, worker: str, *, lease: float = LEASE_SECONDS) -> Job | None:
        """Lease the next due job to `worker`, or None when nothing is due. The write lock is
        taken only when a plain read has found a due job."""
        if self.seconds_until_due() != 0.0:
            return None
        stamp = now()
        with self.write() as conn:
            query = sa.select(jobs).where(_due(stamp)).order_by(jobs.c.run_after, jobs.c.id).limit(1)
            if conn.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            row = conn.execute(query).first()
            if row is None:
                return None  # another worker was quicker
            conn.execute(jobs.update().where(jobs.c.id == row.id).values(
                locked_by=worker, locked_until=stamp + timedelta(seconds=lease),
                attempts=jobs.c.attempts + 1))
            return Job(row.id, row.entry_id, row.attempts + 1, row.generation, row.last_error, worker)

    def renew_lease(self, job: Job, *, lease: float = LEASE_SECONDS) -> bool:
        """Extend a job's lease (a worker's heartbeat); False when it is no longer this worker's."""
        with self.write() as conn:
            result = conn.execute(jobs.update().where(jobs.c.id == job.id, jobs.c.locked_by == job.owner)
                                  .values(locked_until=now() + timedelta(seconds=lease)))
            return result.rowcount == 1

    def finish_job(self, job: Job, audio: Audio) -> Finished:
        """Record the clip on the entry. Not kept when the entry is gone (the clip is then the
        caller's to remove) or the lease was lost (`lost`: leave the file alone)."""
        with self.write() as conn:
            row = conn.execute(sa.select(entries.c.blog_id, entries.c.audio_file, entries.c.deleted)
                               .where(entries.c.id == job.entry_id)).first()
            held = conn.execute(sa.select(jobs.c.generation, jobs.c.locked_by).where(jobs.c.id == job.id)).first()
            if row is None or row.deleted is not None:
                dequeue(conn, job.entry_id)
                return Finished(False, None)
            if held is None or held.locked_by != job.owner:
                return Finished(False, None, lost=True)
            stale = held.generation != job.generation
            values: dict[str, Any] = {
                "audio_file": audio.file, "audio_bytes": audio.bytes, "audio_duration": audio.duration,
                "audio_voice": audio.voice, "audio_transcript": audio.transcript, "audio_error": None,
                "audio_cues": [list(cue) for cue in audio.cues]}
            if not stale:
                values["audio_status"] = "ready"
                conn.execute(jobs.delete().where(jobs.c.id == job.id))
            else:  # the entry changed while we spoke it: run again, keep the newer request
                conn.execute(jobs.update().where(jobs.c.id == job.id).values(locked_by=None, locked_until=None))
            conn.execute(entries.update().where(entries.c.id == job.entry_id).values(**values))
            touch(conn, row.blog_id, content=False)
            return Finished(True, row.audio_file if row.audio_file != audio.file else None)

    def drop_job(self, job: Job) -> None:
        """Forget a job whose entry is gone."""
        with self.write() as conn:
            conn.execute(jobs.delete().where(jobs.c.id == job.id))

    def fail_job(self, job: Job, error: str, *, retry_in: float | None) -> None:
        """Retry later (`retry_in` seconds), or give up when it is None: the entry shows 'failed'."""
        with self.write() as conn:
            if retry_in is None:
                conn.execute(jobs.delete().where(jobs.c.id == job.id, jobs.c.generation == job.generation))
                result = conn.execute(entries.update().where(entries.c.id == job.entry_id, entries.c.deleted.is_(None))
                                      .values(audio_status="failed", audio_error=error[:2000]))
                if result.rowcount:
                    blog_id = conn.execute(
                        sa.select(entries.c.blog_id).where(entries.c.id == job.entry_id)).scalar_one()
                    touch(conn, blog_id, content=False)
            else:  # (a lease lost meanwhile is another worker's now: left alone)
                conn.execute(jobs.update().where(jobs.c.id == job.id, jobs.c.locked_by == job.owner).values(
                    locked_by=None, locked_until=None, last_error=error[:2000],
                    run_after=now() + timedelta(seconds=retry_in)))

    def clips_in_use(self) -> ClipsInUse:
        """Clip names entries record, and entries with a speech job (whose worker may still
        record or reuse a clip). Jobs are read first: a job finished between the two reads
        shows as its recorded clip, so no clip in use is ever missed, even without a snapshot."""
        with self.read() as conn:
            queued = conn.execute(sa.select(jobs.c.entry_id)).scalars().all()
            recorded = conn.execute(sa.select(entries.c.audio_file).where(
                entries.c.audio_file.is_not(None))).scalars().all()
            # Catch-up episodes live beside the clips, named like them (store/catchups.py).
            episodes = conn.execute(sa.select(catchups.c.file)).scalars().all()
        return ClipsInUse(frozenset(recorded) | frozenset(episodes), frozenset(queued))

    def job_entry(self, job: Job) -> tuple[Blog, Entry] | None:
        """The (blog, entry) a job is for, or None when the entry is gone."""
        with self.read() as conn:
            row = conn.execute(sa.select(entries).where(entries.c.id == job.entry_id,
                                                        entries.c.deleted.is_(None))).first()
            if row is None:
                return None
            blog_row = conn.execute(sa.select(blogs).where(blogs.c.id == row.blog_id)).one()
            blog = replace(blog_from_row(blog_row), pronunciations=pronunciations_in(conn, row.blog_id))
        return blog, entry_from_row(row, blog_row.slug)

    def queue_stats(self) -> dict[str, int]:
        """Counts for monitoring: jobs queued, leased to a worker and retrying after an error,
        and clips given up on (failed)."""
        stamp = now()
        with self.read() as conn:
            failed = conn.execute(sa.select(sa.func.count()).select_from(entries).where(
                entries.c.deleted.is_(None), entries.c.audio_status == "failed")).scalar_one()
            total = conn.execute(sa.select(sa.func.count()).select_from(jobs)).scalar_one()
            leased = conn.execute(sa.select(sa.func.count()).select_from(jobs)
                                  .where(jobs.c.locked_until > stamp)).scalar_one()
            retrying = conn.execute(sa.select(sa.func.count()).select_from(jobs)
                                    .where(jobs.c.last_error.is_not(None))).scalar_one()
        return {"queued": total, "leased": leased, "retrying": retrying, "failed": failed}
