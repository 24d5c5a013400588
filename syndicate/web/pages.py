"""The old query-string forms of the text-view variants, redirected to their paths.

Every page is a file of the published tree, served by `files.TreeFiles`; only the forms from
before the tree (`/blogs/<slug>/?order=oldest&key=1`) reach Flask, and are sent on to the
path that holds that variant (`/blogs/<slug>/key/oldest/`).
"""
from __future__ import annotations

from flask import Blueprint, abort, redirect, request
from werkzeug.wrappers import Response

from .context import links

bp = Blueprint("pages", __name__)


@bp.get("/blogs/<slug>/", strict_slashes=False)
@bp.get("/blogs/<slug>/page/<int:page>/", strict_slashes=False)
def blog(slug: str, page: int = 1) -> Response:
    if not {"order", "key"} & set(request.args):
        abort(404)  # not an old form, and the tree has no such page
    order = request.args.get("order", "newest")
    key = request.args.get("key", "0")
    if order not in ("newest", "oldest") or key not in ("0", "1"):
        abort(400, "order must be 'newest' or 'oldest', and key '0' or '1'")
    return redirect(links().blog_page(slug, page, order, key == "1"), code=301)
