"""The application factory."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from . import config as settings_module
from . import layout
from .clipstore import ClipStore
from .links import Links
from .newsroom import Newsroom
from .publish import Publisher
from .store import Store
from .tree import Tree
from .web import init_app
from .web.context import Services
from .web.files import TreeFiles


def make_publisher(store: Store, settings: Any) -> Publisher:
    """The publisher of `settings`' tree. With no BASE_URL and no address to listen on (the
    commands other than `serve` and `demo`), links keep the base the tree was last published
    with, so that a command never rewrites `serve`'s links with another address."""
    tree = Tree(settings.tree, settings.publish_state)
    base = settings.public_url
    if not settings.base_url and not settings.listen_url:
        base = published_base(tree) or base
    return Publisher(store, tree, Links(base), feed_items=settings.feed_items,
                     page_entries=settings.page_entries, hub=settings.websub_hub,
                     owner=(settings.podcast_owner_name, settings.podcast_owner_email))


def published_base(tree: Tree) -> str | None:
    """The base URL the tree's site pages were last published with, if any."""
    version = tree.manifest("site")[0]
    try:
        return str(version[0][0]) or None
    except (TypeError, IndexError, KeyError):
        return None


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from the declared settings (see `syndicate.config`), overridden by `config`.

    Brings the database schema up to date, then the published tree (`<DATA_DIR>/public/`) up
    to date with the database. Background speech workers and the publisher's watch for other
    processes' changes are not started here: `syndicate serve` and `demo` start them.
    """
    values = settings_module.load(config)
    settings = settings_module.settings(values)
    app = Flask(__name__)
    app.config.update(values)
    app.config["MAX_CONTENT_LENGTH"] = values["MAX_REQUEST_BYTES"]
    app.json.sort_keys = False  # type: ignore[attr-defined]  # Flask's default JSON provider has it
    settings.audio_dir.mkdir(parents=True, exist_ok=True)
    layout.upgrade(Path(settings.data_dir), settings.audio_dir)
    store = Store(values["DATABASE_URL"])
    store.migrate()
    publisher = make_publisher(store, settings)
    newsroom = Newsroom(store, ClipStore(settings.audio_dir), publisher, max_entry_chars=values["MAX_ENTRY_CHARS"])
    app.extensions["syndicate"] = Services(store, publisher, newsroom, values, settings)
    init_app(app)
    app.wsgi_app = TreeFiles(  # type: ignore[method-assign]  # Flask's documented way to add middleware
        app.wsgi_app, settings.tree, base=publisher.links.base, hub=settings.websub_hub)
    logging.getLogger("syndicate").setLevel(logging.INFO)
    publisher.publish_changed()
    return app
