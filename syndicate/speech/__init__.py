"""Speech: from a live-blog entry to a spoken, loudness-normalised, tagged MP3 clip.

No Flask and no database here: the speech queue calls `make_clip` (or `clip_key` to find
out, without synthesis, whether an entry's clip is still current).

    prepare.py      entry -> the words a newsreader would say
    split.py        sentences, and pieces short enough for an engine
    lexicon.py      the words for units, currencies, abbreviations and times, per language
    pronounce.py    a blog's pronunciation entries applied to prepared text, per engine
    voices.py       the Voice interface, the ranking of voices per language, the choice
    festival.py, flite.py, espeak.py, piper_voice.py, gtts_voice.py
                    the engines (a long-lived festival process, flite command, espeak-ng and
                    Piper in-process, gTTS online)
    audio.py        pauses, loudness, true-peak limiter, MP3 encoding, ID3 tags, WebVTT
    clip.py         make_clip, clip names, atomic writes
"""
from __future__ import annotations

import warnings

# pydub imports the standard `audioop` module, deprecated in 3.11 and gone in 3.13 (install
# `audioop-lts` there). Import it once here, with that one warning silenced, before any module
# of this package needs it, so that runs with warnings as errors are not stopped by it.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*audioop.* is deprecated", category=DeprecationWarning)
    import pydub  # noqa: F401

from .audio import transcript_vtt  # noqa: E402
from .clip import PIPELINE_VERSION, Clip, ClipKey, SpeechError, clip_key, make_clip  # noqa: E402
from .prepare import prepare_speech  # noqa: E402
from .split import split_for_speech  # noqa: E402
from .voices import GttsWithFallback, Voice, VoiceUnavailable, choose_voice  # noqa: E402

__all__ = [
    "PIPELINE_VERSION", "Clip", "ClipKey", "GttsWithFallback", "SpeechError", "Voice", "VoiceUnavailable",
    "choose_voice", "clip_key", "make_clip", "prepare_speech", "split_for_speech", "transcript_vtt",
]
