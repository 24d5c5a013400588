"""A migration step: stored values that earlier versions let in against today's rules are
mended, so one blog's bad field can no longer break pages, feeds or other blogs' writes.

Blog fields get what an import would make of them (`validate.imported_blog`): characters no
feed can carry removed, over-long text shortened, a language, zone or link that cannot be
mended set back to its default. A slug that is not one (`c\\n`) becomes the nearest free slug.
Entries lose the characters no feed can carry. Each mended blog's version goes up, so every
output of it is built again.
"""
from __future__ import annotations

import logging
import re

import sqlalchemy as sa

from .. import validate
from . import schema

log = logging.getLogger(__name__)
DEFAULTS = {"language": "en", "timezone": "UTC", "link": "", "status": "live", "description": "", "author": "",
            "background": ""}
FIELDS = ("title", "description", "language", "timezone", "author", "link", "status", "background")


def _free_slug(conn: sa.Connection, wanted: str, row_id: int) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", wanted.lower()).strip("-")[:70].strip("-") or f"blog-{row_id}"
    slug, n = base, 1
    while conn.execute(sa.select(schema.blogs.c.id).where(schema.blogs.c.slug == slug)).first() is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def mend_stored_values(conn: sa.Connection) -> None:
    """Bring every stored blog and entry within the input rules (see the module docstring)."""
    blogs = schema.blogs
    for row in conn.execute(sa.select(blogs)).mappings().all():
        values = {name: row[name] for name in FIELDS}
        kept, notes = validate.imported_blog(values)
        changes = {name: kept.get(name, DEFAULTS.get(name, row["slug"])) for name in notes}
        if not validate.SLUG.fullmatch(row["slug"]):
            changes["slug"] = _free_slug(conn, row["slug"], row["id"])
        if changes:
            log.warning("store: blog %r mended: %s", row["slug"], ", ".join(sorted(changes)))
            conn.execute(blogs.update().where(blogs.c.id == row["id"])
                         .values(**changes, version=row["version"] + 1))
    entries = schema.entries
    for stored in conn.execute(sa.select(entries.c.id, entries.c.headline, entries.c.html, entries.c.text)).all():
        changes = {name: validate.clean_text(getattr(stored, name)) for name in ("headline", "html", "text")}
        changes = {name: value for name, value in changes.items() if value != getattr(stored, name)}
        if changes:
            conn.execute(entries.update().where(entries.c.id == stored.id).values(**changes))
