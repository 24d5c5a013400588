"""The page of each entry, served from its builder until the published tree serves it as a file.

Glue only: the page is `views.render_entry_html` (or `views.build_entry_pages` for a whole blog).
"""
from __future__ import annotations

from flask import Blueprint, abort

from .. import views
from ..documents import Document
from .context import links, services
from .serving import PAGE_HEADERS, send_document

bp = Blueprint("entry_pages", __name__)


@bp.get("/blogs/<slug>/entries/<entry_id>/")
def entry_page(slug: str, entry_id: str):
    store = services().store
    blog = store.get_blog(slug)
    entry = store.get_entry(slug, entry_id) if blog is not None else None
    if entry is None:
        abort(404)
    page = views.entry.blog_page_of(store.entry_position(slug, entry), services().config["PAGE_ENTRIES"])
    html = views.render_entry_html(blog, entry, links(), blog_page=page)
    return send_document(Document(html.encode(), "text/html; charset=utf-8", blog.changed or blog.updated),
                         extra=PAGE_HEADERS)
