"""Bearer-token checks for writes."""
from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import current_app, request

from .errors import ApiError

P = ParamSpec("P")
R = TypeVar("R")


def check_token() -> None:
    """401 without a bearer token, 403 with a wrong one; compared in constant time."""
    expected = current_app.config["API_TOKEN"]
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise ApiError(401, "unauthorized", "send the API token as 'Authorization: Bearer <token>'")
    if not expected or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise ApiError(403, "forbidden", "the API token is not valid")


def writer(view: Callable[P, R]) -> Callable[P, R]:
    """Decorator for handlers that change data."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        check_token()
        return view(*args, **kwargs)

    return wrapped
