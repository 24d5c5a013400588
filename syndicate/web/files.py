"""Serving the published tree: one generic static-file handler in front of the Flask app.

A GET or HEAD whose path names a file of the tree (`/` and `.../` name `index.html`) is
answered from that file; anything else goes to Flask unchanged. The answer is what a static
server gives: `Content-Type` by file name, a content-derived `ETag` and the file's mtime as
`Last-Modified`, 304s, the `.gz` sibling (with `Vary: Accept-Encoding`) when the client takes
gzip, byte ranges (206/416, `If-Range`), year-long immutable caching for clips under
`/audio/` and a short lifetime (with revalidation) for everything else, plus the pages'
security headers. Small files are kept in memory, checked against one `stat` per request.
"""
from __future__ import annotations

import os
import re
import stat
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from hashlib import sha256
from pathlib import Path
from urllib.parse import parse_qsl

from werkzeug.http import (
    http_date,
    parse_accept_header,
    parse_date,
    parse_etags,
    parse_range_header,
    quote_etag,
    remove_entity_headers,
    unquote_etag,
)

from .. import views
from ..links import FEED_FILES, FEED_TYPES, KIND_BY_FILE
from ..tree import TreeError, check_path

Headers = tuple[tuple[str, str], ...]
YEAR = 365 * 24 * 3600
FEED_MAX_AGE = 60
COVER_MAX_AGE = 86400
HOT_FILE_BYTES = 1 << 20  # files up to this size (pages, feeds, most clips) are kept in memory...
HOT_TOTAL_BYTES = 32 << 20  # ...up to this much in all
# Sent with the reading pages (no scripts at all: see views.CSP) and with the text version.
PAGE_HEADERS: Headers = (("Content-Security-Policy", views.CSP), ("X-Content-Type-Options", "nosniff"),
                         ("Referrer-Policy", "no-referrer"))
TEXT_HEADERS: Headers = (("X-Content-Type-Options", "nosniff"),)
MEDIA_TYPES = {
    **{name: FEED_TYPES[kind] + "; charset=utf-8" for kind, name in FEED_FILES.items()},
    # The catch-up episode's own feed and its Podcasting 2.0 chapters (formats/catchup.py).
    "catch-up.xml": "application/rss+xml; charset=utf-8", "chapters.json": "application/json+chapters",
    ".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8",
    ".vtt": "text/vtt; charset=utf-8", ".opml": "text/x-opml; charset=utf-8",
    ".json": "application/json", ".xml": "application/xml", ".png": "image/png", ".mp3": "audio/mpeg",
}
VIEW_OPTIONS = {"order", "key"}  # the old query-string forms of the text-view variants
_EMPTY_SUFFIX = re.compile(r"^\s*bytes\s*=\s*-0+\s*$")


def media_type(name: str) -> str:
    """The Content-Type of a file of the tree, by its name."""
    return MEDIA_TYPES.get(name) or MEDIA_TYPES.get(os.path.splitext(name)[1], "application/octet-stream")


def cache_control(path: str) -> str:
    """Clips never change under their name; covers rarely; feeds and pages often."""
    if path.startswith("audio/"):
        return f"public, max-age={YEAR}, immutable"
    age = COVER_MAX_AGE if path.endswith(".png") else FEED_MAX_AGE
    return f"public, max-age={age}"


def extra_headers(path: str, hub: str | None, base: str) -> Headers:
    """Security headers for pages and text; WebSub discovery links for feeds."""
    name = path.rsplit("/", 1)[-1]
    if name.endswith(".html"):
        return PAGE_HEADERS
    if name.endswith(".txt"):
        return TEXT_HEADERS
    if hub and name in KIND_BY_FILE and path.startswith("blogs/"):
        return (("Link", f"<{hub}>; rel=\"hub\""), ("Link", f"<{base}/{path}>; rel=\"self\""))
    return ()


@lru_cache(maxsize=256)
def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding header value allows gzip (q=0 refuses it)."""
    return parse_accept_header(accept_encoding).quality("gzip") > 0


def not_modified(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The headers a 304 keeps (no Content-* or Last-Modified)."""
    kept = [h for h in headers if h[0] != "Content-Length"]
    remove_entity_headers(kept)
    return kept


@dataclass(frozen=True)
class Variant:
    """One representation of a file (as stored, or its .gz sibling)."""

    etag: str
    headers: Headers  # every header of a 200 but Content-Length
    size: int
    body: bytes | None  # None: read from `path` on each request
    path: str
    fresh_headers: Headers = ()  # those of a 304
    quoted: str = ""  # the ETag as sent

    def __post_init__(self) -> None:
        object.__setattr__(self, "fresh_headers", tuple(not_modified(self.headers)))
        object.__setattr__(self, "quoted", quote_etag(self.etag))


class TreeFiles:
    """WSGI middleware: `app.wsgi_app = TreeFiles(app.wsgi_app, root, base=..., hub=...)`."""

    def __init__(self, app: Callable, root: Path, *, base: str, hub: str | None = None) -> None:
        self.app = app
        self.root = str(Path(root))
        self.base = base.rstrip("/")
        self.hub = hub or None
        self._hot: OrderedDict[str, tuple[tuple, tuple[Variant, Variant | None]]] = OrderedDict()
        self._hot_bytes = 0
        self._lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        if method not in ("GET", "HEAD"):
            return self.app(environ, start_response)
        query = environ.get("QUERY_STRING")
        if query and VIEW_OPTIONS & {k for k, _ in parse_qsl(query, keep_blank_values=True)}:
            return self.app(environ, start_response)  # the old forms: Flask redirects them
        path = environ.get("PATH_INFO", "")
        relative = path[1:] + ("index.html" if path.endswith("/") else "")
        try:
            check_path(relative)
            full = os.path.join(self.root, relative)
            info = os.stat(full)
        except (TreeError, OSError, ValueError):
            return self.app(environ, start_response)
        if stat.S_ISDIR(info.st_mode):
            if not os.path.isfile(os.path.join(full, "index.html")):
                return self.app(environ, start_response)
            start_response("308 PERMANENT REDIRECT", [("Location", path + "/" + (f"?{query}" if query else "")),
                                                      ("Content-Length", "0")])
            return []
        if not stat.S_ISREG(info.st_mode):
            return self.app(environ, start_response)
        try:
            plain, packed = self._variants(relative, full, info)
        except OSError:  # removed since the stat
            return self.app(environ, start_response)
        use = packed if packed is not None and accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING")) else plain
        status, headers, body = answer(use, environ)
        start_response(status, headers)
        return [] if method == "HEAD" else body

    def _variants(self, relative: str, full: str, info: os.stat_result) -> tuple[Variant, Variant | None]:
        key = (info.st_mtime_ns, info.st_size, info.st_ino)
        hit = self._hot.get(relative)
        if hit is not None and hit[0] == key:
            return hit[1]
        hot = info.st_size <= HOT_FILE_BYTES
        common = (("Content-Type", media_type(relative.rsplit("/", 1)[-1])),
                  ("Last-Modified", http_date(info.st_mtime)), ("Cache-Control", cache_control(relative)),
                  ("Accept-Ranges", "bytes"))
        extra = extra_headers(relative, self.hub, self.base)
        if hot:
            with open(full, "rb") as fh:
                data = fh.read()
            body: bytes | None = data
            try:
                with open(full + ".gz", "rb") as fh:
                    gz: bytes | None = fh.read()
            except OSError:
                gz = None
            etag = sha256(data).hexdigest()[:24]
            gz_size = None if gz is None else len(gz)
        else:  # big files (long clips, a long blog's text): read from disk on each request
            body = gz = None
            etag = f"{info.st_size:x}-{info.st_mtime_ns:x}"
            try:
                gz_size = os.stat(full + ".gz").st_size
            except OSError:
                gz_size = None
        vary = (("Vary", "Accept-Encoding"),) if gz_size is not None else ()
        plain = Variant(etag, (*common, ("ETag", quote_etag(etag)), *vary, *extra), info.st_size, body, full)
        packed = None if gz_size is None else Variant(
            etag + "-gz", (*common, ("ETag", quote_etag(etag + "-gz")), *vary, ("Content-Encoding", "gzip"), *extra),
            gz_size, gz, full + ".gz")
        with self._lock:
            old = self._hot.pop(relative, None)
            if old is not None:
                self._hot_bytes -= _weight(old[1])
            self._hot[relative] = (key, (plain, packed))
            self._hot_bytes += _weight((plain, packed))
            while self._hot_bytes > HOT_TOTAL_BYTES and len(self._hot) > 1:
                _, (_, dropped) = self._hot.popitem(last=False)
                self._hot_bytes -= _weight(dropped)
        return plain, packed


def _weight(variants: tuple[Variant, Variant | None]) -> int:
    return sum(len(v.body) for v in variants if v is not None and v.body is not None)


def answer(variant: Variant, environ: dict) -> tuple[str, list[tuple[str, str]], Iterable[bytes]]:
    """The status, headers and body for `variant` given the request's conditional and range
    headers."""
    if _fresh(variant, environ):
        return "304 NOT MODIFIED", list(variant.fresh_headers), []
    size = variant.size
    span = _span(environ, variant.etag, size)
    if isinstance(span, str):  # "unsatisfiable"
        return "416 RANGE NOT SATISFIABLE", [("Content-Range", f"bytes */{size}"), ("Content-Length", "0")], []
    if span is None:
        headers = [*variant.headers, ("Content-Length", str(size))]
        if variant.body is not None:
            return "200 OK", headers, [variant.body]
        if environ["REQUEST_METHOD"] == "HEAD":
            return "200 OK", headers, []
        return "200 OK", headers, _whole(variant.path, environ)
    start, stop = span
    headers = [*variant.headers, ("Content-Range", f"bytes {start}-{stop - 1}/{size}"),
               ("Content-Length", str(stop - start))]
    if variant.body is not None:
        return "206 PARTIAL CONTENT", headers, [variant.body[start:stop]]
    if environ["REQUEST_METHOD"] == "HEAD":
        return "206 PARTIAL CONTENT", headers, []
    with open(variant.path, "rb") as fh:
        return "206 PARTIAL CONTENT", headers, [os.pread(fh.fileno(), stop - start, start)]


def _fresh(variant: Variant, environ: dict) -> bool:
    """Whether the client's copy is this one (If-None-Match, else If-Modified-Since)."""
    wanted = environ.get("HTTP_IF_NONE_MATCH")
    if wanted is not None:
        return wanted == variant.quoted or parse_etags(wanted).contains_weak(variant.etag)
    since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if since is None:
        return False
    given = parse_date(since)
    modified = next((parse_date(v) for k, v in variant.headers if k == "Last-Modified"), None)
    return given is not None and modified is not None and modified <= given


def _span(environ: dict, etag: str, size: int) -> tuple[int, int] | str | None:
    """(start, stop) of a single satisfiable range, 'unsatisfiable', or None for the whole."""
    header = environ.get("HTTP_RANGE")
    if header is None:
        return None
    if_range = environ.get("HTTP_IF_RANGE")
    if if_range is not None:
        given, weak = unquote_etag(if_range)
        if weak or given != etag:  # If-Range needs a strong match (RFC 9110, 13.1.5)
            return None  # the client's copy is another version: send all of this one
    if _EMPTY_SUFFIX.match(header):  # werkzeug reads "bytes=-0" as the whole: it is no bytes
        return "unsatisfiable"
    ranges = parse_range_header(header)
    if ranges is None or ranges.units != "bytes" or len(ranges.ranges) != 1:
        return None  # malformed, another unit, or several ranges: the whole file is a valid answer
    start, stop = ranges.ranges[0]
    if stop is None:
        stop = size
        if start < 0:  # the last -start bytes; all of them when the file is shorter (RFC 9110, 14.1.3)
            start = max(size + start, 0)
    stop = min(stop, size)
    return "unsatisfiable" if start >= stop else (start, stop)


def _whole(path: str, environ: dict) -> Iterable[bytes]:
    fh = open(path, "rb")  # noqa: SIM115  closed by the server when it is done with the iterable
    wrapper = environ.get("wsgi.file_wrapper")
    if wrapper is not None:
        return wrapper(fh, 64 * 1024)
    with fh:
        return [fh.read()]
