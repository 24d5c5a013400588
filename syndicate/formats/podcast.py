"""Podcast RSS: Apple's itunes namespace plus the Podcasting 2.0 namespace.

One episode per entry whose clip is ready; entries still waiting for audio are left out rather
than published with a broken enclosure.
"""
from __future__ import annotations

import html
import re
import uuid
from collections.abc import Sequence
from functools import partial

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator

from ..links import Links, episode_guid
from ..model import Blog, Entry, Page
from .common import (
    SYNTHETIC_VOICE_NOTE,
    audio_ready,
    author_name,
    blog_zone,
    content_html,
    duration_seconds,
    ellipsize,
    feed_description,
    feed_language,
    feed_title,
    feed_updated,
    one_line,
)
from .extensions import PodcastIndex, PodcastIndexEntry
from .fragments import render_items, splice
from .rss import add_item, new_channel

# The Podcasting 2.0 namespace UUID for podcast:guid (uuid5 of the feed URL).
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
DESCRIPTION_LIMIT = 4000  # bytes, Apple's limit for the channel description
CATEGORY = {"cat": "News", "sub": "Daily News"}
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


def podcast_guid(feed_url: str) -> str:
    """podcast:guid for a feed URL: UUIDv5 of the URL without its scheme and trailing
    slashes, in the Podcasting 2.0 namespace."""
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, _SCHEME.sub("", feed_url.strip()).rstrip("/")))


def fit_bytes(text: str, limit: int) -> str:
    """`text` shortened on a word boundary so that its UTF-8 encoding fits in `limit` bytes."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    # Leave room for the 3-byte ellipsis; "ignore" drops a character cut in half.
    return ellipsize(data[: max(0, limit - 3)].decode("utf-8", "ignore"))


def channel_description(blog: Blog) -> str:
    """The blog's description and the synthetic-voice disclosure, within Apple's 4000 bytes."""
    note = f" {SYNTHETIC_VOICE_NOTE}"
    room = DESCRIPTION_LIMIT - len(note.encode("utf-8")) - 1
    text = fit_bytes(feed_description(blog), room)
    if not text.endswith((".", "!", "?", "\u2026")):
        text += "."  # the note is a sentence of its own
    return text + note


def podcast_owner(blog: Blog, name: str = "", email: str = "") -> tuple[str, str]:
    """(name, e-mail) for itunes:owner: the blog's own, each falling back to the service's."""
    return one_line(blog.owner_name) or one_line(name), one_line(blog.owner_email) or one_line(email)


def episode_description(entry: Entry) -> str:
    """The entry's HTML with captions, then the disclosure that a machine reads it."""
    return f"{content_html(entry)}<p>{html.escape(SYNTHETIC_VOICE_NOTE)}</p>"


def build_podcast(
    blog: Blog, entries: Sequence[Entry], links: Links, page: Page, *, hub: str | None = None,
    owner: tuple[str, str] = ("", ""),
) -> bytes:
    """Podcast RSS for one page of a blog's entries: only those whose audio is ready.

    Each episode has a permanent urn:uuid guid of its own (`episode_guid`: not the entry's id in
    the text feeds); its enclosure URL changes when the clip is regenerated (players cache by
    URL) and its length is the clip's exact size in bytes. `owner` is itunes:owner's (name,
    e-mail), see `podcast_owner`; left out when both are empty.
    """
    episodes = [entry for entry in entries if audio_ready(entry)]
    slug = blog.slug
    fg = new_channel(
        blog,
        links,
        page,
        "podcast",
        feed_updated(blog, episodes),
        hub=hub,
        description=channel_description(blog),
    )
    fg.load_extension("podcast", atom=False, rss=True)
    fg.register_extension("podcastindex", PodcastIndex, PodcastIndexEntry, atom=False, rss=True)
    author = author_name(blog)
    cover = links.cover(slug)
    fg.image(url=cover, title=feed_title(blog), link=links.blog_page(slug))
    fg.podcast.itunes_author(author)
    fg.podcast.itunes_category(dict(CATEGORY))
    fg.podcast.itunes_image(cover)  # feedgen keeps it only because it ends in .png
    fg.podcast.itunes_type("episodic")
    if blog.status == "ended":
        fg.podcast.itunes_complete("yes")
    # itunes:explicit is written by PodcastIndex as "false": feedgen only knows yes/no/clean.
    fg.podcastindex.guid = podcast_guid(links.feed(slug, "podcast"))
    fg.podcastindex.txt = [("ai-content", "true")]
    fg.podcastindex.owner = owner

    tz = blog_zone(blog)
    language = feed_language(blog)

    def add_episode(fg: FeedGenerator, entry: Entry) -> FeedEntry:
        item = add_item(fg, entry, links, blog, tz, author, description=episode_description(entry))
        item.guid(episode_guid(entry.id), permalink=False)
        seconds = duration_seconds(entry.audio)
        if seconds is not None:
            item.podcast.itunes_duration(str(seconds))
        item.podcastindex.language = language
        item.podcastindex.transcripts = [
            (links.transcript(slug, entry.id, "txt"), "text/plain"),
            (links.transcript(slug, entry.id, "vtt"), "text/vtt"),
        ]
        return item

    items = render_items(fg, "rss", (
        (("podcast", entry, links, slug, tz, author, language), partial(add_episode, entry=entry))
        for entry in episodes))
    return splice(fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True), b"</channel>", items)
