"""Sending built documents: ETag, Last-Modified, 304s, gzip, and the right headers.

The headers of a document are worked out once per document and representation, and shared by
the Flask route (`send_document`) and the fast path in front of Flask (`fastpath`), so both
answer alike.
"""
from __future__ import annotations

from functools import lru_cache

from flask import Response, abort, request
from werkzeug.http import http_date, parse_accept_header, quote_etag, remove_entity_headers

from .. import views
from ..documents import Document

Headers = tuple[tuple[str, str], ...]
# Sent with the reading pages (no scripts at all: see views.CSP) and with the text version.
PAGE_HEADERS: Headers = (("Content-Security-Policy", views.CSP), ("X-Content-Type-Options", "nosniff"),
                         ("Referrer-Policy", "no-referrer"))
TEXT_HEADERS: Headers = (("X-Content-Type-Options", "nosniff"),)


def feed_headers(hub: str | None, self_url: str) -> Headers:
    """WebSub discovery Link headers (rel="hub" and rel="self") for a feed, when a hub is configured."""
    return (("Link", f"<{hub}>; rel=\"hub\""), ("Link", f"<{self_url}>; rel=\"self\"")) if hub else ()


@lru_cache(maxsize=256)
def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding header value allows gzip (q=0 refuses it)."""
    return parse_accept_header(accept_encoding).quality("gzip") > 0


def document_headers(doc: Document, use_gzip: bool, max_age: int, extra: Headers = ()) -> Headers:
    """Every header of a 200 answer with `doc`, but Content-Length."""
    key = (use_gzip, max_age, extra)
    cached = doc.headers.get(key)
    if cached is None:
        headers = [("Content-Type", doc.media_type),
                   # One ETag per representation, as RFC 9110 asks when the encoding differs.
                   ("ETag", quote_etag(doc.etag + ("-gz" if use_gzip else ""))),
                   ("Last-Modified", http_date(doc.last_modified)),
                   ("Cache-Control", f"public, max-age={max_age}")]
        if doc.compressible:
            headers.append(("Vary", "Accept-Encoding"))
            if use_gzip:
                headers.append(("Content-Encoding", "gzip"))
        cached = doc.headers[key] = (*headers, *extra)
    return cached


def not_modified_headers(headers: Headers) -> Headers:
    """The headers a 304 keeps (no Content-* or Last-Modified), as werkzeug sends them."""
    kept = list(headers)
    remove_entity_headers(kept)
    return tuple(kept)


def send_document(doc: Document | None, *, max_age: int = 60, extra: Headers = ()) -> Response:
    """Answer with `doc` (404 when None), honouring If-None-Match / If-Modified-Since and
    Accept-Encoding. The body is never rebuilt here: it was built when the blog changed."""
    if doc is None:
        abort(404)
    use_gzip = doc.compressible and accepts_gzip(request.headers.get("Accept-Encoding"))
    body = doc.gzipped() if use_gzip else doc.body
    response = Response(body, headers=list(document_headers(doc, use_gzip, max_age, extra)))
    return response.make_conditional(request)
