"""The catch-up episode's documents: its own podcast feed (one current episode), its Podcasting 2.0
chapters, and its transcripts (text and WebVTT).

Pure builders from the blog and its stored `Catchup` to bytes. `build_catchup_outputs` returns
every file for the published tree; the others build one document each.
"""
from __future__ import annotations

import html
import json
import math
from typing import Any

from ..links import Links
from ..model import Blog, Catchup, Page
from ..timeutil import ensure_utc
from ..transcripts import transcript_vtt
from ..views.formatting import format_clock, human_duration
from .common import AUDIO_TYPE, SYNTHETIC_VOICE_NOTE, author_name, feed_language, feed_title
from .extensions import Link, PodcastIndex, PodcastIndexEntry
from .podcast import CATEGORY, podcast_guid
from .rss import new_channel

CHAPTERS_VERSION = "1.2.0"
CHAPTERS_FILE, TEXT_FILE, VTT_FILE = "chapters.json", "transcript.txt", "transcript.vtt"
FEED_TYPE = "application/rss+xml"


def catchup_title(blog: Blog, catchup: Catchup) -> str:
    """ "Catch-up: Storm Ana comes ashore, as of 14:00 GMT" (the story so far, once ended)."""
    if catchup.final:
        return f"The whole story: {feed_title(blog)}"
    return f"Catch-up: {feed_title(blog)}, as of {format_clock(catchup.as_of, blog.timezone, blog.language)}"


def build_chapters(blog: Blog, catchup: Catchup, links: Links) -> bytes:
    """Podcasting 2.0 chapters (version 1.2.0): one chapter per entry, its start in seconds,
    title and the entry's page as `url`."""
    document: dict[str, Any] = {
        "version": CHAPTERS_VERSION,
        "title": catchup_title(blog, catchup),
        "podcastName": feed_title(blog),
        "chapters": [{"startTime": chapter.start, "endTime": chapter.end, "title": chapter.title,
                      "url": links.entry(blog.slug, chapter.entry_id)} for chapter in catchup.chapters],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def build_catchup_text(catchup: Catchup) -> bytes:
    """The plain-text transcript: what is said, in order."""
    return (catchup.transcript + "\n").encode("utf-8")


def build_catchup_vtt(catchup: Catchup) -> bytes:
    """The WebVTT transcript, timed on the whole episode."""
    return transcript_vtt(catchup.cues).encode("utf-8")


def build_catchup_feed(blog: Blog, catchup: Catchup | None, links: Links, *,
                       owner: tuple[str, str] = ("", "")) -> bytes:
    """A podcast feed with one episode, the blog's current catch-up (none before the first is
    made). Its guid changes when what the episode says does, so apps fetch the new one."""
    slug = blog.slug
    updated = ensure_utc(catchup.made_at) if catchup is not None else ensure_utc(blog.created)
    fg = new_channel(blog, links, Page(1, 1, 1), "podcast", updated,
                     description=f"The story so far of {feed_title(blog)}, in one episode with chapters, "
                                 f"made again as the story moves on. {SYNTHETIC_VOICE_NOTE}")
    fg.title(f"{feed_title(blog)} (catch-up)")
    fg.atomlinks.links = [Link("self", links.catchup_feed(slug), FEED_TYPE)]
    fg.load_extension("podcast", atom=False, rss=True)
    fg.register_extension("podcastindex", PodcastIndex, PodcastIndexEntry, atom=False, rss=True)
    cover = links.cover(slug)
    fg.image(url=cover, title=feed_title(blog), link=links.blog_page(slug))
    fg.podcast.itunes_author(author_name(blog))
    fg.podcast.itunes_category(dict(CATEGORY))
    fg.podcast.itunes_image(cover)
    fg.podcast.itunes_type("episodic")
    if blog.status == "ended":
        fg.podcast.itunes_complete("yes")
    fg.podcastindex.guid = podcast_guid(links.catchup_feed(slug))
    fg.podcastindex.txt = [("ai-content", "true")]
    fg.podcastindex.owner = owner
    if catchup is not None:
        item = fg.add_entry(order="append")
        item.guid(catchup.guid, permalink=False)
        item.title(catchup_title(blog, catchup))
        item.link(href=links.blog_page(slug))
        count = len(catchup.chapters)
        item.description(f"<p>{html.escape(catchup_title(blog, catchup))}: {count} "
                         f"{'update' if count == 1 else 'updates'}, oldest first, with chapters. "
                         f"{html.escape(SYNTHETIC_VOICE_NOTE)}</p>")
        item.published(ensure_utc(catchup.made_at))
        item.enclosure(links.audio(catchup.file), str(catchup.bytes), AUDIO_TYPE)
        item.podcast.itunes_duration(str(max(0, math.ceil(catchup.duration))))
        item.podcastindex.language = feed_language(blog)
        item.podcastindex.transcripts = [(links.catchup_file(slug, TEXT_FILE), "text/plain"),
                                         (links.catchup_file(slug, VTT_FILE), "text/vtt")]
        item.podcastindex.chapters = links.catchup_file(slug, CHAPTERS_FILE)
    return fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)


def catchup_label(catchup: Catchup) -> str:
    """ "MP3, 6 minutes, with chapters": what the text view says of the link."""
    return f"MP3, {human_duration(catchup.duration)}, with chapters"


def build_catchup_outputs(blog: Blog, catchup: Catchup | None, links: Links, *,
                          owner: tuple[str, str] = ("", "")) -> list[tuple[str, bytes]]:
    """Output builder: the catch-up feed, and the episode's chapters and transcripts when it exists."""
    base = f"blogs/{blog.slug}"
    outputs = [(f"{base}/catch-up.xml", build_catchup_feed(blog, catchup, links, owner=owner))]
    if catchup is not None:
        outputs += [(f"{base}/catch-up/{CHAPTERS_FILE}", build_chapters(blog, catchup, links)),
                    (f"{base}/catch-up/{TEXT_FILE}", build_catchup_text(catchup)),
                    (f"{base}/catch-up/{VTT_FILE}", build_catchup_vtt(catchup))]
    return outputs
