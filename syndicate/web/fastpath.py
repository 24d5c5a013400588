"""A fast path in front of Flask for the reads that make nearly all of the traffic.

Feed readers and podcast apps poll; screen-reader users reload. Those requests ask for a
document that was built when its blog last changed, so answering them needs a dictionary
lookup, not Flask's request context, routing and Response machinery (about 20 times the cost).
This WSGI middleware answers plain GET and HEAD requests for feeds, pages and the OPML from
the publisher's documents, with the same headers as the Flask routes (see `serving`), and
sends clips (see `clips`). Whatever
it does not fully handle (other methods, query strings, ranges, If-Modified-Since, unknown
paths, missing documents, any error) goes to Flask unchanged.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Iterable

from werkzeug.http import parse_etags
from werkzeug.wsgi import get_host

from ..links import KIND_BY_FILE, Links
from ..validate import SLUG_PATTERN
from .clips import clip_answer
from .serving import (
    PAGE_HEADERS, TEXT_HEADERS, accepts_gzip, document_headers, feed_headers, not_modified_headers,
)

_BLOG_PATH = re.compile(  # used with fullmatch: a final newline is not part of a path
    rf"/blogs/(?P<slug>{SLUG_PATTERN})"
    r"(?:(?P<txt>\.txt)|/(?:page/(?P<page>[1-9][0-9]{0,5})/)?(?P<file>rss\.xml|atom\.xml|feed\.json|podcast\.xml)?)")


class FastPath:
    """WSGI middleware: `app.wsgi_app = FastPath(app.wsgi_app, publisher, config)`."""

    def __init__(self, wsgi_app: Callable, publisher: Any, config: dict[str, Any]) -> None:
        self.next = wsgi_app
        self.publisher = publisher
        self.base_url = config["BASE_URL"]
        self.hub = config["WEBSUB_HUB"]
        self.audio_dir = Path(config["DATA_DIR"]) / "audio"

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        if method not in ("GET", "HEAD") or environ.get("QUERY_STRING"):
            return self.next(environ, start_response)
        path = environ.get("PATH_INFO", "")
        if path.startswith("/audio/"):
            answer = clip_answer(self.audio_dir, path[len("/audio/"):], environ)
            if answer is None:
                return self.next(environ, start_response)
            status, headers, body = answer
            start_response(status, headers)
            return body
        if "HTTP_RANGE" in environ or "HTTP_IF_MODIFIED_SINCE" in environ:
            return self.next(environ, start_response)
        try:
            answer = self._answer(environ)
        except Exception:  # noqa: BLE001 - Flask answers (and logs) properly
            answer = None
        if answer is None:
            return self.next(environ, start_response)
        status, headers, body = answer
        start_response(status, list(headers))
        return [] if method == "HEAD" else [body]

    def _answer(self, environ: dict) -> tuple[str, tuple, bytes] | None:
        path = environ.get("PATH_INFO", "")
        links = Links(self.base_url or f"{environ['wsgi.url_scheme']}://{get_host(environ)}")
        extra: tuple = ()
        if path == "/":
            doc, extra = self.publisher.site_document("index", links), PAGE_HEADERS
        elif path == "/feeds.opml":
            doc = self.publisher.site_document("opml", links)
        else:
            match = _BLOG_PATH.fullmatch(path)
            if match is None:
                return None
            slug, page = match["slug"], int(match["page"] or 1)
            if match["txt"]:
                doc, extra = self.publisher.document(slug, "txt", links), TEXT_HEADERS
            elif match["file"]:
                kind = KIND_BY_FILE[match["file"]]
                doc = self.publisher.document(slug, kind, links, page=page)
                extra = feed_headers(self.hub, links.feed(slug, kind, page))
            else:
                doc, extra = self.publisher.document(slug, "html", links, page=page), PAGE_HEADERS
        if doc is None:
            return None
        use_gzip = doc.compressible and accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING"))
        headers = document_headers(doc, use_gzip, 60, extra)
        etag = doc.etag + ("-gz" if use_gzip else "")
        wanted = environ.get("HTTP_IF_NONE_MATCH")
        if wanted is not None and (wanted == f'"{etag}"' or parse_etags(wanted).contains_weak(etag)):
            return "304 NOT MODIFIED", not_modified_headers(headers), b""
        body = doc.gzipped() if use_gzip else doc.body
        return "200 OK", (*headers, ("Content-Length", str(len(body)))), body
