"""The text view's HTML and plain-text renderers, checked by parsing what they return (no browser)."""
from __future__ import annotations

import base64
import gzip
import hashlib
import re
from datetime import datetime, timedelta

import lxml.html
import pytest
from views_fixtures import (
    EVIL,
    LINKS,
    LONG_URL,
    UTC,
    entry_id,
    feature_entries,
    make_blog,
    page_of,
    typical_entries,
)

from syndicate.links import FEED_TYPES
from syndicate.model import Audio, Entry
from syndicate.timeutil import parse_datetime, to_rfc3339
from syndicate.views import (
    CSP,
    format_local_time,
    human_duration,
    human_size,
    render_blog_html,
    render_blog_text,
    render_index_html,
    zone_label,
)
from syndicate.views.formatting import to_local

GENERATED = datetime(2024, 3, 2, 3, 15, tzinfo=UTC)


def parse(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html)


@pytest.fixture
def blog():
    return make_blog()


@pytest.fixture
def entries():
    return feature_entries()


@pytest.fixture
def doc(blog, entries):
    """Page 2 of 3 of the feature blog, newest first."""
    return parse(render_blog_html(blog, entries, LINKS, page_of(entries, 2, 4, 11), generated=GENERATED))


# --- the document as a whole ---------------------------------------------------------------

def test_language_title_and_one_h1(doc, blog):
    assert doc.get("lang") == "en-GB"
    assert doc.findtext(".//title") == ("River festival: boat race day — live updates, page 2, "
                                        "counted from the first update — syndicate")
    assert [h.text_content() for h in doc.iter("h1")] == [blog.title]


def test_titles_differ_between_views(blog, entries):
    titles = {
        parse(render_blog_html(blog, entries, LINKS, page_of(entries, n, 4, 11), order=order, key_only=key))
        .findtext(".//title")
        for n in (1, 2) for order in ("newest", "oldest") for key in (False, True)
    }
    assert len(titles) == 8


def test_landmarks_and_skip_link(doc):
    skip = doc.xpath("//body/*[1]")[0]
    assert skip.tag == "a" and skip.get("href") == "#main"
    assert len(doc.xpath("//main[@id='main']")) == 1
    assert len(doc.xpath("//body/header")) == 1 and len(doc.xpath("//body/footer")) == 1
    labels = [nav.get("aria-label") for nav in doc.iter("nav")]
    assert all(labels) and len(set(labels)) == len(labels)
    assert "Pages" in labels


def test_no_scripts_refresh_or_media(doc):
    assert not doc.xpath("//script | //meta[@http-equiv] | //audio | //video | //img | //iframe")
    assert not doc.xpath("//@*[starts-with(name(), 'on')] | //@autoplay")


def test_status_last_updated_and_reload(doc, blog):
    status = doc.xpath("//p[@class='st']")[0]
    assert "Status: Live." in status.text_content()
    stamp = status.find("time")
    assert parse_datetime(stamp.get("datetime")) == blog.updated
    assert stamp.text == "10:10 UTC+7, Saturday 2 March 2024"
    reload = doc.xpath("//a[.='Reload for new updates']")[0]
    assert reload.get("href") == LINKS.blog_page(blog.slug, 2)
    ended = parse(render_blog_html(make_blog(status="ended"), [], LINKS, page_of([])))
    assert "Status: Ended." in ended.xpath("//p[@class='st']")[0].text_content()


def test_standfirst_and_background(doc, blog):
    main_text = [p.text_content() for p in doc.xpath("//main/p")]
    assert blog.description in main_text
    section = doc.xpath("//section[@aria-labelledby='bg']")[0]
    assert section.findtext("h2") == "Background"
    assert [p.text for p in section.iter("p")][0] == "The races began in 1990."
    assert section.xpath("following-sibling::article") == []  # after the entries


def test_alternate_links_in_head(doc, blog):
    alternates = doc.xpath("//head/link[@rel='alternate']")
    assert [(a.get("type"), a.get("href")) for a in alternates] == [
        (FEED_TYPES[fmt], LINKS.feed(blog.slug, fmt)) for fmt in ("rss", "atom", "json", "podcast")
    ]
    assert all(a.get("title").startswith(blog.title) for a in alternates)
    assert len({a.get("title") for a in alternates}) == 4


def test_feed_navigation_lists_every_format(doc, blog):
    nav = doc.xpath("//nav[@aria-label='Feeds and formats']")[0]
    hrefs = [a.get("href") for a in nav.iter("a")]
    assert hrefs == [LINKS.feed(blog.slug, f) for f in ("rss", "atom", "json", "podcast")] + [
        LINKS.blog_text(blog.slug), LINKS.opml()]


# --- entries --------------------------------------------------------------------------------

def test_every_entry_is_an_article_with_a_timed_heading(doc, entries):
    articles = doc.xpath("//main/article")
    assert [a.get("id") for a in articles] == [f"entry-{e.id}" for e in entries]
    for article, entry in zip(articles, entries, strict=True):
        heading = article.xpath("h2")[0]
        assert article.get("aria-labelledby") == heading.get("id") == f"h-{entry.id}"
        stamp = heading.find("time")
        assert stamp.get("datetime") == to_rfc3339(entry.published)
        assert "UTC+7" in stamp.text


def test_dates_in_headings_when_the_page_spans_days(doc):
    times = [t.text for t in doc.xpath("//article/h2/time")]
    assert times[0] == "08:30 UTC+7, Saturday 2 March"
    assert times[-1] == "23:50 UTC+7, Friday 1 March"


def test_time_only_when_everything_is_today(blog):
    today = feature_entries()[:2]
    doc = parse(render_blog_html(blog, today, LINKS, page_of(today), generated=GENERATED))
    assert [t.text for t in doc.xpath("//article/h2/time")] == ["08:30 UTC+7", "08:10 UTC+7"]


def test_headline_or_the_feeds_title(doc):
    headings = [h.text_content() for h in doc.xpath("//article/h2")]
    assert headings[0].endswith("Final heat won by the Thu Duc team")
    # Untitled: the feeds' title, its time and first words, not a bare "Update".
    assert headings[2].endswith(" 07:30 — Route details are on https://example.org/a-very-lon…")
    assert "Update" not in headings[2]


def test_injected_markup_is_escaped(blog, entries):
    html = render_blog_html(blog, entries, LINKS, page_of(entries))
    assert EVIL not in html
    assert html.count("&lt;script&gt;") == 3  # headline, caption, background
    doc = parse(html)
    assert not doc.xpath("//script")
    assert EVIL in doc.xpath("//article")[1].xpath("h2")[0].text_content()


def test_entry_html_is_kept(doc):
    link = doc.xpath("//article[3]//a[contains(@href, 'example.org')]")[0]
    assert link.get("href") == LONG_URL


def test_plain_text_body_becomes_paragraphs(doc):
    last = doc.xpath("//main/article")[-1]
    assert [p.text for p in last.xpath("p")][:2] == ["Barges brought the boats upriver.", "They were unloaded by hand."]


def test_key_event_marker_in_words(doc):
    marks = doc.xpath("//article//*[@class='k']")
    assert [m.text for m in marks] == ["Key event"]
    assert marks[0].getparent().tag == "h2"  # read out when jumping between headings


def test_edited_marker(doc, entries):
    first = doc.xpath("//main/article")[0]
    updated = first.xpath(".//p[starts-with(., 'Updated at')]")[0]
    assert updated.find("time").get("datetime") == to_rfc3339(entries[0].updated)
    assert len(doc.xpath("//p[starts-with(., 'Updated at')]")) == 1


def test_captions_with_credits(doc):
    captions = [p.text_content() for p in doc.xpath("//p[@class='c']")]
    assert captions[0] == "Photo: The winning crew lifts the cup (Credit: Lan Pham)"
    assert captions[1].startswith("Video: The collision")
    assert doc.xpath("//p[@class='c']/a")[0].get("href") == "https://video.example/clip/1"


def test_permalinks_are_the_entry_pages(doc, entries):
    # An anchor in this page breaks once the entry moves to an older page; its own page does not.
    links = doc.xpath("//a[.='Link to this update']")
    assert [a.get("href") for a in links] == [LINKS.entry("river-festival", e.id) for e in entries]


def test_audio_links(doc, blog, entries):
    listen = doc.xpath("//a[starts-with(., 'Listen to this update')]")
    assert [a.text for a in listen] == [
        "Listen to this update (MP3, 42 seconds, 180 kB)",
        "Listen to this update (MP3, 1 minute 5 seconds, 1.2 MB)",
    ]
    assert listen[0].get("href") == LINKS.audio("ab12cd34.mp3")
    transcripts = doc.xpath("//a[.='Read the transcript']")
    assert transcripts[0].get("href") == LINKS.transcript(blog.slug, entries[0].id, "txt")
    pending = doc.xpath("//main/article")[1]
    assert pending.xpath(".//p[starts-with(., 'Audio coming soon.')]")
    failed = doc.xpath("//main/article")[3]
    assert not failed.xpath(".//p[contains(., 'Audio') or contains(., 'Listen')]")


# --- navigation -----------------------------------------------------------------------------

def _page_links(doc) -> dict[str, str]:
    return {a.text: a.get("href") for a in doc.xpath("//nav[@aria-label='Pages']//a")}


def test_pagination_newest_first(doc, blog):
    assert _page_links(doc) == {
        "Newer updates": LINKS.blog_page(blog.slug),  # 11 entries, 4 a page: archive 2 is the newest
        "Older updates": LINKS.blog_page(blog.slug, 1),
    }
    assert "Page 2, counted from the first update" in doc.xpath("//nav[@aria-label='Pages']")[0].text_content()


def test_pagination_keeps_the_readers_choices(blog, entries):
    doc = parse(render_blog_html(blog, entries, LINKS, page_of(entries, 2, 4, 11), order="oldest", key_only=True))
    assert _page_links(doc) == {
        "Older updates": LINKS.blog_page(blog.slug, 0, "oldest", True),
        "Newer updates": LINKS.blog_page(blog.slug, 3, "oldest", True),
    }
    views = {a.text: a.get("href") for a in doc.xpath("//nav[@aria-label='View options']//a")}
    assert views == {
        "Reload for new updates": LINKS.blog_page(blog.slug, 2, "oldest", True),
        "Newest first": LINKS.blog_page(blog.slug, 0, "newest", True),
        "All updates": LINKS.blog_page(blog.slug, 0, "oldest"),
    }


def test_single_page_has_no_page_nav(blog, entries):
    doc = parse(render_blog_html(blog, entries, LINKS, page_of(entries)))
    assert not doc.xpath("//nav[@aria-label='Pages']")
    views = {a.text: a.get("href") for a in doc.xpath("//nav[@aria-label='View options']//a")}
    assert views["Oldest first"] == LINKS.blog_page(blog.slug, 0, "oldest")
    assert views["Key events only"] == LINKS.blog_page(blog.slug, 0, "newest", True)


def test_unknown_order_is_refused(blog):
    with pytest.raises(ValueError, match="order"):
        render_blog_html(blog, [], LINKS, page_of([]), order="random")


def test_empty_blog(blog):
    doc = parse(render_blog_html(blog, [], LINKS, page_of([])))
    assert doc.xpath("//main/p[.='No updates yet.']")
    assert not doc.xpath("//article")


def test_service_words_marked_english_on_other_language_pages(entries):
    doc = parse(render_blog_html(make_blog(language="vi"), entries, LINKS, page_of(entries)))
    assert doc.get("lang") == "vi"
    assert doc.xpath("//header")[0].get("lang") == "en"
    assert doc.xpath("//p[@class='st']")[0].get("lang") == "en"
    assert doc.xpath("//h1")[0].get("lang") is None  # the blog's own words stay in its language
    assert {t.get("lang") for t in doc.xpath("//article/h2/time")} == {"en"}
    english = parse(render_blog_html(make_blog(), entries, LINKS, page_of(entries)))
    assert not english.xpath("//body//*[@lang]")  # nothing to mark on an English page


# --- CSP and weight -------------------------------------------------------------------------

def test_csp_allows_exactly_the_inline_style(doc):
    style = doc.xpath("//head/style")[0].text
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in CSP
    assert "default-src 'none'" in CSP and "script-src" not in CSP


def test_weight_of_a_busy_page(blog):
    """50 entries of ~300 characters. The raw page cannot be under 15 kB (the entries' own text
    is ~14 kB), so the budget is on what goes over the wire (gzip, as the route sends it) and
    on the markup added per entry."""
    entries = typical_entries(50)
    raw = render_blog_html(blog, entries, LINKS, page_of(entries, 0, 50, 120)).encode()
    empty = render_blog_html(blog, [], LINKS, page_of([])).encode()
    content = sum(len(e.html.encode()) for e in entries)
    per_entry = (len(raw) - len(empty) - content) / len(entries)
    print(f"50 entries: {len(raw)} bytes raw, {len(gzip.compress(raw))} gzip, {per_entry:.0f} markup/entry")
    assert len(gzip.compress(raw)) < 15_000
    assert len(empty) < 5_000  # head, inline CSS, navigation, footer
    assert per_entry < 700  # time, headline, ids, permalink and (for half) two audio URLs


# --- index ----------------------------------------------------------------------------------

def test_index_lists_blogs():
    blogs = [make_blog(), make_blog(slug="tet", title="Tết ở Sài Gòn", language="vi", status="ended")]
    doc = parse(render_index_html(blogs, LINKS))
    assert doc.get("lang") == "en" and doc.findtext(".//title") == "Live blogs — syndicate"
    assert [h.text_content() for h in doc.iter("h1")] == ["Live blogs"]
    articles = doc.xpath("//main/article")
    assert [a.xpath("h2/a")[0].get("href") for a in articles] == [LINKS.blog_page(b.slug) for b in blogs]
    assert articles[1].get("lang") == "vi"
    assert "Status: Ended." in articles[1].xpath(".//p[@class='st']")[0].text_content()
    assert articles[1].xpath(".//p[@class='st']")[0].get("lang") == "en"
    stamp = articles[0].xpath(".//time")[0]
    assert stamp.get("datetime") == to_rfc3339(blogs[0].updated)
    hrefs = [a.get("href") for a in articles[0].xpath(".//ul//a")]
    assert LINKS.blog_text("river-festival") in hrefs and LINKS.feed("river-festival", "podcast") in hrefs
    assert doc.xpath("//head/link[@rel='alternate']")[0].get("href") == LINKS.opml()


def test_index_escapes_and_handles_no_blogs():
    doc = parse(render_index_html([make_blog(title=EVIL)], LINKS))
    assert not doc.xpath("//script") and doc.xpath("//h2")[0].text_content() == EVIL
    assert parse(render_index_html([], LINKS)).xpath("//main/p[.='No live blogs yet.']")


# --- plain text -----------------------------------------------------------------------------

def test_text_version_marks_each_entry(blog, entries):
    text = render_blog_text(blog, entries, LINKS)
    assert "== 08:30 UTC+7, Saturday 2 March 2024 ==\nKey event: Final heat won by the Thu Duc team\n" in text
    assert "== 23:50 UTC+7, Friday 1 March 2024 ==\nBoats arrive overnight\n" in text
    assert "\nPhoto: The winning crew lifts the cup (Credit: Lan Pham)\n" in text
    assert "the Thu Duc team\nUpdated at 08:42 UTC+7, Saturday 2 March 2024.\n" in text
    assert "Listen (MP3, 42 seconds, 180 kB):" in text and LINKS.audio("ab12cd34.mp3") in text
    assert text.count("\n== ") == len(entries)
    assert EVIL in text  # plain text: shown as written, nothing to escape


@pytest.mark.parametrize("width", [72, 40])
def test_text_version_wraps(blog, entries, width):
    text = render_blog_text(blog, entries + typical_entries(5), LINKS, width=width)
    for line in text.splitlines():
        if len(line) > width:  # only an unbreakable URL may stick out, alone on its line
            assert " " not in line.strip() and re.match(r"\S*https?://", line), line


def test_text_version_ends_with_the_feeds(blog, entries):
    text = render_blog_text(blog, entries, LINKS)
    tail = text[text.index("Feeds and other versions"):]
    for fmt in ("rss", "atom", "json", "podcast"):
        assert LINKS.feed(blog.slug, fmt) in tail
    assert LINKS.opml() in tail and LINKS.blog_page(blog.slug) in tail
    assert text.index("Background") < text.index("Feeds and other versions")


def test_text_version_skips_deleted_entries(blog, entries):
    gone = entries[0].with_(deleted=entries[0].updated + timedelta(minutes=1))
    text = render_blog_text(blog, [gone] + entries[1:], LINKS)
    assert "Final heat" not in text and "3 updates, newest first." in text


# --- words for times, sizes and durations ---------------------------------------------------

@pytest.mark.parametrize(("tz", "expected"), [
    ("Asia/Ho_Chi_Minh", "UTC+7"), ("Asia/Kathmandu", "UTC+5:45"), ("America/Sao_Paulo", "UTC-3"),
    ("Europe/London", "GMT"), ("America/New_York", "EST"), ("UTC", "UTC"),
])
def test_zone_is_named(tz, expected):
    assert zone_label(to_local(datetime(2019, 2, 26, 1, 30, tzinfo=UTC), tz)) == expected


def test_format_local_time():
    moment = datetime(2019, 2, 26, 1, 30, tzinfo=UTC)
    assert format_local_time(moment, "Asia/Ho_Chi_Minh", "en") == "08:30 UTC+7, Tuesday 26 February 2019"
    assert format_local_time(moment, "America/New_York", "en-US") == "8:30 p.m. EST, Monday, February 25, 2019"
    assert format_local_time(moment, "Europe/London", "en-GB", with_date=False) == "01:30 GMT"
    assert format_local_time(moment, "Not/AZone", "en", with_date=False) == "01:30 UTC"


@pytest.mark.parametrize(("size", "words"), [
    (None, ""), (1, "1 byte"), (900, "900 bytes"), (1_500, "1.5 kB"), (180_000, "180 kB"),
    (999_700, "1.0 MB"), (2_400_000, "2.4 MB"), (25_000_000, "25 MB"),
])
def test_human_size(size, words):
    assert human_size(size) == words


@pytest.mark.parametrize(("seconds", "words"), [
    (None, ""), (0.2, "1 second"), (42.4, "42 seconds"), (60, "1 minute"), (65, "1 minute 5 seconds"),
    (121, "2 minutes 1 second"), (3725, "1 hour 2 minutes"),
])
def test_human_duration(seconds, words):
    assert human_duration(seconds) == words


def test_audio_label_without_details(blog):
    entry = Entry(id=entry_id(7), published=GENERATED, updated=GENERATED, headline="x",
                  audio=Audio(status="ready", file="x.mp3"))
    doc = parse(render_blog_html(blog, [entry], LINKS, page_of([entry])))
    assert doc.xpath("//a[starts-with(., 'Listen')]")[0].text == "Listen to this update (MP3)"


# --- details that screen-reader and terminal users asked for --------------------------------

def test_text_version_separates_a_caption_from_the_listen_line(blog, entries):
    text = render_blog_text(blog, entries, LINKS)
    assert "\nPhoto: The winning crew lifts the cup (Credit: Lan Pham)\n\nListen (MP3, 42 seconds" in text
    # A video's caption keeps its link right under it, then the blank line.
    assert "\nOpen the video: https://video.example/clip/1\n\nLink:" in text


def test_untitled_entries_get_the_feeds_title_in_the_text_version(blog, entries):
    text = render_blog_text(blog, entries, LINKS)
    assert "==\n07:30 \u2014 Route details are on" in text
    assert "\nUpdate\n" not in text


def test_last_updated_is_the_newest_entry_not_the_import(blog, entries):
    imported = make_blog(updated=datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    newest = max(e.updated for e in entries)  # 08:42 local, the edit of the first entry
    text = render_blog_text(imported, entries, LINKS)
    assert "Last updated 08:42 UTC+7, Saturday 2 March 2024." in text
    doc = parse(render_blog_html(imported, entries, LINKS, page_of(entries), updated=newest))
    assert doc.xpath("//p[@class='st']/time")[0].get("datetime") == to_rfc3339(newest)
    index = parse(render_index_html([imported], LINKS, {imported.slug: newest}))
    assert index.xpath("//p[@class='st']/time")[0].get("datetime") == to_rfc3339(newest)
    # No entries: the blog's own time.
    assert "Last updated 16:00 UTC+7, Monday 30 November 2026." in render_blog_text(imported, [], LINKS)
