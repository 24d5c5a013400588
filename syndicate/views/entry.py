"""One entry's own page (/blogs/<slug>/entries/<id>/): the permalink the feeds give each item.

Same standards as the text view (no scripts, the same CSP, one request), with the clip and its
transcripts, and a link back to the page of the text view that holds the entry today.
"""
from __future__ import annotations

from ..links import Links
from ..model import Blog, Entry
from .common import NavLink, feed_links
from .environment import render
from .formatting import local_date
from .html import SITE, Clock, english_attr, entry_view


def entry_page_path(slug: str, entry_id: str) -> str:
    """Where the page lives in the published tree (its URL path, without the leading slash)."""
    return f"blogs/{slug}/entries/{entry_id}/index.html"


def render_entry_html(blog: Blog, entry: Entry, links: Links, *, blog_page: int = 0) -> str:
    """The page of one live entry. `blog_page` is the page of the blog's text view (newest
    first: 0 the front page, n the fixed page `archive/<n>/`) that holds the entry, for the
    link back to it (see `Page.holding`; the output builder is `outputs.entry_pages`)."""
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


__all__ = ["entry_page_path", "render_entry_html"]
