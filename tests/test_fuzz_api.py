"""The API under generated requests: schemathesis reads /api/openapi.json and sends a few
thousand requests, valid and invalid, single and chained through the document's links, to the
real server (`syndicate serve`) on 127.0.0.1.

It fails on any 5xx, any response that does not match the document, any request the document
calls invalid that the server accepts (or valid that it refuses), and any traceback in the
server's log. `SYNDICATE_FUZZ=long` runs many more examples with a fresh seed
(`SYNDICATE_FUZZ_SEED` picks one).
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import TOKEN

LONG = os.environ.get("SYNDICATE_FUZZ", "") == "long"
EXAMPLES = 400 if LONG else 25
SEED = os.environ.get("SYNDICATE_FUZZ_SEED") or ("" if LONG else "20261130")

# Every check schemathesis has runs. 413 and 415 are how this API refuses sizes and content
# types.
CONFIG = """
[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "409", "413", "415"]

# "Valid data is accepted" cannot hold for four operations: any text is an import body by its
# type, but most random text is no live blog (400 bad_import); whether an edit leaves an
# entry empty depends on the entry; a lexicon may not give one word twice (items that differ
# in their other fields); and a word in the body must be the one in the URL. No schema can
# say these.
[[operations]]
include-operation-id = ["importBlog", "editEntry", "replacePronunciations", "putPronunciation"]
checks.positive_data_acceptance.enabled = false

# A new blog follows no source: its source is made by PUT, so a 404 from reading or stopping
# it right after the blog is made is the answer, not a resource lost.
[[operations]]
include-operation-id = ["getSource", "stopFollowing"]
checks.ensure_resource_availability.enabled = false
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("the server did not answer within 30 s")


@pytest.fixture
def server(tmp_path: Path):
    """`syndicate serve` on a free port, its log in a file; yields (base URL, log path)."""
    port = _free_port()
    log = tmp_path / "server.log"
    env = {**os.environ, "SYNDICATE_DATA_DIR": str(tmp_path / "data"), "SYNDICATE_API_TOKEN": TOKEN,
           "SYNDICATE_SPEECH_WORKERS": "-1", "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop("SYNDICATE_BASE_URL", None)
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "syndicate.cli", "serve", "--host", "127.0.0.1",
                                    "--port", str(port), "--workers", "0"],
                                   env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/api/openapi.json", process, time.monotonic() + 30)
        yield base, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_generated_requests_find_no_fault(server, tmp_path):
    base, log = server
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "--no-color", "run",
               f"{base}/api/openapi.json", "--header", f"Authorization: Bearer {TOKEN}", "--mode", "all",
               "--max-examples", str(EXAMPLES), "--workers", "1",
               "--phases", "examples,coverage,fuzzing,stateful", "--max-failures", "20",
               "--request-timeout", "30", "--suppress-health-check", "all", "--output-truncate", "true"]
    if SEED:
        command += ["--seed", SEED]
    # run in the test's folder: schemathesis keeps a cache of what it found in the current one
    result = subprocess.run(command, capture_output=True, text=True, timeout=3600 if LONG else 600, cwd=tmp_path)
    report = result.stdout[-12_000:] + result.stderr[-4_000:]
    server_log = log.read_text(errors="replace")
    assert "Traceback" not in server_log and "unexpected error" not in server_log, server_log[-8_000:]
    assert result.returncode == 0, report
    assert "generated" in result.stdout  # it ran: a summary of the test cases was printed
