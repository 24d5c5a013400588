"""Words for times, sizes and durations, as a reader hears them.

Shared by the HTML and plain-text views. Month and day names are spelled out here rather than
taken from `strftime`, so the output never depends on the process's locale.
"""
from __future__ import annotations

import logging
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from ..timeutil import ensure_utc, zone

log = logging.getLogger(__name__)

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
# Languages whose readers expect a 12-hour clock ("8:30 a.m."); everyone else gets 08:30.
TWELVE_HOUR = frozenset({"en-us", "en-ph"})

_OFFSET_ABBR = re.compile(r"^[+-]\d")


def local_zone(tz_name: str) -> ZoneInfo:
    """The blog's zone; UTC (with a warning) when the name is unknown, so a page still renders."""
    try:
        return zone(tz_name)
    except ValueError:
        log.warning("views: unknown time zone %r, showing UTC", tz_name)
        return zone("UTC")


def to_local(dt: datetime, tz_name: str) -> datetime:
    """`dt` (aware, or naive UTC) in the zone `tz_name`."""
    return ensure_utc(dt).astimezone(local_zone(tz_name))


def zone_label(local: datetime) -> str:
    """A name for the zone of `local`: its abbreviation ("GMT", "IST") when zoneinfo has one,
    otherwise the offset spelled as "UTC+7" / "UTC+5:45" / "UTC-3" (zoneinfo gives bare
    offsets like "+07" for many zones, which read badly and are easy to misread)."""
    abbr = local.tzname() or ""
    if abbr and not _OFFSET_ABBR.match(abbr):
        return abbr
    offset = local.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{mins:02d}" if mins else "")


def _uses_12_hour(language: str) -> bool:
    return language.replace("_", "-").lower() in TWELVE_HOUR


def format_clock(dt: datetime, tz_name: str, language: str = "en") -> str:
    """The clock time with its zone named: "08:30 UTC+7", or "8:30 a.m. EST" for en-US."""
    local = to_local(dt, tz_name)
    if _uses_12_hour(language):
        hour = local.hour % 12 or 12
        clock = f"{hour}:{local.minute:02d} {'a.m.' if local.hour < 12 else 'p.m.'}"
    else:
        clock = f"{local.hour:02d}:{local.minute:02d}"
    return f"{clock} {zone_label(local)}"


def format_date(day: date, language: str = "en", *, year: bool = True) -> str:
    """ "Tuesday 26 February 2019", or "Tuesday, February 26, 2019" for en-US."""
    weekday, month = DAYS[day.weekday()], MONTHS[day.month - 1]
    if _uses_12_hour(language):
        text = f"{weekday}, {month} {day.day}"
        return f"{text}, {day.year}" if year else text
    text = f"{weekday} {day.day} {month}"
    return f"{text} {day.year}" if year else text


def format_local_time(
    dt: datetime, tz_name: str, language: str = "en", *, with_date: bool = True, year: bool = True
) -> str:
    """Time and (by default) date in the blog's zone, zone named:
    "08:30 UTC+7, Tuesday 26 February 2019"."""
    clock = format_clock(dt, tz_name, language)
    if not with_date:
        return clock
    return f"{clock}, {format_date(to_local(dt, tz_name).date(), language, year=year)}"


def local_date(dt: datetime, tz_name: str) -> date:
    """The calendar day `dt` falls on in the zone `tz_name`."""
    return to_local(dt, tz_name).date()


def human_size(size: int | None) -> str:
    """Decimal units, as file managers and podcast apps show them: "900 bytes", "1.5 kB",
    "180 kB", "2.4 MB". Empty for an unknown size."""
    if size is None or size < 0:
        return ""
    if size < 1000:
        return "1 byte" if size == 1 else f"{size} bytes"
    for unit, scale in (("kB", 1000), ("MB", 1000**2), ("GB", 1000**3)):
        value = size / scale
        if value < 999.5 or unit == "GB":
            return f"{value:.1f} {unit}" if value < 9.95 else f"{round(value)} {unit}"
    raise AssertionError("unreachable")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def human_duration(seconds: float | None) -> str:
    """ "42 seconds", "1 minute 5 seconds", "1 hour 2 minutes". Rounded to the second, at least
    one second (a clip that exists is never "0 seconds"). Empty for an unknown duration."""
    if seconds is None or seconds < 0:
        return ""
    total = max(1, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:  # seconds are noise at this length
        return " ".join([_plural(hours, "hour")] + ([_plural(minutes, "minute")] if minutes else []))
    parts = ([_plural(minutes, "minute")] if minutes else []) + ([_plural(secs, "second")] if secs else [])
    return " ".join(parts)


__all__ = [
    "format_clock", "format_date", "format_local_time", "human_duration", "human_size",
    "local_date", "to_local", "zone_label",
]
