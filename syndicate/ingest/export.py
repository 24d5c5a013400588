"""The service's own JSON export, written by `to_export` and read back by `parse_export`.

Shape: {"syndicate_export": 1, "blog": Blog.to_json() plus "background", "entries": [{id,
published, updated, headline, html, text, media, key_event, pinned, source_id}]}, times in RFC
3339 UTC, entries newest first, deleted entries left out.

Reading it back gives each entry source_id = its original source_id when it had one (so a
blog imported from elsewhere keeps matching its source), else "syndicate:" + its id. The blog's
language and timezone are what the export says (an unknown zone is dropped); `text` is not
read, since it is derived from the html. Export, then parse, gives back the same fields.
"""
from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

import dateutil.parser

from ..model import BLOG_STATUSES, MEDIA_KINDS, Blog, Entry, Media, ParsedBlog, ParsedEntry
from ..representation import entry_json
from ..sanitize import clean_html
from ..timeutil import ensure_utc, is_zone
from .detect import IngestError
from .jsonld import safe_url

EXPORT_VERSION = 1
ENTRY_ID = re.compile(r"[0-9a-f]{32}")  # the store's ids; anything else gets a new one


def entry_to_json(entry: Entry) -> dict[str, Any]:
    """One entry as the entries API shows it (without audio), plus its source_id."""
    body = entry_json(entry)
    del body["audio"]  # clips are made again by the service that imports the export
    body["source_id"] = entry.source_id
    return body


def to_export(blog: Blog, entries: list[Entry]) -> dict[str, Any]:
    """A JSON-ready export of `blog` and its live (not deleted) `entries`, newest first."""
    kept = sorted((e for e in entries if e.deleted is None), key=lambda e: e.published, reverse=True)
    return {
        "syndicate_export": EXPORT_VERSION,
        "blog": {**blog.to_json(), "background": blog.background},
        "entries": [entry_to_json(e) for e in kept],
    }


def _time(value: Any, where: str) -> datetime:
    try:
        return ensure_utc(dateutil.parser.isoparse(value))
    except (ValueError, OverflowError, TypeError):
        raise IngestError(f"export: {where}: not an RFC 3339 time: {value!r}") from None


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _media(items: Any, where: str) -> tuple[Media, ...]:
    if not isinstance(items, list):
        raise IngestError(f"export: {where}: media must be a list")
    media = []
    for item in items:
        if not isinstance(item, dict):
            raise IngestError(f"export: {where}: each media item must be an object")
        kind = item["kind"] if item.get("kind") in MEDIA_KINDS else "photo"
        media.append(Media(kind=kind, caption=_str(item.get("caption")), credit=_str(item.get("credit")),
                           url=safe_url(item.get("url"))))
    return tuple(media)


def _entry(item: Any, n: int) -> ParsedEntry:
    where = f"entry {n}"
    if not isinstance(item, dict):
        raise IngestError(f"export: {where} is not an object")
    original = item.get("source_id")
    if isinstance(original, str) and original:
        source_id = original
    elif isinstance(item.get("id"), str) and item["id"]:
        source_id = "syndicate:" + item["id"]
    else:
        raise IngestError(f"export: {where} has neither an id nor a source_id")
    published = _time(item.get("published"), where)
    return ParsedEntry(
        published=published,
        updated=_time(item["updated"], where) if item.get("updated") is not None else None,
        headline=_str(item.get("headline")),
        html=clean_html(_str(item.get("html"))),
        media=_media(item.get("media", []), where),
        key_event=item.get("key_event") is True,
        pinned=item.get("pinned") is True,
        source_id=source_id,
        id=item["id"] if isinstance(item.get("id"), str) and ENTRY_ID.fullmatch(item["id"]) else None,
    )


def parse_export(text: str, *, timezone: str = "UTC", language: str | None = None,
                 now: datetime | None = None) -> ParsedBlog:
    """Read an export written by `to_export` (the other arguments are accepted and unused)."""
    try:
        data = json.loads(text, strict=False)
    except ValueError as exc:
        raise IngestError(f"export: malformed JSON: {exc}") from None
    except RecursionError:
        raise IngestError("export: JSON nested too deeply") from None
    if not isinstance(data, dict) or "syndicate_export" not in data:
        raise IngestError("export: not a syndicate export (no \"syndicate_export\" key)")
    if data["syndicate_export"] != EXPORT_VERSION or isinstance(data["syndicate_export"], bool):
        raise IngestError(f"export: unsupported export version {data['syndicate_export']!r} "
                          f"(this service reads version {EXPORT_VERSION})")
    blog, items = data.get("blog"), data.get("entries", [])
    if not isinstance(blog, dict):
        raise IngestError("export: \"blog\" must be an object")
    if not isinstance(items, list):
        raise IngestError("export: \"entries\" must be a list")
    entries = [_entry(item, n) for n, item in enumerate(items, 1)]
    zone_name = _str(blog.get("timezone"))
    return ParsedBlog(
        title=_str(blog.get("title")),
        description=_str(blog.get("description")),
        language=_str(blog.get("language")) or None,
        timezone=zone_name if zone_name and is_zone(zone_name) else None,
        author=_str(blog.get("author")),
        link=_str(blog.get("link")),
        status=blog.get("status") if blog.get("status") in BLOG_STATUSES else None,
        background=_str(blog.get("background")),
        entries=sorted(entries, key=lambda e: e.published, reverse=True),
        format="export",
    )
