"""The blog's followed source, under /api/blogs/<slug>/source.

PUT `{url, interval}` starts (or changes) following, GET shows the polling status, DELETE
stops. Nothing here fetches the page: the background follower does (see follow/poller.py),
so a request never waits on another site.
"""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from ..follow import check_url, parse_interval
from ..store.sources import Sources
from .auth import writer
from .context import links, services
from .errors import ApiError

bp = Blueprint("sources", __name__, url_prefix="/api")
DEFAULT_INTERVAL = 60


def _sources() -> Sources:
    return Sources(services().store)


def _status(slug: str):
    source = _sources().get(slug)
    if source is None:
        raise ApiError(404, "not_found", f"blog {slug!r} follows no source")
    return source


@bp.get("/blogs/<slug>/source")
def get_source(slug: str):
    services().store.require_blog(slug)
    return jsonify(_status(slug).to_json())


@bp.put("/blogs/<slug>/source")
@writer
def put_source(slug: str):
    services().store.require_blog(slug)
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "send JSON with 'Content-Type: application/json'")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "bad_json", "the body must be a JSON object: {\"url\": ..., \"interval\": ...}")
    unknown = set(body) - {"url", "interval"}
    if unknown:
        raise ApiError(400, "invalid", f"unknown field {sorted(unknown)[0]!r}", sorted(unknown)[0])
    try:
        url = check_url(body.get("url"))
    except ValueError as exc:
        raise ApiError(400, "invalid", str(exc), "url") from None
    try:
        interval = parse_interval(body.get("interval", DEFAULT_INTERVAL), current_app.config["FOLLOW_MIN_INTERVAL"])
    except ValueError as exc:
        raise ApiError(400, "invalid", str(exc), "interval") from None
    source, created = _sources().put(slug, url, interval)
    response = jsonify(source.to_json())
    if created:
        response.status_code = 201
        response.headers["Location"] = f"{links().api_blog(slug)}/source"
    return response


@bp.delete("/blogs/<slug>/source")
@writer
def delete_source(slug: str):
    services().store.require_blog(slug)
    if not _sources().delete(slug):
        raise ApiError(404, "not_found", f"blog {slug!r} follows no source")
    return Response(status=204)


SOURCE_SCHEMA = {"type": "object", "properties": {
    "url": {"type": "string"}, "interval": {"type": "integer", "description": "seconds between polls"},
    "polling": {"type": "boolean", "description": "a poller holds the source right now"},
    "last_fetch": {"type": ["string", "null"], "format": "date-time"},
    "last_change": {"type": ["string", "null"], "format": "date-time"},
    "last_status": {"type": ["integer", "null"]}, "last_error": {"type": ["string", "null"]},
    "next_poll": {"type": ["string", "null"], "format": "date-time"},
    "failures": {"type": "integer", "description": "failed polls in a row"}}}


def document(spec: dict[str, Any]) -> dict[str, Any]:
    """Add the source routes, and the import's `date` parameter, to the OpenAPI document."""
    ok = {"description": "The source's status", "content": {"application/json": {"schema": SOURCE_SCHEMA}}}
    errors = {code: {"$ref": f"#/components/responses/{name}"} for code, name in (
        ("400", "BadRequest"), ("401", "Unauthorized"), ("403", "Forbidden"), ("404", "NotFound"),
        ("415", "WrongType"))}
    body = {"type": "object", "required": ["url"], "additionalProperties": False, "properties": {
        "url": {"type": "string", "description": "an http(s) page with a live blog"},
        "interval": {"type": ["integer", "string"], "description": "seconds, or like 60s, 5m, 1h (default 60)"}}}
    spec["paths"]["/api/blogs/{slug}/source"] = {
        "parameters": [{"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}],
        "get": {"summary": "The followed source and its polling status", "responses": {
            "200": ok, "404": errors["404"]}},
        "put": {"summary": "Follow a live page (polled in the background)", "security": [{"bearer": []}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
                "responses": {"200": ok, "201": ok, **errors}},
        "delete": {"summary": "Stop following", "security": [{"bearer": []}],
                   "responses": {"204": {"description": "Stopped"}, **errors}},
    }
    imports = spec["paths"].get("/api/blogs/{slug}/import")
    if imports is not None:
        imports["parameters"].append({"name": "date", "in": "query", "schema": {"type": "string", "format": "date"},
                                      "description": "day of the newest entry, for plain text that shows no date"})
    return spec
