"""syndicate: a live blog as feeds, podcast episodes and an accessible text view."""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

__version__ = "0.1.0"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The Flask application; see `syndicate.app.create_app`."""
    from .app import create_app as factory

    return factory(config)
