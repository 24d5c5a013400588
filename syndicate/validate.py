"""Checks on what clients send, turning JSON into typed field values.

Every failure is an `InvalidInput` naming the field, so the API can answer 400 (or 413 for
sizes) with a message a person can act on. Nothing here touches the store.
"""
from __future__ import annotations

import re
from typing import Any, Mapping

from .model import BLOG_STATUSES, MEDIA_KINDS, Media
from .sanitize import clean_html, html_to_text, text_to_html
from .timeutil import is_zone, parse_datetime

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")  # BCP 47, loosely
URL = re.compile(r"^https?://[^\s]+$")
MAX_SHORT = 500
MAX_DESCRIPTION = 4000

BLOG_KEYS = {"slug", "title", "description", "language", "timezone", "author", "link", "status",
             "owner_name", "owner_email"}
EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
ENTRY_KEYS = {"published", "headline", "html", "text", "media", "key_event", "pinned"}


class InvalidInput(ValueError):
    """Bad input; `status` is the HTTP status it deserves (400 or 413)."""

    def __init__(self, message: str, field: str | None = None, status: int = 400,
                 code: str = "invalid") -> None:
        super().__init__(message)
        self.message, self.field, self.status, self.code = message, field, status, code


def _object(body: Any) -> Mapping[str, Any]:
    if not isinstance(body, dict):
        raise InvalidInput("the body must be a JSON object", code="bad_json")
    return body


def _unknown(body: Mapping[str, Any], allowed: set[str]) -> None:
    extra = sorted(set(body) - allowed)
    if extra:
        raise InvalidInput(f"unknown field {extra[0]!r}; allowed: {', '.join(sorted(allowed))}", extra[0])


def _string(body: Mapping[str, Any], name: str, limit: int = MAX_SHORT, *, required: bool = False) -> str:
    value = body.get(name)
    if value is None:
        if required:
            raise InvalidInput(f"{name} is required", name)
        return ""
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be a string", name)
    value = value.strip()
    if required and not value:
        raise InvalidInput(f"{name} must not be empty", name)
    if len(value) > limit:
        raise InvalidInput(f"{name} is longer than {limit} characters", name, 413, "too_large")
    return value


def _bool(body: Mapping[str, Any], name: str) -> bool:
    value = body[name]
    if not isinstance(value, bool):
        raise InvalidInput(f"{name} must be true or false", name)
    return value


def blog_fields(body: Any, *, creating: bool) -> dict[str, Any]:
    """Validated blog fields from a POST (all required ones present) or a PATCH (any subset)."""
    body = _object(body)
    _unknown(body, BLOG_KEYS if creating else BLOG_KEYS - {"slug"})
    out: dict[str, Any] = {}
    if creating:
        slug = body.get("slug")
        if not isinstance(slug, str) or not SLUG.match(slug):
            raise InvalidInput("slug must be 1-80 lowercase letters, digits and inner hyphens", "slug")
        out["slug"] = slug
    if creating or "title" in body:
        out["title"] = _string(body, "title", required=True)
    for name, limit in (("description", MAX_DESCRIPTION), ("author", MAX_SHORT), ("owner_name", MAX_SHORT)):
        if name in body:
            out[name] = _string(body, name, limit)
    if "owner_email" in body:
        out["owner_email"] = email(_string(body, "owner_email"), "owner_email")
    if "language" in body:
        out["language"] = language(body["language"])
    if "timezone" in body:
        out["timezone"] = timezone(body["timezone"])
    if "link" in body:
        link = _string(body, "link", 2000)
        if link and not URL.match(link):
            raise InvalidInput("link must be an http(s) URL", "link")
        out["link"] = link
    if "status" in body:
        if body["status"] not in BLOG_STATUSES:
            raise InvalidInput(f"status must be one of: {', '.join(BLOG_STATUSES)}", "status")
        out["status"] = body["status"]
    return out


def email(value: str, field: str) -> str:
    """An e-mail address ("" allowed: not set)."""
    if value and not EMAIL.match(value):
        raise InvalidInput(f"{field} must be an e-mail address such as news@example.org", field)
    return value


def language(value: Any) -> str:
    if not isinstance(value, str) or not LANGUAGE.match(value):
        raise InvalidInput("language must be a BCP 47 tag such as 'en' or 'vi'", "language")
    return value


def timezone(value: Any) -> str:
    if not isinstance(value, str) or not is_zone(value):
        raise InvalidInput("timezone must be an IANA zone such as 'Asia/Ho_Chi_Minh'", "timezone")
    return value


def media_items(value: Any) -> list[Media]:
    if not isinstance(value, list):
        raise InvalidInput("media must be a list", "media")
    items = []
    for item in value:
        if not isinstance(item, dict):
            raise InvalidInput("each media item must be an object", "media")
        _unknown(item, {"kind", "caption", "credit", "url"})
        kind = item.get("kind", "photo")
        if kind not in MEDIA_KINDS:
            raise InvalidInput(f"media kind must be one of: {', '.join(MEDIA_KINDS)}", "media")
        url = _string(item, "url", 2000)
        if url and not URL.match(url):
            raise InvalidInput("media url must be an http(s) URL", "media")
        items.append(Media(kind=kind, caption=_string(item, "caption", 2000),
                           credit=_string(item, "credit"), url=url))
    if len(items) > 50:
        raise InvalidInput("at most 50 media items", "media", 413, "too_large")
    return items


def entry_fields(body: Any, *, creating: bool, max_chars: int) -> dict[str, Any]:
    """Validated entry fields. `html` is sanitised; `text` given alone becomes paragraphs."""
    body = _object(body)
    _unknown(body, ENTRY_KEYS)
    out: dict[str, Any] = {}
    if "published" in body and body["published"] is not None:
        try:
            out["published"] = parse_datetime(body["published"])
        except ValueError as exc:
            raise InvalidInput(f"published: {exc}; use RFC 3339, e.g. 2026-02-26T08:30:00+07:00",
                               "published") from exc
    if "headline" in body:
        out["headline"] = _string(body, "headline")
    if "html" in body or "text" in body:
        source = "html" if body.get("html") is not None else "text"
        raw = _string(body, source, max_chars * 4)
        html = clean_html(raw) if source == "html" else text_to_html(raw)
        text = html_to_text(html)
        if len(text) > max_chars:
            raise InvalidInput(f"the entry is longer than {max_chars} characters", source, 413, "too_large")
        out["html"], out["text"] = html, text
    if "media" in body:
        out["media"] = media_items(body["media"])
    for name in ("key_event", "pinned"):
        if name in body:
            out[name] = _bool(body, name)
    if creating:
        require_content(out.get("headline"), out.get("text"), out.get("media"))
    return out


def require_content(headline: str | None, text: str | None, media: Any) -> None:
    """An entry must say something: a headline, text or media (a PATCH may not empty one)."""
    if not (headline or text or media):
        raise InvalidInput("an entry needs a headline, text or media", "text")
