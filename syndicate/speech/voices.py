"""Voices: the interface every engine meets, the ranking per language, and the choice.

The ranking is declared in `RANKING` from measurements on 30 news sentences (share of words
missed by two offline recognisers, whisper tiny.en / pocketsphinx, and the DNSMOS quality
estimate; see bench/quality.py):

    festival cmu_us_slt_arctic_hts   0.015 / 0.060   DNSMOS 3.91
    flite slt                        0.032 / 0.108   3.57
    flite kal16                      0.071 / 0.077   3.78
    espeak-ng en                     0.095 / 0.880   3.69

So English goes to festival's HTS voice when it is installed (one long-lived process per
worker), then flite, and to espeak-ng only as a last resort; every other language espeak-ng
knows (Vietnamese, Hindi and ~100 more) goes to espeak-ng, which has nothing better offline
(festival's Hindi diphone voice adds a final vowel espeak-ng rightly drops). Piper is not
ranked: it is an opt-in engine (TTS_ENGINE "piper" with a model the operator chose).

A language no installed voice knows (e.g. "xx") is spoken by the English ranking's best voice,
with a warning in the log; the voice id recorded with the clip (e.g. "flite:slt" on a blog
whose language is "xx") shows that this happened. A clip is never silent: when no voice at
all is installed, `VoiceUnavailable` is raised and the clip fails visibly.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol, runtime_checkable

from pydub import AudioSegment

from . import espeak, festival, flite, piper_voice
from .gtts_voice import GttsUnavailable, GttsVoice

log = logging.getLogger(__name__)

# Voice specs, best first. "espeak-ng" means espeak-ng's voice for the blog's language.
RANKING: dict[str, tuple[str, ...]] = {
    "en": (f"festival:{festival.VOICE}", "flite:slt", "flite:kal16", "espeak-ng"),
}
DEFAULT_RANKING: tuple[str, ...] = ("espeak-ng",)
FALLBACK_LANGUAGE = "en"  # who speaks a language nobody installed knows


class VoiceUnavailable(RuntimeError):
    """No installed voice can speak."""


@runtime_checkable
class Voice(Protocol):
    """A voice: `id` such as "flite:slt", "espeak-ng:vi" or "gtts:en".

    Optional attributes: `chunk_chars` (how long a piece of text one call should get) and
    `parallel` (pieces may be rendered in threads side by side).
    """

    id: str
    language: str

    def synthesize(self, text: str) -> AudioSegment:
        """Speak `text`; 16-bit mono at the engine's own rate."""
        ...


def language_tag(language: str) -> str:
    """'en_GB ' -> 'en-gb'; empty becomes 'en'."""
    return language.strip().replace("_", "-").lower() or "en"


def _flite(name: str) -> Callable[[str], Voice | None]:
    return lambda _tag: flite.FliteVoice(name) if flite.executable() else None


def _espeak(tag: str) -> Voice | None:
    if not espeak.available():
        return None
    found = espeak.match(tag)
    return espeak.EspeakVoice(found[0], identifier=found[1]) if found else None


def _festival(name: str) -> Callable[[str], Voice | None]:
    return lambda _tag: festival.FestivalVoice(name) if festival.has_voice(name) else None


FACTORIES: dict[str, Callable[[str], Voice | None]] = {
    f"festival:{festival.VOICE}": _festival(festival.VOICE),
    "flite:slt": _flite("slt"),
    "flite:kal16": _flite("kal16"),
    "espeak-ng": _espeak,
}


def ranking(language: str) -> tuple[str, ...]:
    """The declared voice specs for a language, best first."""
    return RANKING.get(language_tag(language).split("-")[0], DEFAULT_RANKING)


def offline_voice(language: str) -> Voice | None:
    """The best installed offline voice for exactly this language, or None."""
    tag = language_tag(language)
    for spec in ranking(tag):
        voice = FACTORIES[spec](tag)
        if voice is not None:
            return voice
    return None


def _piper(language: str, model: str) -> Voice | None:
    """The Piper voice of `model` when it speaks `language`; None (with a warning) otherwise."""
    try:
        voice = piper_voice.PiperVoice(model)
    except piper_voice.PiperUnavailable as exc:
        log.warning("%s; using the offline voice", exc)
        return None
    if voice.language.split("-")[0] != language_tag(language).split("-")[0]:
        return None  # the model speaks another language: this blog keeps its offline voice
    return voice


def choose_voice(language: str, engine: str = "offline", *, timeout: float = 10.0, piper_model: str = "") -> Voice:
    """The most intelligible installed voice for `language` (a BCP 47 tag).

    engine "gtts" wraps gTTS (each request bounded by `timeout` seconds) around that offline
    voice in a `GttsWithFallback`; engine "piper" speaks with the model at `piper_model` when it
    speaks this language (else the offline voice). Raises VoiceUnavailable when no voice is
    installed at all.
    """
    if engine == "piper":
        chosen = _piper(language, piper_model)
        if chosen is not None:
            return chosen
    voice = offline_voice(language)
    if voice is None:
        voice = offline_voice(FALLBACK_LANGUAGE)
        if voice is None:
            raise VoiceUnavailable("speech: no offline voice installed (festival, flite or espeak-ng)")
        log.warning("speech: no voice for language %r; speaking it with %s", language, voice.id)
    if engine == "gtts":
        try:
            return GttsWithFallback(GttsVoice(language, timeout=timeout), voice)
        except GttsUnavailable as exc:
            log.warning("%s; using %s", exc, voice.id)
    elif engine not in ("offline", "piper"):
        raise ValueError(f"speech: unknown engine {engine!r}")
    return voice


def render(voice: Voice, texts: Sequence[str]) -> tuple[list[AudioSegment], str]:
    """Speak each text with `voice`; returns the pieces and the id of the voice that spoke."""
    if isinstance(voice, GttsWithFallback):
        return voice.synthesize_all(texts)
    workers = min(len(texts), os.cpu_count() or 1)
    if not getattr(voice, "parallel", False) or workers < 2:
        return [voice.synthesize(text) for text in texts], voice.id
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="speech")
    try:
        futures = [pool.submit(voice.synthesize, text) for text in texts]
        return [future.result() for future in futures], voice.id
    finally:
        # On a failure, drop the pieces not yet started rather than wait for each to fail
        # (a silent gTTS server would otherwise cost one timeout per piece).
        pool.shutdown(wait=False, cancel_futures=True)


class GttsWithFallback:
    """gTTS first; on any gTTS failure the offline voice speaks the whole clip (never a mix).

    `id` is the voice that spoke last: read it after synthesis to record who spoke.
    """

    parallel = True

    def __init__(self, primary: GttsVoice, fallback: Voice) -> None:
        self.primary = primary
        self.fallback = fallback
        self.language = primary.language
        self.id = primary.id
        self.chunk_chars = min(primary.chunk_chars, getattr(fallback, "chunk_chars", 500))

    def synthesize_all(self, texts: Sequence[str]) -> tuple[list[AudioSegment], str]:
        """Speak every piece with one voice; returns the pieces and that voice's id."""
        try:
            pieces, self.id = render(self.primary, texts)
        except GttsUnavailable as exc:
            log.warning("%s; speaking with %s instead", exc, self.fallback.id)
            pieces, self.id = render(self.fallback, texts)
        return pieces, self.id

    def synthesize(self, text: str) -> AudioSegment:
        """Speak one piece, falling back like `synthesize_all`."""
        return self.synthesize_all([text])[0][0]
