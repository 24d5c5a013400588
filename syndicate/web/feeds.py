"""Feed routes: RSS, Atom, JSON Feed and podcast for each blog, their older pages, covers, OPML."""
from __future__ import annotations

from flask import Blueprint, current_app

from ..links import FEED_FILES, KIND_BY_FILE
from .context import links, services
from .serving import feed_headers, send_document

bp = Blueprint("feeds", __name__)


def _feed(slug: str, name: str, page: int):
    kind = KIND_BY_FILE[name]
    urls = links()
    doc = services().publisher.document(slug, kind, urls, page=page)
    return send_document(doc, extra=feed_headers(current_app.config["WEBSUB_HUB"], urls.feed(slug, kind, page)))


def _register(name: str) -> None:
    endpoint = name.replace(".", "_")
    bp.add_url_rule(f"/blogs/<slug>/{name}", endpoint, lambda slug: _feed(slug, name, 1))
    bp.add_url_rule(f"/blogs/<slug>/page/<int:page>/{name}", endpoint + "_page",
                    lambda slug, page: _feed(slug, name, page))


for _name in FEED_FILES.values():
    _register(_name)


@bp.get("/blogs/<slug>/cover.png")
def cover(slug: str):
    return send_document(services().publisher.document(slug, "cover", links()), max_age=86400)


@bp.get("/feeds.opml")
def opml():
    return send_document(services().publisher.site_document("opml", links()))
