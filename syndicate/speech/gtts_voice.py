"""Google Translate's text-to-speech through gTTS (online; an offline voice stands by).

gTTS needs the network (unreachable on CI and often in production), so it is only ever used
wrapped in `voices.GttsWithFallback`: any failure (gTTSError, a timeout, any requests error, an
undecodable answer) hands the whole clip to the offline voice, and the wrapper reports which
voice actually spoke. Operators should know that gTTS sends its requests with TLS certificate
checks turned off (`verify=False` inside gTTS itself).
"""
from __future__ import annotations

import io
import logging

import numpy as np
import soundfile
from gtts import gTTS
from gtts.lang import tts_langs
from pydub import AudioSegment

log = logging.getLogger(__name__)


class GttsUnavailable(RuntimeError):
    """gTTS failed; the message says why."""


def gtts_language(language: str) -> str | None:
    """The gTTS language code for a BCP 47 tag ('zh-TW' -> 'zh-TW', 'en-GB' -> 'en'), or None."""
    known = {code.lower(): code for code in tts_langs()}  # ships with the package: no network
    tag = language.strip().replace("_", "-").lower()
    for candidate in (tag, tag.split("-")[0]):
        if candidate in known:
            return known[candidate]
    return None


def decode_mp3(data: bytes) -> AudioSegment:
    """MP3 bytes -> 16-bit mono AudioSegment (libsndfile >= 1.1 reads MP3; no ffmpeg needed)."""
    samples, rate = soundfile.read(io.BytesIO(data), dtype="int16", always_2d=True)
    mono = samples[:, 0] if samples.shape[1] == 1 else samples.mean(axis=1).astype(np.int16)
    return AudioSegment(data=np.ascontiguousarray(mono).tobytes(), sample_width=2, frame_rate=rate, channels=1)


class GttsVoice:
    """One gTTS language. `timeout` bounds each HTTP request (gTTS sends ~100 characters each)."""

    chunk_chars = 500
    parallel = True  # waiting on the network, not the CPU

    def __init__(self, language: str, *, timeout: float = 10.0) -> None:
        code = gtts_language(language)
        if code is None:
            raise GttsUnavailable(f"gtts: no voice for language {language!r}")
        self.language = language
        self.code = code
        self.id = f"gtts:{code}"
        self.timeout = timeout

    def synthesize(self, text: str) -> AudioSegment:
        """Speak `text` through Google; raises GttsUnavailable on any failure."""
        buffer = io.BytesIO()
        try:
            gTTS(text, lang=self.code, timeout=self.timeout).write_to_fp(buffer)
            return decode_mp3(buffer.getvalue())
        except Exception as exc:  # gTTSError, requests errors, a bad answer: all mean "not now"
            raise GttsUnavailable(f"gtts: {type(exc).__name__}: {exc}") from exc
