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
    response = client.post("/api/blogs/storm/import?date=2026-02-26", data="Live\n\n- one",
                           headers={**auth, "Content-Type": "text/plain"})
    schema("ImportCounts").validate(response.json)


def test_other_modules_can_describe_their_routes(client):
    from syndicate.web import openapi

    openapi.PATHS["/api/example"] = {"get": {"summary": "x", "responses": {"200": {"description": "ok"}}}}
    try:
        assert "/api/example" in client.get("/api/openapi.json").json["paths"]
    finally:
        del openapi.PATHS["/api/example"]


PRONUNCIATION_INPUT = [
    ({"word": "Nguyen", "say": "Nwin"}, True),
    ({"word": "Kim  Jong-un", "say": "Kim Jong Oon", "language": "en-GB", "whole_word": False,
      "case_sensitive": True}, True),
    ({"word": "Hue", "say": "Hway", "language": ""}, True),
    ({"word": "Huế", "say": "Hway", "phonemes": {"espeak-ng": "hw'eI", "festival": "HH W EY1 . n uw.y eh1 n"}}, True),
    ({"word": "€", "say": "euro"}, True),
    ({"word": "Hue", "say": "Hway", "phonemes": {}}, True),
    ({"word": "", "say": "x"}, False),
    ({"word": "--", "say": "x"}, False),
    ({"word": "_", "say": "x"}, False),
    ({"word": "a", "say": " \u3000 "}, False),
    ({"word": "a\x1c", "say": "b"}, False),
    ({"word": "a", "say": "<b>x</b>"}, False),
    ({"word": "a", "say": "b" * 301}, False),
    ({"word": "a" + " " * 100 + "b", "say": "b"}, False),
    ({"word": "a", "say": 7}, False),
    ({"word": "a"}, False),
    ({"say": "a"}, False),
    ({"word": "a", "say": "b", "colour": 1}, False),
    ({"word": "a", "say": "b", "phonemes": None}, False),
    ({"word": "a", "say": "b", "phonemes": {"sapi": "x"}}, False),
    ({"word": "a", "say": "b", "phonemes": {"festival": "w ih1 q"}}, False),
    ({"word": "a", "say": "b", "phonemes": {"festival": "ey12"}}, False),
    ({"word": "a", "say": "b", "phonemes": {"festival": " . "}}, False),
    ({"word": "a", "say": "b", "phonemes": {"piper": ""}}, False),
    ({"word": "a", "say": "b", "language": "english!"}, False),
    ({"word": "a", "say": "b", "language": None}, False),
    ({"word": "a", "say": "b", "language": False}, False),
    ({"word": "a", "say": "b", "whole_word": "yes"}, False),
]


def _body_schema(client, path: str, method: str) -> jsonschema.Validator:
    spec = client.get("/api/openapi.json").json
    body = spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    return jsonschema.Draft202012Validator({**body, "components": spec["components"]})


@pytest.mark.parametrize("body, valid", PRONUNCIATION_INPUT, ids=_ids(PRONUNCIATION_INPUT))
def test_pronunciation_schema_and_server_agree(client, auth, blog, body, valid):
    url = "/api/blogs/storm/pronunciations"
    assert _body_schema(client, "/api/blogs/{slug}/pronunciations", "post").is_valid(body) is valid
    assert (client.post(url, json=body, headers=auth).status_code in (200, 201)) is valid
    assert _body_schema(client, "/api/blogs/{slug}/pronunciations", "put").is_valid([body]) is valid
    assert (client.put(url, json={"pronunciations": [body]}, headers=auth).status_code == 200) is valid


@pytest.mark.parametrize("language, valid", [("en", True), ("", True), ("EN-gb", True), ("e", False),
                                             ("en\n", False), ("e" * 36, False)])
def test_pronunciation_language_query_schema_and_server_agree(client, auth, blog, language, valid):
    spec = client.get("/api/openapi.json").json
    parameter = next(p for p in spec["paths"]["/api/blogs/{slug}/pronunciations/{word}"]["get"]["parameters"]
                     if p["name"] == "language")
    assert jsonschema.Draft202012Validator(parameter["schema"]).is_valid(language) is valid
    client.post("/api/blogs/storm/pronunciations", json={"word": "Hue", "say": "Hway"}, headers=auth)
    response = client.get("/api/blogs/storm/pronunciations/Hue", query_string={"language": language})
    assert response.status_code == (200 if language == "" else 404 if valid else 400), response.json


SOURCE_INPUT = [
    ({"url": "https://paper.example/live"}, True),
    ({"url": "http://paper.example", "interval": 15}, True),
    ({"url": "http://paper.example", "interval": 604800}, True),
    ({"url": "http://paper.example", "interval": "15"}, True),
    ({"url": "http://paper.example", "interval": "90s"}, True),
    ({"url": "http://paper.example", "interval": "5 minutes"}, True),
    ({"url": "http://paper.example", "interval": "1m"}, True),
    ({"url": "http://paper.example", "interval": "168h"}, True),
    ({"url": "http://paper.example", "interval": "169h"}, False),
    ({"url": "http://paper.example", "interval": "14s"}, False),
    ({"url": "http://paper.example", "interval": 14}, False),
    ({"url": "http://paper.example", "interval": 604801}, False),
    ({"url": "http://paper.example", "interval": "٣٠"}, False),
    ({"url": "http://paper.example", "interval": "soon"}, False),
    ({"url": "http://paper.example", "interval": True}, False),
    ({"url": "http://paper.example", "interval": None}, False),
    ({"url": "http:///path"}, False),
    ({"url": "http://@host"}, False),
    ({"url": "ftp://paper.example"}, False),
    ({"url": " http://paper.example"}, False),
    ({"url": "http://paper.example/a b"}, False),
    ({"url": "http://paper.example/" + "a" * 2000}, False),
    ({"url": None}, False),
    ({"interval": 60}, False),
    ({"url": "http://paper.example", "every": 5}, False),
]


@pytest.mark.parametrize("body, valid", SOURCE_INPUT, ids=_ids(SOURCE_INPUT))
def test_source_schema_and_server_agree(client, auth, blog, body, valid):
    assert _body_schema(client, "/api/blogs/{slug}/source", "put").is_valid(body) is valid
    response = client.put("/api/blogs/storm/source", json=body, headers=auth)
    assert (response.status_code in (200, 201)) is valid, response.json
    if not valid:
        assert response.status_code in (400, 413) and response.json["error"] and response.json["message"]
