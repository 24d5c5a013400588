"""Cutting prepared text into sentences, and into pieces an engine speaks in one go.

Long entries (the longest seen run to 24,000 characters) must be cut where a reader would
pause: at sentence ends first, then after commas, semicolons and colons, and never inside a
word.
"""
from __future__ import annotations

import re

_END = re.compile(r"[.!?।…。！？][\"')\]]*\s+")


def sentences(text: str) -> list[str]:
    """Sentences of `text`: every line break ends one, and so does a full stop, "?", "!" or
    "।" followed by a space and a word that does not start in lower case ("a.m. on" does not)."""
    found = []
    for line in text.splitlines():
        start = 0
        for match in _END.finditer(line):
            if not line[match.end():match.end() + 1].islower():
                found.append(line[start:match.end()].strip())
                start = match.end()
        found.append(line[start:].strip())
    return [s for s in found if s]


def _pack(parts: list[str], max_chars: int) -> list[str]:
    """Greedily join `parts` with spaces into pieces of at most `max_chars`."""
    pieces: list[str] = []
    for part in parts:
        if pieces and len(pieces[-1]) + 1 + len(part) <= max_chars:
            pieces[-1] += " " + part
        else:
            pieces.append(part)
    return pieces


def split_for_speech(text: str, max_chars: int) -> list[str]:
    """Cut `text` into pieces of at most `max_chars` at sentence ends, never inside a word.

    Sentences are packed together up to the limit; a longer sentence is cut after commas,
    semicolons and colons, and a clause still too long between words. A single word longer
    than the limit becomes a piece of its own.
    """
    if max_chars < 1:
        raise ValueError("split_for_speech: max_chars must be at least 1")
    parts: list[str] = []
    for sentence in sentences(text):
        if len(sentence) <= max_chars:
            parts.append(sentence)
            continue
        for clause in _pack(re.split(r"(?<=[,;:])\s+", sentence), max_chars):
            parts.extend(_pack(clause.split(), max_chars) if len(clause) > max_chars else [clause])
    return _pack(parts, max_chars)
