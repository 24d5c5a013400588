"""One polite fetch of a followed page.

Conditional (If-None-Match / If-Modified-Since from the last good answer), with a clear
User-Agent, a timeout for the whole exchange, a size cap, and http(s) only, redirects
included. Answers: a `Fetched` (200 with the body, or 304), or a `FetchError` saying what went
wrong, with the server's Retry-After when it gave one.
"""
from __future__ import annotations

import email.utils
import http.client
import re
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from typing import IO

from ..timeutil import UTC

try:
    _VERSION = metadata.version("syndicate")
except metadata.PackageNotFoundError:  # running from a source tree
    _VERSION = "dev"
USER_AGENT = f"syndicate/{_VERSION} (live blog follower; polls politely, honours Cache-Control and Retry-After)"
_CHUNK = 65536


@dataclass(frozen=True)
class Fetched:
    status: int  # 200, or 304 when the page has not changed
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    max_age: int | None = None  # Cache-Control: max-age, seconds


class FetchError(Exception):
    """The page could not be fetched; `status` is the HTTP status when there was one."""

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: http.client.HTTPMessage, newurl: str) -> urllib.request.Request | None:
        if not re.match(r"https?://", newurl, re.I):
            raise FetchError(f"redirected to a non-http(s) URL ({newurl[:80]})", code)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HttpOnlyRedirects())


def max_age(cache_control: str | None) -> int | None:
    """Seconds of Cache-Control's max-age (s-maxage ignored: we are not a shared cache)."""
    m = re.search(r"(?:^|[,\s])max-age\s*=\s*\"?(\d{1,9})", cache_control or "", re.I)
    return int(m[1]) if m else None


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date), or None."""
    value = (value or "").strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def fetch(url: str, *, etag: str | None = None, last_modified: str | None = None,
          timeout: float = 10.0, max_bytes: int = 5_000_000) -> Fetched:
    """GET `url` politely (see the module docstring); FetchError on any failure."""
    if not re.match(r"https?://", url, re.I):
        raise FetchError("only http:// and https:// URLs can be followed")
    headers = {"User-Agent": USER_AGENT, "Accept": "text/html, application/ld+json, application/json, "
               "text/plain;q=0.8, */*;q=0.1"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    deadline = time.monotonic() + timeout
    try:
        with _OPENER.open(urllib.request.Request(url, headers=headers), timeout=timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"the page is larger than {max_bytes} bytes", response.status)
            chunks, size = [], 0
            while chunk := response.read(_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(f"the page is larger than {max_bytes} bytes", response.status)
                if time.monotonic() > deadline:
                    raise FetchError(f"timed out after {timeout:g} s", response.status)
                chunks.append(chunk)
            return Fetched(response.status, b"".join(chunks), response.headers.get("ETag"),
                           response.headers.get("Last-Modified"), max_age(response.headers.get("Cache-Control")))
    except urllib.error.HTTPError as exc:
        with exc:
            if exc.code == 304:
                return Fetched(304, max_age=max_age(exc.headers.get("Cache-Control")))
            raise FetchError(f"HTTP {exc.code} {exc.reason}", exc.code,
                             retry_after(exc.headers.get("Retry-After"))) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            raise FetchError(f"timed out after {timeout:g} s") from None
        raise FetchError(f"cannot reach the page: {reason}") from None
    except TimeoutError:
        raise FetchError(f"timed out after {timeout:g} s") from None
    except (OSError, ValueError, http.client.HTTPException) as exc:
        raise FetchError(f"cannot fetch the page: {exc}") from None
