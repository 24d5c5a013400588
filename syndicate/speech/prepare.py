"""From an entry to the words a newsreader would say, and from those words to speakable pieces.

Choices a listener would notice:
* photo positions such as "(L)", "(2nd R)" or "(L to R)" are dropped: they point at a picture
  the listener cannot see, and a newsreader would leave them out too;
* links, e-mail addresses, @handles, credits ("Photo: Reuters"), emoji and markup are not read;
  a hashtag is read as its words ("#BlackLivesMatter" -> "Black Lives Matter");
* "U.S." becomes "U S" (flite reads "US" as "us"); "a.m." and "p.m." stay as written;
* "m" after a number means metres, except after a currency sign ("$5m" is five million dollars);
* numbers become words with num2words in the blog's language; where num2words has no such
  language (Hindi among them) the digits stay, so that espeak-ng reads them in that language.

The result has one sentence per line and a blank line between sections (time, headline, body,
captions), so `split_for_speech` and the audio pauses can follow both. The words themselves
(units, currencies, abbreviations, the time intro) are the tables of lexicon.py.
"""
from __future__ import annotations

import html
import re
import unicodedata
from datetime import datetime
from decimal import Decimal

from num2words import CONVERTER_CLASSES, num2words

from ..model import Entry
from ..timeutil import zone
from .lexicon import (
    ABBREVIATIONS,
    AGENCIES,
    COLUMNS,
    COMMA_DECIMAL,
    CURRENCIES,
    CURRENCY_CODES,
    DAY_PARTS,
    INITIALISMS,
    LOCAL_ABBREVIATIONS,
    MONTHS,
    NAMED_HOURS,
    SCALE_WORDS,
    SCALES,
    SIGNS_AFTER,
    SIGNS_BEFORE,
    SUBUNITS,
    TIME_INTRO,
    UNITS,
    WORDS,
)
from .split import sentences, split_for_speech  # noqa: F401 - part of this module's API

__all__ = ["prepare_speech", "normalise", "sentences", "split_for_speech"]

_MONTH = (r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
          r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_UNSPOKEN = {"So", "Sk", "Sm", "Co", "Cs"}  # emoji, arrows, private use: not read
_JOINERS = "\ufe0e\ufe0f\u200d\u20e3"  # emoji variation selectors, zero-width joiner, keycap
_NUM = r"\d+(?:\.\d+)?"
_UNIT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_CUR_BEFORE = "|".join(map(re.escape, SIGNS_BEFORE))
_CUR_AFTER = "|".join(map(re.escape, SIGNS_AFTER))
_SCALE = "|".join(map(re.escape, SCALE_WORDS))
_INITIALISM = r"\b(" + "|".join(map(re.escape, INITIALISMS)) + r")\b(?!\$)"  # US$ is a currency sign
_POSITION = re.compile(  # "(L)", "(2nd R)", "(L to R)", "(centre)", "(clockwise from top left)"
    r"\s*\((?:\d+(?:st|nd|rd|th)\s+)?(?:[LRC]|[LR]\s?(?:to|-|–)\s?[LR]"
    r"|(?i:(?:from\s+)?(?:left|right)|cent(?:re|er)|front|back|top|bottom|clockwise[^)]*))\)")
_LINK = (r"(?:\b(?:at|via|on|see|here)\s*:?\s+)?(?:https?://|www\.)\S+?(?=[.,;:!?)\]]*(?:\s|$))"  # "at https://..."
         r"|\b[\w-]+(?:\.[\w-]+)+/\S*?(?=[.,;:!?)]*(?:\s|$))"  # example.com/path
         r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")  # e-mail
_AGENCY = "(?:" + "|".join(map(re.escape, AGENCIES)) + ")"
_CREDIT = [
    re.compile(r"\s*[(\[](?i:photo|picture|image|video|credit|source|courtesy|file)\b[^)\]]*[)\]]"),  # (Photo: X)
    re.compile(r"\s*\b(?i:photo(?:graph)?|picture|image|video|credit|courtesy)s?(?:\s+by)?\s*:.*$"),  # Photo: X
    re.compile(r"\s*(?:[-–—|]\s*)?(?:[A-Z][\w.'-]*\s+)*[\w.'-]*\s*/\s*" + _AGENCY + r"\s*$"),  # Jane Doe/AFP
    re.compile(r"\s*(?:[-–—|]\s*)?" + _AGENCY + r"(?: via Getty Images)?(?:\s*/\s*[\w .'-]+)?\s*$"),  # REUTERS/X
]

# A credit line ending a body ("... Photo by Jane Doe", "Photograph: Reuters", "(Image: AFP/Getty
# Images)"): after a sentence or on a line of its own, naming only capitalised words.
_NAME_WORD = r"(?:[A-Z][\w'’.-]*|/|&|and|for|of|via|the)"
_BODY_CREDIT = re.compile(
    r"(?:^|(?<=[.!?…]))[ \t]*[(\[]?[ \t]*(?:[-–—|][ \t]*)?"
    r"(?i:photo(?:graph)?s?|pictures?|images?|video|footage|credit|courtesy|illustration)"
    r"(?:[ \t]+(?i:by|courtesy[ \t]+of|via))?[ \t]*:?[ \t]+"
    + _NAME_WORD + r"(?:[ \t]*" + _NAME_WORD + r"){0,9}[ \t]*[)\]]?[ \t]*\.?\s*\Z", re.M)


def body_text(text: str) -> str:
    """An entry's body without the credit line at its end: credits are never spoken."""
    return _BODY_CREDIT.sub("", text or "").rstrip()


def _lang(language: str) -> str:
    return (language or "en").strip().replace("_", "-").split("-")[0].lower() or "en"


def _words(number: int, lang: str, to: str = "cardinal") -> str:
    return num2words(number, lang=lang, to=to).replace(",", "")


def say_number(text: str, lang: str) -> str:
    """Digits ('4500', '1.5', '007') as words in `lang`; unchanged when num2words lacks it."""
    if lang not in CONVERTER_CLASSES:
        return text
    whole, _, fraction = text.partition(".")
    if (len(whole) > 1 and whole.startswith("0")) or len(whole) > 15:  # codes, phone numbers
        return " ".join(_words(int(d), lang) for d in text if d.isdigit())
    if not fraction:
        return _words(int(whole), lang)
    if lang not in WORDS:
        return num2words(Decimal(text), lang=lang)
    digits = " ".join(_words(int(d), lang) for d in fraction)
    return f"{_words(int(whole), lang)} {WORDS[lang][1]} {digits}"


def _clock(hour: int, minute: int, twelve: bool) -> str:
    """English clock words: 'eight thirty', 'eight oh five', 'fourteen hundred'."""
    h = _words((hour % 12 or 12) if twelve else hour, "en")
    if minute == 0:
        return h if twelve else (f"{h} o'clock" if hour <= 12 else f"{h} hundred")
    return f"{h} {'oh ' if minute < 10 else ''}{_words(minute, 'en')}"


def time_intro(moment: datetime, timezone: str, language: str) -> str:
    """'At 8:30 a.m.' in words, in the blog's zone and language."""
    local = moment.astimezone(zone(timezone))
    lang, h, m = _lang(language), local.hour, local.minute
    if lang == "en":
        hour, minute = _clock(h, m, True), ""
    elif lang == "vi":
        hour, minute = _words(h, lang), _words(m, lang)
    elif lang == "hi":  # digits on a 12-hour clock: espeak-ng reads them in Hindi
        hour, minute = str(h % 12 or 12), str(m)
    else:
        return f"{h}:{m:02d}."
    if m == 0 and h in NAMED_HOURS.get(lang, {}):
        return NAMED_HOURS[lang][h]
    part = next((word for first, word in reversed(DAY_PARTS.get(lang, ())) if h >= first), "")
    return TIME_INTRO[lang][1 if m else 0].format(h=hour, m=minute, part=part)


def _canonical_numbers(text: str, lang: str) -> str:
    """Drop thousands separators and make '.' the decimal mark: '4,500' / '4.500' -> '4500'."""
    if lang in COMMA_DECIMAL:
        text = re.sub(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+(?![\d.])", lambda m: m[0].replace(".", ""), text)
        return re.sub(r"(?<![\d.,])(\d+),(\d+)(?![\d,])", r"\1.\2", text)
    text = re.sub(r"(?<![\d.,])\d{1,2}(?:,\d{2})+,\d{3}(?![\d,])", lambda m: m[0].replace(",", ""), text)
    return re.sub(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,])", lambda m: m[0].replace(",", ""), text)


def _amount(number: str, scale: str | None, sign: str, lang: str) -> str:
    """'1.5', 'million', '$' -> 'one point five million dollars' (in `lang`)."""
    sign = CURRENCY_CODES.get(sign, sign)
    names, column = CURRENCIES[sign], COLUMNS.get(lang, 1)
    scale = SCALES.get(scale, scale) if lang == "en" and scale is not None else scale
    whole, _, cents = number.partition(".")
    if lang == "en" and not scale and len(cents) == 2 and sign in SUBUNITS:  # $3.50
        unit = names[0] if whole == "1" else names[1]
        return f"{say_number(whole, lang)} {unit} and {say_number(cents.lstrip('0') or '0', lang)} {SUBUNITS[sign]}"
    if lang == "en" and number == "1" and not scale:
        column = 0
    return " ".join(part for part in (say_number(number, lang), scale, names[column]) if part)


def _abbreviations(text: str) -> str:
    """English abbreviations in full; dots that do not end a sentence removed."""
    for short, long in ABBREVIATIONS.items():
        if long.endswith("."):  # "etc." may end a sentence: keep the full stop when it does
            text = re.sub(r"(?<![\w.])" + re.escape(short) + r"(?=\s*$|\s+[A-Z])", long, text)
        text = re.sub(r"(?<![\w.])" + re.escape(short), long.rstrip("."), text)
    text = re.sub(r"\bSt\.(?=\s+[A-Z])", "Saint", text)  # St. Mark's, but Baker St.
    text = re.sub(r"\bSt\.", "Street", text)
    text = re.sub(r"\bNo\.\s?(?=\d)", "number ", text)
    spaced = lambda m: " ".join(m[1].split(".")).strip()  # noqa: E731 - U.S. -> U S ("US" is read "us")
    text = re.sub(r"\b((?:[A-Z]\.){2,})(?=\s*$)", lambda m: spaced(m) + ".", text, flags=re.M)  # ends a sentence
    text = re.sub(r"\b((?:[A-Z]\.){2,})", spaced, text)
    text = re.sub(_INITIALISM, lambda m: " ".join(m[1]), text)
    # John F. Kennedy: no sentence end; but "the U S. Then" (from "U.S.", "US") ends one.
    return re.sub(r"(?<!\b[A-Z] )\b([A-Z])\.(?=\s+[A-Z])", r"\1", text)


def _month(name: str) -> str:
    return next(full for full in MONTHS if full.startswith(name[:3]))


def _ordinal(number: str) -> str:
    return _words(int(number), "en", "ordinal")


def _dates_and_times(text: str) -> str:
    """English dates, clock times, ordinals, decades and years in words."""
    text = re.sub(r"\b(\d{4})-(0[1-9]|1[0-2])-(\d{2})\b",
                  lambda m: f"{MONTHS[int(m[2]) - 1]} {int(m[3])}, {m[1]}", text)
    # Ranges before years and clock times, whose words have hyphens of their own: "8:30-9:30" is not
    # "eight thirty-nine thirty". A dash with a space on one side only is left to _numbers ("6:00 -5°C").
    text = re.sub(r"(?<![\w.-])(" + _NUM + r")(?:[-–—]| [-–—] )(" + _NUM + r")(?![\d-]|\.\d)", r"\1 to \2", text)
    text = re.sub(r"\b" + _MONTH + r"\s+(\d{1,2})(?:st|nd|rd|th)?\b",
                  lambda m: f"{_month(m[1])} {_ordinal(m[2])}", text)
    text = re.sub(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r"(?!\w)",
                  lambda m: f"the {_ordinal(m[1])} of {_month(m[2])}", text)
    text = re.sub(r"\b(\d{1,2})(?:[:.](\d{2}))?\s?([ap])\.?\s?m\b\.?",  # 8am, 8:30 p.m., 8.30pm
                  lambda m: f"{_clock(int(m[1]) % 24, int(m[2] or 0), True)} {m[3].lower()}.m.", text, flags=re.I)
    text = re.sub(r"\b([01]?\d|2[0-3]):([0-5]\d)\b", lambda m: _clock(int(m[1]), int(m[2]), False), text)
    text = re.sub(r"\b(\d+)(?:st|nd|rd|th)\b", lambda m: _ordinal(m[1]), text)
    text = re.sub(r"\b(1[1-9]\d0|20[0-9]0)s\b",  # the 1990s -> nineteen nineties
                  lambda m: re.sub(r"y$", "ie", _words(int(m[1]), "en", "year")) + "s", text)
    # A bare 1100-2099 is a year, unless a unit or a currency says it is an amount.
    amount = r"(?!\s?(?:" + _UNIT + "|" + _SCALE + "|" + _CUR_AFTER + r")(?!\w))"
    return re.sub(r"(?<![\d.$€£¥₹])\b(1[1-9]\d\d|20\d\d)\b(?!\.\d)" + amount,
                  lambda m: _words(int(m[1]), "en", "year"), text)


def _hindi_clock(match: re.Match) -> str:
    """'8:30' -> '8 बजकर 30 मिनट', '8:30 बजे' -> '8 बजकर 30 मिनट पर' (at 8:30: the hour word
    is not said twice), '8:00' -> '8 बजे'."""
    hour, minute = int(match[1]), int(match[2])
    if minute == 0:
        return f"{hour} बजे"
    return f"{hour} बजकर {minute} मिनट" + (" पर" if match[3] else "")


def _numbers(text: str, lang: str) -> str:
    """Ranges, money, units and the remaining numbers, in any language."""
    words = WORDS.get(lang)
    if lang == "vi":
        text = re.sub(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", r"ngày \3 tháng \2 năm \1", text)
        text = re.sub(r"\b([01]?\d|2[0-3])[:h]([0-5]\d)\b", r"\1 giờ \2", text)
    elif lang == "hi":  # digits stay digits: espeak-ng reads them in Hindi
        text = re.sub(r"\b([01]?\d|2[0-3]):([0-5]\d)\b(\s*बजे)?", _hindi_clock, text)
    text = re.sub(r"(?<=[^\W\d_])-?(?=\d)", " ", text)  # COVID-19, G7: "G seven", not "Gseven"
    if words:
        text = re.sub(r"(?<![\w.-])(" + _NUM + r")\s?[-–—]\s?(" + _NUM + r")(?![\d-]|\.\d)", rf"\1 {words[0]} \2", text)
        text = re.sub(r"(?<![\w.])[-−](?=\d)", words[5] + " ", text)
        text = re.sub(r"(?:#|\bNo\.\s?)(?=\d)", words[4] + " ", text)
    money_before = r"(?<![\w$])(" + _CUR_BEFORE + r")\s?(" + _NUM + r")(?:\s?(" + _SCALE + r")(?!\w))?"
    text = re.sub(money_before, lambda m: _amount(m[2], m[3], m[1], lang), text)  # $1.5 million
    money_after = r"(?<![\w.])(" + _NUM + r")(?:\s?(" + _SCALE + r"))?\s?(" + _CUR_AFTER + r")(?!\w)"
    text = re.sub(money_after, lambda m: _amount(m[1], m[2], m[3], lang), text)  # 25,000 VND
    if lang in ("en", "vi", "hi"):
        column = COLUMNS.get(lang, 1)
        text = re.sub(r"(?<![\w.])(" + _NUM + r")\s?(" + _UNIT + r")(?![\w²])", lambda m: " ".join(
            (say_number(m[1], lang), UNITS[m[2]][0 if (lang, m[1]) == ("en", "1") else column])), text)
    return re.sub(r"(?<![\d.])\d+(?:\.\d+)?(?!\.?\d)", lambda m: say_number(m[0], lang), text)


def _strip(text: str) -> str:
    """Markup, links, handles, photo positions and quotes: what is not read aloud."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # markdown links: keep the words
    text = re.sub(_LINK, "", text)
    text = re.sub(r"(?<![\w.])@\w+", "", text)
    text = re.sub(r"#([^\W\d_]\w*)", lambda m: re.sub(r"(?<=[a-z])(?=[A-Z])", " ", m[1]), text)
    text = _POSITION.sub("", text)
    text = text.replace("℃", "°C").replace("km2", "km²")
    return re.sub(r"[“”„\"«»]|(?<!\w)['‘’]|['‘’](?!\w)", "", text).replace("’", "'")


def _tidy(text: str, lang: str) -> str:
    """Symbols to words, emoji out, pauses to punctuation, spaces tidied."""
    words = WORDS.get(lang)
    if words:
        text = re.sub(r"\s*&\s*", f" {words[2]} ", text)
        text = re.sub(r"(?<=\w)\s*\+\s*(?=\w)", f" {words[3]} ", text)
    text = re.sub(r"\.{3,}|…", ",", re.sub(r"\(\s*\)|\[\s*\]", "", text))  # brackets emptied by _strip
    text = re.sub(r"\s+[-–—]+\s+|[()\[\]·]", ", ", text).replace("•", "\n")
    text = re.sub(r"[*_`~^|<>{}\\=+/#@]", " ", text)
    text = "".join(c for c in text if unicodedata.category(c) not in _UNSPOKEN and c not in _JOINERS)
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"\s+([,.;:!?।])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    text = re.sub(r",(?=\s*[.!?।]|\s*$)|^\s*[,;:]\s*", "", text, flags=re.M)
    return text.strip()


def normalise(text: str, language: str) -> str:
    """Text -> speakable sentences in `language`, one per line."""
    lang = _lang(language)
    text = _strip(re.sub(r"[ \t\u00a0]+", " ", unicodedata.normalize("NFC", text or "")))
    text = _canonical_numbers(text, lang)
    if lang == "en":
        text = _dates_and_times(_abbreviations(text))
    for written, said in LOCAL_ABBREVIATIONS.get(lang, {}).items():
        text = re.sub(written, said, text)
    text = _tidy(_numbers(text, lang), lang)
    out = []
    for sentence in sentences(text):
        sentence = sentence.strip(" ,;:")
        if re.search(r"\w", sentence):
            sentence = sentence[0].upper() + sentence[1:]  # "No. 5 ..." became "number five ..."
            out.append(sentence if re.search(r"[.!?।]$", sentence) else sentence + ".")
    return "\n".join(out)


def caption_text(caption: str, credit: str = "") -> str:
    """A media caption without its credit line or photo agency."""
    if credit.strip():
        caption = caption.replace(credit.strip(), "")
    for pattern in _CREDIT:
        caption = pattern.sub("", caption)
    return caption.strip(" -–—|/,")


def prepare_speech(entry: Entry, *, timezone: str, language: str) -> str:
    """The words a newsreader would say for `entry`: time, headline, body, captions.

    Sections are separated by a blank line, sentences by a line break.
    """
    sections = [time_intro(entry.published, timezone, language), normalise(entry.headline, language),
                normalise(body_text(entry.text), language)]
    seen: set[str] = set()
    for media in entry.media:
        spoken = normalise(caption_text(media.caption, media.credit), language)
        if spoken and spoken not in seen:
            seen.add(spoken)
            sections.append(spoken)
    return "\n\n".join(s for s in sections if s)
