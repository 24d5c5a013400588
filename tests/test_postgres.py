"""The same service on PostgreSQL, by URL: the API, imports, the queue and real clips."""
from __future__ import annotations

import threading

import feedparser
import pytest

from conftest import TOKEN
from postgres import postgres_server
from storm_text import STORM
from syndicate import create_app
from syndicate.store import Store
from syndicate.speech.worker import SpeechWorker


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
