"""Following a live page: the service polls a URL and keeps a blog in step with it.

- `fetch.py`: one polite HTTP GET (conditional, time- and size-limited, http(s) only).
- `poller.py`: lease a due source, fetch it, apply it through `Newsroom.import_blog`, record
  the outcome and when to poll next; `run_follower(config, stop)` is the background loop.
- here: the checks on what a user asks to follow, shared by the CLI and the API.

The sources themselves (URL, interval, validators, lease, status) live in the database
(store/sources.py), so a restart forgets nothing and any number of pollers can run.
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any

from ..validate import MAX_URL, URL_PATTERN, InvalidInput, Text, whole

MAX_INTERVAL = 7 * 24 * 3600
_UNITS = {1: ("s", "sec", "secs", "second", "seconds"), 60: ("m", "min", "mins", "minute", "minutes"),
          3600: ("h", "hour", "hours")}
_SHAPE = re.compile(r"([0-9]{1,9}) ?([a-z]*)")
# An http(s) URL (validate's pattern) that starts with a host.
SOURCE_URL = Text(MAX_URL, required=True, pattern=f"(?=https?://[^/?#@])(?:{URL_PATTERN})",
                  hint="an absolute http:// or https:// URL", description="an http(s) page with a live blog")


def _digits(low: str, high: str) -> list[str]:
    """Patterns for the numbers from `low` to `high`, written with as many digits each."""
    if not low:
        return [""]
    if low[0] == high[0]:
        return [low[0] + rest for rest in _digits(low[1:], high[1:])]
    tail, out = len(low) - 1, []
    first, last = int(low[0]), int(high[0])
    if low[1:] != "0" * tail:
        out += [low[0] + rest for rest in _digits(low[1:], "9" * tail)]
        first += 1
    if high[1:] != "9" * tail:
        last -= 1
    if first <= last:
        out.append(f"[{first}-{last}]" + "[0-9]" * tail)
    if high[1:] != "9" * tail:
        out += [high[0] + rest for rest in _digits("0" * tail, high[1:])]
    return out


def number_pattern(low: int, high: int) -> str:
    """A pattern for the decimal numbers from `low` to `high` (no leading zeros)."""
    parts = []
    while low <= high:
        top = min(high, 10 ** len(str(low)) - 1)
        parts += _digits(str(low), str(top))
        low = top + 1
    return "(?:" + "|".join(parts) + ")"


@lru_cache(maxsize=8)
def interval_pattern(minimum: int) -> str:
    """The interval strings `parse_interval` accepts, from `minimum` seconds to a week: "90",
    "90s", "5m", "1 h" (the unit's short or long name, in lower case)."""
    minimum = max(minimum, 0)
    parts = []
    for seconds, names in _UNITS.items():
        unit = "(?:" + "|".join(sorted(names, key=len, reverse=True)) + ")"
        unit = f"(?: ?{unit})?" if seconds == 1 else f" ?{unit}"
        parts.append(number_pattern(math.ceil(minimum / seconds), MAX_INTERVAL // seconds) + unit)
    return "|".join(parts)


def interval_schema(minimum: int) -> dict[str, Any]:
    """The JSON Schema of an interval, as `parse_interval` takes it."""
    return {"anyOf": [{"type": "integer", "minimum": minimum, "maximum": MAX_INTERVAL},
                      {"type": "string", "pattern": whole(interval_pattern(minimum))}],
            "description": f"seconds, or like 60s, 5m, 1h: from {minimum} seconds to a week"}


def parse_interval(value: object, minimum: int) -> int:
    """Seconds from 90, "90", "90s", "5m" or "1h"; InvalidInput (a ValueError), with a message
    saying what is accepted, when unreadable, under `minimum` or over a week."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        seconds = value
    elif isinstance(value, str) and (shape := _SHAPE.fullmatch(value)) and \
            (shape[2] or "s") in {name for names in _UNITS.values() for name in names}:
        seconds = int(shape[1]) * next(s for s, names in _UNITS.items() if (shape[2] or "s") in names)
    else:
        raise InvalidInput("interval must be a number of seconds, or like 60s, 5m or 1h", "interval")
    if not minimum <= seconds <= MAX_INTERVAL or (isinstance(value, str) and
                                                  not re.fullmatch(interval_pattern(minimum), value)):
        raise InvalidInput(f"interval must be from {minimum} seconds to a week", "interval")
    return seconds


def check_url(value: object) -> str:
    """`value` when it is an absolute http(s) URL with a host; InvalidInput (a ValueError)
    otherwise."""
    return SOURCE_URL.check("url", value)
