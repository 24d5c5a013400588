"""The publisher's copy of each blog's live entries, brought up to date by revision.

Every write to an entry moves its `revision` (see `store.schema`). On each publish the
publisher reads the blog's (id, revision) list, one narrow query, and fetches in full only
the entries it holds at another revision (or not at all): a publish after one new entry reads
one entry, not the whole blog. Entries it keeps are the same objects from one publish to the
next, which also lets `outputs.key` remember the keys of unchanged pages.
"""
from __future__ import annotations

import threading

from .model import Entry
from .store import Store


class EntryCache:
    """Live entries per blog, newest first, as of the last `entries(slug, uuid)`."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.fetched = 0  # entries read in full (for tests and benchmarks)
        self._blogs: dict[str, tuple[str, dict[str, tuple[int, Entry]]]] = {}
        self._lock = threading.Lock()

    def entries(self, slug: str, blog_uuid: str) -> list[Entry]:
        """The blog's live entries, newest first, with their transcripts."""
        index = self.store.entry_index(slug)
        with self._lock:
            held_uuid, held = self._blogs.get(slug, (blog_uuid, {}))
        if held_uuid != blog_uuid:  # deleted and made again under the same slug
            held = {}
        wanted = [entry_id for entry_id, revision in index if held.get(entry_id, (None,))[0] != revision]
        fresh = dict(held)
        for revision, entry in self.store.entries_by_id(slug, wanted):
            fresh[entry.id] = (revision, entry)
        self.fetched += len(wanted)
        result, kept = [], {}
        for entry_id, _revision in index:
            item = fresh.get(entry_id)
            if item is None:  # deleted between the two reads: the next publish sees it gone
                continue
            kept[entry_id] = item
            result.append(item[1])
        with self._lock:
            self._blogs[slug] = (blog_uuid, kept)
        return result

    def forget(self, slug: str) -> None:
        with self._lock:
            self._blogs.pop(slug, None)
