"""Output builders: every file of the published tree, as pure functions of a blog's plain data.

A builder takes a `BlogData` (or, for the pages about all blogs, a `SiteData`) and returns
`[(path relative to the tree root, bytes or Deferred), ...]`, laid out as the URL it is served
at (`blogs/<slug>/rss.xml`, `blogs/<slug>/key/oldest/page/2/index.html`, ...). No database,
no files, no Flask: the publisher gathers the data, calls every registered builder and writes
what they return (see `publish` and `tree`).

Publishing costs what changed, not the blog's size, when builders keep to this contract:
- Declare each file as `Deferred(key(...), render)`: `key` takes every input the bytes depend
  on (entries by their `fingerprint`), `render` builds the bytes and runs only when the key is
  not the published one. Plain bytes still work, but are built on every publish.
- Let a file depend on as little as it shows: a paged output lists its pages with
  `Page.every` and takes each page's entries with `page_entries`, so older pages hold fixed
  entries; it dates them with `as_shown` (and keys them with `blog_keys`), never from the blog's
  change times; a per-entry file
  keys on that entry and on what it shows of the rest (e.g. the page holding it, from
  `Page.holding`, which moves once in the entry's life), never on the whole blog or its times.
- Key on entries as they come (`BlogData.entries` and slices of it): the publisher hands over
  the same objects while entries are unchanged, and `key` remembers their digests by identity.

To add an output, write a builder and append it to `BLOG_OUTPUTS` (or `SITE_OUTPUTS`).
"""
from __future__ import annotations

import hashlib
import inspect
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache, partial
from pathlib import Path

from . import formats, views
from .formats.catchup import build_catchup_outputs
from .links import FEED_FILES, Links, page_path, view_path
from .memo import PerObject
from .model import Blog, Catchup, Entry, Page
from .transcripts import clip_vtt
from .tree import Deferred

Files = list[tuple[str, "bytes | Deferred"]]
ORDERS = ("newest", "oldest")
# feedgen sets the process-wide locale while it formats dates: one feed build at a time.
_FEEDGEN = threading.Lock()
_FINGERPRINTS: PerObject[str] = PerObject()
_TRANSCRIPTS: PerObject[Files] = PerObject()
# Digests of runs of entries, by the identity of the entry objects (held here, so no id is
# reused while its digest is remembered), so an unchanged page of 100 entries is keyed without
# looking at each of them. Forgotten all at once past this many entries held.
_RUNS: dict[tuple[int, ...], tuple[tuple[Entry, ...], str]] = {}
_RUNS_HELD = [0]
_RUNS_MAX_HELD = 200_000


def fingerprint(entry: Entry) -> str:
    """A digest of every field of an entry (its clip and transcript included), remembered per
    entry so that keying a page of 100 entries costs 100 dictionary look-ups."""
    return _FINGERPRINTS.get(entry, lambda: hashlib.sha256(repr(entry).encode()).hexdigest()[:24])


def key(*parts: object) -> str:
    """A digest of a builder's inputs: entries count by `fingerprint`, lists and tuples by their
    items, anything else by its `repr` (which must show every field that reaches the bytes)."""
    digest = hashlib.sha256()

    def add(part: object) -> None:
        if isinstance(part, Entry):
            digest.update(b"E" + fingerprint(part).encode())
        elif isinstance(part, (list, tuple)) and part and isinstance(part[0], Entry):  # a run of entries
            digest.update(b"R" + _run(part).encode())
        elif isinstance(part, (list, tuple)):
            digest.update(b"[")
            for item in part:
                add(item)
            digest.update(b"]")
        else:
            digest.update(repr(part).encode() + b"\0")

    for part in parts:
        add(part)
    return digest.hexdigest()[:32]


def _run(entries: Sequence[Entry]) -> str:
    """The digest of a run of entries (their fingerprints, in order), remembered."""
    ids = tuple(map(id, entries))
    known = _RUNS.get(ids)
    if known is None:
        if _RUNS_HELD[0] + len(ids) > _RUNS_MAX_HELD:
            _RUNS.clear()
            _RUNS_HELD[0] = 0
        digest = hashlib.sha256(" ".join(map(fingerprint, entries)).encode()).hexdigest()[:32]
        known = _RUNS[ids] = (tuple(entries), digest)
        _RUNS_HELD[0] += len(ids)
    return known[1]


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


def page_entries(items: Sequence[Entry], page: Page) -> Sequence[Entry]:
    """The entries `page` shows, in its order, from a list of `items` newest first."""
    start, stop = page.span
    total = len(items)
    chosen = items[total - stop:total - start]
    return chosen if page.order == "newest" else chosen[::-1]


def as_shown(blog: Blog, page: Page, entries: Sequence[Entry]) -> Blog:
    """The blog as a page states it. The front page shows the blog's own change times; a fixed
    older page is dated from its own entries only, so a change elsewhere in the blog leaves its
    bytes (and its key) alone."""
    if page.number == 0:
        return blog
    latest = max((e.updated for e in entries), default=blog.created)
    return replace(blog, version=0, updated=latest, changed=None)


def blog_keys(data: BlogData, *extra: object) -> tuple[str, str]:
    """(for the front pages, for fixed pages): the key of what a page shows of the blog, with
    `extra` inputs, taken once per publish. A fixed page's shows no change time of the blog (its
    own date comes from its entries, which its key covers)."""
    fixed = replace(data.blog, version=0, updated=data.blog.created, changed=None)
    return key(data.blog, *extra), key(fixed, *extra)


def _feed(kind: str, blog: Blog, entries: Sequence[Entry], page: Page, gone: Sequence[Entry],
          links: Links, hub: str | None, owner: tuple[str, str]) -> bytes:
    blog = as_shown(blog, page, entries)
    with _FEEDGEN:
        if kind == "rss":
            return formats.build_rss(blog, entries, links, page, hub=hub)
        if kind == "atom":
            return formats.build_atom(blog, entries, links, page, tombstones=gone, hub=hub)
        if kind == "json":
            return formats.build_jsonfeed(blog, entries, links, page, hub=hub)
        return formats.build_podcast(blog, entries, links, page, hub=hub, owner=owner)


def feed_files(data: BlogData) -> Files:
    """RSS, Atom, JSON Feed and podcast, each with its RFC 5005 archive pages (`archive/<n>/`)."""
    links, hub = data.links, data.hub
    spoken = [e for e in data.entries if e.audio is not None and e.audio.ready]
    out: Files = []
    owner = data.podcast_owner
    front, fixed = blog_keys(data, links, hub, owner)
    for kind, name in FEED_FILES.items():
        items = spoken if kind == "podcast" else data.entries
        for page in Page.every(data.feed_items, len(items)):
            entries = page_entries(items, page)
            gone = tuple(data.tombstones[:page.size]) if kind == "atom" and page.number == 0 else ()
            out.append((f"{data.folder}{page_path(page.number)}{name}", Deferred(
                key(kind, page.shown(), fixed if page.number else front, entries, gone),
                partial(_feed, kind, data.blog, entries, page, gone, links, hub, owner))))
    return out


def _view(blog: Blog, entries: Sequence[Entry], links: Links, page: Page, key_only: bool,
          updated: datetime | None, catchup: Catchup | None) -> bytes:
    blog = as_shown(blog, page, entries)
    return views.render_blog_html(blog, entries, links, page, order=page.order, key_only=key_only,
                                  generated=blog.changed or blog.updated, updated=updated,
                                  catchup=catchup).encode()


def page_files(data: BlogData) -> Files:
    """The text view in each order, all updates or key events only, page by page."""
    out: Files = []
    # Front pages say when the news last changed and link the catch-up episode; fixed older
    # pages are dated from their own entries, so neither reaches them (nor their keys).
    front, fixed = blog_keys(data, data.links)
    front = key(front, data.updated, data.catchup)
    for key_only in (False, True):
        chosen = [e for e in data.entries if e.key_event] if key_only else data.entries
        for order in ORDERS:
            for page in Page.every(data.page_entries, len(chosen), order):
                entries = page_entries(chosen, page)
                out.append((f"{data.folder}{view_path(order, key_only, page.number)}index.html", Deferred(
                    key("view", key_only, page.shown(), fixed if page.number else front, entries),
                    partial(_view, data.blog, entries, data.links, page, key_only,
                            *((data.updated, data.catchup) if page.number == 0 else (None, None))))))
    return out


def text_file(data: BlogData) -> Files:
    """The whole blog as text/plain, at `blogs/<slug>.txt`."""
    blog, entries, links = data.blog, list(data.entries), data.links
    updated, catchup = data.updated, data.catchup
    return [(f"blogs/{blog.slug}.txt", Deferred(
        key("text", blog, entries, links, updated, catchup),
        lambda: views.render_blog_text(blog, entries, links, updated=updated, catchup=catchup).encode()))]


@lru_cache(maxsize=64)
def _cover(blog: Blog) -> bytes:
    return formats.build_cover(blog)


def cover_file(data: BlogData) -> Files:
    """The podcast cover. Drawing one takes ~50 ms, so it is drawn again only when what it
    shows changes (the blog's other fields are blanked for the key)."""
    b = data.blog
    shown = replace(b, version=0, updated=b.created, changed=b.created, description="", author="", link="")
    return [(f"{data.folder}cover.png", Deferred(key("cover", shown), partial(_cover, shown)))]


def _transcript_text(transcript: str) -> bytes:
    return (transcript + "\n").encode()


def transcript_files(data: BlogData) -> Files:
    """Each ready clip's transcript, as text and as WebVTT. Keyed by the entry's fingerprint
    alone (a transcript depends on nothing else), so they cost a look-up each."""
    out: Files = []
    folder = data.folder
    for entry in data.entries:
        out += _TRANSCRIPTS.get(entry, partial(_transcripts_of, entry, folder), folder)
    return out


def _transcripts_of(entry: Entry, folder: str) -> Files:
    audio = entry.audio
    if audio is None or not audio.ready or not audio.transcript:
        return []
    base = f"{folder}entries/{entry.id}"
    mark = fingerprint(entry)
    return [(base + ".txt", Deferred(mark, partial(_transcript_text, audio.transcript))),
            (base + ".vtt", Deferred(mark, partial(lambda a: clip_vtt(a).encode(), audio)))]


def entry_pages(data: BlogData) -> Files:
    """A page per entry, `blogs/<slug>/entries/<id>/index.html`: feed items link there. Its link
    back goes to the text-view page that holds the entry (`Page.holding`: the front page until
    the entry's fixed page fills), so a page is made again only when its entry changes, the
    blog's name or its voice changes, or that link moves (once in the entry's life)."""
    blog, links, size = data.blog, data.links, data.page_entries
    shown = replace(blog, version=0, updated=blog.created, changed=None)  # what the page shows of the blog
    total = len(data.entries)
    out: Files = []
    for position, entry in enumerate(reversed(data.entries)):  # counted from the oldest
        number = Page.holding(position, size, total).number
        out.append((views.entry_page_path(blog.slug, entry.id), Deferred(
            key("entry", shown, links, entry, number),
            partial(lambda e, n: views.render_entry_html(shown, e, links, blog_page=n).encode(), entry, number))))
    return out


def catchup_files(data: BlogData) -> Files:
    """The catch-up episode's feed (`catch-up.xml`), chapters and transcripts."""
    with _FEEDGEN:
        return list(build_catchup_outputs(data.blog, data.catchup, data.links, owner=data.podcast_owner))


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
    """Every file of one blog, from every registered builder (some as `Deferred`)."""
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
    outputs: list[Callable[..., Files]] = [*BLOG_OUTPUTS, *SITE_OUTPUTS]
    builders = {Path(inspect.getsourcefile(b) or __file__).resolve() for b in outputs}
    sources = sorted({*package.glob("formats/*.py"), *package.glob("views/**/*.*"), *builders,
                      *(package / name for name in ("outputs.py", "links.py", "transcripts.py", "model.py"))})
    digest = hashlib.sha256()
    for source in sources:
        if source.is_file() and source.suffix != ".pyc":
            digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()[:16]
