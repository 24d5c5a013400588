"""OPML 2.0 subscription list."""
from __future__ import annotations

from datetime import timedelta
from email.utils import parsedate_to_datetime

from formats_factory import LINKS, T0, make_blog, xml

from syndicate.formats import build_opml

ATTRIBUTES = ["text", "title", "type", "xmlUrl", "htmlUrl"]


def blogs() -> list:
    return [
        make_blog(),
        make_blog(slug="storm", title="Storm <Ana> & floods", uuid="7e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b",
                  updated=T0 + timedelta(days=1), description="", language="fr"),
    ]


def test_one_outline_per_blog_with_its_feeds() -> None:
    root = xml(build_opml(blogs(), LINKS))
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "Live blogs"
    assert parsedate_to_datetime(root.findtext("head/dateCreated")) == T0 + timedelta(days=1)
    outlines = root.findall("body/outline")
    assert len(outlines) == 2
    first, second = outlines
    assert [first.get(name) for name in ATTRIBUTES] == [
        "Election night",
        "Election night",
        "rss",
        "https://news.example/live/blogs/election/rss.xml",
        "https://news.example/live/blogs/election/",
    ]
    assert first.get("description") == "Results as they come in."
    assert first.get("language") == "en-GB"
    children = [(c.get("type"), c.get("xmlUrl"), c.get("text")) for c in first.findall("outline")]
    assert children == [
        ("rss", "https://news.example/live/blogs/election/atom.xml", "Election night (Atom)"),
        ("rss", "https://news.example/live/blogs/election/podcast.xml", "Election night (podcast)"),
    ]
    # attribute text is escaped by the serialiser and read back unchanged
    assert second.get("text") == "Storm <Ana> & floods"
    assert second.get("description") is None
    assert second.get("xmlUrl") == "https://news.example/live/blogs/storm/rss.xml"


def test_deterministic_and_empty() -> None:
    assert build_opml(blogs(), LINKS) == build_opml(blogs(), LINKS)
    root = xml(build_opml([], LINKS))
    assert root.find("head/dateCreated") is None
    assert root.findall("body/outline") == []
