"""The OpenAPI document says exactly what the server accepts: each body below is checked
against the published JSON Schema and sent to the server, and both must agree."""
from __future__ import annotations

import jsonschema
import pytest

from conftest import post_entry

LONG_ZONE = "Europe/" + "A" * 300

BLOG_INPUT = [
    ({"slug": "a", "title": "A"}, True),
    ({"slug": "a-1", "title": "A", "description": "", "language": "en-GB", "timezone": "Europe/London",
      "author": "", "link": "https://example.org/live", "status": "ended"}, True),
    ({"slug": "a", "title": "A", "link": ""}, True),
    ({"slug": "a", "title": "  A  "}, True),
    ({"slug": "a", "title": "\x85"}, True),
    ({"slug": "a", "title": "a\x7f"}, True),
    ({"slug": "c\n", "title": "A"}, False),
    ({"slug": "A", "title": "A"}, False),
    ({"slug": "-a", "title": "A"}, False),
    ({"slug": "a-", "title": "A"}, False),
    ({"slug": "a" * 81, "title": "A"}, False),
    ({"slug": "a"}, False),
    ({"title": "A"}, False),
    ({"slug": "a", "title": ""}, False),
    ({"slug": "a", "title": " \t "}, False),
    ({"slug": "a", "title": "\ufeff"}, False),
    ({"slug": "a", "title": "\u3000"}, False),
    ({"slug": "a", "title": None}, False),
    ({"slug": "a", "title": 5}, False),
    ({"slug": "a", "title": "A", "description": None}, False),
    ({"slug": "a", "title": "A", "language": None}, False),
    ({"slug": "a", "title": "A", "timezone": None}, False),
    ({"slug": "a", "title": "A", "timezone": "Mars/Olympus"}, False),
    ({"slug": "a", "title": "A", "timezone": LONG_ZONE}, False),
    ({"slug": "a", "title": "a\x01"}, False),
    ({"slug": "a", "title": "a\ufffe"}, False),
    ({"slug": "a", "title": "A", "description": "d" * 4001}, False),
    ({"slug": "a", "title": "A", "author": "a" * 501}, False),
    ({"slug": "a", "title": "A", "link": "javascript:alert(1)"}, False),
    ({"slug": "a", "title": "A", "link": " http://example.org"}, False),
    ({"slug": "a", "title": "A", "link": "http://example.org/a b"}, False),
    ({"slug": "a", "title": "A", "link": "http://example.org/\n"}, False),
    ({"slug": "a", "title": "A", "language": "e"}, False),
    ({"slug": "a", "title": "A", "language": "en-"}, False),
    ({"slug": "a", "title": "A", "language": "en\n"}, False),
    ({"slug": "a", "title": "A", "status": "paused"}, False),
    ({"slug": "a", "title": "A", "colour": "red"}, False),
]

ENTRY_INPUT = [
    ({"text": "x"}, True),
    ({"headline": "h"}, True),
    ({"html": "<p>x</p>"}, True),
    ({"html": "", "text": "x"}, True),
    ({"media": [{"caption": "c"}]}, True),
    ({"media": [{"url": "https://example.org/a.jpg", "kind": "video"}]}, True),
    ({"text": "x", "published": "2026-02-26T08:30:00+07:00"}, True),
    ({"text": "x", "published": None}, True),
    ({"text": "x", "key_event": True, "pinned": False, "media": []}, True),
    ({}, False),
    ({"media": [{}]}, False),
    ({"media": [{"credit": "c"}]}, False),
    ({"media": [{"caption": " "}]}, False),
    ({"media": []}, False),
    ({"headline": "  "}, False),
    ({"text": None}, False),
    ({"headline": None, "text": "x"}, False),
    ({"text": "x", "published": "2026-02-26"}, False),
    ({"text": "x", "published": "0001-01-01T00:00:00Z"}, False),
    ({"text": "x", "published": "yesterday"}, False),
    ({"text": "x", "published": "2026-02-30T08:30:00Z"}, False),
    ({"text": "x", "published": "2026-02-26T24:00:00Z"}, False),
    ({"text": "x", "published": "2026-02-26T23:59:60Z"}, False),
    ({"text": "x", "published": "2026-02-26t08:30:00z"}, False),
    ({"text": "x", "published": "2026-02-26T08:30:00.123456789+05:30"}, True),
    ({"text": "x", "key_event": "yes"}, False),
    ({"text": "x", "media": [{"kind": "hologram", "caption": "c"}]}, False),
    ({"text": "x", "media": "photo"}, False),
    ({"text": "x", "media": [{"caption": "c", "url": "ftp://example.org"}]}, False),
    ({"text": "x", "media": [{"caption": "c", "extra": 1}]}, False),
    ({"headline": "h" * 501}, False),
    ({"media": [{"caption": "c"}] * 51}, False),
    ({"text": "x", "id": "mine"}, False),
]

ENTRY_PATCH = [
    ({}, True),
    ({"headline": "new"}, True),
    ({"published": "2026-02-26T08:30:00Z"}, True),
    ({"headline": None}, False),
    ({"html": None}, False),
    ({"media": [{}]}, False),
    ({"pinned": 1}, False),
]


@pytest.fixture
def schema(client):
    spec = client.get("/api/openapi.json").json

    def validator(name: str) -> jsonschema.Validator:
        root = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
        return jsonschema.Draft202012Validator(root, format_checker=jsonschema.FormatChecker())

    return validator


def _ids(table):
    return [repr(body)[:60] for body, _ in table]


@pytest.mark.parametrize("body, valid", BLOG_INPUT, ids=_ids(BLOG_INPUT))
def test_blog_input_schema_and_server_agree(client, auth, schema, body, valid):
    assert schema("BlogInput").is_valid(body) is valid
    response = client.post("/api/blogs", json=body, headers=auth)
    assert (response.status_code == 201) is valid, response.json
    # the same fields as a change of an existing blog: the schema and the server agree again
    patch = {k: v for k, v in body.items() if k != "slug"}
    client.post("/api/blogs", json={"slug": "p", "title": "P"}, headers=auth)
    accepted = client.patch("/api/blogs/p", json=patch, headers=auth).status_code == 200
    assert schema("BlogPatch").is_valid(patch) is accepted


@pytest.mark.parametrize("body, valid", ENTRY_INPUT, ids=_ids(ENTRY_INPUT))
def test_entry_input_schema_and_server_agree(client, auth, blog, schema, body, valid):
    assert schema("EntryInput").is_valid(body) is valid
    response = client.post("/api/blogs/storm/entries", json=body, headers=auth)
    assert (response.status_code == 201) is valid, response.json


@pytest.mark.parametrize("body, valid", ENTRY_PATCH, ids=_ids(ENTRY_PATCH))
def test_entry_patch_schema_and_server_agree(client, auth, blog, schema, body, valid):
    assert schema("EntryPatch").is_valid(body) is valid
    entry = post_entry(client, auth, headline="Base")
    response = client.patch(f"/api/blogs/storm/entries/{entry['id']}", json=body, headers=auth)
    assert (response.status_code == 200) is valid, response.json


def test_paging_limits_are_the_configured_ones(client, blog, app):
    spec = client.get("/api/openapi.json").json
    limit = spec["components"]["parameters"]["PerPage"]["schema"]["maximum"]
    assert limit == app.config["MAX_ENTRIES_PER_LIST"] == 100
    assert client.get(f"/api/blogs/storm/entries?per_page={limit}").status_code == 200
    assert client.get(f"/api/blogs/storm/entries?per_page={limit + 1}").status_code == 400


def test_every_zone_the_schema_lists_is_accepted(client, auth, blog):
    spec = client.get("/api/openapi.json").json
    zones = spec["components"]["schemas"]["TimeZone"]["enum"]
    assert "Europe/London" in zones and "UTC" in zones and len(zones) > 300
    for zone in zones[::37]:
        assert client.patch("/api/blogs/storm", json={"timezone": zone}, headers=auth).status_code == 200, zone


def test_responses_match_their_schemas(client, auth, blog, schema):
    entry = post_entry(client, auth, headline="h", media=[{"caption": "c"}])
    schema("Blog").validate(client.get("/api/blogs/storm").json)
    schema("Entry").validate(client.get(f"/api/blogs/storm/entries/{entry['id']}").json)
    response = client.post("/api/blogs/storm/import?date=2026-02-26", data="Live\n\n- one", headers={**auth, "Content-Type": "text/plain"})
    schema("ImportCounts").validate(response.json)


def test_other_modules_can_describe_their_routes(client):
    from syndicate.web import openapi

    openapi.PATHS["/api/example"] = {"get": {"summary": "x", "responses": {"200": {"description": "ok"}}}}
    try:
        assert "/api/example" in client.get("/api/openapi.json").json["paths"]
    finally:
        del openapi.PATHS["/api/example"]
