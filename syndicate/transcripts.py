"""Transcripts of clips as WebVTT: with the clip's real cue timings, or estimated ones for
clips made before their timings were kept. Light on purpose: the web process imports it, and
must not pull in the audio stack (numpy, scipy) to serve text."""
from __future__ import annotations

import re
from collections.abc import Sequence

from .model import Audio

Cue = tuple[float, float, str]  # start and end in seconds, and what is said

_SENTENCE = re.compile(r"(?<=[.!?…])\s+")


def estimate_cues(transcript: str, duration: float, *, lead_in: float = 0.4,
                  lead_out: float = 0.6) -> list[tuple[float, float, str]]:
    """One cue per sentence, timed in proportion to sentence length: exact at the start and
    the end, close enough in between to follow along."""
    sentences = [s.strip() for line in transcript.splitlines() for s in _SENTENCE.split(line) if s.strip()]
    if not sentences:
        return []
    span = max(duration - lead_in - lead_out, 0.1 * len(sentences))
    weights = [len(s) + 8 for s in sentences]  # +8: the pause after each sentence
    total = sum(weights)
    cues, start = [], min(lead_in, duration)
    for sentence, weight in zip(sentences, weights, strict=True):
        end = start + span * weight / total
        cues.append((start, end, sentence))
        start = end
    return cues


def transcript_vtt(cues: Sequence[Cue]) -> str:
    """A WebVTT document with one cue per spoken piece."""
    def stamp(t: float) -> str:
        ms = round(t * 1000)
        return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"

    blocks = [f"{i}\n{stamp(a)} --> {stamp(b)}\n{text.replace('-->', '->')}" for i, (a, b, text) in enumerate(cues, 1)]
    return "WEBVTT\n\n" + "\n\n".join(blocks) + "\n"


def clip_vtt(audio: Audio) -> str:
    """The WebVTT transcript of a clip."""
    return transcript_vtt(audio.cues or estimate_cues(audio.transcript or "", audio.duration or 0.0))
