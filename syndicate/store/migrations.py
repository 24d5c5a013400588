"""Schema migrations: an ordered list whose length is the schema version.

Each step runs in its own transaction and is never edited once released; changes to the
schema are new steps appended at the end.
"""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from . import schema
from .repair import mend_stored_values
from .sources import create_sources_table


def _initial(conn: sa.Connection) -> None:
    schema.metadata.create_all(conn)


def _pronunciations(conn: sa.Connection) -> None:
    schema.pronunciations.create(conn, checkfirst=True)  # new databases have it from _initial


def _add_columns(conn: sa.Connection, table: sa.Table, names: tuple[str, ...]) -> None:
    """Add columns declared in `schema` that an older database lacks (a database created by
    `_initial` from today's schema has them already)."""
    present = {column["name"] for column in sa.inspect(conn).get_columns(table.name)}
    for name in names:
        if name not in present:
            column = table.c[name]
            kind = column.type.compile(dialect=conn.dialect)
            conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {name} {kind} NOT NULL DEFAULT ''")


def _blog_owner_and_catchups(conn: sa.Connection) -> None:
    """The podcast owner of a blog (itunes:owner), and the catch-up episodes."""
    _add_columns(conn, schema.blogs, ("owner_name", "owner_email"))
    schema.catchups.create(conn, checkfirst=True)


def _entry_revisions(conn: sa.Connection) -> None:
    """entries.revision (see schema): databases made before it get it, at 0."""
    if "revision" not in {c["name"] for c in sa.inspect(conn).get_columns("entries")}:
        conn.execute(sa.text("ALTER TABLE entries ADD COLUMN revision INTEGER NOT NULL DEFAULT 0"))


MIGRATIONS: list[Callable[[sa.Connection], None]] = [
    _initial,
    # Columns and tables first: the repair below reads whole rows of today's schema.
    _blog_owner_and_catchups,  # podcast owners and catch-up episodes (store/catchups.py)
    create_sources_table,  # followed live pages (store/sources.py)
    _pronunciations,  # a blog's pronunciation lexicon (store/pronunciations.py)
    _entry_revisions,  # entries.revision: the publisher reads only entries that changed
    mend_stored_values,  # values earlier versions let in against today's input rules
]

_version_table = sa.Table(
    "schema_version", sa.MetaData(), sa.Column("version", sa.Integer, nullable=False)
)


def current_version(conn: sa.Connection) -> int:
    if not sa.inspect(conn).has_table("schema_version"):
        return 0
    return conn.execute(sa.select(_version_table.c.version)).scalar() or 0


def migrate(engine: sa.Engine) -> int:
    """Bring the database up to the latest schema; returns the schema version."""
    with engine.begin() as conn:
        _version_table.create(conn, checkfirst=True)
        version = current_version(conn)
        if version > len(MIGRATIONS):
            raise RuntimeError(
                f"store: database schema {version} is newer than this syndicate ({len(MIGRATIONS)})"
            )
        if conn.execute(sa.select(sa.func.count()).select_from(_version_table)).scalar() == 0:
            conn.execute(_version_table.insert().values(version=0))
    for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
        with engine.begin() as conn:
            step(conn)
            conn.execute(_version_table.update().values(version=number))
    return len(MIGRATIONS)
