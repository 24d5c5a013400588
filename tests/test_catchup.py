"""Catch-up episodes, made from real clips of the offline voice: the MP3 decodes at the clips'
loudness, its duration is the sum of its parts, its chapters (JSON and ID3) match the entries,
its feed reads cleanly in feedparser and podcastparser, and it is remade when (and only when) due."""
from __future__ import annotations

import io
import json
import threading
import time
from dataclasses import replace
from datetime import timedelta
from itertools import pairwise

import feedparser
import jsonschema
import podcastparser
import pyloudnorm
import pytest
import soundfile
from conftest import post_entry
from lxml import etree
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from syndicate.formats.catchup import build_catchup_feed
from syndicate.formats.common import item_title
from syndicate.speech import catchup
from syndicate.speech.worker import SpeechWorker
from syndicate.timeutil import now, zone

NS = {"podcast": "https://podcastindex.org/namespace/1.0", "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd"}

# The Podcasting 2.0 JSON chapters format, version 1.2.0 (podcastindex-org/podcast-namespace,
# docs/examples/chapters/jsonChapters.md), as a JSON Schema.
CHAPTERS_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["version", "chapters"],
    "properties": {
        "version": {"type": "string", "pattern": r"^\d+\.\d+\.\d+$"},
        "author": {"type": "string"}, "title": {"type": "string"}, "podcastName": {"type": "string"},
        "description": {"type": "string"}, "fileName": {"type": "string"},
        "waypoints": {"type": "boolean"},
        "chapters": {"type": "array", "items": {
            "type": "object",
            "required": ["startTime"],
            "properties": {
                "startTime": {"type": "number", "minimum": 0},
                "endTime": {"type": "number", "minimum": 0},
                "title": {"type": "string"},
                "img": {"type": "string", "format": "uri"},
                "url": {"type": "string", "format": "uri", "pattern": "^https?://"},
                "toc": {"type": "boolean"},
                "location": {"type": "object", "required": ["name", "geo"]},
            },
            "additionalProperties": False,
        }},
    },
}

TEXTS = ["The river has burst its banks near the old bridge.",
         "Police close the coast road in both directions.",
         "The ferry to the island is cancelled for the day.",
         "Power is back in the town centre after two hours."]


@pytest.fixture
def services(app):
    return app.extensions["syndicate"]


def _post_and_speak(client, auth, services, app, texts=TEXTS, **fields) -> list[dict]:
    posted = [post_entry(client, auth, text=text, published=f"2026-03-01T1{n}:05:00Z", **fields)
              for n, text in enumerate(texts)]
    SpeechWorker(services.store, app.config).drain()
    services.publisher.publish_changed()  # as serve's watch does: workers never publish
    return posted


def _refresh(services, app):
    """Make the catch-up episode as an idle worker does, then publish as serve's watch does."""
    episode = catchup.refresh(services.store, app.config, "storm")
    services.publisher.publish_changed()
    return episode


def _decode(path) -> tuple:
    samples, rate = soundfile.read(str(path), dtype="float32")
    return samples, rate


def test_episode_is_the_clips_joined_with_cues(client, auth, blog, services, app):
    posted = _post_and_speak(client, auth, services, app)
    episode = _refresh(services, app)
    assert episode is not None and services.store.get_catchup("storm") == episode
    path = catchup.audio_root(app.config) / episode.file
    assert path.stat().st_size == episode.bytes

    # It decodes, as long as its frames say, at the clips' loudness (-19 LUFS).
    samples, rate = _decode(path)
    assert rate == 44100 and abs(len(samples) / rate - episode.duration) < 0.05
    assert abs(MP3(path).info.length - episode.duration) < 0.05
    assert abs(pyloudnorm.Meter(rate).integrated_loudness(samples) - (-19.0)) < 1.0

    # Its duration is the sum of its parts: opening, a cue per entry, and the clips.
    entries = services.store.list_entries("storm", order="oldest", transcripts=True)
    storm = services.store.get_blog("storm")
    cache = catchup._cue_cache(app.config)
    spoken = [catchup.opening_text(storm, entries)] + [catchup.cue_text(storm, e) for e in entries]
    cue_seconds = sum(MP3(io.BytesIO(catchup.spoken_cue(t, storm, app.config, cache)[0])).info.length
                      for t in spoken)
    clip_seconds = sum(e.audio.duration for e in entries)
    assert abs(episode.duration - (cue_seconds + clip_seconds)) < 1.0
    # ...and no entry was spoken again: the cache holds the opening and the cues, nothing else.
    assert len(list(cache.glob("*.mp3"))) == len(spoken)

    # Chapters: one per entry, oldest first, tiling the episode.
    tz = zone("Europe/London")
    assert [c.entry_id for c in episode.chapters] == [p["id"] for p in posted]
    assert [c.title for c in episode.chapters] == [item_title(e, tz) for e in entries]
    assert episode.chapters[0].start == 0 and episode.chapters[-1].end == pytest.approx(episode.duration, abs=0.01)
    assert all(a.end == b.start for a, b in pairwise(episode.chapters))

    # The same chapters in the MP3's ID3 tag (CTOC + CHAP with the entry page's URL).
    tags = ID3(path)
    assert tags.getall("CTOC")[0].child_element_ids == [f"ch{n}" for n in range(1, 5)]
    chaps = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [(c.start_time, c.end_time) for c in chaps] == [
        (round(c.start * 1000), round(c.end * 1000)) for c in episode.chapters]
    assert [c.sub_frames.getall("TIT2")[0].text[0] for c in chaps] == [c.title for c in episode.chapters]
    assert [c.sub_frames.getall("WXXX")[0].url for c in chaps] == [
        f"http://news.test/blogs/storm/entries/{p['id']}/" for p in posted]

    # The chapters document: valid, and the same chapters.
    response = client.get("/blogs/storm/catch-up/chapters.json")
    assert response.status_code == 200 and response.mimetype == "application/json+chapters"
    document = response.json if response.is_json else json.loads(response.data)
    jsonschema.Draft202012Validator(CHAPTERS_SCHEMA, format_checker=jsonschema.FormatChecker()).validate(document)
    assert document["version"] == "1.2.0"
    assert [(c["startTime"], c["title"], c["url"]) for c in document["chapters"]] == [
        (c.start, c.title, f"http://news.test/blogs/storm/entries/{c.entry_id}/") for c in episode.chapters]

    # The transcript: each entry's words inside its chapter, at the clip's own offsets.
    for chapter, entry in zip(episode.chapters, entries, strict=True):
        first_words = entry.audio.cues[1][2]  # after the clip's spoken time
        start = next(a for a, _, text in episode.cues if text == first_words and a >= chapter.start)
        assert chapter.start < start < chapter.end
    vtt = client.get("/blogs/storm/catch-up/transcript.vtt").get_data(as_text=True)
    assert vtt.startswith("WEBVTT") and "Catch-up: Storm Ana comes ashore, as of 13:05 GMT. Four updates." in vtt
    text = client.get("/blogs/storm/catch-up/transcript.txt").get_data(as_text=True)
    assert text.splitlines()[0] == "Catch-up: Storm Ana comes ashore, as of 13:05 GMT. Four updates."
    assert all(t in text for t in TEXTS)

    # Served like a clip: ranges for podcast apps.
    assert client.get(f"/audio/{episode.file}", headers={"Range": "bytes=0-1"}).status_code == 206


def test_feed_reads_cleanly_and_the_text_view_links_it(client, auth, blog, services, app):
    services.publisher.publish_changed()  # as serve's watch does after a worker's change
    empty = client.get("/blogs/storm/catch-up.xml")
    assert empty.status_code == 200 and not feedparser.parse(empty.data).bozo
    assert podcastparser.parse("http://news.test/blogs/storm/catch-up.xml", io.BytesIO(empty.data))["episodes"] == []
    assert client.get("/blogs/storm/catch-up/chapters.json").status_code == 404

    _post_and_speak(client, auth, services, app, TEXTS[:2])
    episode = _refresh(services, app)
    services.publisher.publish_changed()  # as serve's watch does after a worker's change
    data = client.get("/blogs/storm/catch-up.xml").data
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert len(parsed.entries) == 1 and parsed.entries[0].id == episode.guid
    podcast = podcastparser.parse("http://news.test/blogs/storm/catch-up.xml", io.BytesIO(data))
    [item] = podcast["episodes"]
    assert item["guid"] == episode.guid and item["title"] == "Catch-up: Storm Ana comes ashore, as of 11:05 GMT"
    assert item["enclosures"] == [{"url": f"http://news.test/audio/{episode.file}", "file_size": episode.bytes,
                                   "mime_type": "audio/mpeg"}]
    assert item["total_time"] == int(episode.duration) + 1
    root = etree.fromstring(data)
    assert root.xpath("//atom:link[@rel='self']/@href", namespaces={"atom": "http://www.w3.org/2005/Atom"}) == [
        "http://news.test/blogs/storm/catch-up.xml"]
    assert root.xpath("//item/podcast:chapters/@url", namespaces=NS) == [
        "http://news.test/blogs/storm/catch-up/chapters.json"]
    assert root.xpath("//item/podcast:transcript/@type", namespaces=NS) == ["text/plain", "text/vtt"]
    # No id shared with the blog's own podcast or text feeds.
    assert episode.guid not in client.get("/blogs/storm/podcast.xml").get_data(as_text=True)

    page = client.get("/blogs/storm/").get_data(as_text=True)
    assert f'href="http://news.test/audio/{episode.file}">Listen to the story so far (MP3, ' in page
    assert "with chapters)</a>" in page and 'href="http://news.test/blogs/storm/catch-up.xml"' in page
    text = client.get("/blogs/storm.txt").get_data(as_text=True)
    assert "Listen to the story so far (MP3, " in text and "http://news.test/blogs/storm/catch-up.xml" in text


def test_remade_when_due_only_and_key_events_only(client, auth, blog, services, app):
    _post_and_speak(client, auth, services, app, TEXTS[:2])
    store, config = services.store, app.config
    first = catchup.refresh(store, config, "storm")
    assert catchup.refresh(store, config, "storm") is None  # nothing changed
    later = now() + timedelta(minutes=float(config["CATCHUP_MINUTES"]) + 1)
    assert catchup.refresh(store, config, "storm", at=later) is None  # still nothing changed

    key = _post_and_speak(client, auth, services, app, [TEXTS[2]], key_event=True)[0]
    assert catchup.refresh(store, config, "storm") is None  # changed, but made minutes ago
    second = catchup.refresh(store, config, "storm", at=later)
    assert second is not None and second.guid != first.guid and second.file != first.file
    assert [c.entry_id for c in second.chapters] == [key["id"]]  # key events only, when there are any
    assert not (catchup.audio_root(config) / first.file).exists()  # the old one is gone
    services.publisher.publish_changed()  # as serve's watch does after a worker's change
    feed = podcastparser.parse("x", io.BytesIO(client.get("/blogs/storm/catch-up.xml").data))
    assert [e["guid"] for e in feed["episodes"]] == [second.guid]


def test_ended_blog_gets_its_final_episode_at_once(client, auth, blog, services, app):
    _post_and_speak(client, auth, services, app, TEXTS[:1])
    store, config = services.store, app.config
    first = catchup.refresh(store, config, "storm")
    _post_and_speak(client, auth, services, app, TEXTS[1:2])
    assert client.patch("/api/blogs/storm", json={"status": "ended"}, headers=auth).status_code == 200
    final = catchup.refresh(store, config, "storm")  # not held back by CATCHUP_MINUTES
    assert final is not None and final.final and final.guid != first.guid and len(final.chapters) == 2
    services.publisher.publish_changed()  # as serve's watch does after a worker's change
    data = client.get("/blogs/storm/catch-up.xml").data
    assert b"<itunes:complete>yes</itunes:complete>" in data
    episodes = podcastparser.parse("x", io.BytesIO(data))["episodes"]
    assert episodes[0]["title"] == "The whole story: Storm Ana comes ashore"


def test_final_without_new_content_is_marked_not_remade(client, auth, blog, services, app):
    _post_and_speak(client, auth, services, app, TEXTS[:1])
    first = _refresh(services, app)
    assert client.patch("/api/blogs/storm", json={"status": "ended"}, headers=auth).status_code == 200
    assert _refresh(services, app) is None
    final = services.store.get_catchup("storm")
    assert final.final and final.guid == first.guid and final.file == first.file


def test_worker_makes_it_when_idle(client, auth, blog, services, app):
    _post_and_speak(client, auth, services, app, TEXTS[:1])
    catchup._last_check[0] = 0.0
    worker = SpeechWorker(services.store, app.config, name="idle-worker")
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while services.store.get_catchup("storm") is None and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert services.store.get_catchup("storm") is not None


def test_turned_off_by_a_negative_interval(client, auth, blog, services, app):
    _post_and_speak(client, auth, services, app, TEXTS[:1])
    assert catchup.run_due(services.store, {**app.config, "CATCHUP_MINUTES": -1}, force=True) == 0
    assert services.store.get_catchup("storm") is None
    assert catchup.run_due(services.store, app.config, force=True) == 1


def test_feed_builder_is_pure(client, auth, blog, services, app):
    _post_and_speak(client, auth, services, app, TEXTS[:1])
    episode = _refresh(services, app)
    storm = services.store.get_blog("storm")
    from syndicate.links import Links
    links = Links("https://live.example")
    assert build_catchup_feed(storm, episode, links) == build_catchup_feed(storm, episode, links)


def test_a_deleted_entry_leaves_at_once(client, auth, blog, services, app):
    posted = _post_and_speak(client, auth, services, app, TEXTS[:2])
    store, config = services.store, app.config
    first = catchup.refresh(store, config, "storm")
    assert client.delete(f"/api/blogs/storm/entries/{posted[1]['id']}", headers=auth).status_code == 204
    second = catchup.refresh(store, config, "storm")  # a withdrawn update is not kept for minutes
    assert second is not None and [c.entry_id for c in second.chapters] == [posted[0]["id"]]
    assert client.delete(f"/api/blogs/storm/entries/{posted[0]['id']}", headers=auth).status_code == 204
    assert catchup.refresh(store, config, "storm") is None
    assert store.get_catchup("storm") is None and not (catchup.audio_root(config) / second.file).exists()
    assert first.file != second.file
    services.publisher.publish_changed()  # as serve's watch does after a worker's change
    assert podcastparser.parse("x", io.BytesIO(client.get("/blogs/storm/catch-up.xml").data))["episodes"] == []


def test_an_older_episode_never_replaces_a_newer_one(client, auth, blog, services, app):
    """Two workers may make a blog's episode at once: the one made last is kept."""
    _post_and_speak(client, auth, services, app, TEXTS[:1])
    store = services.store
    newer = catchup.refresh(store, app.config, "storm")
    older = replace(newer, file="storm/" + "0" * 32 + "-" + "1" * 12 + ".mp3",
                    made_at=newer.made_at - timedelta(seconds=5))
    assert store.save_catchup("storm", older) == older.file  # not kept: the caller removes its file
    assert store.get_catchup("storm") == newer
