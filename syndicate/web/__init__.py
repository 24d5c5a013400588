"""HTTP: the JSON API, the feeds, the audio and the reading pages."""
from __future__ import annotations

from flask import Flask

from . import api, audio, catchups, entry_pages, errors, feeds, pages


def init_app(app: Flask) -> None:
    errors.init_app(app)
    for module in (api, feeds, audio, pages, entry_pages, catchups):
        app.register_blueprint(module.bp)
