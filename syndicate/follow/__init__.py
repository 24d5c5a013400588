"""Following a live page: the service polls a URL and keeps a blog in step with it.

- `fetch.py`: one polite HTTP GET (conditional, time- and size-limited, http(s) only).
- `poller.py`: lease a due source, fetch it, apply it through `Newsroom.import_blog`, record
  the outcome and when to poll next; `run_follower(config, stop)` is the background loop.
- here: the checks on what a user asks to follow, shared by the CLI and the API.

The sources themselves (URL, interval, validators, lease, status) live in the database
(store/sources.py), so a restart forgets nothing and any number of pollers can run.
"""
from __future__ import annotations

import re

_INTERVAL = re.compile(r"\s*(\d{1,7})\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)?\s*", re.I)
_UNITS = {"s": 1, "m": 60, "h": 3600}
MAX_INTERVAL = 7 * 24 * 3600


def parse_interval(value: object, minimum: int) -> int:
    """Seconds from 90, "90", "90s", "5m" or "1h"; ValueError, with a message saying what is
    accepted, when unreadable, under `minimum` or over a week."""
    text = str(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
    m = _INTERVAL.fullmatch(text)
    if not m:
        raise ValueError("interval must be a number of seconds, or like 60s, 5m or 1h")
    seconds = int(m[1]) * _UNITS[(m[2] or "s")[0].lower()]
    if not minimum <= seconds <= MAX_INTERVAL:
        raise ValueError(f"interval must be from {minimum} seconds to a week")
    return seconds


def check_url(value: object) -> str:
    """`value` when it is an absolute http(s) URL with a host; ValueError otherwise."""
    if not isinstance(value, str) or not re.fullmatch(r"https?://[^\s/?#@]+[^\s]*", value.strip(), re.I) \
            or len(value) > 2000:
        raise ValueError("url must be an absolute http:// or https:// URL")
    return value.strip()
