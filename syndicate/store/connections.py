"""What every query mixin needs from `Store`: its read and write transactions."""
from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import sqlalchemy as sa


class Connections:
    """Base of the query mixins: declares the connections `Store` provides, so each mixin is
    checked against them (annotations only: nothing here exists at run time)."""

    read: Callable[[], AbstractContextManager[sa.Connection]]
    write: Callable[[], AbstractContextManager[sa.Connection]]
