"""What the request handlers share: the app's services and the URL builder."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app

from ..config import Settings
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
    settings: Settings


def services() -> Services:
    return current_app.extensions["syndicate"]


def links() -> Links:
    """URLs rooted at the configured public URL (never the request's Host header)."""
    return services().publisher.links
