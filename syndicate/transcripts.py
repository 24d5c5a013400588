"""Transcripts of clips: the prepared text as text/plain, and WebVTT with estimated cues."""
from __future__ import annotations

import re

_SENTENCE = re.compile(r"(?<=[.!?…])\s+")


def _timestamp(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def render_vtt(transcript: str, duration: float, *, lead_in: float = 0.4, lead_out: float = 0.6) -> str:
    """WebVTT cues, one per sentence, timed in proportion to sentence length.

    The clip does not record where each sentence starts, so times are estimates: good enough
    to follow along, and exact at the start and the end.
    """
    sentences = [s.strip() for line in transcript.splitlines() for s in _SENTENCE.split(line) if s.strip()]
    lines = ["WEBVTT", ""]
    if not sentences:
        return "\n".join(lines) + "\n"
    span = max(duration - lead_in - lead_out, 0.1 * len(sentences))
    weights = [len(s) + 8 for s in sentences]  # +8: the pause after each sentence
    total = sum(weights)
    start = min(lead_in, duration)
    for number, (sentence, weight) in enumerate(zip(sentences, weights), start=1):
        end = start + span * weight / total
        lines += [str(number), f"{_timestamp(start)} --> {_timestamp(end)}", sentence, ""]
        start = end
    return "\n".join(lines)
