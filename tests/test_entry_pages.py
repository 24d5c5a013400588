"""Each entry's own page: rendered, served by the app at the URL the feeds link to, and checked in
Chromium with axe-core (light and dark), at 320 px, and under the CSP."""
from __future__ import annotations

import re

import feedparser
import lxml.html
import pytest
from browser import AXE_RUN, serve
from conftest import post_entry
from views_fixtures import LINKS, feature_entries, make_blog, page_of

from syndicate.model import Catchup, Chapter
from syndicate.outputs import BlogData, entry_pages
from syndicate.views import CSP, render_blog_html, render_entry_html

HTML = "text/html; charset=utf-8"


def parse(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html)


def test_page_says_what_the_entry_says():
    blog, entry = make_blog(), feature_entries()[0]
    doc = parse(render_entry_html(blog, entry, LINKS, blog_page=3))
    assert doc.get("lang") == "en-GB"
    assert [h.text_content() for h in doc.iter("h1")] == ["Key event Final heat won by the Thu Duc team"]
    assert doc.findtext(".//title") == "Final heat won by the Thu Duc team — River festival: boat race day — syndicate"
    hrefs = {a.text_content(): a.get("href") for a in doc.iter("a")}
    assert hrefs["Back to this update in the live blog"] == LINKS.blog_page(blog.slug, 3) + f"#entry-{entry.id}"
    assert hrefs["Listen to this update (MP3, 42 seconds, 180 kB)"] == LINKS.audio("ab12cd34.mp3")
    assert hrefs["Read the transcript"] == LINKS.transcript(blog.slug, entry.id, "txt")
    assert hrefs["Timed transcript (WebVTT)"] == LINKS.transcript(blog.slug, entry.id, "vtt")
    assert "Photo: The winning crew lifts the cup (Credit: Lan Pham)" in doc.text_content()
    assert not doc.xpath("//script | //img | //audio | //@*[starts-with(name(), 'on')]")


def test_untitled_entry_is_titled_as_in_the_feeds():
    doc = parse(render_entry_html(make_blog(), feature_entries()[2], LINKS))
    assert doc.findtext(".//h1").startswith("07:30 \u2014 Route details are on")


def _entry_pages(blog, entries, page_entries):
    data = BlogData(blog=blog, entries=entries, tombstones=(), links=LINKS, page_entries=page_entries)
    return [(path, file.render()) for path, file in entry_pages(data)]


def test_builder_makes_one_file_per_live_entry_on_the_right_page():
    blog, entries = make_blog(), feature_entries()
    live = [entries[0], *entries[2:]]  # the blog's live entries, newest first
    outputs = _entry_pages(blog, live, 2)
    assert sorted(path for path, _ in outputs) == sorted(
        f"blogs/river-festival/entries/{e.id}/index.html" for e in live)
    backs = {path: re.search(rb'href="([^"]+)">Back to this update', body).group(1).decode() for path, body in outputs}
    # Counted from the oldest, the two oldest fill the fixed page archive/1/; the newest is on the front page.
    assert [backs[f"blogs/river-festival/entries/{e.id}/index.html"] for e in live] == [
        LINKS.blog_page("river-festival", n) + f"#entry-{e.id}" for n, e in zip((0, 1, 1), live, strict=True)]
    assert _entry_pages(blog, live, 2) == _entry_pages(blog, live, 2)  # byte-identical rebuilds


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "PAGE_ENTRIES": 2}


def test_served_where_the_feeds_link(client, auth, blog):
    posted = [post_entry(client, auth, text=f"Update number {n}.", published=f"2026-03-01T0{n}:00:00Z")
              for n in range(1, 6)]
    feed = feedparser.parse(client.get("/blogs/storm/atom.xml").data)
    oldest = posted[0]
    link = next(e.link for e in feed.entries if e.id.endswith(oldest["id"][-12:]))
    assert link == f"http://news.test/blogs/storm/entries/{oldest['id']}/"
    response = client.get(link.removeprefix("http://news.test"))
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Content-Security-Policy"] == CSP
    doc = parse(response.get_data(as_text=True))
    back = doc.xpath("//a[.='Back to this update in the live blog']")[0].get("href")
    # The oldest of 5, 2 a page: on the first fixed page (counted from the oldest), for good.
    assert back == f"http://news.test/blogs/storm/archive/1/#entry-{oldest['id']}"
    # ...and that page of the text view does hold it.
    page = client.get("/blogs/storm/archive/1/").get_data(as_text=True)
    assert f'id="entry-{oldest["id"]}"' in page
    assert client.get("/blogs/storm/entries/" + "0" * 32 + "/").status_code == 404
    assert client.get("/blogs/nope/entries/" + oldest["id"] + "/").status_code == 404
    assert client.delete(f"/api/blogs/storm/entries/{oldest['id']}", headers=auth).status_code in (200, 204)
    assert client.get(link.removeprefix("http://news.test")).status_code == 404


# --- in a real browser ------------------------------------------------------------------------

PAGES = {f"/e/{n}/": n for n in range(4)}  # every kind of entry in the fixtures
CATCHUP = Catchup(file="river-festival/" + "a" * 32 + "-" + "b" * 12 + ".mp3", bytes=4_321_000, duration=361.0,
                  guid="urn:uuid:00000000-0000-0000-0000-000000000001", digest="d" * 64,
                  as_of=feature_entries()[0].published, made_at=feature_entries()[0].published,
                  chapters=(Chapter(0.0, 361.0, feature_entries()[0].id, "Final heat"),))


@pytest.fixture(scope="module")
def site():
    blog, entries = make_blog(), feature_entries()
    other = make_blog(slug="tet", title="Tết ở Sài Gòn", language="vi")
    routes = {path: (render_entry_html(blog, entries[n], LINKS, blog_page=2).encode(),
                     {"Content-Type": HTML, "Content-Security-Policy": CSP}) for path, n in PAGES.items()}
    routes["/e/vi/"] = (render_entry_html(other, entries[1], LINKS).encode(),
                        {"Content-Type": HTML, "Content-Security-Policy": CSP})
    routes["/blog-with-catch-up/"] = (render_blog_html(blog, entries, LINKS, page_of(entries),
                                                       catchup=CATCHUP).encode(),
                                      {"Content-Type": HTML, "Content-Security-Policy": CSP})
    with serve(routes) as base:
        yield base


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", [*PAGES, "/e/vi/", "/blog-with-catch-up/"])
def test_axe_finds_no_violations_and_it_reflows(browser, axe_source, site, path, scheme):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 320, "height": 800})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        assert page.goto(site + path).ok
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        page.evaluate(axe_source)
        violations = page.evaluate(AXE_RUN)["violations"]
        assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
        assert errors == []  # a CSP violation would show here
        snapshot = page.aria_snapshot()
        if path.startswith("/e/"):
            assert re.search(r'navigation "This blog"', snapshot) and "- main:" in snapshot
        else:
            assert 'link "Listen to the story so far (MP3, 6 minutes 1 second, with chapters)"' in snapshot
    finally:
        context.close()
