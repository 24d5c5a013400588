"""Atom 1.0 (RFC 4287), with RFC 5005 paging and RFC 6721 tombstones."""
from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseExtension
from feedgen.feed import FeedGenerator

from ..links import FEED_TYPES, Links, blog_guid, entry_guid
from ..model import Blog, Entry, Page
from ..timeutil import ensure_utc, to_rfc3339
from .common import (
    AUDIO_TYPE,
    audio_ready,
    author_name,
    blog_zone,
    content_html,
    entry_tags,
    feed_language,
    feed_title,
    feed_updated,
    item_title,
    one_line,
    paging_links,
)
from .extensions import AtomEntryLinks, Link, Tombstone, Tombstones
from .fragments import render_items, splice
from .rss import GENERATOR


def _feed_links(fg: FeedGenerator, blog: Blog, links: Links, page: Page, hub: str | None) -> None:
    fg.link(href=links.blog_page(blog.slug), rel="alternate", type="text/html")
    fg.link(href=links.feed(blog.slug, "atom", page.number), rel="self", type=FEED_TYPES["atom"])
    if hub:
        fg.link(href=hub, rel="hub")
    for rel, href, kind in paging_links(links, blog.slug, "atom", page):
        fg.link(href=href, rel=rel, type=kind)


def _tombstones(deleted: Sequence[Entry]) -> list[Tombstone]:
    return [
        Tombstone(entry_guid(entry.id), to_rfc3339(entry.deleted or entry.updated))
        for entry in deleted
    ]


def build_atom(
    blog: Blog,
    entries: Sequence[Entry],
    links: Links,
    page: Page,
    *,
    tombstones: Sequence[Entry] = (),
    hub: str | None = None,
) -> bytes:
    """Atom 1.0 for one page of a blog's live entries (newest first), as UTF-8 bytes.

    Entries keep their urn:uuid id across edits; `updated` moves on an edit while `published`
    stays. Deleted entries (`tombstones`) are listed as `at:deleted-entry` on the first page
    only: that is the page clients poll, and older pages would repeat them for nothing.
    """
    shown = tombstones if page.number == 0 else ()
    fg = FeedGenerator()
    if shown:  # its namespace only where a tombstone is: validators warn of namespaces they do not know
        fg.register_extension("tombstones", Tombstones, None, atom=True, rss=False)
        fg.tombstones.deleted = _tombstones(shown)
    # feedgen drops rel/type/length from entry links; this entry extension writes them.
    fg.register_extension("entrylinks", BaseExtension, AtomEntryLinks, atom=True, rss=False)
    fg.id(blog_guid(blog.uuid))
    fg.title(feed_title(blog))
    if one_line(blog.description):
        fg.subtitle(one_line(blog.description))
    author = author_name(blog)
    fg.author(name=author)
    _feed_links(fg, blog, links, page, hub)
    fg.icon(links.cover(blog.slug))
    fg.language(feed_language(blog))
    fg.generator(GENERATOR)
    fg.updated(feed_updated(blog, entries, shown))  # from the data: feedgen would stamp "now"

    tz = blog_zone(blog)

    def add_entry(fg: FeedGenerator, entry: Entry) -> FeedEntry:
        item = fg.add_entry(order="append")
        item.id(entry_guid(entry.id))
        item.title(item_title(entry, tz))
        item.updated(ensure_utc(entry.updated))
        item.published(ensure_utc(entry.published))
        item.author(name=author)
        item.content(content_html(entry), type="html")
        for tag in entry_tags(entry):
            item.category(term=tag)
        entry_links = [Link("alternate", links.entry(blog.slug, entry.id), "text/html")]
        if audio_ready(entry):
            audio = entry.audio
            assert audio is not None and audio.file is not None  # audio_ready says so
            entry_links.append(Link("enclosure", links.audio(audio.file), AUDIO_TYPE, audio.bytes))
        item.entrylinks.links = entry_links
        return item

    items = render_items(fg, "atom", (
        ((entry, links, blog.slug, tz, author), partial(add_entry, entry=entry))
        for entry in entries))
    return splice(fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True), b"</feed>", items)
