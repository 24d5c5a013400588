"""Importers: pure parsers from a live blog's text (plain text, JSON-LD, our own export) to a
ParsedBlog. No database, no HTTP: fetching is done by the caller.

    parse(source, format=None, timezone=None, language=None, now=None, date=None) -> ParsedBlog

`format` is detected when None (see detect.py). `timezone` is the blog's IANA zone, used to read
clock times and naive date-times (default UTC); `language` is a hint (en-US reads numeric
dates month first); `now` is the reference for "already ended" (default: the current time);
`date` is the day of the newest entry of a plain-text page that carries no date (text only:
without it such a page fails, since the day of the import must not decide dates and ids).
ParsedBlog.timezone and .language carry only what the source itself said.
Every failure caused by the input is an IngestError whose message starts with the format, or
with "ingest:" when it came before any format applied (empty input, unknown zone...).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date as Date
from datetime import datetime

from ..model import ParsedBlog
from ..timeutil import UTC, ensure_utc, is_zone
from .detect import FORMATS, IngestError, check_format, decode, detect
from .export import parse_export, to_export
from .jsonld import parse_jsonld
from .plaintext import parse_text

__all__ = ["FORMATS", "IngestError", "detect", "parse", "to_export"]

log = logging.getLogger(__name__)

_PARSERS: dict[str, Callable[..., ParsedBlog]] = {
    "text": parse_text,
    "jsonld": parse_jsonld,
    "export": parse_export,
}


def parse(source: str | bytes, *, format: str | None = None, timezone: str | None = None,
          language: str | None = None, now: datetime | None = None, date: Date | None = None) -> ParsedBlog:
    """Parse `source` (text, or UTF-8 bytes) into a ParsedBlog; IngestError on bad input."""
    if format is not None:
        check_format(format)
    if timezone is not None and (not isinstance(timezone, str) or not is_zone(timezone)):
        raise IngestError(f"ingest: unknown time zone {timezone!r}: expected an IANA name like Europe/London")
    text = decode(source)
    format = format or detect(text)
    now = ensure_utc(now) if now else datetime.now(UTC)
    parser = _PARSERS[format]
    try:
        extra = {"date": date} if format == "text" else {}
        blog = parser(text, timezone=timezone or "UTC", language=language, now=now, **extra)
    except IngestError:
        raise
    except ValueError as exc:
        raise IngestError(f"{format}: {exc}") from exc
    except (TypeError, KeyError, AttributeError, IndexError, OverflowError, RecursionError) as exc:
        # A shape the parser did not foresee: still the input's fault, so say so plainly.
        log.warning("ingest: %s parser failed on unexpected input", format, exc_info=True)
        raise IngestError(f"{format}: could not read the input ({type(exc).__name__})") from exc
    blog.format = format
    return blog
