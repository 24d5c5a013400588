"""gTTS with its network faked on 127.0.0.1: a server that never answers (timeout), a closed
port (refused) and a server that answers like Google with a real MP3 we encode ourselves.
Everything else (gTTS itself, decoding, the offline fallback, the clip) is real."""
from __future__ import annotations

import base64
import io
import json
import socket
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote_plus

import gtts.tts
import lameenc
import numpy as np
import pytest
from mutagen.id3 import ID3

from syndicate.model import Blog, Entry
from syndicate.speech import audio, clip_key, make_clip
from syndicate.speech.voices import GttsWithFallback, choose_voice, render

OFFLINE = choose_voice("en").id
MOMENT = datetime(2024, 3, 5, 8, 30, tzinfo=UTC)
BLOG = Blog(slug="storm", title="Storm live", uuid="u", created=MOMENT, updated=MOMENT, language="en")
ENTRY = Entry(id="ab" * 16, published=MOMENT, updated=MOMENT, headline="Bridge closed",
              text="Police closed the bridge.")


def point_gtts_at(monkeypatch, base: str) -> None:
    """Send gTTS's requests to `base` instead of translate.google.com."""
    monkeypatch.setattr(gtts.tts, "_translate_url", lambda tld="com", path="": f"{base}/{path}")
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")


@pytest.fixture
def silent_server(monkeypatch):
    """Accepts connections and never answers: every gTTS request runs into its timeout."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    held, stop = [], threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except (TimeoutError, OSError):
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    point_gtts_at(monkeypatch, f"http://127.0.0.1:{listener.getsockname()[1]}")
    yield
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


@pytest.fixture
def refused(monkeypatch):
    """A port nobody listens on."""
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    point_gtts_at(monkeypatch, f"http://127.0.0.1:{port}")


def tone_mp3(seconds: float = 0.5, rate: int = 24000) -> bytes:
    """A real MP3 (24 kHz mono, as Google sends), made with our own encoder."""
    t = np.arange(int(seconds * rate)) / rate
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(64)
    encoder.set_in_sample_rate(rate)
    encoder.set_out_sample_rate(rate)
    encoder.set_channels(1)
    pcm = audio.to_pcm16((0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32))
    return bytes(encoder.encode(pcm) + encoder.flush())


@pytest.fixture
def fake_google(monkeypatch):
    """Answers every request the way Google's batchexecute endpoint does, with `tone_mp3()`."""
    answer = tone_mp3()
    texts: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            texts.append(self.rfile.read(int(self.headers["Content-Length"])).decode())
            payload = json.dumps([base64.b64encode(answer).decode()])
            row = [["wrb.fr", "jQ1olc", payload, None, None, None, "generic"]]
            body = ")]}'\n\n" + json.dumps(row, separators=(",", ":")) + "\n"
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    point_gtts_at(monkeypatch, f"http://127.0.0.1:{server.server_address[1]}")
    yield texts
    server.shutdown()
    server.server_close()
    thread.join()


def test_gtts_is_wrapped_with_the_offline_voice():
    voice = choose_voice("en", "gtts", timeout=1)
    assert isinstance(voice, GttsWithFallback)
    assert voice.id == "gtts:en" and voice.fallback.id == OFFLINE


def test_a_silent_server_times_out_and_the_offline_voice_speaks(silent_server):
    voice = choose_voice("en", "gtts", timeout=0.3)
    started = time.perf_counter()
    pieces, spoken_by = render(voice, ["The bridge is closed.", "Police are on the scene.", "More soon."])
    assert time.perf_counter() - started < 3  # one timeout, not one per piece
    assert spoken_by == voice.id == OFFLINE
    assert len(pieces) == 3 and all(p.duration_seconds > 0.3 for p in pieces)


def test_a_refused_connection_falls_back_at_once(refused):
    voice = choose_voice("en", "gtts", timeout=5)
    started = time.perf_counter()
    pieces, spoken_by = render(voice, ["The bridge is closed."])
    assert time.perf_counter() - started < 2 and spoken_by == OFFLINE and pieces[0].duration_seconds > 0.5


def test_a_working_service_speaks_and_is_recorded(fake_google):
    voice = choose_voice("en", "gtts", timeout=2)
    pieces, spoken_by = render(voice, ["The bridge is closed.", "Police are on the scene."])
    assert spoken_by == "gtts:en"
    assert all(0.45 < p.duration_seconds < 0.7 for p in pieces)  # our 0.5 s tone (+ MP3 padding)
    assert pieces[0].frame_rate == 24000 and pieces[0].channels == 1
    assert any("bridge is closed" in unquote_plus(body) for body in fake_google)


def test_make_clip_names_the_clip_for_the_voice_that_spoke(silent_server):
    settings = {"TTS_ENGINE": "gtts", "TTS_TIMEOUT": 0.3}
    clip = make_clip(ENTRY, BLOG, settings)
    assert clip.voice == OFFLINE
    planned = clip_key(ENTRY, BLOG, settings)
    assert planned.voice == "gtts:en" and planned.name != clip.name  # the plan was gTTS
    assert clip_key(ENTRY, BLOG, settings, voice=clip.voice).name == clip.name
    assert clip_key(ENTRY, BLOG, {}).name == clip.name  # the same clip the offline engine makes
    assert str(ID3(io.BytesIO(clip.mp3))["COMM::eng"]) == f"Spoken by {OFFLINE}"


def test_make_clip_with_a_working_service(fake_google):
    settings = {"TTS_ENGINE": "gtts", "TTS_TIMEOUT": 2}
    clip = make_clip(ENTRY, BLOG, settings)
    assert clip.voice == "gtts:en"
    assert clip.name == clip_key(ENTRY, BLOG, settings).name
    assert clip.duration > 2  # lead-in, three tones, pauses, lead-out


def test_a_language_gtts_lacks_stays_offline():
    assert choose_voice("xx", "gtts").id == OFFLINE
