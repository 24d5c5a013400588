"""The reading pages through the app: headers, options, paging, conditional GET, errors."""
from __future__ import annotations

import gzip

from conftest import post_entry
from lxml import html as lxml_html

from syndicate import create_app, views


def test_text_view_headers_and_content(client, auth, blog):
    post_entry(client, auth, headline="Bridge <b>closed</b>", text="Police closed the bridge.")
    response = client.get("/blogs/storm/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Content-Security-Policy"] == views.CSP
    assert "script-src" not in views.CSP and "default-src 'none'" in views.CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    doc = lxml_html.fromstring(response.data)
    assert doc.get("lang") == "en"
    assert doc.xpath("//h1/text()") == ["Storm Ana comes ashore"]
    assert "Bridge <b>closed</b>" in doc.xpath("string(//article//h2)")  # escaped, not markup
    assert not doc.xpath("//article//h2//b") and not doc.xpath("//script")
    alternates = doc.xpath("//link[@rel='alternate']/@href")
    assert "http://news.test/blogs/storm/rss.xml" in alternates
    assert "http://news.test/blogs/storm/podcast.xml" in alternates
    assert client.get("/blogs/storm").status_code == 308  # to the canonical URL with a slash


def test_order_key_events_and_paging(app_config):
    app = create_app({**app_config, "PAGE_ENTRIES": 2})
    client = app.test_client()
    auth = {"Authorization": f"Bearer {app_config['API_TOKEN']}"}
    client.post("/api/blogs", json={"slug": "p", "title": "Paged"}, headers=auth)
    for n in range(5):
        client.post("/api/blogs/p/entries", headers=auth, json={
            "headline": f"Update {n}", "published": f"2026-03-01T10:0{n}:00Z", "key_event": n % 2 == 0})

    def headlines(path):
        response = client.get(path)
        assert response.status_code == 200, path
        return [h.text_content() for h in lxml_html.fromstring(response.data).xpath("//article//h2")]

    assert [h.split()[-1] for h in headlines("/blogs/p/")] == ["4", "3"]
    # Older pages are fixed, counted from the oldest entry: archive 1 holds entries 0 and 1.
    assert [h.split()[-1] for h in headlines("/blogs/p/archive/1/")] == ["1", "0"]
    assert [h.split()[-1] for h in headlines("/blogs/p/archive/2/")] == ["3", "2"]
    # The old pages counted from the newest: sent to the fixed page holding their first entry.
    old = client.get("/blogs/p/page/3/")
    assert old.status_code == 302 and old.headers["Location"] == "http://news.test/blogs/p/archive/1/"
    assert client.get("/blogs/p/key/page/2/").headers["Location"] == "http://news.test/blogs/p/key/archive/1/"
    assert [h.split()[-1] for h in headlines("/blogs/p/oldest/")] == ["0", "1"]
    assert [h.split()[-1] for h in headlines("/blogs/p/key/")] == ["4", "2"]
    assert [h.split()[-1] for h in headlines("/blogs/p/key/oldest/page/2/")] == ["4"]
    doc = lxml_html.fromstring(client.get("/blogs/p/").data)
    assert "http://news.test/blogs/p/archive/2/" in doc.xpath("//a/@href")
    assert "http://news.test/blogs/p/oldest/" in doc.xpath("//a/@href")
    assert client.get("/blogs/p/page/4/").status_code == 404


def test_old_query_forms_redirect_to_the_paths(client, blog):
    for old, new in (("/blogs/storm/?order=oldest", "/blogs/storm/oldest/"),
                     ("/blogs/storm/?key=1", "/blogs/storm/key/"),
                     ("/blogs/storm/?order=oldest&key=1", "/blogs/storm/key/oldest/"),
                     ("/blogs/storm/page/2/?key=1&order=newest", "/blogs/storm/key/page/2/"),
                     ("/blogs/storm/?order=newest&key=0", "/blogs/storm/")):
        response = client.get(old)
        assert response.status_code == 301 and response.headers["Location"] == "http://news.test" + new, old
    assert client.get("/blogs/storm/oldest/").status_code == 200
    # Other query strings (cache busters) do not change what a file is.
    assert client.get("/blogs/storm/?utm=x").data == client.get("/blogs/storm/").data


def test_bad_options_are_400(client, blog):
    for query in ("order=sideways", "key=yes"):
        response = client.get(f"/blogs/storm/?{query}")
        assert response.status_code == 400 and b"order must be" in response.data


def test_conditional_get_and_gzip(client, auth, blog):
    for n in range(10):
        post_entry(client, auth, headline=f"Update {n}", text="The water is still rising on the quay. " * 5)
    response = client.get("/blogs/storm/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    body = gzip.decompress(response.data)
    assert body == client.get("/blogs/storm/").data
    assert client.get("/blogs/storm/", headers={"Accept-Encoding": "gzip",
                                                "If-None-Match": response.headers["ETag"]}).status_code == 304


def test_text_plain_version(client, auth, blog):
    post_entry(client, auth, headline="Ferry cancelled", text="No crossings until the wind drops.",
               published="2026-03-01T09:10:00Z")
    response = client.get("/blogs/storm.txt")
    assert response.mimetype == "text/plain" and response.mimetype_params["charset"] == "utf-8"
    text = response.text
    assert "Ferry cancelled" in text and "09:10 GMT" in text
    assert text.rstrip().endswith("http://news.test/feeds.opml") or "http://news.test/blogs/storm/rss.xml" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_index_lists_blogs(client, auth, blog):
    doc = lxml_html.fromstring(client.get("/").data)
    assert "http://news.test/blogs/storm/" in doc.xpath("//a/@href")
    assert "Storm Ana comes ashore" in doc.text_content()


def test_unknown_blog_pages_are_404(client):
    assert client.get("/blogs/nope/").status_code == 404
    assert client.get("/blogs/nope.txt").status_code == 404
