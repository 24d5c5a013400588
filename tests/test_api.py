"""The JSON API: every route, auth, every error code, and that bad input changes nothing."""
from __future__ import annotations

import pytest
from conftest import TOKEN, post_entry

from syndicate import create_app


def test_create_and_read_blog(client, auth, blog):
    assert blog["slug"] == "storm" and blog["timezone"] == "Europe/London"
    assert set(blog) == {"slug", "title", "description", "language", "timezone", "author", "link",
                         "status", "owner_name", "owner_email", "created", "updated"}
    assert blog["created"].endswith("Z")
    response = client.get("/api/blogs/storm")
    assert response.status_code == 200 and response.json == blog
    assert [b["slug"] for b in client.get("/api/blogs").json["blogs"]] == ["storm"]


def test_create_blog_answers_location(client, auth):
    response = client.post("/api/blogs", json={"slug": "vote", "title": "Vote count"}, headers=auth)
    assert response.status_code == 201
    assert response.headers["Location"] == "http://news.test/api/blogs/vote"
    assert response.json["status"] == "live" and response.json["language"] == "en"


def test_patch_and_delete_blog(client, auth, blog):
    response = client.patch("/api/blogs/storm", json={"status": "ended", "title": "Storm Ana: the day after"},
                            headers=auth)
    assert response.status_code == 200
    assert response.json["status"] == "ended" and response.json["title"] == "Storm Ana: the day after"
    assert response.json["updated"] >= blog["updated"]
    assert client.delete("/api/blogs/storm", headers=auth).status_code == 204
    assert client.get("/api/blogs/storm").status_code == 404


def test_entry_lifecycle(client, auth, blog):
    entry = post_entry(client, auth, headline="Bridge closed",
                       text="Police closed the bridge.\n\nDrivers should avoid it.",
                       media=[{"kind": "photo", "caption": "The bridge at dawn", "credit": "Sam Lee"}],
                       key_event=True)
    assert set(entry) == {"id", "published", "updated", "headline", "html", "text", "media",
                          "key_event", "pinned", "audio"}
    assert entry["html"] == "<p>Police closed the bridge.</p><p>Drivers should avoid it.</p>"
    assert entry["text"] == "Police closed the bridge.\n\nDrivers should avoid it."
    assert entry["media"] == [{"kind": "photo", "caption": "The bridge at dawn", "credit": "Sam Lee", "url": ""}]
    assert entry["key_event"] is True and entry["published"] == entry["updated"]
    assert entry["audio"]["status"] == "pending"

    url = f"/api/blogs/storm/entries/{entry['id']}"
    assert client.get(url).json == entry
    edited = client.patch(url, json={"headline": "Bridge closed until Friday"}, headers=auth)
    assert edited.status_code == 200
    assert edited.json["id"] == entry["id"] and edited.json["published"] == entry["published"]
    assert edited.json["updated"] > entry["updated"]
    assert client.delete(url, headers=auth).status_code == 204
    assert client.get(url).status_code == 404
    assert client.delete(url, headers=auth).status_code == 404


def test_entry_without_published_is_stamped_now_and_with_one_keeps_it(client, auth, blog):
    entry = post_entry(client, auth, published="2026-02-26T08:30:00+07:00")
    assert entry["published"] == "2026-02-26T01:30:00Z"


def test_entries_listed_newest_first_and_paginated(client, auth, blog):
    for hour in (9, 11, 10):
        post_entry(client, auth, headline=f"At {hour}", published=f"2026-03-01T{hour:02d}:00:00Z")
    first = client.get("/api/blogs/storm/entries?per_page=2")
    assert [e["headline"] for e in first.json["entries"]] == ["At 11", "At 10"]
    assert first.json["total"] == 3
    assert first.json["next"] == "http://news.test/api/blogs/storm/entries?page=2&per_page=2"
    assert 'rel="next"' in first.headers["Link"]
    second = client.get("/api/blogs/storm/entries?page=2&per_page=2")
    assert [e["headline"] for e in second.json["entries"]] == ["At 9"] and second.json["next"] is None


def test_html_is_sanitised(client, auth, blog):
    entry = post_entry(client, auth, html='<p onclick="steal()">Hi <script>alert(1)</script>'
                                          '<a href="javascript:alert(2)">x</a><style>p{}</style>'
                                          '<img src=x onerror=alert(3)><a href="https://ok.test/">ok</a></p>')
    html = entry["html"]
    for bad in ("script", "onclick", "javascript:", "onerror", "<img", "<style", "alert(1)"):
        assert bad not in html
    assert 'href="https://ok.test/"' in html and entry["text"] == "Hi xok"


@pytest.mark.parametrize("method,path", [
    ("post", "/api/blogs"), ("patch", "/api/blogs/storm"), ("delete", "/api/blogs/storm"),
    ("post", "/api/blogs/storm/entries"), ("post", "/api/blogs/storm/import"),
])
def test_writes_need_the_token(client, blog, method, path):
    response = getattr(client, method)(path, json={"title": "x"})
    assert response.status_code == 401 and response.json["error"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    response = getattr(client, method)(path, json={"title": "x"}, headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 403 and response.json["error"] == "forbidden"
    assert client.get("/api/blogs/storm").json["title"] == "Storm Ana comes ashore"


def test_no_configured_token_means_read_only(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path), "SPEECH_WORKERS": -1, "API_TOKEN": ""})
    response = app.test_client().post("/api/blogs", json={"slug": "a", "title": "A"},
                                      headers={"Authorization": "Bearer "})
    assert response.status_code == 401
    response = app.test_client().post("/api/blogs", json={"slug": "a", "title": "A"},
                                      headers={"Authorization": "Bearer anything"})
    assert response.status_code == 403


@pytest.mark.parametrize("body,field", [
    ({"title": "No slug"}, "slug"),
    ({"slug": "Bad Slug", "title": "x"}, "slug"),
    ({"slug": "ok"}, "title"),
    ({"slug": "ok", "title": "x", "timezone": "Mars/Olympus"}, "timezone"),
    ({"slug": "ok", "title": "x", "language": "english!"}, "language"),
    ({"slug": "ok", "title": "x", "status": "paused"}, "status"),
    ({"slug": "ok", "title": "x", "link": "ftp://x"}, "link"),
    ({"slug": "ok", "title": "x", "colour": "red"}, "colour"),
    ({"slug": "ok", "title": 5}, "title"),
])
def test_bad_blog_fields(client, auth, body, field):
    response = client.post("/api/blogs", json=body, headers=auth)
    assert response.status_code == 400
    assert response.json["error"] == "invalid" and response.json["field"] == field and response.json["message"]
    assert client.get("/api/blogs").json["blogs"] == []


@pytest.mark.parametrize("body,field", [
    ({}, "text"),
    ({"text": "x", "published": "yesterday-ish"}, "published"),
    ({"text": "x", "key_event": "yes"}, "key_event"),
    ({"text": "x", "media": [{"kind": "hologram"}]}, "media"),
    ({"text": "x", "media": "photo"}, "media"),
    ({"text": ["x"]}, "text"),
    ({"text": "x", "id": "mine"}, "id"),
])
def test_bad_entry_fields(client, auth, blog, body, field):
    response = client.post("/api/blogs/storm/entries", json=body, headers=auth)
    assert response.status_code == 400 and response.json["field"] == field
    assert client.get("/api/blogs/storm/entries").json["total"] == 0


def test_bad_json_and_content_type(client, auth, blog):
    json_type = {**auth, "Content-Type": "application/json"}
    response = client.post("/api/blogs/storm/entries", data="{nope", headers=json_type)
    assert response.status_code == 400 and response.json["error"] == "bad_json"
    response = client.post("/api/blogs/storm/entries", data="[1, 2]", headers=json_type)
    assert response.status_code == 400 and response.json["error"] == "bad_json"
    response = client.post("/api/blogs/storm/entries", data="text=hi",
                           headers={**auth, "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 415 and response.json["error"] == "unsupported_media_type"
    response = client.post("/api/blogs/storm/import", data=b"\x89PNG", headers={**auth, "Content-Type": "image/png"})
    assert response.status_code == 415


def test_slug_taken_is_409(client, auth, blog):
    response = client.post("/api/blogs", json={"slug": "storm", "title": "Again"}, headers=auth)
    assert response.status_code == 409 and response.json["error"] == "conflict"
    assert client.get("/api/blogs/storm").json["title"] == "Storm Ana comes ashore"


def test_unknown_things_are_404(client, auth, blog):
    assert client.get("/api/blogs/nope").json["error"] == "not_found"
    assert client.get("/api/blogs/nope/entries").status_code == 404
    assert client.post("/api/blogs/nope/entries", json={"text": "x"}, headers=auth).status_code == 404
    assert client.get("/api/blogs/storm/entries/0123").status_code == 404
    assert client.patch("/api/blogs/storm/entries/0123", json={"text": "x"}, headers=auth).status_code == 404
    assert client.get("/api/nothing-here").json["error"] == "not_found"


def test_too_large(client, auth, blog, app):
    response = client.post("/api/blogs/storm/entries", json={"text": "word " * 5000}, headers=auth)
    assert response.status_code == 413 and response.json["error"] == "too_large"
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post("/api/blogs/storm/entries", json={"text": "x" * 2000}, headers=auth)
    assert response.status_code == 413 and response.json["error"] == "too_large"
    assert client.get("/api/blogs/storm/entries").json["total"] == 0


def test_bad_paging_arguments(client, blog):
    for query in ("page=0", "page=x", "per_page=1000", "per_page=-1"):
        response = client.get(f"/api/blogs/storm/entries?{query}")
        assert response.status_code == 400, query
        assert response.json["field"] in ("page", "per_page")


def test_method_not_allowed_is_json(client, blog):
    response = client.put("/api/blogs/storm")
    assert response.status_code == 405 and response.json["error"] == "method_not_allowed"


def test_edit_with_bad_fields_keeps_the_entry(client, auth, blog):
    entry = post_entry(client, auth, headline="Kept")
    url = f"/api/blogs/storm/entries/{entry['id']}"
    assert client.patch(url, json={"headline": 7}, headers=auth).status_code == 400
    assert client.patch(url, json={"published": "nonsense"}, headers=auth).status_code == 400
    assert client.get(url).json == entry


def test_data_survives_a_restart(app_config, client, auth, blog):
    entry = post_entry(client, auth, headline="Before the restart")
    second = create_app(app_config).test_client()
    assert second.get("/api/blogs/storm").json["title"] == "Storm Ana comes ashore"
    assert second.get(f"/api/blogs/storm/entries/{entry['id']}").json["headline"] == "Before the restart"


def test_openapi_describes_every_route(client, app):
    spec = client.get("/api/openapi.json").json
    assert spec["openapi"].startswith("3.")
    api_rules = {r.rule.replace("<", "{").replace(">", "}") for r in app.url_map.iter_rules()
                 if r.rule.startswith("/api/")}
    assert api_rules == set(spec["paths"])
    from openapi_spec_validator import validate

    validate(spec)


def test_token_compare_is_exact(client, blog):
    response = client.post("/api/blogs", json={"slug": "x", "title": "x"},
                           headers={"Authorization": f"Bearer {TOKEN}x"})
    assert response.status_code == 403


def test_odd_numbers_and_times_are_400_not_500(client, auth, blog):
    for query in ("page=99999999999999999999", "page=%C2%B2", "per_page=%C2%B2"):
        assert client.get(f"/api/blogs/storm/entries?{query}").status_code == 400, query
    for published in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"):
        response = client.post("/api/blogs/storm/entries", json={"text": "x", "published": published}, headers=auth)
        assert response.status_code == 400 and response.json["field"] == "published"
    assert client.get("/api/blogs/storm/entries").json["total"] == 0


def test_a_patch_cannot_empty_an_entry(client, auth, blog):
    entry = post_entry(client, auth, headline="Keep me", text="")
    url = f"/api/blogs/storm/entries/{entry['id']}"
    response = client.patch(url, json={"headline": ""}, headers=auth)
    assert response.status_code == 400 and response.json["field"] == "text"
    assert client.get(url).json["headline"] == "Keep me"
