"""The text/plain version of a live blog: every live entry, newest first, wrapped for reading in
a terminal, a braille display or a text-only browser.

Each entry starts with a marked line holding its time and date ("== 08:30 UTC+7, Tuesday 26
February 2019 ==") so it can be found by searching for "==". URLs are never broken across lines.
"""
from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import datetime
from functools import partial
from typing import NamedTuple

from ..links import Links
from ..memo import PerObject
from ..model import Blog, Catchup, Entry
from .common import (
    audio_details,
    body_text,
    caption_text,
    catchup_links,
    feed_links,
    headline,
    last_updated,
    media_link,
    paragraphs,
    status_word,
)
from .formatting import format_local_time


class _Place(NamedTuple):
    slug: str
    timezone: str
    language: str


# Each entry's lines, per live entry object (the publisher keeps unchanged entries as the same
# objects) and per blog place, base URL and width.
_BLOCKS: PerObject[tuple[str, ...]] = PerObject()


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    """Wrapped lines of one paragraph; long words (URLs) stay whole on a line of their own."""
    return textwrap.wrap(
        text, width=width, initial_indent=indent, subsequent_indent=indent,
        break_long_words=False, break_on_hyphens=False,
    ) or [""]


def _section(title: str) -> list[str]:
    return [title, "-" * len(title), ""]


def _entry_block(entry: Entry, blog: _Place, links: Links, width: int) -> tuple[str, ...]:
    """One entry's lines: they depend on the entry and on the blog's slug, zone and language
    only, so a long blog's text is made again from remembered entries (`_BLOCKS`)."""
    when = format_local_time(entry.published, blog.timezone, blog.language)
    lines = _wrap(f"== {when} ==", width)
    title = headline(entry, blog)
    lines += _wrap(f"Key event: {title}" if entry.key_event else title, width)
    if entry.edited:
        lines += _wrap(f"Updated at {format_local_time(entry.updated, blog.timezone, blog.language)}.", width)
    lines.append("")
    for para in paragraphs(body_text(entry)):
        lines += _wrap(para, width) + [""]
    for media in entry.media:
        lines += _wrap(caption_text(media), width)
        target = media_link(media)
        if target:
            lines += _wrap(f"{target[1]}: {target[0]}", width)
    if entry.media:
        lines.append("")  # a caption is its own paragraph, apart from the links below it
    notes = []
    audio = entry.audio
    if audio is not None and audio.ready and audio.file:
        notes.append(f"Listen ({audio_details(audio)}): {links.audio(audio.file)}")
        notes.append(f"Transcript: {links.transcript(blog.slug, entry.id, 'txt')}")
    notes.append(f"Link: {links.entry(blog.slug, entry.id)}")
    for note in notes:
        lines += _wrap(note, width)
    return tuple(lines + [""])


def render_blog_text(blog: Blog, entries: Sequence[Entry], links: Links, *, width: int = 72,
                     updated: datetime | None = None, catchup: Catchup | None = None) -> str:
    """The plain-text version of a blog (`entries`: all its live entries, newest first).
    `updated` is when its news last changed (see `last_updated`)."""
    if width < 20:
        raise ValueError(f"views: text width {width} is too narrow to read")
    live = [entry for entry in entries if entry.deleted is None]
    stamp = format_local_time(last_updated(blog, live, updated), blog.timezone, blog.language)
    lines = _wrap(blog.title, width) + ["=" * min(width, len(blog.title)), ""]
    lines += _wrap(f"Status: {status_word(blog)}. Last updated {stamp}.", width) + [""]
    story = catchup_links(blog, catchup, links)
    for item in story:
        lines += _wrap(f"{item.label}: {item.href}", width)
    lines += [""] if story else []
    for para in paragraphs(blog.description):
        lines += _wrap(para, width) + [""]
    count = len(live)
    lines += _wrap(f"{count} update{'s' if count != 1 else ''}, newest first." if count else "No updates yet.",
                   width) + [""]
    place = _Place(blog.slug, blog.timezone, blog.language)
    for entry in live:
        lines.extend(_BLOCKS.get(entry, partial(_entry_block, entry, place, links, width), *place, links.base, width))
    if blog.background.strip():
        lines += _section("Background")
        for para in paragraphs(blog.background):
            lines += _wrap(para, width) + [""]
    lines += _section("Feeds and other versions")
    for item in feed_links(blog, links):
        lines += _wrap(f"{item.label}: {item.href}", width)
    lines += _wrap(f"Text view: {links.blog_page(blog.slug)}", width)
    return "\n".join(lines).rstrip("\n") + "\n"
