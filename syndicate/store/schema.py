"""SQLAlchemy Core tables. Times are stored as aware UTC (TIMESTAMP WITH TIME ZONE on
PostgreSQL; ISO strings via UTCDateTime on SQLite, which keeps them sortable)."""
from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

metadata = sa.MetaData()


class UTCDateTime(TypeDecorator[datetime]):
    """A datetime column that only accepts aware values and always returns aware UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


blogs = sa.Table(
    "blogs", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("slug", sa.String(80), nullable=False, unique=True),
    sa.Column("uuid", sa.String(36), nullable=False, unique=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("language", sa.String(35), nullable=False, default="en"),
    sa.Column("timezone", sa.String(64), nullable=False, default="UTC"),
    sa.Column("author", sa.Text, nullable=False, default=""),
    sa.Column("link", sa.Text, nullable=False, default=""),
    sa.Column("status", sa.String(10), nullable=False, default="live"),
    sa.Column("background", sa.Text, nullable=False, default=""),
    sa.Column("created", UTCDateTime, nullable=False),
    sa.Column("updated", UTCDateTime, nullable=False),  # last change to what readers see
    sa.Column("changed", UTCDateTime, nullable=False),  # last change of any output (audio too)
    sa.Column("version", sa.Integer, nullable=False, default=1),
    # The podcast's owner (itunes:owner); "" means the service-wide setting.
    sa.Column("owner_name", sa.Text, nullable=False, default="", server_default=""),
    sa.Column("owner_email", sa.Text, nullable=False, default="", server_default=""),
)

entries = sa.Table(
    "entries", metadata,
    sa.Column("id", sa.String(32), primary_key=True),  # uuid4 hex, never changes
    sa.Column("blog_id", sa.Integer, sa.ForeignKey("blogs.id", ondelete="CASCADE"), nullable=False),
    sa.Column("source_id", sa.Text, nullable=True),
    sa.Column("published", UTCDateTime, nullable=False),
    sa.Column("updated", UTCDateTime, nullable=False),
    sa.Column("headline", sa.Text, nullable=False, default=""),
    sa.Column("html", sa.Text, nullable=False, default=""),
    sa.Column("text", sa.Text, nullable=False, default=""),
    sa.Column("media", sa.JSON, nullable=False, default=list),
    sa.Column("key_event", sa.Boolean, nullable=False, default=False),
    sa.Column("pinned", sa.Boolean, nullable=False, default=False),
    sa.Column("deleted", UTCDateTime, nullable=True),
    # The spoken clip; audio_status is NULL until speech is requested.
    sa.Column("audio_status", sa.String(10), nullable=True),
    sa.Column("audio_file", sa.Text, nullable=True),
    sa.Column("audio_bytes", sa.Integer, nullable=True),
    sa.Column("audio_duration", sa.Float, nullable=True),
    sa.Column("audio_voice", sa.Text, nullable=True),
    sa.Column("audio_transcript", sa.Text, nullable=True),
    sa.Column("audio_cues", sa.JSON, nullable=True),  # [[start, end, text], ...] in seconds
    sa.Column("audio_error", sa.Text, nullable=True),
    # Moves on every write to the row (SQLAlchemy's onupdate, for every Core UPDATE): the
    # publisher re-reads only the entries whose revision it has not seen.
    sa.Column("revision", sa.Integer, nullable=False, default=1, server_default="0",
              onupdate=sa.text("revision + 1")),
    sa.Index("ix_entries_blog_published", "blog_id", "deleted", "published"),
    sa.Index("ix_entries_blog_source", "blog_id", "source_id"),
    # The podcast's episodes: entries with a ready clip, newest first, without a scan.
    sa.Index("ix_entries_blog_audio", "blog_id", "audio_status", "published"),
)

# Each blog's current catch-up episode (the story so far in one MP3, made from the clips).
catchups = sa.Table(
    "catchups", metadata,
    sa.Column("blog_id", sa.Integer, sa.ForeignKey("blogs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("file", sa.Text, nullable=False),  # relative to the clip store's root
    sa.Column("bytes", sa.Integer, nullable=False),
    sa.Column("duration", sa.Float, nullable=False),
    sa.Column("guid", sa.String(64), nullable=False),  # changes when the content does
    sa.Column("digest", sa.String(64), nullable=False),  # what it was made from
    sa.Column("chapters", sa.JSON, nullable=False),  # [{start, end, entry_id, title}, ...]
    sa.Column("cues", sa.JSON, nullable=False),  # [[start, end, text], ...] of the whole episode
    sa.Column("as_of", UTCDateTime, nullable=False),  # the newest entry's time
    sa.Column("final", sa.Boolean, nullable=False, default=False),  # made after the blog ended
    sa.Column("made_at", UTCDateTime, nullable=False),
)

# The speech queue: one row per entry that needs (re)synthesis. A worker leases a row by
# setting locked_by/locked_until; an expired lease (a killed worker) makes it claimable again.
jobs = sa.Table(
    "jobs", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("entry_id", sa.String(32), sa.ForeignKey("entries.id", ondelete="CASCADE"), nullable=False, unique=True),
    sa.Column("kind", sa.String(20), nullable=False, default="speech"),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    # Bumped when the entry changes again while queued: a worker holding an older
    # generation must not mark the newer request done.
    sa.Column("generation", sa.Integer, nullable=False, default=1),
    sa.Column("run_after", UTCDateTime, nullable=False),
    sa.Column("locked_by", sa.String(64), nullable=True),
    sa.Column("locked_until", UTCDateTime, nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("created", UTCDateTime, nullable=False),
    sa.Index("ix_jobs_run_after", "run_after"),
)

# A blog's pronunciation lexicon: one row per word (or phrase) and language ("" = any).
pronunciations = sa.Table(
    "pronunciations", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("blog_id", sa.Integer, sa.ForeignKey("blogs.id", ondelete="CASCADE"), nullable=False),
    sa.Column("word", sa.Text, nullable=False),
    sa.Column("language", sa.String(35), nullable=False, default=""),
    sa.Column("say", sa.Text, nullable=False),
    sa.Column("phonemes", sa.JSON, nullable=False, default=dict),  # engine -> phoneme string
    sa.Column("whole_word", sa.Boolean, nullable=False, default=True),
    sa.Column("case_sensitive", sa.Boolean, nullable=False, default=False),
    sa.UniqueConstraint("blog_id", "word", "language", name="uq_pronunciations_word"),
)
