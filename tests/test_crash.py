"""The crash test: a real `serve` whose speech workers, and then the whole service, are killed
with SIGKILL in the middle of speaking, several times, and restarted. Afterwards every entry's
clip is ready and decodes whole, no clip file is left that nothing records, no process of the
service is left, and the database passes SQLite's integrity check.

It takes about a minute; `SYNDICATE_CRASH_ROUNDS` (default 1) repeats the three kinds of
crash that many times.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sqlite3
import urllib.request
from pathlib import Path

import pytest
import soundfile
from processes import alive, descendants, free_port, kill_tree_now, start_serve, wait_until

from syndicate.clipstore import ClipStore

TOKEN = "crash-test-token-0123456789"
ROUNDS = int(os.environ.get("SYNDICATE_CRASH_ROUNDS", "1"))
TEXTS = ["The harbour wall has been breached near the lifeboat station and water is in the street.",
         "Police have closed the coast road between the two villages until the tide turns.",
         "Power has been restored to most homes in the old town, the supplier says.",
         "The ferry company has cancelled every crossing for the rest of the day."]
pytestmark = pytest.mark.skipif(not os.path.isdir("/proc"), reason="process checks read /proc")


class Service:
    """One data dir, served by a `syndicate serve` that the test kills and starts again."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self.port = free_port()
        self.process = start_serve(data, self.port, token=TOKEN, workers=2, web=1)
        self.posted = 0

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def post(self, count: int) -> None:
        for _ in range(count):
            text = TEXTS[self.posted % len(TEXTS)] + f" Update {self.posted + 1}."
            self.call("POST", "/api/blogs/coast/entries", {"text": text})
            self.posted += 1

    def speaking(self) -> bool:
        return self.call("GET", "/api/speech")["leased"] >= 1

    def workers(self) -> set[int]:
        found = set()
        for pid in descendants(self.process.pid):
            try:
                if b"syndicate.workers" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    found.add(pid)
            except OSError:
                pass
        return found

    def kill(self, pids: set[int]) -> None:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def restart(self) -> None:
        self.process.wait(15)
        self.process = start_serve(self.data, self.port, token=TOKEN, workers=2, web=1)


def _kill_one_worker(service: Service) -> None:
    before = wait_until(service.workers, 30, "speech workers running")
    victim = min(before)
    service.kill({victim})
    wait_until(lambda: (service.workers() - before) if victim not in service.workers() else None,
               30, "a new worker in place of the killed one")


def _kill_serve(service: Service) -> None:
    family = descendants(service.process.pid)
    service.kill({service.process.pid})
    wait_until(lambda: not alive(family), 10, "every process of serve ends with it")
    service.restart()


def _kill_everything(service: Service) -> None:
    family = descendants(service.process.pid)
    service.kill(family | {service.process.pid})
    wait_until(lambda: not alive(family), 10, "every process of serve gone")
    service.restart()


def test_the_service_survives_being_killed_while_it_speaks(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    service = Service(data)
    try:
        service.call("POST", "/api/blogs", {"slug": "coast", "title": "Coast storm", "timezone": "Europe/London"})
        for crash in [_kill_one_worker, _kill_serve, _kill_everything] * ROUNDS:
            service.post(3)
            wait_until(service.speaking, 60, "a worker speaking")
            crash(service)

        entries = wait_until(lambda: (lambda listed: listed if all(
            e["audio"]["status"] == "ready" for e in listed) else None)(
            service.call("GET", "/api/blogs/coast/entries?per_page=100")["entries"]),
            120, "every entry's clip ready", every=0.5)
        assert len(entries) == service.posted
        clips = ClipStore.in_data_dir(data)
        recorded = {}
        for entry in entries:
            name = entry["audio"]["url"].split("/audio/", 1)[1]
            recorded[name] = entry["audio"]
            samples, rate = soundfile.read(clips.path(name))
            assert clips.path(name).stat().st_size == entry["audio"]["bytes"]
            assert abs(len(samples) / rate - entry["audio"]["duration"]) < 0.1  # decoded to the end
        def catchup_episode() -> set[str]:
            # The blog's catch-up episode (made by idle workers) lives beside the clips.
            feed = data / "public" / "blogs" / "coast" / "catch-up.xml"
            found = re.search(r'/audio/([^"]+\.mp3)"', feed.read_text()) if feed.is_file() else None
            return {found.group(1)} if found else set()

        wait_until(lambda: {f.name for f in clips.files()} <= set(recorded) | catchup_episode()
                   and set(recorded) <= {f.name for f in clips.files()}, 30,
                   "no clip file but those the entries and the catch-up episode record")

        family = descendants(service.process.pid)
        os.kill(service.process.pid, signal.SIGTERM)
        service.process.wait(30)
        wait_until(lambda: not alive(family), 15, "no process of the service left after SIGTERM")
    finally:
        kill_tree_now(service.process.pid)
    db = sqlite3.connect(data / "syndicate.db")
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        db.close()
