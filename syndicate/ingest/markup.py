"""schema.org data carried as microdata or RDFa in an HTML page, in JSON-LD's shape.

extruct reads both. Microdata comes back as nested objects already ("@type": "LiveBlogPosting",
plain property names). RDFa comes back expanded: property names are full IRIs
("https://schema.org/headline") and every value is a list of {"@value": ...} or {"@id": ...}.
`structured_data` turns both into what the JSON-LD reader expects: schema.org property names,
a single value where there is one, literals as plain strings, references as {"@id": ...}.
"""
from __future__ import annotations

import logging
import re
from typing import Any

import extruct

log = logging.getLogger(__name__)

_SCHEMA = re.compile(r"^https?://schema\.org/")


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        items = [_plain(v) for v in value]
        return items[0] if len(items) == 1 else items
    if isinstance(value, dict):
        if "@value" in value:
            return value["@value"]
        return {_SCHEMA.sub("", key): _plain(item) for key, item in value.items()}
    return value


def structured_data(html: str, base_url: str | None = None) -> list[Any]:
    """The microdata and RDFa items of an HTML page, shaped like JSON-LD documents."""
    try:
        found = extruct.extract(html, base_url=base_url, syntaxes=["microdata", "rdfa"],
                                uniform=True, errors="ignore")
    except Exception:  # noqa: BLE001 - markup the extractor chokes on simply carries no data
        log.info("ingest: microdata/RDFa could not be read", exc_info=True)
        return []
    items = list(found.get("microdata") or [])
    items += [_plain(node) for node in found.get("rdfa") or []]
    return items
