"""The screen-reader-first HTML pages: one live blog's text view, and the list of blogs.

Pure functions from model values to a string. The templates do markup only; every word and URL
is worked out here, so it can be tested without parsing HTML.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from markupsafe import Markup

from ..links import FEED_TYPES, Links
from ..model import Blog, Catchup, Entry, Page
from ..sanitize import text_to_html
from ..timeutil import to_rfc3339
from .common import (
    FEED_LABELS,
    NavLink,
    audio_label,
    caption_text,
    catchup_links,
    check_order,
    feed_links,
    headline,
    last_updated,
    media_link,
    paragraphs,
    status_word,
)
from .environment import render
from .formatting import format_local_time, local_date

SITE = "syndicate"


@dataclass(frozen=True)
class Stamp:
    """A moment as a <time> element shows it: machine-readable and in words."""

    datetime: str
    text: str


@dataclass(frozen=True)
class Clock:
    """How times on one page are written: in the blog's zone, with the date only when needed."""

    tz: str
    language: str
    reference: date  # "today" for this page

    def stamp(self, dt: datetime, *, with_date: bool = True) -> Stamp:
        year = local_date(dt, self.tz).year != self.reference.year
        text = format_local_time(dt, self.tz, self.language, with_date=with_date, year=year)
        return Stamp(to_rfc3339(dt), text)

    def full(self, dt: datetime) -> Stamp:
        return Stamp(to_rfc3339(dt), format_local_time(dt, self.tz, self.language))


def english_attr(language: str) -> Markup:
    """' lang="en"' for the service's own words on a page in another language (WCAG 3.1.2)."""
    primary = language.replace("_", "-").split("-")[0].lower()
    return Markup("") if primary == "en" else Markup(' lang="en"')


def entry_view(entry: Entry, blog: Blog, links: Links, clock: Clock, dated: bool, permalink: str) -> dict:
    captions = []
    for media in entry.media:
        target = media_link(media)
        captions.append({"text": caption_text(media), "href": target[0] if target else "",
                         "label": target[1] if target else ""})
    audio = entry.audio
    return {
        "id": entry.id,
        "published": clock.stamp(entry.published, with_date=dated),
        "headline": headline(entry, blog),
        "key": entry.key_event,
        # entry.html was cleaned to an allow-list on the way in; plain text is escaped here.
        "body": Markup(entry.html) if entry.html.strip() else Markup(text_to_html(entry.text)),
        "captions": captions,
        "edited": clock.stamp(entry.updated, with_date=dated) if entry.edited else None,
        "link": permalink,
        "audio": {
            "href": links.audio(audio.file),
            "label": audio_label(audio),
            "transcript": links.transcript(blog.slug, entry.id, "txt"),
        } if audio is not None and audio.ready and audio.file else None,
        "audio_pending": audio is not None and audio.status == "pending",
    }


def _place(page: Page) -> str:
    """Where a page sits, in words that do not change as entries are added to the blog."""
    if page.number == 0:
        return "newest page" if page.order == "newest" else "page 1"
    return f"page {page.number}, counted from the first update"


def _title(blog: Blog, page: Page, order: str, key_only: bool) -> str:
    what = "key events" if key_only else "live updates"
    parts = [what] + (["oldest first"] if order == "oldest" else []) + ([_place(page)] if page.paged else [])
    return f"{blog.title} — {', '.join(parts)} — {SITE}"


def _summary(entries: Sequence[Entry], page: Page, order: str, key_only: bool) -> str:
    if not entries:
        return "No key events yet." if key_only else "No updates yet."
    first = page.first_position
    noun = "Key events" if key_only else "Updates"
    if page.number == 0:
        return f"{noun} {first} to {first + len(entries) - 1} of {page.total}, {order} first."
    return f"{noun} {first} to {first + len(entries) - 1}, counted from the first, {order} first."


def _page_links(slug: str, links: Links, page: Page, order: str, key_only: bool) -> list[NavLink]:
    """'Newer updates' / 'Older updates': which is which depends on the order of the pages."""
    items = []
    steps = ((page.newer, "Newer updates"), (page.older, "Older updates"))
    for number, label in (steps if order == "newest" else steps[::-1]):
        if number is not None:
            rel = "prev" if label.startswith("Newer") == (order == "newest") else "next"
            items.append(NavLink(links.blog_page(slug, number, order, key_only), label, rel=rel))
    return items


def render_blog_html(
    blog: Blog,
    entries: Sequence[Entry],
    links: Links,
    page: Page,
    *,
    order: str = "newest",
    key_only: bool = False,
    generated: datetime | None = None,
    updated: datetime | None = None,
    catchup: Catchup | None = None,
) -> str:
    """The text view of one page of a live blog (`entries`: that page's live entries, already
    in `order`). `generated`, when given, is stated in the footer and taken as "today" when
    deciding whether entry times need their date. `updated` is when the blog's news last
    changed (the latest change of a live entry: see `common.last_updated`). `catchup`, the
    blog's catch-up episode, is linked under the status when there is one."""
    check_order(order)
    if page.order != order:
        page = Page(page.number, page.size, page.total, order)
    slug = blog.slug
    here = links.blog_page(slug, page.number, order, key_only)
    live = [entry for entry in entries if entry.deleted is None]
    reference = local_date(generated or blog.updated, blog.timezone)
    clock = Clock(blog.timezone, blog.language, reference)
    # Dates go into every heading once the page is not all "today": a heading read on its own
    # (jumping from heading to heading) must not be ambiguous.
    dated = any(local_date(entry.published, blog.timezone) != reference for entry in live)
    # The permalink is the entry's own page, which stays where it is when the entry moves to
    # an older page of this view.
    entry_views = [entry_view(entry, blog, links, clock, dated, links.entry(slug, entry.id)) for entry in live]
    views = [
        NavLink(here, "Reload for new updates"),
        NavLink(links.blog_page(slug, 0, "newest" if order == "oldest" else "oldest", key_only),
                "Newest first" if order == "oldest" else "Oldest first"),
        NavLink(links.blog_page(slug, 0, order, not key_only),
                "All updates" if key_only else "Key events only"),
    ]
    return render(
        "blog.html",
        lang=blog.language or "en",
        en=english_attr(blog.language or "en"),
        title=_title(blog, page, order, key_only),
        alternates=[NavLink(links.feed(slug, fmt), f"{blog.title} ({label})", type=FEED_TYPES[fmt])
                    for fmt, label in FEED_LABELS.items()],
        home=links.home(),
        feeds=feed_links(blog, links),
        blog=blog,
        status=status_word(blog),
        updated=clock.full(last_updated(blog, live if page.number == 1 and order == "newest" else (), updated)),
        views=views,
        catchup=catchup_links(blog, catchup, links),
        summary=_summary(live, page, order, key_only),
        entries=entry_views,
        page=page,
        pages=_page_links(slug, links, page, order, key_only),
        place=_place(page).capitalize(),
        background=paragraphs(blog.background),
        generated=clock.full(generated) if generated else None,
        footer=[NavLink(links.home(), "All live blogs"), NavLink(links.opml(), "All feeds (OPML)")],
    )


def render_index_html(blogs: Sequence[Blog], links: Links,
                      updated: Mapping[str, datetime] | None = None) -> str:
    """The home page: every blog with its status, last update and ways to read or follow it.
    `updated` maps slugs to when their news last changed (see `common.last_updated`)."""
    views = []
    updated = updated or {}
    for blog in blogs:
        lang = blog.language or "en"
        clock = Clock(blog.timezone, blog.language, local_date(blog.updated, blog.timezone))
        views.append({
            "slug": blog.slug,
            "lang": "" if lang.split("-")[0].lower() == "en" else lang,
            "en": english_attr(lang),
            "title": blog.title,
            "href": links.blog_page(blog.slug),
            "description": blog.description,
            "status": status_word(blog),
            "updated": clock.full(last_updated(blog, (), updated.get(blog.slug))),
            "links": feed_links(blog, links)[:-1],  # the OPML list is for all blogs: linked once
        })
    return render(
        "index.html",
        lang="en",
        en=Markup(""),
        title=f"Live blogs — {SITE}",
        opml=links.opml(),
        site_feeds=[NavLink(links.opml(), "All feeds (OPML)")],
        blogs=views,
    )
