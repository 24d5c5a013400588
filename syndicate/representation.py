"""The public JSON shape of entries (blogs have `Blog.to_json`)."""
from __future__ import annotations

from typing import Any

from .links import Links
from .model import Entry
from .timeutil import to_rfc3339


def entry_json(entry: Entry, links: Links | None = None, slug: str = "") -> dict[str, Any]:
    """`{id, published, updated, headline, html, text, media, key_event, pinned, audio}`.

    `audio` is None until speech was requested; its `url` is set once the clip is ready.
    """
    slug = slug or entry.blog_slug
    body: dict[str, Any] = {
        "id": entry.id,
        "published": to_rfc3339(entry.published),
        "updated": to_rfc3339(entry.updated),
        "headline": entry.headline,
        "html": entry.html,
        "text": entry.text,
        "media": [m.to_json() for m in entry.media],
        "key_event": entry.key_event,
        "pinned": entry.pinned,
        "audio": None,
    }
    audio = entry.audio
    if audio is not None:
        ready = audio.ready
        body["audio"] = {
            "status": audio.status,
            "url": links.audio(audio.file) if (ready and links and audio.file is not None) else None,
            "bytes": audio.bytes if ready else None,
            "duration": round(audio.duration, 3) if (ready and audio.duration is not None) else None,
            "voice": audio.voice,
            "transcript": links.transcript(slug, entry.id) if (ready and links) else None,
            "error": audio.error if audio.status == "failed" else None,
        }
    return body
