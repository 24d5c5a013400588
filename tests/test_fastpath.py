"""The fast path in front of Flask answers exactly as the Flask routes do, and only when it can."""
from __future__ import annotations

import pytest
from flask import request_started

from conftest import post_entry
from syndicate import create_app
from syndicate.web.fastpath import FastPath

PATHS = ["/", "/feeds.opml", "/blogs/storm/", "/blogs/storm/page/2/", "/blogs/storm.txt",
         "/blogs/storm/rss.xml", "/blogs/storm/atom.xml", "/blogs/storm/feed.json",
         "/blogs/storm/podcast.xml", "/blogs/storm/page/2/rss.xml", "/blogs/nope/rss.xml",
         "/blogs/storm/page/9/atom.xml"]


@pytest.fixture
def site(app_config):
    app = create_app({**app_config, "FEED_ITEMS": 3, "PAGE_ENTRIES": 3, "WEBSUB_HUB": "http://127.0.0.1:9/hub"})
    client = app.test_client()
    auth = {"Authorization": f"Bearer {app_config['API_TOKEN']}"}
    client.post("/api/blogs", json={"slug": "storm", "title": "Storm"}, headers=auth)
    for n in range(5):
        post_entry(client, auth, headline=f"Update {n}", text="The tide is high on the quay. " * 8)
    return app


def answer(app, path, **kwargs):
    response = app.test_client().open(path, **kwargs)
    headers = sorted((k, v) for k, v in response.headers.items() if k != "Date")
    return response.status, headers, response.data


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("method,headers", [
    ("GET", {}), ("GET", {"Accept-Encoding": "gzip, br"}), ("HEAD", {}),
    ("GET", {"Accept-Encoding": "gzip;q=0"}),
])
def test_same_answer_as_flask(site, path, method, headers):
    fast = answer(site, path, method=method, headers=headers)
    slow_app = site.wsgi_app.next
    fast_app, site.wsgi_app = site.wsgi_app, slow_app
    try:
        slow = answer(site, path, method=method, headers=headers)
    finally:
        site.wsgi_app = fast_app
    assert fast == slow


@pytest.mark.parametrize("path", ["/blogs/storm/rss.xml", "/blogs/storm/", "/"])
def test_not_modified_is_the_same_as_flask(site, path):
    etag = site.test_client().get(path).headers["ETag"]
    for given in (etag, f'W/{etag}', f'"other", {etag}', '"other"'):
        fast = answer(site, path, headers={"If-None-Match": given})
        fast_app, site.wsgi_app = site.wsgi_app, site.wsgi_app.next
        try:
            slow = answer(site, path, headers={"If-None-Match": given})
        finally:
            site.wsgi_app = fast_app
        assert fast == slow, given
    assert fast[0].startswith("200") and answer(site, path, headers={"If-None-Match": etag})[0].startswith("304")


def test_hot_reads_skip_flask_and_the_rest_go_through(site):
    seen = []

    def started(sender, **extra):
        seen.append(1)

    request_started.connect(started, site)
    assert isinstance(site.wsgi_app, FastPath)
    client = site.test_client()
    for path in ("/blogs/storm/rss.xml", "/blogs/storm/", "/feeds.opml"):
        assert client.get(path).status_code == 200
    assert seen == []
    for path, kwargs in (("/blogs/storm/?order=oldest", {}), ("/api/blogs", {}),
                         ("/blogs/storm/rss.xml", {"headers": {"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"}}),
                         ("/blogs/nope/", {})):
        client.get(path, **kwargs)
    assert len(seen) == 4
