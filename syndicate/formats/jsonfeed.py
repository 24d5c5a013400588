"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""
from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import tzinfo
from functools import partial
from typing import Any

from ..links import Links, entry_guid
from ..model import Blog, Entry, Page
from ..timeutil import to_rfc3339
from .common import (
    AUDIO_TYPE,
    audio_ready,
    author_name,
    blog_zone,
    content_html,
    content_text,
    duration_seconds,
    entry_tags,
    feed_description,
    feed_language,
    feed_title,
    item_title,
)
from .fragments import CACHE

VERSION = "https://jsonfeed.org/version/1.1"


def _item(
    entry: Entry, blog: Blog, links: Links, tz: tzinfo, authors: list[dict[str, str]]
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": entry_guid(entry.id),
        "url": links.entry(blog.slug, entry.id),
        "title": item_title(entry, tz),
        "content_html": content_html(entry),
        "content_text": content_text(entry),
        "date_published": to_rfc3339(entry.published),
        "date_modified": to_rfc3339(entry.updated),
        "authors": authors,
    }
    tags = entry_tags(entry)
    if tags:
        item["tags"] = tags
    if audio_ready(entry):
        audio = entry.audio
        assert audio is not None and audio.file is not None  # audio_ready says so
        attachment: dict[str, Any] = {
            "url": links.audio(audio.file),
            "mime_type": AUDIO_TYPE,
            "size_in_bytes": audio.bytes,
        }
        seconds = duration_seconds(audio)
        if seconds is not None:
            attachment["duration_in_seconds"] = seconds
        item["attachments"] = [attachment]
    return item


def feed_object(
    blog: Blog, entries: Sequence[Entry], links: Links, page: Page, *, hub: str | None = None
) -> dict[str, Any]:
    """The JSON Feed document as a dict (keys in a fixed order)."""
    slug = blog.slug
    authors = [{"name": author_name(blog)}]
    feed: dict[str, Any] = {
        "version": VERSION,
        "title": feed_title(blog),
        "home_page_url": links.blog_page(slug),
        "feed_url": links.feed(slug, "json", page.number),
        "description": feed_description(blog),
        "icon": links.cover(slug),
        "language": feed_language(blog),
        "authors": authors,
    }
    if page.older is not None:
        feed["next_url"] = links.feed(slug, "json", page.older)
    if hub:
        feed["hubs"] = [{"type": "WebSub", "url": hub}]
    if blog.status == "ended":
        feed["expired"] = True  # an ended live blog will not update again
    tz = blog_zone(blog)
    feed["items"] = [_item(entry, blog, links, tz, authors) for entry in entries]
    return feed


def build_jsonfeed(
    blog: Blog, entries: Sequence[Entry], links: Links, page: Page, *, hub: str | None = None
) -> bytes:
    """JSON Feed 1.1 for one page of a blog's live entries (newest first), as UTF-8 bytes.

    Serialised compactly with a fixed key order, so the same input gives the same bytes; each
    item is serialised once and reused while its entry is unchanged (see `fragments`).
    """
    document = feed_object(blog, (), links, page, hub=hub)
    del document["items"]  # the last key: written below from the cached items
    tz, authors = blog_zone(blog), document["authors"]
    def item_bytes(entry: Entry) -> bytes:
        return _dumps(_item(entry, blog, links, tz, authors))

    items = [CACHE.get(("json", entry, links, blog.slug, tz, authors[0]["name"]), partial(item_bytes, entry))
             for entry in entries]
    return b"".join((_dumps(document)[:-1], b',"items":[', b",".join(items), b"]}"))


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
