"""The speech queue, kept in the database beside the entries it serves.

A job is leased, not taken: `claim_job` stamps it with the worker's name and a lease expiry.
A worker that dies leaves an expired lease, and the job becomes claimable again, so a restart
never forgets work. One row per entry means an entry is never synthesised twice at once.
On PostgreSQL several machines can share the queue (FOR UPDATE SKIP LOCKED).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from ..model import Audio, Blog, Entry
from ..timeutil import now
from .blogs import blog_from_row
from .entries import entry_from_row
from .schema import blogs, entries, jobs


@dataclass(frozen=True)
class Job:
    id: int
    entry_id: str
    attempts: int
    generation: int
    last_error: str | None = None


class JobQueries:
    """Mixin for Store: enqueue, lease, finish and fail speech jobs."""

    def _enqueue(self, conn: sa.Connection, entry_id: str) -> None:
        stamp = now()
        updated = conn.execute(jobs.update().where(jobs.c.entry_id == entry_id).values(
            generation=jobs.c.generation + 1, attempts=0, run_after=stamp, last_error=None))
        if updated.rowcount == 0:
            conn.execute(jobs.insert().values(entry_id=entry_id, kind="speech", attempts=0,
                                              generation=1, run_after=stamp, created=stamp))

    def _dequeue(self, conn: sa.Connection, entry_id: str) -> None:
        conn.execute(jobs.delete().where(jobs.c.entry_id == entry_id))

    def request_speech(self, slug: str | None = None, *, ready: bool = False) -> int:
        """Queue every live entry without a ready clip (of one blog, or all; with `ready`, those
        with one too, e.g. when the blog's language changed); returns how many."""
        with self.write() as conn:
            query = sa.select(entries.c.id).where(entries.c.deleted.is_(None))
            if not ready:
                query = query.where(sa.or_(entries.c.audio_status.is_(None), entries.c.audio_status != "ready"))
            if slug is not None:
                query = query.where(entries.c.blog_id == self._blog(conn, slug).id)
            ids = conn.execute(query).scalars().all()
            for entry_id in ids:
                self._enqueue(conn, entry_id)
            if ids:
                conn.execute(entries.update().where(entries.c.id.in_(ids)).values(audio_status="pending"))
            return len(ids)

    def claim_job(self, worker: str, *, lease: float = 300.0) -> Job | None:
        """Lease the next due job to `worker`, or None when nothing is due."""
        stamp = now()
        due = sa.and_(jobs.c.run_after <= stamp,
                      sa.or_(jobs.c.locked_until.is_(None), jobs.c.locked_until < stamp))
        with self.write() as conn:
            query = sa.select(jobs).where(due).order_by(jobs.c.run_after, jobs.c.id).limit(1)
            if conn.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            row = conn.execute(query).first()
            if row is None:
                return None
            conn.execute(jobs.update().where(jobs.c.id == row.id).values(
                locked_by=worker, locked_until=stamp + timedelta(seconds=lease),
                attempts=jobs.c.attempts + 1))
            return Job(row.id, row.entry_id, row.attempts + 1, row.generation, row.last_error)

    def finish_job(self, job: Job, audio: Audio) -> tuple[bool, str | None]:
        """Record the clip on the entry. Returns whether it was kept (False: the entry is gone,
        so the clip is the caller's to remove) and the clip file it replaced, if any."""
        with self.write() as conn:
            row = conn.execute(sa.select(entries.c.blog_id, entries.c.audio_file, entries.c.deleted)
                               .where(entries.c.id == job.entry_id)).first()
            current = conn.execute(sa.select(jobs.c.generation).where(jobs.c.id == job.id)).scalar()
            if row is None or row.deleted is not None:
                self._dequeue(conn, job.entry_id)
                return False, None
            stale = current is not None and current != job.generation
            values: dict[str, Any] = dict(
                audio_file=audio.file, audio_bytes=audio.bytes, audio_duration=audio.duration,
                audio_voice=audio.voice, audio_transcript=audio.transcript, audio_error=None,
                audio_cues=[list(cue) for cue in audio.cues])
            if not stale:
                values["audio_status"] = "ready"
                conn.execute(jobs.delete().where(jobs.c.id == job.id))
            else:  # the entry changed while we spoke it: run again, keep the newer request
                conn.execute(jobs.update().where(jobs.c.id == job.id).values(locked_by=None, locked_until=None))
            conn.execute(entries.update().where(entries.c.id == job.entry_id).values(**values))
            self._touch(conn, row.blog_id, content=False)
            return True, (row.audio_file if row.audio_file != audio.file else None)

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
                    blog_id = conn.execute(sa.select(entries.c.blog_id).where(entries.c.id == job.entry_id)).scalar()
                    self._touch(conn, blog_id, content=False)
            else:
                conn.execute(jobs.update().where(jobs.c.id == job.id).values(
                    locked_by=None, locked_until=None, last_error=error[:2000],
                    run_after=now() + timedelta(seconds=retry_in)))

    def job_entry(self, job: Job) -> tuple[Blog, Entry] | None:
        """The (blog, entry) a job is for, or None when the entry is gone."""
        with self.read() as conn:
            row = conn.execute(sa.select(entries).where(entries.c.id == job.entry_id,
                                                        entries.c.deleted.is_(None))).first()
            if row is None:
                return None
            blog_row = conn.execute(sa.select(blogs).where(blogs.c.id == row.blog_id)).one()
            blog = replace(blog_from_row(blog_row), pronunciations=self._pronunciations(conn, row.blog_id))
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
