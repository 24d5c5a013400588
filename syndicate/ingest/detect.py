"""What came in: the importers' error type, decoding of raw input and shape detection.

Detection looks only at the first non-blank character, so prose that mentions JSON or HTML
is never mistaken for it:

- `{` or `[`: a JSON document. With a top-level "syndicate_export" key (or, when the JSON
  is malformed, that key near the start) it is "export", otherwise "jsonld": JSON without a
  LiveBlogPosting then fails with a clear jsonld error, which helps more than reading braces
  as a plain-text blog.
- `<`: an HTML page (or XML), read as "jsonld" for its `application/ld+json` scripts.
- anything else: "text".
"""
from __future__ import annotations

import json
import re

FORMATS = ("text", "jsonld", "export")

# C0 controls other than tab, newline, carriage return and form feed never occur in text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class IngestError(ValueError):
    """Input that cannot be imported; the message names the format and what was wrong."""


def decode(source: str | bytes) -> str:
    """Return `source` as text with Unix line ends; IngestError when it is not usable text."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        try:
            text = bytes(source).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise IngestError(f"ingest: input is not UTF-8 text (bad byte at position {exc.start})") from None
    elif isinstance(source, str):
        text = source.removeprefix("\ufeff")
    else:
        raise IngestError(f"ingest: input must be text or bytes, not {type(source).__name__}")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise IngestError("ingest: input is empty")
    controls = len(_CONTROL.findall(text))
    if "\x00" in text or controls > max(3, len(text) // 1000):
        raise IngestError("ingest: input looks like binary data, not text")
    return text


def detect(text: str) -> str:
    """The format of `text`: "export", "jsonld" or "text" (see the module docstring)."""
    head = text.lstrip("\ufeff \t\r\n")[:1]
    if head in ("{", "["):
        try:
            data = json.loads(text, strict=False)
        except (ValueError, RecursionError):
            # Malformed: let the parser it was meant for report where.
            return "export" if '"syndicate_export"' in text[:200] else "jsonld"
        if isinstance(data, dict) and "syndicate_export" in data:
            return "export"
        return "jsonld"
    if head == "<":
        return "jsonld"
    return "text"


def check_format(format: str) -> str:
    """Return `format` when supported; IngestError listing the supported formats otherwise."""
    if format not in FORMATS:
        raise IngestError(f"ingest: unknown format {format!r}: expected one of {', '.join(FORMATS)}")
    return format
