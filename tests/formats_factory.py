"""Plain Blog/Entry data for the feed-builder tests, and small parsing helpers."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from lxml import etree

from syndicate.links import Links
from syndicate.model import Audio, Blog, Entry, Media, Page

BASE = "https://news.example/live"
LINKS = Links(BASE)
T0 = datetime(2024, 5, 1, 7, 30, tzinfo=UTC)  # 08:30 in Europe/London (BST)
HUB = "https://hub.example/websub"
BLOG_UUID = "0b5d3c52-8a51-4c67-9d9e-3f1c2a7b6e10"

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "at": "http://purl.org/atompub/tombstones/1.0",
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
}


def make_blog(**changes: object) -> Blog:
    values: dict[str, object] = {
        "slug": "election",
        "title": "Election night",
        "uuid": BLOG_UUID,
        "created": T0 - timedelta(hours=1),
        "updated": T0,
        "description": "Results as they come in.",
        "language": "en-GB",
        "timezone": "Europe/London",
        "author": "Politics desk",
    }
    values.update(changes)
    return Blog(**values)  # type: ignore[arg-type]


def entry_id(number: int) -> str:
    return uuid.UUID(int=0x1000 + number).hex


def ready_audio(number: int, *, size: int = 48_213, duration: float = 12.2) -> Audio:
    return Audio(status="ready", file=f"{entry_id(number)[:8]}-v1.mp3", bytes=size, duration=duration)


def make_entry(number: int, **changes: object) -> Entry:
    """Entry `number`, published `number` minutes after T0, with text, a captioned photo
    (odd numbers), key event (multiples of 3) and ready audio (unless changed)."""
    text = f"Guards run after the car as it leaves the count centre, update number {number}."
    values: dict[str, object] = {
        "id": entry_id(number),
        "published": T0 + timedelta(minutes=number),
        "updated": T0 + timedelta(minutes=number),
        "headline": "",
        "html": f"<p>{text}</p>",
        "text": text,
        "media": (Media(kind="photo", caption="The count centre", credit="Jo Bloggs"),) if number % 2 else (),
        "key_event": number % 3 == 0,
        "audio": ready_audio(number),
        "blog_slug": "election",
    }
    values.update(changes)
    return Entry(**values)  # type: ignore[arg-type]


def make_entries(count: int, **changes: object) -> list[Entry]:
    """`count` entries, newest first (the order the builders receive)."""
    return [make_entry(number, **changes) for number in reversed(range(count))]


def one_page(entries: list[Entry]) -> Page:
    return Page(number=0, size=max(1, len(entries)), total=len(entries))


def xml(data: bytes) -> etree._Element:
    """Parse feed bytes strictly (no recovery): malformed XML fails the test."""
    return etree.fromstring(data, etree.XMLParser(recover=False, resolve_entities=False))
