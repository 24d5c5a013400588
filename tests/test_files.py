"""The published tree served by the app's one static-file handler: the file's bytes, or its
.gz sibling, with the headers a static server gives, 304s, and nothing taken from the request
that could change a byte or cause work."""
from __future__ import annotations

import gzip

import pytest
from conftest import post_entry
from flask import request_started

from syndicate import create_app, views
from syndicate.web.files import TreeFiles

PATHS = ["/", "/feeds.opml", "/blogs/storm/", "/blogs/storm/archive/1/", "/blogs/storm/oldest/",
         "/blogs/storm/key/oldest/", "/blogs/storm.txt", "/blogs/storm/rss.xml", "/blogs/storm/atom.xml",
         "/blogs/storm/feed.json", "/blogs/storm/podcast.xml", "/blogs/storm/archive/1/rss.xml",
         "/blogs/storm/cover.png"]
MISSING = ["/blogs/nope/rss.xml", "/blogs/storm/page/9/atom.xml", "/blogs/nope/", "/nope.html"]
TYPES = {"rss.xml": "application/rss+xml; charset=utf-8", "atom.xml": "application/atom+xml; charset=utf-8",
         "feed.json": "application/feed+json; charset=utf-8", "podcast.xml": "application/rss+xml; charset=utf-8",
         ".opml": "text/x-opml; charset=utf-8", ".txt": "text/plain; charset=utf-8", "/": "text/html; charset=utf-8",
         ".png": "image/png"}
HUB = "http://127.0.0.1:9/hub"


@pytest.fixture
def site(app_config):
    app = create_app({**app_config, "FEED_ITEMS": 3, "PAGE_ENTRIES": 3, "WEBSUB_HUB": HUB})
    client = app.test_client()
    auth = {"Authorization": f"Bearer {app_config['API_TOKEN']}"}
    client.post("/api/blogs", json={"slug": "storm", "title": "Storm"}, headers=auth)
    for n in range(5):
        post_entry(client, auth, headline=f"Update {n}", text="The tide is high on the quay. " * 8,
                   key_event=n % 2 == 0)
    return app


def file_of(app, path: str):
    root = app.extensions["syndicate"].settings.tree
    return root / (path[1:] + ("index.html" if path.endswith("/") else ""))


def content_type(path: str) -> str:
    return next(v for k, v in TYPES.items() if path.endswith(k))


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("accept", [None, "gzip, br", "gzip;q=0"])
def test_every_file_is_served_as_it_is_on_disk(site, path, accept):
    client = site.test_client()
    headers = {"Accept-Encoding": accept} if accept else {}
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    disk = file_of(site, path)
    packed = disk.with_name(disk.name + ".gz")
    if accept == "gzip, br" and packed.exists():
        assert response.data == packed.read_bytes() and response.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(response.data) == disk.read_bytes()
        assert response.headers["ETag"].endswith('-gz"')
    else:
        assert response.data == disk.read_bytes() and "Content-Encoding" not in response.headers
    assert ("Vary" in response.headers) == packed.exists()
    assert response.headers["Content-Type"] == content_type(path)
    assert response.headers["Content-Length"] == str(len(response.data))
    assert response.last_modified.timestamp() == int(disk.stat().st_mtime)
    head = client.head(path, headers=headers)
    assert head.status_code == 200 and head.data == b"" and head.headers["ETag"] == response.headers["ETag"]
    assert head.headers["Content-Length"] == response.headers["Content-Length"]


def test_headers_by_kind(site):
    client = site.test_client()
    page = client.get("/blogs/storm/")
    assert page.headers["Content-Security-Policy"] == views.CSP
    assert page.headers["X-Content-Type-Options"] == "nosniff" and page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "public, max-age=60"
    assert client.get("/blogs/storm.txt").headers["X-Content-Type-Options"] == "nosniff"
    feed = client.get("/blogs/storm/archive/1/rss.xml")
    assert feed.headers.getlist("Link") == [f'<{HUB}>; rel="hub"',
                                            '<http://news.test/blogs/storm/archive/1/rss.xml>; rel="self"']
    assert "Content-Security-Policy" not in feed.headers
    assert client.get("/blogs/storm/cover.png").headers["Cache-Control"] == "public, max-age=86400"


@pytest.mark.parametrize("path", MISSING)
def test_missing_files_are_404(site, path):
    assert site.test_client().get(path).status_code == 404


@pytest.mark.parametrize("path", ["/blogs/storm/rss.xml", "/blogs/storm/", "/"])
def test_not_modified(site, path):
    client = site.test_client()
    response = client.get(path)
    etag = response.headers["ETag"]
    for given in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        answer = client.get(path, headers={"If-None-Match": given})
        assert answer.status_code == 304 and answer.data == b"", given
        assert answer.headers["ETag"] == etag and "Content-Type" not in answer.headers
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get(path, headers={"If-Modified-Since": response.headers["Last-Modified"]}).status_code == 304
    assert client.get(path, headers={"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"}).status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110, 13.2.2).
    assert client.get(path, headers={"If-None-Match": '"other"',
                                     "If-Modified-Since": response.headers["Last-Modified"]}).status_code == 200


def test_ranges_on_any_file(site):
    client = site.test_client()
    whole = client.get("/blogs/storm/rss.xml").data
    part = client.get("/blogs/storm/rss.xml", headers={"Range": "bytes=0-9"})
    assert part.status_code == 206 and part.data == whole[:10]
    assert part.headers["Content-Range"] == f"bytes 0-9/{len(whole)}"
    longer = client.get("/blogs/storm/rss.xml", headers={"Range": f"bytes=-{len(whole) * 3}"})
    assert longer.status_code == 206 and longer.data == whole  # RFC 9110, 14.1.3
    assert longer.headers["Content-Range"] == f"bytes 0-{len(whole) - 1}/{len(whole)}"
    assert client.get("/blogs/storm/rss.xml", headers={"Range": f"bytes={len(whole)}-"}).status_code == 416


def test_file_reads_skip_flask_and_the_rest_go_through(site):
    seen = []

    def started(sender, **extra):
        seen.append(1)

    request_started.connect(started, site)
    assert isinstance(site.wsgi_app, TreeFiles)
    client = site.test_client()
    for path in PATHS:
        assert client.get(path).status_code == 200
    assert seen == []
    for path in ("/blogs/storm/?order=oldest", "/api/blogs", "/blogs/nope/"):
        client.get(path)
    assert len(seen) == 3


def test_directories_redirect_to_their_slash(site):
    response = site.test_client().get("/blogs/storm")
    assert response.status_code == 308 and response.headers["Location"] == "/blogs/storm/"
    assert site.test_client().get("/blogs").status_code == 404  # a folder with no page


@pytest.mark.parametrize("path", ["/../syndicate.db", "/%2e%2e/syndicate.db", "/blogs/../../syndicate.db",
                                  "/.hidden", "/blogs/.storm/", "/publisher/manifests/blog-storm.json",
                                  "/blogs/storm/rss.xml%00", "//etc/passwd"])
def test_nothing_outside_the_tree_is_served(site, path, data_dir):
    (data_dir / "public" / ".hidden").write_text("not for you")
    response = site.test_client().get(path)
    assert response.status_code in (400, 404) and b"not for you" not in response.data
    assert b"SQLite" not in response.data


def test_a_host_header_changes_no_byte_and_causes_no_work(site, data_dir):
    client = site.test_client()
    publisher = site.extensions["syndicate"].publisher
    tree = data_dir / "public"
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in tree.rglob("*") if p.is_file()}
    rebuilds = publisher.rebuilds
    for path in [*PATHS, *MISSING, "/blogs/storm/?order=oldest", "/api/blogs", "/api/blogs/storm",
                 "/api/blogs/storm/entries", "/api/openapi.json"]:
        for encoding in ({}, {"Accept-Encoding": "gzip"}):
            normal = client.get(path, headers=encoding)
            evil = client.get(path, headers={**encoding, "Host": "evil.example"})
            other = client.get(path, base_url="https://evil.example:8443", headers=encoding)
            assert evil.status_code == normal.status_code == other.status_code, path
            assert evil.data == normal.data == other.data, path
            assert b"evil.example" not in evil.data
            assert all("evil.example" not in value for _, value in evil.headers.items()), path
    assert publisher.rebuilds == rebuilds
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in tree.rglob("*") if p.is_file()} == before


def test_api_urls_use_the_configured_base(site):
    client = site.test_client()
    auth = {"Authorization": "Bearer test-token-0123456789"}
    created = client.post("/api/blogs", json={"slug": "vote", "title": "Vote"}, headers=auth,
                          base_url="http://evil.example")
    assert created.headers["Location"] == "http://news.test/api/blogs/vote"
    entry = client.post("/api/blogs/vote/entries", json={"headline": "Count begins"}, headers=auth,
                        base_url="http://evil.example")
    assert entry.headers["Location"].startswith("http://news.test/api/blogs/vote/entries/")
    assert "evil.example" not in entry.text


def test_files_too_big_to_keep_in_memory_are_served_the_same(site, monkeypatch):
    from syndicate.web import files

    client = site.test_client()
    before = {path: (client.get(path).data, client.get(path, headers={"Accept-Encoding": "gzip"}).data)
              for path in ("/blogs/storm/", "/blogs/storm/rss.xml", "/blogs/storm/cover.png")}
    monkeypatch.setattr(files, "HOT_FILE_BYTES", 0)
    site.wsgi_app._hot.clear()
    site.wsgi_app._hot_bytes = 0
    for path, (plain, packed) in before.items():
        assert client.get(path).data == plain
        zipped = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert zipped.data == packed
        assert ("Vary" in zipped.headers) == file_of(site, path).with_name(file_of(site, path).name + ".gz").exists()
        part = client.get(path, headers={"Range": "bytes=2-9"})
        assert part.status_code == 206 and part.data == plain[2:10]
        etag = client.get(path).headers["ETag"]
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    assert site.wsgi_app._hot_bytes == 0
