"""schema.org LiveBlogPosting JSON-LD: bare, in HTML pages, @graph, lists, fallbacks."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from syndicate.ingest import IngestError, parse

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
NOW = datetime(2024, 6, 1, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def minimal(updates: list, **blog) -> str:
    return json.dumps({"@context": "https://schema.org", "@type": "LiveBlogPosting",
                       "headline": "Live: the vote", **blog, "liveBlogUpdate": updates})


@pytest.fixture
def launch():
    return parse((FIXTURES / "liveblog.json").read_text(), timezone="Europe/Oslo", now=NOW)


def test_blog_fields(launch):
    assert launch.format == "jsonld"
    assert launch.title == "Live: Kestrel rocket lifts off from Sandy Cape"
    assert launch.description == "Follow the first launch of the Kestrel rocket."
    assert launch.language == "en-GB"
    assert launch.timezone is None
    assert launch.author == "Maya Lindqvist, Omar Haddad"
    assert launch.link == "https://news.example/live/orbital-launch"
    assert launch.status == "ended"  # coverageEndTime is before `now`
    assert parse((FIXTURES / "liveblog.json").read_text(), now=utc(2024, 5, 1, 9)).status == "live"


def test_updates_newest_first_with_ids(launch):
    assert [e.source_id for e in launch.entries] == [
        "https://news.example/live/orbital-launch#update-3",   # @id
        "https://news.example/live/orbital-launch#update-1b",  # dateModified only
        launch.entries[2].source_id,                           # nothing: blog datePublished
        "https://news.example/live/orbital-launch#post-2",     # url with an anchor
    ]
    assert launch.entries[2].source_id.startswith("sha1:")
    assert [e.published for e in launch.entries] == [
        utc(2024, 5, 1, 8, 15), utc(2024, 5, 1, 7, 45), utc(2024, 5, 1, 7), utc(2024, 5, 1, 6, 5)]
    assert [e.time_known for e in launch.entries] == [True, False, False, True]
    assert launch.entries[0].updated == utc(2024, 5, 1, 8, 20)


def test_headline_equal_to_blog_is_dropped(launch):
    assert launch.entries[0].headline == ""
    assert launch.entries[3].headline == "Weather is go"


def test_naive_times_use_the_blog_zone(launch):
    # "2024-05-01T08:05:00" in Europe/Oslo (UTC+2 in May)
    assert launch.entries[3].published == utc(2024, 5, 1, 6, 5)
    in_utc = {e.source_id: e for e in parse((FIXTURES / "liveblog.json").read_text()).entries}
    assert in_utc["https://news.example/live/orbital-launch#post-2"].published == utc(2024, 5, 1, 8, 5)


def test_html_body_is_cleaned(launch):
    html = launch.entries[0].html
    assert "<strong>10:14</strong>" in html
    for bad in ("<script", "alert(", "onerror", "javascript:", "onclick", "<img"):
        assert bad not in html
    assert 'href="https://news.example/video"' in html


def test_plain_body_becomes_paragraphs(launch):
    assert launch.entries[3].html == ("<p>The launch director says the weather is acceptable.</p>"
                                      "<p>Winds at the pad are 12 km/h.</p>")


def test_media(launch):
    photo = launch.entries[0].media[0]
    assert (photo.kind, photo.caption, photo.credit, photo.url) == (
        "photo", "The Kestrel clears the tower.", "Sandy Cape Launch Services", "https://news.example/img/liftoff.jpg")
    video = launch.entries[3].media[0]
    assert (video.kind, video.caption, video.credit, video.url) == (
        "video", "Rollout to the pad", "Kestrel Aerospace", "https://news.example/video/rollout.mp4")
    # Three bare URLs (two crops and a javascript: URL) give one photo.
    assert [m.url for m in launch.entries[1].media] == ["https://news.example/img/fuel-1x1.jpg"]


def test_html_page_with_graph_and_references():
    blog = parse((FIXTURES / "page.html").read_bytes(), timezone="Asia/Ho_Chi_Minh", now=NOW)
    assert blog.format == "jsonld"
    assert blog.title == "Mekong boat race & festival, live"
    assert blog.language == "vi"
    assert blog.author == "Example Daily"
    assert blog.link == "https://daily.example/live/boat-race"
    assert blog.status == "live"
    assert [(e.source_id, e.headline) for e in blog.entries] == [
        ("https://daily.example/live/boat-race#u2", "First heat"),
        ("https://daily.example/live/boat-race#u1", "Boats on the water")]
    assert blog.entries[0].published == utc(2024, 10, 12, 1, 10)
    assert blog.entries[0].html == "<p>The first heat is won by the <em>Can Tho</em> crew.</p>"
    assert blog.entries[0].media[0].credit == "Tran Minh"
    assert blog.entries[0].media[0].url == "https://daily.example/img/heat1.jpg"


def test_top_level_list_and_type_list():
    doc = json.dumps([
        {"@type": "Organization", "name": "Paper"},
        {"@type": ["NewsArticle", "LiveBlogPosting"], "name": "Count", "liveBlogUpdate": {
            "@type": "BlogPosting", "datePublished": "2024-05-01T10:00:00Z", "articleBody": "One."}},
    ])
    blog = parse(doc)
    assert blog.title == "Count" and blog.status is None
    assert [e.html for e in blog.entries] == ["<p>One.</p>"]


def test_the_blog_with_most_updates_wins_and_prefixed_types():
    small = {"@type": "LiveBlogPosting", "headline": "Small", "liveBlogUpdate": []}
    big = {"@type": "http://schema.org/LiveBlogPosting", "headline": "Big", "liveBlogUpdate": [
        {"articleBody": "A", "datePublished": "2024-05-01T10:00:00Z"},
        {"articleBody": "B", "datePublished": "2024-05-01T09:00:00Z"}]}
    assert parse(json.dumps({"@graph": [small, big]})).title == "Big"


def test_hash_ids_are_stable_across_edits_and_unique():
    first = minimal([{"headline": "Polls close", "datePublished": "2024-05-01T20:00:00Z", "articleBody": "Now."},
                     {"headline": "Polls close", "datePublished": "2024-05-01T20:00:00Z", "articleBody": "Again."}])
    edited = first.replace("Now.", "Now, says the clerk.")
    a, b = parse(first).entries, parse(edited).entries
    assert [e.source_id for e in a] == [e.source_id for e in b]
    assert a[1].source_id == a[0].source_id + "~2"


def test_an_id_shared_by_every_update_is_not_used():
    page = "https://paper.example/live"
    older = [{"@id": page, "headline": "Doors open", "datePublished": "2024-05-01T18:00:00Z"},
             {"@id": page, "headline": "Count starts", "datePublished": "2024-05-01T22:00:00Z"}]
    newer = [{"@id": page, "headline": "First result", "datePublished": "2024-05-02T01:00:00Z"}, *older]
    ids_before = [e.source_id for e in parse(minimal(older)).entries]
    ids_after = [e.source_id for e in parse(minimal(newer)).entries]
    assert all(sid.startswith("sha1:") for sid in ids_after)
    assert ids_after[1:] == ids_before


def test_plain_body_with_entities():
    entry = parse(minimal([{"articleBody": "Tom &amp; Jerry\n\nSecond", "datePublished": "2024-05-01"}])).entries[0]
    assert entry.html == "<p>Tom &amp; Jerry</p><p>Second</p>"


def test_publisher_quirks():
    doc = minimal([{
        "headline": "<b>Turnout</b> &amp; results",
        "datePublished": "Wed, 01 May 2024 21:00:00 +0100",
        "articleBody": "Line one\nline two",
        "image": {"@type": "ImageObject", "url": "javascript:alert(1)", "caption": "Count",
                  "author": [{"@type": "Person", "name": "Ana"}, {"@type": "Person", "name": "Ben"}]},
    }, "not an object", {"datePublished": "not a date", "articleBody": "Undated."}],
        author="Desk", url={"@id": "javascript:alert(1)"}, inLanguage=["fr"])
    blog = parse(doc, now=NOW)
    assert blog.author == "Desk" and blog.language == "fr" and blog.link == ""
    entry = blog.entries[-1] if blog.entries[-1].time_known else blog.entries[0]
    assert entry.headline == "Turnout & results"
    assert entry.published == utc(2024, 5, 1, 20)
    assert entry.html == "<p>Line one<br>line two</p>"
    assert entry.media[0].url == "" and entry.media[0].credit == "Ana, Ben"
    undated = [e for e in blog.entries if not e.time_known]
    assert len(undated) == 1 and undated[0].published == NOW


def test_no_liveblog_errors():
    with pytest.raises(IngestError, match="jsonld: no LiveBlogPosting found"):
        parse('{"@type": "NewsArticle", "headline": "x"}')
    with pytest.raises(IngestError, match="no ld.json scripts"):
        parse("<html><body><p>Nothing here</p></body></html>")
    with pytest.raises(IngestError, match="1 unreadable"):
        parse('<html><script type="application/ld+json">{oops</script></html>')
    with pytest.raises(IngestError, match=r"jsonld: malformed JSON at line 1 column \d+"):
        parse('{"@type": "LiveBlogPosting",')
