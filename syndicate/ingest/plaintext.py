"""Plain-text live blogs, as copied from a page: dateline, headline, standfirst, bullet
entries (newest first), then background paragraphs.

Layout. The first non-blank line is the dateline when it reads as one ("February 25, 2019 |
04:59 pm PT", "25 February 2019 14:05 GMT", "2019-02-25T16:59+07:00"), the next line is the
headline and the paragraphs up to the first bullet (•, ●, ▪, - or *) are the description. An
entry starts at a bullet no deeper than the first one. When entry bodies are indented deeper
than their bullets (as on copied pages), the first later line at or left of the bullet column
starts the background; in a flat layout a separator line (---, ***, ___) after the last entry
does. Numeric datelines (02/03/2019) are read day first unless `language` is en-US.

Entries. A bullet may start with a clock time ("8h30", "08:30", "8:30 am", "8.30pm", "18:00
GMT", "3.27pm BST"); a zone on a time overrides the blog zone for that entry. When the time is
alone on its line, a short line right below it without closing punctuation, followed by a
blank line, is the entry's headline. A paragraph ending in a credit ("Photo by X", "Videos by
X", "Photo: X", "(Photo: X)") is a media item: caption = the text before the credit, credit =
just the name(s) after it ("Huu Khoa", "VnExpress/Huu Khoa"); it is not part of the body.

Dating. Clock times are in the blog zone (`timezone`). Reading down, times go back; a time more
than 12 hours later than the one above it is on the previous day (a midnight crossing; smaller
inversions, such as a pinned entry, stay on that day). That fixes the days relative to each
other. The dateline, in the blog zone, fixes them absolutely: it marks either the first
publication (entries follow it) or the last update (entries precede it), so the days are
chosen to put it inside, or nearest to, the stretch from the oldest to the newest entry (on a
tie, entries after it win). A date-only dateline is the newest entry's date. With no dateline
the page was copied at `now`: the newest entry is the latest not after it (10 minutes' grace).
An entry with the clock time of the timed entry below it, or with no time (time_known=False),
goes one second after the entry below, so the order survives sorting; untimed entries below
every timed one count down from the oldest timed entry; with no times the top one gets the
dateline.

Ids. source_id = local date and clock of the entry as written ("2019-02-26T08:26") plus "#n",
n counting entries with that same time from the bottom of the page; untimed entries are
"untimed#n", counted from the bottom. New entries arrive at the top and edits keep the time,
so ids survive re-imports of a newer version (but not removal of old entries at the bottom).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from ..model import Media, ParsedBlog, ParsedEntry
from ..sanitize import clean_html, text_to_html
from ..timeutil import UTC, zone
from .detect import IngestError

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
_CLOCK = (r"(?P<h>2[0-3]|[01]?\d)(?:(?P<hsep>h)(?P<hm>[0-5]\d)?|(?P<sep>[:.])(?P<m>[0-5]\d)(?::[0-5]\d)?)?"
          r"(?:\s?(?P<ampm>[aApP])\.?\s?[mM]\b\.?)?(?:\s?(?P<zone>" + _ZONE + "))?")
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
_BULLET = re.compile(r"(?P<indent> *)(?:[•●▪]|[-*](?=\s|$))\s*(?P<rest>.*)")
_SEPARATOR = re.compile(r"\s*(?:[-_*]\s*){3,}")
_CREDIT = re.compile(
    r"(?:^|(?<=[.!?…\"'”’)\]:])\s+|\s*[(\[]\s*|\s+[-–—|]\s+)"
    r"(?P<label>Photos?|Pictures?|Images?|Graphics?|Videos?|Footage)(?:\s+by\s+|\s*:\s*)"
    r"(?P<credit>[A-Z0-9@][^()\[\]]{0,79}?)\s*[)\]]?\s*\.?\s*$")
_TERMINAL = tuple(".!?:;…\"'”’)")


@dataclass
class _Raw:
    """An entry as laid out on the page, before dating."""

    clock: time | None
    tz: tzinfo | None
    headline: str
    paragraphs: list[str]
    media: list[Media]


def _zone_of(token: str | None) -> tzinfo | None:
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
    return time(hour, minute), _zone_of(m["zone"])


def split_clock(line: str) -> tuple[time | None, tzinfo | None, str]:
    """Split a leading clock time off `line`: (time, its zone or None, the rest of the line)."""
    m = _CLOCK_AT_START.match(line)
    found = _clock_of(m) if m else None
    if not m or not found:
        return None, None, line.strip()
    rest = m["rest"].strip()
    separated = re.match(r"[-–—|:]\s*", rest)
    dotted_only = m["sep"] == "." and not (m["ampm"] or m["zone"])
    if rest and not separated and (dotted_only or not m["rest"][:1].isspace()):
        return None, None, line.strip()  # "12.50 euros", "8hrs": a number, not a time
    return found[0], found[1], rest[separated.end():] if separated else rest


def parse_dateline(line: str, us_order: bool = False) -> tuple[date, time | None, tzinfo | None] | None:
    """Read a dateline: (date, clock or None, zone or None); None when it is not one."""
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
        day_ = date(year, month, day) if 1900 <= year <= 2200 else None
    except ValueError:
        day_ = None
    if day_ is None:
        return None
    clock = _clock_of(m) if m["h"] else None
    return day_, clock[0] if clock else None, clock[1] if clock else None


def _paragraphs(lines: list[str], joined: bool = False) -> list[str]:
    """Blank-line separated paragraphs of `lines`, stripped; `joined` puts each on one line."""
    text = "\n".join(line.strip() for line in lines if not _SEPARATOR.fullmatch(line))
    return [" ".join(p.split()) if joined else p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _media(paragraph: str) -> Media | None:
    m = _CREDIT.search(" ".join(paragraph.split()))
    # A credit is a name or two: "A. Smith" is one, "Smith. More later" is not.
    if not m or re.search(r"[a-z]{2}[.!?]\s|[!?]", m["credit"]) or len(m["credit"].split()) > 8:
        return None
    kind = "video" if m["label"].lower().startswith(("video", "footage")) else "photo"
    return Media(kind=kind, caption=m.string[: m.start()].strip(), credit=m["credit"].strip())


def _entry(first: str, body: list[str]) -> _Raw:
    if not first.strip() and any(line.strip() for line in body):  # a bare bullet: start below it
        k = next(n for n, line in enumerate(body) if line.strip())
        first, body = body[k], body[k + 1:]
    clock, tz, rest = split_clock(first)
    headline = ""
    if clock and not rest and body and body[0].strip() and (len(body) == 1 or not body[1].strip()):
        candidate = body[0].strip()
        if (len(candidate) <= 90 and not candidate.endswith(_TERMINAL)
                and _media(candidate) is None and any(line.strip() for line in body[1:])):
            headline, body = candidate, body[1:]
    found = [(p, _media(p)) for p in _paragraphs([rest, *body])]
    return _Raw(clock, tz, headline, [p for p, m in found if not m], [m for _, m in found if m])


def _layout(lines: list[str], us_order: bool) -> tuple[tuple | None, list[str], list[_Raw], list[str]]:
    """Split the page: (dateline, header lines, entries top to bottom, background lines)."""
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        raise IngestError("text: input is empty")
    dateline = parse_dateline(lines[start], us_order)
    start += dateline is not None
    while start < len(lines) and not lines[start].strip():
        start += 1
    marks = [(i, m) for i in range(start, len(lines))
             if (m := _BULLET.fullmatch(lines[i])) and not _SEPARATOR.fullmatch(lines[i])]
    if not marks:
        raise IngestError("text: no entries found (an entry starts with a bullet: •, - or *)")
    column = len(marks[0][1]["indent"])
    starts = [i for i, m in marks if len(m["indent"]) <= column + 1]
    first_lines = set(starts)
    inner = [_indent(line) for i, line in enumerate(lines)
             if starts[0] < i < starts[-1] and line.strip() and i not in first_lines]
    if inner:
        indented = min(inner) > column
    else:  # one-line entries so far: judge by what follows the last bullet
        after = next((line for line in lines[starts[-1] + 1:] if line.strip()), "")
        last = _BULLET.fullmatch(lines[starts[-1]])["rest"]
        indented = _indent(after) > column or split_clock(last)[2] != ""
    end = next((i for i in range(starts[-1] + 1, len(lines)) if _SEPARATOR.fullmatch(lines[i])
                or (indented and lines[i].strip() and _indent(lines[i]) <= column)), len(lines))
    entries = []
    for n, i in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else end
        entries.append(_entry(_BULLET.fullmatch(lines[i])["rest"], lines[i + 1:stop]))
    background = [line for line in lines[end:] if not _SEPARATOR.fullmatch(line)]
    return dateline, lines[start:starts[0]], entries, background


def _date_entries(raws: list[_Raw], dateline: tuple | None, blog_tz: tzinfo,
                  now: datetime) -> tuple[list[datetime | None], datetime]:
    """Local (blog zone) datetimes of the timed entries, and the anchor instant."""
    day, clock, tz = dateline or (None, None, None)
    anchor = datetime.combine(day, clock or time(12), tz or blog_tz) if day else now
    local = anchor.astimezone(blog_tz).replace(tzinfo=None)
    clocks = [datetime.combine(local.date(), r.clock, r.tz).astimezone(blog_tz).time()  # to blog zone
              if r.clock and r.tz else r.clock for r in raws]
    timed = [c for c in clocks if c]
    if not timed:
        return [None] * len(raws), anchor
    rel, day_offset = [], 0  # reading down, a jump over 12 hours forward crosses midnight
    for n, at in enumerate(timed):
        if n and at.hour * 60 + at.minute - timed[n - 1].hour * 60 - timed[n - 1].minute > 720:
            day_offset -= 1
        rel.append(datetime.combine(local.date() + timedelta(days=day_offset), at))
    first, last = min(rel), max(rel)

    def cost(shift: int) -> tuple:
        lo, hi = first + timedelta(days=shift), last + timedelta(days=shift)
        gap = max(lo - local, local - hi, timedelta(0))
        return gap, local > hi, abs(shift)

    if day is None:  # no dateline: the page was copied at `now`, so no entry is later than that
        latest = local + timedelta(minutes=10)
        shift = max((s for s in (0, 1) if last + timedelta(days=s) <= latest), default=-1)
    else:
        shift = 0 if not clock else min((-1, 0, 1), key=cost)
    placed = iter(r + timedelta(days=shift) for r in rel)
    return [next(placed) if c else None for c in clocks], anchor


def parse_text(text: str, *, timezone: str = "UTC", language: str | None = None,
               now: datetime | None = None) -> ParsedBlog:
    """Parse a plain-text live blog (see the module docstring for the rules)."""
    blog_tz = zone(timezone)
    us_order = (language or "").lower().replace("_", "-") == "en-us"
    lines = text.expandtabs(4).split("\n")
    dateline, header, raws, background = _layout(lines, us_order)
    header = _paragraphs(header[:1] + [""] + header[1:], joined=True)  # headline line, standfirst
    local, anchor = _date_entries(raws, dateline, blog_tz, now or datetime.now(UTC))
    instants = [dt.replace(tzinfo=blog_tz).astimezone(UTC) if dt else None for dt in local]
    published = _publication_times(instants, anchor)

    seen: Counter[str] = Counter()  # occurrences of each time, counted from the bottom
    ids = []
    for raw, at in zip(raws[::-1], instants[::-1]):
        seen[key := at.astimezone(raw.tz or blog_tz).strftime("%Y-%m-%dT%H:%M") if at else "untimed"] += 1
        ids.insert(0, f"{key}#{seen[key]}")

    entries = [
        ParsedEntry(published=pub, headline=raw.headline,
                    html=clean_html(text_to_html("\n\n".join(raw.paragraphs))),
                    media=tuple(raw.media), source_id=sid, time_known=at is not None)
        for raw, at, pub, sid in zip(raws, instants, published, ids)
    ]
    return ParsedBlog(
        title=header[0] if header else "", description="\n\n".join(header[1:]),
        background="\n\n".join(_paragraphs(background, joined=True)),
        entries=entries, format="text")


def _publication_times(instants: list[datetime | None], anchor: datetime) -> list[datetime]:
    """Times for page-ordered entries, walking bottom (oldest) up: an entry whose clock equals
    the timed one below it, or that has no clock, goes one second after the entry below."""
    below = next((n for n, at in enumerate(reversed(instants)) if at), len(instants))  # untimed at bottom
    timed = [at for at in instants if at]
    previous = (timed[-1] - timedelta(seconds=below + 1) if timed
                else anchor.astimezone(UTC) - timedelta(seconds=len(instants)))
    clock_below: datetime | None = None
    published: list[datetime] = []
    for at in reversed(instants):
        previous = at if at and at != clock_below else previous + timedelta(seconds=1)
        clock_below = at or clock_below
        published.append(previous)
    return published[::-1]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())
