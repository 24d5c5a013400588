"""Turning stored state into published documents.

Readers outnumber writers by far, so a document is built once per blog version and then
served from memory (`Publisher.document`). When a blog changes, its first-page feeds are
rebuilt at once and written under `feeds/` (so any static server or CDN can serve them), and
a WebSub hub, when configured, is told which feeds changed. Only the newest page of each feed
is rebuilt eagerly, from items built once per entry (see `formats.fragments`): publishing costs
what the page costs (at most FEED_ITEMS items), whatever the size of the blog.
"""
from __future__ import annotations

import logging
import threading
import time
import urllib.parse
import urllib.request
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable, Mapping

from . import formats, views
from .documents import Document
from .links import FEED_FILES, FEED_TYPES, Links, page_path
from .model import Blog, Page
from .store import Store
from .timeutil import now

log = logging.getLogger(__name__)
FEED_KINDS = tuple(FEED_FILES)  # rss, atom, json, podcast
CACHE_BYTES = 24 * 1024 * 1024  # built documents kept in memory, most recently used first
EPISODE_SLACK = 20
# feedgen sets the process-wide locale while it formats dates: one feed build at a time.
_FEEDGEN = threading.Lock()


def _size(doc: Document | None) -> int:
    return 0 if doc is None else 2 * len(doc.body)  # the body, and room for its gzip copy


def _key(slug: str, kind: str, links: Links, page: int = 1, order: str = "newest",
         key_only: bool = False) -> tuple:
    """The cache key of a blog's document."""
    return (slug, kind, links.base, page, order, key_only)


def _feed_document(blog: Blog, kind: str, body: bytes) -> Document:
    return Document(body, FEED_TYPES[kind] + "; charset=utf-8", blog.changed or blog.updated)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write atomically; returns False (and leaves the file alone) when it already holds `data`."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{threading.get_ident()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return True


class Publisher:
    """Builds, caches and writes every document of every blog."""

    def __init__(self, store: Store, config: Mapping[str, Any], *, static_base: str = ""):
        self.store = store
        self.feed_items = int(config["FEED_ITEMS"])
        self.page_entries = int(config["PAGE_ENTRIES"])
        self.hub = config.get("WEBSUB_HUB") or None
        self.owner = (config.get("PODCAST_OWNER_NAME", ""), config.get("PODCAST_OWNER_EMAIL", ""))
        self.feeds_dir = Path(config["DATA_DIR"]) / "feeds"
        self.static_base = config.get("BASE_URL") or static_base or "http://127.0.0.1:8000"
        self.version_ttl = float(config.get("VERSION_CHECK_SECONDS", 1.0))
        self._cache: OrderedDict[tuple, tuple[int, Document | None]] = OrderedDict()
        self._cache_bytes = 0
        self._versions: dict[str | None, tuple[Any, float]] = {}
        self._forgotten = 0  # how many times a version was forgotten: see _version
        self._rebuilding: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    # -- reading ------------------------------------------------------------------------

    def document(self, slug: str, kind: str, links: Links, *, page: int = 1, order: str = "newest",
                 key_only: bool = False) -> Document | None:
        """The document `kind` of a blog (a feed kind, 'html', 'txt' or 'cover'), or None when
        the blog or the page does not exist."""
        if kind == "cover":
            return self._cover(slug)
        version = self._version(slug)
        if version is None:
            return None
        key = _key(slug, kind, links, page, order, key_only)
        return self._cached(key, version, lambda: self._build(slug, kind, links, page, order, key_only))

    def _version(self, slug: str | None) -> Any:
        """A blog's version (None: all blogs' versions), asked of the database at most once
        per `version_ttl` seconds: reads must not cost a query each. This process's own
        changes are seen at once (`blog_changed` forgets the version); other processes'
        within the TTL."""
        now = time.monotonic()
        hit = self._versions.get(slug)
        if hit is not None and now - hit[1] < self.version_ttl:
            return hit[0]
        forgotten = self._forgotten
        version = self.store.blog_version(slug) if slug is not None else tuple(sorted(self.store.versions().items()))
        # Unknown slugs are not remembered (anyone can ask for them), nor a version read while
        # this process was changing a blog: it may be older than the change.
        if version is not None and forgotten == self._forgotten:
            self._versions[slug] = (version, now)
        return version

    def forget(self, slug: str) -> None:
        """Drop what is known of a blog's version (and of the list of all blogs)."""
        self._forgotten += 1
        self._versions.pop(slug, None)
        self._versions.pop(None, None)

    def _cover(self, slug: str) -> Document | None:
        # Drawing a cover takes ~50 ms, so it is redrawn when what it shows changes, not on
        # every new entry.
        blog = self.store.get_blog(slug)
        if blog is None:
            return None
        shown = (blog.uuid, blog.title, blog.status)
        return self._cached((slug, "cover"), shown, lambda: Document(
            formats.build_cover(blog), formats.COVER_TYPE, blog.created))

    def site_document(self, kind: str, links: Links) -> Document:
        """'index' (the list of blogs) or 'opml' (every blog's feeds)."""
        versions = self._version(None)
        key = ("", kind, links.base, 1, "", False)
        return self._cached(key, versions, lambda: self._build_site(kind, links))

    def _cached(self, key: tuple, version: Any, build: Callable[[], Document | None]) -> Document | None:
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] == version:
                self._cache.move_to_end(key)
                return hit[1]
        doc = build()
        if doc is None:  # a page that does not exist: not worth remembering (and unbounded)
            return None
        with self._lock:
            old = self._cache.pop(key, None)
            self._cache_bytes += _size(doc) - (_size(old[1]) if old else 0)
            self._cache[key] = (version, doc)
            # Bounded by bytes, not count: a text page and a 100-item feed differ tenfold.
            while self._cache_bytes > CACHE_BYTES and len(self._cache) > 1:
                _, (_, dropped) = self._cache.popitem(last=False)
                self._cache_bytes -= _size(dropped)
        return doc

    # -- building -----------------------------------------------------------------------

    def _build(self, slug: str, kind: str, links: Links, number: int, order: str,
               key_only: bool) -> Document | None:
        blog = self.store.get_blog(slug)
        if blog is None or number < 1:
            return None
        modified = blog.changed or blog.updated
        if kind in FEED_KINDS:
            body = self._build_feed(blog, kind, links, number)
            return None if body is None else _feed_document(blog, kind, body)
        if kind == "html":
            total = self.store.count_entries(slug, key_only=key_only)
            page = Page(number, self.page_entries, total)
            if number > page.count:
                return None
            entries = self.store.list_entries(slug, limit=page.size, offset=page.offset,
                                              order=order, key_only=key_only)
            html = views.render_blog_html(blog, entries, links, page, order=order, key_only=key_only,
                                          generated=modified,
                                          updated=self.store.last_entry_times(slug).get(slug),
                                          catchup=self.store.get_catchup(slug))
            return Document(html.encode(), "text/html; charset=utf-8", modified)
        if kind == "txt":
            text = views.render_blog_text(blog, self.store.list_entries(slug), links,
                                          catchup=self.store.get_catchup(slug))
            return Document(text.encode(), "text/plain; charset=utf-8", modified)
        raise ValueError(f"publish: unknown document kind {kind!r}")

    def _build_feed(self, blog: Blog, kind: str, links: Links, number: int) -> bytes | None:
        page, entries = self._feed_page(blog.slug, number, podcast=kind == "podcast")
        if page is None:
            return None
        return self._format(blog, kind, entries, links, page)

    def _feed_page(self, slug: str, number: int, *, podcast: bool,
                   total: int | None = None) -> tuple[Page | None, list]:
        """Page `number` of a blog's feed items (entries with a ready clip for the podcast)."""
        if total is None:
            total = self.store.count_entries(slug, audio_ready=podcast)
        page = Page(number, self.feed_items, total)
        if number > page.count:
            return None, []
        return page, self.store.list_entries(slug, limit=page.size, offset=page.offset, audio_ready=podcast)

    def _format(self, blog: Blog, kind: str, entries: list, links: Links, page: Page) -> bytes:
        tombstones = self.store.tombstones(blog.slug, limit=page.size) if kind == "atom" and page.number == 1 else ()
        with _FEEDGEN:
            if kind == "rss":
                return formats.build_rss(blog, entries, links, page, hub=self.hub)
            if kind == "atom":
                return formats.build_atom(blog, entries, links, page, tombstones=tombstones, hub=self.hub)
            if kind == "json":
                return formats.build_jsonfeed(blog, entries, links, page, hub=self.hub)
            return formats.build_podcast(blog, entries, links, page, hub=self.hub,
                                         owner=formats.podcast_owner(blog, *self.owner))

    def _build_site(self, kind: str, links: Links) -> Document:
        blogs = self.store.list_blogs()
        modified = max((b.changed or b.updated for b in blogs), default=now().replace(microsecond=0))
        if kind == "opml":
            return Document(formats.build_opml(blogs, links), "text/x-opml; charset=utf-8", modified)
        if kind == "index":
            html = views.render_index_html(blogs, links, self.store.last_entry_times())
            return Document(html.encode(), "text/html; charset=utf-8", modified)
        raise ValueError(f"publish: unknown site document {kind!r}")

    # -- on change ----------------------------------------------------------------------

    def blog_changed(self, slug: str) -> list[str]:
        """Rebuild the blog's newest feeds, write the changed ones under feeds/, ping the hub.
        Returns the URLs of the feeds that changed."""
        with self._lock:
            rebuilding = self._rebuilding.setdefault(slug, threading.Lock())
        # One rebuild of a blog at a time, so an older one never writes its files last.
        with rebuilding:
            return self._rebuild(slug)

    def _rebuild(self, slug: str) -> list[str]:
        self.forget(slug)
        links = Links(self.static_base)
        blog = self.store.get_blog(slug)
        if blog is None:
            return []
        # One read of the newest entries serves the RSS, Atom and JSON feeds alike, and the
        # podcast too once every entry has its clip (the usual state of a blog).
        live, ready = self.store.entry_counts(slug)
        size = self.feed_items
        # A few more than a page: the newest entries may still be waiting for their clips.
        newest = self.store.list_entries(slug, limit=size + EPISODE_SLACK)
        shared = (Page(1, size, live), newest[:size])
        spoken = [e for e in newest if e.audio is not None and e.audio.ready][:size]
        if len(spoken) == min(size, ready):
            episodes = (Page(1, size, ready), spoken)
        else:
            episodes = self._feed_page(slug, 1, podcast=True, total=ready)
        changed = []
        for kind in FEED_KINDS:
            page, entries = episodes if kind == "podcast" else shared
            doc = self._cached(_key(slug, kind, links), (blog.uuid, blog.version), lambda: _feed_document(
                blog, kind, self._format(blog, kind, entries, links, page)))
            if write_if_changed(self.feeds_dir / slug / FEED_FILES[kind], doc.body):
                changed.append(links.feed(slug, kind))
        cover = self._cover(slug)
        if cover is not None:
            write_if_changed(self.feeds_dir / slug / "cover.png", cover.body)
        write_if_changed(self.feeds_dir / "feeds.opml", self.site_document("opml", links).body)
        if changed and self.hub:
            threading.Thread(target=ping_hub, args=(self.hub, changed), daemon=True).start()
        return changed

    def blog_deleted(self, slug: str) -> None:
        self.forget(slug)
        with self._lock:
            for key in [k for k in self._cache if k[0] == slug]:
                self._cache_bytes -= _size(self._cache.pop(key)[1])
        for name in (*FEED_FILES.values(), "cover.png"):
            (self.feeds_dir / slug / name).unlink(missing_ok=True)
        try:
            (self.feeds_dir / slug).rmdir()
        except OSError:
            pass  # not there, or holds something we did not write
        write_if_changed(self.feeds_dir / "feeds.opml", self.site_document("opml", Links(self.static_base)).body)

    # -- static export ------------------------------------------------------------------

    def export_blog(self, blog: Blog, out: Path, links: Links) -> int:
        """Write every page of every document of one blog under `out`; returns files written."""
        written = 0
        base = out / "blogs" / blog.slug
        for kind in (*FEED_KINDS, "html"):
            number = 1
            while (doc := self.document(blog.slug, kind, links, page=number)) is not None:
                name = "index.html" if kind == "html" else FEED_FILES[kind]
                written += write_if_changed(base / page_path(number) / name, doc.body)
                number += 1
        for kind, path in (("txt", out / "blogs" / f"{blog.slug}.txt"), ("cover", base / "cover.png")):
            written += write_if_changed(path, self.document(blog.slug, kind, links).body)
        return written


def ping_hub(hub: str, urls: list[str], timeout: float = 5.0) -> None:
    """Tell a WebSub hub that these feeds changed (hub.mode=publish). Failures are logged only:
    the feeds are already published, and subscribers still poll."""
    for url in urls:
        body = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": url}).encode()
        request = urllib.request.Request(hub, data=body, method="POST",
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                log.info("websub: pinged %s for %s (%s)", hub, url, response.status)
        except OSError as exc:
            log.warning("websub: ping to %s for %s failed: %s", hub, url, exc)
