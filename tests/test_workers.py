"""Speech workers as they run in production: idle without writing, woken by new work, holding
their lease with a heartbeat, dying with their parent, and leaving no orphan clip behind."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import urllib.parse

import sqlalchemy as sa
from conftest import post_entry
from processes import ROOT, alive, at_least, descendants, wait_until

from syndicate.clipstore import ClipStore
from syndicate.speech.worker import SpeechWorker
from syndicate.store import Store
from syndicate.store.schema import jobs
from syndicate.workers import start_processes, stop_processes

LONG = "The council has published the list of roads that will stay closed overnight. " * 12
READS = ("SELECT",)
HARMLESS = ("SELECT", "BEGIN", "COMMIT", "ROLLBACK", "PRAGMA")


def _recorder(store: Store) -> list[str]:
    statements: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute",
                    lambda _conn, _cursor, statement, *_: statements.append(statement.lstrip().upper()))
    return statements


def test_an_idle_worker_only_reads_and_new_work_wakes_it(app, client, auth, blog):
    store = Store(app.config["DATABASE_URL"])  # the worker's own connections, as in its process
    statements = _recorder(store)
    worker = SpeechWorker(store, app.config, name="idle")
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,))
    thread.start()
    try:
        wait_until(lambda: sum(s.startswith(READS) for s in statements) >= 5, 20, "five looks at the queue")
        idle = list(statements)
        assert not [s for s in idle if not s.startswith(HARMLESS)], idle
        assert not [s for s in idle if "IMMEDIATE" in s], idle  # never the write lock
        entry = post_entry(client, auth, text="The ferry is running again.")
        wait_until(lambda: store.get_entry("storm", entry["id"]).audio.status == "ready", 60, "the clip is made")
        assert any("IMMEDIATE" in s for s in statements)  # it claimed the job
    finally:
        stop.set()
        thread.join(30)
        store.close()


def test_the_lease_is_renewed_while_the_worker_speaks(app, client, auth, blog):
    entry = post_entry(client, auth, text=LONG)
    store = app.extensions["syndicate"].store
    worker = SpeechWorker(store, app.config, name="slow", lease=0.6)
    speaking = threading.Thread(target=worker.run_once)
    speaking.start()
    seen: set = set()

    def renewed_twice() -> bool:
        with store.read() as conn:
            until = conn.execute(sa.select(jobs.c.locked_until)).scalar()
        if until is not None:
            seen.add(until)
        return len(seen) >= 3

    try:
        wait_until(renewed_twice, 30, "two renewals of the lease")
        assert store.claim_job("other", lease=0.6) is None  # still held: nobody else speaks it
    finally:
        speaking.join(60)
    assert store.get_entry("storm", entry["id"]).audio.status == "ready"


def _database(app) -> str:
    return urllib.parse.unquote(app.config["DATABASE_URL"].removeprefix("sqlite:///"))


def test_a_clip_written_by_a_worker_killed_before_recording_it_is_removed(app, client, auth, blog):
    entry = post_entry(client, auth, text=LONG)
    store = app.extensions["syndicate"].store
    clips = ClipStore.in_data_dir(app.config["DATA_DIR"])
    [worker] = start_processes(dict(app.config), 1)
    lock = sqlite3.connect(_database(app), timeout=30, isolation_level=None)
    try:
        wait_until(lambda: store.queue_stats()["leased"] == 1, 60, "the worker leases the job")
        lock.execute("BEGIN IMMEDIATE")  # the worker can write its clip, not record it
        # The finished clip, not the temporary file it is written to first (renamed when whole).
        [written] = wait_until(lambda: [f for f in clips.files() if not f.temporary], 60, "the clip is written")
        os.kill(worker.pid, signal.SIGKILL)
        worker.join(10)
    finally:
        lock.rollback()
        lock.close()
        stop_processes([worker])
    assert store.get_entry("storm", entry["id"]).audio.status == "pending"
    url = f"/audio/{written.name}"
    assert client.get(url, buffered=True).status_code == 200  # on disk, recorded nowhere
    assert client.delete(f"/api/blogs/storm/entries/{entry['id']}", headers=auth).status_code == 204
    assert clips.exists(written.name)  # its entry has gone: an orphan

    [restarted] = start_processes(dict(app.config), 1)  # a worker sweeps orphans when it starts
    try:
        wait_until(lambda: not clips.exists(written.name), 60, "the orphan clip is removed")
    finally:
        stop_processes([restarted])
    assert client.get(url, buffered=True).status_code == 404


def test_orphans_are_only_files_nothing_may_record(app, client, auth, blog):
    store = app.extensions["syndicate"].store
    clips = ClipStore.in_data_dir(app.config["DATA_DIR"])
    withdrawn = post_entry(client, auth, text="Withdrawn later.")
    spoken = post_entry(client, auth, text="Spoken already.")
    SpeechWorker(store, app.config).drain(limit=2)
    withdrawn_clip = store.get_entry("storm", withdrawn["id"]).audio.file
    recorded = store.get_entry("storm", spoken["id"]).audio.file
    store.request_speech("storm", ready=True)  # both queued again
    in_the_making = clips.name("storm", spoken["id"], "2" * 12)  # its job may still record this one
    clips.write(in_the_making, b"being recorded")
    with store.transaction() as tx:
        tx.tombstone(withdrawn["id"])  # deleted, its job with it, its file left behind
    stray = clips.name("storm", "f" * 32, "0" * 12)
    clips.write(stray, b"no entry has this id")
    temporary = clips.root / "storm" / f".{'e' * 32}-{'1' * 12}.mp3.abc123.tmp"
    temporary.write_bytes(b"half a clip")
    other = clips.root / "storm" / "notes.txt"
    other.write_text("not a clip")

    removed = SpeechWorker(store, app.config).remove_orphans()
    assert sorted(removed) == sorted([withdrawn_clip, stray, f"storm/{temporary.name}"])
    assert clips.exists(recorded) and clips.exists(in_the_making)
    assert other.exists()  # only clip-shaped files are the clip store's


def test_workers_die_with_their_parent_however_it_ends(tmp_path):
    """A parent that starts two workers and is then killed with SIGKILL leaves no worker."""
    data = tmp_path / "data"
    script = (
        "import sys, time\n"
        "from syndicate import create_app\n"
        "from syndicate.workers import start_processes\n"
        f"app = create_app({{'DATA_DIR': {str(data)!r}, 'SPEECH_WORKERS': -1}})\n"
        "start_processes(dict(app.config), 2)\n"
        "print('started', flush=True)\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True)
    try:
        assert parent.stdout.readline().strip() == "started"
        workers = wait_until(lambda: at_least(parent.pid, 2), 30, "two worker processes")
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(10)
        wait_until(lambda: not alive(workers), 10, "the workers end with their parent")
    finally:
        parent.stdout.close()
        if parent.poll() is None:
            parent.kill()
            parent.wait(10)


def test_the_worker_command_replaces_a_dead_worker_and_takes_its_workers_along(app, client, auth, blog):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SYNDICATE_DATA_DIR": app.config["DATA_DIR"]}
    command = subprocess.Popen([sys.executable, "-m", "syndicate.cli", "worker", "--processes", "1"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        [first] = wait_until(lambda: descendants(command.pid), 30, "a worker process")
        os.kill(first, signal.SIGKILL)
        wait_until(lambda: descendants(command.pid) - {first}, 30, "a worker in its place")
        entry = post_entry(client, auth, text="The bridge has reopened.")
        store = app.extensions["syndicate"].store
        wait_until(lambda: store.get_entry("storm", entry["id"]).audio.status == "ready", 60,
                   "the new worker makes the clip")
        family = descendants(command.pid)
        os.kill(command.pid, signal.SIGKILL)
        command.wait(10)
        wait_until(lambda: not alive(family), 10, "the workers end with the command")
    finally:
        if command.poll() is None:
            command.kill()
            command.wait(10)
