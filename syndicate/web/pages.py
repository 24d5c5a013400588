"""Old forms of the text view's and feeds' URLs, redirected to the files that now hold them.

Every page is a file of the published tree, served by `files.TreeFiles`; only URLs the tree has
no file for reach Flask. Two older forms are sent on:
- the query-string forms from before the tree (`/blogs/<slug>/?order=oldest&key=1`), to the
  path of that variant (`/blogs/<slug>/key/oldest/`), permanently;
- `page/<n>/` of newest-first lists (the text view, its key events, the feeds), which counted
  from the newest entry and so moved with every new one, to the fixed page (`archive/<k>/`)
  that now holds the first entry of what was page n: temporarily (302), since where that
  entry sits depends on the blog's length.
"""
from __future__ import annotations

from flask import Blueprint, abort, redirect, request
from werkzeug.wrappers import Response

from ..links import KIND_BY_FILE, legacy_page
from .context import links, services

bp = Blueprint("pages", __name__)


@bp.get("/blogs/<slug>/", strict_slashes=False)
@bp.get("/blogs/<slug>/page/<int:page>/", strict_slashes=False)
@bp.get("/blogs/<slug>/key/page/<int:page>/", strict_slashes=False, defaults={"key_path": True})
def blog(slug: str, page: int = 0, key_path: bool = False) -> Response:
    if not {"order", "key"} & set(request.args):
        if page:
            return _legacy(slug, page, key_path, None)
        abort(404)  # not an old form, and the tree has no such page
    order = request.args.get("order", "newest")
    key = request.args.get("key", "0")
    if order not in ("newest", "oldest") or key not in ("0", "1"):
        abort(400, "order must be 'newest' or 'oldest', and key '0' or '1'")
    if order == "newest" and page >= 2:  # to the old path form, which is redirected in turn
        return redirect(f"{links().base}/blogs/{slug}/{'key/' if key == '1' else ''}page/{page}/", code=301)
    return redirect(links().blog_page(slug, page, order, key == "1"), code=301)


@bp.get("/blogs/<slug>/page/<int:page>/<name>")
def feed(slug: str, page: int, name: str) -> Response:
    kind = KIND_BY_FILE.get(name)
    if kind is None:
        abort(404)
    return _legacy(slug, page, False, kind)


def _legacy(slug: str, page: int, key_only: bool, kind: str | None) -> Response:
    """Redirect old page `page` (counted from the newest) to the fixed page holding its first
    entry; 404 when the list never had that page."""
    svc = services()
    if svc.store.get_blog(slug) is None:
        abort(404)
    size = svc.publisher.feed_items if kind else svc.publisher.page_entries
    total = svc.store.count_entries(slug, key_only=key_only, audio_ready=kind == "podcast")
    number = legacy_page(page, size, total)
    if number is None:
        abort(404)
    target = links().feed(slug, kind, number) if kind else links().blog_page(slug, number, "newest", key_only)
    return redirect(target, code=302)
