"""Atom 1.0 builder: feedparser for the reading side, lxml/XPath for the exact XML."""
from __future__ import annotations

from datetime import datetime, timedelta

import feedparser
from formats_factory import BLOG_UUID, HUB, LINKS, NS, T0, make_blog, make_entries, make_entry, one_page, xml

from syndicate.formats import build_atom
from syndicate.links import entry_guid
from syndicate.model import Media, Page

BLOG_PAGE = "https://news.example/live/blogs/election/"
SELF = "https://news.example/live/blogs/election/atom.xml"
ATOM = "{http://www.w3.org/2005/Atom}"


def parse(data: bytes) -> feedparser.FeedParserDict:
    feed = feedparser.parse(data)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_feed_fields() -> None:
    entries = make_entries(3)
    data = build_atom(make_blog(), entries, LINKS, one_page(entries), hub=HUB)
    feed = parse(data).feed
    assert feed.id == f"urn:uuid:{BLOG_UUID}"
    assert feed.title == "Election night"
    assert feed.subtitle == "Results as they come in."
    assert feed.author == "Politics desk"
    assert feed.language == "en-GB"
    assert when(feed.updated) == T0 + timedelta(minutes=2)
    links = {link.rel: link.href for link in feed.links}
    assert links == {"alternate": BLOG_PAGE, "self": SELF, "hub": HUB}
    root = xml(data)
    assert root.xpath("/atom:feed/atom:link[@rel='self']/@type", namespaces=NS) == ["application/atom+xml"]
    assert root.xpath("/atom:feed/atom:link[@rel='alternate']/@type", namespaces=NS) == ["text/html"]


def test_entries() -> None:
    entries = make_entries(4)
    feed = parse(build_atom(make_blog(), entries, LINKS, one_page(entries)))
    assert [item.id for item in feed.entries] == [entry_guid(e.id) for e in entries]
    for item, entry in zip(feed.entries, entries, strict=True):
        assert when(item.published) == entry.published
        assert when(item.updated) == entry.updated
        assert item.author == "Politics desk"
        assert item.content[0].type == "text/html"
        assert item.content[0].value.startswith(entry.html)
        assert [tag.term for tag in item.get("tags", [])] == (["key-event"] if entry.key_event else [])
        links = {link.rel: link for link in item.links}
        assert links["alternate"].href == f"{BLOG_PAGE}entries/{entry.id}/"
        assert links["enclosure"].href == LINKS.audio(entry.audio.file)
        assert links["enclosure"].length == str(entry.audio.bytes)
        assert links["enclosure"].type == "audio/mpeg"
    assert feed.entries[3].title.startswith("08:30 \u2014 ")


def test_entry_links_keep_their_rel_in_xml() -> None:
    entries = [make_entry(1), make_entry(0, audio=None)]
    root = xml(build_atom(make_blog(), entries, LINKS, one_page(entries)))
    first, second = root.findall(f"{ATOM}entry")
    assert [(link.get("rel"), link.get("type")) for link in first.findall(f"{ATOM}link")] == [
        ("alternate", "text/html"),
        ("enclosure", "audio/mpeg"),
    ]
    assert [link.get("rel") for link in second.findall(f"{ATOM}link")] == ["alternate"]


def test_tombstones_on_first_page_only() -> None:
    entries = make_entries(2)
    gone = [make_entry(7, deleted=T0 + timedelta(hours=3)), make_entry(8, deleted=T0 + timedelta(hours=4))]
    data = build_atom(make_blog(), entries, LINKS, Page(0, 2, 6), tombstones=gone)
    root = xml(data)
    deleted = root.xpath("/atom:feed/at:deleted-entry", namespaces=NS)
    assert [(d.get("ref"), d.get("when")) for d in deleted] == [
        (entry_guid(gone[0].id), "2024-05-01T10:30:00Z"),
        (entry_guid(gone[1].id), "2024-05-01T11:30:00Z"),
    ]
    assert root.nsmap["at"] == "http://purl.org/atompub/tombstones/1.0"
    # the deletion is a change of the feed: updated moves with it
    assert when(root.findtext(f"{ATOM}updated")) == T0 + timedelta(hours=4)
    # deleted entries are not also listed as entries
    assert entry_guid(gone[0].id) not in root.xpath("//atom:entry/atom:id/text()", namespaces=NS)
    parse(data)

    page_two = xml(build_atom(make_blog(), entries, LINKS, Page(2, 2, 6), tombstones=gone))
    assert page_two.xpath("//at:deleted-entry", namespaces=NS) == []


def test_edit_keeps_id_and_published_and_moves_updated() -> None:
    entry = make_entry(0)
    edited = entry.with_(updated=T0 + timedelta(minutes=45), html="<p>Corrected.</p>", text="Corrected.")
    before = parse(build_atom(make_blog(), [entry], LINKS, one_page([entry]))).entries[0]
    after = parse(build_atom(make_blog(), [edited], LINKS, one_page([edited]))).entries[0]
    assert before.id == after.id
    assert before.published == after.published
    assert when(after.updated) == T0 + timedelta(minutes=45) > when(before.updated)
    assert after.content[0].value == "<p>Corrected.</p>"


def test_paging_links_on_page_two_of_three() -> None:
    entries = make_entries(10)
    # 30 entries, 10 a page: the front page, then fixed archive pages 2 and 1 (the oldest).
    data = build_atom(make_blog(), entries, LINKS, Page(number=2, size=10, total=30))
    links = {link.rel: link.href for link in parse(data).feed.links}
    assert links == {
        "alternate": BLOG_PAGE,
        "self": "https://news.example/live/blogs/election/archive/2/atom.xml",
        "first": SELF,
        "previous": SELF,
        "next": "https://news.example/live/blogs/election/archive/1/atom.xml",
        "last": "https://news.example/live/blogs/election/archive/1/atom.xml",
    }


def test_last_page_has_no_next() -> None:
    entries = make_entries(5)
    root = xml(build_atom(make_blog(), entries, LINKS, Page(number=1, size=10, total=25)))
    rels = root.xpath("/atom:feed/atom:link/@rel", namespaces=NS)
    assert "next" not in rels and "previous" in rels and "last" in rels


def test_rebuild_is_byte_identical() -> None:
    entries = make_entries(20)
    gone = [make_entry(30, deleted=T0)]
    args = (make_blog(), entries, LINKS, one_page(entries))
    assert build_atom(*args, tombstones=gone, hub=HUB) == build_atom(*args, tombstones=gone, hub=HUB)


def test_html_injection_through_title_and_caption_is_escaped() -> None:
    evil = "<script>alert(1)</script>"
    entry = make_entry(1, headline=evil, media=(Media(caption=evil, credit=evil),))
    data = build_atom(make_blog(title=evil, author=evil), [entry], LINKS, one_page([entry]))
    assert b"<script" not in data
    root = xml(data)
    assert root.findtext(f"{ATOM}entry/{ATOM}title") == evil
    assert "<script>" not in root.findtext(f"{ATOM}entry/{ATOM}content")
    item = parse(data).entries[0]
    assert item.title_detail.type == "text/plain"
    assert "<script" not in item.content[0].value
