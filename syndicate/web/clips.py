"""Sending clips: HEAD, ETag, 304, byte ranges (206) and a year-long cache lifetime.

A clip's file name changes whenever what it says changes, so a clip never changes under its
URL and is served as immutable. Podcast apps probe with `Range: bytes=0-1` and refuse servers
that do not answer 206. Range headers are parsed by werkzeug; the rest is a file and a stat.
Both the fast path and the Flask route send clips through `clip_answer`.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from werkzeug.http import http_date, parse_etags, parse_range_header, quote_etag, unquote_etag

from ..validate import SLUG_PATTERN

CLIP_NAME = re.compile(rf"{SLUG_PATTERN}/[0-9a-f]{{32}}-[0-9a-f]{{12}}\.mp3")  # fullmatch only
YEAR = 365 * 24 * 3600
_EMPTY_SUFFIX = re.compile(r"^\s*bytes\s*=\s*-0+\s*$")
Answer = tuple[str, list[tuple[str, str]], Iterable[bytes]]


def clip_answer(audio_dir: Path, name: str, environ: dict) -> Answer | None:
    """The WSGI answer for clip `name`, or None when there is no such clip. Only names of the
    shape the speech worker gives can match, so no path can leave the audio directory."""
    if not CLIP_NAME.fullmatch(name):
        return None
    try:
        fd = os.open(os.path.join(audio_dir, name), os.O_RDONLY)
    except OSError:
        return None
    try:
        # Few system calls: under load each one hands the GIL to another thread.
        stat = os.fstat(fd)
        size = stat.st_size
        etag, headers = _headers(name, size, stat.st_mtime_ns)
        wanted = environ.get("HTTP_IF_NONE_MATCH")
        if wanted is not None and (wanted == f'"{etag}"' or parse_etags(wanted).contains_weak(etag)):
            return "304 NOT MODIFIED", [h for h in headers if h[0] not in ("Content-Type", "Last-Modified")], []
        span = _span(environ, etag, size)
        if span == "unsatisfiable":
            return "416 RANGE NOT SATISFIABLE", [("Content-Range", f"bytes */{size}"), ("Content-Length", "0")], []
        head = environ["REQUEST_METHOD"] == "HEAD"
        if span is None:
            headers = [*headers, ("Content-Length", str(size))]
            if head:
                return "200 OK", headers, []
            body, fd = _whole(fd, environ), None  # the body owns the file now
            return "200 OK", headers, body
        start, stop = span
        headers = [*headers, ("Content-Range", f"bytes {start}-{stop - 1}/{size}"),
                   ("Content-Length", str(stop - start))]
        return "206 PARTIAL CONTENT", headers, [] if head else [os.pread(fd, stop - start, start)]
    finally:
        if fd is not None:
            os.close(fd)


@lru_cache(maxsize=1024)
def _headers(name: str, size: int, mtime_ns: int) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A clip's ETag and the headers every answer for it carries."""
    etag = f"{name[-16:-4]}-{size:x}-{mtime_ns:x}"
    return etag, (("Content-Type", "audio/mpeg"), ("ETag", quote_etag(etag)),
                  ("Last-Modified", http_date(mtime_ns / 1e9)),
                  ("Cache-Control", f"public, max-age={YEAR}, immutable"), ("Accept-Ranges", "bytes"))


def _span(environ: dict, etag: str, size: int) -> tuple[int, int] | str | None:
    """(start, stop) of a single satisfiable range, 'unsatisfiable', or None for the whole."""
    if "HTTP_RANGE" not in environ:
        return None
    if_range = environ.get("HTTP_IF_RANGE")
    if if_range is not None:
        given, weak = unquote_etag(if_range)
        if weak or given != etag:  # If-Range needs a strong match (RFC 9110, 13.1.5)
            return None  # the client's copy is another version: send all of this one
    header = environ["HTTP_RANGE"]
    if _EMPTY_SUFFIX.match(header):  # werkzeug reads "bytes=-0" as the whole: it is no bytes
        return "unsatisfiable"
    ranges = parse_range_header(header)
    if ranges is None or ranges.units != "bytes" or len(ranges.ranges) != 1:
        return None  # malformed, another unit, or several ranges: the whole clip is a valid answer
    span = ranges.range_for_length(size)
    return "unsatisfiable" if span is None or span[0] >= span[1] else span


def _whole(fd: int, environ: dict) -> Iterable[bytes]:
    clip = os.fdopen(fd, "rb")  # closed by the server when it is done with the iterable
    wrapper = environ.get("wsgi.file_wrapper")
    if wrapper is not None:
        return wrapper(clip, 64 * 1024)
    with clip:
        return [clip.read()]
