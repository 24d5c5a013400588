"""HTTP: the JSON API, the feeds, the audio and the reading pages."""
from __future__ import annotations

from flask import Flask

from . import api, audio, errors, feeds, pages, pronunciations


def init_app(app: Flask) -> None:
    errors.init_app(app)
    for module in (api, feeds, audio, pages, pronunciations):
        app.register_blueprint(module.bp)
