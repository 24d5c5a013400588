"""Every change to a blog, with its consequences: the store is written, clips that no entry
uses any more are removed, and the published outputs are rebuilt.

The API, the CLI and the importers all change blogs through a `Newsroom`, so each rule lives
in one place.
"""
from __future__ import annotations

import logging
from typing import Any, Mapping

from .clipstore import ClipStore
from .model import Blog, Entry, ParsedBlog
from .sanitize import html_to_text
from .store import Store
from .timeutil import EARLIEST, LATEST
from .validate import SLUG, InvalidInput

log = logging.getLogger(__name__)


class Newsroom:
    """Changes blogs and entries; `publisher` (optional) is told after each change."""

    def __init__(self, store: Store, clips: ClipStore, publisher: Any = None, *, max_entry_chars: int = 20_000):
        self.store = store
        self.clips = clips
        self.publisher = publisher
        self.max_entry_chars = max_entry_chars

    def _changed(self, slug: str) -> None:
        # Published before the caller answers, so a client sees its change at once. The change
        # is saved whatever happens here: a failed rebuild is logged, and the publisher's next
        # look (its version is still unpublished) tries again.
        if self.publisher is None:
            return
        try:
            self.publisher.publish(slug)
        except Exception:  # noqa: BLE001 - never report a saved change as failed
            log.exception("publish: rebuilding %s failed; it will be tried again", slug)

    # -- blogs ------------------------------------------------------------------------

    def create_blog(self, slug: str, fields: Mapping[str, Any]) -> Blog:
        if not SLUG.match(slug):  # the slug names folders of the published tree
            raise InvalidInput("slug must be 1-80 lowercase letters, digits and inner hyphens", "slug")
        blog = self.store.create_blog(slug, fields)
        self._changed(slug)
        return blog

    def update_blog(self, slug: str, fields: Mapping[str, Any]) -> Blog:
        before = self.store.require_blog(slug)
        blog = self.store.update_blog(slug, fields)
        if blog.version != before.version:
            if {"language", "timezone"} & {k for k in fields if getattr(before, k) != fields[k]}:
                # The spoken time and the voice follow these: every clip is looked at again (the
                # worker keeps those whose words and voice did not change).
                self.store.request_speech(slug, ready=True)
            self._changed(slug)
        return blog

    def delete_blog(self, slug: str) -> Blog:
        blog = self.store.delete_blog(slug)
        self.clips.remove_blog(slug)
        self._changed(slug)
        return blog

    # -- entries ----------------------------------------------------------------------

    def add_entry(self, slug: str, fields: Mapping[str, Any]) -> Entry:
        entry = self.store.add_entry(slug, fields)
        self._changed(slug)
        return entry

    def update_entry(self, slug: str, entry_id: str, fields: Mapping[str, Any]) -> Entry:
        entry, changed = self.store.update_entry(slug, entry_id, fields)
        if changed:
            self._changed(slug)
        return entry

    def delete_entry(self, slug: str, entry_id: str) -> Entry:
        entry = self.store.delete_entry(slug, entry_id)
        self.clips.remove(entry.audio.file if entry.audio else None)
        self._changed(slug)
        return entry

    # -- imports ----------------------------------------------------------------------

    def import_blog(self, slug: str, parsed: ParsedBlog) -> dict[str, int]:
        """Merge an imported blog into `slug`, matching entries by the source's own ids.

        Importing the same source twice changes nothing; a newer version of it updates entries
        in place (their ids are kept). An entry that the source no longer has is deleted, but
        only within the span of time the source covers: sources such as JSON-LD often carry
        just the newest page of a blog.
        """
        counts = {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0, "skipped": 0}
        removed: list[str] = []
        with self.store.transaction() as tx:
            blog = tx.blog(slug)
            existing = tx.entries_by_source(blog.id)
            seen: set[str] = set()
            for item in parsed.entries:
                values = {
                    "published": item.published, "headline": item.headline, "html": item.html,
                    "text": html_to_text(item.html), "media": list(item.media),
                    "key_event": item.key_event, "pinned": item.pinned, "source_id": item.source_id,
                }
                empty = not (item.headline or values["text"] or item.media)
                if not item.source_id or item.source_id in seen or empty \
                        or len(values["text"]) > self.max_entry_chars \
                        or not EARLIEST <= item.published.year <= LATEST:
                    counts["skipped"] += 1
                    if item.source_id:
                        seen.add(item.source_id)  # still in the source: not to be deleted
                    continue
                seen.add(item.source_id)
                current = existing.get(item.source_id)
                if current is not None and current.source_id is None:
                    del values["source_id"]  # an entry of this blog, come back through its export
                if current is None:
                    # An export keeps its ids where they are free, so feeds and links survive a move.
                    tx.insert_entry(blog.id, {**values, "updated": item.updated}, entry_id=item.id, speak=True)
                    counts["created"] += 1
                elif tx.update_entry(current, values, updated=item.updated):
                    counts["updated"] += 1
                else:
                    counts["unchanged"] += 1
            if seen:
                oldest = min(i.published for i in parsed.entries if i.source_id in seen)
                for source_id, entry in existing.items():
                    # Only imported entries can be withdrawn by a source; posted ones stay.
                    if entry.source_id and source_id not in seen and entry.published >= oldest:
                        tx.tombstone(entry.id)
                        removed.append(entry.audio.file if entry.audio and entry.audio.file else "")
                        counts["deleted"] += 1
            blog_values = self._imported_blog_fields(blog, parsed)
            if blog_values or counts["created"] or counts["updated"] or counts["deleted"]:
                tx.touch(blog.id, content=True, **blog_values)
        for file in removed:
            self.clips.remove(file)
        if any(counts[k] for k in ("created", "updated", "deleted")) or blog_values:
            self._changed(slug)
        log.info("import into %s (%s): %s", slug, parsed.format, counts)
        return counts

    @staticmethod
    def _imported_blog_fields(blog: Blog, parsed: ParsedBlog) -> dict[str, Any]:
        """Blog fields the source fills in: blanks only, so an editor's choices are kept;
        the background follows the source."""
        values: dict[str, Any] = {}
        for name in ("title", "description", "author", "link"):
            if not getattr(blog, name) and getattr(parsed, name):
                values[name] = getattr(parsed, name)
        if parsed.background and parsed.background != blog.background:
            values["background"] = parsed.background
        if parsed.status and parsed.status != blog.status:
            values["status"] = parsed.status
        return values
