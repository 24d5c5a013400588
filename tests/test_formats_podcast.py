"""Podcast RSS builder, read back with podcastparser (gPodder's parser), feedparser and lxml."""
from __future__ import annotations

import io
import uuid
from datetime import timedelta

import feedparser
import podcastparser
from formats_factory import HUB, LINKS, NS, T0, make_blog, make_entries, make_entry, one_page, ready_audio, xml

from syndicate.formats import build_podcast
from syndicate.formats.podcast import channel_description, podcast_guid
from syndicate.links import episode_guid
from syndicate.model import Audio, Entry, Page

FEED_URL = "https://news.example/live/blogs/election/podcast.xml"
COVER = "https://news.example/live/blogs/election/cover.png"


def mixed_entries() -> list[Entry]:
    """Six entries, newest first; only numbers 5, 3 and 0 have audio ready to publish."""
    return [
        make_entry(5),
        make_entry(4, audio=Audio(status="pending")),
        make_entry(3, audio=ready_audio(3, size=1_000_001, duration=59.01)),
        make_entry(2, audio=None),
        make_entry(1, audio=Audio(status="failed", error="voice crashed")),
        make_entry(0),
    ]


def build(entries: list[Entry], **kwargs: object) -> bytes:
    return build_podcast(make_blog(), entries, LINKS, one_page(entries), **kwargs)


def test_podcastparser_reads_only_ready_episodes() -> None:
    entries = mixed_entries()
    podcast = podcastparser.parse(FEED_URL, io.BytesIO(build(entries)))
    ready = [entries[0], entries[2], entries[5]]
    assert len(podcast["episodes"]) == 3
    assert podcast["title"] == "Election night"
    assert podcast["link"] == "https://news.example/live/blogs/election/"
    assert podcast["cover_url"] == COVER
    assert podcast["itunes_categories"] == [["News", "Daily News"]]
    assert podcast["type"] == "episodic"
    assert podcast["explicit"] is False
    for episode, entry in zip(podcast["episodes"], ready, strict=True):
        assert episode["guid"] == episode_guid(entry.id)
        assert episode["link"] == f"https://news.example/live/blogs/election/entries/{entry.id}/"
        assert episode["published"] == int(entry.published.timestamp())
        assert episode["explicit"] is False
        assert episode["enclosures"] == [{
            "url": LINKS.audio(entry.audio.file),
            "file_size": entry.audio.bytes,
            "mime_type": "audio/mpeg",
        }]
    assert [e["total_time"] for e in podcast["episodes"]] == [13, 60, 13]  # rounded up
    assert podcast["episodes"][2]["title"].startswith("08:30 \u2014 Guards run")
    assert "Read by a synthetic voice." in podcast["episodes"][0]["description"]


def test_feedparser_reads_it_cleanly() -> None:
    feed = feedparser.parse(build(mixed_entries(), hub=HUB))
    assert not feed.bozo, feed.get("bozo_exception")
    assert len(feed.entries) == 3
    assert feed.feed.image.href == COVER


def test_channel_elements() -> None:
    root = xml(build(make_entries(2), hub=HUB))
    channel = root.find("channel")
    assert channel.findtext("link") == "https://news.example/live/blogs/election/"
    assert channel.findtext("language") == "en-GB"
    assert root.xpath("/rss/channel/atom:link[@rel='self']/@href", namespaces=NS) == [FEED_URL]
    assert root.xpath("/rss/channel/atom:link[@rel='hub']/@href", namespaces=NS) == [HUB]
    assert root.xpath("/rss/channel/itunes:explicit/text()", namespaces=NS) == ["false"]
    assert root.xpath("/rss/channel/itunes:image/@href", namespaces=NS) == [COVER]
    assert root.xpath("/rss/channel/itunes:author/text()", namespaces=NS) == ["Politics desk"]
    assert root.xpath("/rss/channel/itunes:type/text()", namespaces=NS) == ["episodic"]
    assert root.xpath("/rss/channel/itunes:category/@text", namespaces=NS) == ["News"]
    assert root.xpath("/rss/channel/itunes:category/itunes:category/@text", namespaces=NS) == ["Daily News"]
    assert root.xpath("/rss/channel/podcast:locked/text()", namespaces=NS) == ["no"]
    assert root.xpath("/rss/channel/podcast:medium/text()", namespaces=NS) == ["podcast"]
    txt = root.xpath("/rss/channel/podcast:txt", namespaces=NS)
    assert [(t.get("purpose"), t.text) for t in txt] == [("ai-content", "true")]
    assert root.xpath("/rss/channel/itunes:complete", namespaces=NS) == []
    description = channel.findtext("description")
    assert description == "Results as they come in. Read by a synthetic voice."


def test_podcast_guid_is_uuid5_of_the_feed_url_without_scheme() -> None:
    # The example from the Podcasting 2.0 namespace documentation.
    assert podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml") == "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    assert podcast_guid("http://mp3s.nashownotes.com/pc20rss.xml/") == "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    namespace = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
    expected = str(uuid.uuid5(namespace, "news.example/live/blogs/election/podcast.xml"))
    root = xml(build(make_entries(1)))
    assert root.xpath("/rss/channel/podcast:guid/text()", namespaces=NS) == [expected]
    # the same on every page: it names the podcast, not the document
    paged = xml(build_podcast(make_blog(), make_entries(1), LINKS, Page(2, 1, 3)))
    assert paged.xpath("/rss/channel/podcast:guid/text()", namespaces=NS) == [expected]


def test_item_elements() -> None:
    entry = make_entry(5)
    root = xml(build([entry]))
    item = root.find("channel/item")
    assert item.findtext("guid") == episode_guid(entry.id)
    assert item.find("guid").get("isPermaLink") == "false"
    enclosures = item.findall("enclosure")
    assert [(e.get("url"), e.get("length"), e.get("type")) for e in enclosures] == [
        (LINKS.audio(entry.audio.file), "48213", "audio/mpeg")
    ]
    assert item.xpath("itunes:duration/text()", namespaces=NS) == ["13"]
    assert item.xpath("itunes:explicit/text()", namespaces=NS) == ["false"]
    transcripts = item.xpath("podcast:transcript", namespaces=NS)
    assert [(t.get("url"), t.get("type")) for t in transcripts] == [
        (f"https://news.example/live/blogs/election/entries/{entry.id}.txt", "text/plain"),
        (f"https://news.example/live/blogs/election/entries/{entry.id}.vtt", "text/vtt"),
    ]
    description = item.findtext("description")
    assert entry.html in description
    assert "The count centre (Photo: Jo Bloggs)" in description
    assert "Read by a synthetic voice." in description


def test_regenerated_clip_keeps_guid_with_new_url() -> None:
    entry = make_entry(0)
    redone = entry.with_(
        updated=T0 + timedelta(minutes=10),
        audio=Audio(status="ready", file="abcdef-v2.mp3", bytes=50_000, duration=14.0),
    )
    before = podcastparser.parse(FEED_URL, io.BytesIO(build([entry])))["episodes"][0]
    after = podcastparser.parse(FEED_URL, io.BytesIO(build([redone])))["episodes"][0]
    assert before["guid"] == after["guid"]
    assert after["enclosures"][0]["url"] == "https://news.example/live/audio/abcdef-v2.mp3"
    assert after["enclosures"][0]["file_size"] == 50_000


def test_description_fits_4000_bytes() -> None:
    blog = make_blog(description="Ünïcödé words " * 600)
    text = channel_description(blog)
    assert len(text.encode("utf-8")) <= 4000
    assert text.endswith("\u2026 Read by a synthetic voice.")
    root = xml(build_podcast(blog, [], LINKS, Page(0, 50, 0)))
    assert len(root.findtext("channel/description").encode("utf-8")) <= 4000
    empty = make_blog(description="")
    assert channel_description(empty) == "Live updates: Election night. Read by a synthetic voice."


def test_ended_blog_is_complete() -> None:
    root = xml(build_podcast(make_blog(status="ended"), [], LINKS, Page(0, 50, 0)))
    assert root.xpath("/rss/channel/itunes:complete/text()", namespaces=NS) == ["yes"]


def test_rebuild_is_byte_identical() -> None:
    entries = mixed_entries()
    assert build(entries, hub=HUB) == build(entries, hub=HUB)


def test_html_injection_is_escaped() -> None:
    evil = "<script>alert(1)</script>"
    entry = make_entry(1, headline=evil)
    data = build_podcast(make_blog(title=evil, author=evil), [entry], LINKS, one_page([entry]))
    assert b"<script" not in data
    episode = podcastparser.parse(FEED_URL, io.BytesIO(data))["episodes"][0]
    assert episode["title"] == evil
