"""The publisher and its tree: built once per change, unchanged files left alone, stale files
removed, a burst of changes coalesced, a version built once across processes, builders
pluggable, and the static export the same tree by the same code."""
from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest
from conftest import TOKEN, post_entry

from syndicate import create_app, outputs
from syndicate.app import make_publisher
from syndicate.newsroom import Newsroom
from syndicate.speech.worker import SpeechWorker
from syndicate.static_site import export_site
from syndicate.store import Store
from syndicate.timeutil import now
from syndicate.tree import Tree, TreeError, check_path


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under `root`: its bytes and mtime."""
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def services(app):
    return app.extensions["syndicate"]


def outsider(app) -> Newsroom:
    """A newsroom with no publisher, as in another process (a worker, the CLI)."""
    settings = services(app).settings
    return Newsroom(Store(settings.database_url), settings.audio_dir)


def test_rebuilding_unchanged_data_leaves_every_file_alone(app_config, client, auth, blog, data_dir):
    for n in range(3):
        post_entry(client, auth, headline=f"Update {n}", text="The tide is high on the quay. " * 30)
    tree = data_dir / "public"
    before = snapshot(tree)
    assert "blogs/storm/rss.xml.gz" in before and "blogs/storm/index.html.gz" in before
    # Forget what was published (as on a new machine with the same database): a full rebuild...
    shutil.rmtree(data_dir / "publisher")
    again = create_app(app_config)
    assert services(again).publisher.rebuilds == 1
    # ...writes nothing: every file keeps its bytes and its mtime.
    assert snapshot(tree) == before
    # And with what was published remembered, a new process does not even rebuild.
    third = create_app(app_config)
    assert services(third).publisher.rebuilds == 0 and services(third).publisher.publish_changed() == []
    assert snapshot(tree) == before


def test_file_times_are_the_blogs_change_time(client, auth, blog, app, data_dir):
    post_entry(client, auth, headline="Timed")
    changed = services(app).store.get_blog("storm").changed
    for name in ("rss.xml", "rss.xml.gz", "index.html", "cover.png"):
        assert (data_dir / "public" / "blogs" / "storm" / name).stat().st_mtime == pytest.approx(changed.timestamp())
    assert client.get("/blogs/storm/rss.xml").last_modified == changed.replace(microsecond=0)


def test_gz_siblings_hold_the_same_bytes(client, auth, blog, data_dir):
    import gzip

    post_entry(client, auth, headline="Packed", text="Water over the sea wall. " * 40)
    tree = data_dir / "public"
    for path in tree.rglob("*.gz"):
        assert gzip.decompress(path.read_bytes()) == path.with_suffix("").read_bytes(), path
        assert path.read_bytes()[4:8] == b"\0\0\0\0"  # gzip mtime 0: stable bytes


def test_files_no_longer_produced_are_removed(app_config, data_dir):
    app = create_app({**app_config, "FEED_ITEMS": 2, "PAGE_ENTRIES": 2})
    client = app.test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    client.post("/api/blogs", json={"slug": "storm", "title": "Storm"}, headers=auth)
    ids = [post_entry(client, auth, headline=f"E{n}", text="Rain and more rain. " * 40)["id"] for n in range(3)]
    SpeechWorker(services(app).store, app.config).drain()
    services(app).publisher.publish_changed()
    tree = data_dir / "public" / "blogs" / "storm"
    for path in ("archive/1/rss.xml", "archive/1/index.html", "oldest/page/2/index.html", f"entries/{ids[0]}.txt",
                 f"entries/{ids[0]}.vtt", "archive/1/podcast.xml"):
        assert (tree / path).is_file(), path
    client.delete(f"/api/blogs/storm/entries/{ids[0]}", headers=auth)
    assert not (tree / f"entries/{ids[0]}.txt").exists() and not (tree / f"entries/{ids[0]}.vtt").exists()
    assert (tree / f"entries/{ids[1]}.txt").exists()
    for path in ("archive/1/rss.xml", "archive/1/rss.xml.gz", "archive/1/index.html", "oldest/page/2/index.html"):
        assert not (tree / path).exists(), path
    assert not (tree / "archive").exists()  # empty folders go too
    assert client.get(f"/blogs/storm/entries/{ids[0]}.txt").status_code == 404
    client.delete("/api/blogs/storm", headers=auth)
    assert not tree.exists() and not (data_dir / "public" / "blogs" / "storm.txt").exists()
    assert b"Storm" not in (data_dir / "public" / "index.html").read_bytes()


def test_a_burst_of_changes_costs_one_rebuild_per_look(app, client, auth, blog):
    publisher = services(app).publisher
    other = outsider(app)
    start = publisher.rebuilds
    for n in range(50):
        other.add_entry("storm", {"headline": f"Burst {n}", "text": "", "published": now()})
    publisher.publish_changed()
    assert publisher.rebuilds == start + 1
    assert b"Burst 49" in client.get("/blogs/storm/rss.xml").data

    # With the watcher running while the changes land: at most one rebuild per look.
    stop = threading.Event()
    interval = 0.2
    began = time.monotonic()
    start = publisher.rebuilds
    watcher = publisher.watch(stop, interval=interval)
    try:
        for n in range(50):
            other.add_entry("storm", {"headline": f"Live {n}", "text": "", "published": now()})
        wanted = other.store.blog_version("storm")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and b"Live 49" not in client.get("/blogs/storm/rss.xml").data:
            time.sleep(0.02)
    finally:
        stop.set()
        watcher.join(10)
    looks = (time.monotonic() - began) / interval + 1
    rebuilds = publisher.rebuilds - start
    assert b"Live 49" in client.get("/blogs/storm/rss.xml").data
    assert 1 <= rebuilds <= looks and rebuilds < 50, (rebuilds, looks)
    assert publisher.tree.manifest("blog-storm")[0][:2] == wanted
    other.store.close()


def test_a_version_is_built_once_by_several_publishers(app, client, auth, blog):
    other = outsider(app)
    other.add_entry("storm", {"headline": "Shared", "text": "", "published": now()})
    settings = services(app).settings
    stores = [Store(settings.database_url) for _ in range(4)]
    publishers = [make_publisher(store, settings) for store in stores]  # as in four web processes
    threads = [threading.Thread(target=p.publish_changed) for p in publishers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(p.rebuilds for p in publishers) == 1
    assert b"Shared" in client.get("/blogs/storm/rss.xml").data
    for store in [*stores, other.store]:
        store.close()


def test_a_new_builder_adds_its_files(app, client, auth, blog, monkeypatch):
    def entry_count(data: outputs.BlogData) -> list[tuple[str, bytes]]:
        return [(f"{data.folder}count.txt", f"{len(data.entries)}\n".encode())]

    monkeypatch.setattr(outputs, "BLOG_OUTPUTS", [*outputs.BLOG_OUTPUTS, entry_count])
    post_entry(client, auth, headline="Counted")
    assert client.get("/blogs/storm/count.txt").text == "1\n"


def test_paths_outside_the_tree_are_refused(tmp_path):
    for bad in ("", "/etc/passwd", "../x", "a/../../x", "a//b", ".hidden", "a/.git/config", "a\\b", "a\0b"):
        with pytest.raises(TreeError):
            check_path(bad)
    tree = Tree(tmp_path / "root", tmp_path / "state")
    with pytest.raises(TreeError):
        tree.sync("g", [("../escape.txt", b"x")], version=1)
    assert not (tmp_path / "escape.txt").exists()


def test_static_export_is_the_same_tree(cli_app_config, tmp_path):
    app = create_app(cli_app_config)
    client = app.test_client()
    auth = {"Authorization": f"Bearer {TOKEN}"}
    client.post("/api/blogs", json={"slug": "storm", "title": "Storm"}, headers=auth)
    gone = post_entry(client, auth, headline="Gone soon")
    post_entry(client, auth, headline="Spoken", text="The ferry is cancelled for the day.")
    SpeechWorker(services(app).store, app.config).drain()
    services(app).publisher.publish_changed()
    out = tmp_path / "site"
    settings = services(app).settings
    assert export_site(services(app).store, settings, out, settings.public_url) > 0
    served = snapshot(settings.tree)
    exported = snapshot(out)
    assert {p: b for p, (b, _) in exported.items()} == {p: b for p, (b, _) in served.items()}
    assert any(p.startswith("audio/storm/") for p in exported)
    # Again with nothing changed: nothing written. After a deletion: its files are removed.
    assert export_site(services(app).store, settings, out, settings.public_url) == 0
    assert snapshot(out) == exported
    client.delete(f"/api/blogs/storm/entries/{gone['id']}", headers=auth)
    export_site(services(app).store, settings, out, settings.public_url)
    assert {p: b for p, (b, _) in snapshot(out).items()} == {p: b for p, (b, _) in snapshot(settings.tree).items()}


@pytest.fixture
def cli_app_config(app_config):
    return {**app_config, "BASE_URL": "https://static.test"}


def test_a_data_dir_in_the_old_layout_is_brought_up_to_date(app_config, data_dir):
    old_clip = data_dir / "audio" / "storm" / ("a" * 32 + "-" + "b" * 12 + ".mp3")
    old_clip.parent.mkdir(parents=True)
    old_clip.write_bytes(b"ID3 an old clip")
    (data_dir / "audio" / "README.md").write_text("kept")
    (data_dir / "feeds" / "storm").mkdir(parents=True)
    for name in ("rss.xml", "cover.png"):
        (data_dir / "feeds" / "storm" / name).write_bytes(b"old")
    (data_dir / "feeds" / "feeds.opml").write_bytes(b"old")
    create_app(app_config)
    assert (data_dir / "public" / "audio" / "storm" / old_clip.name).read_bytes() == b"ID3 an old clip"
    assert not old_clip.exists() and not (data_dir / "audio" / "storm").exists()
    assert (data_dir / "audio" / "README.md").read_text() == "kept"
    assert not (data_dir / "feeds" / "storm").exists() and not (data_dir / "feeds" / "feeds.opml").exists()


def test_a_failing_builder_never_fails_a_saved_write(app, client, auth, blog, monkeypatch):
    def broken(data: outputs.BlogData) -> list[tuple[str, bytes]]:
        raise RuntimeError("a builder bug")

    monkeypatch.setattr(outputs, "BLOG_OUTPUTS", [*outputs.BLOG_OUTPUTS, broken])
    entry = post_entry(client, auth, headline="Saved anyway")  # 201, not 500
    assert client.get(f"/api/blogs/storm/entries/{entry['id']}").status_code == 200
    assert b"Saved anyway" not in client.get("/blogs/storm/rss.xml").data
    monkeypatch.setattr(outputs, "BLOG_OUTPUTS", [b for b in outputs.BLOG_OUTPUTS if b is not broken])
    services(app).publisher.publish_changed()  # the next look publishes it
    assert b"Saved anyway" in client.get("/blogs/storm/rss.xml").data


def test_commands_keep_the_base_serve_published_with(app_config, data_dir):
    listening = create_app({**app_config, "BASE_URL": "", "LISTEN_URL": "http://127.0.0.1:9123"})
    client = listening.test_client()
    client.post("/api/blogs", json={"slug": "storm", "title": "Storm"}, headers={"Authorization": f"Bearer {TOKEN}"})
    # A command with no BASE_URL and no address of its own (an import, synth) keeps that base...
    command = create_app({**app_config, "BASE_URL": ""})
    assert services(command).publisher.links.base == "http://127.0.0.1:9123"
    services(command).newsroom.add_entry("storm", {"headline": "From the command line", "text": "", "published": now()})
    rss = (data_dir / "public" / "blogs" / "storm" / "rss.xml").read_bytes()
    assert b"From the command line" in rss and b"http://127.0.0.1:9123/blogs/storm/" in rss
    assert b"127.0.0.1:8000" not in rss
    # ...while a configured BASE_URL always wins.
    assert services(create_app(app_config)).publisher.links.base == "http://news.test"
