"""Followed sources: a live page polled for a blog, with the state polling needs.

One source per blog. A poller leases a source before fetching it: `claim` stamps it with the
poller's name and a lease expiry in one conditional UPDATE, so two pollers (threads,
processes or machines sharing the database) never fetch the same source at once, and a
poller that dies leaves a lease that simply runs out. Everything a poll learns (validators,
times, the last error, failures, the next poll) is written back by `finish`, only while the
lease is still the caller's.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from ..timeutil import now, to_rfc3339
from .blogs import blog_in
from .errors import NotFound
from .schema import UTCDateTime, blogs

metadata = sa.MetaData()

sources = sa.Table(
    "sources", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("blog_id", sa.Integer, sa.ForeignKey(blogs.c.id, ondelete="CASCADE"), nullable=False, unique=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("interval", sa.Integer, nullable=False),  # seconds between polls
    sa.Column("etag", sa.Text, nullable=True),
    sa.Column("last_modified", sa.Text, nullable=True),
    sa.Column("lease_holder", sa.String(120), nullable=True),
    sa.Column("lease_until", UTCDateTime, nullable=True),
    sa.Column("last_fetch", UTCDateTime, nullable=True),  # last answer from the source, 304 included
    sa.Column("last_change", UTCDateTime, nullable=True),  # last poll that changed the blog
    sa.Column("last_status", sa.Integer, nullable=True),  # HTTP status of the last answer
    sa.Column("last_error", sa.Text, nullable=True),  # cleared by the next good poll
    sa.Column("next_poll", UTCDateTime, nullable=False),
    sa.Column("failures", sa.Integer, nullable=False, default=0),  # in a row
    sa.Column("created", UTCDateTime, nullable=False),
    sa.Index("ix_sources_next_poll", "next_poll"),
)


def create_sources_table(conn: sa.Connection) -> None:
    """Migration step: the sources table."""
    sources.create(conn, checkfirst=True)


@dataclass(frozen=True)
class Source:
    """A followed page and its polling state."""

    id: int
    slug: str
    url: str
    interval: int
    etag: str | None = None
    last_modified: str | None = None
    lease_holder: str | None = None
    lease_until: datetime | None = None
    last_fetch: datetime | None = None
    last_change: datetime | None = None
    last_status: int | None = None
    last_error: str | None = None
    next_poll: datetime | None = None
    failures: int = 0

    def to_json(self) -> dict[str, Any]:
        def stamp(value: datetime | None) -> str | None:
            return to_rfc3339(value) if value else None

        leased = self.lease_until is not None and self.lease_until > now()
        return {"url": self.url, "interval": self.interval, "polling": leased,
                "last_fetch": stamp(self.last_fetch), "last_change": stamp(self.last_change),
                "last_status": self.last_status, "last_error": self.last_error,
                "next_poll": stamp(self.next_poll), "failures": self.failures}


def _source(row: Any) -> Source:
    return Source(row.id, row.slug, row.url, row.interval, row.etag, row.last_modified, row.lease_holder,
                  row.lease_until, row.last_fetch, row.last_change, row.last_status, row.last_error,
                  row.next_poll, row.failures)


class Sources:
    """Queries on followed sources, over a Store's connections."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def _select(self) -> sa.Select:
        return sa.select(sources, blogs.c.slug).join(blogs, blogs.c.id == sources.c.blog_id)

    def get(self, slug: str) -> Source | None:
        with self.store.read() as conn:
            row = conn.execute(self._select().where(blogs.c.slug == slug)).first()
        return _source(row) if row else None

    def all(self) -> list[Source]:
        with self.store.read() as conn:
            return [_source(r) for r in conn.execute(self._select().order_by(blogs.c.slug))]

    def put(self, slug: str, url: str, interval: int) -> tuple[Source, bool]:
        """Follow `url` for blog `slug` (NotFound without the blog); returns the source and
        whether it is new. A new URL forgets the old one's validators; either way the next
        poll is due now and past failures are forgotten."""
        stamp = now()
        with self.store.write() as conn:
            blog = blog_in(conn, slug)
            row = conn.execute(sa.select(sources).where(sources.c.blog_id == blog.id)).first()
            values: dict[str, Any] = {"url": url, "interval": interval, "next_poll": stamp, "failures": 0}
            if row is None:
                conn.execute(sources.insert().values(blog_id=blog.id, created=stamp, **values))
            else:
                if row.url != url:
                    values.update(etag=None, last_modified=None, last_error=None, last_status=None)
                conn.execute(sources.update().where(sources.c.id == row.id).values(**values))
        source = self.get(slug)
        if source is None:  # the blog was deleted right after this commit
            raise NotFound(f"store: no blog {slug!r}")
        return source, row is None

    def delete(self, slug: str) -> bool:
        """Stop following; False when the blog followed nothing."""
        with self.store.write() as conn:
            blog = blog_in(conn, slug)
            return conn.execute(sources.delete().where(sources.c.blog_id == blog.id)).rowcount > 0

    def claim(self, holder: str, lease: float, *, slug: str | None = None) -> Source | None:
        """Lease one due source to `holder` (with `slug`: that one, due or not), or None."""
        stamp = now()
        free = sa.or_(sources.c.lease_until.is_(None), sources.c.lease_until < stamp)
        with self.store.write() as conn:
            query = self._select().where(free)
            query = query.where(blogs.c.slug == slug) if slug else query.where(sources.c.next_poll <= stamp)
            for row in conn.execute(query.order_by(sources.c.next_poll).limit(5)).all():
                taken = conn.execute(sources.update().where(sources.c.id == row.id).where(free).values(
                    lease_holder=holder, lease_until=stamp + timedelta(seconds=lease)))
                if taken.rowcount == 1:  # nobody else got there first
                    return _source(row)
        return None

    def finish(self, source: Source, holder: str, **values: Any) -> bool:
        """Record a poll's outcome and release the lease; False when the lease was lost."""
        with self.store.write() as conn:
            done = conn.execute(sources.update().where(sources.c.id == source.id)
                                .where(sources.c.lease_holder == holder)
                                .values(lease_holder=None, lease_until=None, **values))
            return done.rowcount == 1

    def next_due(self) -> datetime | None:
        """When the next poll of any source is due."""
        with self.store.read() as conn:
            return conn.execute(sa.select(sources.c.next_poll).order_by(sources.c.next_poll).limit(1)).scalar()
