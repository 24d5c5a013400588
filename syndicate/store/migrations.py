"""Schema migrations: an ordered list whose length is the schema version.

Each step runs in its own transaction and is never edited once released; changes to the
schema are new steps appended at the end.
"""
from __future__ import annotations

from typing import Callable

import sqlalchemy as sa

from . import schema
from .repair import mend_stored_values
from .sources import create_sources_table


def _initial(conn: sa.Connection) -> None:
    schema.metadata.create_all(conn)


def _pronunciations(conn: sa.Connection) -> None:
    schema.pronunciations.create(conn, checkfirst=True)  # new databases have it from _initial


MIGRATIONS: list[Callable[[sa.Connection], None]] = [
    _initial,
    mend_stored_values,  # values earlier versions let in against today's input rules
    create_sources_table,  # followed live pages (store/sources.py)
    _pronunciations,  # a blog's pronunciation lexicon (store/pronunciations.py)
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
