"""Sending built documents: ETag, Last-Modified, 304s, gzip, and the right headers."""
from __future__ import annotations

from flask import Response, abort, request

from ..documents import Document


def send_document(doc: Document | None, *, max_age: int = 60, headers: dict[str, str] | None = None,
                  links: list[tuple[str, str]] = ()) -> Response:
    """Answer with `doc` (404 when None), honouring If-None-Match / If-Modified-Since and
    Accept-Encoding. The body is never rebuilt here: it was built when the blog changed."""
    if doc is None:
        abort(404)
    use_gzip = doc.compressible and "gzip" in request.accept_encodings
    body = doc.gzipped() if use_gzip else doc.body
    response = Response(body, mimetype=None, content_type=doc.media_type)
    # One ETag per representation, as RFC 9110 asks when the encoding differs.
    response.set_etag(doc.etag + ("-gz" if use_gzip else ""))
    response.last_modified = doc.last_modified
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    if doc.compressible:
        response.vary.add("Accept-Encoding")
        if use_gzip:
            response.content_encoding = "gzip"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    for url, rel in links:
        response.headers.add("Link", f'<{url}>; rel="{rel}"')
    return response.make_conditional(request)
