"""Queries on live blogs."""
from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from ..model import Blog
from ..timeutil import now
from .connections import Connections
from .errors import Conflict, NotFound, StoreError
from .schema import blogs

BLOG_FIELDS = ("title", "description", "language", "timezone", "author", "link", "status", "background",
               "owner_name", "owner_email")


def blog_from_row(row: sa.Row) -> Blog:
    return Blog(
        id=row.id, slug=row.slug, uuid=row.uuid, title=row.title, description=row.description,
        language=row.language, timezone=row.timezone, author=row.author, link=row.link,
        status=row.status, background=row.background, created=row.created, updated=row.updated,
        changed=row.changed, version=row.version, owner_name=row.owner_name, owner_email=row.owner_email,
    )


def blog_in(conn: sa.Connection, slug: str) -> Blog:
    """The blog `slug`, read inside a transaction; NotFound when there is none."""
    row = conn.execute(sa.select(blogs).where(blogs.c.slug == slug)).first()
    if row is None:
        raise NotFound(f"store: no blog {slug!r}")
    return blog_from_row(row)


def row_id(blog: Blog) -> int:
    """The row id of a blog read from the store (always set there, unlike a blog built elsewhere)."""
    if blog.id is None:
        raise StoreError(f"store: blog {blog.slug!r} has no row id")
    return blog.id


def touch(conn: sa.Connection, blog_id: int, *, content: bool, **values: Any) -> None:
    """Record a change (and set `values`): version + 1, the signal every published output
    follows; `updated` too when what readers see changed."""
    stamp = now()
    values["changed"] = stamp
    if content:
        values["updated"] = stamp
    conn.execute(blogs.update().where(blogs.c.id == blog_id).values(version=blogs.c.version + 1, **values))


class BlogQueries(Connections):
    """Mixin for Store: create, read, update and delete blogs."""

    def create_blog(self, slug: str, fields: Mapping[str, Any]) -> Blog:
        """Create a blog; Conflict when the slug is taken."""
        stamp = now()
        values = {k: fields[k] for k in BLOG_FIELDS if k in fields}
        with self.write() as conn:
            if conn.execute(sa.select(blogs.c.id).where(blogs.c.slug == slug)).first():
                raise Conflict(f"store: blog {slug!r} already exists")
            conn.execute(blogs.insert().values(
                slug=slug, uuid=str(uuid.uuid4()), created=stamp, updated=stamp, changed=stamp,
                version=1, **{"title": "", "description": "", "language": "en", "timezone": "UTC",
                              "author": "", "link": "", "status": "live", "background": "",
                              "owner_name": "", "owner_email": "", **values},
            ))
            return blog_in(conn, slug)

    def get_blog(self, slug: str) -> Blog | None:
        with self.read() as conn:
            row = conn.execute(sa.select(blogs).where(blogs.c.slug == slug)).first()
        return blog_from_row(row) if row else None

    def require_blog(self, slug: str) -> Blog:
        blog = self.get_blog(slug)
        if blog is None:
            raise NotFound(f"store: no blog {slug!r}")
        return blog

    def list_blogs(self) -> list[Blog]:
        with self.read() as conn:
            rows = conn.execute(sa.select(blogs).order_by(blogs.c.updated.desc(), blogs.c.slug)).all()
        return [blog_from_row(r) for r in rows]

    def blog_version(self, slug: str) -> tuple[str, int] | None:
        """(uuid, change counter) of a blog: what any output of it depends on. The uuid tells a
        blog deleted and created again under the same slug (whose counter starts again) apart."""
        with self.read() as conn:
            row = conn.execute(sa.select(blogs.c.uuid, blogs.c.version).where(blogs.c.slug == slug)).first()
        return None if row is None else (row.uuid, row.version)

    def versions(self) -> dict[str, tuple[str, int]]:
        with self.read() as conn:
            rows = conn.execute(sa.select(blogs.c.slug, blogs.c.uuid, blogs.c.version)).all()
        return {row.slug: (row.uuid, row.version) for row in rows}

    def update_blog(self, slug: str, fields: Mapping[str, Any]) -> Blog:
        values = {k: fields[k] for k in BLOG_FIELDS if k in fields}
        with self.write() as conn:
            current = blog_in(conn, slug)
            changed = {k: v for k, v in values.items() if getattr(current, k) != v}
            if changed:
                touch(conn, row_id(current), content=True, **changed)
            return blog_in(conn, slug)

    def delete_blog(self, slug: str) -> Blog:
        """Delete a blog with its entries and jobs; returns what was deleted."""
        with self.write() as conn:
            blog = blog_in(conn, slug)
            conn.execute(blogs.delete().where(blogs.c.id == blog.id))
            return blog
