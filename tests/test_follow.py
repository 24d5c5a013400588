"""Following a live page: a real HTTP server on 127.0.0.1 whose page changes between polls,
polled by the real poller (one step at a time, or its background loop), with the stored
entries, the feeds and the source's status checked after each poll."""
from __future__ import annotations

import json
import random
import re
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import feedparser
import pytest

from syndicate import create_app
from syndicate.follow import parse_interval
from syndicate.follow.poller import Follower, follower_for, run_follower
from syndicate.store.sources import Sources
from syndicate.store.sources import sources as table
from syndicate.timeutil import now, parse_datetime

PAGE_URL = "https://paper.example/live/ferry"


def page(updates: list[tuple[str, str, str, str]], *, lang: str = "en") -> bytes:
    """An HTML page with a LiveBlogPosting; updates are (anchor, time, headline, body), newest first."""
    data = {"@context": "https://schema.org", "@type": "LiveBlogPosting", "headline": "Live: the ferry strike",
            "liveBlogUpdate": [{"@type": "BlogPosting", "url": f"{PAGE_URL}#{anchor}", "datePublished": at,
                                "headline": headline, "articleBody": body} for anchor, at, headline, body in updates]}
    return (f'<!DOCTYPE html><html lang="{lang}"><head><title>Ferry strike</title>'
            f'<script type="application/ld+json">{json.dumps(data)}</script></head>'
            "<body><p>Live coverage</p></body></html>").encode()


FIRST = ("u1", "2025-05-02T07:00:00Z", "Pickets at the terminal", "Crews gather at the gates before dawn.")
SECOND = ("u2", "2025-05-02T08:15:00Z", "Morning sailings cancelled", "No boats leave before noon.")
THIRD = ("u3", "2025-05-02T09:30:00Z", "Talks resume", "Both sides meet at the harbour office.")


class LivePage:
    """What the server answers, changed by the test between polls."""

    def __init__(self) -> None:
        self.body = page([SECOND, FIRST])
        self.status = 200
        self.headers: dict[str, str] = {}
        self.version = 1
        self.hang = threading.Event()  # set: requests wait until `release` is set
        self.release = threading.Event()
        self.requests: list[dict[str, str]] = []

    def set(self, body: bytes, **headers: str) -> None:
        self.body, self.status, self.headers = body, 200, headers
        self.version += 1

    @property
    def etag(self) -> str:
        return f'"v{self.version}"'


@pytest.fixture
def live():
    state = LivePage()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            state.requests.append(dict(self.headers))
            if state.hang.is_set():
                state.release.wait(30)
            if state.status != 200:
                self.send_response(state.status)
                for name, value in state.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.headers.get("If-None-Match") == state.etag:
                self.send_response(304)
                self.send_header("ETag", state.etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("ETag", state.etag)
            for name, value in state.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(state.body)))
            self.end_headers()
            self.wfile.write(state.body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/live/ferry"
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()
    thread.join(10)


@pytest.fixture
def app_config(data_dir):
    return {"TESTING": True, "DATA_DIR": str(data_dir), "API_TOKEN": "test-token-0123456789",
            "BASE_URL": "http://news.test", "SPEECH_WORKERS": -1, "FOLLOW_TIMEOUT": 1.0,
            "FOLLOW_MIN_INTERVAL": 1, "FOLLOW_MAX_BACKOFF": 600}


def follower(app, name: str = "poller-a") -> Follower:
    return Follower(app.extensions["syndicate"], app.config, name=name, rng=random.Random(7))


def entries(client) -> list[dict]:
    return client.get("/api/blogs/storm/entries").json["entries"]


def rss_titles(client) -> list[str]:
    return [item.title for item in feedparser.parse(client.get("/blogs/storm/rss.xml").data).entries]


def follow(client, auth, url: str, interval=60):
    return client.put("/api/blogs/storm/source", json={"url": url, "interval": interval}, headers=auth)


def test_a_followed_page_is_kept_in_step(app, client, auth, blog, live):
    assert follow(client, auth, live.url).status_code == 201
    status = client.get("/api/blogs/storm/source").json
    assert status["url"] == live.url and status["last_fetch"] is None and status["failures"] == 0
    poller = follower(app)

    # First poll: both updates arrive, the feeds carry them.
    state = poller.step()
    assert state.last_status == 200 and state.last_error is None and state.etag == '"v1"'
    assert [e["headline"] for e in entries(client)] == ["Morning sailings cancelled", "Pickets at the terminal"]
    assert rss_titles(client) == ["Morning sailings cancelled", "Pickets at the terminal"]
    assert live.requests[0]["User-Agent"].startswith("syndicate/")
    status = client.get("/api/blogs/storm/source").json
    assert status["last_change"] == status["last_fetch"]
    assert parse_datetime(status["next_poll"]) - parse_datetime(status["last_fetch"]) == timedelta(seconds=60)
    ids = {e["headline"]: e["id"] for e in entries(client)}

    # Nothing is due before the interval; asked for, the same page answers 304 and changes nothing.
    assert poller.step() is None
    before = entries(client)
    state = poller.step("storm")
    assert live.requests[-1]["If-None-Match"] == '"v1"' and state.last_status == 304
    assert entries(client) == before and state.last_change < state.last_fetch

    # A new update and an edit: same ids for the edited one.
    edited = (SECOND[0], SECOND[1], SECOND[2], "No boats leave before two o'clock.")
    live.set(page([THIRD, edited, FIRST]))
    poller.step("storm")
    now_entries = {e["headline"]: e for e in entries(client)}
    assert list(now_entries) == ["Talks resume", "Morning sailings cancelled", "Pickets at the terminal"]
    assert now_entries["Morning sailings cancelled"]["id"] == ids["Morning sailings cancelled"]
    assert "two o'clock" in now_entries["Morning sailings cancelled"]["text"]
    assert rss_titles(client)[0] == "Talks resume"

    # A removal within the span the page covers.
    live.set(page([THIRD, FIRST]))
    poller.step("storm")
    assert [e["headline"] for e in entries(client)] == ["Talks resume", "Pickets at the terminal"]
    assert "Morning sailings cancelled" not in rss_titles(client)
    atom = client.get("/blogs/storm/atom.xml").data.decode()
    assert "deleted-entry" in atom  # a tombstone for feed readers
    kept = entries(client)

    # A server error with Retry-After: nothing stored changes; the next poll waits as asked.
    live.status, live.headers = 500, {"Retry-After": "300"}
    state = poller.step("storm")
    assert state.last_error == "HTTP 500 Internal Server Error" and state.failures == 1 and state.last_status == 500
    assert state.next_poll - now() > timedelta(seconds=290)
    assert entries(client) == kept

    # A timeout.
    live.status, live.headers = 200, {}
    live.hang.set()
    state = poller.step("storm")
    assert state.last_error.startswith("timed out") and state.failures == 2
    assert entries(client) == kept
    live.hang.clear()
    live.release.set()

    # A page that suddenly has no live blog data.
    live.set(b"<!DOCTYPE html><html><body><p>Maintenance</p></body></html>")
    state = poller.step("storm")
    assert "no LiveBlogPosting" in state.last_error and state.failures == 3
    assert entries(client) == kept and state.etag != live.etag  # its validators are not kept
    status = client.get("/api/blogs/storm/source").json
    assert status["last_error"] == state.last_error and status["failures"] == 3

    # Back to normal: the error clears and the page is read again.
    live.set(page([THIRD, FIRST]))
    state = poller.step("storm")
    assert state.last_error is None and state.failures == 0 and state.last_status == 200
    assert entries(client) == kept


def test_clips_follow_new_and_edited_entries(app, client, auth, blog, live):
    from syndicate.speech.worker import SpeechWorker  # the audio stack, for this test only

    services = app.extensions["syndicate"]
    speaker = SpeechWorker(services.store, app.config, name="test-speaker")
    follow(client, auth, live.url)
    follower(app).step()
    assert speaker.drain() == 2
    services.publisher.publish_changed()
    clips = {e["headline"]: e["audio"]["url"] for e in entries(client)}
    assert all(clips.values())
    live.set(page([(SECOND[0], SECOND[1], SECOND[2], "Every sailing is now cancelled."), FIRST]))
    follower(app).step("storm")
    assert speaker.drain() == 1
    services.publisher.publish_changed()  # as serve's watch does: workers never publish
    after = {e["headline"]: e["audio"]["url"] for e in entries(client)}
    assert after["Pickets at the terminal"] == clips["Pickets at the terminal"]
    assert after["Morning sailings cancelled"] not in (None, clips["Morning sailings cancelled"])
    podcast = feedparser.parse(client.get("/blogs/storm/podcast.xml").data)
    assert len(podcast.entries) == 2


def test_cache_control_max_age_is_honoured(app, client, auth, blog, live):
    live.set(page([SECOND, FIRST]), **{"Cache-Control": "public, max-age=300"})
    follow(client, auth, live.url, interval=30)
    state = follower(app).step()
    assert state.next_poll - state.last_fetch == timedelta(seconds=300)


def test_backoff_grows_with_jitter_and_is_capped(app, client, auth, blog, live):
    live.status = 503
    follow(client, auth, live.url, interval=10)
    poller = follower(app)
    waits = []
    for attempt in range(1, 9):
        started = now()
        state = poller.step("storm")
        assert state.failures == attempt
        waits.append((state.next_poll - started).total_seconds())
    for attempt, wait in enumerate(waits[:5], start=1):
        assert 10 * 2 ** attempt * 0.5 - 1 <= wait <= 10 * 2 ** attempt + 1
    assert max(waits) <= 600 + 1 and waits[-1] >= 300 - 1  # capped at FOLLOW_MAX_BACKOFF, jittered below it
    assert len({round(w) for w in waits[-3:]}) > 1  # jitter: capped waits still differ


def test_two_pollers_never_hold_one_source(app, client, auth, blog, live):
    follow(client, auth, live.url)
    sources = Sources(app.extensions["syndicate"].store)
    held = sources.claim("poller-a", 60.0, slug="storm")
    assert held is not None
    other = follower(app, "poller-b")
    assert other.step("storm") is None and other.step() is None and live.requests == []
    assert client.get("/api/blogs/storm/source").json["polling"] is True
    # The holder dies: once its lease runs out, another poller takes over.
    with sources.store.write() as conn:
        conn.execute(table.update().values(lease_until=now() - timedelta(seconds=1)))
    assert other.step("storm").last_status == 200
    assert sources.finish(held, "poller-a") is False  # the dead poller cannot overwrite anything


def test_concurrent_claims_give_one_winner(app, client, auth, blog, live):
    follow(client, auth, live.url)
    sources = Sources(app.extensions["syndicate"].store)
    winners, barrier = [], threading.Barrier(4)

    def claim(name: str) -> None:
        barrier.wait(10)
        if sources.claim(name, 60.0) is not None:
            winners.append(name)

    threads = [threading.Thread(target=claim, args=(f"p{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(winners) == 1


def wait_for(condition, deadline: float = 30.0):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met before the deadline")


def test_background_follower_keeps_going_through_a_restart(app_config, app, client, auth, blog, live):
    follow(client, auth, live.url, interval=1)
    stop = threading.Event()
    thread = threading.Thread(target=run_follower, args=(app_config, stop), daemon=True)
    thread.start()
    wait_for(lambda: len(entries(client)) == 2)
    stop.set()
    thread.join(30)
    assert not thread.is_alive()
    etag = client.get("/api/blogs/storm/source").json
    app.extensions["syndicate"].store.close()

    # The service restarts; the page has moved on meanwhile.
    live.set(page([THIRD, SECOND, FIRST]))
    restarted = create_app(app_config)
    again = restarted.test_client()
    assert again.get("/api/blogs/storm/source").json["last_fetch"] == etag["last_fetch"]
    seen = len(live.requests)
    stop = threading.Event()
    thread = threading.Thread(target=run_follower, args=(app_config, stop), daemon=True)
    thread.start()
    try:
        wait_for(lambda: len(again.get("/api/blogs/storm/entries").json["entries"]) == 3)
    finally:
        stop.set()
        thread.join(30)
    assert live.requests[seen]["If-None-Match"] == '"v1"'  # validators survived the restart
    assert again.get("/api/blogs/storm/entries").json["entries"][0]["headline"] == "Talks resume"
    restarted.extensions["syndicate"].store.close()


def test_source_api_validation_and_stop(client, auth, blog, live):
    url = "/api/blogs/storm/source"
    assert client.get(url).status_code == 404
    assert client.put(url, json={"url": live.url}).status_code == 401
    assert client.put("/api/blogs/nope/source", json={"url": live.url}, headers=auth).status_code == 404
    for body, field in (({"url": "ftp://paper.example/live"}, "url"), ({"url": "javascript:alert(1)"}, "url"),
                        ({"url": live.url, "interval": 0}, "interval"),
                        ({"url": live.url, "interval": "soon"}, "interval"),
                        ({"url": live.url, "interval": True}, "interval"), ({"url": live.url, "every": 5}, "every")):
        response = client.put(url, json=body, headers=auth)
        assert response.status_code == 400 and response.json["field"] == field, body
    assert client.put(url, data="url=x", headers={**auth, "Content-Type": "text/plain"}).status_code == 415
    assert client.put(url, data="[1]", headers={**auth, "Content-Type": "application/json"}).status_code == 400
    assert client.get(url).status_code == 404  # nothing was stored
    created = client.put(url, json={"url": live.url, "interval": "5m"}, headers=auth)
    assert created.status_code == 201 and created.json["interval"] == 300
    changed = client.put(url, json={"url": live.url, "interval": 90}, headers=auth)
    assert changed.status_code == 200 and changed.json["interval"] == 90
    assert client.delete(url, headers=auth).status_code == 204
    assert client.delete(url, headers=auth).status_code == 404
    assert client.get(url).status_code == 404


def test_deleting_the_blog_stops_following(app, client, auth, blog, live):
    follow(client, auth, live.url)
    assert client.delete("/api/blogs/storm", headers=auth).status_code == 204
    assert Sources(app.extensions["syndicate"].store).all() == []


def test_unreachable_source_changes_nothing(app, client, auth, blog):
    follow(client, auth, "http://127.0.0.1:9/nothing-listens-here")
    state = follower(app).step()
    assert state.last_error.startswith("cannot reach the page") and state.failures == 1
    assert entries(client) == []


def test_size_cap(app_config, client, auth, blog, live):
    small = create_app({**app_config, "FOLLOW_MAX_BYTES": 200})
    follow(client, auth, live.url)
    state = follower(small).step()
    assert "larger than 200 bytes" in state.last_error and entries(client) == []
    small.extensions["syndicate"].store.close()


@pytest.mark.parametrize("value, seconds", [(90, 90), ("90", 90), ("45s", 45), ("5m", 300), ("2h", 7200)])
def test_intervals(value, seconds):
    assert parse_interval(value, 10) == seconds


def test_follower_for_builds_its_own_services(app_config, app, client, auth, blog, live):
    follow(client, auth, live.url)
    own = follower_for(app_config, name="own")
    assert own.step().last_status == 200 and len(entries(client)) == 2
    own.services.store.close()


@pytest.fixture
def cli_env(cli_env):
    return {**cli_env, "SYNDICATE_FOLLOW_TIMEOUT": "1"}


def test_follow_command(cli, live, data_dir):
    live.set(page([SECOND, FIRST], lang="it"))
    result = cli("follow", live.url, "--blog", "ferry", "--every", "2m")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "ferry: 2 created, 0 updated, 0 unchanged, 0 deleted, 0 skipped, 0 adjusted",
        f"ferry: following {live.url} every 120 s (polled by `syndicate serve` or `syndicate worker`)"]
    status = cli("follow", "--blog", "ferry", "--status")
    assert f"url: {live.url}" in status.output and "last_status: 200" in status.output
    assert "interval: 120" in status.output
    app = create_app({"DATA_DIR": str(data_dir), "SPEECH_WORKERS": -1})
    blog = app.extensions["syndicate"].store.get_blog("ferry")
    assert blog.language == "it" and blog.title == "Live: the ferry strike"
    source = Sources(app.extensions["syndicate"].store).get("ferry")
    assert source.etag == live.etag and source.next_poll > now()
    app.extensions["syndicate"].store.close()
    assert cli("follow", "--blog", "ferry", "--stop").output == "ferry: stopped following\n"
    assert cli("follow", "--blog", "ferry", "--status").exit_code != 0


@pytest.mark.parametrize("args, message", [
    (["http://127.0.0.1:9/none", "--blog", "ferry"], "cannot fetch http://127.0.0.1:9/none: cannot reach the page"),
    (["ftp://paper.example/live", "--blog", "ferry"], "URL must be an absolute http:// or https:// URL"),
    (["LIVE", "--blog", "ferry", "--every", "1s"], "--every must be from 15 seconds to a week"),
    (["LIVE", "--blog", "Bad Slug"], "--blog must be"),
    (["--blog", "ferry"], "give the page's URL to follow"),
])
def test_follow_command_errors_store_nothing(cli, live, data_dir, args, message):
    args = [live.url if a == "LIVE" else a for a in args]
    result = cli("follow", *args)
    assert result.exit_code != 0 and message in result.output and "Traceback" not in result.output
    assert cli("blogs").output == ""


def test_follow_command_refuses_a_page_without_a_live_blog(cli, live):
    live.set(b"<html><body><p>Just an article.</p></body></html>")
    result = cli("follow", live.url, "--blog", "ferry")
    assert result.exit_code != 0 and "no LiveBlogPosting" in result.output
    assert cli("blogs").output == ""


def test_redirects_to_other_schemes_are_refused(app, client, auth, blog, live):
    live.status, live.headers = 302, {"Location": "ftp://files.example/live.html"}
    follow(client, auth, live.url)
    state = follower(app).step()
    assert state.last_error.startswith("redirected to a non-http(s) URL") and entries(client) == []


def test_worker_processes_follow_sources(app, client, auth, blog, live):
    """The speech worker processes that `serve` and `worker` start poll followed pages too."""
    from syndicate.workers import start_processes

    follow(client, auth, live.url, interval=1)
    processes = start_processes(dict(app.config), 1)
    try:
        wait_for(lambda: len(entries(client)) == 2, deadline=120)
        live.set(page([THIRD, SECOND, FIRST]))
        wait_for(lambda: len(entries(client)) == 3, deadline=60)
    finally:
        for process in processes:
            process.terminate()
            process.join(30)
    assert client.get("/api/blogs/storm/source").json["last_error"] is None


def test_a_database_from_before_following_is_upgraded(tmp_path, monkeypatch):
    import sqlalchemy as sa

    from syndicate.store import Store, migrations

    store = Store(f"sqlite:///{tmp_path}/old.db")
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:1])
    assert store.migrate() == 1
    store.create_blog("old", {"title": "Old"})
    monkeypatch.undo()
    assert store.migrate() == len(migrations.MIGRATIONS) >= 2
    assert sa.inspect(store.engine).has_table("sources")
    source, created = Sources(store).put("old", "http://127.0.0.1:9/l", 60)
    assert created and source.slug == "old" and store.get_blog("old").title == "Old"
    store.close()


@pytest.mark.parametrize("low, high", [(0, 9), (1, 168), (15, 604800), (7, 7), (99, 1001), (3, 10080)])
def test_number_pattern_matches_exactly_the_range(low, high):
    from syndicate.follow import number_pattern

    pattern = re.compile(number_pattern(low, high))
    for n in {*range(1200), *range(high - 50, high + 50), *range(low - 50, low + 50), 10 ** 7}:
        assert bool(pattern.fullmatch(str(n))) is (low <= n <= high), n
    assert not pattern.fullmatch("0" + str(high))  # no leading zeros


def test_interval_strings_outside_the_range_are_refused_with_the_range():
    for value in ("14s", "0m", "169h", "605000"):
        with pytest.raises(ValueError, match="from 15 seconds to a week"):
            parse_interval(value, 15)
