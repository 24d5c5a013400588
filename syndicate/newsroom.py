"""Every change to a blog, with its consequences: the store is written, clips that no entry
uses any more are removed, and the published outputs are rebuilt.

The API, the CLI and the importers all change blogs through a `Newsroom`, so each rule lives
in one place: every value is checked here against the rules in `validate` before it is stored,
whoever sends it.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from . import validate
from .clipstore import ClipStore
from .model import Blog, Entry, ParsedBlog
from .sanitize import html_to_text
from .store import Store

log = logging.getLogger(__name__)


class Newsroom:
    """Changes blogs and entries; `publisher` (optional) is told after each change."""

    def __init__(self, store: Store, clips: ClipStore, publisher: Any = None, *, max_entry_chars: int = 20_000):
        self.store = store
        self.clips = clips
        self.publisher = publisher
        self.max_entry_chars = max_entry_chars
        self._unpublished: set[str] = set()  # blogs whose last publish failed, to try again

    def _changed(self, slug: str) -> None:
        """Publish after a change, before the caller answers, so a client sees its change at
        once. The change is committed by now: a failure to publish is logged and tried again
        after the next change of any blog (and by `serve`'s watch); it never turns the write
        into an error."""
        if self.publisher is None:
            return
        for name in sorted(self._unpublished | {slug}):
            try:
                self.publisher.publish(name)
            except Exception:  # noqa: BLE001 - one blog's output must not fail another's write
                log.exception("publish of %s failed after its change was saved; will retry", name)
                self._unpublished.add(name)
            else:
                self._unpublished.discard(name)

    # -- blogs ------------------------------------------------------------------------

    def create_blog(self, slug: str, fields: Mapping[str, Any]) -> Blog:
        validate.slug(slug)  # the slug names folders under feeds/ and audio/
        validate.check_blog(fields)
        blog = self.store.create_blog(slug, fields)
        self._changed(slug)
        return blog

    def create_blog_from(self, slug: str, parsed: ParsedBlog, **chosen: str | None) -> Blog:
        """Create `slug` from a source's own blog fields (title, language, zone...), held to
        the API's rules: what breaks them is left out. `chosen` fields (e.g. a language the
        user named) win over the source's. For every way in that starts from a source: the
        CLI's import, a follower."""
        offered, notes = validate.imported_blog({
            "title": parsed.title, "description": parsed.description, "language": parsed.language,
            "timezone": parsed.timezone, "author": parsed.author, "link": parsed.link})
        for name, note in notes.items():
            log.warning("new blog %s: the source's %s: %s", slug, name, note)
        return self.create_blog(slug, {"title": slug, "language": "en", "timezone": "UTC", **offered,
                                       **{k: v for k, v in chosen.items() if v}})

    def update_blog(self, slug: str, fields: Mapping[str, Any]) -> Blog:
        validate.check_blog(fields)
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
        self._unpublished.discard(slug)
        return blog

    # -- entries ----------------------------------------------------------------------

    def add_entry(self, slug: str, fields: Mapping[str, Any]) -> Entry:
        validate.check_entry(fields, max_chars=self.max_entry_chars)
        validate.require_content(fields.get("headline"), fields.get("text"), fields.get("media"))
        entry = self.store.add_entry(slug, fields)
        self._changed(slug)
        return entry

    def update_entry(self, slug: str, entry_id: str, fields: Mapping[str, Any]) -> Entry:
        validate.check_entry(fields, max_chars=self.max_entry_chars)
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
        counts = {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0, "skipped": 0, "adjusted": 0}
        removed: list[str] = []
        with self.store.transaction() as tx:
            blog = tx.blog(slug)
            assert blog.id is not None  # a stored blog has its row id
            existing = tx.entries_by_source(blog.id)
            seen: set[str] = set()
            for item in parsed.entries:
                values = {
                    "published": item.published, "headline": item.headline, "html": item.html,
                    "text": html_to_text(item.html), "media": list(item.media),
                    "key_event": item.key_event, "pinned": item.pinned, "source_id": item.source_id,
                }
                # Entries that break the API's rules (empty, too long...) are skipped.
                checked = validate.imported_entry(values, max_chars=self.max_entry_chars)
                if not item.source_id or item.source_id in seen or checked is None:
                    counts["skipped"] += 1
                    if item.source_id:
                        seen.add(item.source_id)  # still in the source: not to be deleted
                    continue
                seen.add(item.source_id)
                values = checked
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
            blog_values, notes = self._imported_blog_fields(blog, parsed)
            counts["adjusted"] = len(notes)
            if blog_values or counts["created"] or counts["updated"] or counts["deleted"]:
                tx.touch(blog.id, content=True, **blog_values)
        for file in removed:
            self.clips.remove(file)
        if any(counts[k] for k in ("created", "updated", "deleted")) or blog_values:
            self._changed(slug)
        log.info("import into %s (%s): %s", slug, parsed.format, counts)
        for name, note in notes.items():  # the source's own blog fields that broke the rules
            log.warning("import into %s: the source's %s: %s", slug, name, note)
        return counts

    @staticmethod
    def _imported_blog_fields(blog: Blog, parsed: ParsedBlog) -> tuple[dict[str, Any], dict[str, str]]:
        """Blog fields the source fills in: blanks only, so an editor's choices are kept;
        the background follows the source. What breaks the rules is left out or shortened
        (see validate.imported_blog), with a note for each."""
        offered, notes = validate.imported_blog(
            {name: getattr(parsed, name) for name in ("title", "description", "author", "link",
                                                      "background", "status") if getattr(parsed, name)})
        values: dict[str, Any] = {}
        for name in ("title", "description", "author", "link"):
            if not getattr(blog, name) and offered.get(name):
                values[name] = offered[name]
        for name in ("background", "status"):
            if offered.get(name) and offered[name] != getattr(blog, name):
                values[name] = offered[name]
        return values, notes
