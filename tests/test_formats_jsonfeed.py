"""JSON Feed 1.1 builder: structure checked against the spec's required keys and types."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from formats_factory import HUB, LINKS, T0, make_blog, make_entries, make_entry, one_page

from syndicate.formats import build_jsonfeed
from syndicate.links import entry_guid
from syndicate.model import Audio, Media, Page

BLOG_PAGE = "https://news.example/live/blogs/election/"

# JSON Feed 1.1 top-level and item keys with the types the spec gives them.
FEED_KEYS: dict[str, type | tuple[type, ...]] = {
    "version": str, "title": str, "home_page_url": str, "feed_url": str, "description": str,
    "user_comment": str, "next_url": str, "icon": str, "favicon": str, "authors": list,
    "language": str, "expired": bool, "hubs": list, "items": list,
}
ITEM_KEYS: dict[str, type | tuple[type, ...]] = {
    "id": str, "url": str, "external_url": str, "title": str, "content_html": str,
    "content_text": str, "summary": str, "image": str, "banner_image": str,
    "date_published": str, "date_modified": str, "authors": list, "tags": list,
    "language": str, "attachments": list,
}
ATTACHMENT_KEYS: dict[str, type | tuple[type, ...]] = {
    "url": str, "mime_type": str, "title": str, "size_in_bytes": int, "duration_in_seconds": (int, float),
}


def check_object(value: dict[str, Any], keys: dict[str, Any], required: set[str]) -> None:
    assert required <= set(value), f"missing {required - set(value)}"
    for key, item in value.items():
        if key.startswith("_"):
            continue  # extensions are allowed
        assert key in keys, f"unknown key {key}"
        assert isinstance(item, keys[key]), f"{key} has type {type(item).__name__}"


def validate(document: dict[str, Any]) -> None:
    """Structural JSON Feed 1.1 validation (what a strict validator checks)."""
    check_object(document, FEED_KEYS, {"version", "title", "items"})
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    for author in document.get("authors", []):
        assert isinstance(author.get("name"), str)
    for hub in document.get("hubs", []):
        assert set(hub) == {"type", "url"}
    ids = [item["id"] for item in document["items"]]
    assert len(ids) == len(set(ids))
    for item in document["items"]:
        check_object(item, ITEM_KEYS, {"id"})
        assert "content_html" in item or "content_text" in item
        for key in ("date_published", "date_modified"):
            if key in item:
                datetime.fromisoformat(item[key].replace("Z", "+00:00"))
        for tag in item.get("tags", []):
            assert isinstance(tag, str)
        for attachment in item.get("attachments", []):
            check_object(attachment, ATTACHMENT_KEYS, {"url", "mime_type"})


def load(data: bytes) -> dict[str, Any]:
    document = json.loads(data.decode("utf-8"))
    validate(document)
    return document


def test_feed_fields() -> None:
    entries = make_entries(3)
    document = load(build_jsonfeed(make_blog(), entries, LINKS, one_page(entries), hub=HUB))
    assert document["title"] == "Election night"
    assert document["home_page_url"] == BLOG_PAGE
    assert document["feed_url"] == "https://news.example/live/blogs/election/feed.json"
    assert document["description"] == "Results as they come in."
    assert document["language"] == "en-GB"
    assert document["authors"] == [{"name": "Politics desk"}]
    assert document["hubs"] == [{"type": "WebSub", "url": HUB}]
    assert "next_url" not in document
    assert "expired" not in document


def test_items() -> None:
    entries = make_entries(4)
    items = load(build_jsonfeed(make_blog(), entries, LINKS, one_page(entries)))["items"]
    assert [item["id"] for item in items] == [entry_guid(e.id) for e in entries]
    for item, entry in zip(items, entries, strict=True):
        assert item["url"] == f"{BLOG_PAGE}entries/{entry.id}/"
        assert item["content_html"].startswith(entry.html)
        assert item["content_text"].startswith(entry.text)
        assert item["date_published"] == entry.published.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert item["date_modified"] == entry.updated.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert item["authors"] == [{"name": "Politics desk"}]
        assert item.get("tags", []) == (["key-event"] if entry.key_event else [])
        assert item["attachments"] == [{
            "url": LINKS.audio(entry.audio.file),
            "mime_type": "audio/mpeg",
            "size_in_bytes": 48_213,
            "duration_in_seconds": 13,
        }]
    assert items[3]["title"].startswith("08:30 \u2014 Guards")
    with_photo = items[2]  # entry 1
    assert with_photo["content_text"].endswith("\n\nThe count centre (Photo: Jo Bloggs)")
    assert with_photo["content_html"].endswith(
        "<figure><figcaption>The count centre (Photo: Jo Bloggs)</figcaption></figure>"
    )


def test_audio_not_ready_has_no_attachment() -> None:
    entries = [make_entry(1, audio=Audio(status="pending")), make_entry(0, audio=None)]
    items = load(build_jsonfeed(make_blog(), entries, LINKS, one_page(entries)))["items"]
    assert all("attachments" not in item for item in items)


def test_next_url_on_page_two_of_three_only() -> None:
    entries = make_entries(10)
    page_two = load(build_jsonfeed(make_blog(), entries, LINKS, Page(2, 10, 25)))
    # 25 entries, 10 a page: the front page, then archive pages 2 and 1 (the oldest)
    assert page_two["feed_url"] == "https://news.example/live/blogs/election/archive/2/feed.json"
    assert page_two["next_url"] == "https://news.example/live/blogs/election/archive/1/feed.json"
    page_three = load(build_jsonfeed(make_blog(), entries[:5], LINKS, Page(1, 10, 25)))
    assert "next_url" not in page_three


def test_edit_keeps_id_and_moves_date_modified() -> None:
    entry = make_entry(0)
    edited = entry.with_(updated=T0 + timedelta(minutes=30))
    before = load(build_jsonfeed(make_blog(), [entry], LINKS, one_page([entry])))["items"][0]
    after = load(build_jsonfeed(make_blog(), [edited], LINKS, one_page([edited])))["items"][0]
    assert before["id"] == after["id"]
    assert before["date_published"] == after["date_published"]
    assert after["date_modified"] == "2024-05-01T08:00:00Z"


def test_unicode_is_written_as_utf8_and_rebuild_is_identical() -> None:
    entries = [make_entry(0, headline="Élection : résultats \u2014 東京")]
    args = (make_blog(title="Wahlabend in Zürich"), entries, LINKS, one_page(entries))
    data = build_jsonfeed(*args)
    assert "Zürich".encode() in data and "東京".encode() in data
    assert data == build_jsonfeed(*args)


def test_html_injection_through_caption_is_escaped() -> None:
    evil = "<script>alert(1)</script>"
    entry = make_entry(1, headline=evil, media=(Media(caption=evil, credit="AP"),))
    item = load(build_jsonfeed(make_blog(), [entry], LINKS, one_page([entry])))["items"][0]
    assert "<script" not in item["content_html"]
    assert item["title"] == evil  # titles are plain text in JSON Feed
    assert evil in item["content_text"]


def test_ended_blog_is_expired_and_empty_feed_is_valid() -> None:
    document = load(build_jsonfeed(make_blog(status="ended", author=""), [], LINKS, Page(0, 50, 0)))
    assert document["expired"] is True
    assert document["items"] == []
    assert document["authors"] == [{"name": "Election night"}]


def test_cached_items_give_the_same_bytes_as_one_serialisation() -> None:
    from syndicate.formats import fragments
    from syndicate.formats.jsonfeed import feed_object

    blog, entries = make_blog(), make_entries(5)
    page = one_page(entries)
    whole = json.dumps(feed_object(blog, entries, LINKS, page, hub=HUB), ensure_ascii=False,
                       separators=(",", ":")).encode("utf-8")
    fragments.CACHE.clear()
    assert build_jsonfeed(blog, entries, LINKS, page, hub=HUB) == whole  # items built now
    assert build_jsonfeed(blog, entries, LINKS, page, hub=HUB) == whole  # items from the cache
    assert build_jsonfeed(blog, [], LINKS, one_page([]), hub=HUB).endswith(b'"items":[]}')
