"""The store on its own: migrations, concurrent writers, tombstones and the queue's leases."""
from __future__ import annotations

import multiprocessing
import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from syndicate.store import Conflict, NotFound, Store
from syndicate.store.migrations import MIGRATIONS, current_version


@pytest.fixture
def store(tmp_path) -> Store:
    store = Store(f"sqlite:///{tmp_path}/s.db")
    store.migrate()
    yield store
    store.close()


def test_migrations_are_versioned_and_idempotent(store):
    assert store.migrate() == len(MIGRATIONS)
    with store.read() as conn:
        assert current_version(conn) == len(MIGRATIONS)
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_a_newer_schema_is_refused(store):
    with store.write() as conn:
        conn.exec_driver_sql("UPDATE schema_version SET version = 99")
    with pytest.raises(RuntimeError, match="newer than this syndicate"):
        store.migrate()


def test_naive_datetimes_are_refused(store):
    store.create_blog("b", {"title": "B"})
    with pytest.raises(sa.exc.StatementError):
        store.add_entry("b", {"text": "x", "published": datetime(2026, 1, 1)})
    assert store.count_entries("b") == 0


def test_times_come_back_aware_utc(store):
    store.create_blog("b", {"title": "B"})
    entry = store.add_entry("b", {"text": "x", "published": datetime(2026, 1, 1, 12, tzinfo=UTC)})
    again = store.get_entry("b", entry.id)
    assert again.published == datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert again.published.tzinfo is not None


def test_slug_conflict_and_missing(store):
    store.create_blog("b", {"title": "B"})
    with pytest.raises(Conflict):
        store.create_blog("b", {"title": "Again"})
    with pytest.raises(NotFound):
        store.add_entry("nope", {"text": "x"})


def test_deleted_entries_become_tombstones(store):
    store.create_blog("b", {"title": "B"})
    entry = store.add_entry("b", {"text": "x"})
    store.delete_entry("b", entry.id)
    assert store.get_entry("b", entry.id) is None
    [tomb] = store.tombstones("b")
    assert tomb.id == entry.id and tomb.deleted is not None
    assert store.queue_stats()["queued"] == 0  # its speech job went with it


def _writer(url: str, n: int, tag: str) -> None:
    store = Store(url)
    for i in range(n):
        store.add_entry("b", {"headline": f"{tag}-{i}"})
    store.close()


def test_concurrent_writers_threads_and_processes(store, tmp_path):
    store.create_blog("b", {"title": "B"})
    url = store.url
    threads = [threading.Thread(target=_writer, args=(url, 20, f"t{k}")) for k in range(3)]
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_writer, args=(url, 20, f"p{k}")) for k in range(2)]
    for worker in (*threads, *processes):
        worker.start()
    for worker in (*threads, *processes):
        worker.join(60)
    assert all(p.exitcode == 0 for p in processes)
    assert store.count_entries("b") == 100
    assert store.blog_version("b")[1] == 101
    assert store.queue_stats()["queued"] == 100


def test_a_job_is_leased_to_one_worker_at_a_time(store):
    store.create_blog("b", {"title": "B"})
    store.add_entry("b", {"text": "x"})
    results = []
    barrier = threading.Barrier(4)

    def claim(name):
        barrier.wait()
        results.append(Store(store.url).claim_job(name))

    threads = [threading.Thread(target=claim, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len([r for r in results if r is not None]) == 1


def test_an_edit_while_speaking_is_not_lost(store):
    from syndicate.model import Audio

    store.create_blog("b", {"title": "B"})
    entry = store.add_entry("b", {"text": "first words"})
    job = store.claim_job("w")
    store.update_entry("b", entry.id, {"text": "second words"})  # arrives mid-synthesis
    store.finish_job(job, Audio("ready", "b/old.mp3", 10, 1.0, "v", "first words"))
    assert store.get_entry("b", entry.id).audio.status == "pending"
    again = store.claim_job("w")
    assert again is not None and again.generation == job.generation + 1
