"""The rules for what may be stored, declared once, with the checks and the JSON Schema made
from the same declarations.

Every way into the store meets these rules: the API turns JSON into typed values with
`blog_fields` / `entry_fields`; the newsroom checks every value it is given with `check_blog`
/ `check_entry` (so the CLI, the importers and anything added later cannot skip them); imports
are cleaned with `imported_blog` / `imported_entry`, which drop or shorten what a source got
wrong instead of refusing the whole import. `schemas` gives the same rules as JSON Schema for
the OpenAPI document.

Every failure is an `InvalidInput` naming the field, so the API can answer 400 (or 413 for
sizes) with a message a person can act on. Nothing here touches the store.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .model import BLOG_STATUSES, MEDIA_KINDS, Media
from .sanitize import clean_html, html_to_text, text_to_html
from .timeutil import EARLIEST, LATEST, ensure_utc, is_zone, zone_names

# Patterns are written once, without anchors, in the syntax Python and JSON Schema (ECMA-262)
# share; Python uses them with fullmatch, the schema with `whole` (not `$`, which in Python,
# and so in Python's schema validators, lets a final newline through).
SLUG_PATTERN = r"[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?"
LANGUAGE_PATTERN = r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*"  # BCP 47, loosely
# Characters no feed can carry (XML 1.0 forbids them). Lone surrogates (U+D800-U+DFFF) are
# refused too, but only by the checks: they are not Unicode scalar values, so no JSON Schema
# pattern can name them (and no conforming JSON string holds them).
_FORBIDDEN = r"\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff"
_SURROGATES = r"\ud800-\udfff"
# What counts as white space: ECMA-262's set, so that the schema's patterns and the checks
# agree on every character.
WHITESPACE = "\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
             "\u2028\u2029\u202f\u205f\u3000\ufeff"
_WS_CLASS = r"\t\n\x0b\x0c\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_NOT_IN_ADDRESS = r'@<>"\x00-\x1f\x7f' + _WS_CLASS
EMAIL_PATTERN = rf"[^{_NOT_IN_ADDRESS}]+@[^{_NOT_IN_ADDRESS}.]+(?:\.[^{_NOT_IN_ADDRESS}.]+)+"
WHITESPACE_CLASS = _WS_CLASS  # for patterns of other modules
URL_PATTERN = r"https?://[^" + _WS_CLASS + r"\x00-\x1f\x7f\ufffe\uffff]+"
TEXT_PATTERN = r"[^" + _FORBIDDEN + r"]*"
NONBLANK_PATTERN = TEXT_PATTERN + r"[^" + _FORBIDDEN + _WS_CLASS + r"]" + TEXT_PATTERN
# RFC 3339 with the years a live blog may have (the format itself is JSON Schema's date-time).
TIME_PATTERN = (r"(?:19\d\d|2[01]\d\d|2200)-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
                r"T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)")

# Anchored at the end too, so that .match (not only .fullmatch) takes the whole value.
SLUG = re.compile(rf"(?:{SLUG_PATTERN})\Z")
LANGUAGE = re.compile(rf"(?:{LANGUAGE_PATTERN})\Z")
URL = re.compile(rf"(?:{URL_PATTERN})\Z")
_BAD_CHAR = re.compile(f"[{_FORBIDDEN}{_SURROGATES}]")
_NONBLANK = re.compile(f"[^{_WS_CLASS}]")
_TIME = re.compile(TIME_PATTERN)

MAX_SHORT = 500
MAX_DESCRIPTION = 4000
MAX_CAPTION = 2000
MAX_URL = 2000
MAX_MEDIA = 50


def whole(pattern: str) -> str:
    """A JSON Schema pattern matching all of a string: end of input is where no character
    follows, in ECMA-262 and in Python alike."""
    return f"^(?:{pattern})(?![\\s\\S])"


class InvalidInput(ValueError):
    """Bad input; `status` is the HTTP status it deserves (400 or 413)."""

    def __init__(self, message: str, field: str | None = None, status: int = 400,
                 code: str = "invalid") -> None:
        super().__init__(message)
        self.message, self.field, self.status, self.code = message, field, status, code


# -- declarations -----------------------------------------------------------------------

@dataclass(frozen=True)
class Text:
    """A string field: at most `limit` characters, none that feeds cannot carry, not blank
    when `required`, matching `pattern` (all of it) when given. Stored without surrounding
    white space."""

    limit: int
    required: bool = False
    pattern: str | None = None  # in the syntax Python and JSON Schema share, unanchored
    hint: str = ""  # what a value must look like, for the message
    description: str = ""

    def check(self, name: str, value: Any) -> str:
        if not isinstance(value, str):
            raise InvalidInput(f"{name} must be a string", name)
        if len(value) > self.limit:
            raise InvalidInput(f"{name} is longer than {self.limit} characters", name, 413, "too_large")
        bad = _BAD_CHAR.search(value)
        if bad:
            raise InvalidInput(f"{name} holds a character feeds cannot carry "
                               f"(U+{ord(bad[0]):04X} at {bad.start()})", name)
        if self.required and not _NONBLANK.search(value):
            raise InvalidInput(f"{name} must not be empty", name)
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            raise InvalidInput(f"{name} must be {self.hint}", name)
        return value.strip(WHITESPACE)

    def schema(self) -> dict[str, Any]:
        pattern = self.pattern if self.pattern is not None else (
            NONBLANK_PATTERN if self.required else TEXT_PATTERN)
        out: dict[str, Any] = {"type": "string", "maxLength": self.limit, "pattern": whole(pattern)}
        if self.required:
            out["minLength"] = 1
        if self.description or self.hint:
            out["description"] = self.description or self.hint
        return out


@dataclass(frozen=True)
class Choice:
    """One of a fixed list of values (the list may be computed, e.g. the known time zones)."""

    values: Callable[[], Any]
    hint: str
    ref: str | None = None  # name of a shared schema, for long lists

    def check(self, name: str, value: Any) -> Any:
        if not isinstance(value, str) or value not in self.values():
            raise InvalidInput(f"{name} must be {self.hint}", name)
        return value

    def schema(self) -> dict[str, Any]:
        if self.ref:
            return {"$ref": f"#/components/schemas/{self.ref}"}
        return {"enum": list(self.values()), "description": self.hint}


@dataclass(frozen=True)
class Flag:
    def check(self, name: str, value: Any) -> bool:
        if not isinstance(value, bool):
            raise InvalidInput(f"{name} must be true or false", name)
        return value

    def schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


class _Zones:
    """Known IANA zones: membership asks zoneinfo only about names of a sane shape."""

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and is_zone(name)

    def __iter__(self) -> Iterator[str]:
        return iter(zone_names())


SLUG_HINT = "1-80 lowercase letters, digits and inner hyphens"
BLOG: dict[str, Text | Choice] = {
    "slug": Text(80, pattern=SLUG_PATTERN, hint=SLUG_HINT),
    "title": Text(MAX_SHORT, required=True),
    "description": Text(MAX_DESCRIPTION),
    "language": Text(35, pattern=LANGUAGE_PATTERN, hint="a BCP 47 tag such as 'en' or 'vi'"),
    "timezone": Choice(_Zones, "an IANA zone such as 'Asia/Ho_Chi_Minh'", ref="TimeZone"),
    "author": Text(MAX_SHORT),
    "link": Text(MAX_URL, pattern=f"(?:{URL_PATTERN})?", hint="an http(s) URL or empty"),
    "status": Choice(lambda: BLOG_STATUSES, f"one of: {', '.join(BLOG_STATUSES)}"),
    # The podcast's owner (itunes:owner); empty: the service's PODCAST_OWNER_* settings.
    "owner_name": Text(MAX_SHORT),
    "owner_email": Text(MAX_SHORT, pattern=f"(?:{EMAIL_PATTERN})?",
                        hint="an e-mail address such as news@example.org, or empty"),
}
MEDIA: dict[str, Text | Choice] = {
    "kind": Choice(lambda: MEDIA_KINDS, f"one of: {', '.join(MEDIA_KINDS)}"),
    "caption": Text(MAX_CAPTION),
    "credit": Text(MAX_SHORT),
    "url": Text(MAX_URL, pattern=f"(?:{URL_PATTERN})?", hint="an http(s) URL or empty"),
}
ENTRY_FLAGS = ("key_event", "pinned")
BLOG_KEYS = set(BLOG)
ENTRY_KEYS = {"published", "headline", "html", "text", "media", *ENTRY_FLAGS}
_BACKGROUND = Text(20_000)  # imported pages' closing paragraphs (not writable through the API)


def _entry_texts(max_chars: int) -> dict[str, Text]:
    return {
        "headline": Text(MAX_SHORT),
        "html": Text(max_chars * 4, description=f"sanitised on input; at most {max_chars} characters of text"),
        "text": Text(max_chars, description="plain text, used when html is absent"),
    }


# -- JSON from clients ------------------------------------------------------------------

def parse_json(data: bytes) -> Any:
    """A request body as JSON; InvalidInput `bad_json` when it is not UTF-8 JSON (or is
    nested too deeply to read)."""
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"the body is not UTF-8 (bad byte at {exc.start})", code="bad_json") from None
    except RecursionError:
        raise InvalidInput("the body is nested too deeply", code="bad_json") from None
    except ValueError as exc:
        raise InvalidInput(f"the body is not valid JSON: {exc}" if data else "the body is empty",
                           code="bad_json") from None


def _object(body: Any) -> Mapping[str, Any]:
    if not isinstance(body, dict):
        raise InvalidInput("the body must be a JSON object", code="bad_json")
    return body


def _unknown(body: Mapping[str, Any], allowed: set[str], where: str | None = None) -> None:
    extra = sorted(set(body) - allowed)
    if extra:
        raise InvalidInput(f"unknown field {extra[0]!r}; allowed: {', '.join(sorted(allowed))}",
                           where or extra[0])


def blog_fields(body: Any, *, creating: bool) -> dict[str, Any]:
    """Validated blog fields from a POST (all required ones present) or a PATCH (any subset)."""
    body = _object(body)
    _unknown(body, BLOG_KEYS if creating else BLOG_KEYS - {"slug"})
    for name in ("slug", "title") if creating else ():
        if name not in body:
            raise InvalidInput(f"{name} is required", name)
    return {name: BLOG[name].check(name, body[name]) for name in BLOG if name in body}



def language(value: Any) -> str:
    """`value` when it is a language tag (BCP 47, loosely); InvalidInput otherwise."""
    return BLOG["language"].check("language", value)


def timezone(value: Any) -> str:
    """`value` when it is a known IANA zone; InvalidInput otherwise (never an OSError)."""
    return BLOG["timezone"].check("timezone", value)


def slug(value: Any, name: str = "slug") -> str:
    """`value` when it is a slug; InvalidInput naming `name` otherwise."""
    return Text(80, pattern=SLUG_PATTERN, hint=SLUG_HINT).check(name, value)


def media_items(value: Any) -> list[Media]:
    if not isinstance(value, list):
        raise InvalidInput("media must be a list", "media")
    if len(value) > MAX_MEDIA:
        raise InvalidInput(f"at most {MAX_MEDIA} media items", "media", 413, "too_large")
    items = []
    for item in value:
        if not isinstance(item, dict):
            raise InvalidInput("each media item must be an object", "media")
        _unknown(item, set(MEDIA), "media")
        try:
            fields = {name: rule.check(name, item[name]) for name, rule in MEDIA.items() if name in item}
        except InvalidInput as exc:
            raise InvalidInput(f"media: {exc.message}", "media", exc.status, exc.code) from None
        if not (fields.get("caption") or fields.get("url")):
            raise InvalidInput("each media item needs a caption or a url", "media")
        items.append(Media(**fields))
    return items


def _published(value: Any) -> datetime:
    if not isinstance(value, str) or not _TIME.fullmatch(value):
        raise InvalidInput("published must be an RFC 3339 time between the years "
                           f"{EARLIEST} and {LATEST}, e.g. 2026-02-26T08:30:00+07:00", "published")
    try:
        return ensure_utc(datetime.fromisoformat(value))  # refuses what the pattern cannot (Feb 30)
    except ValueError as exc:
        raise InvalidInput(f"published: {exc}; use RFC 3339, e.g. 2026-02-26T08:30:00+07:00",
                           "published") from None


def entry_fields(body: Any, *, creating: bool, max_chars: int) -> dict[str, Any]:
    """Validated entry fields. `html` is sanitised; `text` given alone becomes paragraphs."""
    body = _object(body)
    _unknown(body, ENTRY_KEYS)
    texts = _entry_texts(max_chars)
    out: dict[str, Any] = {}
    if body.get("published") is not None:
        out["published"] = _published(body["published"])
    if "headline" in body:
        out["headline"] = texts["headline"].check("headline", body["headline"])
    given = {name: texts[name].check(name, body[name]) for name in ("html", "text") if name in body}
    if given:
        # html wins, unless it is blank and text is given
        source = "html" if given.get("html") or "text" not in given else "text"
        html = clean_html(given[source]) if source == "html" else text_to_html(given[source])
        text = html_to_text(html)
        if len(text) > max_chars:
            raise InvalidInput(f"the entry is longer than {max_chars} characters", source, 413, "too_large")
        out["html"], out["text"] = html, text
    if "media" in body:
        out["media"] = media_items(body["media"])
    for name in ENTRY_FLAGS:
        if name in body:
            out[name] = Flag().check(name, body[name])
    if creating:
        require_content(out.get("headline"), out.get("text"), out.get("media"))
    return out


def require_content(headline: str | None, text: str | None, media: Any) -> None:
    """An entry must say something: a headline, text or media (a PATCH may not empty one)."""
    if not (headline or text or media):
        raise InvalidInput("an entry needs a headline, text or media", "text")


# -- the store's gate: typed values, from any caller ------------------------------------

def check_blog(values: Mapping[str, Any]) -> None:
    """InvalidInput unless every blog field in `values` keeps to the rules (as the API's)."""
    for name, value in values.items():
        rule = BLOG.get(name, _BACKGROUND if name == "background" else None)
        if rule is not None:
            rule.check(name, value)


def check_entry(values: Mapping[str, Any], *, max_chars: int) -> None:
    """InvalidInput unless every entry field in `values` keeps to the rules (as the API's)."""
    texts = _entry_texts(max_chars)
    for name in ("headline", "html", "text"):
        if values.get(name) is not None:
            texts[name].check(name, values[name])
    if len(values.get("text") or "") > max_chars:
        raise InvalidInput(f"the entry is longer than {max_chars} characters", "text", 413, "too_large")
    for name in ("published", "updated"):
        value = values.get(name)
        if value is not None and not (isinstance(value, datetime) and value.tzinfo is not None
                                      and EARLIEST <= value.year <= LATEST):
            raise InvalidInput(f"{name} must be an aware time between {EARLIEST} and {LATEST}", name)
    media = values.get("media")
    if media is not None:
        media_items([m.to_json() if isinstance(m, Media) else m for m in media])
    for name in ENTRY_FLAGS:
        if name in values:
            Flag().check(name, values[name])


# -- imports: what a source got wrong is dropped or shortened ---------------------------

def clean_text(value: str) -> str:
    """`value` without the characters feeds cannot carry."""
    return _BAD_CHAR.sub("", value)


def imported_blog(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Blog fields from an import, made to keep the rules: characters feeds cannot carry are
    removed, over-long text is shortened, and a field that still breaks a rule (a link that is
    not http(s), an unknown language or zone) is left out. Returns the fields and a note for
    field changed or left out: what was done to it."""
    out: dict[str, Any] = {}
    notes: dict[str, str] = {}
    for name, value in values.items():
        rule = BLOG.get(name, _BACKGROUND if name == "background" else None)
        if rule is None or value is None:
            continue
        if isinstance(value, str):
            cleaned = clean_text(value)
            if cleaned != value:
                notes[name] = "characters feeds cannot carry removed"
            if isinstance(rule, Text) and len(cleaned) > rule.limit:
                cleaned = cleaned[:rule.limit]
                notes[name] = f"shortened to {rule.limit} characters"
            value = cleaned
        try:
            out[name] = rule.check(name, value)
        except InvalidInput as exc:
            notes[name] = f"left out ({exc.message})"
    return out, notes


def imported_entry(values: Mapping[str, Any], *, max_chars: int) -> dict[str, Any] | None:
    """An imported entry's values with characters feeds cannot carry removed, or None when it
    breaks a rule (too long, empty, out of range): such entries are skipped."""
    cleaned = dict(values)
    for name in ("headline", "html", "text"):
        if isinstance(cleaned.get(name), str):
            cleaned[name] = clean_text(cleaned[name])
    if cleaned.get("media"):
        # A url that is not an absolute http(s) one (a relative path in a page) is left out.
        media = (Media(kind=m.kind, caption=clean_text(m.caption), credit=clean_text(m.credit),
                       url=m.url if URL.fullmatch(m.url) and len(m.url) <= MAX_URL else "")
                 for m in cleaned["media"])
        cleaned["media"] = [m for m in media if m.caption.strip(WHITESPACE) or m.url]  # the rest say nothing
    try:
        check_entry(cleaned, max_chars=max_chars)
        require_content(cleaned.get("headline"), cleaned.get("text"), cleaned.get("media"))
    except InvalidInput:
        return None
    return cleaned


# -- the same rules as JSON Schema ------------------------------------------------------

def schemas(max_chars: int) -> dict[str, dict[str, Any]]:
    """JSON Schemas of what writes accept: BlogInput, BlogPatch, EntryInput, EntryPatch,
    MediaInput and TimeZone (for the OpenAPI document's components)."""
    blog = {name: rule.schema() for name, rule in BLOG.items()}
    texts = {name: rule.schema() for name, rule in _entry_texts(max_chars).items()}
    media_input = {"type": "object", "additionalProperties": False,
                   "properties": {name: rule.schema() for name, rule in MEDIA.items()},
                   "description": "needs a caption or a url",
                   "anyOf": [{"required": ["caption"], "properties": {"caption": {"pattern": whole(NONBLANK_PATTERN)}}},
                             {"required": ["url"], "properties": {"url": {"minLength": 1}}}]}
    entry = {
        "published": {"type": ["string", "null"], "format": "date-time", "pattern": whole(TIME_PATTERN),
                      "description": "RFC 3339; missing or null: now"},
        **texts,
        "media": {"type": "array", "maxItems": MAX_MEDIA, "items": {"$ref": "#/components/schemas/MediaInput"}},
        **{name: Flag().schema() for name in ENTRY_FLAGS},
    }
    content = [{"required": ["headline"], "properties": {"headline": {"pattern": whole(NONBLANK_PATTERN)}}},
               {"required": ["html"], "properties": {"html": {"pattern": whole(NONBLANK_PATTERN)}}},
               {"required": ["text"], "properties": {"text": {"pattern": whole(NONBLANK_PATTERN)}}},
               {"required": ["media"], "properties": {"media": {"minItems": 1}}}]
    return {
        "BlogInput": {"type": "object", "additionalProperties": False, "required": ["slug", "title"],
                      "properties": blog},
        "BlogPatch": {"type": "object", "additionalProperties": False,
                      "properties": {k: v for k, v in blog.items() if k != "slug"}},
        "EntryInput": {"type": "object", "additionalProperties": False, "properties": entry, "anyOf": content,
                       "description": "needs a headline, text or media (html that cleans to nothing is "
                                      "no text); html is used when both html and text are given"},
        "EntryPatch": {"type": "object", "additionalProperties": False, "properties": entry,
                       "description": "any subset; an entry cannot be left without headline, text and media"},
        "MediaInput": media_input,
        "TimeZone": {"type": "string", "enum": sorted(zone_names()), "description": BLOG["timezone"].hint},
    }
