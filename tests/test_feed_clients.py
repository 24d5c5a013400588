"""What real clients need from the feeds: an episode id of its own (newsboat treats ids as global),
itunes:owner (the W3C validator and Apple ask for it), and the tombstone namespace only where a
tombstone is (validators warn of namespaces they do not know)."""
from __future__ import annotations

import io
import json
from datetime import timedelta

import feedparser
import podcastparser
import pytest
import sqlalchemy as sa
from conftest import post_entry
from formats_factory import LINKS, NS, T0, make_blog, make_entries, make_entry, one_page, xml

from syndicate import create_app
from syndicate.formats import build_atom, build_jsonfeed, build_podcast, build_rss, podcast_owner
from syndicate.formats.podcast import podcast_guid
from syndicate.links import entry_guid, episode_guid
from syndicate.store import Store
from syndicate.store.migrations import MIGRATIONS

TOMBSTONES_NS = "http://purl.org/atompub/tombstones/1.0"


def test_episode_guid_is_fixed_and_differs_from_the_entry_id() -> None:
    entry_id = "0123456789abcdef0123456789abcdef"
    # Pinned: a published episode id must never change.
    assert episode_guid(entry_id) == "urn:uuid:bad894ab-b7f4-5efe-a92a-fef877b21da6"
    assert episode_guid(entry_id) != entry_guid(entry_id)
    assert episode_guid(entry_id.upper()) == episode_guid(entry_id)


def test_no_item_id_is_shared_between_text_feeds_and_podcast() -> None:
    """As newsboat sees a reader subscribed to the Atom, RSS and JSON feeds and the podcast."""
    entries = make_entries(4)
    blog, page = make_blog(), one_page(entries)
    text_ids = set()
    for data in (build_atom(blog, entries, LINKS, page), build_rss(blog, entries, LINKS, page)):
        parsed = feedparser.parse(data)
        assert not parsed.bozo
        text_ids |= {item.id for item in parsed.entries}
    text_ids |= {item["id"] for item in json.loads(build_jsonfeed(blog, entries, LINKS, page))["items"]}
    assert text_ids == {entry_guid(e.id) for e in entries}
    podcast = podcastparser.parse(LINKS.feed("election", "podcast"),
                                  io.BytesIO(build_podcast(blog, entries, LINKS, page)))
    episode_ids = {episode["guid"] for episode in podcast["episodes"]}
    assert episode_ids == {episode_guid(e.id) for e in entries}
    assert not episode_ids & text_ids


def test_owner_is_written_when_set_and_left_out_when_not() -> None:
    entries = make_entries(1)
    plain = xml(build_podcast(make_blog(), entries, LINKS, one_page(entries)))
    assert plain.xpath("//itunes:owner", namespaces=NS) == []
    owned = xml(build_podcast(make_blog(), entries, LINKS, one_page(entries),
                              owner=("Politics desk", "podcasts@news.example")))
    assert owned.xpath("/rss/channel/itunes:owner/itunes:name/text()", namespaces=NS) == ["Politics desk"]
    assert owned.xpath("/rss/channel/itunes:owner/itunes:email/text()", namespaces=NS) == ["podcasts@news.example"]
    assert not feedparser.parse(etree_bytes(owned)).bozo


def etree_bytes(root) -> bytes:
    from lxml import etree
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_blog_owner_overrides_the_service_setting_field_by_field() -> None:
    assert podcast_owner(make_blog(), "Desk", "desk@x.example") == ("Desk", "desk@x.example")
    blog = make_blog(owner_email="storm@x.example")
    assert podcast_owner(blog, "Desk", "desk@x.example") == ("Desk", "storm@x.example")
    assert podcast_owner(make_blog(), "", "") == ("", "")


def test_tombstone_namespace_only_with_a_tombstone() -> None:
    entries = make_entries(3)
    blog, page = make_blog(), one_page(entries)
    without = build_atom(blog, entries, LINKS, page)
    assert TOMBSTONES_NS.encode() not in without
    gone = [make_entry(9, deleted=T0 + timedelta(hours=3))]
    with_one = build_atom(blog, entries, LINKS, page, tombstones=gone)
    root = xml(with_one)
    assert root.nsmap["at"] == TOMBSTONES_NS
    assert root.xpath("//at:deleted-entry/@ref", namespaces=NS) == [entry_guid(gone[0].id)]
    # On page two the tombstones are not repeated, so neither is their namespace.
    paged = build_atom(blog, entries, LINKS, type(page)(2, 2, 6), tombstones=gone)
    assert TOMBSTONES_NS.encode() not in paged


def test_owner_through_the_api_and_the_settings(data_dir, auth) -> None:
    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "API_TOKEN": auth["Authorization"][7:],
                      "BASE_URL": "http://news.test", "SPEECH_WORKERS": -1,
                      "PODCAST_OWNER_NAME": "The Newsroom", "PODCAST_OWNER_EMAIL": "news@news.test"})
    client = app.test_client()
    created = client.post("/api/blogs", json={"slug": "storm", "title": "Storm"}, headers=auth)
    assert created.status_code == 201 and created.json["owner_email"] == ""
    feed = xml(client.get("/blogs/storm/podcast.xml").data)
    assert feed.xpath("//itunes:owner/itunes:email/text()", namespaces=NS) == ["news@news.test"]
    changed = client.patch("/api/blogs/storm", json={"owner_email": "storm@news.test"}, headers=auth)
    assert changed.status_code == 200 and changed.json["owner_email"] == "storm@news.test"
    feed = xml(client.get("/blogs/storm/podcast.xml").data)
    assert feed.xpath("//itunes:owner/itunes:email/text()", namespaces=NS) == ["storm@news.test"]
    assert feed.xpath("//itunes:owner/itunes:name/text()", namespaces=NS) == ["The Newsroom"]
    bad = client.patch("/api/blogs/storm", json={"owner_email": "not an address"}, headers=auth)
    assert bad.status_code == 400 and bad.json["field"] == "owner_email"
    assert client.get("/api/blogs/storm").json["owner_email"] == "storm@news.test"  # unchanged
    app.extensions["syndicate"].store.close()


def test_bad_owner_email_setting_stops_start_up(data_dir) -> None:
    from syndicate.config import ConfigError
    with pytest.raises(ConfigError, match="PODCAST_OWNER_EMAIL"):
        create_app({"DATA_DIR": str(data_dir), "PODCAST_OWNER_EMAIL": "nobody"})


def test_feeds_served_link_to_entry_pages(client, auth, blog) -> None:
    entry = post_entry(client, auth)
    rss = feedparser.parse(client.get("/blogs/storm/rss.xml").data)
    assert rss.entries[0].link == f"http://news.test/blogs/storm/entries/{entry['id']}/"


def test_a_database_from_before_the_owner_fields_is_upgraded(tmp_path) -> None:
    """A schema-1 database (blogs without owner columns, no catch-ups) gains both, data kept."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE blogs (id INTEGER PRIMARY KEY, slug VARCHAR(80) NOT NULL UNIQUE, uuid VARCHAR(36) NOT NULL,"
            " title TEXT NOT NULL, description TEXT NOT NULL, language VARCHAR(35) NOT NULL,"
            " timezone VARCHAR(64) NOT NULL, author TEXT NOT NULL, link TEXT NOT NULL, status VARCHAR(10) NOT NULL,"
            " background TEXT NOT NULL, created DATETIME NOT NULL, updated DATETIME NOT NULL,"
            " changed DATETIME NOT NULL, version INTEGER NOT NULL)")
        # The columns of schema 1's entries that later steps read (the rest do not matter here).
        conn.exec_driver_sql("CREATE TABLE entries (id VARCHAR(32) PRIMARY KEY, blog_id INTEGER NOT NULL,"
                             " headline TEXT NOT NULL, html TEXT NOT NULL, text TEXT NOT NULL)")
        conn.exec_driver_sql("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        conn.exec_driver_sql("INSERT INTO schema_version VALUES (1)")
        conn.exec_driver_sql(
            "INSERT INTO blogs VALUES (1, 'old', '0b5d3c52-8a51-4c67-9d9e-3f1c2a7b6e10', 'Old', '', 'en', 'UTC', '',"
            " '', 'ended', '', '2020-01-01 00:00:00', '2020-01-01 00:00:00', '2020-01-01 00:00:00', 3)")
    engine.dispose()
    store = Store(url)
    assert store.migrate() == len(MIGRATIONS)
    old = store.get_blog("old")
    assert (old.title, old.owner_name, old.owner_email, old.version) == ("Old", "", "", 3)
    with store.read() as conn:
        assert sa.inspect(conn).has_table("catchups")
    store.close()


def test_podcast_guid_still_names_the_feed() -> None:
    assert podcast_guid(LINKS.feed("election", "podcast")) == podcast_guid(LINKS.feed("election", "podcast") + "/")
