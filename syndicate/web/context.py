"""What the request handlers share: the app's services and the request's URL builder."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, request

from ..links import Links
from ..newsroom import Newsroom
from ..publish import Publisher
from ..store import Store


@dataclass
class Services:
    store: Store
    publisher: Publisher
    newsroom: Newsroom
    config: dict[str, Any]


def services() -> Services:
    return current_app.extensions["syndicate"]


def links() -> Links:
    """URLs from SYNDICATE_BASE_URL, or from the request's own scheme and host (so that a feed's
    self link is the URL it was fetched at)."""
    return Links(current_app.config["BASE_URL"] or request.host_url)
