"""Pure feed builders: a blog's plain data in, the bytes of one document out.

No Flask, no database, no files: callers pass the blog, the page's live entries (newest first),
a `Links` URL builder and the `Page`, and get back bytes that depend on that input alone, so
two builds of the same data are byte-identical (safe for ETags and static export).
"""
from __future__ import annotations

from .atom import build_atom
from .cover import COVER_TYPE, build_cover
from .jsonfeed import build_jsonfeed
from .opml import build_opml
from .podcast import build_podcast, podcast_owner
from .rss import build_rss

__all__ = [
    "COVER_TYPE",
    "build_atom",
    "build_cover",
    "build_jsonfeed",
    "build_opml",
    "build_podcast",
    "build_rss",
    "podcast_owner",
]
