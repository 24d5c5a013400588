"""Queries on entries. Deleting an entry keeps a tombstone row (feeds announce deletions)."""
from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from ..model import Audio, Entry, Media
from ..timeutil import now
from .blogs import blog_in, row_id, touch
from .connections import Connections
from .errors import NotFound
from .queue import dequeue, enqueue
from .schema import blogs, entries

CONTENT_FIELDS = ("published", "headline", "html", "text", "media", "key_event", "pinned", "source_id")
LIST_COLUMNS = [c for c in entries.c if c.name not in ("audio_transcript", "audio_cues")]
# Fields whose change alters what is spoken, so the clip must be made again ("html": its
# inline pronunciations, `<span data-say>`, are not in the text).
SPOKEN_FIELDS = ("published", "headline", "text", "html", "media")


def entry_from_row(row: sa.Row, slug: str = "") -> Entry:
    audio = None
    if row.audio_status is not None:
        audio = Audio(
            status=row.audio_status, file=row.audio_file, bytes=row.audio_bytes,
            duration=row.audio_duration, voice=row.audio_voice,
            # Lists leave the transcript and its cues out (see `list_entries`).
            transcript=getattr(row, "audio_transcript", None), error=row.audio_error,
            cues=tuple(tuple(cue) for cue in (getattr(row, "audio_cues", None) or ())),
        )
    return Entry(
        id=row.id, blog_slug=slug, published=row.published, updated=row.updated,
        headline=row.headline, html=row.html, text=row.text,
        media=tuple(Media(**m) for m in (row.media or ())), key_event=row.key_event,
        pinned=row.pinned, source_id=row.source_id, deleted=row.deleted, audio=audio,
    )


def _aware(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _row_values(values: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: values[k] for k in CONTENT_FIELDS if k in values}
    if "media" in out:
        out["media"] = [m.to_json() if isinstance(m, Media) else dict(m) for m in out["media"]]
    return out


# -- building blocks: run inside a caller's transaction (see `store.transaction`) ---------------

def live_query(blog_id: int, *, key_only: bool, audio_ready: bool) -> sa.Select:
    query = sa.select(entries).where(entries.c.blog_id == blog_id, entries.c.deleted.is_(None))
    if key_only:
        query = query.where(entries.c.key_event.is_(True))
    if audio_ready:
        query = query.where(entries.c.audio_status == "ready")
    return query


def live_entry(conn: sa.Connection, blog_id: int, entry_id: str) -> Entry:
    """A live entry of a blog; NotFound when there is none."""
    row = conn.execute(sa.select(entries).where(
        entries.c.blog_id == blog_id, entries.c.id == entry_id, entries.c.deleted.is_(None))).first()
    if row is None:
        raise NotFound(f"store: no entry {entry_id!r}")
    return entry_from_row(row)


def entries_by_source(conn: sa.Connection, blog_id: int) -> dict[str, Entry]:
    """Live entries keyed by the source's own id: an import's, or "syndicate:<id>" for
    entries posted here (the id the export gives them)."""
    rows = conn.execute(
        sa.select(entries).where(entries.c.blog_id == blog_id, entries.c.deleted.is_(None))
    ).all()
    return {r.source_id or f"syndicate:{r.id}": entry_from_row(r) for r in rows}


def insert_entry(conn: sa.Connection, blog_id: int, values: Mapping[str, Any], *,
                 entry_id: str | None = None, speak: bool = True) -> Entry:
    """Insert an entry (`entry_id` kept when free, else a new one) and queue its speech."""
    stamp = now()
    row = {"headline": "", "html": "", "text": "", "media": [], "key_event": False,
           "pinned": False, "published": stamp, **_row_values(values)}
    if entry_id is None or conn.execute(sa.select(entries.c.id).where(entries.c.id == entry_id)).first():
        entry_id = uuid.uuid4().hex
    row["updated"] = max(values.get("updated") or row["published"], row["published"])
    if speak:
        row["audio_status"] = "pending"
    conn.execute(entries.insert().values(id=entry_id, blog_id=blog_id, **row))
    if speak:
        enqueue(conn, entry_id)
    return entry_from_row(conn.execute(sa.select(entries).where(entries.c.id == entry_id)).one())


def update_entry_row(conn: sa.Connection, current: Entry, values: Mapping[str, Any], *,
                     updated: datetime | None = None) -> bool:
    """Apply changed fields to `current` (speech queued again when what is heard changed);
    returns whether anything changed."""
    new = _row_values(values)
    old = _row_values({k: getattr(current, k) for k in new})
    changes = {k: v for k, v in new.items() if old[k] != v}
    if not changes:
        return False
    changes["updated"] = max(updated or now(), changes.get("published", current.published))
    if current.audio is not None and any(k in changes for k in SPOKEN_FIELDS):
        changes["audio_status"] = "pending"
        enqueue(conn, current.id)
    conn.execute(entries.update().where(entries.c.id == current.id).values(**changes))
    return True


def tombstone(conn: sa.Connection, entry_id: str) -> None:
    """Mark deleted and forget the clip (the caller removes its file after commit)."""
    dequeue(conn, entry_id)
    conn.execute(entries.update().where(entries.c.id == entry_id).values(
        deleted=now(), audio_status=None, audio_file=None, audio_bytes=None,
        audio_duration=None, audio_voice=None, audio_transcript=None, audio_error=None,
        audio_cues=None))


class EntryQueries(Connections):
    """Mixin for Store: entries of a blog, newest first by published time."""

    def add_entry(self, slug: str, values: Mapping[str, Any], *, entry_id: str | None = None,
                  speak: bool = True) -> Entry:
        """Store a new entry (and queue its speech); `values` are already validated."""
        with self.write() as conn:
            blog = blog_in(conn, slug)
            entry = insert_entry(conn, row_id(blog), values, entry_id=entry_id, speak=speak)
            touch(conn, row_id(blog), content=True)
        return entry.with_(blog_slug=slug)

    def get_entry(self, slug: str, entry_id: str, *, include_deleted: bool = False) -> Entry | None:
        with self.read() as conn:
            blog = blog_in(conn, slug)
            query = sa.select(entries).where(entries.c.blog_id == blog.id, entries.c.id == entry_id)
            if not include_deleted:
                query = query.where(entries.c.deleted.is_(None))
            row = conn.execute(query).first()
        return entry_from_row(row, slug) if row else None

    def update_entry(self, slug: str, entry_id: str, values: Mapping[str, Any], *,
                     updated: datetime | None = None) -> tuple[Entry, bool]:
        """Apply changed fields; returns (entry, whether anything changed)."""
        with self.write() as conn:
            blog = blog_in(conn, slug)
            current = live_entry(conn, row_id(blog), entry_id)
            changed = update_entry_row(conn, current, values, updated=updated)
            if changed:
                touch(conn, row_id(blog), content=True)
            row = conn.execute(sa.select(entries).where(entries.c.id == entry_id)).one()
        return entry_from_row(row, slug), changed

    def delete_entry(self, slug: str, entry_id: str) -> Entry:
        """Turn the entry into a tombstone; returns it as it was (its clip is the caller's to remove)."""
        with self.write() as conn:
            blog = blog_in(conn, slug)
            current = live_entry(conn, row_id(blog), entry_id)
            tombstone(conn, current.id)
            touch(conn, row_id(blog), content=True)
        return current.with_(blog_slug=slug)

    def list_entries(self, slug: str, *, limit: int | None = None, offset: int = 0,
                     order: str = "newest", key_only: bool = False,
                     audio_ready: bool = False, transcripts: bool = False) -> list[Entry]:
        """Live entries, newest (or oldest) first by published time. Their clips' transcripts
        (the longest part of an entry, which no list shows) only when `transcripts` is true."""
        with self.read() as conn:
            blog = blog_in(conn, slug)
            query = live_query(row_id(blog), key_only=key_only, audio_ready=audio_ready)
            if not transcripts:
                query = query.with_only_columns(*LIST_COLUMNS)
            if order == "oldest":
                query = query.order_by(entries.c.published.asc(), entries.c.id.asc())
            else:
                query = query.order_by(entries.c.published.desc(), entries.c.id.desc())
            rows = conn.execute(query.limit(limit).offset(offset)).all()
        return [entry_from_row(r, slug) for r in rows]

    def entry_index(self, slug: str) -> Sequence[tuple[str, int]]:
        """(id, revision) of every live entry, newest first: what the publisher reads on each
        publish, to fetch only the entries it has not seen at that revision."""
        with self.read() as conn:
            blog = blog_in(conn, slug)
            return conn.execute(
                sa.select(entries.c.id, entries.c.revision)
                .where(entries.c.blog_id == blog.id, entries.c.deleted.is_(None))
                .order_by(entries.c.published.desc(), entries.c.id.desc())).all()

    def entries_by_id(self, slug: str, ids: Sequence[str]) -> list[tuple[int, Entry]]:
        """(revision, entry) of the live entries with these ids, transcripts included."""
        found = []
        with self.read() as conn:
            blog = blog_in(conn, slug)
            for start in range(0, len(ids), 500):  # under every database's limit on parameters
                rows = conn.execute(sa.select(entries).where(
                    entries.c.blog_id == blog.id, entries.c.deleted.is_(None),
                    entries.c.id.in_(ids[start:start + 500]))).all()
                found += [(row.revision, entry_from_row(row, slug)) for row in rows]
        return found

    def count_entries(self, slug: str, *, key_only: bool = False, audio_ready: bool = False) -> int:
        with self.read() as conn:
            blog = blog_in(conn, slug)
            query = sa.select(sa.func.count()).select_from(entries).where(
                entries.c.blog_id == blog.id, entries.c.deleted.is_(None))
            if key_only:
                query = query.where(entries.c.key_event.is_(True))
            if audio_ready:
                query = query.where(entries.c.audio_status == "ready")
            return conn.execute(query).scalar_one()

    def entry_counts(self, slug: str) -> tuple[int, int]:
        """(live entries, live entries with a ready clip), each counted on an index alone."""
        count = sa.select(sa.func.count()).select_from(entries)
        with self.read() as conn:
            blog = blog_in(conn, slug)
            live = conn.execute(count.where(entries.c.blog_id == blog.id, entries.c.deleted.is_(None))).scalar_one()
            # A tombstone has no clip, so "ready" needs no test of `deleted` (and fits the index).
            ready = conn.execute(count.where(entries.c.blog_id == blog.id,
                                             entries.c.audio_status == "ready")).scalar_one()
        return live, ready

    def last_entry_times(self, slug: str | None = None) -> dict[str, datetime]:
        """When each blog's news last changed: the latest `updated` of its live entries (blogs
        without entries are left out). What "last updated" means to a reader: an imported past
        blog was stored today, but its news is as old as its newest entry."""
        query = (sa.select(blogs.c.slug, sa.func.max(entries.c.updated))
                 .join(entries, entries.c.blog_id == blogs.c.id)
                 .where(entries.c.deleted.is_(None)).group_by(blogs.c.slug))
        if slug is not None:
            query = query.where(blogs.c.slug == slug)
        with self.read() as conn:
            rows = conn.execute(query).all()
        # max() over a column drops the type's conversion on SQLite: read it back as aware UTC.
        return {row[0]: _aware(row[1]) for row in rows if row[1] is not None}

    def entry_position(self, slug: str, entry: Entry) -> int:
        """How many live entries come before `entry`, newest first (its index in the text view)."""
        with self.read() as conn:
            blog = blog_in(conn, slug)
            newer = sa.or_(entries.c.published > entry.published,
                           sa.and_(entries.c.published == entry.published, entries.c.id > entry.id))
            return conn.execute(sa.select(sa.func.count()).select_from(entries).where(
                entries.c.blog_id == blog.id, entries.c.deleted.is_(None), newer)).scalar_one()

    def tombstones(self, slug: str, *, limit: int = 100) -> list[Entry]:
        """The most recently deleted entries, newest deletion first."""
        with self.read() as conn:
            blog = blog_in(conn, slug)
            rows = conn.execute(
                sa.select(entries).where(entries.c.blog_id == blog.id, entries.c.deleted.is_not(None))
                .order_by(entries.c.deleted.desc()).limit(limit)
            ).all()
        return [entry_from_row(r, slug) for r in rows]

    def audio_files(self, slug: str) -> set[str]:
        """Clip files that live entries of this blog point at."""
        with self.read() as conn:
            blog = blog_in(conn, slug)
            rows = conn.execute(sa.select(entries.c.audio_file).where(
                entries.c.blog_id == blog.id, entries.c.deleted.is_(None),
                entries.c.audio_file.is_not(None))).scalars()
            return set(rows)
