"""Errors as JSON `{"error", "message", "field"?}` under /api, and as short text elsewhere.

No request ever answers with a traceback: unexpected exceptions are logged and become a
plain 500 without details.
"""
from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from ..ingest import IngestError
from ..store import Conflict, NotFound
from ..validate import InvalidInput

log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


def error_response(status: int, code: str, message: str, field: str | None = None) -> Response:
    if request.path.startswith("/api"):
        body = {"error": code, "message": message}
        if field:
            body["field"] = field
        response = jsonify(body)
    else:
        response = Response(f"{status} {message}\n", mimetype="text/plain")
    response.status_code = status
    return response


_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
          405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
          416: "range_not_satisfiable"}


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api(exc: ApiError) -> Response:
        response = error_response(exc.status, exc.code, exc.message, exc.field)
        if exc.status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="syndicate"'
        return response

    @app.errorhandler(InvalidInput)
    def _invalid(exc: InvalidInput) -> Response:
        return error_response(exc.status, exc.code, exc.message, exc.field)

    @app.errorhandler(IngestError)
    def _ingest(exc: IngestError) -> Response:
        return error_response(400, "bad_import", str(exc))

    @app.errorhandler(NotFound)
    def _missing(exc: NotFound) -> Response:
        return error_response(404, "not_found", str(exc).removeprefix("store: "))

    @app.errorhandler(Conflict)
    def _conflict(exc: Conflict) -> Response:
        return error_response(409, "conflict", str(exc).removeprefix("store: "))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        if exc.code == 413:
            limit = app.config["MAX_REQUEST_BYTES"]
            return error_response(413, "too_large", f"the request body is larger than {limit} bytes")
        response = error_response(exc.code or 500, _CODES.get(exc.code or 500, "error"), exc.description or exc.name)
        if exc.code == 405 and exc.response is None:
            response.headers["Allow"] = ", ".join(getattr(exc, "valid_methods", None) or [])
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(500, "internal", "something went wrong on our side; it has been logged")
