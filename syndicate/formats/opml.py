"""OPML 2.0 subscription list of every blog's feeds."""
from __future__ import annotations

from collections.abc import Sequence
from email.utils import format_datetime

from lxml import etree

from ..links import Links
from ..model import Blog
from ..timeutil import ensure_utc
from .common import feed_title, one_line

TITLE = "Live blogs"
DOCS = "http://opml.org/spec2.opml"
# The child outlines: (format, label added to the blog title).
EXTRA_FEEDS = (("atom", "Atom"), ("podcast", "podcast"))


def _outline(
    parent: etree._Element, text: str, xml_url: str, html_url: str, **extra: str
) -> etree._Element:
    # A dict keeps attribute order fixed (lxml writes them in insertion order).
    attrib = {"text": text, "title": text, "type": "rss", "xmlUrl": xml_url, "htmlUrl": html_url}
    attrib.update({key: value for key, value in extra.items() if value})
    return etree.SubElement(parent, "outline", attrib)


def build_opml(blogs: Sequence[Blog], links: Links) -> bytes:
    """OPML 2.0 listing one outline per blog (in the order given) for its RSS feed, with the
    Atom and podcast feeds as child outlines. `dateCreated` is the latest blog update, so the
    same blogs always give the same bytes."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = TITLE
    if blogs:
        latest = max(ensure_utc(blog.updated) for blog in blogs)
        etree.SubElement(head, "dateCreated").text = format_datetime(latest, usegmt=True)
    etree.SubElement(head, "docs").text = DOCS
    body = etree.SubElement(root, "body")
    for blog in blogs:
        title = feed_title(blog)
        page = links.blog_page(blog.slug)
        outline = _outline(
            body,
            title,
            links.feed(blog.slug, "rss"),
            page,
            description=one_line(blog.description),
            language=blog.language,
        )
        for fmt, label in EXTRA_FEEDS:
            _outline(outline, f"{title} ({label})", links.feed(blog.slug, fmt), page)
    return etree.tostring(root, pretty_print=True, encoding="UTF-8", xml_declaration=True)
