"""The publisher: the one owner of rebuilding the published tree.

Every store write bumps its blog's `version`. The publisher rebuilds a blog when its version
differs from the one recorded in the blog's manifest (see `tree`), with every registered
builder (see `outputs`), and writes what changed. Then the site-wide pages (home page, OPML)
are brought up to date the same way, and a WebSub hub, when configured, is told which feeds'
bytes changed.

- Writes through the API publish before they answer (`Newsroom` calls `publish`).
- Changes made by other processes (speech workers, the CLI) are picked up by `watch`, which
  reads the blogs' versions (a plain read, one query) and rebuilds the blogs that changed: a
  burst of changes between two looks costs one rebuild.
- A per-blog file lock makes sure that, with several web processes, a version is built once:
  whoever takes the lock second finds the version already published and does nothing.

Adding an output: write a builder `def f(data: outputs.BlogData) -> list[tuple[str, bytes]]`
and add it to `outputs.BLOG_OUTPUTS` (`SITE_OUTPUTS` for pages about all blogs). Publishing:
change the store (any write bumps the blog's version), then `Publisher.publish(slug)` in the
process that made the change, or let `publish_changed()` / `watch()` find it.
"""
from __future__ import annotations

import logging
import threading
import urllib.parse
import urllib.request
from typing import Any

from . import outputs
from .links import FEED_FILES, Links
from .store import Store
from .tree import Tree

log = logging.getLogger(__name__)
SITE = "site"


def _blog_group(slug: str) -> str:
    return f"blog-{slug}"


class Publisher:
    """Builds the published tree from the store: `publish(slug)` after a change to one blog,
    `publish_changed()` for whatever any process changed, `watch()` to keep doing the latter."""

    def __init__(self, store: Store, tree: Tree, links: Links, *, feed_items: int = 100,
                 page_entries: int = 50, hub: str | None = None, owner: tuple[str, str] = ("", "")) -> None:
        self.store = store
        self.tree = tree
        self.links = links
        self.feed_items = feed_items
        self.page_entries = page_entries
        self.hub = hub or None
        self.owner = owner
        self.rebuilds = 0  # blogs built by this publisher (not counting the site pages)
        # What else the files depend on: a new base URL, setting or release rebuilds them.
        self.flavour = (self.links.base, feed_items, page_entries, self.hub or "", *owner, outputs.code_fingerprint())
        self._known: dict[str, Any] = {}  # slug -> blog version last seen published
        self._lock = threading.Lock()
        for group in tree.groups():
            version = tree.manifest(group)[0]
            if group.startswith("blog-") and version and tuple(version[2:]) == self.flavour:
                self._known[group[5:]] = tuple(version[:2])

    # -- publishing ---------------------------------------------------------------------

    def publish(self, slug: str) -> list[str]:
        """Bring one blog's files (and the site pages) up to date with the store; returns the
        paths whose bytes changed. Does nothing when this version is already published."""
        changed = self._publish_blog(slug)
        if changed:
            changed += self._publish_site()
        return changed

    def publish_changed(self) -> list[str]:
        """Publish every blog whose version is not the published one, and remove the files of
        blogs that no longer exist; returns the paths whose bytes changed."""
        versions = self.store.versions()
        with self._lock:
            known = dict(self._known)
        stale = [slug for slug, version in versions.items() if known.get(slug) != _plain(version)]
        stale += [slug for slug in known if slug not in versions]
        changed = [path for slug in sorted(stale) for path in self._publish_blog(slug)]
        if changed or self.tree.manifest(SITE)[0] is None:
            changed += self._publish_site()
        return changed

    def watch(self, stop: threading.Event, interval: float = 0.5) -> threading.Thread:
        """Start a thread that publishes other processes' changes every `interval` seconds
        until `stop` is set."""
        def run() -> None:
            while not stop.wait(interval):
                try:
                    self.publish_changed()
                except Exception:  # noqa: BLE001 - e.g. the database is briefly away: try again
                    log.exception("publish: looking for changed blogs failed; trying again")

        thread = threading.Thread(target=run, name="syndicate-publisher", daemon=True)
        thread.start()
        return thread

    def _publish_blog(self, slug: str) -> list[str]:
        group = _blog_group(slug)
        with self.tree.lock(group):
            blog = self.store.get_blog(slug)
            if blog is None:
                changed = self.tree.drop(group)
                self._remember(slug, None)
                return changed
            version = (blog.uuid, blog.version)
            if self.tree.manifest(group)[0] == (*version, *self.flavour):
                self._remember(slug, version)  # another process published it
                return []
            # Read after the version: if a write lands in between, the next look rebuilds.
            data = outputs.BlogData(
                blog=blog, entries=self.store.list_entries(slug, transcripts=True),
                tombstones=self.store.tombstones(slug, limit=self.feed_items), links=self.links,
                feed_items=self.feed_items, page_entries=self.page_entries, hub=self.hub,
                catchup=self.store.get_catchup(slug), owner=self.owner)
            files = outputs.build_blog(data)
            changed = self.tree.sync(group, files, version=(*version, *self.flavour),
                                     mtime=(blog.changed or blog.updated).timestamp())
            self.rebuilds += 1
            self._remember(slug, version)
        log.info("publish: %s version %s, %d file(s) changed", slug, blog.version, len(changed))
        self._ping(slug, changed)
        return changed

    def _publish_site(self) -> list[str]:
        with self.tree.lock(SITE):
            blogs = self.store.list_blogs()
            version = [list(self.flavour)] + [[b.slug, b.uuid, b.version] for b in sorted(blogs, key=lambda b: b.slug)]
            if self.tree.manifest(SITE)[0] == tuple(version):
                return []
            stamps = [(b.changed or b.updated).timestamp() for b in blogs]
            files = outputs.build_site(outputs.SiteData(blogs, self.links, self.store.last_entry_times()))
            return self.tree.sync(SITE, files, version=version, mtime=max(stamps, default=None))

    def _remember(self, slug: str, version: Any) -> None:
        with self._lock:
            if version is None:
                self._known.pop(slug, None)
            else:
                self._known[slug] = _plain(version)

    def _ping(self, slug: str, changed: list[str]) -> None:
        if not self.hub:
            return
        feeds = {f"blogs/{slug}/{name}" for name in FEED_FILES.values()}
        urls = [f"{self.links.base}/{path}" for path in changed if path in feeds]
        if urls:
            threading.Thread(target=ping_hub, args=(self.hub, urls), daemon=True).start()


def _plain(version: Any) -> Any:
    """A version as a manifest gives it back (JSON has lists, not tuples)."""
    return tuple(version) if isinstance(version, (list, tuple)) else version


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
