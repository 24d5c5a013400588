"""Plain data passed between the store, the importers, the speech pipeline and the builders.

Nothing here does I/O. Every datetime is timezone-aware UTC.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any

BLOG_STATUSES = ("live", "ended")
MEDIA_KINDS = ("photo", "video", "embed")
AUDIO_STATUSES = ("pending", "ready", "failed")


@dataclass(frozen=True)
class Media:
    """A photo, video or embed attached to an entry, with its caption and credit as text."""

    kind: str = "photo"
    caption: str = ""
    credit: str = ""
    url: str = ""

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "caption": self.caption, "credit": self.credit, "url": self.url}


@dataclass(frozen=True)
class Audio:
    """The spoken clip of an entry. `file` is relative to the audio directory."""

    status: str = "pending"
    file: str | None = None
    bytes: int | None = None
    duration: float | None = None
    voice: str | None = None
    transcript: str | None = None  # the prepared text that was spoken
    error: str | None = None
    cues: tuple[tuple[float, float, str], ...] = ()  # when each piece of the transcript is heard

    @property
    def ready(self) -> bool:
        return self.status == "ready" and self.file is not None


@dataclass(frozen=True)
class Pronunciation:
    """How to say a word or phrase: `say` is a respelling every engine can speak; `phonemes`
    are (engine, phoneme string) pairs for engines that take phonemes (their own notation).
    An empty `language` applies to every language."""

    word: str
    say: str
    phonemes: tuple[tuple[str, str], ...] = ()
    whole_word: bool = True
    case_sensitive: bool = False
    language: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"word": self.word, "say": self.say, "phonemes": dict(self.phonemes),
                "whole_word": self.whole_word, "case_sensitive": self.case_sensitive,
                "language": self.language}


@dataclass(frozen=True)
class Blog:
    """A live blog. `version` goes up by one on every change to the blog or its entries."""

    slug: str
    title: str
    uuid: str
    created: datetime
    updated: datetime
    description: str = ""
    language: str = "en"
    timezone: str = "UTC"
    author: str = ""
    link: str = ""
    status: str = "live"
    background: str = ""  # paragraphs after the entries in an imported page, plain text
    owner_name: str = ""  # the podcast's itunes:owner; "" falls back to the service's setting
    owner_email: str = ""
    version: int = 1
    changed: datetime | None = None  # last change of any output, audio included
    id: int | None = None  # the store's row id; not part of the public JSON
    # The blog's pronunciation lexicon: loaded where speech needs it (a speech job), else empty.
    pronunciations: tuple[Pronunciation, ...] = ()

    def to_json(self) -> dict[str, Any]:
        from .timeutil import to_rfc3339

        return {
            "slug": self.slug,
            "title": self.title,
            "description": self.description,
            "language": self.language,
            "timezone": self.timezone,
            "author": self.author,
            "link": self.link,
            "status": self.status,
            "owner_name": self.owner_name,
            "owner_email": self.owner_email,
            "created": to_rfc3339(self.created),
            "updated": to_rfc3339(self.updated),
        }


@dataclass(frozen=True)
class Entry:
    """One update of a live blog. `id` never changes once given."""

    id: str
    published: datetime
    updated: datetime
    headline: str = ""
    html: str = ""
    text: str = ""
    media: tuple[Media, ...] = ()
    key_event: bool = False
    pinned: bool = False
    source_id: str | None = None
    deleted: datetime | None = None  # set when the entry is a tombstone
    audio: Audio | None = None
    blog_slug: str = ""

    @property
    def edited(self) -> bool:
        return self.updated > self.published

    def __hash__(self) -> int:
        # Entries key the feed item caches, several times per build: hash the fields once.
        cached = self.__dict__.get("_hash")
        if cached is None:
            cached = hash(tuple(getattr(self, f.name) for f in fields(self)))
            object.__setattr__(self, "_hash", cached)
        return cached

    def with_(self, **changes: Any) -> Entry:
        return replace(self, **changes)


@dataclass(frozen=True)
class Chapter:
    """One entry's part of a catch-up episode: when it starts and ends (seconds), its title."""

    start: float
    end: float
    entry_id: str
    title: str

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "entry_id": self.entry_id, "title": self.title}


@dataclass(frozen=True)
class Catchup:
    """A blog's catch-up episode: the story so far in one MP3 made from the entries' clips.

    `file` is relative to the clip store's root, like a clip's. `guid` changes exactly when what
    the episode says does (`digest` is what it was made from); `as_of` is the time of its newest
    entry. `cues` time the whole episode's transcript.
    """

    file: str
    bytes: int
    duration: float
    guid: str
    digest: str
    as_of: datetime
    made_at: datetime
    chapters: tuple[Chapter, ...]
    cues: tuple[tuple[float, float, str], ...] = ()
    final: bool = False  # made once the blog had ended

    @property
    def transcript(self) -> str:
        """What is said, one cue a line."""
        return "\n".join(text for _, _, text in self.cues)


@dataclass(frozen=True)
class Page:
    """Which slice of a blog's entries a document shows. Pages are numbered from 1 (newest)."""

    number: int
    size: int
    total: int  # live (not deleted) entries in the whole blog

    @property
    def count(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def has_next(self) -> bool:  # older entries exist
        return self.number < self.count

    @property
    def has_prev(self) -> bool:  # newer entries exist
        return self.number > 1


@dataclass(frozen=True)
class ParsedEntry:
    """An entry as an importer found it, before it has an id."""

    published: datetime
    updated: datetime | None = None
    headline: str = ""
    html: str = ""
    media: tuple[Media, ...] = ()
    key_event: bool = False
    pinned: bool = False
    source_id: str | None = None
    time_known: bool = True  # False when the source gave no clock time for it
    id: str | None = None  # the entry's syndicate id, when the source is syndicate's own export


@dataclass
class ParsedBlog:
    """A live blog as an importer found it."""

    title: str = ""
    description: str = ""
    language: str | None = None
    timezone: str | None = None
    author: str = ""
    link: str = ""
    status: str | None = None
    background: str = ""
    entries: list[ParsedEntry] = field(default_factory=list)
    format: str = ""
