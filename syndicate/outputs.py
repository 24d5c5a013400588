"""Output builders: every file of the published tree, as pure functions of a blog's plain data.

A builder takes a `BlogData` (or, for the pages about all blogs, a `SiteData`) and returns
`[(path relative to the tree root, bytes), ...]`, laid out as the URL it is served at
(`blogs/<slug>/rss.xml`, `blogs/<slug>/key/oldest/page/2/index.html`, ...). No database,
no files, no Flask: the publisher gathers the data, calls every registered builder and writes
what they return (see `publish` and `tree`).

To add an output, write a builder and append it to `BLOG_OUTPUTS` (or `SITE_OUTPUTS`).
"""
from __future__ import annotations

import hashlib
import inspect
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Callable, Mapping, Sequence

from . import formats, views
from .links import FEED_FILES, Links, page_path, view_path
from .formats.catchup import build_catchup_outputs
from .model import Blog, Catchup, Entry, Page
from .transcripts import clip_vtt

Files = list[tuple[str, bytes]]
ORDERS = ("newest", "oldest")
# feedgen sets the process-wide locale while it formats dates: one feed build at a time.
_FEEDGEN = threading.Lock()


@dataclass(frozen=True)
class BlogData:
    """Everything a blog's outputs depend on."""

    blog: Blog
    entries: Sequence[Entry]  # live entries, newest first, with their clips' transcripts
    tombstones: Sequence[Entry]  # deleted entries, newest deletion first
    links: Links
    feed_items: int = 100
    page_entries: int = 50
    hub: str | None = None
    catchup: Catchup | None = None  # the blog's catch-up episode, when one was made
    owner: tuple[str, str] = ("", "")  # the service's podcast owner (name, e-mail): itunes:owner

    @property
    def folder(self) -> str:
        return f"blogs/{self.blog.slug}/"

    @property
    def updated(self) -> datetime:
        """When the blog's news last changed: the latest change of a live entry (an imported
        past blog was stored today, but its news is older), else the blog's own time."""
        return max((entry.updated for entry in self.entries), default=self.blog.updated)

    @property
    def podcast_owner(self) -> tuple[str, str]:
        """itunes:owner: the blog's own, else the service's."""
        return formats.podcast_owner(self.blog, *self.owner)


@dataclass(frozen=True)
class SiteData:
    """Everything the pages about all blogs depend on."""

    blogs: Sequence[Blog]
    links: Links
    updated: Mapping[str, datetime] = field(default_factory=dict)  # slug -> latest change of a live entry


def _pages(items: Sequence[Entry], size: int) -> list[tuple[Page, Sequence[Entry]]]:
    first = Page(1, size, len(items))
    return [(page, items[page.offset:page.offset + size])
            for page in (Page(n, size, len(items)) for n in range(1, first.count + 1))]


def feed_files(data: BlogData) -> Files:
    """RSS, Atom, JSON Feed and podcast, each with its RFC 5005 older pages (`page/<n>/`)."""
    blog, links, hub = data.blog, data.links, data.hub
    spoken = [e for e in data.entries if e.audio is not None and e.audio.ready]
    out = []
    for kind, name in FEED_FILES.items():
        for page, entries in _pages(spoken if kind == "podcast" else data.entries, data.feed_items):
            with _FEEDGEN:
                if kind == "rss":
                    body = formats.build_rss(blog, entries, links, page, hub=hub)
                elif kind == "atom":
                    gone = data.tombstones[:page.size] if page.number == 1 else ()
                    body = formats.build_atom(blog, entries, links, page, tombstones=gone, hub=hub)
                elif kind == "json":
                    body = formats.build_jsonfeed(blog, entries, links, page, hub=hub)
                else:
                    body = formats.build_podcast(blog, entries, links, page, hub=hub, owner=data.podcast_owner)
            out.append((f"{data.folder}{page_path(page.number)}{name}", body))
    return out


def page_files(data: BlogData) -> Files:
    """The text view in each order, all updates or key events only, page by page."""
    out = []
    modified = data.blog.changed or data.blog.updated
    for key_only in (False, True):
        chosen = [e for e in data.entries if e.key_event] if key_only else list(data.entries)
        for order in ORDERS:
            ordered = chosen if order == "newest" else chosen[::-1]
            for page, entries in _pages(ordered, data.page_entries):
                html = views.render_blog_html(data.blog, entries, data.links, page, order=order,
                                              key_only=key_only, generated=modified, updated=data.updated,
                                              catchup=data.catchup)
                out.append((f"{data.folder}{view_path(order, key_only, page.number)}index.html", html.encode()))
    return out


def text_file(data: BlogData) -> Files:
    """The whole blog as text/plain, at `blogs/<slug>.txt`."""
    text = views.render_blog_text(data.blog, list(data.entries), data.links, updated=data.updated,
                                  catchup=data.catchup)
    return [(f"blogs/{data.blog.slug}.txt", text.encode())]


@lru_cache(maxsize=64)
def _cover(blog: Blog) -> bytes:
    return formats.build_cover(blog)


def cover_file(data: BlogData) -> Files:
    """The podcast cover. Drawing one takes ~50 ms, so it is drawn again only when what it
    shows changes (the blog's other fields are blanked for the cache key)."""
    b = data.blog
    shown = replace(b, version=0, updated=b.created, changed=b.created, description="", author="", link="")
    return [(f"{data.folder}cover.png", _cover(shown))]


def transcript_files(data: BlogData) -> Files:
    """Each ready clip's transcript, as text and as WebVTT."""
    out = []
    for entry in data.entries:
        audio = entry.audio
        if audio is None or not audio.ready or not audio.transcript:
            continue
        base = f"{data.folder}entries/{entry.id}"
        out.append((base + ".txt", (audio.transcript + "\n").encode()))
        out.append((base + ".vtt", clip_vtt(audio).encode()))
    return out


def entry_pages(data: BlogData) -> Files:
    """A page per entry, `blogs/<slug>/entries/<id>/index.html`: feed items link there."""
    return views.build_entry_pages(data.blog, data.entries, data.links, page_entries=data.page_entries)


def catchup_files(data: BlogData) -> Files:
    """The catch-up episode's feed (`catch-up.xml`), chapters and transcripts."""
    with _FEEDGEN:
        return build_catchup_outputs(data.blog, data.catchup, data.links, owner=data.podcast_owner)


def index_file(data: SiteData) -> Files:
    """The home page: every blog."""
    return [("index.html", views.render_index_html(list(data.blogs), data.links, data.updated).encode())]


def opml_file(data: SiteData) -> Files:
    """Every blog's feeds as OPML."""
    return [("feeds.opml", formats.build_opml(list(data.blogs), data.links))]


BLOG_OUTPUTS: list[Callable[[BlogData], Files]] = [feed_files, page_files, text_file, cover_file, transcript_files,
                                                   entry_pages, catchup_files]
SITE_OUTPUTS: list[Callable[[SiteData], Files]] = [index_file, opml_file]


def build_blog(data: BlogData) -> Files:
    """Every file of one blog, from every registered builder."""
    return [item for builder in BLOG_OUTPUTS for item in builder(data)]


def build_site(data: SiteData) -> Files:
    """Every file about all blogs, from every registered builder."""
    return [item for builder in SITE_OUTPUTS for item in builder(data)]


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of the code and templates outputs are made with: a new release of them makes
    the publisher rebuild every blog once, though no blog changed."""
    package = Path(__file__).resolve().parent
    # Builders registered from other modules bring their own source in.
    builders = {Path(inspect.getsourcefile(b) or __file__).resolve() for b in (*BLOG_OUTPUTS, *SITE_OUTPUTS)}
    sources = sorted({*package.glob("formats/*.py"), *package.glob("views/**/*.*"), *builders,
                      *(package / name for name in ("outputs.py", "links.py", "transcripts.py", "model.py"))})
    digest = hashlib.sha256()
    for source in sources:
        if source.is_file() and source.suffix != ".pyc":
            digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:16]
