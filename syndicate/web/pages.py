"""The reading pages: the list of blogs, each blog's text view, and its text/plain version."""
from __future__ import annotations

from flask import Blueprint, abort, request

from .context import links, services
from .serving import PAGE_HEADERS, TEXT_HEADERS, send_document

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    return send_document(services().publisher.site_document("index", links()), extra=PAGE_HEADERS)


def _view_options() -> tuple[str, bool]:
    order = request.args.get("order", "newest")
    key = request.args.get("key", "0")
    if order not in ("newest", "oldest") or key not in ("0", "1"):
        abort(400, "order must be 'newest' or 'oldest', and key '0' or '1'")
    return order, key == "1"


@bp.get("/blogs/<slug>/")
@bp.get("/blogs/<slug>/page/<int:page>/")
def blog(slug: str, page: int = 1):
    order, key_only = _view_options()
    doc = services().publisher.document(slug, "html", links(), page=page, order=order, key_only=key_only)
    return send_document(doc, extra=PAGE_HEADERS)


@bp.get("/blogs/<slug>.txt")
def blog_text(slug: str):
    return send_document(services().publisher.document(slug, "txt", links()), extra=TEXT_HEADERS)
