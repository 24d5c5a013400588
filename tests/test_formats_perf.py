"""Smoke test: a 5,000-entry blog builds in every format (no timing assertions; parsing is
checked with lxml and podcastparser, feedparser alone would take seconds at this size)."""
from __future__ import annotations

import io
import json

import podcastparser
from formats_factory import LINKS, make_blog, make_entries, one_page, xml

from syndicate.formats import build_atom, build_jsonfeed, build_podcast, build_rss

COUNT = 5000


def test_five_thousand_entries_build() -> None:
    entries = make_entries(COUNT)
    blog, page = make_blog(), one_page(entries)
    rss = build_rss(blog, entries, LINKS, page)
    assert len(xml(rss).findall("channel/item")) == COUNT
    atom = build_atom(blog, entries, LINKS, page)
    assert len(xml(atom).findall("{http://www.w3.org/2005/Atom}entry")) == COUNT
    assert len(json.loads(build_jsonfeed(blog, entries, LINKS, page))["items"]) == COUNT
    podcast = build_podcast(blog, entries, LINKS, page)
    assert len(podcastparser.parse("https://x/", io.BytesIO(podcast))["episodes"]) == COUNT
