"""The catch-up feed and its episode's chapters and transcripts, served from their builder
(`formats.catchup.build_catchup_outputs`) until the published tree serves them as files."""
from __future__ import annotations

from flask import Blueprint, abort, current_app

from ..documents import Document
from ..formats.catchup import build_catchup_outputs
from ..formats.podcast import podcast_owner
from .context import links, services
from .serving import TEXT_HEADERS, feed_headers, send_document

bp = Blueprint("catchups", __name__)
TYPES = {".xml": "application/rss+xml; charset=utf-8", ".json": "application/json+chapters; charset=utf-8",
         ".txt": "text/plain; charset=utf-8", ".vtt": "text/vtt; charset=utf-8"}


def _output(slug: str, path: str):
    store = services().store
    blog = store.get_blog(slug)
    if blog is None:
        abort(404)
    config = current_app.config
    owner = podcast_owner(blog, config["PODCAST_OWNER_NAME"], config["PODCAST_OWNER_EMAIL"])
    urls = links()
    outputs = dict(build_catchup_outputs(blog, store.get_catchup(slug), urls, owner=owner))
    body = outputs.get(f"blogs/{slug}/{path}")
    if body is None:
        abort(404)
    media_type = TYPES[path[path.rindex("."):]]
    extra = feed_headers(config["WEBSUB_HUB"], urls.catchup_feed(slug)) if path.endswith(".xml") else TEXT_HEADERS
    return send_document(Document(body, media_type, blog.changed or blog.updated), extra=extra)


@bp.get("/blogs/<slug>/catch-up.xml")
def feed(slug: str):
    return _output(slug, "catch-up.xml")


@bp.get("/blogs/<slug>/catch-up/<any('chapters.json', 'transcript.txt', 'transcript.vtt'):name>")
def episode_file(slug: str, name: str):
    return _output(slug, f"catch-up/{name}")
