"""One entry -> one spoken MP3 clip, and the clip's name.

A clip's name is `<blog slug>/<entry id>-<digest>.mp3`, the digest covering everything that
changes what is heard: the prepared transcript, the voice, the loudness target, the peak
ceiling, the bit rate and PIPELINE_VERSION (bump it when the audio processing changes). So the
name changes exactly when the clip would sound different, and a worker can compare names from
`clip_key` (no synthesis) with the file it has to skip unchanged entries.

With TTS_ENGINE "gtts", `clip_key` names the clip for gTTS; when gTTS fails and the offline
voice speaks, the clip made is named for that voice (`Clip.voice`, `Clip.name`). A worker that
wants to accept such a clip as current can call `clip_key(..., voice=<the recorded voice>)`.
"""
from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from ..clipstore import ClipStore
from ..config import BY_NAME
from ..model import Blog, Entry
from ..pronunciations import digest, load_file, merge
from . import audio
from .prepare import normalise, prepare_speech
from .pronounce import Lexicon, inline_overrides
from .split import split_for_speech
from .voices import Voice, choose_voice, language_tag, render

log = logging.getLogger(__name__)

PIPELINE_VERSION = "1"
ISO_639_2 = {"en": "eng", "vi": "vie", "hi": "hin", "fr": "fra", "de": "deu", "es": "spa", "it": "ita",
             "pt": "por", "nl": "nld", "ru": "rus", "zh": "zho", "ja": "jpn", "ko": "kor", "ar": "ara",
             "id": "ind", "th": "tha", "tr": "tur", "pl": "pol", "uk": "ukr"}


class SpeechError(RuntimeError):
    """A clip could not be made."""


@dataclass(frozen=True)
class Clip:
    """A finished clip. `cues` are (start, end, text) in seconds, one per spoken piece."""

    mp3: bytes
    duration: float
    voice: str
    transcript: str
    name: str
    cues: list[tuple[float, float, str]] = field(default_factory=list)

    @property
    def vtt(self) -> str:
        """The transcript as WebVTT, timed by `cues`."""
        return audio.transcript_vtt(self.cues)


class ClipKey(NamedTuple):
    transcript: str
    voice: str
    name: str


def _setting(settings: Mapping[str, Any], name: str) -> Any:
    spec = BY_NAME[name]
    return spec.kind(settings.get(name, spec.default))


def clip_name(blog: Blog, entry: Entry, transcript: str, voice: str, settings: Mapping[str, Any],
              pronunciations: str = "") -> str:
    """`<slug>/<entry id>-<12 hex digits>.mp3` for this transcript, voice and audio settings,
    and `pronunciations` (the digest of the lexicon entries that changed what is said, if any:
    so a lexicon change renames exactly the clips whose spoken words it changes)."""
    recipe = [transcript, voice, float(_setting(settings, "LOUDNESS_LUFS")),
              float(_setting(settings, "TRUE_PEAK_DBTP")), int(_setting(settings, "MP3_BITRATE")), PIPELINE_VERSION]
    if pronunciations:
        recipe.append(pronunciations)
    digest = hashlib.sha256(json.dumps(recipe, ensure_ascii=False).encode("utf-8")).hexdigest()[:12]
    return ClipStore.name(blog.slug, entry.id, digest)


def _voice(blog: Blog, settings: Mapping[str, Any]) -> Voice:
    return choose_voice(blog.language or "en", str(_setting(settings, "TTS_ENGINE")),
                        timeout=float(_setting(settings, "TTS_TIMEOUT")),
                        piper_model=str(_setting(settings, "PIPER_MODEL")))


@lru_cache(maxsize=64)
def _compiled(entries: tuple, language: str) -> Lexicon:
    return Lexicon(entries, language, normalise)


def lexicon(entry: Entry, blog: Blog, settings: Mapping[str, Any]) -> Lexicon:
    """The pronunciations for this entry: the default file's, the blog's, then the entry's own
    inline overrides, later ones winning."""
    language = blog.language or "en"
    entries = merge(language, load_file(str(_setting(settings, "LEXICON"))), blog.pronunciations,
                    inline_overrides(entry.html))
    return _compiled(tuple(entries), language)


def _applied(words: Lexicon, transcript: str) -> str:
    used = words.applied(transcript)
    return digest(used) if used else ""


def clip_key(entry: Entry, blog: Blog, settings: Mapping[str, Any], *, voice: str | None = None) -> ClipKey:
    """(transcript, voice id, name) of the clip `make_clip` would make, without synthesis.

    `voice` overrides the voice id (e.g. the one recorded with an existing clip).
    """
    transcript = prepare_speech(entry, timezone=blog.timezone, language=blog.language)
    voice_id = voice or _voice(blog, settings).id
    used = _applied(lexicon(entry, blog, settings), transcript)
    return ClipKey(transcript, voice_id, clip_name(blog, entry, transcript, voice_id, settings, used))


def _title(entry: Entry, blog: Blog) -> str:
    if entry.headline.strip():
        return entry.headline.strip()
    text = " ".join(entry.text.split())
    return (text[:97] + "...") if len(text) > 100 else (text or blog.title)


def make_clip(entry: Entry, blog: Blog, settings: Mapping[str, Any]) -> Clip:
    """Speak `entry` of `blog`: prepare, synthesise, assemble, normalise, encode and tag.

    `settings` is the app's config mapping (TTS_ENGINE, TTS_TIMEOUT, LOUDNESS_LUFS,
    TRUE_PEAK_DBTP, MP3_BITRATE; defaults from config.py when missing). Raises SpeechError.
    """
    transcript = prepare_speech(entry, timezone=blog.timezone, language=blog.language)
    voice = _voice(blog, settings)
    chunk = int(getattr(voice, "chunk_chars", 500))
    sections = [split_for_speech(section, chunk) for section in transcript.split("\n\n")]
    texts = [piece for section in sections for piece in section]
    words = lexicon(entry, blog, settings)
    used = _applied(words, transcript)
    engine = voice.id.split(":")[0]  # the cues keep the written words; the engine gets these
    try:
        spoken, voice_id = render(voice, [words.speak(text, engine) for text in texts])
    except Exception as exc:  # any engine failure becomes one error type naming the voice
        raise SpeechError(f"speech: {voice.id} failed: {exc}") from exc
    grouped, start = [], 0
    for section in sections:
        grouped.append(list(zip(section, spoken[start:start + len(section)], strict=False)))
        start += len(section)
    joined, cues = audio.assemble(grouped)
    if sum(end - begin for begin, end, _ in cues) < 0.2:
        raise SpeechError(f"speech: {voice_id} produced no audible speech")

    samples = audio.normalise(audio.to_float(joined), joined.frame_rate,
                              float(_setting(settings, "LOUDNESS_LUFS")), float(_setting(settings, "TRUE_PEAK_DBTP")))
    mp3, duration = audio.encode(samples, joined.frame_rate, bitrate=int(_setting(settings, "MP3_BITRATE")))
    lang = language_tag(blog.language or "en")
    mp3 = audio.tag_mp3(
        mp3, title=_title(entry, blog), album=blog.title,
        date=entry.published.strftime("%Y-%m-%dT%H:%M:%S"),
        language=ISO_639_2.get(lang.split("-")[0], lang),
        comment=f"Spoken by {voice_id}" + (f"; pronunciations {used}" if used else ""),
        artist=blog.author, entry_id=entry.id,
    )
    name = clip_name(blog, entry, transcript, voice_id, settings, used)
    log.debug("speech: %s spoken by %s, %.1f s", name, voice_id, duration)
    return Clip(mp3=mp3, duration=duration, voice=voice_id,
                transcript=transcript, name=name, cues=cues)
