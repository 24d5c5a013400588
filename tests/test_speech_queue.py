"""Clips through the real queue and the real offline voice: publish, edit, delete, restart,
retry, serving with ranges, transcripts, and the podcast feed."""
from __future__ import annotations

import io

import podcastparser
from conftest import post_entry
from processes import wait_until

from syndicate import create_app
from syndicate.speech.worker import SpeechWorker


class PublishedWorker(SpeechWorker):
    """A worker whose every pass is followed by the publisher's look for changes, as the
    watcher in `serve` does (workers never publish themselves)."""

    def __init__(self, app) -> None:
        services = app.extensions["syndicate"]
        super().__init__(services.store, app.config, name="test-worker")
        self.publisher = services.publisher

    def run_once(self) -> bool:
        busy = super().run_once()
        self.publisher.publish_changed()
        return busy


def worker_for(app) -> SpeechWorker:
    return PublishedWorker(app)


def spoken(client, app, auth, **fields) -> dict:
    entry = post_entry(client, auth, **fields)
    assert worker_for(app).drain() >= 1
    entry = client.get(f"/api/blogs/storm/entries/{entry['id']}").json
    assert entry["audio"]["status"] == "ready", entry["audio"]
    return entry


def test_clip_is_made_served_and_published(client, app, auth, blog, data_dir):
    entry = spoken(client, app, auth, headline="Bridge closed", text="Police closed the old bridge at 8:30 a.m.")
    audio = entry["audio"]
    assert audio["url"].startswith("http://news.test/audio/storm/") and audio["url"].endswith(".mp3")
    assert audio["duration"] > 1 and audio["voice"]
    path = audio["url"].removeprefix("http://news.test")
    assert (data_dir / "public" / path.removeprefix("/")).stat().st_size == audio["bytes"]

    response = client.get(path, buffered=True)
    assert response.status_code == 200 and response.mimetype == "audio/mpeg"
    assert len(response.data) == audio["bytes"]
    assert "immutable" in response.headers["Cache-Control"] and response.headers["ETag"]
    assert client.head(path, buffered=True).headers["Content-Length"] == str(audio["bytes"])
    probe = client.get(path, buffered=True, headers={"Range": "bytes=0-1"})
    assert probe.status_code == 206 and len(probe.data) == 2
    assert probe.headers["Content-Range"] == f"bytes 0-1/{audio['bytes']}"
    tail = client.get(path, buffered=True, headers={"Range": "bytes=-100"})
    assert tail.status_code == 206 and tail.data == response.data[-100:]
    assert client.get(path, buffered=True, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    assert client.get(path, buffered=True, headers={"Range": f"bytes={audio['bytes'] + 10}-"}).status_code == 416
    etag = response.headers["ETag"]
    same = client.get(path, buffered=True, headers={"Range": "bytes=10-19", "If-Range": etag})
    assert same.status_code == 206 and same.data == response.data[10:20]
    other = client.get(path, buffered=True, headers={"Range": "bytes=10-19", "If-Range": '"older"'})
    assert other.status_code == 200 and other.data == response.data
    weak = client.get(path, buffered=True, headers={"Range": "bytes=10-19", "If-Range": f"W/{etag}"})
    assert weak.status_code == 200 and weak.data == response.data  # If-Range needs a strong match
    assert client.get(path, buffered=True, headers={"Range": "items=0-1"}).status_code == 200
    assert client.get(path, buffered=True, headers={"Range": "bytes=-0"}).status_code == 416
    several = client.get(path, buffered=True, headers={"Range": "bytes=0-1,5-9"})
    assert several.status_code == 200 and several.data == response.data
    # A suffix longer than the file is the whole file, as 206 (RFC 9110, 14.1.3).
    longer = client.get(path, buffered=True, headers={"Range": f"bytes=-{audio['bytes'] + 500}"})
    assert longer.status_code == 206 and longer.data == response.data
    assert longer.headers["Content-Range"] == f"bytes 0-{audio['bytes'] - 1}/{audio['bytes']}"
    exact = client.get(path, buffered=True, headers={"Range": f"bytes=-{audio['bytes']}"})
    assert exact.status_code == 206 and exact.data == response.data

    transcript = client.get(audio["transcript"].removeprefix("http://news.test"))
    assert transcript.mimetype == "text/plain" and "bridge" in transcript.text.lower()
    vtt = client.get(audio["transcript"].removeprefix("http://news.test").replace(".txt", ".vtt"))
    assert vtt.text.startswith("WEBVTT") and "-->" in vtt.text

    feed = podcastparser.parse("http://news.test/blogs/storm/podcast.xml",
                               io.BytesIO(client.get("/blogs/storm/podcast.xml").data))
    [episode] = feed["episodes"]
    assert episode["enclosures"][0]["url"] == audio["url"]
    assert episode["enclosures"][0]["file_size"] == audio["bytes"]


def test_paths_outside_the_audio_dir_are_unreachable(client, app, auth, blog, data_dir):
    (data_dir / "secret.mp3").write_bytes(b"not for you")
    for path in ("/audio/../secret.mp3", "/audio/%2e%2e/secret.mp3", "/audio/..%2fsecret.mp3",
                 "/audio//etc/passwd", "/audio/storm/../../syndicate.db"):
        assert client.get(path, buffered=True, follow_redirects=True).status_code == 404, path


def test_edit_gives_a_new_url_and_removes_the_old_clip(client, app, auth, blog, data_dir):
    entry = spoken(client, app, auth, text="The ferry is cancelled.")
    old_path = entry["audio"]["url"].removeprefix("http://news.test")
    client.patch(f"/api/blogs/storm/entries/{entry['id']}", json={"text": "The ferry will sail at noon."}, headers=auth)
    assert client.get(f"/api/blogs/storm/entries/{entry['id']}").json["audio"]["status"] == "pending"
    worker_for(app).drain()
    new = client.get(f"/api/blogs/storm/entries/{entry['id']}").json["audio"]
    assert new["status"] == "ready" and new["url"] != entry["audio"]["url"]
    assert client.get(old_path, buffered=True).status_code == 404
    assert not (data_dir / "public" / old_path.removeprefix("/")).exists()


def test_non_spoken_edit_keeps_the_clip(client, app, auth, blog):
    entry = spoken(client, app, auth, text="A short update.")
    client.patch(f"/api/blogs/storm/entries/{entry['id']}", json={"key_event": True}, headers=auth)
    assert client.get(f"/api/blogs/storm/entries/{entry['id']}").json["audio"] == entry["audio"]


def test_delete_removes_the_clip(client, app, auth, blog, data_dir):
    entry = spoken(client, app, auth, text="This will be withdrawn.")
    path = entry["audio"]["url"].removeprefix("http://news.test")
    client.delete(f"/api/blogs/storm/entries/{entry['id']}", headers=auth)
    assert client.get(path, buffered=True).status_code == 404
    assert list((data_dir / "public" / "audio" / "storm").glob("*.mp3")) == []


def test_a_killed_workers_job_is_done_after_restart(app_config, client, app, auth, blog):
    entry = post_entry(client, auth, text="Power is back in the harbour district.")
    store = app.extensions["syndicate"].store
    job = store.claim_job("worker-that-dies", lease=0.2)  # leased, then never finished
    assert job is not None and store.claim_job("another") is None  # never twice at once
    restarted = create_app(app_config)
    assert 0 < restarted.extensions["syndicate"].store.seconds_until_due() <= 0.2  # due when the lease lapses
    wait_until(lambda: restarted.extensions["syndicate"].store.seconds_until_due() == 0.0, 5, "the lease lapses")
    assert worker_for(restarted).drain() == 1
    assert restarted.test_client().get(f"/api/blogs/storm/entries/{entry['id']}").json["audio"]["status"] == "ready"


def test_failures_are_retried_with_backoff_then_marked_failed(client, app, auth, blog, data_dir):
    (data_dir / "public" / "audio" / "storm").write_text("a file where the clip folder should be")
    entry = post_entry(client, auth, text="This clip cannot be written.")
    store = app.extensions["syndicate"].store
    worker = worker_for(app)
    assert worker.run_once()
    assert store.queue_stats()["retrying"] == 1
    assert client.get("/api/speech").json == {"queued": 1, "leased": 0, "retrying": 1, "failed": 0}
    assert worker.run_once() is False  # backing off: not due yet
    assert client.get(f"/api/blogs/storm/entries/{entry['id']}").json["audio"]["status"] == "pending"
    worker.retries = 1
    job = store.claim_job("impatient", lease=1)
    assert job is None  # still backing off
    from syndicate.store.schema import jobs

    with store.write() as conn:  # make the retry due now rather than wait for the backoff
        conn.execute(jobs.update().values(run_after=jobs.c.created))
    assert worker.run_once()
    audio = client.get(f"/api/blogs/storm/entries/{entry['id']}").json["audio"]
    assert audio["status"] == "failed" and audio["error"]
    assert client.get("/api/speech").json == {"queued": 0, "leased": 0, "retrying": 0, "failed": 1}


def test_reimporting_an_unchanged_blog_makes_no_new_audio(client, app, auth, blog, data_dir):
    source = ("March 1, 2026 | 10:00 GMT\n\nStorm Ana\n\nUpdates.\n\n"
              "  • 09h30\n\n    Trees are down on the coast road.\n\n"
              "  • 09h10\n\n    The ferry is cancelled.\n")
    headers = {**auth, "Content-Type": "text/plain"}
    assert client.post("/api/blogs/storm/import", data=source, headers=headers).json["created"] == 2
    worker_for(app).drain()
    before = sorted(p.name for p in (data_dir / "public" / "audio" / "storm").iterdir())
    counts = client.post("/api/blogs/storm/import", data=source, headers=headers).json
    assert counts["unchanged"] == 2 and counts["created"] == 0
    assert worker_for(app).drain() == 0
    assert sorted(p.name for p in (data_dir / "public" / "audio" / "storm").iterdir()) == before


def test_vtt_uses_the_clips_real_timings(client, app, auth, blog):
    entry = spoken(client, app, auth, headline="Ferry news", text="The ferry is cancelled. It may sail tomorrow.")
    vtt = client.get(f"/blogs/storm/entries/{entry['id']}.vtt").text
    stored = app.extensions["syndicate"].store.get_entry("storm", entry["id"]).audio
    assert stored.cues and vtt.count("-->") == len(stored.cues)
    first_start = vtt.split("\n")[3].split(" --> ")[0]
    assert first_start == f"00:00:{stored.cues[0][0]:06.3f}"
    assert stored.cues[-1][1] <= entry["audio"]["duration"]


def test_a_current_clip_on_disk_is_not_spoken_again(client, app, auth, blog, data_dir):
    entry = spoken(client, app, auth, text="Spoken once.")
    clip = data_dir / "public" / entry["audio"]["url"].removeprefix("http://news.test/")
    stamp = clip.stat().st_mtime_ns
    store = app.extensions["syndicate"].store
    store.request_speech("storm")  # nothing is missing: no job
    with store.transaction() as tx:  # force a job for it, as a restart mid-way might leave
        tx.enqueue(entry["id"])
    assert worker_for(app).drain() == 1
    again = client.get(f"/api/blogs/storm/entries/{entry['id']}").json["audio"]
    assert again["url"] == entry["audio"]["url"] and clip.stat().st_mtime_ns == stamp


def test_a_new_language_or_time_zone_is_spoken_again(client, app, auth, blog):
    entry = spoken(client, app, auth, text="Ferries are cancelled.", published="2026-03-01T08:30:00Z")
    assert entry["audio"]["transcript"]
    before = client.get(entry["audio"]["transcript"].removeprefix("http://news.test")).text
    client.patch("/api/blogs/storm", json={"timezone": "Asia/Tokyo"}, headers=auth)
    assert worker_for(app).drain() == 1
    after = client.get(f"/api/blogs/storm/entries/{entry['id']}").json["audio"]
    text = client.get(after["transcript"].removeprefix("http://news.test")).text
    assert after["status"] == "ready" and after["url"] != entry["audio"]["url"]
    assert "eight thirty" in before.lower() and "five thirty" in text.lower()


def test_a_clip_finished_after_its_entry_was_deleted_is_removed(client, app, auth, blog, data_dir):
    import threading

    long_text = "The council has published the list of roads that will stay closed overnight. " * 25
    entry = post_entry(client, auth, text=long_text)
    worker = worker_for(app)
    speaking = threading.Thread(target=worker.run_once)
    speaking.start()
    store = app.extensions["syndicate"].store
    wait_until(lambda: store.queue_stats()["leased"] == 1, 30, "the worker has taken the job")
    assert client.delete(f"/api/blogs/storm/entries/{entry['id']}", headers=auth).status_code == 204
    speaking.join(60)
    assert not list((data_dir / "public" / "audio").glob("storm/*.mp3"))
