"""One entry's own page (/blogs/<slug>/entries/<id>/): the permalink the feeds give each item.

Same standards as the text view (no scripts, the same CSP, one request), with the clip and its
transcripts, and a link back to the page of the text view that holds the entry today.
"""
from __future__ import annotations

from collections.abc import Sequence

from ..links import Links
from ..model import Blog, Entry
from .common import NavLink, feed_links
from .environment import render
from .formatting import local_date
from .html import SITE, Clock, english_attr, entry_view


def entry_page_path(slug: str, entry_id: str) -> str:
    """Where the page lives in the published tree (its URL path, without the leading slash)."""
    return f"blogs/{slug}/entries/{entry_id}/index.html"


def blog_page_of(position: int, page_entries: int) -> int:
    """The text view page (newest first, `page_entries` a page) holding the entry at `position`."""
    return position // max(1, page_entries) + 1


def render_entry_html(blog: Blog, entry: Entry, links: Links, *, blog_page: int = 1) -> str:
    """The page of one live entry. `blog_page` is the page of the blog's text view (newest
    first) that holds the entry, for the link back to it."""
    slug = blog.slug
    lang = blog.language or "en"
    clock = Clock(blog.timezone, blog.language, local_date(entry.published, blog.timezone))
    view = entry_view(entry, blog, links, clock, True, links.entry(slug, entry.id))
    if view["audio"]:
        view["audio"]["captions"] = links.transcript(slug, entry.id, "vtt")
    back = links.blog_page(slug, blog_page) + f"#entry-{entry.id}"
    return render(
        "entry.html",
        lang=lang,
        en=english_attr(lang),
        title=f"{view['headline']} — {blog.title} — {SITE}",
        home=links.home(),
        blog=blog,
        blog_href=links.blog_page(slug),
        e=view,
        nav=[NavLink(back, "Back to this update in the live blog"), NavLink(links.blog_page(slug), "Latest updates")]
        + [link for link in feed_links(blog, links) if link.label in ("Podcast feed", "RSS feed")],
        footer=[NavLink(links.home(), "All live blogs"), NavLink(links.opml(), "All feeds (OPML)")],
    )


def build_entry_pages(blog: Blog, entries: Sequence[Entry], links: Links, *,
                      page_entries: int) -> list[tuple[str, bytes]]:
    """Output builder: the page of every live entry. `entries` are all the blog's live entries,
    newest first (the text view's order, which tells each entry's page of it)."""
    live = [entry for entry in entries if entry.deleted is None]
    return [(entry_page_path(blog.slug, entry.id),
             render_entry_html(blog, entry, links, blog_page=blog_page_of(n, page_entries)).encode())
            for n, entry in enumerate(live)]


__all__ = ["blog_page_of", "build_entry_pages", "entry_page_path", "render_entry_html"]
