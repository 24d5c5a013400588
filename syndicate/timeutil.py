"""Timezone-aware UTC datetimes: parsing, formatting and the clock."""
from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import dateutil.parser


def now() -> datetime:
    """The current time, UTC, to the microsecond."""
    return datetime.now(UTC)


EARLIEST, LATEST = 1900, 2200  # years a live blog's times may have


def ensure_utc(value: datetime, assume: str = "UTC") -> datetime:
    """Return `value` in UTC; a naive value is taken to be in the zone `assume`.
    ValueError when it falls outside the years EARLIEST to LATEST (which every time zone can
    show without overflowing)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone(assume))
    if not EARLIEST <= value.year <= LATEST:
        raise ValueError(f"{value.isoformat()} is outside the years {EARLIEST} to {LATEST}")
    return value.astimezone(UTC)


def parse_datetime(text: str, assume: str = "UTC") -> datetime:
    """Parse an ISO 8601 / RFC 3339 (or similar) time string into aware UTC.

    Raises ValueError with a readable message when it cannot be read.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("expected a date-time string")
    try:
        value = dateutil.parser.isoparse(text.strip())
    except (ValueError, OverflowError):
        try:
            value = dateutil.parser.parse(text.strip())
        except (ValueError, OverflowError) as exc:
            raise ValueError(f"not a date-time: {text!r}") from exc
    return ensure_utc(value, assume)


def to_rfc3339(value: datetime) -> str:
    """Format as RFC 3339 in UTC with a Z suffix; microseconds only when present."""
    value = value.astimezone(UTC)
    fmt = "-%m-%dT%H:%M:%S.%fZ" if value.microsecond else "-%m-%dT%H:%M:%SZ"
    return f"{value.year:04d}" + value.strftime(fmt)  # %Y does not pad years before 1000


@lru_cache(maxsize=1)
def zone_names() -> frozenset[str]:
    """Every IANA zone name this machine knows."""
    return frozenset(available_timezones())


def zone(name: str) -> ZoneInfo:
    """The IANA zone `name`; ValueError when unknown."""
    if not is_zone(name):
        raise ValueError(f"unknown time zone: {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError) as exc:  # e.g. an unreadable file
        raise ValueError(f"unknown time zone: {name!r}") from exc


def is_zone(name: object) -> bool:
    """Whether `name` is a known IANA zone. Only known names reach zoneinfo, which would
    otherwise open any path it is given (and raise OSError on a name too long for one)."""
    return isinstance(name, str) and name in zone_names()
