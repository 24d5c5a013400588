"""Queries on a blog's pronunciation lexicon. Every change re-queues the blog's clips in the
same transaction: a clip's name covers the lexicon entries that change what it says, so the
worker makes again exactly the clips whose name changed and keeps the others (its current
clip stays ready, and published, until a new one replaces it)."""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from ..model import Pronunciation
from .blogs import blog_in, row_id, touch
from .connections import Connections
from .queue import enqueue
from .schema import entries, pronunciations


def _from_row(row: sa.Row) -> Pronunciation:
    return Pronunciation(word=row.word, say=row.say, phonemes=tuple(sorted((row.phonemes or {}).items())),
                         whole_word=row.whole_word, case_sensitive=row.case_sensitive, language=row.language)


def _values(entry: Pronunciation) -> dict:
    return {"word": entry.word, "language": entry.language, "say": entry.say, "phonemes": dict(entry.phonemes),
            "whole_word": entry.whole_word, "case_sensitive": entry.case_sensitive}


def pronunciations_in(conn: sa.Connection, blog_id: int) -> tuple[Pronunciation, ...]:
    """The lexicon of blog row `blog_id`, sorted by word, read inside a transaction."""
    rows = conn.execute(sa.select(pronunciations).where(pronunciations.c.blog_id == blog_id)
                        .order_by(pronunciations.c.word, pronunciations.c.language)).all()
    return tuple(_from_row(r) for r in rows)


class PronunciationQueries(Connections):
    """Mixin for Store: read and change a blog's pronunciations."""

    def pronunciations(self, slug: str) -> tuple[Pronunciation, ...]:
        """The blog's lexicon, sorted by word."""
        with self.read() as conn:
            return pronunciations_in(conn, row_id(blog_in(conn, slug)))

    def replace_pronunciations(
            self, slug: str, items: Sequence[Pronunciation]) -> tuple[tuple[Pronunciation, ...], int]:
        """Replace the whole lexicon; returns it and how many clips were queued."""
        with self.write() as conn:
            blog = blog_in(conn, slug)
            conn.execute(pronunciations.delete().where(pronunciations.c.blog_id == blog.id))
            if items:
                conn.execute(pronunciations.insert(), [{"blog_id": blog.id, **_values(e)} for e in items])
            touch(conn, row_id(blog), content=False)
            return pronunciations_in(conn, row_id(blog)), self._respeak(conn, row_id(blog))

    def put_pronunciation(self, slug: str, entry: Pronunciation) -> tuple[bool, int]:
        """Add or replace one word's entry (same word and language); returns whether it was new
        and how many clips were queued."""
        with self.write() as conn:
            blog = blog_in(conn, slug)
            where = sa.and_(pronunciations.c.blog_id == blog.id, pronunciations.c.word == entry.word,
                            pronunciations.c.language == entry.language)
            new = conn.execute(pronunciations.update().where(where).values(**_values(entry))).rowcount == 0
            if new:
                conn.execute(pronunciations.insert().values(blog_id=blog.id, **_values(entry)))
            touch(conn, row_id(blog), content=False)
            return new, self._respeak(conn, row_id(blog))

    def delete_pronunciation(self, slug: str, word: str, language: str | None = None) -> tuple[int, int]:
        """Remove a word's entries (of one language, or all); returns how many went and how many
        clips were queued."""
        with self.write() as conn:
            blog = blog_in(conn, slug)
            where = sa.and_(pronunciations.c.blog_id == blog.id, pronunciations.c.word == word)
            if language is not None:
                where = sa.and_(where, pronunciations.c.language == language)
            gone = conn.execute(pronunciations.delete().where(where)).rowcount
            if not gone:
                return 0, 0
            touch(conn, row_id(blog), content=False)
            return gone, self._respeak(conn, row_id(blog))

    def respeak(self, slug: str) -> int:
        """Queue every clip of the blog to be checked against its lexicon (e.g. after the default
        lexicon file changed); returns how many."""
        with self.write() as conn:
            return self._respeak(conn, row_id(blog_in(conn, slug)))

    def _respeak(self, conn: sa.Connection, blog_id: int) -> int:
        ids = conn.execute(sa.select(entries.c.id).where(
            entries.c.blog_id == blog_id, entries.c.deleted.is_(None), entries.c.audio_status.is_not(None)
        )).scalars().all()
        for entry_id in ids:
            enqueue(conn, entry_id)
        return len(ids)
