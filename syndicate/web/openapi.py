"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json.

What writes accept comes from `validate.schemas`, the same declarations the checks are made
from, so the document says exactly what the server takes. Other modules describe their own
routes by adding to `PATHS` (and to `SCHEMAS` for their own shapes), e.g.

    openapi.PATHS["/api/blogs/{slug}/source"] = {"parameters": [openapi.SLUG], "get": {...}}

(web/sources.py and web/pronunciations_spec.py do so when imported). A schema whose limits
come from the configuration may be given as a function of it.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import ingest, validate


def ref(name: str) -> dict[str, str]:
    """A reference to the shared schema `name`."""
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema: dict[str, Any], description: str) -> dict[str, Any]:
    """A response (or request body) of JSON matching `schema`."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def json_body(schema: dict[str, Any]) -> dict[str, Any]:
    """A required JSON request body."""
    return {"required": True, "content": {"application/json": {"schema": schema}}}


ERRORS = {code: {"$ref": f"#/components/responses/{name}"} for code, name in (
    ("400", "BadRequest"), ("404", "NotFound"))}
WRITE_ERRORS = {**ERRORS, **{code: {"$ref": f"#/components/responses/{name}"} for code, name in (
    ("401", "Unauthorized"), ("403", "Forbidden"), ("413", "TooLarge"), ("415", "WrongType"))}}
SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
ENTRY_ID = {"name": "entry_id", "in": "path", "required": True, "schema": {"type": "string"}}
SECURE: list[dict[str, list[str]]] = [{"bearer": []}]

STRING = {"type": "string"}
TIME = {"type": "string", "format": "date-time"}
INTEGER = {"type": "integer"}


def _object(properties: dict[str, Any], *, required: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        out["required"] = list(properties)
    return out


SCHEMAS: dict[str, Any] = {  # name -> schema, or config -> schema
    "Media": _object({"kind": {"enum": ["photo", "video", "embed"]}, "caption": STRING, "credit": STRING,
                      "url": STRING}),
    "Blog": _object({"slug": STRING, "title": STRING, "description": STRING, "language": STRING,
                     "timezone": STRING, "author": STRING, "link": STRING, "status": {"enum": ["live", "ended"]},
                     "created": TIME, "updated": TIME}),
    "Audio": {"type": ["object", "null"], "properties": {
        "status": {"enum": ["pending", "ready", "failed"]}, "url": {"type": ["string", "null"]},
        "bytes": {"type": ["integer", "null"]}, "duration": {"type": ["number", "null"]},
        "voice": {"type": ["string", "null"]}, "transcript": {"type": ["string", "null"]},
        "error": {"type": ["string", "null"]}}},
    "Entry": _object({"id": STRING, "published": TIME, "updated": TIME, "headline": STRING, "html": STRING,
                      "text": STRING, "media": {"type": "array", "items": ref("Media")},
                      "key_event": {"type": "boolean"}, "pinned": {"type": "boolean"}, "audio": ref("Audio")}),
    "Error": {"type": "object", "required": ["error", "message"], "properties": {
        "error": STRING, "message": STRING, "field": STRING}},
    "ImportCounts": _object({**dict.fromkeys(("created", "updated", "unchanged", "deleted", "skipped"), INTEGER),
                             "adjusted": {**INTEGER, "description": "blog fields of the source that broke the "
                                                                    "rules: shortened, cleaned or left out"},
                             "format": {"enum": list(ingest.FORMATS)}}),
}

# From a blog just made, the operations on it (other modules add theirs).
BLOG_LINKS = {name: {"operationId": operation, "parameters": {"slug": "$response.body#/slug"}}
               for name, operation in (("GetBlog", "getBlog"), ("ChangeBlog", "changeBlog"),
                                       ("ListEntries", "listEntries"), ("PostEntry", "postEntry"),
                                       ("ExportBlog", "exportBlog"))}
_ENTRY_LINKS = {name: {"operationId": operation, "parameters": {
    "slug": "$request.path.slug", "entry_id": "$response.body#/id"}}
    for name, operation in (("GetEntry", "getEntry"), ("EditEntry", "editEntry"), ("DeleteEntry", "deleteEntry"))}

PATHS: dict[str, Any] = {
    "/api/blogs": {
        "get": {"operationId": "listBlogs", "summary": "List blogs", "responses": {"200": json_content(
            _object({"blogs": {"type": "array", "items": ref("Blog")}}), "Blogs")}},
        "post": {"operationId": "createBlog", "summary": "Create a blog", "security": SECURE,
                 "requestBody": json_body(ref("BlogInput")),
                 "responses": {"201": {**json_content(ref("Blog"), "Created"), "links": BLOG_LINKS},
                               **WRITE_ERRORS, "409": {"$ref": "#/components/responses/Conflict"}}},
    },
    "/api/blogs/{slug}": {
        "parameters": [SLUG],
        "get": {"operationId": "getBlog", "summary": "A blog",
                "responses": {"200": json_content(ref("Blog"), "The blog"), **ERRORS}},
        "patch": {"operationId": "changeBlog", "summary": "Change a blog", "security": SECURE,
                  "requestBody": json_body(ref("BlogPatch")),
                  "responses": {"200": json_content(ref("Blog"), "Changed"), **WRITE_ERRORS}},
        "delete": {"operationId": "deleteBlog", "summary": "Delete a blog with its entries and clips",
                   "security": SECURE, "responses": {"204": {"description": "Deleted"}, **WRITE_ERRORS}},
    },
    "/api/blogs/{slug}/entries": {
        "parameters": [SLUG],
        "get": {"operationId": "listEntries", "summary": "Entries, newest first", "parameters": [
            {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1_000_000}},
            {"$ref": "#/components/parameters/PerPage"}],
            "responses": {"200": json_content(_object({
                "entries": {"type": "array", "items": ref("Entry")}, "page": INTEGER,
                "per_page": INTEGER, "total": INTEGER, "next": {"type": ["string", "null"]}}),
                "A page of entries"), **ERRORS}},
        "post": {"operationId": "postEntry", "summary": "Post an entry", "security": SECURE,
                 "requestBody": json_body(ref("EntryInput")),
                 "responses": {"201": {**json_content(ref("Entry"), "Created"), "links": _ENTRY_LINKS},
                               **WRITE_ERRORS}},
    },
    "/api/blogs/{slug}/entries/{entry_id}": {
        "parameters": [SLUG, ENTRY_ID],
        "get": {"operationId": "getEntry", "summary": "An entry",
                "responses": {"200": json_content(ref("Entry"), "The entry"), **ERRORS}},
        "patch": {"operationId": "editEntry", "summary": "Edit an entry (its id never changes)",
                  "security": SECURE, "requestBody": json_body(ref("EntryPatch")),
                  "responses": {"200": json_content(ref("Entry"), "Changed"), **WRITE_ERRORS}},
        "delete": {"operationId": "deleteEntry", "summary": "Delete an entry (feeds keep a tombstone)",
                   "security": SECURE, "responses": {"204": {"description": "Deleted"}, **WRITE_ERRORS}},
    },
    "/api/blogs/{slug}/import": {
        "parameters": [SLUG,
                       {"name": "format", "in": "query", "schema": {"enum": list(ingest.FORMATS)}},
                       {"name": "timezone", "in": "query", "schema": ref("TimeZone")},
                       {"name": "date", "in": "query",
                        "schema": {"type": "string", "format": "date",
                                   "pattern": validate.whole("[0-9]{4}-[0-9]{2}-[0-9]{2}")},
                        "description": "day of the newest entry, for plain text that shows no date"}],
        "post": {"operationId": "importBlog",
                 "summary": "Import a live blog (plain text, LiveBlogPosting JSON-LD, or an export)",
                 "security": SECURE,
                 "requestBody": {"required": True, "content": {t: {"schema": STRING} for t in (
                     "text/plain", "text/html", "application/json", "application/ld+json")}},
                 "responses": {"200": json_content(ref("ImportCounts"), "What changed"), **WRITE_ERRORS}},
    },
    "/api/blogs/{slug}/export": {
        "parameters": [SLUG],
        "get": {"operationId": "exportBlog",
                "summary": "The blog and all its entries, in the shape the importer reads back",
                "responses": {"200": json_content({"type": "object"}, "The export"), **ERRORS}},
    },
    "/api/speech": {"get": {"operationId": "speechQueue",
                            "summary": "The speech queue: jobs queued, leased, retrying; clips failed",
                            "responses": {"200": json_content(_object(
                                dict.fromkeys(("queued", "leased", "retrying", "failed"), INTEGER)), "Counts")}}},
    "/api/openapi.json": {"get": {"operationId": "openapi", "summary": "This document",
                                  "responses": {"200": {"description": "OpenAPI"}}}},
}


def spec(server: str, config: Mapping[str, Any]) -> dict[str, Any]:
    """The whole document, with `server` as the API's base URL and the limits of `config`."""
    per_page = {"name": "per_page", "in": "query",
                "schema": {"type": "integer", "minimum": 1, "maximum": int(config["MAX_ENTRIES_PER_LIST"])}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "syndicate API", "version": "1",
                 "description": "Live blogs and their entries. Reads are public; writes need a bearer token."},
        "servers": [{"url": server}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {**{name: schema(config) if callable(schema) else schema for name, schema in SCHEMAS.items()},
                        **validate.schemas(int(config["MAX_ENTRY_CHARS"]))},
            "parameters": {"PerPage": per_page},
            "responses": {name: json_content(ref("Error"), text) for name, text in (
                ("BadRequest", "Bad JSON or fields"), ("NotFound", "No such blog or entry"),
                ("TooLarge", "Body or field too large"), ("WrongType", "Wrong content type"),
                ("Unauthorized", "No bearer token"), ("Forbidden", "Wrong bearer token"),
                ("Conflict", "Slug already taken"))},
        },
        "paths": PATHS,
    }
