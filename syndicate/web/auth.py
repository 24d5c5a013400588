"""Bearer-token checks for writes."""
from __future__ import annotations

import functools
import hmac
from collections.abc import Callable

from flask import current_app, request

from .errors import ApiError


def check_token() -> None:
    """401 without a bearer token, 403 with a wrong one; compared in constant time."""
    expected = current_app.config["API_TOKEN"]
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise ApiError(401, "unauthorized", "send the API token as 'Authorization: Bearer <token>'")
    if not expected or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise ApiError(403, "forbidden", "the API token is not valid")


def writer(view: Callable) -> Callable:
    """Decorator for handlers that change data."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        check_token()
        return view(*args, **kwargs)

    return wrapped
