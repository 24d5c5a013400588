"""Plain-text live blogs, as copied from a page: dateline, headline, standfirst, entries
(newest first), then background paragraphs.

Layout. The first non-blank line is the dateline when it reads as one ("February 25, 2019 |
04:59 pm PT", "Fri 19 Feb 2021 19.41 GMT", "27.08.2024, 12:32 Uhr", "Dienstag, 27. August
2024": see datelines.py), the next line is the headline and the lines up to the first entry
are the description. Entries come in one of two layouts:
- Bulleted (•, ●, ▪, - or *): an entry starts at a bullet of the first bullet's kind no deeper
  than it, so a "- " line inside a •-bulleted entry is body text. When entry bodies are
  indented deeper than their bullets (as on copied pages), the first later line at or left of
  the bullet column starts the background; in a flat layout a separator line (---, ***, ___)
  after the last entry does. A page whose only bullets are "-" or "*" lines without times, but
  which has clock lines, is read as the next layout (the bullets are lists inside entries).
- Clock lines (text copied from a page shows no bullets): an entry starts at a line holding a
  clock time alone ("19.30 GMT", "8h30", "2h ago"), or followed by a headline ("12.31 Uhr:
  Hafen wieder offen"), or by a separator and text. Each further line is a paragraph; a
  separator line ends the last entry and starts the background.
Numeric dates (02/03/2019) are read day first unless `language` is en-US.

Entries. A clock ("8h30", "08:30", "8:30 am", "8.30pm", "18:00 GMT", "3.27pm BST", "12.31
Uhr") may carry a zone, which overrides the blog zone for that entry; a relative time ("2h
ago", "vor 3 Stunden") counts back from the dateline. The headline is the text after the
clock on its line, or the short line right below a clock alone when more follows. A headline
may end in "?", "!", ")" or quotes but not in ".", ":", ";" or ",". A paragraph ending in a
credit ("Photo by X", "Videos by X", "Photo: X", "Photograph: X", "Foto: X", "Ảnh: X", "(Photo:
X)", or a bare "Agency/Getty Images") is a media item: caption = the text before the credit,
credit = just the name(s) after it; it is not part of the body.

Labels are not body text: "Pinned post" marks the entry pinned, "Key event" marks a key event,
"Updated at 19.38 GMT" sets the entry's updated time. A label right above an entry's first
line belongs to that entry. A "Key events" heading starts a summary list (clock and headline
per item): items that repeat a later entry mark it a key event and are not entries
themselves. An entry repeated further down (a pinned post also shown in the stream) is kept
once, at its place in the stream, marked pinned.

Dating. Clock times are in the blog zone (`timezone`). Reading down, times go back; a time more
than 12 hours later than the one above it is on the previous day (a midnight crossing; smaller
inversions, such as a pinned entry, stay on that day). That fixes the days relative to each
other. The dateline, in the blog zone, fixes them absolutely: it marks either the first
publication (entries follow it) or the last update (entries precede it), so the days are
chosen to put it inside, or nearest to, the stretch from the oldest to the newest entry (on a
tie, entries after it win). A date-only dateline, a date found in the headline, or `date` (the
caller's; used only when the page gives none) is the newest entry's date. With none of these
the import fails: the day of the import is never guessed, as ids would then change with it.
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
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from ..model import Media, ParsedBlog, ParsedEntry
from ..sanitize import clean_html, text_to_html
from ..timeutil import UTC, zone
from .datelines import date_in, is_relative, parse_dateline, relative_time, split_clock
from .detect import IngestError

__all__ = ["parse_text", "parse_dateline", "split_clock"]

_BULLET = re.compile(r"(?P<indent> *)(?P<mark>[•●▪]|[-*](?=\s|$))\s*(?P<rest>.*)")
_SEPARATOR = re.compile(r"\s*(?:[-_*]\s*){3,}")
_CREDIT = re.compile(
    r"(?:^|(?<=[.!?…\"'”’)\]:])\s+|\s*[(\[]\s*|\s+[-–—|]\s+)"
    r"(?P<label>Photo(?:graph)?s?|Pictures?|Images?|Graphics?|Videos?|Footage|Fotos?|Ảnh)(?:\s+by\s+|\s*:\s*)"
    r"(?P<credit>(?:[A-Z0-9@]|[^\x00-\x7f])[^()\[\]]{0,79}?)\s*[)\]]?\s*\.?\s*$")
_GETTY = re.compile(r"(?:^|(?<=[.!?…\"'”’)\]])\s+)(?P<credit>(?:[A-Z][\w.&' -]{0,40}/)?Getty Images)\s*\.?\s*$")
_LABEL = re.compile(r"\s*(?:(?P<pinned>pinned(?:\s+post)?)|(?P<key>key\s+event)"
                    r"|(?:last\s+)?updated(?:\s+at)?\s+(?P<updated>.{3,30}?))\s*", re.I)
_KEY_EVENTS = re.compile(r"\s*(?:show\s+)?key\s+events(?:\s+only)?\s*(?:\(\d+\))?\s*", re.I)
_NOT_HEADLINE_END = tuple(".:;,…")


@dataclass
class _Raw:
    """An entry as laid out on the page, before dating."""

    clock: time | None
    tz: tzinfo | None
    headline: str
    paragraphs: list[str]
    media: list[Media]
    relative: str = ""  # a relative time line ("2h ago"), read against the dateline
    pinned: bool = False
    key_event: bool = False
    updated: tuple[time, tzinfo | None] | None = None
    labels: set[str] = field(default_factory=set)


def _paragraphs(lines: list[str], joined: bool = False) -> list[str]:
    """Blank-line separated paragraphs of `lines`, stripped; `joined` puts each on one line."""
    text = "\n".join(line.strip() for line in lines if not _SEPARATOR.fullmatch(line))
    return [" ".join(p.split()) if joined else p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _media(paragraph: str) -> Media | None:
    flat = " ".join(paragraph.split())
    m = _CREDIT.search(flat)
    # A credit is a name or two: "A. Smith" is one, "Smith. More later" is not.
    if not m or re.search(r"[a-z]{2}[.!?]\s|[!?]", m["credit"]) or len(m["credit"].split()) > 8:
        getty = _GETTY.search(flat)
        return Media(kind="photo", caption=flat[: getty.start()].strip(), credit=getty["credit"]) if getty else None
    kind = "video" if m["label"].lower().startswith(("video", "footage")) else "photo"
    return Media(kind=kind, caption=m.string[: m.start()].strip(), credit=m["credit"].strip())


def _headline_like(line: str) -> bool:
    """Whether `line` reads as a headline: short, and not ending a sentence with "." and the
    like (a "?", "!", ")" or a closing quote is fine, unless a period sits inside it)."""
    line = line.strip()
    core = line.rstrip("\"'”’»)]").rstrip()
    return bool(core) and len(line) <= 160 and not core.endswith(_NOT_HEADLINE_END) and _media(line) is None


def _label(line: str) -> tuple[str, tuple[time, tzinfo | None] | None] | None:
    """("pinned" | "key" | "updated", the updated clock) when `line` is a label, else None."""
    m = _LABEL.fullmatch(line)
    if not m:
        return None
    if m["updated"] is None:
        return ("pinned" if m["pinned"] else "key"), None
    clock, tz, rest = split_clock(m["updated"])
    return ("updated", (clock, tz)) if clock and not rest else None


def _take_labels(raw_lines: list[str]) -> tuple[list[str], dict]:
    """`raw_lines` without label lines, and what the labels said."""
    kept, found = [], {}
    for line in raw_lines:
        label = _label(line) if line.strip() else None
        if label is None:
            kept.append(line)
        else:
            found[label[0]] = label[1] or True
    return kept, found


def _trailing_labels(lines: list[str]) -> int:
    """How many lines at the end of `lines` are "Pinned post" or "Key event" labels, or blank:
    those head the next entry ("Updated at" closes the entry it is in)."""
    n = len(lines)
    while n and (not lines[n - 1].strip() or (_label(lines[n - 1]) or ("updated",))[0] != "updated"):
        n -= 1
    while n < len(lines) and not lines[n].strip():
        n += 1
    return len(lines) - n


def _entry(first: str, body: list[str], *, line_paragraphs: bool = False) -> _Raw:
    if not first.strip() and any(line.strip() for line in body):  # a bare bullet: start below it
        k = next(n for n, line in enumerate(body) if line.strip())
        first, body = body[k], body[k + 1:]
    body, labels = _take_labels(body)
    relative = first.strip() if is_relative(first) else ""
    clock, tz, rest = (None, None, "") if relative else split_clock(first)
    headline = ""
    if line_paragraphs:  # each line is a paragraph; the headline may share the clock's line
        lines = [line.strip() for line in body if line.strip() and not _SEPARATOR.fullmatch(line)]
        if rest and _headline_like(rest):
            headline, rest = rest, ""
        elif not rest and len(lines) > 1 and _headline_like(lines[0]):
            headline, lines = lines[0], lines[1:]
        paragraphs = ([rest] if rest else []) + lines
    else:
        if (clock or relative) and not rest and body and body[0].strip() \
                and (len(body) == 1 or not body[1].strip()):
            candidate = body[0].strip()
            if _headline_like(candidate) and any(line.strip() for line in body[1:]):
                headline, body = candidate, body[1:]
        paragraphs = _paragraphs([rest, *body])
    found = [(p, _media(p)) for p in paragraphs]
    return _Raw(clock, tz, headline, [p for p, m in found if not m], [m for _, m in found if m],
                relative=relative, pinned="pinned" in labels, key_event="key" in labels,
                updated=labels.get("updated") if isinstance(labels.get("updated"), tuple) else None)


def _clock_start(line: str) -> bool:
    """Whether an unbulleted line starts an entry: a clock alone, or with a headline or a
    separator after it; or a relative time alone."""
    if not line.strip() or _BULLET.fullmatch(line) and not _BULLET.fullmatch(line)["rest"]:
        return False
    if is_relative(line):
        return True
    clock, _tz, rest = split_clock(line)
    if clock is None:
        return False
    if not rest or _headline_like(rest):
        return True
    prefix = line.strip()[: len(line.strip()) - len(rest)].rstrip()
    return prefix[-1:] in (":", "–", "—", "-", "|")


def _bulleted(lines: list[str], start: int) -> tuple[list[int], int] | None:
    """Entry start lines and the end of the last entry, in the bulleted layout; None when
    the page is not laid out with bullets."""
    marks = [(i, m) for i in range(start, len(lines))
             if (m := _BULLET.fullmatch(lines[i])) and not _SEPARATOR.fullmatch(lines[i])]
    if not marks:
        return None
    round_ = marks[0][1]["mark"] in "•●▪"
    if not round_ and not any(split_clock(m["rest"])[0] for _, m in marks) \
            and any(_clock_start(line) for line in lines[start:]):
        return None  # "- " lists inside entries that start at clock lines
    kind = "•●▪" if round_ else marks[0][1]["mark"]
    marks = [(i, m) for i, m in marks if m["mark"] in kind]
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
    return starts, end


def _layout(lines: list[str], us_order: bool) -> tuple[tuple | None, list[str], list[_Raw], list[str]]:
    """Split the page: (dateline, header lines, entries top to bottom, background lines)."""
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        raise IngestError("text: input is empty")
    dateline = parse_dateline(lines[start], us_order)
    start += dateline is not None
    while start < len(lines) and not lines[start].strip():
        start += 1
    bulleted = _bulleted(lines, start)
    if bulleted:
        starts, end = bulleted
        firsts = [_BULLET.fullmatch(lines[i])["rest"] for i in starts]
    else:
        # The headline line never starts an entry, even when it begins with a number.
        starts = [i for i in range(start + 1, len(lines)) if _clock_start(lines[i])]
        if not starts:
            raise IngestError("text: no entries found (an entry starts with a bullet (•, - or *) "
                              "or with a clock time such as 19.30 or 8h30 at the start of a line)")
        end = next((i for i in range(starts[-1] + 1, len(lines)) if _SEPARATOR.fullmatch(lines[i])), len(lines))
        firsts = [lines[i] for i in starts]
    chunks = [lines[i + 1:(starts[n + 1] if n + 1 < len(starts) else end)] for n, i in enumerate(starts)]
    header = lines[start:starts[0]]
    carried = _trailing_labels(header)  # labels right above an entry are that entry's
    carry, header = header[len(header) - carried:], header[: len(header) - carried]
    entries = []
    for first, chunk in zip(firsts, chunks):
        moved = _trailing_labels(chunk) if chunk is not chunks[-1] else 0
        raw = _entry(first, carry + chunk[: len(chunk) - moved], line_paragraphs=not bulleted)
        carry = chunk[len(chunk) - moved:]
        entries.append(raw)
    background = [line for line in lines[end:] if not _SEPARATOR.fullmatch(line)]
    return dateline, header, entries, background


def _same(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _summaries_and_repeats(header: list[str], raws: list[_Raw]) -> tuple[list[str], list[_Raw]]:
    """Drop the "Key events" summary (marking the entries it lists) and pinned repeats."""
    heading = next((n for n, line in enumerate(header) if _KEY_EVENTS.fullmatch(line)), None)
    if heading is not None:
        header = header[:heading] + [line for line in header[heading + 1:] if _KEY_EVENTS.fullmatch(line) is None]
        n = 0
        while n < len(raws):
            item = raws[n]
            text = item.headline or (item.paragraphs[0] if len(item.paragraphs) == 1 else "")
            if item.media or not text or (item.headline and item.paragraphs):
                break
            match = next((r for r in raws[n + 1:] if (r.clock, r.relative) == (item.clock, item.relative)
                          and (r.headline or (r.paragraphs[:1] or [""])[0]) and
                          _same(r.headline or r.paragraphs[0], text)), None)
            if match is None:
                break
            match.key_event = True
            n += 1
        raws = raws[n:]
    kept: list[_Raw] = []
    for n, raw in enumerate(raws):
        later = next((r for r in raws[n + 1:] if (r.clock, r.headline, r.paragraphs, r.media)
                      == (raw.clock, raw.headline, raw.paragraphs, raw.media)), None)
        if later is not None and (raw.pinned or raw.paragraphs or raw.headline):
            later.pinned = later.pinned or raw.pinned
            later.key_event = later.key_event or raw.key_event
            continue  # the same entry further down, in its place in the stream
        kept.append(raw)
    return header, kept


_NO_DATE = ("text: no date found on the page (no dateline, and none in the headline): give the "
            "day of its newest entry with --date YYYY-MM-DD (API: ?date=YYYY-MM-DD)")


def _clock_in_zone(raw: _Raw, local: datetime, anchor: datetime | None, blog_tz: tzinfo) -> time | None:
    """The entry's clock time in the blog zone, or None when it has none."""
    if raw.relative:
        at = relative_time(raw.relative, anchor) if anchor else None  # needs a dateline with a time
        return at.astimezone(blog_tz).time().replace(second=0, microsecond=0) if at else None
    if raw.clock and raw.tz:
        return datetime.combine(local.date(), raw.clock, raw.tz).astimezone(blog_tz).time()
    return raw.clock


def _date_entries(raws: list[_Raw], dateline: tuple | None, blog_tz: tzinfo,
                  ) -> tuple[list[datetime | None], datetime]:
    """Local (blog zone) datetimes of the timed entries, and the anchor instant."""
    day, clock, tz = dateline
    anchor = datetime.combine(day, clock or time(12), tz or blog_tz)
    local = anchor.astimezone(blog_tz).replace(tzinfo=None)
    clocks = [_clock_in_zone(r, local, anchor if clock else None, blog_tz) for r in raws]
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

    shift = 0 if not clock else min((-1, 0, 1), key=cost)
    placed = iter(r + timedelta(days=shift) for r in rel)
    return [next(placed) if c else None for c in clocks], anchor


def _updated(raw: _Raw, published: datetime, blog_tz: tzinfo) -> datetime | None:
    """The time an "Updated at" label gives, on the entry's day (or the next), or None."""
    if raw.updated is None:
        return None
    clock, tz = raw.updated
    tz = tz or blog_tz
    at = datetime.combine(published.astimezone(tz).date(), clock, tz).astimezone(UTC)
    return at if at >= published else at + timedelta(days=1)


def parse_text(text: str, *, timezone: str = "UTC", language: str | None = None,
               now: datetime | None = None, date: date | None = None) -> ParsedBlog:
    """Parse a plain-text live blog (see the module docstring for the rules). `date` is the
    day of the newest entry, for pages that carry no date; `now` is not used: the day of the
    import never decides dates or ids."""
    blog_tz = zone(timezone)
    us_order = (language or "").lower().replace("_", "-") == "en-us"
    lines = text.expandtabs(4).split("\n")
    dateline, header, raws, background = _layout(lines, us_order)
    header, raws = _summaries_and_repeats(header, raws)
    header = _paragraphs(header[:1] + [""] + header[1:], joined=True)  # headline line, standfirst
    if dateline is None:
        day = date_in(header[0], us_order) if header else None
        day = day or date
        if day is None:
            raise IngestError(_NO_DATE)
        dateline = (day, None, None)
    local, anchor = _date_entries(raws, dateline, blog_tz)
    instants = [dt.replace(tzinfo=blog_tz).astimezone(UTC) if dt else None for dt in local]
    published = _publication_times(instants, anchor)

    seen: Counter[str] = Counter()  # occurrences of each time, counted from the bottom
    ids = []
    for raw, at in zip(raws[::-1], instants[::-1]):
        seen[key := at.astimezone(raw.tz or blog_tz).strftime("%Y-%m-%dT%H:%M") if at else "untimed"] += 1
        ids.insert(0, f"{key}#{seen[key]}")

    entries = [
        ParsedEntry(published=pub, updated=_updated(raw, pub, blog_tz), headline=raw.headline,
                    html=clean_html(text_to_html("\n\n".join(raw.paragraphs))),
                    media=tuple(raw.media), source_id=sid, time_known=at is not None,
                    key_event=raw.key_event, pinned=raw.pinned)
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
