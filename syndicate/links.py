"""Every public URL the service publishes, built from one base URL.

The paths here are also the layout of the published tree (`<DATA_DIR>/public/`, and
`syndicate build`): every URL is a file, so paged documents and text-view variants use path
segments (`page/2/`, `oldest/`, `key/`) rather than query strings.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass

FEED_FILES = {"rss": "rss.xml", "atom": "atom.xml", "json": "feed.json", "podcast": "podcast.xml"}
KIND_BY_FILE = {name: kind for kind, name in FEED_FILES.items()}
FEED_TYPES = {
    "rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
    "podcast": "application/rss+xml",
}


def entry_guid(entry_id: str) -> str:
    """The permanent id of an entry in every feed: a urn:uuid, independent of host names."""
    return uuid.UUID(hex=entry_id).urn


# Podcast episodes get ids of their own (uuid5 of the entry id in this fixed namespace): a
# client that reads both the text feeds and the podcast, such as newsboat, treats ids as
# global, and would otherwise take an episode for the article it already has. Never change it.
EPISODE_NAMESPACE = uuid.UUID("5b0e8f4e-2c1f-5a0d-9d3b-6f1e4c7a2b90")


def episode_guid(entry_id: str) -> str:
    """The permanent id of an entry's podcast episode: a urn:uuid distinct from `entry_guid`."""
    return uuid.uuid5(EPISODE_NAMESPACE, uuid.UUID(hex=entry_id).hex).urn


def blog_guid(blog_uuid: str) -> str:
    return uuid.UUID(blog_uuid).urn


def page_path(number: int) -> str:
    """The path segment for page `number` of a paged document ('' for the first page)."""
    return "" if number <= 1 else f"page/{number}/"


def view_path(order: str = "newest", key_only: bool = False, number: int = 1) -> str:
    """The folder of one text-view variant under `blogs/<slug>/` ('' for the default): key events
    only under `key/`, oldest first under `oldest/`, older pages under `page/<n>/`."""
    return ("key/" if key_only else "") + ("oldest/" if order == "oldest" else "") + page_path(number)


@dataclass(frozen=True)
class Links:
    """URL builder. `base` is the public root of the service, e.g. https://news.example/live."""

    base: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "base", self.base.rstrip("/"))

    def home(self) -> str:
        return f"{self.base}/"

    def blog_page(self, slug: str, page: int = 1, order: str = "newest", key_only: bool = False) -> str:
        return f"{self.base}/blogs/{slug}/{view_path(order, key_only, page)}"

    def blog_text(self, slug: str) -> str:
        return f"{self.base}/blogs/{slug}.txt"

    def entry(self, slug: str, entry_id: str) -> str:
        """The entry's own page: stable, unlike an anchor in a text view page it moves off."""
        return f"{self.base}/blogs/{slug}/entries/{entry_id}/"

    def feed(self, slug: str, fmt: str, page: int = 1) -> str:
        return f"{self.base}/blogs/{slug}/{page_path(page)}{FEED_FILES[fmt]}"

    def cover(self, slug: str) -> str:
        return f"{self.base}/blogs/{slug}/cover.png"

    def audio(self, file: str) -> str:
        return f"{self.base}/audio/{file}"

    def transcript(self, slug: str, entry_id: str, ext: str = "txt") -> str:
        return f"{self.base}/blogs/{slug}/entries/{entry_id}.{ext}"

    def catchup_feed(self, slug: str) -> str:
        return f"{self.base}/blogs/{slug}/catch-up.xml"

    def catchup_file(self, slug: str, name: str) -> str:
        """The catch-up episode's chapters (.json) and transcripts (.txt, .vtt)."""
        return f"{self.base}/blogs/{slug}/catch-up/{name}"

    def opml(self) -> str:
        return f"{self.base}/feeds.opml"

    def api_blog(self, slug: str) -> str:
        return f"{self.base}/api/blogs/{slug}"

    def api_entry(self, slug: str, entry_id: str) -> str:
        return f"{self.base}/api/blogs/{slug}/entries/{entry_id}"
