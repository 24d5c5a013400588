"""Datelines, clock times and zone words in text copied from a live blog page.

Clock times ("8h30", "08:30", "8:30 am", "8.30pm", "19.41 GMT", "12.31 Uhr:") are found with a
pattern, because the layout needs to know exactly where a time ends and a headline begins.
Datelines in the forms the pattern does not know ("Fri 19 Feb 2021 19.41 GMT",
"27.08.2024, 12:32 Uhr", "Dienstag, 27. August 2024", "mardi 27 août 2024", Vietnamese and
Hindi dates...) and relative times ("2h ago", "vor 3 Stunden") are read by dateparser, which
knows the month and day names of many languages and needs no network. Zone words are read
here, not by dateparser: "ET" is New York's zone with its summer time, "IST" is India's.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone, tzinfo

import dateparser
from dateparser.search import search_dates

from ..timeutil import zone

_FIXED = {  # minutes east of UTC; IST is India, CST is US Central (the likelier readings)
    "Z": 0, "UTC": 0, "GMT": 0, "WET": 0, "BST": 60, "WEST": 60, "CET": 60, "CEST": 120, "EET": 120,
    "EEST": 180, "MSK": 180, "IST": 330, "ICT": 420, "WIB": 420, "SGT": 480, "HKT": 480,
    "JST": 540, "KST": 540, "AEST": 600, "AEDT": 660, "EST": -300, "EDT": -240, "CST": -360,
    "CDT": -300, "MST": -420, "MDT": -360, "PST": -480, "PDT": -420,
}
_REGIONAL = {"ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver",
             "PT": "America/Los_Angeles"}
_ZONE = (r"(?:(?:UTC|GMT)\s?[+\-−]\s?\d{1,2}(?::?\d{2})?|[+\-−]\d{2}:?\d{2}|"
         + "|".join(sorted([*_FIXED, *_REGIONAL], key=len, reverse=True)) + r")(?![A-Za-z])")
# Words that follow a clock time in other languages: German "Uhr", Spanish "h"/"horas",
# Vietnamese "giờ", Hindi "बजे".
_UNIT = r"(?:Uhr|hrs?|horas?|h|giờ|बजे)(?!\w)"
_CLOCK = (r"(?P<h>2[0-3]|[01]?\d)(?:(?P<hsep>h)(?P<hm>[0-5]\d)?|(?P<sep>[:.])(?P<m>[0-5]\d)(?::[0-5]\d)?)?"
          r"(?:\s?(?P<ampm>[aApP])\.?\s?[mM]\b\.?)?(?:\s?(?P<zone>" + _ZONE + r"))?"
          r"(?:\s?(?P<unit>" + _UNIT + r"))?")
_CLOCK_AT_START = re.compile(r"\s*(?:" + _CLOCK + r")(?P<rest>.*)", re.S)
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DATE = (r"(?:(?P<mon1>[A-Za-z]{3,9})\.?\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{4})"
         r"|(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?P<mon2>[A-Za-z]{3,9})\.?,?\s+(?P<y2>\d{4})"
         r"|(?P<y3>\d{4})-(?P<m3>\d{1,2})-(?P<d3>\d{1,2})"
         r"|(?P<a4>\d{1,2})/(?P<b4>\d{1,2})/(?P<y4>\d{4}))")
_DATELINE = re.compile(
    r"(?:(?:last\s+)?(?:updated|published|posted)\s*:?\s*(?:on\s+)?)?"
    r"(?:[A-Za-z]{3,9}day,?\s+)?" + _DATE + r"(?:(?:T|\s*[,|·•@–-]?\s*(?:at\s+)?)(?:" + _CLOCK + r"))?"
    r"(?:\s*[|,;(–-].*)?\s*",
    re.I)
_TRAILING_ZONE = re.compile(r"[\s(]+(?P<zone>" + _ZONE + r")\)?\s*$")
_HAS_CLOCK = re.compile(r"\d{1,2}\s?(?:[:.h]\s?\d{2}|[aApP]\.?[mM]\b)")
# "2h ago", "45 mins ago", "vor 3 Stunden", "il y a 2 heures", "hace 20 minutos", "2 giờ trước",
# "2 घंटे पहले": recognised here, read by dateparser.
_RELATIVE = re.compile(
    r"\s*(?:\d+\s?(?:h|hrs?|hours?|m|mins?|minutes?)\s+ago|vor\s+\d+\s+(?:Std\.?|Stunden?|Min\.?|Minuten?)"
    r"|il\s+y\s+a\s+\d+\s+(?:h|heures?|min|minutes?)|hace\s+\d+\s+(?:h|horas?|min|minutos?)"
    r"|\d+\s+(?:giờ|phút)\s+trước|\d+\s+(?:घंटे|घंटा|मिनट)\s+पहले)\s*", re.I)
_EARLIEST, _LATEST = 1900, 2200


def zone_of(token: str | None) -> tzinfo | None:
    """The zone a zone word or offset names ("GMT", "ET", "+07:00", "UTC+7"), or None."""
    token = (token or "").upper().replace("−", "-").replace(" ", "")
    if token in _REGIONAL:
        return zone(_REGIONAL[token])
    if token in _FIXED:
        return timezone(timedelta(minutes=_FIXED[token]))
    digits = re.sub(r"\D", "", token)
    hours, minutes = (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits or 0), 0)
    if not token or hours > 14 or minutes > 59:
        return None
    return timezone((-1 if "-" in token else 1) * timedelta(hours=hours, minutes=minutes))


def _clock_of(m: re.Match[str]) -> tuple[time, tzinfo | None] | None:
    """The time in a _CLOCK match, or None when it is just a number or impossible."""
    if not (m["hsep"] or m["sep"] or m["ampm"]):
        return None
    hour, minute = int(m["h"]), int(m["hm"] or m["m"] or 0)
    if m["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m["ampm"].lower() == "p" else 0)
    return time(hour, minute), zone_of(m["zone"])


def split_clock(line: str) -> tuple[time | None, tzinfo | None, str]:
    """Split a leading clock time off `line`: (time, its zone or None, the rest of the line)."""
    m = _CLOCK_AT_START.match(line)
    found = _clock_of(m) if m else None
    if not m or not found:
        return None, None, line.strip()
    rest = m["rest"].strip()
    separated = re.match(r"[-–—|:]\s*", rest)
    dotted_only = m["sep"] == "." and not (m["ampm"] or m["zone"] or m["unit"])
    if rest and not separated and (dotted_only or not m["rest"][:1].isspace()):
        return None, None, line.strip()  # "12.50 euros", "8hrs": a number, not a time
    return found[0], found[1], rest[separated.end():] if separated else rest


def is_relative(line: str) -> bool:
    """Whether `line` is a relative time alone ("2h ago", "vor 3 Stunden")."""
    return _RELATIVE.fullmatch(line) is not None


def relative_time(line: str, reference: datetime) -> datetime | None:
    """The moment a relative time line ("2h ago", "vor 3 Stunden") names, counted back from
    `reference`; None when the line is not one."""
    if not _RELATIVE.fullmatch(line):
        return None
    found = dateparser.parse(line.strip(), settings={
        "RELATIVE_BASE": reference.replace(tzinfo=None), "PREFER_DATES_FROM": "past"})
    return None if found is None else reference - (reference.replace(tzinfo=None) - found)


def _dateline_by_pattern(line: str, us_order: bool) -> tuple[date, time | None, tzinfo | None] | None:
    m = _DATELINE.fullmatch(line.strip())
    if not m:
        return None
    if m["y3"]:
        year, month, day = int(m["y3"]), int(m["m3"]), int(m["d3"])
    elif m["y4"]:
        a, b = int(m["a4"]), int(m["b4"])
        year, (month, day) = int(m["y4"]), ((a, b) if (us_order and a <= 12) or b > 12 else (b, a))
    else:
        name = (m["mon1"] or m["mon2"]).lower()[:3]
        if name not in _MONTH_NAMES:
            return None
        year, month, day = int(m["y1"] or m["y2"]), _MONTH_NAMES.index(name) + 1, int(m["d1"] or m["d2"])
    try:  # years far from now are typos or not a dateline at all
        day_ = date(year, month, day) if _EARLIEST <= year <= _LATEST else None
    except ValueError:
        day_ = None
    if day_ is None:
        return None
    clock = _clock_of(m) if m["h"] else None
    return day_, clock[0] if clock else None, clock[1] if clock else None


def _settings(us_order: bool) -> dict:
    # A full date only: a headline saying "Friday" or "2024" is not a dateline.
    return {"REQUIRE_PARTS": ["day", "month", "year"], "DATE_ORDER": "MDY" if us_order else "DMY",
            "PREFER_DAY_OF_MONTH": "first"}


def _dateline_by_dateparser(line: str, us_order: bool) -> tuple[date, time | None, tzinfo | None] | None:
    line = line.strip()
    if len(line) > 80 or not re.search(r"\d", line):
        return None
    zone_match = _TRAILING_ZONE.search(line)
    tz = zone_of(zone_match["zone"]) if zone_match else None
    body = line[: zone_match.start()] if zone_match and tz else line
    found = dateparser.parse(body, settings=_settings(us_order))
    if found is None or not _EARLIEST <= found.year <= _LATEST:
        return None
    clock = found.time().replace(second=0, microsecond=0) if _HAS_CLOCK.search(body) else None
    return found.date(), clock, tz or found.tzinfo


def parse_dateline(line: str, us_order: bool = False) -> tuple[date, time | None, tzinfo | None] | None:
    """Read a dateline: (date, clock or None, zone or None); None when it is not one."""
    return _dateline_by_pattern(line, us_order) or _dateline_by_dateparser(line, us_order)


def date_in(text: str, us_order: bool = False) -> date | None:
    """A full date written somewhere in `text` (a headline such as "Live: 3 March 2024"), or None."""
    if not re.search(r"\d", text):
        return None
    found = search_dates(text, settings=_settings(us_order)) or []
    days = [at.date() for _words, at in found if _EARLIEST <= at.year <= _LATEST]
    return days[0] if days else None
