"""Helpers shared by the feed builders: item titles, entry bodies, dates and paging links.

Everything here is a pure function of the model's plain data. Entry HTML (`Entry.html`) is
trusted to be the sanitiser's output already (the store keeps that invariant), so it is not
cleaned again per entry; every plain-text field (headlines, captions, credits, blog fields) is
escaped before it goes into HTML.
"""
from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable
from datetime import datetime, tzinfo
from typing import NamedTuple, Protocol

from ..links import FEED_TYPES, Links
from ..model import Audio, Blog, Entry, Media, Page
from ..sanitize import html_to_text, without_speech_hints
from ..timeutil import UTC, ensure_utc, zone

KEY_EVENT = "key-event"
AUDIO_TYPE = "audio/mpeg"
SYNTHETIC_VOICE_NOTE = "Read by a synthetic voice."
TITLE_LIMIT = 60  # characters in an untitled entry's generated title, ellipsis included

# XML 1.0 forbids most C0 controls, lone surrogates and U+FFFE/U+FFFF; lxml refuses them
# outright, so one stray control character from an importer would break a whole feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"\s+")
_CREDIT_LABELS = {"photo": "Photo", "video": "Video", "embed": "Source"}


class FeedLink(NamedTuple):
    """A feed-level link: relation, URL and (optional) media type."""

    rel: str
    href: str
    type: str | None = None


def xml_safe(text: str | None) -> str:
    """`text` without the characters XML 1.0 cannot carry ('' for None)."""
    return _NOT_XML.sub("", text or "")


def one_line(text: str | None) -> str:
    """`text` made XML-safe with its runs of whitespace collapsed to single spaces."""
    return _SPACES.sub(" ", xml_safe(text)).strip()


class Zoned(Protocol):
    """Anything with a blog's time zone name: a `Blog`, or the few fields a view keeps of one."""

    @property
    def timezone(self) -> str: ...


def blog_zone(blog: Zoned) -> tzinfo:
    """The blog's time zone, UTC when its name is unknown (a bad zone must not break feeds)."""
    try:
        return zone(blog.timezone)
    except ValueError:
        return UTC


def feed_title(blog: Blog) -> str:
    """The blog's title on one line; its slug when the title is blank (titles are required)."""
    return one_line(blog.title) or blog.slug


def feed_language(blog: Blog) -> str:
    """The blog's language tag, "en" when unset."""
    return one_line(blog.language) or "en"


def author_name(blog: Blog) -> str:
    """The byline for feeds; the blog title when no author is set (Atom requires one)."""
    return one_line(blog.author) or feed_title(blog)


def feed_description(blog: Blog) -> str:
    """The blog's description, or a generated one (RSS requires a non-empty description)."""
    return one_line(blog.description) or f"Live updates: {feed_title(blog)}"


def feed_updated(
    blog: Blog, entries: Iterable[Entry], tombstones: Iterable[Entry] = ()
) -> datetime:
    """When the document last changed, taken from the data only (never "now"), so that two
    builds of the same input are byte-identical: the latest of the blog's `updated` and
    `changed` (which also moves when a clip becomes ready, and clips are enclosures), the
    entries' `updated` and the tombstones' deletion times."""
    times = [blog.updated] if blog.changed is None else [blog.updated, blog.changed]
    times.extend(entry.updated for entry in entries)
    times.extend(entry.deleted or entry.updated for entry in tombstones)
    return max(ensure_utc(t) for t in times)


def shorten(text: str, width: int) -> str:
    """`text` cut to at most `width` characters on a word boundary, with an ellipsis."""
    if len(text) <= width:
        return text
    return ellipsize(text[: width - 1])


def ellipsize(cut: str) -> str:
    """A prefix cut from a longer text, moved back to its last word boundary, plus "…"."""
    space = cut.rfind(" ")
    if space > len(cut) // 2:  # a very long first word is cut mid-word rather than dropped
        cut = cut[:space]
    return cut.rstrip(" ,;:.-\u2013\u2014") + "\u2026"


def plain_text(entry: Entry) -> str:
    """The entry's text as plain text (the stored text, or derived from its HTML)."""
    return xml_safe(entry.text).strip() or html_to_text(xml_safe(entry.html))


def item_title(entry: Entry, tz: tzinfo) -> str:
    """The entry's headline; for an untitled entry its local time and first words, e.g.
    "08:30 — Guards run after the car as it leaves…" (at most TITLE_LIMIT characters)."""
    headline = one_line(entry.headline)
    if headline:
        return headline
    clock = ensure_utc(entry.published).astimezone(tz).strftime("%H:%M")
    words = one_line(plain_text(entry)) or next(
        (line for line in map(caption_text, entry.media) if line), ""
    )
    if not words:
        return clock
    prefix = f"{clock} \u2014 "
    return prefix + shorten(words, TITLE_LIMIT - len(prefix))


def caption_text(media: Media) -> str:
    """A caption with its credit as one line of plain text: "Caption (Photo: Credit)"."""
    caption, credit = one_line(media.caption), one_line(media.credit)
    if credit:
        label = _CREDIT_LABELS.get(media.kind, "Credit")
        credit = f"{label}: {credit}"
        return f"{caption} ({credit})" if caption else credit
    return caption


def content_html(entry: Entry) -> str:
    """The entry's HTML followed by one <figure> per captioned media item (escaped text)."""
    figures = "".join(
        f"<figure><figcaption>{html.escape(line, quote=False)}</figcaption></figure>"
        for line in map(caption_text, entry.media)
        if line
    )
    return xml_safe(without_speech_hints(entry.html)).strip() + figures


def content_text(entry: Entry) -> str:
    """The entry's plain text followed by its captions, one paragraph each."""
    parts = [plain_text(entry)]
    parts.extend(caption_text(media) for media in entry.media)
    return "\n\n".join(part for part in parts if part)


def audio_ready(entry: Entry) -> bool:
    """Whether the entry's clip can be published: ready, with a file and an exact byte size
    (an enclosure's length must be the size of the file served)."""
    audio = entry.audio
    return audio is not None and audio.ready and audio.bytes is not None and audio.bytes >= 0


def duration_seconds(audio: Audio | None) -> int | None:
    """The clip's duration in whole seconds, rounded up (None when unknown)."""
    if audio is None or audio.duration is None:
        return None
    return max(0, math.ceil(audio.duration))


def paging_links(links: Links, slug: str, fmt: str, page: Page) -> list[FeedLink]:
    """RFC 5005 paged-feed links for `page` of the `fmt` feed: first (the feed itself),
    previous (newer), next (older) and last (the oldest page). Older pages are fixed archive
    pages (see `Page`), so these links change only for the front page and the newest archive
    page. Empty for a feed that fits on one page (it is complete)."""
    if not page.paged:
        return []
    kind = FEED_TYPES[fmt]
    result = [FeedLink("first", links.feed(slug, fmt), kind)]
    if page.newer is not None:
        result.append(FeedLink("previous", links.feed(slug, fmt, page.newer), kind))
    if page.older is not None:
        result.append(FeedLink("next", links.feed(slug, fmt, page.older), kind))
    result.append(FeedLink("last", links.feed(slug, fmt, 1), kind))
    return result


def entry_tags(entry: Entry) -> list[str]:
    """Category terms of an entry: "key-event" for key events."""
    return [KEY_EVENT] if entry.key_event else []
