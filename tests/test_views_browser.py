"""The text view in a real browser: axe-core rules (WCAG 2.2 AA and best practice) in light and
dark schemes, reflow at 320 CSS px, what a screen reader is given, and the CSP.

Pages are rendered by the views and served with the CSP header from a local http.server, so the
browser sees exactly the bytes and headers the app sends. Skips (or fails, when
SYNDICATE_REQUIRE_BROWSER=1) without Chromium or axe-core (`npm ci` at the repository root).
Set SYNDICATE_SCREENSHOTS=<dir> to save a screenshot of every page checked.
"""
from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

import pytest
from browser import AXE_RUN, serve
from views_fixtures import LINKS, UTC, feature_entries, make_blog, page_of, typical_entries

from syndicate.views import CSP, render_blog_html, render_blog_text, render_index_html

HTML = "text/html; charset=utf-8"
FEATURE = "/blogs/river-festival/archive/2/"
PAGES = {
    "feature": FEATURE,  # every kind of entry, the newest of two fixed older pages
    "busy": "/blogs/busy/",  # 50 typical entries
    "other-language": "/blogs/tet/",
    "index": "/",
}
SCHEMES = ("light", "dark")


def _routes() -> dict[str, tuple[bytes, dict[str, str]]]:
    generated = datetime(2024, 3, 2, 3, 15, tzinfo=UTC)
    blog, entries = make_blog(), feature_entries()
    busy = typical_entries(50)
    other = make_blog(slug="tet", title="Tết ở Sài Gòn", language="vi", status="ended",
                      description="Người dân đón năm mới bên bờ sông.")
    html = {
        FEATURE: render_blog_html(blog, entries, LINKS, page_of(entries, 2, 4, 11), generated=generated),
        PAGES["busy"]: render_blog_html(make_blog(slug="busy"), busy, LINKS, page_of(busy, 0, 50, 120)),
        PAGES["other-language"]: render_blog_html(other, entries, LINKS, page_of(entries), key_only=True),
        PAGES["index"]: render_index_html([blog, other], LINKS),
    }
    routes = {path: (body.encode(), {"Content-Type": HTML, "Content-Security-Policy": CSP})
              for path, body in html.items()}
    routes["/blogs/river-festival.txt"] = (
        render_blog_text(blog, entries, LINKS).encode(), {"Content-Type": "text/plain; charset=utf-8"})
    return routes


@pytest.fixture(scope="module")
def site():
    with serve(_routes()) as base:
        yield base


class Visit:
    """A page opened in its own browser context, with every console error and page error."""

    def __init__(self, context, page, response, errors):
        self.context, self.page, self.response, self.errors = context, page, response, errors


@pytest.fixture
def visit(browser, site):
    """visit(path, scheme="light", width=1024) -> Visit; contexts are closed after the test."""
    opened = []

    def _visit(path: str, scheme: str = "light", width: int = 1024) -> Visit:
        context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 800})
        opened.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        response = page.goto(site + path)
        assert response is not None and response.ok, path
        shots = os.environ.get("SYNDICATE_SCREENSHOTS")
        if shots:
            name = path.strip("/").replace("/", "_") or "index"
            page.screenshot(path=str(Path(shots) / f"{name}-{scheme}-{width}.png"), full_page=True)
        return Visit(context, page, response, errors)

    yield _visit
    for context in opened:
        context.close()


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violations(visit, axe_source, name, scheme):
    page = visit(PAGES[name], scheme).page
    page.evaluate(axe_source)  # evaluate, not a <script> tag: the CSP forbids scripts
    result = page.evaluate(AXE_RUN)
    assert result["violations"] == [], "\n" + _describe(result["violations"])


@pytest.mark.parametrize("scheme", SCHEMES)
def test_scheme_is_followed(visit, scheme):
    page = visit(FEATURE, scheme).page
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == ("rgb(255, 255, 255)" if scheme == "light" else "rgb(18, 18, 18)")


@pytest.mark.parametrize("name", PAGES)
def test_reflows_at_320_px(visit, name):
    page = visit(PAGES[name], width=320).page
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_csp_is_sent_and_the_inline_style_applies(visit):
    seen = visit(FEATURE)
    assert seen.response.headers["content-security-policy"] == CSP
    # 40em: the stylesheet ran, so its hash in the CSP is right.
    assert seen.page.evaluate("getComputedStyle(document.body).maxWidth") == "640px"


@pytest.mark.parametrize("name", PAGES)
def test_no_console_errors(visit, name):
    seen = visit(PAGES[name], "dark", 320)
    seen.page.wait_for_load_state("load")
    assert seen.errors == []  # CSP violations would be reported here


def test_headings_in_order(visit):
    page = visit(FEATURE).page
    snapshot = page.aria_snapshot()
    levels = [int(level) for level in re.findall(r"heading .*\[level=(\d)\]", snapshot)]
    assert levels[0] == 1 and set(levels[1:]) == {2}
    assert page.get_by_role("heading", level=1).count() == 1
    entry_headings = page.locator("article h2").all_inner_texts()
    assert len(entry_headings) == 4
    assert all(re.match(r"\d\d:\d\d UTC\+7, \w+ \d+ \w+", text) for text in entry_headings)


def test_landmarks_are_named(visit):
    page = visit(FEATURE).page
    snapshot = page.aria_snapshot()
    for landmark in ("banner", 'navigation "Feeds and formats"', "main", 'navigation "View options"',
                     'navigation "Pages"', 'region "Background"', "contentinfo"):
        assert re.search(rf"^\s*- {re.escape(landmark)}:", snapshot, re.M), landmark


def test_link_names_say_where_they_go(visit):
    page = visit(FEATURE).page
    snapshot = page.aria_snapshot()
    assert 'link "Listen to this update (MP3, 42 seconds, 180 kB)"' in snapshot
    assert page.get_by_role("link", name=re.compile(r"^Listen to this update \(MP3, ")).count() == 2
    for name in ("Read the transcript", "Link to this update", "Newer updates", "Older updates",
                 "RSS feed", "Podcast feed", "Plain text version", "Reload for new updates"):
        assert page.get_by_role("link", name=name).count() >= 1, name


def test_articles_are_named_by_their_heading(visit):
    page = visit(FEATURE).page
    article = page.get_by_role("article").first
    assert article.get_attribute("aria-labelledby") == "h-" + feature_entries()[0].id
    assert "Key event" in page.get_by_role("article", name=re.compile("Final heat")).inner_text()


def test_skip_link_appears_on_focus_and_moves_to_main(visit):
    page = visit(FEATURE, width=320).page
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0 and box["height"] >= 24
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_text_version_is_served_as_text(visit):
    seen = visit("/blogs/river-festival.txt")
    assert seen.response.headers["content-type"].startswith("text/plain")
    assert "== 08:30 UTC+7, Saturday 2 March 2024 ==" in seen.page.inner_text("body")
