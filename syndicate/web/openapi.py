"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json."""
from __future__ import annotations

from typing import Any

from .. import ingest


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {code: {"$ref": f"#/components/responses/{name}"} for code, name in (
    ("400", "BadRequest"), ("404", "NotFound"), ("413", "TooLarge"), ("415", "WrongType"))}
AUTH = {"401": {"$ref": "#/components/responses/Unauthorized"},
        "403": {"$ref": "#/components/responses/Forbidden"}}
SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
ENTRY_ID = {"name": "entry_id", "in": "path", "required": True, "schema": {"type": "string"}}
SECURE = [{"bearer": []}]

STRING = {"type": "string"}
TIME = {"type": "string", "format": "date-time"}
MEDIA = {"type": "object", "properties": {
    "kind": {"enum": ["photo", "video", "embed"]}, "caption": STRING, "credit": STRING, "url": STRING}}
BLOG = {"type": "object", "properties": {
    "slug": STRING, "title": STRING, "description": STRING, "language": STRING, "timezone": STRING,
    "author": STRING, "link": STRING, "status": {"enum": ["live", "ended"]},
    "owner_name": {**STRING, "description": "podcast owner (itunes:owner); empty: the service's setting"},
    "owner_email": {**STRING, "description": "podcast owner's e-mail; empty: the service's setting"},
    "created": TIME, "updated": TIME}}
AUDIO = {"type": ["object", "null"], "properties": {
    "status": {"enum": ["pending", "ready", "failed"]}, "url": {"type": ["string", "null"]},
    "bytes": {"type": ["integer", "null"]}, "duration": {"type": ["number", "null"]},
    "voice": {"type": ["string", "null"]}, "transcript": {"type": ["string", "null"]},
    "error": {"type": ["string", "null"]}}}
ENTRY = {"type": "object", "properties": {
    "id": STRING, "published": TIME, "updated": TIME, "headline": STRING, "html": STRING,
    "text": STRING, "media": {"type": "array", "items": _ref("Media")},
    "key_event": {"type": "boolean"}, "pinned": {"type": "boolean"}, "audio": _ref("Audio")}}
ENTRY_INPUT = {"type": "object", "additionalProperties": False, "properties": {
    "published": TIME, "headline": STRING, "html": {**STRING, "description": "sanitised on input"},
    "text": {**STRING, "description": "plain text, used when html is absent"},
    "media": {"type": "array", "items": _ref("Media")},
    "key_event": {"type": "boolean"}, "pinned": {"type": "boolean"}}}
ERROR = {"type": "object", "required": ["error", "message"], "properties": {
    "error": STRING, "message": STRING, "field": STRING}}
COUNTS = {"type": "object", "properties": {
    k: {"type": "integer"} for k in ("created", "updated", "unchanged", "deleted", "skipped")} | {"format": STRING}}


def spec(server: str) -> dict[str, Any]:
    """The whole document, with `server` as the API's base URL."""
    writable = {k: v for k, v in BLOG["properties"].items() if k not in ("created", "updated")}
    blog_input = {"type": "object", "properties": writable, "required": ["slug", "title"],
                  "additionalProperties": False}
    blog_patch = {"type": "object", "properties": {k: v for k, v in writable.items() if k != "slug"},
                  "additionalProperties": False}
    return {
        "openapi": "3.1.0",
        "info": {"title": "syndicate API", "version": "1",
                 "description": "Live blogs and their entries. Reads are public; writes need a bearer token."},
        "servers": [{"url": server}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Blog": BLOG, "Entry": ENTRY, "EntryInput": ENTRY_INPUT, "Media": MEDIA,
                        "Audio": AUDIO, "Error": ERROR, "ImportCounts": COUNTS},
            "responses": {name: _json(_ref("Error"), text) for name, text in (
                ("BadRequest", "Bad JSON or fields"), ("NotFound", "No such blog or entry"),
                ("TooLarge", "Body or field too large"), ("WrongType", "Wrong content type"),
                ("Unauthorized", "No bearer token"), ("Forbidden", "Wrong bearer token"),
                ("Conflict", "Slug already taken"))},
        },
        "paths": {
            "/api/blogs": {
                "get": {"summary": "List blogs", "responses": {"200": _json(
                    {"type": "object", "properties": {"blogs": {"type": "array", "items": _ref("Blog")}}}, "Blogs")}},
                "post": {"summary": "Create a blog", "security": SECURE,
                         "requestBody": {"required": True, "content": {"application/json": {"schema": blog_input}}},
                         "responses": {"201": _json(_ref("Blog"), "Created"), **ERRORS, **AUTH,
                                       "409": {"$ref": "#/components/responses/Conflict"}}},
            },
            "/api/blogs/{slug}": {
                "parameters": [SLUG],
                "get": {"summary": "A blog", "responses": {"200": _json(_ref("Blog"), "The blog"), **ERRORS}},
                "patch": {"summary": "Change a blog", "security": SECURE,
                          "requestBody": {"required": True, "content": {"application/json": {"schema": blog_patch}}},
                          "responses": {"200": _json(_ref("Blog"), "Changed"), **ERRORS, **AUTH}},
                "delete": {"summary": "Delete a blog with its entries and clips", "security": SECURE,
                           "responses": {"204": {"description": "Deleted"}, **ERRORS, **AUTH}},
            },
            "/api/blogs/{slug}/entries": {
                "parameters": [SLUG],
                "get": {"summary": "Entries, newest first", "parameters": [
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1}}],
                    "responses": {"200": _json({"type": "object", "properties": {
                        "entries": {"type": "array", "items": _ref("Entry")}, "page": {"type": "integer"},
                        "per_page": {"type": "integer"}, "total": {"type": "integer"},
                        "next": {"type": ["string", "null"]}}}, "A page of entries"), **ERRORS}},
                "post": {"summary": "Post an entry", "security": SECURE,
                         "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("EntryInput")}}},
                         "responses": {"201": _json(_ref("Entry"), "Created"), **ERRORS, **AUTH}},
            },
            "/api/blogs/{slug}/entries/{entry_id}": {
                "parameters": [SLUG, ENTRY_ID],
                "get": {"summary": "An entry", "responses": {"200": _json(_ref("Entry"), "The entry"), **ERRORS}},
                "patch": {"summary": "Edit an entry (its id never changes)", "security": SECURE,
                          "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("EntryInput")}}},
                          "responses": {"200": _json(_ref("Entry"), "Changed"), **ERRORS, **AUTH}},
                "delete": {"summary": "Delete an entry (feeds keep a tombstone)", "security": SECURE,
                           "responses": {"204": {"description": "Deleted"}, **ERRORS, **AUTH}},
            },
            "/api/blogs/{slug}/import": {
                "parameters": [SLUG,
                               {"name": "format", "in": "query", "schema": {"enum": list(ingest.FORMATS)}},
                               {"name": "timezone", "in": "query", "schema": STRING}],
                "post": {"summary": "Import a live blog (plain text, LiveBlogPosting JSON-LD, or an export)",
                         "security": SECURE,
                         "requestBody": {"required": True, "content": {t: {"schema": STRING} for t in (
                             "text/plain", "text/html", "application/json", "application/ld+json")}},
                         "responses": {"200": _json(_ref("ImportCounts"), "What changed"), **ERRORS, **AUTH}},
            },
            "/api/blogs/{slug}/export": {
                "parameters": [SLUG],
                "get": {"summary": "The blog and all its entries, in the shape the importer reads back",
                        "responses": {"200": _json({"type": "object"}, "The export"), **ERRORS}},
            },
            "/api/speech": {"get": {"summary": "The speech queue: jobs queued, leased, retrying; clips failed",
                                    "responses": {"200": _json({"type": "object", "properties": {
                                        k: {"type": "integer"} for k in ("queued", "leased", "retrying", "failed")}},
                                        "Counts")}}},
            "/api/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI"}}}},
        },
    }
