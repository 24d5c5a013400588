"""Pronunciation lexicons: how a blog wants names and words said, applied to prepared text.

Where entries come from, the later winning for the same word and language: the service-wide
default file (setting LEXICON), the blog's own lexicon (API and CLI), and an entry's inline
overrides (`<span data-say="Nwin">Nguyen</span>`, for that entry only).

Matching runs on *prepared* text (numbers in words, abbreviations expanded), so each word is
prepared the same way before it is compiled: "G7" matches the "G seven" the transcript says.
The transcript keeps the written form; only what the engine is given changes (`Lexicon.speak`).
Engines that take phonemes (espeak-ng, piper and festival: `[[...]]` in the text) get the
entry's phoneme string for them when there is one; every other engine, gTTS included, gets
the respelling.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from lxml import html as lxml_html

from ..model import Pronunciation
from ..pronunciations import MAX_SAY, MAX_WORD, UNSAFE

# Engines that accept a phoneme string inside the text, and how it is marked there.
PHONEME_MARKUP = {"espeak-ng": "[[{}]]", "piper": "[[ {} ]]", "festival": "[[{}]]"}


def inline_overrides(fragment: str) -> tuple[Pronunciation, ...]:
    """Entries from `<span data-say="...">written</span>` in an entry's (clean) HTML."""
    if "data-say" not in (fragment or ""):
        return ()
    out = []
    for span in lxml_html.fragment_fromstring(fragment, create_parent="div").iter("span"):
        say, written = " ".join(span.get("data-say", "").split()), " ".join(span.text_content().split())
        if re.search(r"\w", say) and re.search(r"\w", written) and not UNSAFE.search(say + written):
            out.append(Pronunciation(word=written[:MAX_WORD], say=say[:MAX_SAY], case_sensitive=True))
    return tuple(out)

Prepare = Callable[[str, str], str]  # (text, language) -> the text as speech preparation leaves it


def _number(match: re.Match[str]) -> int:
    """The entry a match of the lexicon's pattern stands for: its group is named "p<number>"."""
    assert match.lastgroup is not None  # every alternative of the pattern is a named group
    return int(match.lastgroup[1:])


class Lexicon:
    """Compiled entries for one language: which apply to a text, and the text as spoken."""

    def __init__(self, entries: Sequence[Pronunciation], language: str, prepare: Prepare) -> None:
        """`prepare(text, language)` is the speech preparation applied to both word and respelling."""
        self.entries = list(entries)
        self._said = [self._prepared(prepare, e.say, language) for e in self.entries]
        parts = []
        for number, entry in enumerate(self.entries):
            words = self._prepared(prepare, entry.word, language)
            if not words:
                continue
            body = r"\s+".join(map(re.escape, words.split()))
            if entry.whole_word:
                body = r"(?<!\w)" + body + r"(?!\w)"
            if not entry.case_sensitive:
                body = "(?i:" + body + ")"
            parts.append((len(words), f"(?P<p{number}>{body})"))
        parts.sort(key=lambda part: -part[0])  # the longest phrase wins where several start
        self._pattern = re.compile("|".join(p for _, p in parts)) if parts else None

    @staticmethod
    def _prepared(prepare: Prepare, text: str, language: str) -> str:
        said = " ".join(prepare(text, language).split()).rstrip(".!?।")
        if said and text[:1].islower() and said[:1] == text[:1].upper():
            said = text[:1] + said[1:]  # preparation capitalises a sentence's first letter
        return said

    def applied(self, text: str) -> list[Pronunciation]:
        """The entries that change `text`, once each, in lexicon order."""
        if self._pattern is None:
            return []
        hits = {_number(m) for m in self._pattern.finditer(text)}
        return [self.entries[i] for i in sorted(hits)]

    def speak(self, text: str, engine: str) -> str:
        """`text` as `engine` should be given it: phonemes where the engine takes them and the
        entry has some for it, the respelling elsewhere."""
        if self._pattern is None:
            return text

        def replace(match: re.Match) -> str:
            number = _number(match)
            phonemes = dict(self.entries[number].phonemes).get(engine)
            if phonemes and engine in PHONEME_MARKUP:
                return PHONEME_MARKUP[engine].format(phonemes)
            return self._said[number]

        return self._pattern.sub(replace, text)
