"""The store's unit of work: several changes in one transaction, through a public API.

    with store.transaction() as tx:
        blog = tx.blog("storm")
        entry = tx.insert_entry(blog.id, values)
        tx.touch(blog.id, content=True)

Everything commits together, or nothing does (any exception rolls back). On SQLite the
write lock is taken when the transaction begins, so concurrent writers queue rather than
fail halfway.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ..model import Blog, Entry
from . import blogs, entries, queue


class Transaction:
    """Changes made inside one open write transaction (`Store.transaction()`)."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn

    def blog(self, slug: str) -> Blog:
        """The blog `slug`; NotFound when there is none."""
        return blogs.blog_in(self.conn, slug)

    def touch(self, blog_id: int, *, content: bool, **values: Any) -> None:
        """Record a change to a blog (version + 1: what publishing follows), setting `values`;
        `content` when what readers see changed (its `updated` time moves too)."""
        blogs.touch(self.conn, blog_id, content=content, **values)

    def live_entry(self, blog_id: int, entry_id: str) -> Entry:
        """A live entry of a blog; NotFound when there is none."""
        return entries.live_entry(self.conn, blog_id, entry_id)

    def entries_by_source(self, blog_id: int) -> dict[str, Entry]:
        """Live entries keyed by their source's id ("syndicate:<id>" for posted ones)."""
        return entries.entries_by_source(self.conn, blog_id)

    def insert_entry(self, blog_id: int, values: Mapping[str, Any], *, entry_id: str | None = None,
                     speak: bool = True) -> Entry:
        """Add an entry (keeping `entry_id` when it is free) and, with `speak`, queue its speech."""
        return entries.insert_entry(self.conn, blog_id, values, entry_id=entry_id, speak=speak)

    def update_entry(self, current: Entry, values: Mapping[str, Any], *, updated: datetime | None = None) -> bool:
        """Apply changed fields (speech queued again when what is heard changed); whether any did."""
        return entries.update_entry_row(self.conn, current, values, updated=updated)

    def tombstone(self, entry_id: str) -> None:
        """Delete an entry, keeping a tombstone; its clip file is the caller's to remove after commit."""
        entries.tombstone(self.conn, entry_id)

    def enqueue(self, entry_id: str) -> None:
        """Ask for (new) speech of an entry."""
        queue.enqueue(self.conn, entry_id)
