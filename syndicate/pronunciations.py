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
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from .model import Pronunciation
from .validate import LANGUAGE_PATTERN, WHITESPACE_CLASS, InvalidInput, Text

PHONEME_ENGINES = ("espeak-ng", "festival", "piper")  # engines that take phonemes
# festival's English voices use the "radio" phone set; syllables are separated by " . " and a
# stressed syllable has a 1 on its vowel ("n uw . y eh1 n"), as festival's own lexicon shows.
FESTIVAL_PHONES = frozenset(
    ["aa", "ae", "ah", "ao", "aw", "ax", "axr", "ay", "b", "ch", "d", "dh", "eh", "er", "ey", "f", "g",
     "hh", "ih", "iy", "jh", "k", "l", "m", "n", "ng", "ow", "oy", "p", "r", "s", "sh", "t", "th", "uh",
     "uw", "v", "w", "y", "z", "zh"])
FIELDS = {"word", "say", "phonemes", "whole_word", "case_sensitive", "language"}
MAX_WORD, MAX_SAY, MAX_PHONEMES, MAX_ENTRIES = 100, 300, 300, 2000

# The rules, as patterns in the syntax Python and JSON Schema share (see validate.py), so the
# checks and the OpenAPI schema cannot disagree. Unsafe: control characters, markup and
# phoneme brackets, and what feeds cannot carry.
_UNSAFE = r"\x00-\x1f\x7f<>\[\]\ufffe\uffff"
_SAFE = f"[^{_UNSAFE}]"
UNSAFE = re.compile(f"[{_UNSAFE}]")
# "A letter or digit", loosely: any character but white space, ASCII and Latin-1 punctuation,
# symbols and controls (a Unicode-aware \w has no form ECMA-262 and Python share).
_LETTER = r"[^\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\xbf" + WHITESPACE_CLASS + r"\ufffe\uffff]"
SPOKEN_PATTERN = f"{_SAFE}*{_LETTER}{_SAFE}*"
_SPOKEN_HINT = "text with a letter or digit"
# festival's phones, written in either case, one stress digit at most, separated by white
# space or '.' (a syllable break).
_SEP = r"[ \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff.]"
_PHONE = "(?:" + "|".join("".join(f"[{c}{c.upper()}]" for c in phone)
                          for phone in sorted(FESTIVAL_PHONES, key=lambda p: (-len(p), p))) + ")[012]?"
FESTIVAL_PATTERN = f"{_SEP}*{_PHONE}(?:{_SEP}+{_PHONE})*{_SEP}*"

WORD = Text(MAX_WORD, required=True, pattern=SPOKEN_PATTERN, hint=_SPOKEN_HINT,
            description="the word or phrase as written")
SAY = Text(MAX_SAY, required=True, pattern=SPOKEN_PATTERN, hint=_SPOKEN_HINT,
           description="how to say it, spelled as it sounds")
PHONEMES = {engine: Text(MAX_PHONEMES, required=True, pattern=SPOKEN_PATTERN, hint=_SPOKEN_HINT)
            for engine in PHONEME_ENGINES}
PHONEMES["festival"] = Text(MAX_PHONEMES, required=True, pattern=FESTIVAL_PATTERN,
                            hint=f"festival phones ({' '.join(sorted(FESTIVAL_PHONES))}), "
                                 "each with an optional stress digit, '.' between syllables")
LANGUAGE_FIELD = Text(35, pattern=f"(?:{LANGUAGE_PATTERN})?", hint="a language tag such as 'en' or 'vi', or empty",
                      description="empty: every language")


class LexiconError(ValueError):
    """The default lexicon file cannot be read."""


def _text(rule: Text, name: str, value: Any) -> str:
    try:
        checked = rule.check(name, value)
    except InvalidInput as exc:  # say which of the pattern's two rules was broken
        if exc.code == "invalid" and isinstance(value, str) and UNSAFE.search(value):
            raise InvalidInput(f"{name} may not contain control characters, '<', '>', '[' or ']'", name) from None
        raise
    return " ".join(checked.split())  # inner runs of white space become one space


def _flag(body: Mapping[str, Any], name: str, default: bool) -> bool:
    value = body.get(name, default)
    if not isinstance(value, bool):
        raise InvalidInput(f"{name} must be true or false", name)
    return value


def festival_phonemes(value: Any) -> str:
    """Checked festival phonemes: radio phones with an optional stress digit, '.' between
    syllables. Raises InvalidInput naming the first unknown phone."""
    try:
        value = PHONEMES["festival"].check("phonemes", value)
    except InvalidInput as exc:
        if isinstance(value, str) and exc.code == "invalid":
            for token in value.lower().replace(".", " . ").split():
                if token != "." and not re.fullmatch(_PHONE, token):
                    raise InvalidInput(f"phonemes: festival has no phone {token!r} (its phones: "
                                       f"{' '.join(sorted(FESTIVAL_PHONES))}; '.' between syllables)",
                                       "phonemes") from None
        raise InvalidInput(f"phonemes: {exc.message}", "phonemes", exc.status, exc.code) from None
    return " ".join(value.lower().replace(".", " . ").split())


def language_tag(value: Any, name: str = "language") -> str:
    """A checked language tag in lower case, or "" (every language). Raises InvalidInput."""
    return LANGUAGE_FIELD.check(name, value).lower()


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
    for name in ("word", "say"):
        if name not in body:
            raise InvalidInput(f"{name} is required", name)
    phonemes = body.get("phonemes", {})
    if not isinstance(phonemes, dict):
        raise InvalidInput("phonemes must be an object: engine -> phoneme string", "phonemes")
    pairs = []
    for engine in sorted(phonemes):
        if engine not in PHONEME_ENGINES:
            raise InvalidInput(f"phonemes: unknown engine {engine!r}; known: {', '.join(PHONEME_ENGINES)}",
                               "phonemes")
        if engine == "festival":
            pairs.append((engine, festival_phonemes(phonemes[engine])))
            continue
        try:
            pairs.append((engine, _text(PHONEMES[engine], engine, phonemes[engine])))
        except InvalidInput as exc:
            raise InvalidInput(f"phonemes: {exc.message}", "phonemes", exc.status, exc.code) from None
    return Pronunciation(
        word=_text(WORD, "word", body["word"]), say=_text(SAY, "say", body["say"]), phonemes=tuple(pairs),
        whole_word=_flag(body, "whole_word", True), case_sensitive=_flag(body, "case_sensitive", False),
        language=language_tag(body.get("language", "")))


def schema(*, word_in_url: bool = False) -> dict[str, Any]:
    """The JSON Schema of one pronunciation as writes accept it (with the word in the URL,
    the body's `word` may be left out)."""
    return {
        "type": "object", "additionalProperties": False,
        "required": ["say"] if word_in_url else ["word", "say"],
        "properties": {
            "word": {**WORD.schema(), **({"description": "the word in the URL, if given"} if word_in_url else {})},
            "say": SAY.schema(),
            "phonemes": {"type": "object", "additionalProperties": False,
                         "description": "engine -> phoneme string in its notation",
                         "properties": {engine: rule.schema() for engine, rule in PHONEMES.items()}},
            "whole_word": {"type": "boolean", "default": True},
            "case_sensitive": {"type": "boolean", "default": False},
            "language": LANGUAGE_FIELD.schema(),
        },
    }


def lexicon_schema() -> dict[str, Any]:
    """The JSON Schema of a whole lexicon as PUT accepts it: a list, or {"pronunciations": list}."""
    items = {"type": "array", "maxItems": MAX_ENTRIES, "items": schema(),
             "description": "each word (per language) once"}
    return {"anyOf": [items, {"type": "object", "additionalProperties": False, "required": ["pronunciations"],
                              "properties": {"pronunciations": items}}]}


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
    wanted = _primary(language)
    chosen: dict[str, Pronunciation] = {}
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
