"""`syndicate serve` as a real process on 127.0.0.1: its processes end with it however it ends,
and a request smuggled behind one with both Content-Length and Transfer-Encoding never runs."""
from __future__ import annotations

import json
import os
import signal
import socket
import urllib.error
import urllib.request

import pytest
from processes import alive, at_least, free_port, kill_tree_now, start_serve, wait_until

TOKEN = "serve-test-token-0123456789"
pytestmark = pytest.mark.skipif(not os.path.isdir("/proc"), reason="process checks read /proc")


@pytest.fixture
def serve(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    port = free_port()
    process = start_serve(data, port, token=TOKEN, workers=2, web=2)
    yield process, port
    kill_tree_now(process.pid)
    process.wait(10)


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_no_process_of_serve_outlives_it(serve, how):
    process, port = serve
    family = wait_until(lambda: at_least(process.pid, 4), 30, "2 web processes and 2 speech workers")
    os.kill(process.pid, how)
    process.wait(15)
    wait_until(lambda: not alive(family), 10, f"every process of serve gone after {how.name}")
    with pytest.raises(OSError):  # noqa: PT011  refused or reset: any failure to connect will do
        urllib.request.urlopen(f"http://127.0.0.1:{port}/api/blogs", timeout=2)


def _exchange(port: int, data: bytes) -> bytes:
    """Send raw bytes on one connection; everything the server answers until it closes
    (or stays silent for two seconds)."""
    with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
        sock.sendall(data)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except TimeoutError:
            pass
    return received


@pytest.mark.parametrize("coding", ["chunked", " chunked", "Chunked", "\tchunked"])
def test_a_request_smuggled_in_a_body_never_runs(serve, coding):
    _, port = serve
    hidden_body = json.dumps({"slug": "smuggled", "title": "Hidden"}).encode()
    hidden = (b"POST /api/blogs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN.encode()
              + b"\r\nContent-Type: application/json\r\nContent-Length: " + str(len(hidden_body)).encode()
              + b"\r\n\r\n" + hidden_body)
    body = b"0\r\n\r\n" + hidden
    outer = (b"POST /api/blogs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN.encode()
             + b"\r\nContent-Type: application/json\r\nContent-Length: " + str(len(body)).encode()
             + b"\r\nTransfer-Encoding:" + coding.encode() + b"\r\n\r\n" + body)
    answer = _exchange(port, outer)
    statuses = [line for line in answer.split(b"\r\n") if line.startswith(b"HTTP/1.1 ")]
    assert len(statuses) <= 1, answer  # one answer at most: the hidden request got none
    assert not statuses or statuses[0].split()[1] == b"400", answer
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/api/blogs/smuggled", timeout=5)
    missing.value.close()
    assert missing.value.code == 404
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/blogs", timeout=5) as response:
        assert json.load(response) == {"blogs": []}
