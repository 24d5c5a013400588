"""One set of rules for what may be stored, whichever way it comes in: the API, every import
shape, the command line. Each test here pins a defect found by probing with hostile input."""
from __future__ import annotations

import json

import pytest
from conftest import post_entry
from lxml import etree

from syndicate.sanitize import clean_html

LONG_ZONE = "Europe/" + "A" * 300


def _export(**blog) -> str:
    fields = {"slug": "x", "title": "Imported", "description": "", "language": "en", "timezone": "UTC",
              "author": "", "link": "", "status": "live"}
    fields.update(blog)
    return json.dumps({"syndicate_export": 1, "blog": fields, "entries": [
        {"id": "0" * 32, "published": "2026-02-26T08:30:00Z", "headline": "First", "html": "<p>One</p>"}]})


def _snapshot(client) -> list:
    return [client.get(f"/api/blogs/{b['slug']}/export").get_data()
            for b in client.get("/api/blogs").json["blogs"]]


# -- 1. a final newline is not part of any identifier ----------------------------------

@pytest.mark.parametrize("body, field", [
    ({"slug": "c\n", "title": "x"}, "slug"),
    ({"slug": "c", "title": "x", "language": "en\n"}, "language"),
    ({"slug": "c", "title": "x", "link": "http://example.org/\n"}, "link"),
])
def test_a_trailing_newline_is_refused(client, auth, body, field):
    response = client.post("/api/blogs", json=body, headers=auth)
    assert response.status_code == 400 and response.json["field"] == field
    assert client.get("/api/blogs").json["blogs"] == []


def test_a_trailing_newline_in_a_media_url_or_patch_is_refused(client, auth, blog):
    response = client.post("/api/blogs/storm/entries", json={
        "text": "x", "media": [{"url": "http://example.org/a.jpg\n"}]}, headers=auth)
    assert response.status_code == 400 and response.json["field"] == "media"
    assert client.patch("/api/blogs/storm", json={"language": "vi\n"}, headers=auth).status_code == 400


def test_paths_with_a_trailing_newline_are_not_the_blog(client, auth, blog):
    assert client.get("/blogs/storm%0A/rss.xml").status_code == 404
    assert client.get("/blogs/storm/rss.xml%0A").status_code == 404
    assert client.get("/blogs/storm%0A.txt").status_code == 404


def test_the_cli_refuses_a_slug_with_a_newline(cli, tmp_path):
    path = tmp_path / "e.json"
    path.write_text(_export())
    result = cli("import", str(path), "--blog", "c\n")
    assert result.exit_code != 0 and "--blog" in result.output
    assert cli("import", str(path), "--blog", "c", "--language", "en\n").exit_code != 0


# -- 2. lone surrogates and other characters no feed can carry -------------------------

@pytest.mark.parametrize("value", ["a\ud800", "a\udfff b", "a\x01", "a\ufffe", "x\uffff"])
def test_characters_feeds_cannot_carry_are_a_400_naming_the_field(client, auth, blog, value):
    escaped = json.dumps(value)  # \ud800 travels as a JSON escape
    for path, method, body, field in (
            ("/api/blogs", "post", f'{{"slug": "n", "title": {escaped}}}', "title"),
            ("/api/blogs/storm", "patch", f'{{"author": {escaped}}}', "author"),
            ("/api/blogs/storm/entries", "post", f'{{"headline": {escaped}}}', "headline"),
            ("/api/blogs/storm/entries", "post", f'{{"html": {escaped}}}', "html"),
            ("/api/blogs/storm/entries", "post", f'{{"text": "x", "media": [{{"caption": {escaped}}}]}}', "media")):
        response = getattr(client, method)(path, data=body, headers={**auth, "Content-Type": "application/json"})
        assert response.status_code == 400, (path, body, response.data)
        assert response.json["error"] == "invalid" and response.json["field"] == field


def test_a_body_that_is_not_utf8_is_bad_json(client, auth, blog):
    for raw in (b'{"slug": "n", "title": "a\xed\xa0\x80"}', b'{"slug": "n", "title": "\xff"}'):
        response = client.post("/api/blogs", data=raw, headers={**auth, "Content-Type": "application/json"})
        assert response.status_code == 400 and response.json["error"] == "bad_json"


# -- 3. deep nesting --------------------------------------------------------------------

@pytest.mark.parametrize("body", [b"[" * 1000, b'{"a":' * 5000, b"[" * 100_000 + b"]" * 100_000],
                         ids=["1000-brackets", "5000-objects", "balanced-100000"])
def test_json_nested_too_deeply_is_a_400(client, auth, blog, body):
    for path in ("/api/blogs", "/api/blogs/storm/entries"):
        response = client.post(path, data=body, headers={**auth, "Content-Type": "application/json"})
        assert response.status_code == 400 and response.json["error"] == "bad_json"
    response = client.post("/api/blogs/storm/import", data=body, headers={**auth, "Content-Type": "application/json"})
    assert response.status_code == 400 and response.json["error"] == "bad_import"


# -- 4. a time zone name too long for the file system -----------------------------------

@pytest.mark.parametrize("zone", [LONG_ZONE, "A" * 300, "../" * 100, "Europe/\x00London", "/etc/passwd"],
                         ids=["long-path", "long-name", "dots", "nul", "absolute"])
def test_unknown_zones_are_400_everywhere(client, auth, blog, zone):
    before = _snapshot(client)
    response = client.patch("/api/blogs/storm", json={"timezone": zone}, headers=auth)
    assert response.status_code == 400 and response.json["field"] == "timezone"
    response = client.post("/api/blogs/storm/import", query_string={"timezone": zone}, data="x\n\n- y",
                           headers={**auth, "Content-Type": "text/plain"})
    assert response.status_code == 400 and response.json["field"] == "timezone"
    assert _snapshot(client) == before


def test_an_exports_long_zone_is_ignored(client, auth, blog):
    response = client.post("/api/blogs/storm/import", data=_export(timezone=LONG_ZONE),
                           headers={**auth, "Content-Type": "application/json"})
    assert response.status_code == 200, response.json
    assert client.get("/api/blogs/storm").json["timezone"] == "Europe/London"


def test_the_cli_refuses_a_long_zone_in_one_line(cli, tmp_path):
    path = tmp_path / "e.json"
    path.write_text(_export())
    result = cli("import", str(path), "--timezone", LONG_ZONE)
    assert result.exit_code != 0 and "timezone" in result.output and "Traceback" not in result.output
    path.write_text(_export(timezone=LONG_ZONE))
    result = cli("import", str(path), "--blog", "moved")
    assert result.exit_code == 0, result.output


# -- 5 and 6. imports follow the API's rules for blog fields ----------------------------

BAD_IMPORTED_BLOG = {"language": "en\u0001", "link": "javascript:alert(1)", "description": "d" * 200_000,
                     "author": "a" * 100_000, "title": "t\ud800", "timezone": "Mars/Olympus"}


def _check_blog_fields(blog: dict) -> None:
    assert blog["language"] == "en" and blog["link"] == "" and blog["timezone"] in ("UTC", "Europe/London")
    assert len(blog["description"]) <= 4000 and len(blog["author"]) <= 500
    assert "\ud800" not in blog["title"]


def test_the_cli_imports_an_export_with_bad_blog_fields_cleanly(cli, tmp_path, app_config):
    path = tmp_path / "e.json"
    path.write_text(json.dumps(json.loads(_export(**BAD_IMPORTED_BLOG))))
    result = cli("import", str(path), "--blog", "odd")
    assert result.exit_code == 0, result.output
    assert "1 created" in result.output and "adjusted" in result.output
    from syndicate import create_app

    client = create_app(app_config).test_client()
    _check_blog_fields(client.get("/api/blogs/odd").json)
    assert client.get("/feeds.opml").status_code == 200
    etree.fromstring(client.get("/feeds.opml").data)


def test_the_cli_imports_jsonld_with_a_bad_language(cli, tmp_path, app_config):
    path = tmp_path / "l.json"
    path.write_text(json.dumps({"@type": "LiveBlogPosting", "headline": "Live", "inLanguage": "en\u0001",
                                "url": "javascript:alert(1)", "liveBlogUpdate": [
                                    {"@type": "BlogPosting", "headline": "A", "articleBody": "One",
                                     "datePublished": "2026-02-26T08:30:00Z"}]}))
    result = cli("import", str(path))
    assert result.exit_code == 0, result.output
    from syndicate import create_app

    client = create_app(app_config).test_client()
    assert client.get("/api/blogs/live").json["language"] == "en"
    assert client.get("/feeds.opml").status_code == 200


def test_an_api_import_keeps_to_the_blog_rules(client, auth):
    assert client.post("/api/blogs", json={"slug": "odd", "title": ""}, headers=auth).status_code == 400
    # a blog with blanks, which an import fills in
    assert client.post("/api/blogs", json={"slug": "odd", "title": "Odd"}, headers=auth).status_code == 201
    response = client.post("/api/blogs/odd/import", data=json.dumps(json.loads(_export(**BAD_IMPORTED_BLOG))),
                           headers={**auth, "Content-Type": "application/json"})
    assert response.status_code == 200, response.json
    assert response.json["created"] == 1 and response.json["adjusted"] >= 2
    blog = client.get("/api/blogs/odd").json
    assert blog["link"] == "" and len(blog["description"]) <= 4000 and len(blog["author"]) <= 500
    for path in ("/feeds.opml", "/blogs/odd/rss.xml", "/blogs/odd/atom.xml", "/blogs/odd/podcast.xml"):
        etree.fromstring(client.get(path).data)
    assert client.post("/api/blogs/odd/entries", json={"text": "after"}, headers=auth).status_code == 201


def test_imported_entries_follow_the_entry_rules(client, auth, blog):
    export = json.loads(_export())
    export["entries"] = [
        {"id": "1" * 32, "published": "2026-02-26T08:30:00Z", "headline": "h\u0001", "html": "<p>ok</p>"},
        {"id": "2" * 32, "published": "2026-02-26T08:31:00Z", "headline": "x" * 600, "html": "<p>ok</p>"},
        {"id": "3" * 32, "published": "2026-02-26T08:32:00Z", "headline": "fine",
         "html": "<p>a\ud800 b</p>", "media": [{"caption": "c" * 5000}]},
        {"id": "4" * 32, "published": "2026-02-26T08:33:00Z", "headline": "kept", "html": "<p>fine</p>"}]
    response = client.post("/api/blogs/storm/import", data=json.dumps(export),
                           headers={**auth, "Content-Type": "application/json"})
    assert response.status_code == 200, response.json
    entries = client.get("/api/blogs/storm/entries").json["entries"]
    for entry in entries:
        assert "\x01" not in entry["headline"] and "\ud800" not in entry["html"]
        assert len(entry["headline"]) <= 500
        assert all(len(m["caption"]) <= 2000 for m in entry["media"])
    assert "kept" in [e["headline"] for e in entries]
    etree.fromstring(client.get("/blogs/storm/rss.xml").data)


def test_the_gateway_refuses_what_the_api_refuses(app):
    """Code that skips the API (the CLI, a follower) meets the same rules in the newsroom."""
    from syndicate.validate import InvalidInput

    newsroom = app.extensions["syndicate"].newsroom
    with pytest.raises(InvalidInput):
        newsroom.create_blog("ok", {"title": "x", "language": "en\x01"})
    with pytest.raises(InvalidInput):
        newsroom.create_blog("ok", {"title": "x", "link": "javascript:alert(1)"})
    with pytest.raises(InvalidInput):
        newsroom.create_blog("ok", {"title": "x", "timezone": LONG_ZONE})
    newsroom.create_blog("ok", {"title": "x"})
    with pytest.raises(InvalidInput):
        newsroom.update_blog("ok", {"description": "d" * 5000})
    with pytest.raises(InvalidInput):
        newsroom.add_entry("ok", {"headline": "a\ud800", "html": "", "text": ""})
    with pytest.raises(InvalidInput):
        newsroom.add_entry("ok", {"headline": "", "html": "", "text": ""})
    assert app.extensions["syndicate"].store.count_entries("ok") == 0


def test_a_publish_that_fails_after_the_commit_is_not_a_failed_write(app, client, auth, blog, caplog):
    publisher = app.extensions["syndicate"].publisher
    real, calls = publisher.publish, []

    def broken(slug):
        calls.append(slug)
        if len(calls) == 1:
            raise OSError("disk full")
        return real(slug)

    publisher.publish = broken
    response = client.post("/api/blogs/storm/entries", json={"text": "saved"}, headers=auth)
    assert response.status_code == 201
    assert "publish" in caplog.text and "disk full" in caplog.text
    assert client.get("/api/blogs/storm/entries").json["total"] == 1
    # the next change publishes the blog that failed as well
    client.post("/api/blogs", json={"slug": "other", "title": "Other"}, headers=auth)
    assert calls.count("storm") == 2
    assert b"saved" in client.get("/blogs/storm/rss.xml").data


# -- 7. every URL attribute gets the scheme filter --------------------------------------

@pytest.mark.parametrize("html", [
    '<q cite="javascript:alert(1)">x</q>', '<blockquote cite="JavaScript:alert(1)">x</blockquote>',
    '<q cite="data:text/html,&lt;script&gt;">x</q>', '<q cite=" javascript:alert(1)">x</q>',
    '<a href="vbscript:x">x</a>'])
def test_cite_and_href_drop_unsafe_schemes(html):
    cleaned = clean_html(html)
    assert "javascript" not in cleaned.lower() and "data:" not in cleaned and "vbscript" not in cleaned


def test_safe_cite_urls_are_kept():
    assert 'cite="https://example.org/q"' in clean_html('<q cite="https://example.org/q">x</q>')


def test_cite_never_reaches_pages_or_feeds(client, auth, blog):
    post_entry(client, auth, html='<blockquote cite="javascript:alert(1)"><p>Quote</p></blockquote>')
    for path in ("/blogs/storm/", "/blogs/storm/rss.xml", "/blogs/storm/atom.xml", "/blogs/storm/feed.json"):
        assert b"javascript:" not in client.get(path).data, path


def test_a_blog_made_from_a_source_keeps_to_the_rules(app):
    """The one call for any way in that starts from a source (the CLI's import, a follower)."""
    from syndicate.model import ParsedBlog

    newsroom = app.extensions["syndicate"].newsroom
    parsed = ParsedBlog(title="t\x01" + "x" * 600, language="en\x01", timezone="Europe/" + "A" * 300,
                        link="javascript:alert(1)", description="d" * 5000, author="a\ud800")
    blog = newsroom.create_blog_from("followed", parsed)
    assert (blog.title, blog.language, blog.timezone, blog.link) == ("t" + "x" * 499, "en", "UTC", "")
    assert len(blog.description) == 4000 and blog.author == "a"
    blog = newsroom.create_blog_from("chosen", ParsedBlog(title="T"), language="vi", timezone="Asia/Ho_Chi_Minh")
    assert (blog.language, blog.timezone) == ("vi", "Asia/Ho_Chi_Minh")


def test_values_stored_by_earlier_versions_are_mended(app_config, client, auth, blog):
    """A store written before these rules (a slug ending in a newline, a language with a control
    character, a javascript: link) is mended when the schema is brought up to date."""
    import sqlalchemy as sa

    from syndicate import create_app
    from syndicate.store import schema

    post_entry(client, auth, headline="Kept")
    assert client.post("/api/blogs", json={"slug": "c", "title": "C"}, headers=auth).status_code == 201
    store = client.application.extensions["syndicate"].store
    with store.engine.begin() as conn:
        conn.execute(schema.blogs.update().where(schema.blogs.c.slug == "storm").values(
            language="en\x01", link="javascript:alert(1)", timezone="Europe/" + "A" * 300, author="a" * 600))
        conn.execute(schema.blogs.update().where(schema.blogs.c.slug == "c").values(slug="c\n"))
        conn.execute(schema.entries.update().values(headline="Kept\x01"))
        conn.execute(sa.text("UPDATE schema_version SET version = 1"))
    store.close()
    client = create_app(app_config).test_client()
    storm = client.get("/api/blogs/storm").json
    assert (storm["language"], storm["link"], storm["timezone"], len(storm["author"])) == ("en", "", "UTC", 500)
    assert [b["slug"] for b in client.get("/api/blogs").json["blogs"]] in (["c", "storm"], ["storm", "c"])
    assert client.get("/api/blogs/storm/entries").json["entries"][0]["headline"] == "Kept"
    etree.fromstring(client.get("/feeds.opml").data)
    assert client.get("/api/blogs/c/export").status_code == 200


def test_a_delete_whose_unpublishing_fails_is_still_a_delete(app, client, auth, blog, caplog):
    publisher = app.extensions["syndicate"].publisher

    def broken(slug):
        raise OSError("read-only file system")

    publisher.publish = broken
    assert client.delete("/api/blogs/storm", headers=auth).status_code == 204
    assert "read-only file system" in caplog.text
    assert client.get("/api/blogs/storm").status_code == 404


def test_an_imported_picture_with_a_relative_url_keeps_its_entry(client, auth, blog):
    page = ('<html><script type="application/ld+json">{"@type": "LiveBlogPosting", "headline": "Live",'
            '"liveBlogUpdate": [{"@type": "BlogPosting", "headline": "Flood", "articleBody": "Water rising",'
            '"datePublished": "2026-02-26T08:30:00Z", "image": {"@type": "ImageObject", "url": "/img/a.jpg",'
            '"caption": "The river"}}]}</script></html>')
    response = client.post("/api/blogs/storm/import", data=page, headers={**auth, "Content-Type": "text/html"})
    assert response.status_code == 200 and response.json["created"] == 1, response.json
    entry = client.get("/api/blogs/storm/entries").json["entries"][0]
    assert entry["headline"] == "Flood" and all(m["url"] == "" for m in entry["media"])
