"""RSS 2.0: the channel shared with the podcast feed, and the text feed itself."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from functools import partial

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator

from ..links import FEED_TYPES, Links, entry_guid
from ..model import Blog, Entry, Page
from ..timeutil import ensure_utc
from .common import (
    AUDIO_TYPE,
    audio_ready,
    author_name,
    blog_zone,
    content_html,
    entry_tags,
    feed_description,
    feed_language,
    feed_title,
    feed_updated,
    item_title,
    paging_links,
)
from .extensions import AtomLinks, Link
from .fragments import render_items, splice

GENERATOR = "syndicate"


def channel_links(links: Links, blog: Blog, fmt: str, page: Page, hub: str | None) -> list[Link]:
    """The channel's atom:link elements: self (the exact URL of this page), hub, paging."""
    result = [Link("self", links.feed(blog.slug, fmt, page.number), FEED_TYPES[fmt])]
    if hub:
        result.append(Link("hub", hub))
    paging = paging_links(links, blog.slug, fmt, page)
    result.extend(Link(rel, href, kind) for rel, href, kind in paging)
    return result


def new_channel(
    blog: Blog,
    links: Links,
    page: Page,
    fmt: str,
    updated: datetime,
    *,
    hub: str | None = None,
    description: str | None = None,
) -> FeedGenerator:
    """A FeedGenerator with the channel of an RSS document (`fmt` "rss" or "podcast") set."""
    fg = FeedGenerator()
    fg.register_extension("atomlinks", AtomLinks, None, atom=False, rss=True)
    fg.load_extension("dc", atom=False, rss=True)
    fg.title(feed_title(blog))
    # The only fg.link() call: feedgen puts the LAST link's href in <channel><link>, whatever
    # its rel, so self/hub/paging links go through the AtomLinks extension instead.
    fg.link(href=links.blog_page(blog.slug))
    fg.description(description or feed_description(blog))
    fg.language(feed_language(blog))
    fg.generator(GENERATOR)
    fg.lastBuildDate(updated)  # from the data: feedgen would stamp "now"
    fg.atomlinks.links = channel_links(links, blog, fmt, page, hub)
    return fg


def add_item(
    fg: FeedGenerator,
    entry: Entry,
    links: Links,
    blog: Blog,
    tz: tzinfo,
    author: str,
    *,
    description: str | None = None,
) -> FeedEntry:
    """Append `entry` as an <item> (feedgen prepends unless told otherwise)."""
    item = fg.add_entry(order="append")
    item.guid(entry_guid(entry.id), permalink=False)
    item.title(item_title(entry, tz))
    item.link(href=links.entry(blog.slug, entry.id))
    item.description(content_html(entry) if description is None else description)
    item.published(ensure_utc(entry.published))
    for tag in entry_tags(entry):
        item.category(term=tag)
    if author:
        item.dc.dc_creator(author)
    if audio_ready(entry):
        audio = entry.audio
        assert audio is not None and audio.file is not None  # audio_ready says so
        item.enclosure(links.audio(audio.file), str(audio.bytes), AUDIO_TYPE)
    return item


def build_rss(
    blog: Blog, entries: Sequence[Entry], links: Links, page: Page, *, hub: str | None = None
) -> bytes:
    """RSS 2.0 for one page of a blog's live entries (newest first), as UTF-8 bytes.

    Items carry a urn:uuid guid (isPermaLink="false"), the entry's HTML with captions as
    description, pubDate, dc:creator, a "key-event" category for key events and the clip as
    enclosure once its audio is ready. The output depends on the input only.
    """
    fg = new_channel(blog, links, page, "rss", feed_updated(blog, entries), hub=hub)
    tz, author = blog_zone(blog), author_name(blog)
    items = render_items(fg, "rss", (
        ((entry, links, blog.slug, tz, author),
         partial(add_item, entry=entry, links=links, blog=blog, tz=tz, author=author))
        for entry in entries))
    return splice(fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True), b"</channel>", items)
