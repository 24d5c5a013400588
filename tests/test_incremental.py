"""Publishing costs what changed: older pages are fixed and left alone, unchanged files are not
rendered, the publisher reads only the entries whose revision moved, and the tree's manifest
records each sync as one appended line."""
from __future__ import annotations

import json

import feedparser
import pytest
import sqlalchemy as sa
from conftest import TOKEN, post_entry

from syndicate import create_app
from syndicate.model import Page
from syndicate.store import Store
from syndicate.store.blogs import touch
from syndicate.store.migrations import MIGRATIONS
from syndicate.store.schema import entries
from syndicate.tree import COMPACT_AFTER, Deferred, Tree

# Pages no new entry changes (the oldest-first front pages, `oldest/`, state the blog's length
# and change time like every front page, so they do change).
FIXED = ("archive/1/rss.xml", "archive/1/atom.xml", "archive/1/feed.json", "archive/1/index.html",
         "oldest/page/2/index.html", "key/archive/1/index.html")


def make_site(app_config, count: int):
    app = create_app({**app_config, "FEED_ITEMS": 2, "PAGE_ENTRIES": 2})
    client = app.test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    client.post("/api/blogs", json={"slug": "storm", "title": "Storm"}, headers=auth)
    ids = [post_entry(client, auth, headline=f"E{n}", published=f"2026-03-01T10:{n:02d}:00Z",
                      key_event=n % 2 == 0)["id"] for n in range(count)]
    return app, client, auth, ids


def files(data_dir, names):
    root = data_dir / "public" / "blogs" / "storm"
    return {name: ((root / name).read_bytes(), (root / name).stat().st_mtime_ns) for name in names}


def test_a_new_entry_leaves_fixed_pages_alone_and_renders_few_files(app_config, data_dir):
    app, client, auth, _ = make_site(app_config, 9)
    publisher = app.extensions["syndicate"].publisher
    before = files(data_dir, FIXED)
    rendered, fetched = publisher.tree.rendered, publisher.entries.fetched
    post_entry(client, auth, headline="E9", published="2026-03-01T10:09:00Z")
    assert files(data_dir, FIXED) == before  # neither rewritten nor touched
    assert publisher.entries.fetched - fetched == 1  # only the new entry was read in full
    # The front pages (4 feeds, 2 text views newest first), the oldest-first last pages, the
    # newest archive pages (a new one appears: 10 entries fill 5 pages), the text version.
    assert publisher.tree.rendered - rendered < 25
    feed = feedparser.parse(client.get("/blogs/storm/archive/1/rss.xml").data)
    assert [e.title for e in feed.entries] == ["E1", "E0"]
    newest = feedparser.parse(client.get("/blogs/storm/rss.xml").data)
    assert [e.title for e in newest.entries] == ["E9", "E8"]
    assert {link.rel: link.href for link in newest.feed.links}["next"] == "http://news.test/blogs/storm/archive/4/rss.xml"


def test_an_edit_or_a_clip_changes_the_page_that_holds_the_entry(app_config, data_dir):
    app, client, auth, ids = make_site(app_config, 6)
    before = files(data_dir, ("archive/1/rss.xml", "archive/2/rss.xml"))
    client.patch(f"/api/blogs/storm/entries/{ids[0]}", json={"headline": "E0, corrected"}, headers=auth)
    after = files(data_dir, ("archive/1/rss.xml", "archive/2/rss.xml"))
    assert after["archive/2/rss.xml"] == before["archive/2/rss.xml"]
    assert after["archive/1/rss.xml"] != before["archive/1/rss.xml"]
    feed = feedparser.parse(client.get("/blogs/storm/archive/1/rss.xml").data)
    assert [e.title for e in feed.entries] == ["E1", "E0, corrected"]
    # A change the store makes behind the publisher's back (a clip becoming ready) moves the
    # entry's revision too, so the publisher's copy of the entry is read again.
    store = app.extensions["syndicate"].store
    with store.write() as conn:
        conn.execute(entries.update().where(entries.c.id == ids[2]).values(headline="E2, from elsewhere"))
        touch(conn, store.require_blog("storm").id, content=True)
    app.extensions["syndicate"].publisher.publish_changed()
    feed = feedparser.parse(client.get("/blogs/storm/archive/2/rss.xml").data)
    assert [e.title for e in feed.entries] == ["E3", "E2, from elsewhere"]


def test_fixed_pages_are_dated_from_their_own_entries(app_config, data_dir):
    app, client, auth, _ = make_site(app_config, 5)
    feed = feedparser.parse(client.get("/blogs/storm/archive/1/atom.xml").data)
    assert feed.feed.updated.startswith("2026-03-01T10:01:00")  # the newer of its two entries


@pytest.fixture
def store(tmp_path):
    store = Store(f"sqlite:///{tmp_path}/s.db")
    store.migrate()
    yield store
    store.close()


def test_an_entry_revision_moves_on_every_write(store):
    blog = store.create_blog("storm", {"title": "Storm"})
    entry = store.add_entry("storm", {"headline": "A", "text": "a"})
    first = dict(store.entry_index("storm"))[entry.id]
    store.update_entry("storm", entry.id, {"headline": "B"})
    assert dict(store.entry_index("storm"))[entry.id] > first
    assert blog.slug == "storm"


def test_a_database_without_revisions_is_migrated(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    store = Store(url)
    store.migrate()
    store.create_blog("storm", {"title": "Storm"})
    store.add_entry("storm", {"headline": "A", "text": "a"})
    with store.engine.begin() as conn:  # as a release before the column made it
        conn.execute(sa.text("ALTER TABLE entries DROP COLUMN revision"))
        conn.execute(sa.text("UPDATE schema_version SET version = 1"))
    store.close()
    again = Store(url)
    assert again.migrate() == len(MIGRATIONS)
    assert [revision for _, revision in again.entry_index("storm")] == [0]
    again.close()


def test_the_manifest_is_a_log_of_syncs(tmp_path):
    tree = Tree(tmp_path / "public", tmp_path / "state")
    rendered = []

    def deferred(key: str, body: bytes) -> Deferred:
        return Deferred(key, lambda: rendered.append(key) or body)

    tree.sync("g", [("a.txt", deferred("1", b"one")), ("b.txt", b"bee")], version=[1])
    tree.sync("g", [("a.txt", deferred("1", b"ignored")), ("b.txt", b"bee")], version=[2])
    assert rendered == ["1"] and (tmp_path / "public/a.txt").read_bytes() == b"one"
    tree.sync("g", [("a.txt", deferred("2", b"two"))], version=[3], salt="s")
    assert rendered == ["1", "2"] and not (tmp_path / "public/b.txt").exists()
    lines = (tmp_path / "state/manifests/g.json").read_bytes().splitlines()
    assert len(lines) == 3 and json.loads(lines[-1])["del"] == ["b.txt"]
    # Another process (a new Tree) reads the same state; a line cut short by a crash is skipped.
    with open(tmp_path / "state/manifests/g.json", "ab") as fh:
        fh.write(b'{"version": [4], "set": {"a.txt"')
    other = Tree(tmp_path / "public", tmp_path / "state")
    assert other.manifest("g") == ((3,), {"a.txt": tree.manifest("g")[1]["a.txt"]})
    # A different salt (new code or settings) renders again even with the same key.
    other.sync("g", [("a.txt", deferred("2", b"two"))], version=[5], salt="t")
    assert rendered == ["1", "2", "2"]
    for n in range(COMPACT_AFTER + 1):
        other.sync("g", [("a.txt", deferred("2", b"two"))], version=[6 + n], salt="t")
    assert len((tmp_path / "state/manifests/g.json").read_bytes().splitlines()) < COMPACT_AFTER
    assert Tree(tmp_path / "public", tmp_path / "state").manifest("g")[0] == (6 + COMPACT_AFTER,)


def test_the_page_holding_an_entry_moves_once():
    # 2 a page: with 5 entries, positions 0-1 are on archive 1 and 2-3 on archive 2 (both full);
    # position 4 is on the front page until archive 3 is published (at 7 entries: with 6, the
    # front page holds exactly positions 4-5).
    assert [Page.holding(p, 2, 5).number for p in range(5)] == [1, 1, 2, 2, 0]
    assert Page.holding(4, 2, 6).number == 0 and Page.holding(4, 2, 7).number == 3
    assert [Page.holding(p, 2, 60).number for p in range(4)] == [1, 1, 2, 2]  # fixed for good
