"""Feeds over HTTP: media types, conditional GET, paging, WebSub, files of the published tree."""
from __future__ import annotations

import shutil
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import feedparser
import pytest
from conftest import post_entry
from lxml import etree

from syndicate import create_app
from syndicate.formats import fragments
from syndicate.newsroom import Newsroom
from syndicate.store import Store
from syndicate.timeutil import now

FEEDS = {"rss.xml": "application/rss+xml", "atom.xml": "application/atom+xml",
         "feed.json": "application/feed+json", "podcast.xml": "application/rss+xml"}


@pytest.mark.parametrize("name,media_type", FEEDS.items())
def test_media_types_and_conditional_get(client, auth, blog, name, media_type):
    post_entry(client, auth, headline="First")
    response = client.get(f"/blogs/storm/{name}")
    assert response.status_code == 200
    assert response.mimetype == media_type and response.mimetype_params["charset"] == "utf-8"
    etag, modified = response.headers["ETag"], response.headers["Last-Modified"]
    assert client.get(f"/blogs/storm/{name}", headers={"If-None-Match": etag}).status_code == 304
    assert client.get(f"/blogs/storm/{name}", headers={"If-Modified-Since": modified}).status_code == 304
    again = client.get(f"/blogs/storm/{name}")
    assert again.data == response.data and again.headers["ETag"] == etag
    post_entry(client, auth, headline="Second")
    changed = client.get(f"/blogs/storm/{name}", headers={"If-None-Match": etag})
    if name == "podcast.xml":  # no clip is ready yet, so the podcast has no new episode
        # (its build date may move to the second of the new post: then it is a 200 of the same episodes)
        assert changed.status_code == 304 or (
            [e.id for e in feedparser.parse(changed.data).entries]
            == [e.id for e in feedparser.parse(response.data).entries])
    else:
        assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_feeds_follow_edits_and_deletions(client, auth, blog):
    kept = post_entry(client, auth, headline="Kept", published="2026-03-01T10:00:00Z")
    gone = post_entry(client, auth, headline="Gone", published="2026-03-01T11:00:00Z")
    client.patch(f"/api/blogs/storm/entries/{kept['id']}", json={"headline": "Kept, corrected"}, headers=auth)
    client.delete(f"/api/blogs/storm/entries/{gone['id']}", headers=auth)
    rss = feedparser.parse(client.get("/blogs/storm/rss.xml").data)
    assert not rss.bozo
    assert [e.title for e in rss.entries] == ["Kept, corrected"]
    atom = client.get("/blogs/storm/atom.xml").data
    parsed = feedparser.parse(atom)
    assert [e.title for e in parsed.entries] == ["Kept, corrected"]
    assert parsed.entries[0].updated > parsed.entries[0].published
    tombstones = etree.fromstring(atom).findall("{http://purl.org/atompub/tombstones/1.0}deleted-entry")
    hex_id = gone["id"]
    assert [t.get("ref") for t in tombstones] == [
        f"urn:uuid:{hex_id[:8]}-{hex_id[8:12]}-{hex_id[12:16]}-{hex_id[16:20]}-{hex_id[20:]}"]
    json_feed = client.get("/blogs/storm/feed.json").json
    assert [i["title"] for i in json_feed["items"]] == ["Kept, corrected"]


def test_paging(app_config, tmp_path):
    app = create_app({**app_config, "FEED_ITEMS": 2})
    client = app.test_client()
    auth = {"Authorization": f"Bearer {app_config['API_TOKEN']}"}
    client.post("/api/blogs", json={"slug": "p", "title": "Paged"}, headers=auth)
    for minute in range(5):
        client.post("/api/blogs/p/entries",
                    json={"headline": f"E{minute}", "published": f"2026-03-01T10:0{minute}:00Z"}, headers=auth)
    first = feedparser.parse(client.get("/blogs/p/rss.xml").data)
    assert [e.title for e in first.entries] == ["E4", "E3"]
    rels = {link.rel: link.href for link in first.feed.links}
    # RFC 5005 archives: fixed pages counted from the oldest entry, the newest linked first.
    assert rels["next"] == "http://news.test/blogs/p/archive/2/rss.xml"
    assert rels["last"] == "http://news.test/blogs/p/archive/1/rss.xml"
    second = feedparser.parse(client.get("/blogs/p/archive/2/rss.xml").data)
    assert [e.title for e in second.entries] == ["E3", "E2"]
    assert {link.rel: link.href for link in second.feed.links}["next"] == "http://news.test/blogs/p/archive/1/rss.xml"
    oldest = feedparser.parse(client.get("/blogs/p/archive/1/rss.xml").data)
    assert [e.title for e in oldest.entries] == ["E1", "E0"]
    assert "next" not in {link.rel for link in oldest.feed.links}
    # The old pages, counted from the newest, are sent to the archive holding their first entry.
    old = client.get("/blogs/p/page/3/rss.xml")
    assert old.status_code == 302 and old.headers["Location"] == "http://news.test/blogs/p/archive/1/rss.xml"
    assert client.get("/blogs/p/page/2/atom.xml").headers["Location"] == "http://news.test/blogs/p/archive/2/atom.xml"
    assert client.get("/blogs/p/page/4/rss.xml").status_code == 404
    assert client.get("/blogs/p/archive/3/rss.xml").status_code == 404


def test_links_come_from_the_listening_address_when_no_base_url_is_set(app_config):
    app = create_app({**app_config, "BASE_URL": "", "LISTEN_URL": "http://127.0.0.1:8123"})
    client = app.test_client()
    auth = {"Authorization": f"Bearer {app_config['API_TOKEN']}"}
    client.post("/api/blogs", json={"slug": "h", "title": "Host"}, headers=auth)
    for host in ("localhost:8000", "evil.example"):
        parsed = feedparser.parse(client.get("/blogs/h/atom.xml", base_url=f"http://{host}").data)
        assert {link.rel: link.href for link in parsed.feed.links}["self"] == "http://127.0.0.1:8123/blogs/h/atom.xml"
    plain = create_app({**app_config, "BASE_URL": "", "DATA_DIR": app_config["DATA_DIR"] + "2"}).test_client()
    plain.post("/api/blogs", json={"slug": "h", "title": "Host"}, headers=auth)
    parsed = feedparser.parse(plain.get("/blogs/h/atom.xml", base_url="http://evil.example").data)
    assert {link.rel: link.href for link in parsed.feed.links}["self"] == "http://127.0.0.1:8000/blogs/h/atom.xml"


def test_feeds_are_files_of_the_published_tree(client, auth, blog, data_dir):
    post_entry(client, auth, headline="On disk")
    tree = data_dir / "public"
    for name in FEEDS:
        path = tree / "blogs" / "storm" / name
        assert path.is_file(), name
        assert client.get(f"/blogs/storm/{name}").data == path.read_bytes()
    assert b"On disk" in (tree / "blogs" / "storm" / "rss.xml").read_bytes()
    assert (tree / "feeds.opml").read_bytes() == client.get("/feeds.opml").data
    assert (tree / "blogs" / "storm" / "cover.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not (data_dir / "feeds").exists()  # the old layout is gone


def test_unchanged_blog_rebuilds_identical_bytes(app_config, client, auth, blog, data_dir):
    post_entry(client, auth, headline="Stable")
    before = {name: client.get(f"/blogs/storm/{name}").data for name in FEEDS}
    fragments.CACHE.clear()  # as in a new process: no item built before
    shutil.rmtree(data_dir / "public")  # and on a new machine: nothing published yet
    shutil.rmtree(data_dir / "publisher")
    fresh = create_app(app_config).test_client()
    assert {name: fresh.get(f"/blogs/storm/{name}").data for name in FEEDS} == before


def test_opml_lists_every_blog(client, auth, blog):
    client.post("/api/blogs", json={"slug": "vote", "title": "Vote count"}, headers=auth)
    tree = etree.fromstring(client.get("/feeds.opml").data)
    urls = tree.xpath("//outline/@xmlUrl")
    assert "http://news.test/blogs/storm/rss.xml" in urls and "http://news.test/blogs/vote/rss.xml" in urls


def test_gzip_when_accepted(client, auth, blog):
    for n in range(5):
        post_entry(client, auth, headline=f"Entry {n}", text="Water is rising along the embankment. " * 10)
    plain = client.get("/blogs/storm/rss.xml")
    zipped = client.get("/blogs/storm/rss.xml", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["Vary"]
    import gzip

    assert gzip.decompress(zipped.data) == plain.data
    assert zipped.headers["ETag"] != plain.headers["ETag"]


class _Hub(BaseHTTPRequestHandler):
    pings: list[dict] = []

    def do_POST(self):  # noqa: N802 - http.server's naming
        length = int(self.headers["Content-Length"])
        _Hub.pings.append(dict(urllib.parse.parse_qsl(self.rfile.read(length).decode())))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_websub_headers_and_ping(app_config):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hub = f"http://127.0.0.1:{server.server_address[1]}/hub"
    try:
        app = create_app({**app_config, "WEBSUB_HUB": hub})
        client = app.test_client()
        auth = {"Authorization": f"Bearer {app_config['API_TOKEN']}"}
        client.post("/api/blogs", json={"slug": "w", "title": "WebSub"}, headers=auth)
        _Hub.pings.clear()
        client.post("/api/blogs/w/entries", json={"headline": "Ping"}, headers=auth)
        wanted = {"http://news.test/blogs/w/rss.xml", "http://news.test/blogs/w/atom.xml",
                  "http://news.test/blogs/w/feed.json"}
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not wanted <= {p["hub.url"] for p in list(_Hub.pings)}:
            time.sleep(0.05)
        urls = {p["hub.url"] for p in _Hub.pings if p["hub.mode"] == "publish"}
        assert wanted <= urls
        response = client.get("/blogs/w/rss.xml")
        links = response.headers.getlist("Link")
        assert f'<{hub}>; rel="hub"' in links
        assert '<http://news.test/blogs/w/rss.xml>; rel="self"' in links
        assert f'href="{hub}"' in response.data.decode()
    finally:
        server.shutdown()
        server.server_close()


def test_unknown_blog_feeds_are_404(client):
    for name in FEEDS:
        assert client.get(f"/blogs/nope/{name}").status_code == 404


def test_another_processs_changes_are_published_by_whoever_looks(app_config):
    reader_app = create_app(app_config)
    reader = reader_app.test_client()
    writer = create_app(app_config).test_client()  # as another web process would: its own publisher
    auth = {"Authorization": f"Bearer {app_config['API_TOKEN']}"}
    writer.post("/api/blogs", json={"slug": "x", "title": "Cross"}, headers=auth)
    writer.post("/api/blogs/x/entries", json={"headline": "First"}, headers=auth)
    assert [e.title for e in feedparser.parse(reader.get("/blogs/x/rss.xml").data).entries] == ["First"]
    # A process with no publisher (a speech worker, say) only bumps the blog's version...
    other = Newsroom(Store(app_config.get("DATABASE_URL") or f"sqlite:///{app_config['DATA_DIR']}/syndicate.db"),
                     reader_app.extensions["syndicate"].settings.audio_dir)
    other.add_entry("x", {"headline": "Second", "text": "", "published": now()})
    assert [e.title for e in feedparser.parse(reader.get("/blogs/x/rss.xml").data).entries] == ["First"]
    # ...and the next look (the watcher in `serve`) publishes it, once.
    publisher = reader_app.extensions["syndicate"].publisher
    before = publisher.rebuilds
    publisher.publish_changed()
    publisher.publish_changed()
    assert publisher.rebuilds == before + 1
    titles = [e.title for e in feedparser.parse(reader.get("/blogs/x/rss.xml").data).entries]
    assert titles == ["Second", "First"]
    other.store.close()


def test_a_blog_made_again_under_its_old_slug_is_not_served_stale(client, auth, blog, data_dir):
    post_entry(client, auth, headline="Old story")
    assert b"Old story" in client.get("/blogs/storm/rss.xml").data
    client.delete("/api/blogs/storm", headers=auth)
    client.post("/api/blogs", json={"slug": "storm", "title": "A new story"}, headers=auth)
    for path in ("/blogs/storm/rss.xml", "/blogs/storm/"):
        body = client.get(path).data
        assert b"Old story" not in body and b"A new story" in body
    assert b"Old story" not in (data_dir / "public" / "blogs" / "storm" / "rss.xml").read_bytes()


def test_missing_pages_are_not_remembered(client, app, blog, data_dir):
    files = app.wsgi_app
    client.get("/blogs/storm/rss.xml")
    hot = len(files._hot)
    before = sorted(p for p in (data_dir / "public").rglob("*"))
    for n in range(50):
        assert client.get(f"/blogs/nope{n}/rss.xml").status_code == 404
        assert client.get(f"/blogs/storm/page/{1000 + n}/").status_code == 404
    assert len(files._hot) == hot
    assert sorted(p for p in (data_dir / "public").rglob("*")) == before
