"""Schema migrations: an ordered list whose length is the schema version.

Each step runs in its own transaction and is never edited once released; changes to the
schema are new steps appended at the end.
"""
from __future__ import annotations

from typing import Callable

import sqlalchemy as sa

from . import schema


def _initial(conn: sa.Connection) -> None:
    schema.metadata.create_all(conn)


def _entry_revisions(conn: sa.Connection) -> None:
    """entries.revision (see schema): databases made before it get it, at 0."""
    if "revision" not in {c["name"] for c in sa.inspect(conn).get_columns("entries")}:
        conn.execute(sa.text("ALTER TABLE entries ADD COLUMN revision INTEGER NOT NULL DEFAULT 0"))


MIGRATIONS: list[Callable[[sa.Connection], None]] = [_initial, _entry_revisions]

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
