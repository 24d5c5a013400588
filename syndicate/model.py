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
    """Which slice of a paged list (a blog's entries, its key events, its spoken entries) a
    document shows.

    Number 0 is the front page: the newest `size` entries (the oldest, in oldest-first views).
    Every other page is fixed: page n holds the n-th `size` entries counted from the oldest
    (positions (n-1)*size to n*size-1), so adding an entry never changes an older page's entries
    (RFC 5005 archives). In newest-first lists the older pages are the full ones, n = 1 to
    `archives`, the newest of which may repeat some of the front page's entries; in oldest-first
    views the front page is page 1, and pages 2 to `chunks` follow it.
    """

    number: int
    size: int
    total: int  # entries in the whole list
    order: str = "newest"

    def __post_init__(self) -> None:
        if self.order == "oldest" and self.number == 1:
            object.__setattr__(self, "number", 0)  # the oldest-first front page is page 1

    @property
    def chunks(self) -> int:
        """Fixed pages the list fills (the last may not be full)."""
        return max(1, -(-self.total // self.size))

    @property
    def archives(self) -> int:
        """The numbers of the other pages run from 1 (newest-first) or 2 (oldest-first) to this."""
        return self.chunks - 1 if self.order == "newest" else self.chunks

    @property
    def span(self) -> tuple[int, int]:
        """(start, stop): the positions, counted from the oldest entry, this page shows."""
        if self.number == 0:
            if self.order == "newest":
                return max(0, self.total - self.size), self.total
            return 0, min(self.size, self.total)
        return (self.number - 1) * self.size, min(self.number * self.size, self.total)

    @property
    def newer(self) -> int | None:
        """The number of the page with the next newer entries, or None."""
        if self.order == "newest":
            if self.number == 0:
                return None
            return self.number + 1 if self.number < self.archives else 0
        nxt = 2 if self.number == 0 else self.number + 1
        return nxt if nxt <= self.chunks else None

    @property
    def older(self) -> int | None:
        """The number of the page with the next older entries, or None."""
        if self.order == "newest":
            if self.number == 0:
                return self.archives or None
            return self.number - 1 if self.number > 1 else None
        if self.number == 0:
            return None
        return self.number - 1 if self.number > 2 else 0

    @property
    def paged(self) -> bool:
        """Whether the list needs more than one page."""
        return self.total > self.size

    @property
    def first_position(self) -> int:
        """1-based position of the first entry shown, counted in the page's own order from the
        front (newest-first front page) or from the oldest entry (every other page)."""
        return 1 if self.number == 0 and self.order == "newest" else self.span[0] + 1

    def shown(self) -> tuple:
        """Everything a document shows about its place in the list: what its build depends on
        besides its entries. The front page states the list's length; fixed pages do not, so
        they stay byte-identical while entries are added."""
        total = self.total if self.number == 0 else None
        return (self.number, self.size, self.order, self.newer, self.older, self.paged, total)

    @staticmethod
    def every(size: int, total: int, order: str = "newest") -> list[Page]:
        """Every page of a list: the front page, then the others from the newest."""
        front = Page(0, size, total, order)
        numbers = range(front.archives, 0, -1) if order == "newest" else range(2, front.chunks + 1)
        return [front] + [Page(n, size, total, order) for n in numbers]

    @staticmethod
    def holding(position: int, size: int, total: int) -> Page:
        """The newest-first page to link an entry to, by its position counted from the oldest
        (0-based): its fixed page once that page is full and published, else the front page.
        An entry's link so changes once in its life (when its fixed page fills), which keeps a
        per-entry output from being rebuilt as the blog grows."""
        front = Page(0, size, total)
        number = position // size + 1
        return Page(number, size, total) if number <= front.archives else front


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
