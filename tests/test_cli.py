"""The `syndicate` command, run for real: in-process through click, and as a server process."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import feedparser
import pytest
from click.testing import CliRunner
from storm_text import STORM as SOURCE

from syndicate.cli import main, slugify


def test_import_a_file_then_list(cli, tmp_path):
    path = tmp_path / "storm.txt"
    path.write_text(SOURCE)
    result = cli("import", str(path), "--timezone", "Europe/London")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == ("storm-ana-comes-ashore: 2 created, 0 updated, 0 unchanged, 0 deleted, "
                                     "0 skipped, 0 adjusted")
    again = cli("import", str(path), "--blog", "storm-ana-comes-ashore")
    assert "2 unchanged" in again.output
    listing = cli("blogs")
    assert listing.output.startswith("storm-ana-comes-ashore\tlive\t2 entries\tStorm Ana comes ashore")


def test_import_from_stdin_into_a_named_blog(cli):
    result = cli("import", "-", "--blog", "coast", "--language", "en", input=SOURCE)
    assert result.exit_code == 0 and result.output.startswith("coast: 2 created")


def test_import_from_a_url(cli):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = SOURCE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = cli("import", f"http://127.0.0.1:{server.server_address[1]}/live", "--blog", "web")
        assert result.exit_code == 0 and "2 created" in result.output
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("args,message", [
    (["import", "/no/such/file.txt"], "cannot read /no/such/file.txt"),
    (["import", "-", "--timezone", "Mars/Base"], "timezone"),
    (["import", "-", "--language", "???"], "language"),
    (["import", "http://127.0.0.1:9/nothing"], "cannot fetch"),
])
def test_import_errors_are_one_line(cli, args, message):
    result = cli(*args, input=SOURCE)
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_import_of_garbage_fails_cleanly(cli):
    result = cli("import", "-", "--format", "jsonld", input="{not json")
    assert result.exit_code == 1 and result.output.startswith("Error: ")
    assert cli("blogs").output == ""


def test_bad_config_is_one_line(data_dir):
    result = CliRunner().invoke(main, ["blogs"], env={"SYNDICATE_DATA_DIR": str(data_dir),
                                                      "SYNDICATE_FEED_ITEMS": "many"})
    assert result.exit_code == 1 and "SYNDICATE_FEED_ITEMS" in result.output


def test_build_writes_a_static_site(cli, tmp_path):
    cli("import", "-", "--blog", "coast", input=SOURCE)
    out = tmp_path / "site"
    result = cli("build", "--out", str(out), "--base-url", "https://static.test")
    assert result.exit_code == 0, result.output
    for name in ("index.html", "feeds.opml", "blogs/coast/index.html", "blogs/coast.txt",
                 "blogs/coast/rss.xml", "blogs/coast/atom.xml", "blogs/coast/feed.json",
                 "blogs/coast/podcast.xml", "blogs/coast/cover.png"):
        assert (out / name).is_file(), name
    assert b"https://static.test/blogs/coast/rss.xml" in (out / "blogs/coast/rss.xml").read_bytes()
    # Feed items link to entry pages: the export has each of them, and the catch-up feed.
    rss = feedparser.parse((out / "blogs/coast/rss.xml").read_bytes())
    for item in rss.entries:
        page = out / item.link.removeprefix("https://static.test/") / "index.html"
        assert page.is_file() and b"Back to this update in the live blog" in page.read_bytes()
    assert (out / "blogs/coast/catch-up.xml").is_file()


def test_build_refuses_the_services_own_folders(cli, data_dir):
    cli("import", "-", "--blog", "coast", input=SOURCE)
    for out in (data_dir / "public", data_dir):
        result = cli("build", "--out", str(out))
        assert result.exit_code == 1 and "service's own data" in result.output
    assert cli("build", "--out", str(data_dir / "site"), "--base-url", "ftp://x").exit_code == 1


def test_synth_makes_missing_clips(cli, data_dir):
    cli("import", "-", "--blog", "coast", input=SOURCE)
    result = cli("synth", "--blog", "coast")
    assert result.exit_code == 0, result.output
    assert "2 clip(s) requested, 0 failed" in result.output
    assert len(list((data_dir / "public" / "audio" / "coast").glob("*.mp3"))) == 2
    # synth publishes what it made: the podcast in the tree has both episodes.
    assert (data_dir / "public" / "blogs" / "coast" / "podcast.xml").read_bytes().count(b"<enclosure") == 2
    assert cli("synth", "--blog", "nope").exit_code == 1


def test_worker_once_publishes_what_it_made(cli, data_dir):
    cli("import", "-", "--blog", "coast", input=SOURCE)
    result = cli("worker", "--once")
    assert result.exit_code == 0 and "made 2 clip(s)" in result.output
    assert (data_dir / "public" / "blogs" / "coast" / "podcast.xml").read_bytes().count(b"<enclosure") == 2


def test_slugify():
    assert slugify("Kim Jong-un arrives in Việt Nam!") == "kim-jong-un-arrives-in-viet-nam"
    assert slugify("!!!") == "live"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, timeout: float = 30) -> bytes:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_demo_serves_the_sample_blog_with_audio(tmp_path):
    port = _free_port()
    env = {**os.environ, "SYNDICATE_DATA_DIR": str(tmp_path), "SYNDICATE_SPEECH_WORKERS": "1"}
    env.pop("SYNDICATE_API_TOKEN", None)
    process = subprocess.Popen([sys.executable, "-m", "syndicate.cli", "demo", "--port", str(port)],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        page = _wait_for(f"http://127.0.0.1:{port}/blogs/demo/").decode()
        assert "<h1" in page
        deadline = time.monotonic() + 60
        while b"<enclosure" not in (podcast := _wait_for(f"http://127.0.0.1:{port}/blogs/demo/podcast.xml")):
            assert time.monotonic() < deadline, "no episode was published"
            time.sleep(0.3)
        # Published by serve's watch (workers never publish), with links to where it listens.
        assert f'url="http://127.0.0.1:{port}/audio/demo/'.encode() in podcast
        assert b"localhost" not in _wait_for(f"http://localhost:{port}/blogs/demo/podcast.xml")
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=20)
    assert re.search(r"API token:\s+\S{20,}", output), output
    assert f"http://127.0.0.1:{port}/blogs/demo/" in output


def test_serve_answers_on_loopback(tmp_path):
    port = _free_port()
    env = {**os.environ, "SYNDICATE_DATA_DIR": str(tmp_path), "SYNDICATE_SPEECH_WORKERS": "-1",
           "SYNDICATE_API_TOKEN": "t0ken"}
    process = subprocess.Popen([sys.executable, "-m", "syndicate.cli", "serve", "--port", str(port)],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert _wait_for(f"http://127.0.0.1:{port}/api/blogs") == b'{"blogs":[]}\n'
        server = urllib.request.urlopen(f"http://127.0.0.1:{port}/").headers["Server"]
        assert server == "syndicate"
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)


def test_a_bad_blog_slug_is_refused(cli, data_dir):
    result = cli("import", "-", "--blog", "..", input=SOURCE)
    assert result.exit_code == 1 and "--blog must be" in result.output
    assert not (data_dir / "public" / "blogs").exists()


def test_a_derived_slug_never_merges_another_blog(cli):
    first = SOURCE
    second = SOURCE.replace("Storm Ana comes ashore", "Storm Ana: comes ashore!")
    assert cli("import", "-", input=first).exit_code == 0
    assert "2 unchanged" in cli("import", "-", input=first).output  # same title: the same blog
    result = cli("import", "-", input=second)
    assert result.exit_code == 1 and "--blog" in result.output


def test_pronounce_adds_lists_and_removes(cli, data_dir):
    cli("import", "-", "--blog", "coast", input=SOURCE)
    assert cli("synth", "--blog", "coast").exit_code == 0
    added = cli("pronounce", "coast", "Ana", "Ahna", "--phonemes", "espeak-ng='A:n@")
    assert added.exit_code == 0, added.output
    assert "2 clip(s) queued" in added.output
    assert cli("pronounce", "coast", "--list").output == "Ana -> Ahna [espeak-ng: 'A:n@]\n"
    assert cli("worker", "--once").output == "made 2 clip(s)\n"
    removed = cli("pronounce", "coast", "Ana", "--remove")
    assert removed.exit_code == 0 and cli("pronounce", "coast").output == "no pronunciations for coast\n"
    for args, message in ((("nope", "--list"), "no blog 'nope'"), (("coast", "Ana"), "say how to pronounce"),
                          (("coast", "Ana", "--remove"), "no pronunciation for 'Ana'"),
                          (("coast", "Ana", "x", "--phonemes", "sapi=x"), "unknown engine"),
                          (("coast", "Ana", "<b>"), "may not contain")):
        result = cli("pronounce", *args)
        assert result.exit_code == 1 and message in result.output, (args, result.output)
        assert "Traceback" not in result.output
