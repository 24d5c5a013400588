"""The same service on PostgreSQL, by URL: the API, imports, the queue and real clips."""
from __future__ import annotations

import threading

import feedparser
import pytest
from browser import serve
from conftest import TOKEN
from postgres import postgres_server
from storm_text import STORM

from syndicate import create_app
from syndicate.speech.worker import SpeechWorker
from syndicate.store import Store


@pytest.fixture(scope="module")
def database_url():
    with postgres_server() as url:
        yield url


@pytest.fixture
def pg_app(database_url, tmp_path):
    store = Store(database_url)
    with store.engine.begin() as conn:  # a clean database for each test
        conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    store.close()
    app = create_app({"DATA_DIR": str(tmp_path), "DATABASE_URL": database_url, "API_TOKEN": TOKEN,
                      "BASE_URL": "http://news.test", "SPEECH_WORKERS": -1})
    yield app
    app.extensions["syndicate"].store.close()


AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_api_import_and_feeds_on_postgres(pg_app):
    client = pg_app.test_client()
    assert client.post("/api/blogs", json={"slug": "storm", "title": "Storm", "timezone": "Europe/London"},
                       headers=AUTH).status_code == 201
    assert client.post("/api/blogs", json={"slug": "storm", "title": "Again"}, headers=AUTH).status_code == 409
    counts = client.post("/api/blogs/storm/import", data=STORM, headers={**AUTH, "Content-Type": "text/plain"}).json
    assert counts["created"] == 2
    again = client.post("/api/blogs/storm/import", data=STORM, headers={**AUTH, "Content-Type": "text/plain"}).json
    assert again["unchanged"] == 2
    entries = client.get("/api/blogs/storm/entries").json["entries"]
    assert entries[0]["published"] == "2026-03-01T09:30:00Z"
    entry_id = entries[0]["id"]
    client.patch(f"/api/blogs/storm/entries/{entry_id}", json={"headline": "Corrected"}, headers=AUTH)
    client.delete(f"/api/blogs/storm/entries/{entries[1]['id']}", headers=AUTH)
    feed = feedparser.parse(client.get("/blogs/storm/atom.xml").data)
    assert not feed.bozo and [e.title for e in feed.entries] == ["Corrected"]
    assert b"deleted-entry" in client.get("/blogs/storm/atom.xml").data


def test_queue_and_clips_on_postgres(pg_app):
    client = pg_app.test_client()
    client.post("/api/blogs", json={"slug": "storm", "title": "Storm"}, headers=AUTH)
    for n in range(4):
        client.post("/api/blogs/storm/entries", json={"text": f"Update number {n}."}, headers=AUTH)
    services = pg_app.extensions["syndicate"]
    store = services.store
    claimed, barrier = [], threading.Barrier(4)

    def claim(name):
        own = Store(store.url)  # a store per worker, as separate processes would have
        barrier.wait()
        claimed.append(own.claim_job(name))
        own.close()

    threads = [threading.Thread(target=claim, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = [job.entry_id for job in claimed if job is not None]
    assert len(ids) == 4 and len(set(ids)) == 4  # SKIP LOCKED: four workers, four different jobs
    with store.write() as conn:  # let those leases lapse, as if the workers had died
        conn.exec_driver_sql("UPDATE jobs SET locked_until = now() - interval '1 second'")
    assert SpeechWorker(store, pg_app.config).drain() == 4
    services.publisher.publish_changed()
    entries = client.get("/api/blogs/storm/entries").json["entries"]
    assert {e["audio"]["status"] for e in entries} == {"ready"}
    assert b"<enclosure" in client.get("/blogs/storm/podcast.xml").data


def test_an_idle_worker_on_postgres_only_reads_and_is_woken_by_notify(pg_app):
    import sqlalchemy as sa

    from syndicate.store.wakeup import PostgresWakeup

    client = pg_app.test_client()
    client.post("/api/blogs", json={"slug": "storm", "title": "Storm"}, headers=AUTH)
    store = Store(pg_app.config["DATABASE_URL"])
    statements: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute",
                    lambda _conn, _cursor, statement, *_: statements.append(statement.lstrip().upper()))
    wakeup = store.wakeup()
    assert isinstance(wakeup, PostgresWakeup)
    stop = threading.Event()
    waiting = threading.Thread(target=wakeup.wait, args=(600, stop))
    try:
        assert SpeechWorker(store, pg_app.config).run_once() is False  # nothing due: a read, no claim
        assert statements and all(s.startswith("SELECT") for s in statements), statements
        waiting.start()
        client.post("/api/blogs/storm/entries", json={"text": "The ferry sails again."}, headers=AUTH)
        waiting.join(30)  # NOTIFY ends a wait that would otherwise last ten minutes
        assert not waiting.is_alive()
    finally:
        stop.set()
        if waiting.ident:
            waiting.join(5)
        wakeup.close()
        store.close()

def test_following_on_postgres(pg_app):
    """The followed sources' table and leases on PostgreSQL: one winner among racing pollers."""
    from syndicate.follow.poller import Follower
    from syndicate.store.sources import Sources

    body = (b'<html lang="pt"><script type="application/ld+json">{"@type": "LiveBlogPosting", "headline": "Ao vivo", '
            b'"liveBlogUpdate": [{"url": "https://x.example/l#a", "datePublished": "2025-01-02T10:00:00Z", '
            b'"articleBody": "Primeira."}, {"url": "https://x.example/l#b", "datePublished": "2025-01-02T09:00:00Z", '
            b'"articleBody": "Segunda."}]}</script></html>')

    with serve({"/l": (body, {"Content-Type": "text/html; charset=utf-8"})}) as base:
        client = pg_app.test_client()
        client.post("/api/blogs", json={"slug": "live", "title": "Live"}, headers=AUTH)
        url = f"{base}/l"
        assert client.put("/api/blogs/live/source", json={"url": url}, headers=AUTH).status_code == 201
        sources = Sources(pg_app.extensions["syndicate"].store)
        winners, barrier = [], threading.Barrier(3)

        def claim(name):
            barrier.wait(10)
            if sources.claim(name, 60.0) is not None:
                winners.append(name)

        threads = [threading.Thread(target=claim, args=(f"p{n}",)) for n in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert len(winners) == 1
        sources.finish(sources.get("live"), winners[0])
        state = Follower(pg_app.extensions["syndicate"], pg_app.config, name="pg").step("live")
        assert state.last_status == 200 and state.last_error is None
        assert client.get("/api/blogs/live/entries").json["total"] == 2
