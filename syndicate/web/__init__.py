"""HTTP: the JSON API, and the old forms of the text view's URLs. Everything a reader fetches
is a file of the published tree, served by `files.TreeFiles` in front of these."""
from __future__ import annotations

from flask import Flask

from . import (
    api,
    errors,
    pages,
    pronunciations,
    sources,  # the followed source of a blog
)


def init_app(app: Flask) -> None:
    errors.init_app(app)
    for module in (api, pages, pronunciations):
        app.register_blueprint(module.bp)
    app.register_blueprint(sources.bp)
