"""Plain-text live blogs, as copied from a page: dateline, headline, standfirst, entries
(newest first), then background paragraphs.

Layout, entries and labels: see textlayout.py (the page is split into a dateline, a header,
entries and background there; here the entries are dated and given ids).

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

from collections import Counter
from datetime import date, datetime, time, timedelta, tzinfo

from ..model import ParsedBlog, ParsedEntry
from ..sanitize import clean_html, text_to_html
from ..timeutil import UTC, zone
from .datelines import date_in, parse_dateline, relative_time, split_clock
from .detect import IngestError
from .textlayout import Raw, layout, paragraphs, summaries_and_repeats

__all__ = ["parse_text", "parse_dateline", "split_clock"]

_NO_DATE = ("text: no date found on the page (no dateline, and none in the headline): give the "
            "day of its newest entry with --date YYYY-MM-DD (API: ?date=YYYY-MM-DD)")


def _clock_in_zone(raw: Raw, local: datetime, anchor: datetime | None, blog_tz: tzinfo) -> time | None:
    """The entry's clock time in the blog zone, or None when it has none."""
    if raw.relative:
        at = relative_time(raw.relative, anchor) if anchor else None  # needs a dateline with a time
        return at.astimezone(blog_tz).time().replace(second=0, microsecond=0) if at else None
    if raw.clock and raw.tz:
        return datetime.combine(local.date(), raw.clock, raw.tz).astimezone(blog_tz).time()
    return raw.clock


def _date_entries(raws: list[Raw], dateline: tuple, blog_tz: tzinfo,
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


def _updated(raw: Raw, published: datetime, blog_tz: tzinfo) -> datetime | None:
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
    dateline, header, raws, background = layout(lines, us_order)
    header, raws = summaries_and_repeats(header, raws)
    header = paragraphs(header[:1] + [""] + header[1:], joined=True)  # headline line, standfirst
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
    ids: list[str] = []
    for raw, at in zip(raws[::-1], instants[::-1], strict=True):
        seen[key := at.astimezone(raw.tz or blog_tz).strftime("%Y-%m-%dT%H:%M") if at else "untimed"] += 1
        ids.insert(0, f"{key}#{seen[key]}")

    entries = [
        ParsedEntry(published=pub, updated=_updated(raw, pub, blog_tz), headline=raw.headline,
                    html=clean_html(text_to_html("\n\n".join(raw.paragraphs))),
                    media=tuple(raw.media), source_id=sid, time_known=at is not None,
                    key_event=raw.key_event, pinned=raw.pinned)
        for raw, at, pub, sid in zip(raws, instants, published, ids, strict=True)
    ]
    return ParsedBlog(
        title=header[0] if header else "", description="\n\n".join(header[1:]),
        background="\n\n".join(paragraphs(background, joined=True)),
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
