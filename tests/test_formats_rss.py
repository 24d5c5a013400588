"""RSS 2.0 builder, read back with feedparser and lxml."""
from __future__ import annotations

from datetime import timedelta
from email.utils import parsedate_to_datetime

import feedparser
from formats_factory import HUB, LINKS, NS, T0, make_blog, make_entries, make_entry, one_page, xml

from syndicate.formats import build_rss
from syndicate.links import entry_guid
from syndicate.model import Audio, Media, Page

BLOG_PAGE = "https://news.example/live/blogs/election/"
SELF = "https://news.example/live/blogs/election/rss.xml"


def parse(data: bytes) -> feedparser.FeedParserDict:
    feed = feedparser.parse(data)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_channel_fields() -> None:
    entries = make_entries(4)
    data = build_rss(make_blog(), entries, LINKS, one_page(entries), hub=HUB)
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    feed = parse(data).feed
    assert feed.title == "Election night"
    assert feed.link == BLOG_PAGE
    assert feed.subtitle == "Results as they come in."
    assert feed.language == "en-GB"
    root = xml(data)
    # <channel><link> must be the blog page even though self and hub links follow it
    assert root.xpath("/rss/channel/link/text()") == [BLOG_PAGE]
    assert root.xpath("/rss/channel/atom:link[@rel='self']/@href", namespaces=NS) == [SELF]
    assert root.xpath("/rss/channel/atom:link[@rel='self']/@type", namespaces=NS) == ["application/rss+xml"]
    assert root.xpath("/rss/channel/atom:link[@rel='hub']/@href", namespaces=NS) == [HUB]
    # lastBuildDate comes from the data: the newest entry was updated at T0 + 3 min
    build_date = parsedate_to_datetime(root.findtext("channel/lastBuildDate"))
    assert build_date == T0 + timedelta(minutes=3)


def test_items() -> None:
    entries = make_entries(4)
    feed = parse(build_rss(make_blog(), entries, LINKS, one_page(entries)))
    assert len(feed.entries) == 4
    for item, entry in zip(feed.entries, entries, strict=True):
        assert item.id == entry_guid(entry.id)
        assert item.guidislink is False
        assert item.link == f"{BLOG_PAGE}entries/{entry.id}/"
        assert item.author == "Politics desk"
        assert parsedate_to_datetime(item.published) == entry.published
        assert entry.html in item.summary
        tags = [tag.term for tag in item.get("tags", [])]
        assert tags == (["key-event"] if entry.key_event else [])
        assert [(e.href, e.length, e.type) for e in item.enclosures] == [
            (LINKS.audio(entry.audio.file), str(entry.audio.bytes), "audio/mpeg")
        ]
    # newest first, as given
    assert [item.id for item in feed.entries] == [entry_guid(e.id) for e in entries]
    first_odd = next(item for item, entry in zip(feed.entries, entries, strict=True) if entry.media)
    assert "<figure><figcaption>The count centre (Photo: Jo Bloggs)</figcaption></figure>" in first_odd.summary


def test_guid_is_not_a_permalink_in_xml() -> None:
    entries = make_entries(2)
    root = xml(build_rss(make_blog(), entries, LINKS, one_page(entries)))
    guids = root.xpath("/rss/channel/item/guid")
    assert [g.text for g in guids] == [entry_guid(e.id) for e in entries]
    assert {g.get("isPermaLink") for g in guids} == {"false"}


def test_untitled_and_titled_items() -> None:
    entries = [make_entry(1, headline="Polls close"), make_entry(0)]
    feed = parse(build_rss(make_blog(), entries, LINKS, one_page(entries)))
    assert feed.entries[0].title == "Polls close"
    assert feed.entries[1].title.startswith("08:30 \u2014 Guards run after the car")
    assert len(feed.entries[1].title) <= 60


def test_pending_audio_has_no_enclosure() -> None:
    entries = [make_entry(1, audio=Audio(status="pending")), make_entry(0, audio=None)]
    feed = parse(build_rss(make_blog(), entries, LINKS, one_page(entries)))
    assert [len(item.enclosures) for item in feed.entries] == [0, 0]


def test_rebuild_is_byte_identical() -> None:
    entries = make_entries(20)
    blog, page = make_blog(), one_page(entries)
    assert build_rss(blog, entries, LINKS, page, hub=HUB) == build_rss(blog, entries, LINKS, page, hub=HUB)


def test_edit_keeps_guid_and_moves_build_date() -> None:
    entry = make_entry(0)
    edited = entry.with_(updated=T0 + timedelta(hours=2), text="Corrected.", html="<p>Corrected.</p>")
    before = xml(build_rss(make_blog(), [entry], LINKS, one_page([entry])))
    after = xml(build_rss(make_blog(), [edited], LINKS, one_page([edited])))
    assert before.findtext("channel/item/guid") == after.findtext("channel/item/guid")
    assert before.findtext("channel/item/pubDate") == after.findtext("channel/item/pubDate")
    assert parsedate_to_datetime(after.findtext("channel/lastBuildDate")) == T0 + timedelta(hours=2)
    assert "Corrected." in after.findtext("channel/item/description")


def test_html_injection_through_title_and_caption_is_escaped() -> None:
    evil = "<script>alert(1)</script>"
    entry = make_entry(1, headline=evil, media=(Media(caption=evil, credit="<b>x</b>"),))
    blog = make_blog(title=f"Blog {evil}")
    data = build_rss(blog, [entry], LINKS, one_page([entry]))
    assert b"<script" not in data
    root = xml(data)
    assert root.findtext("channel/title") == f"Blog {evil}"
    assert root.findtext("channel/item/title") == evil
    # the caption is escaped inside the HTML, so the HTML (once unescaped from XML) is inert
    description = root.findtext("channel/item/description")
    assert "<script>" not in description
    assert "&lt;script&gt;alert(1)&lt;/script&gt; (Photo: &lt;b&gt;x&lt;/b&gt;)" in description
    item = parse(data).entries[0]
    assert item.title_detail.type == "text/plain"
    assert "<script" not in item.summary


def test_control_characters_do_not_break_the_feed() -> None:
    entry = make_entry(1, headline="Bad\x0b title\x00", text="t\x1f", html="<p>x\x08y</p>")
    feed = parse(build_rss(make_blog(title="B\x01log"), [entry], LINKS, one_page([entry])))
    assert feed.entries[0].title == "Bad title"
    assert feed.feed.title == "Blog"


def test_paging_links_on_page_two_of_three() -> None:
    entries = make_entries(10)
    data = build_rss(make_blog(), entries, LINKS, Page(number=2, size=10, total=25), hub=HUB)
    root = xml(data)
    links = {
        link.get("rel"): link.get("href")
        for link in root.xpath("/rss/channel/atom:link", namespaces=NS)
    }
    assert links == {
        "self": "https://news.example/live/blogs/election/archive/2/rss.xml",
        "hub": HUB,
        "first": SELF,
        "previous": SELF,
        "next": "https://news.example/live/blogs/election/archive/1/rss.xml",
        "last": "https://news.example/live/blogs/election/archive/1/rss.xml",
    }
    assert root.findtext("channel/link") == BLOG_PAGE
    parse(data)


def test_empty_blog_still_valid() -> None:
    blog = make_blog(description="", author="")
    feed = parse(build_rss(blog, [], LINKS, Page(number=0, size=50, total=0)))
    assert feed.feed.subtitle == "Live updates: Election night"
    assert feed.entries == []
