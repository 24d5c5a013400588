"""The service's own JSON export: writing it and reading it back."""
from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from syndicate.ingest import IngestError, parse, to_export
from syndicate.model import Blog, Entry, Media

T0 = datetime(2024, 11, 14, 20, 50, tzinfo=UTC)


def make_blog() -> Blog:
    return Blog(slug="storm", title="Storm Orla", uuid="6f1c0d3e-8a51-4b8e-9a36-1f2b3c4d5e6f",
                created=T0, updated=T0.replace(hour=23), description="Landfall, live.", language="en-GB",
                timezone="Europe/London", author="Coast desk", link="https://example.org/storm",
                status="ended", background="It formed on Monday.\n\nIt weakened on Friday.", version=7, id=3)


def make_entries() -> list[Entry]:
    return [
        Entry(id="a" * 32, published=T0, updated=T0, headline="Landfall", html="<p>It is ashore.</p>",
              text="It is ashore.", key_event=True, source_id="2024-11-14T20:50#1"),
        Entry(id="b" * 32, published=T0.replace(hour=22, microsecond=250000), updated=T0.replace(hour=22, minute=59),
              html="<p>Power is out in <strong>3,412</strong> homes.</p>", text="Power is out in 3,412 homes.",
              media=(Media("photo", "Sandbags on Quay Street.", "Nadia Brennan", "https://example.org/a.jpg"),
                     Media("video", "Waves", "Tom Kellaway", "")),
              pinned=True),
        Entry(id="c" * 32, published=T0.replace(hour=21), updated=T0.replace(hour=21), html="<p>Gone.</p>",
              deleted=T0.replace(hour=21, minute=30)),
    ]


def test_export_shape():
    data = to_export(make_blog(), make_entries())
    assert data["syndicate_export"] == 1
    assert data["blog"]["slug"] == "storm" and data["blog"]["background"].startswith("It formed")
    assert [e["id"] for e in data["entries"]] == ["b" * 32, "a" * 32]  # newest first, no tombstones
    first = data["entries"][0]
    assert set(first) == {"id", "published", "updated", "headline", "html", "text", "media",
                          "key_event", "pinned", "source_id"}
    assert first["published"] == "2024-11-14T22:50:00.250000Z"
    assert first["media"][0] == {"kind": "photo", "caption": "Sandbags on Quay Street.",
                                 "credit": "Nadia Brennan", "url": "https://example.org/a.jpg"}
    json.dumps(data)  # JSON-ready


def test_round_trip():
    blog, entries = make_blog(), make_entries()
    parsed = parse(json.dumps(to_export(blog, entries)).encode("utf-8"))
    assert parsed.format == "export"
    for name in ("title", "description", "language", "timezone", "author", "link", "status", "background"):
        assert getattr(parsed, name) == getattr(blog, name), name
    live = sorted((e for e in entries if e.deleted is None), key=lambda e: e.published, reverse=True)
    assert len(parsed.entries) == len(live)
    for got, want in zip(parsed.entries, live, strict=True):
        assert (got.published, got.updated, got.headline, got.html, got.media, got.key_event, got.pinned) == (
            want.published, want.updated, want.headline, want.html, want.media, want.key_event, want.pinned)
        assert got.time_known
    assert parsed.entries[0].source_id == "syndicate:" + "b" * 32
    assert parsed.entries[1].source_id == "2024-11-14T20:50#1"  # the original source id survives
    # A second round gives the same again.
    again = parse(json.dumps({"syndicate_export": 1, "blog": {**blog.to_json(), "background": blog.background},
                              "entries": [dict(e, source_id=s.source_id) for e, s in
                                          zip(to_export(blog, entries)["entries"], parsed.entries, strict=True)]}))
    assert again.entries == parsed.entries


def test_export_html_is_cleaned_on_the_way_in():
    data = to_export(make_blog(), make_entries()[:1])
    data["entries"][0]["html"] = '<p onclick="x()">Hi<script>alert(1)</script></p>'
    data["entries"][0]["media"] = [{"kind": "podcast", "url": "javascript:alert(1)"}]
    entry = parse(json.dumps(data)).entries[0]
    assert entry.html == "<p>Hi</p>"
    assert entry.media == (Media("photo", "", "", ""),)


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update(syndicate_export=2), "unsupported export version 2"),
    (lambda d: d.update(blog=[]), '"blog" must be an object'),
    (lambda d: d.update(entries={}), '"entries" must be a list'),
    (lambda d: d["entries"][0].update(published="yesterday"), "entry 1: not an RFC 3339 time"),
    (lambda d: d["entries"][0].update(id=None, source_id=None), "entry 1 has neither an id nor a source_id"),
    (lambda d: d["entries"][0].update(media="none"), "entry 1: media must be a list"),
    (lambda d: d["entries"].append(3), "entry 2 is not an object"),
])
def test_export_errors(change, message):
    data = to_export(make_blog(), make_entries()[:1])
    change(data)
    with pytest.raises(IngestError, match="^export: " + message.replace("(", r"\(")):
        parse(json.dumps(data))


def test_unknown_zone_and_status_are_dropped():
    data = to_export(make_blog(), [])
    data["blog"].update(timezone="Mars/Olympus", status="paused")
    parsed = parse(json.dumps(data))
    assert parsed.timezone is None and parsed.status is None and parsed.entries == []
