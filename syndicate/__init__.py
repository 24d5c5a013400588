"""syndicate: a live blog as feeds, podcast episodes and an accessible text view."""
from __future__ import annotations

__version__ = "0.1.0"


def create_app(config=None):
    """The Flask application; see `syndicate.app.create_app`."""
    from .app import create_app as factory

    return factory(config)
