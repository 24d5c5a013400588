"""The blog's followed source, under /api/blogs/<slug>/source.

PUT `{url, interval}` starts (or changes) following, GET shows the polling status, DELETE
stops. Nothing here fetches the page: the background follower does (see follow/poller.py),
so a request never waits on another site.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, current_app, jsonify

from ..follow import SOURCE_URL, check_url, interval_schema, parse_interval
from ..store.sources import Source, Sources
from ..validate import InvalidInput
from . import openapi
from .api import _json_body
from .auth import writer
from .context import links, services
from .errors import ApiError

bp = Blueprint("sources", __name__, url_prefix="/api")
DEFAULT_INTERVAL = 60
FIELDS = {"url", "interval"}


def _sources() -> Sources:
    return Sources(services().store)


def _status(slug: str) -> Source:
    source = _sources().get(slug)
    if source is None:
        raise ApiError(404, "not_found", f"blog {slug!r} follows no source")
    return source


@bp.get("/blogs/<slug>/source")
def get_source(slug: str) -> Response:
    services().store.require_blog(slug)
    return jsonify(_status(slug).to_json())


@bp.put("/blogs/<slug>/source")
@writer
def put_source(slug: str) -> Response:
    services().store.require_blog(slug)
    body = _json_body()
    if not isinstance(body, dict):
        raise InvalidInput("the body must be a JSON object: {\"url\": ..., \"interval\": ...}", code="bad_json")
    unknown = sorted(set(body) - FIELDS)
    if unknown:
        raise InvalidInput(f"unknown field {unknown[0]!r}; allowed: {', '.join(sorted(FIELDS))}", unknown[0])
    if "url" not in body:
        raise InvalidInput("url is required", "url")
    url = check_url(body["url"])
    interval = parse_interval(body.get("interval", DEFAULT_INTERVAL), current_app.config["FOLLOW_MIN_INTERVAL"])
    source, created = _sources().put(slug, url, interval)
    response = jsonify(source.to_json())
    if created:
        response.status_code = 201
        response.headers["Location"] = f"{links().api_blog(slug)}/source"
    return response


@bp.delete("/blogs/<slug>/source")
@writer
def delete_source(slug: str) -> Response:
    services().store.require_blog(slug)
    if not _sources().delete(slug):
        raise ApiError(404, "not_found", f"blog {slug!r} follows no source")
    return Response(status=204)


# -- the OpenAPI description, from the same declarations as the checks --------------------

def _source_input(config: Mapping[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": ["url"], "additionalProperties": False, "properties": {
        "url": SOURCE_URL.schema(),
        "interval": {**interval_schema(int(config["FOLLOW_MIN_INTERVAL"])), "default": DEFAULT_INTERVAL}}}


_TIME_OR_NULL = {"type": ["string", "null"], "format": "date-time"}
openapi.SCHEMAS["Source"] = {"type": "object", "properties": {
    "url": openapi.STRING, "interval": {"type": "integer", "description": "seconds between polls"},
    "polling": {"type": "boolean", "description": "a poller holds the source right now"},
    "last_fetch": _TIME_OR_NULL, "last_change": _TIME_OR_NULL,
    "last_status": {"type": ["integer", "null"]}, "last_error": {"type": ["string", "null"]},
    "next_poll": _TIME_OR_NULL, "failures": {"type": "integer", "description": "failed polls in a row"}}}
openapi.SCHEMAS["SourceInput"] = _source_input  # its limits come from the configuration
_STATUS = openapi.json_content(openapi.ref("Source"), "The source's status")
_LINKS = {name: {"operationId": operation, "parameters": {"slug": "$request.path.slug"}}
          for name, operation in (("GetSource", "getSource"), ("StopFollowing", "stopFollowing"))}
openapi.BLOG_LINKS["FollowSource"] = {"operationId": "followSource", "parameters": {"slug": "$response.body#/slug"}}
openapi.PATHS["/api/blogs/{slug}/source"] = {
    "parameters": [openapi.SLUG],
    "get": {"operationId": "getSource", "summary": "The followed source and its polling status",
            "responses": {"200": _STATUS, **openapi.ERRORS}},
    "put": {"operationId": "followSource", "summary": "Follow a live page (polled in the background)",
            "security": openapi.SECURE, "requestBody": openapi.json_body(openapi.ref("SourceInput")),
            "responses": {"200": _STATUS, "201": {**_STATUS, "links": _LINKS}, **openapi.WRITE_ERRORS}},
    "delete": {"operationId": "stopFollowing", "summary": "Stop following", "security": openapi.SECURE,
               "responses": {"204": {"description": "Stopped"}, **openapi.WRITE_ERRORS}},
}
