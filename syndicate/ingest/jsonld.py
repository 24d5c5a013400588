"""schema.org LiveBlogPosting JSON-LD, bare or in an HTML page (ld+json scripts, microdata
or RDFa).

Finding the blog. In an HTML page, microdata and RDFa (read with extruct) are normalised to
JSON-LD's shape (schema.org property names, one value or a list) and searched along with the
ld+json scripts. Every JSON value (all script blocks, `@graph` arrays, lists, nested objects)
is searched for nodes whose `@type` (a string or a list, with or without a schema.org prefix)
includes LiveBlogPosting; with several, the one with the most updates wins. A node that is
only an `{"@id": ...}` reference is replaced by the node with that id, when there is one.

Blog: title = headline or name; language = inLanguage, else the page's `<html lang>`; author = names joined with ", ";
link = url or mainEntityOfPage; status = "ended" when coverageEndTime is before `now`, "live"
when after it, None without one. JSON-LD states no IANA zone, so ParsedBlog.timezone is None.

Updates (liveBlogUpdate, one or a list): a headline equal to the blog's is dropped (publishers
repeat the page's headline on every update); the body is articleBody, else text, else
description, cleaned when it contains tags, otherwise unescaped and turned into paragraphs. `image`
and `video` (URLs or ImageObject/VideoObject) become photos and videos; a list of bare image
URLs is one picture in several crops and gives one photo. Only http(s) URLs are kept. An image
that is the page's own lead image (the blog's `image`, or one image carried by every update of
three or more) is not an entry's photo; a video with neither a URL nor a caption (only a
thumbnail) is dropped.

Times are ISO 8601 (or RFC 2822); naive ones are in `timezone`; unreadable ones count as
missing. published = datePublished, else dateModified, else the blog's datePublished or
coverageStartTime, else `now` (the fallbacks set time_known=False). updated = dateModified when
not before published. Entries are returned newest first. Updates that share a published time
keep the page's order as the text importer does: reading up from the oldest of them, each goes
one second after the one below (pages list newest first, unless their distinct times rise).

Ids: source_id = the update's `@id`, else its `url` when that has a #fragment, else "sha1:" and
a hash of datePublished and headline as written (plus the body when both are missing). An
@id or url shared by several updates identifies none of them, so those get the hash; a hash
that still repeats gets "~2", "~3" in document order.
"""
from __future__ import annotations

import email.utils
import hashlib
import html as htmllib
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from html.parser import HTMLParser
from itertools import pairwise
from typing import Any

import dateutil.parser

from ..model import Media, ParsedBlog, ParsedEntry
from ..sanitize import clean_html, html_to_text, text_to_html
from ..timeutil import UTC, ensure_utc
from ..validate import LANGUAGE
from .detect import IngestError
from .markup import structured_data

_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_MARKUP = re.compile(_TAG.pattern + r"|&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")
_WRAPPERS = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?://\s*\]\]>|\]\]>|-->)\s*$")


def safe_url(value: Any) -> str:
    """`value` when it is an absolute http(s) URL or a relative one, "" otherwise."""
    url = value.strip() if isinstance(value, str) else ""
    scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", url)
    return url if not scheme or scheme[1].lower() in ("http", "https") else ""


def _loads(text: str) -> Any:
    try:
        return json.loads(text, strict=False)  # strict=False: raw newlines inside strings
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise IngestError(f"jsonld: malformed JSON at {where}: {exc.msg}") from None
    except RecursionError:
        raise IngestError("jsonld: JSON nested too deeply") from None


class _Scripts(HTMLParser):
    """Collects the raw text of `<script type="application/ld+json">` elements (the standard
    library's parser: lenient, and it passes script content through untouched), and the
    page's `<html lang>`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.lang = ""
        self._open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html" and not self.lang:
            self.lang = (dict(attrs).get("lang") or "").strip()
        if tag == "script":
            kind = (dict(attrs).get("type") or "").split(";")[0].strip().lower()
            self._open = [] if kind == "application/ld+json" else None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._open is not None:
            self.blocks.append("".join(self._open))
            self._open = None


def _documents(text: str) -> tuple[list[Any], str]:
    """The JSON documents in `text` (itself, or every readable ld+json script of a page, then
    its microdata and RDFa items), and the page's `<html lang>` ("" when none)."""
    if text.lstrip()[:1] != "<":
        return [_loads(text)], ""
    reader = _Scripts()
    try:
        reader.feed(text)
        reader.close()
    except (AssertionError, ValueError):  # older parsers assert on some malformed markup
        raise IngestError("jsonld: the HTML page could not be read") from None
    scripts = reader.blocks
    documents = []
    for script in scripts:
        try:
            documents.append(_loads(_WRAPPERS.sub("", script.strip())))
        except IngestError:
            continue  # one broken block must not hide the others
    documents += structured_data(text)
    if not documents:
        found = f"{len(scripts)} unreadable" if scripts else "no"
        raise IngestError(f"jsonld: no LiveBlogPosting found ({found} ld+json scripts, "
                          "and no microdata or RDFa, in the HTML page)")
    return documents, reader.lang


def _nodes(value: Any) -> Iterator[dict]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))


def _is_type(node: dict, name: str) -> bool:
    types = node.get("@type")
    types = types if isinstance(types, list) else [types]
    return any(isinstance(t, str) and re.split(r"[/:#]", t)[-1] == name for t in types)


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def _text(value: Any) -> str:
    """Plain text of a JSON-LD value (a string, a number, {"@value"}/{"name"}, or a list)."""
    if isinstance(value, list):
        return next((t for t in map(_text, value) if t), "")
    if isinstance(value, dict):
        return _text(value.get("@value") or value.get("name"))
    if isinstance(value, bool) or value is None:
        return ""
    text = str(value).strip()
    return html_to_text(clean_html(text)) if _MARKUP.search(text) else " ".join(text.split())


def _same(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _names(value: Any) -> str:
    names = [_text(v) for v in _as_list(value)]
    return ", ".join(dict.fromkeys(n for n in names if n))


def _url(value: Any) -> str:
    if isinstance(value, list):
        return next((u for u in map(_url, value) if u), "")
    if isinstance(value, dict):
        return _url(value.get("url") or value.get("@id") or value.get("contentUrl"))
    return safe_url(value)


def _time(value: Any, assume: str) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return ensure_utc(dateutil.parser.isoparse(value.strip()), assume)
    except (ValueError, OverflowError):
        pass
    try:
        return ensure_utc(email.utils.parsedate_to_datetime(value.strip()), assume)
    except (ValueError, TypeError, OverflowError, IndexError):
        return None


class _Reader:
    """Reads one LiveBlogPosting, resolving @id references against the whole document."""

    def __init__(self, nodes: list[dict], timezone: str, now: datetime) -> None:
        self.index = {n["@id"]: n for n in nodes
                      if isinstance(n.get("@id"), str) and set(n) - {"@id", "@type"}}
        self.timezone, self.now = timezone, now

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict) and set(value) <= {"@id", "@type"}:
            return self.index.get(value.get("@id"), value) if isinstance(value.get("@id"), str) else value
        return value

    def blog(self, node: dict) -> ParsedBlog:
        title = _text(node.get("headline") or node.get("name"))
        language = self.resolve(node.get("inLanguage"))
        if isinstance(language, dict):
            language = language.get("alternateName") or language.get("name")
        end = _time(node.get("coverageEndTime"), self.timezone)
        fallback = _time(node.get("datePublished"), self.timezone) or _time(
            node.get("coverageStartTime"), self.timezone) or self.now
        updates = [u for u in map(self.resolve, _as_list(node.get("liveBlogUpdate"))) if isinstance(u, dict)]
        shared = Counter(_own_id(u) for u in updates)  # an id on several updates identifies none
        seen: set[str] = set()
        entries = [self.entry(u, title, fallback, seen, shared[_own_id(u)] > 1) for u in updates]
        entries = _in_page_order(_without_lead_image(entries, self.lead_images(node)))
        return ParsedBlog(
            title=title, description=_text(node.get("description")), language=_text(language) or None,
            author=_names([self.resolve(a) for a in _as_list(node.get("author"))]),
            link=_url(node.get("url")) or _url(self.resolve(node.get("mainEntityOfPage"))),
            status=None if end is None else "ended" if end <= self.now else "live",
            entries=entries, format="jsonld")

    def entry(self, node: dict, blog_title: str, fallback: datetime, seen: set[str],
              shared_id: bool) -> ParsedEntry:
        headline = _text(node.get("headline") or node.get("name"))
        body = next((v for v in (node.get(k) for k in ("articleBody", "text", "description"))
                     if isinstance(v, str) and v.strip()), "")
        html = clean_html(body if _TAG.search(body) else text_to_html(htmllib.unescape(body)))
        published = _time(node.get("datePublished"), self.timezone)
        modified = _time(node.get("dateModified"), self.timezone)
        return ParsedEntry(
            published=published or modified or fallback,
            updated=modified if modified and modified >= (published or modified) else None,
            headline="" if _same(headline, blog_title) else headline,
            html=html, media=tuple(self.media(node)), time_known=published is not None,
            source_id=_source_id(node, headline, body, seen, shared_id))

    def lead_images(self, node: dict) -> set[str]:
        """URLs of the page's own image (the blog's `image`)."""
        return {_url(self.resolve(item)) for item in _as_list(node.get("image"))} - {""}

    def media(self, node: dict) -> Iterator[Media]:
        for kind, key in (("photo", "image"), ("video", "video")):
            bare_seen = False  # bare URLs are crops or encodings of one item
            for item in map(self.resolve, _as_list(node.get(key))):
                if isinstance(item, dict):
                    authors = _as_list(item.get("author") or item.get("copyrightHolder"))
                    media = Media(
                        kind=kind,
                        caption=_text(item.get("caption") or item.get("description") or item.get("name")),
                        credit=_text(item.get("creditText")) or _names([self.resolve(a) for a in authors]),
                        url=_url(item.get("contentUrl") or item.get("embedUrl") or item.get("url")))
                    if kind == "video" and not (media.url or media.caption):
                        continue  # only a thumbnail: nothing to show or say
                    yield media
                elif safe_url(item) and not bare_seen:
                    bare_seen = True
                    yield Media(kind=kind, url=safe_url(item))


def _without_lead_image(entries: list[ParsedEntry], lead: set[str]) -> list[ParsedEntry]:
    """Drop photos that are the page's lead image: the blog's own `image`, or one image every
    update carries (three or more updates, so two that share a picture keep it)."""
    photos = [{m.url for m in e.media if m.kind == "photo" and m.url} for e in entries]
    if len(entries) >= 3:
        lead = lead | set.intersection(*photos)
    if not lead:
        return entries
    return [replace(e, media=tuple(m for m in e.media if not (m.kind == "photo" and m.url in lead)))
            for e in entries]


def _in_page_order(entries: list[ParsedEntry]) -> list[ParsedEntry]:
    """Newest first; updates sharing a published time keep the page's order. Reading from the
    oldest of a run of equal times, each goes one second after the one below it."""
    stamps = list(dict.fromkeys(e.published for e in entries))
    rising = sum(a < b for a, b in pairwise(stamps)) > sum(a > b for a, b in pairwise(stamps))
    newest_first = list(reversed(entries)) if rising else entries  # page order, newest first
    runs = Counter(e.published for e in entries)
    below: Counter[datetime] = Counter()
    placed: list[ParsedEntry] = []
    for entry in reversed(newest_first):  # oldest first
        at = entry.published
        if runs[at] > 1:
            moved = at + timedelta(seconds=below[at])
            placed.append(replace(entry, published=moved,
                                  updated=max(entry.updated, moved) if entry.updated else None))
            below[at] += 1
        else:
            placed.append(entry)
    # reversed() is not redundant: the sort is stable, so it decides the order of equal times
    return sorted(reversed(placed), key=lambda e: e.published, reverse=True)  # noqa: C414


def _own_id(node: dict) -> str | None:
    """The update's @id, or its url when that has a #fragment."""
    if isinstance(node.get("@id"), str) and node["@id"].strip():
        return node["@id"].strip()
    url = node["url"].strip() if isinstance(node.get("url"), str) else ""
    return url if url.partition("#")[2] else None


def _source_id(node: dict, headline: str, body: str, seen: set[str], shared_id: bool) -> str:
    sid = None if shared_id else _own_id(node)
    if sid is None:
        stamp = node.get("datePublished") if isinstance(node.get("datePublished"), str) else ""
        basis = f"{stamp}|{headline}" + ("" if stamp or headline else f"|{body}")
        sid = "sha1:" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:20]
    unique, n = sid, 1
    while unique in seen:
        n += 1
        unique = f"{sid}~{n}"
    seen.add(unique)
    return unique


def parse_jsonld(text: str, *, timezone: str = "UTC", language: str | None = None,
                 now: datetime | None = None) -> ParsedBlog:
    """Parse a LiveBlogPosting from JSON-LD or an HTML page (see the module docstring)."""
    documents, page_language = _documents(text)
    nodes = [node for document in documents for node in _nodes(document)]
    blogs = [node for node in nodes if _is_type(node, "LiveBlogPosting")]
    if not blogs:
        where = " (in the page's JSON-LD, microdata or RDFa)" if text.lstrip()[:1] == "<" else ""
        raise IngestError(f"jsonld: no LiveBlogPosting found{where}")
    reader = _Reader(nodes, timezone, now or datetime.now(UTC))
    blog = reader.blog(max(blogs, key=lambda b: len(_as_list(b.get("liveBlogUpdate")))))
    if not blog.language and LANGUAGE.match(page_language):
        blog.language = page_language
    return blog
