"""The JSON API under /api: reads are public, writes need the bearer token."""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from .. import ingest, validate
from ..model import Entry
from ..representation import entry_json
from .auth import writer
from .context import links, services
from .errors import ApiError
from .openapi import spec

bp = Blueprint("api", __name__, url_prefix="/api")
IMPORT_TYPES = ("text/plain", "text/html", "application/json", "application/ld+json")


def _json_body() -> Any:
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "send JSON with 'Content-Type: application/json'")
    return validate.parse_json(request.get_data(cache=True))  # 413 past MAX_CONTENT_LENGTH


def _created(body: dict, location: str) -> Response:
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = location
    return response


def _int_arg(name: str, default: int, *, low: int = 1, high: int = 1_000_000) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    # isascii: "²".isdigit() is true, but int() refuses it
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9 or not low <= int(raw) <= high:
        bounds = f"from {low}" + (f" to {high}" if high is not None else "")
        raise ApiError(400, "invalid", f"{name} must be a whole number {bounds}", name)
    return int(raw)


def _date_arg(name: str) -> date | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    try:  # fromisoformat alone would also take 20250706 and week dates
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        raise ApiError(400, "invalid", f"{name} must be a day written YYYY-MM-DD", name) from None


# -- blogs ------------------------------------------------------------------------------

@bp.get("/blogs")
def list_blogs() -> Response:
    return jsonify({"blogs": [b.to_json() for b in services().store.list_blogs()]})


@bp.post("/blogs")
@writer
def create_blog() -> Response:
    fields = validate.blog_fields(_json_body(), creating=True)
    blog = services().newsroom.create_blog(fields.pop("slug"), fields)
    return _created(blog.to_json(), links().api_blog(blog.slug))


@bp.get("/blogs/<slug>")
def get_blog(slug: str) -> Response:
    return jsonify(services().store.require_blog(slug).to_json())


@bp.patch("/blogs/<slug>")
@writer
def update_blog(slug: str) -> Response:
    services().store.require_blog(slug)
    fields = validate.blog_fields(_json_body(), creating=False)
    return jsonify(services().newsroom.update_blog(slug, fields).to_json())


@bp.delete("/blogs/<slug>")
@writer
def delete_blog(slug: str) -> Response:
    services().newsroom.delete_blog(slug)
    return Response(status=204)


# -- entries ----------------------------------------------------------------------------

@bp.get("/blogs/<slug>/entries")
def list_entries(slug: str) -> Response:
    store = services().store
    store.require_blog(slug)
    per_page = _int_arg("per_page", 50, high=current_app.config["MAX_ENTRIES_PER_LIST"])
    page = _int_arg("page", 1)
    total = store.count_entries(slug)
    items = store.list_entries(slug, limit=per_page, offset=(page - 1) * per_page)
    urls = links()
    more = page * per_page < total
    next_url = f"{urls.api_blog(slug)}/entries?page={page + 1}&per_page={per_page}" if more else None
    response = jsonify({
        "entries": [entry_json(e, urls) for e in items],
        "page": page, "per_page": per_page, "total": total,
        "next": next_url,
    })
    if next_url:
        response.headers.add("Link", f'<{next_url}>; rel="next"')
    return response


@bp.post("/blogs/<slug>/entries")
@writer
def create_entry(slug: str) -> Response:
    services().store.require_blog(slug)
    fields = validate.entry_fields(_json_body(), creating=True,
                                   max_chars=current_app.config["MAX_ENTRY_CHARS"])
    entry = services().newsroom.add_entry(slug, fields)
    return _created(entry_json(entry, links()), links().api_entry(slug, entry.id))


def _entry_or_404(slug: str, entry_id: str) -> Entry:
    entry = services().store.get_entry(slug, entry_id)
    if entry is None:
        raise ApiError(404, "not_found", f"no entry {entry_id!r} in blog {slug!r}")
    return entry


@bp.get("/blogs/<slug>/entries/<entry_id>")
def get_entry(slug: str, entry_id: str) -> Response:
    return jsonify(entry_json(_entry_or_404(slug, entry_id), links()))


@bp.patch("/blogs/<slug>/entries/<entry_id>")
@writer
def update_entry(slug: str, entry_id: str) -> Response:
    current = _entry_or_404(slug, entry_id)
    fields = validate.entry_fields(_json_body(), creating=False,
                                   max_chars=current_app.config["MAX_ENTRY_CHARS"])
    validate.require_content(fields.get("headline", current.headline), fields.get("text", current.text),
                             fields.get("media", current.media))
    entry = services().newsroom.update_entry(slug, entry_id, fields)
    return jsonify(entry_json(entry, links()))


@bp.delete("/blogs/<slug>/entries/<entry_id>")
@writer
def delete_entry(slug: str, entry_id: str) -> Response:
    _entry_or_404(slug, entry_id)
    services().newsroom.delete_entry(slug, entry_id)
    return Response(status=204)


# -- import -----------------------------------------------------------------------------

@bp.post("/blogs/<slug>/import")
@writer
def import_blog(slug: str) -> Response:
    blog = services().store.require_blog(slug)
    if request.mimetype not in IMPORT_TYPES:
        raise ApiError(415, "unsupported_media_type",
                       f"send the live blog as one of: {', '.join(IMPORT_TYPES)}")
    data = request.get_data(cache=True)
    fmt = request.args.get("format") or None
    if fmt is not None and fmt not in ingest.FORMATS:
        raise ApiError(400, "invalid", f"format must be one of: {', '.join(ingest.FORMATS)}", "format")
    zone = validate.timezone(request.args["timezone"]) if "timezone" in request.args else blog.timezone
    parsed = ingest.parse(data, format=fmt, timezone=zone, language=blog.language, date=_date_arg("date"))
    counts = services().newsroom.import_blog(slug, parsed)
    return jsonify({**counts, "format": parsed.format})


@bp.get("/blogs/<slug>/export")
def export_blog(slug: str) -> Response:
    store = services().store
    blog = store.require_blog(slug)
    response = jsonify(ingest.to_export(blog, store.list_entries(slug)))
    response.headers["Content-Disposition"] = f'attachment; filename="{slug}.json"'
    return response


@bp.get("/speech")
def speech_queue() -> Response:
    """The speech queue at a glance, for monitoring."""
    return jsonify(services().store.queue_stats())


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(spec(links().base, current_app.config))
