"""Wording and link lists that the HTML page and the plain-text version share, so both say the
same thing in the same words."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from ..formats.common import Zoned, blog_zone, item_title
from ..links import FEED_TYPES, Links
from ..model import Audio, Blog, Catchup, Entry, Media
from ..sanitize import html_to_text
from .formatting import human_duration, human_size

ORDERS = ("newest", "oldest")

# Feed formats in the order they are offered, with the words a reader sees.
FEED_LABELS = {"rss": "RSS feed", "atom": "Atom feed", "json": "JSON Feed", "podcast": "Podcast feed"}
MEDIA_LABELS = {"photo": "Photo", "video": "Video", "embed": "Embedded post"}
MEDIA_LINKS = {"video": "Open the video", "embed": "Open the embedded post"}
STATUS_WORDS = {"live": "Live", "ended": "Ended"}


@dataclass(frozen=True)
class NavLink:
    """One link in a list of links: where it goes and what it says."""

    href: str
    label: str
    rel: str = ""
    type: str = ""


def feed_links(blog: Blog, links: Links) -> list[NavLink]:
    """Every way to follow or fetch a blog: the four feeds, the text version and the OPML list."""
    items = [NavLink(links.feed(blog.slug, fmt), label, type=FEED_TYPES[fmt]) for fmt, label in FEED_LABELS.items()]
    items.append(NavLink(links.blog_text(blog.slug), "Plain text version", type="text/plain"))
    items.append(NavLink(links.opml(), "All feeds (OPML)", type="text/x-opml"))
    return items


def status_word(blog: Blog) -> str:
    return STATUS_WORDS.get(blog.status, blog.status.capitalize())


def headline(entry: Entry, blog: Zoned) -> str:
    """An entry's headline; for an untitled entry the same title the feeds give it, its time
    and first words ("08:30 — Guards run after the car…"), so headings read one by one tell
    entries apart (a row of "Update, Update, Update" does not)."""
    return item_title(entry, blog_zone(blog))


def body_text(entry: Entry) -> str:
    """An entry's body as plain text: the stored text, else the text of its (clean) HTML."""
    return entry.text.strip() or html_to_text(entry.html)


def caption_text(media: Media) -> str:
    """ "Photo: caption (Credit: name)": what the picture shows and who made it, as text."""
    kind = MEDIA_LABELS.get(media.kind, media.kind.capitalize() or "Media")
    caption, credit = media.caption.strip(), media.credit.strip()
    text = f"{kind}: {caption}" if caption else f"{kind} without a caption"
    return f"{text} (Credit: {credit})" if credit else text


def media_link(media: Media) -> tuple[str, str] | None:
    """(href, label) for a video or embed the reader can open elsewhere; None for photos (the
    caption says what they show) and for URLs that are not plain web links."""
    label = MEDIA_LINKS.get(media.kind)
    if not label or urlsplit(media.url.strip()).scheme not in ("http", "https"):
        return None
    return media.url.strip(), label


def audio_details(audio: Audio) -> str:
    """ "MP3, 42 seconds, 180 kB": what the reader is about to download."""
    parts = ["MP3", human_duration(audio.duration), human_size(audio.bytes)]
    return ", ".join(part for part in parts if part)


def audio_label(audio: Audio) -> str:
    return f"Listen to this update ({audio_details(audio)})"


def catchup_links(blog: Blog, catchup: Catchup | None, links: Links) -> list[NavLink]:
    """The catch-up episode, its transcript and its feed, when the blog has one."""
    if catchup is None:
        return []
    return [
        NavLink(links.audio(catchup.file),
                f"Listen to the story so far (MP3, {human_duration(catchup.duration)}, with chapters)"),
        NavLink(links.catchup_file(blog.slug, "transcript.txt"), "Read the story so far"),
        NavLink(links.catchup_feed(blog.slug), "Catch-up podcast feed", type="application/rss+xml"),
    ]


def last_updated(blog: Blog, entries: Sequence[Entry], known: datetime | None = None) -> datetime:
    """The "last updated" time a reader is shown: `known` (the latest change of any live entry,
    from the store), else the latest among `entries`, else the blog's own time. Not the blog's
    `updated` alone: an imported past blog was stored today, but its news is older."""
    if known is not None:
        return known
    return max((entry.updated for entry in entries if entry.deleted is None), default=blog.updated)


def check_order(order: str) -> str:
    if order not in ORDERS:
        raise ValueError(f"views: unknown order {order!r} (expected one of {', '.join(ORDERS)})")
    return order


def paragraphs(text: str) -> list[str]:
    """Plain text split at blank lines, each paragraph's lines joined with spaces."""
    blocks = [" ".join(line.strip() for line in block.splitlines()) for block in re.split(r"\n\s*\n", text)]
    return [block for block in blocks if block]
