"""Queries on catch-up episodes: one current episode per blog."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ..model import Catchup, Chapter
from .blogs import blog_in, row_id, touch
from .connections import Connections
from .schema import catchups


def catchup_from_row(row: sa.Row) -> Catchup:
    return Catchup(
        file=row.file, bytes=row.bytes, duration=row.duration, guid=row.guid, digest=row.digest,
        as_of=row.as_of, made_at=row.made_at, final=row.final,
        chapters=tuple(Chapter(float(c["start"]), float(c["end"]), c["entry_id"], c["title"]) for c in row.chapters),
        cues=tuple((float(a), float(b), str(text)) for a, b, text in row.cues),
    )


class CatchupQueries(Connections):
    """Mixin for Store: read and replace a blog's catch-up episode."""

    def get_catchup(self, slug: str) -> Catchup | None:
        with self.read() as conn:
            blog = blog_in(conn, slug)
            row = conn.execute(sa.select(catchups).where(catchups.c.blog_id == blog.id)).first()
        return catchup_from_row(row) if row else None

    def save_catchup(self, slug: str, catchup: Catchup) -> str | None:
        """Make `catchup` the blog's current episode; returns the file nobody uses any more (the
        caller removes it after this commit): the one it replaced, or its own when another
        worker saved an episode made later meanwhile (which is kept). None when nothing is unused."""
        values = {
            "file": catchup.file, "bytes": catchup.bytes, "duration": catchup.duration, "guid": catchup.guid,
            "digest": catchup.digest, "as_of": catchup.as_of, "made_at": catchup.made_at,
            "final": catchup.final, "chapters": [c.to_json() for c in catchup.chapters],
            "cues": [list(cue) for cue in catchup.cues],
        }
        with self.write() as conn:
            blog = blog_in(conn, slug)
            row = conn.execute(sa.select(catchups.c.file, catchups.c.made_at)
                               .where(catchups.c.blog_id == blog.id)).first()
            old = None if row is None else row.file
            if row is not None and row.made_at > catchup.made_at:
                return catchup.file if catchup.file != old else None
            if old is None:
                conn.execute(catchups.insert().values(blog_id=blog.id, **values))
            else:
                conn.execute(catchups.update().where(catchups.c.blog_id == blog.id).values(**values))
            touch(conn, row_id(blog), content=False)  # the feeds and pages that link it change
        return old if old != catchup.file else None

    def delete_catchup(self, slug: str) -> str | None:
        """Drop the blog's episode (nothing left to tell); returns its file for the caller to remove."""
        with self.write() as conn:
            blog = blog_in(conn, slug)
            old = conn.execute(sa.select(catchups.c.file).where(catchups.c.blog_id == blog.id)).scalar()
            if old is not None:
                conn.execute(catchups.delete().where(catchups.c.blog_id == blog.id))
                touch(conn, row_id(blog), content=False)
        return old

    def mark_catchup_final(self, slug: str, when: datetime) -> None:
        """The blog ended and its episode already says everything: it is the final one."""
        with self.write() as conn:
            blog = blog_in(conn, slug)
            done = conn.execute(catchups.update().where(catchups.c.blog_id == blog.id, catchups.c.final.is_(False))
                                .values(final=True, made_at=when)).rowcount
            if done:
                touch(conn, row_id(blog), content=False)
