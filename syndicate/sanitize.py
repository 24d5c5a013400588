"""Entry HTML: cleaned to a small allow-list with nh3, and its plain text."""
from __future__ import annotations

import html as htmllib
import re

import nh3

ALLOWED_TAGS = {
    "p", "br", "a", "strong", "b", "em", "i", "u", "blockquote", "q", "cite",
    "ul", "ol", "li", "h3", "h4", "h5", "h6", "figure", "figcaption", "small", "sub", "sup",
    "abbr", "span", "code", "pre",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "span": {"data-say"},  # how speech should say the span's words; feeds leave it out
    "*": {"lang"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Attributes holding a URL that the cleaner itself does not check (it checks href and src).
URL_ATTRIBUTES = {"cite"}
# How a browser reads a URL's scheme: leading controls and spaces dropped, tabs and newlines
# removed anywhere, letters in any case.
_URL_NOISE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"[\x00-\x20]*([a-zA-Z][a-zA-Z0-9+.\-]*):")

_BLOCK_END = re.compile(r"</(p|li|h[1-6]|blockquote|figcaption|figure|pre|ul|ol)\s*>|<br\s*/?>", re.I)
_TAG = re.compile(r"<[^>]+>")
_SURROGATE = re.compile("[\ud800-\udfff]")  # lone halves: no encoding can carry them
_SPEECH_HINT = re.compile(r'\s+data-say="[^"]*"')  # clean_html always writes attributes in "..."
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANKS = re.compile(r"\n\s*\n+")


def _safe_url(tag: str, attribute: str, value: str) -> str | None:
    """The value of a URL attribute when its scheme is allowed (or it is relative), else None
    (the attribute is dropped): the same rule the cleaner applies to href."""
    if attribute not in URL_ATTRIBUTES:
        return value
    scheme = _SCHEME.match(_URL_NOISE.sub("", value))
    return value if scheme is None or scheme[1].lower() in URL_SCHEMES else None


def clean_html(raw: str) -> str:
    """Return `raw` with everything outside the allow-list removed (scripts and styles with
    their content, event handlers, javascript: and data: URLs)."""
    return nh3.clean(
        _SURROGATE.sub("", raw or ""),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_safe_url,
        clean_content_tags={"script", "style"},
        link_rel="noopener noreferrer nofollow",
    ).strip()


def html_to_text(fragment: str) -> str:
    """Plain text of a (clean) HTML fragment: paragraphs separated by a blank line."""
    text = _BLOCK_END.sub("\n\n", fragment or "")
    text = htmllib.unescape(_TAG.sub("", text))
    text = _SPACES.sub(" ", text)
    lines = [line.strip() for line in text.split("\n")]
    return _BLANKS.sub("\n\n", "\n".join(lines)).strip()


def text_to_html(text: str) -> str:
    """HTML paragraphs for plain text (blank lines separate paragraphs, newlines become <br>)."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return "".join(
        "<p>" + "<br>".join(htmllib.escape(line.strip(), quote=False) for line in p.splitlines()) + "</p>"
        for p in paragraphs
    )


def looks_like_html(text: str) -> bool:
    return bool(re.search(r"<(p|br|a|strong|em|b|i|ul|ol|li|blockquote|div|span|h\d)\b", text or "", re.I))


def without_speech_hints(fragment: str) -> str:
    """Clean HTML without its `data-say` attributes: they tell speech how to say a word and are
    for no reader to see."""
    return _SPEECH_HINT.sub("", fragment) if "data-say" in fragment else fragment
