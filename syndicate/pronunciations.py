"""Pronunciation entries as they come in: checked JSON from the API, the CLI and the
service-wide default lexicon file, and how the layers combine. Plain data, no audio: the web
process uses this without loading the speech stack (speech/pronounce.py applies them).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tomllib
from functools import lru_cache
from typing import Any, Iterable, Mapping, Sequence

from .model import Pronunciation
from .validate import LANGUAGE, InvalidInput

PHONEME_ENGINES = ("espeak-ng", "festival", "piper")  # engines that take phonemes
# festival's English voices use the "radio" phone set; syllables are separated by " . " and a
# stressed syllable has a 1 on its vowel ("n uw . y eh1 n"), as festival's own lexicon shows.
FESTIVAL_PHONES = frozenset(
    "aa ae ah ao aw ax axr ay b ch d dh eh er ey f g hh ih iy jh k l m n ng ow oy p r s sh t th uh uw v w y z zh"
    .split())
FIELDS = {"word", "say", "phonemes", "whole_word", "case_sensitive", "language"}
MAX_WORD, MAX_SAY, MAX_PHONEMES, MAX_ENTRIES = 100, 300, 300, 2000
UNSAFE = re.compile(r"[\x00-\x1f\x7f<>\[\]]")  # control characters, markup, phoneme brackets


class LexiconError(ValueError):
    """The default lexicon file cannot be read."""


def _text(body: Mapping[str, Any], name: str, limit: int, *, required: bool = True) -> str:
    value = body.get(name, "")
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be a string", name)
    value = " ".join(value.split())
    if required and not re.search(r"\w", value):
        raise InvalidInput(f"{name} must contain a letter or digit", name)
    if len(value) > limit:
        raise InvalidInput(f"{name} is longer than {limit} characters", name, status=413, code="too_large")
    if UNSAFE.search(value):
        raise InvalidInput(f"{name} may not contain control characters, '<', '>', '[' or ']'", name)
    return value


def _flag(body: Mapping[str, Any], name: str, default: bool) -> bool:
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise InvalidInput(f"{name} must be true or false", name)
    return value


def festival_phonemes(value: str) -> str:
    """Checked festival phonemes: radio phones with an optional stress digit, '.' between
    syllables. Raises InvalidInput naming the first unknown phone."""
    value = " ".join(value.lower().replace(".", " . ").split())
    for token in value.split():
        if token != "." and token.rstrip("012") not in FESTIVAL_PHONES:
            raise InvalidInput(f"phonemes: festival has no phone {token!r} (its phones: "
                               f"{' '.join(sorted(FESTIVAL_PHONES))}; '.' between syllables)", "phonemes")
    if not value.strip(" ."):
        raise InvalidInput("phonemes: festival needs at least one phone", "phonemes")
    return value


def pronunciation_from_json(body: Any, *, word: str | None = None) -> Pronunciation:
    """A validated `Pronunciation` from JSON (`word` from the URL when given). Raises InvalidInput."""
    if not isinstance(body, dict):
        raise InvalidInput("a pronunciation must be a JSON object", code="bad_json")
    extra = sorted(set(body) - FIELDS)
    if extra:
        raise InvalidInput(f"unknown field {extra[0]!r}; allowed: {', '.join(sorted(FIELDS))}", extra[0])
    if word is not None:
        if body.get("word", word) != word:
            raise InvalidInput("word in the body differs from the word in the URL", "word")
        body = {**body, "word": word}
    phonemes = body.get("phonemes") or {}
    if not isinstance(phonemes, dict):
        raise InvalidInput("phonemes must be an object: engine -> phoneme string", "phonemes")
    pairs = []
    for engine in sorted(phonemes):
        if engine not in PHONEME_ENGINES:
            raise InvalidInput(f"phonemes: unknown engine {engine!r}; known: {', '.join(PHONEME_ENGINES)}",
                               "phonemes")
        value = _text(phonemes, engine, MAX_PHONEMES)
        if engine == "festival":
            value = festival_phonemes(value)
        pairs.append((engine, value))
    language = body.get("language") or ""
    if not isinstance(language, str) or (language and not LANGUAGE.match(language)):
        raise InvalidInput("language must be a language tag such as 'en' or 'vi', or empty", "language")
    return Pronunciation(
        word=_text(body, "word", MAX_WORD), say=_text(body, "say", MAX_SAY), phonemes=tuple(pairs),
        whole_word=_flag(body, "whole_word", True), case_sensitive=_flag(body, "case_sensitive", False),
        language=language.lower())


def lexicon_from_json(items: Any) -> tuple[Pronunciation, ...]:
    """A whole lexicon: a list of pronunciations, each word (per language) once. Raises InvalidInput."""
    if isinstance(items, dict) and set(items) == {"pronunciations"}:
        items = items["pronunciations"]
    if not isinstance(items, list):
        raise InvalidInput("send a list of pronunciations (or {\"pronunciations\": [...]})", "pronunciations")
    if len(items) > MAX_ENTRIES:
        raise InvalidInput(f"at most {MAX_ENTRIES} pronunciations", "pronunciations", status=413, code="too_large")
    out, seen = [], set()
    for number, item in enumerate(items, start=1):
        try:
            entry = pronunciation_from_json(item)
        except InvalidInput as exc:
            raise InvalidInput(f"pronunciation {number}: {exc.message}", exc.field, exc.status, exc.code) from exc
        if (entry.word, entry.language) in seen:
            raise InvalidInput(f"pronunciation {number}: {entry.word!r} is given twice", "word")
        seen.add((entry.word, entry.language))
        out.append(entry)
    return tuple(out)


def load_file(path: str) -> tuple[Pronunciation, ...]:
    """The default lexicon in a TOML (`[[pronunciation]]` tables) or JSON (a list) file."""
    return _load_file(path, os.stat(path).st_mtime_ns) if path else ()


@lru_cache(maxsize=4)
def _load_file(path: str, _mtime: int) -> tuple[Pronunciation, ...]:
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        data = json.loads(raw) if path.endswith(".json") else tomllib.loads(raw.decode("utf-8"))
        if isinstance(data, dict):
            data = data.get("pronunciation", data.get("pronunciations", []))
        return lexicon_from_json(data)
    except (OSError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise LexiconError(f"lexicon: cannot use {path}: {getattr(exc, 'message', exc)}") from exc


def _primary(language: str) -> str:
    return (language or "").strip().replace("_", "-").split("-")[0].lower()


def merge(language: str, *layers: Iterable[Pronunciation]) -> list[Pronunciation]:
    """The entries of `layers` that apply to `language`; a later layer's entry for the same word
    replaces an earlier one's (the word compared without case unless case-sensitive)."""
    wanted, chosen = _primary(language), {}
    for layer in layers:
        for entry in layer:
            if entry.language and _primary(entry.language) != wanted:
                continue
            key = entry.word if entry.case_sensitive else entry.word.casefold()
            chosen.pop(entry.word.casefold(), None)  # a case-sensitive entry replaces both forms
            chosen[key] = entry
    return list(chosen.values())


def digest(entries: Sequence[Pronunciation]) -> str:
    """A short stable hash of entries (order does not matter)."""
    data = sorted(json.dumps(e.to_json(), sort_keys=True, ensure_ascii=False) for e in entries)
    return hashlib.sha256(json.dumps(data).encode("utf-8")).hexdigest()[:12]
