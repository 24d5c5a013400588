"""The application factory."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Mapping

from flask import Flask

from . import config as settings
from .clipstore import ClipStore
from .newsroom import Newsroom
from .publish import Publisher
from .store import Store
from .web import init_app
from .web.fastpath import FastPath
from .web.context import Services


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from the declared settings (see `syndicate.config`), overridden by `config`.

    Creates the data dir's feeds/ and public/audio/ folders and brings the database schema up to date.
    Background speech workers are not started here: `syndicate serve` and `demo` start them.
    """
    values = settings.load(config)
    app = Flask(__name__)
    app.config.update(values)
    app.config["MAX_CONTENT_LENGTH"] = values["MAX_REQUEST_BYTES"]
    app.json.sort_keys = False
    data_dir = Path(values["DATA_DIR"])
    (data_dir / "feeds").mkdir(parents=True, exist_ok=True)
    clips = ClipStore.in_data_dir(data_dir)
    clips.root.mkdir(parents=True, exist_ok=True)
    store = Store(values["DATABASE_URL"])
    store.migrate()
    publisher = Publisher(store, values, static_base=values.get("STATIC_BASE", ""))
    newsroom = Newsroom(store, clips, publisher, max_entry_chars=values["MAX_ENTRY_CHARS"])
    app.extensions["syndicate"] = Services(store, publisher, newsroom, values)
    init_app(app)
    app.wsgi_app = FastPath(app.wsgi_app, publisher, values)
    logging.getLogger("syndicate").setLevel(logging.INFO)
    return app
