"""The layout of a plain-text live blog page: where the dateline, header, entries and
background are, and what each entry holds. Dating and ids are plaintext.py's.

Layout. The first non-blank line is the dateline when it reads as one ("February 25, 2019 |
04:59 pm PT", "Fri 19 Feb 2021 19.41 GMT", "27.08.2024, 12:32 Uhr", "Dienstag, 27. August
2024": see datelines.py), the next line is the headline and the lines up to the first entry
are the description. Entries come in one of two layouts:
- Bulleted (•, ●, ▪, - or *): an entry starts at a bullet of the first bullet's kind no deeper
  than it, so a "- " line inside a •-bulleted entry is body text. When entry bodies are
  indented deeper than their bullets (as on copied pages), the first later line at or left of
  the bullet column starts the background; in a flat layout a separator line (---, ***, ___)
  after the last entry does. A page whose only bullets are "-" or "*" lines without times, but
  which has clock lines, is read as the next layout (the bullets are lists inside entries).
- Clock lines (text copied from a page shows no bullets): an entry starts at a line holding a
  clock time alone ("19.30 GMT", "8h30", "2h ago"), or followed by a headline ("12.31 Uhr:
  Hafen wieder offen"), or by a separator and text. Each further line is a paragraph; a
  separator line ends the last entry and starts the background.
Numeric dates (02/03/2019) are read day first unless `language` is en-US.

Entries. A clock ("8h30", "08:30", "8:30 am", "8.30pm", "18:00 GMT", "3.27pm BST", "12.31
Uhr") may carry a zone, which overrides the blog zone for that entry; a relative time ("2h
ago", "vor 3 Stunden") counts back from the dateline. The headline is the text after the
clock on its line, or the short line right below a clock alone when more follows. A headline
may end in "?", "!", ")" or quotes but not in ".", ":", ";" or ",". A paragraph ending in a
credit ("Photo by X", "Videos by X", "Photo: X", "Photograph: X", "Foto: X", "Ảnh: X", "(Photo:
X)", or a bare "Agency/Getty Images") is a media item: caption = the text before the credit,
credit = just the name(s) after it; it is not part of the body.

Labels are not body text: "Pinned post" marks the entry pinned, "Key event" marks a key event,
"Updated at 19.38 GMT" sets the entry's updated time. A label right above an entry's first
line belongs to that entry. A "Key events" heading starts a summary list (clock and headline
per item): items that repeat a later entry mark it a key event and are not entries
themselves. An entry repeated further down (a pinned post also shown in the stream) is kept
once, at its place in the stream, marked pinned.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time, tzinfo

from ..model import Media
from .datelines import is_relative, parse_dateline, split_clock
from .detect import IngestError

_BULLET = re.compile(r"(?P<indent> *)(?P<mark>[•●▪]|[-*](?=\s|$))\s*(?P<rest>.*)")
_SEPARATOR = re.compile(r"\s*(?:[-_*]\s*){3,}")
_CREDIT = re.compile(
    r"(?:^|(?<=[.!?…\"'”’)\]:])\s+|\s*[(\[]\s*|\s+[-–—|]\s+)"
    r"(?P<label>Photo(?:graph)?s?|Pictures?|Images?|Graphics?|Videos?|Footage|Fotos?|Ảnh)(?:\s+by\s+|\s*:\s*)"
    r"(?P<credit>(?:[A-Z0-9@]|[^\x00-\x7f])[^()\[\]]{0,79}?)\s*[)\]]?\s*\.?\s*$")
_GETTY = re.compile(r"(?:^|(?<=[.!?…\"'”’)\]])\s+)(?P<credit>(?:[A-Z][\w.&' -]{0,40}/)?Getty Images)\s*\.?\s*$")
_LABEL = re.compile(r"\s*(?:(?P<pinned>pinned(?:\s+post)?)|(?P<key>key\s+event)"
                    r"|(?:last\s+)?updated(?:\s+at)?\s+(?P<updated>.{3,30}?))\s*", re.I)
_KEY_EVENTS = re.compile(r"\s*(?:show\s+)?key\s+events(?:\s+only)?\s*(?:\(\d+\))?\s*", re.I)
_NOT_HEADLINE_END = tuple(".:;,…")


@dataclass
class Raw:
    """An entry as laid out on the page, before dating."""

    clock: time | None
    tz: tzinfo | None
    headline: str
    paragraphs: list[str]
    media: list[Media]
    relative: str = ""  # a relative time line ("2h ago"), read against the dateline
    pinned: bool = False
    key_event: bool = False
    updated: tuple[time, tzinfo | None] | None = None


def paragraphs(lines: list[str], joined: bool = False) -> list[str]:
    """Blank-line separated paragraphs of `lines`, stripped; `joined` puts each on one line."""
    text = "\n".join(line.strip() for line in lines if not _SEPARATOR.fullmatch(line))
    return [" ".join(p.split()) if joined else p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _media(paragraph: str) -> Media | None:
    flat = " ".join(paragraph.split())
    m = _CREDIT.search(flat)
    # A credit is a name or two: "A. Smith" is one, "Smith. More later" is not.
    if not m or re.search(r"[a-z]{2}[.!?]\s|[!?]", m["credit"]) or len(m["credit"].split()) > 8:
        getty = _GETTY.search(flat)
        return Media(kind="photo", caption=flat[: getty.start()].strip(), credit=getty["credit"]) if getty else None
    kind = "video" if m["label"].lower().startswith(("video", "footage")) else "photo"
    return Media(kind=kind, caption=m.string[: m.start()].strip(), credit=m["credit"].strip())


def _headline_like(line: str) -> bool:
    """Whether `line` reads as a headline: short, and not ending a sentence with "." and the
    like (a "?", "!", ")" or a closing quote is fine, unless a period sits inside it)."""
    line = line.strip()
    core = line.rstrip("\"'”’»)]").rstrip()
    return bool(core) and len(line) <= 160 and not core.endswith(_NOT_HEADLINE_END) and _media(line) is None


def _label(line: str) -> tuple[str, tuple[time, tzinfo | None] | None] | None:
    """("pinned" | "key" | "updated", the updated clock) when `line` is a label, else None."""
    m = _LABEL.fullmatch(line)
    if not m:
        return None
    if m["updated"] is None:
        return ("pinned" if m["pinned"] else "key"), None
    clock, tz, rest = split_clock(m["updated"])
    return ("updated", (clock, tz)) if clock and not rest else None


def _take_labels(raw_lines: list[str]) -> tuple[list[str], dict]:
    """`raw_lines` without label lines, and what the labels said."""
    kept, found = [], {}
    for line in raw_lines:
        label = _label(line) if line.strip() else None
        if label is None:
            kept.append(line)
        else:
            found[label[0]] = label[1] or True
    return kept, found


def _trailing_labels(lines: list[str]) -> int:
    """How many lines at the end of `lines` are "Pinned post" or "Key event" labels, or blank:
    those head the next entry ("Updated at" closes the entry it is in)."""
    n = len(lines)
    while n and (not lines[n - 1].strip() or (_label(lines[n - 1]) or ("updated",))[0] != "updated"):
        n -= 1
    while n < len(lines) and not lines[n].strip():
        n += 1
    return len(lines) - n


def _entry(first: str, body: list[str], *, line_paragraphs: bool = False) -> Raw:
    if not first.strip() and any(line.strip() for line in body):  # a bare bullet: start below it
        k = next(n for n, line in enumerate(body) if line.strip())
        first, body = body[k], body[k + 1:]
    body, labels = _take_labels(body)
    relative = first.strip() if is_relative(first) else ""
    clock, tz, rest = (None, None, "") if relative else split_clock(first)
    headline = ""
    if line_paragraphs:  # each line is a paragraph; the headline may share the clock's line
        lines = [line.strip() for line in body if line.strip() and not _SEPARATOR.fullmatch(line)]
        if rest and _headline_like(rest):
            headline, rest = rest, ""
        elif not rest and len(lines) > 1 and _headline_like(lines[0]):
            headline, lines = lines[0], lines[1:]
        texts = ([rest] if rest else []) + lines
    else:
        if (clock or relative) and not rest and body and body[0].strip() \
                and (len(body) == 1 or not body[1].strip()):
            candidate = body[0].strip()
            if _headline_like(candidate) and any(line.strip() for line in body[1:]):
                headline, body = candidate, body[1:]
        texts = paragraphs([rest, *body])
    found = [(p, _media(p)) for p in texts]
    return Raw(clock, tz, headline, [p for p, m in found if not m], [m for _, m in found if m],
               relative=relative, pinned="pinned" in labels, key_event="key" in labels,
               updated=labels.get("updated") if isinstance(labels.get("updated"), tuple) else None)


def _bullet_text(line: str) -> str:
    """What follows the bullet of a line known to start a bulleted entry."""
    match = _BULLET.fullmatch(line)
    assert match is not None, line
    return match["rest"]


def _clock_start(line: str) -> bool:
    """Whether an unbulleted line starts an entry: a clock alone, or with a headline or a
    separator after it; or a relative time alone."""
    if not line.strip() or (bullet := _BULLET.fullmatch(line)) and not bullet["rest"]:
        return False
    if is_relative(line):
        return True
    clock, _tz, rest = split_clock(line)
    if clock is None:
        return False
    if not rest or _headline_like(rest):
        return True
    prefix = line.strip()[: len(line.strip()) - len(rest)].rstrip()
    return prefix[-1:] in (":", "–", "—", "-", "|")


def _bulleted(lines: list[str], start: int) -> tuple[list[int], int] | None:
    """Entry start lines and the end of the last entry, in the bulleted layout; None when
    the page is not laid out with bullets."""
    marks = [(i, m) for i in range(start, len(lines))
             if (m := _BULLET.fullmatch(lines[i])) and not _SEPARATOR.fullmatch(lines[i])]
    if not marks:
        return None
    round_ = marks[0][1]["mark"] in "•●▪"
    if not round_ and not any(split_clock(m["rest"])[0] for _, m in marks) \
            and any(_clock_start(line) for line in lines[start:]):
        return None  # "- " lists inside entries that start at clock lines
    kind = "•●▪" if round_ else marks[0][1]["mark"]
    marks = [(i, m) for i, m in marks if m["mark"] in kind]
    column = len(marks[0][1]["indent"])
    starts = [i for i, m in marks if len(m["indent"]) <= column + 1]
    first_lines = set(starts)
    inner = [_indent(line) for i, line in enumerate(lines)
             if starts[0] < i < starts[-1] and line.strip() and i not in first_lines]
    if inner:
        indented = min(inner) > column
    else:  # one-line entries so far: judge by what follows the last bullet
        after = next((line for line in lines[starts[-1] + 1:] if line.strip()), "")
        last = _bullet_text(lines[starts[-1]])
        indented = _indent(after) > column or split_clock(last)[2] != ""
    end = next((i for i in range(starts[-1] + 1, len(lines)) if _SEPARATOR.fullmatch(lines[i])
                or (indented and lines[i].strip() and _indent(lines[i]) <= column)), len(lines))
    return starts, end


def layout(lines: list[str], us_order: bool) -> tuple[tuple | None, list[str], list[Raw], list[str]]:
    """Split the page: (dateline, header lines, entries top to bottom, background lines)."""
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        raise IngestError("text: input is empty")
    dateline = parse_dateline(lines[start], us_order)
    start += dateline is not None
    while start < len(lines) and not lines[start].strip():
        start += 1
    bulleted = _bulleted(lines, start)
    if bulleted:
        starts, end = bulleted
        firsts = [_bullet_text(lines[i]) for i in starts]
    else:
        # The headline line never starts an entry, even when it begins with a number.
        starts = [i for i in range(start + 1, len(lines)) if _clock_start(lines[i])]
        if not starts:
            raise IngestError("text: no entries found (an entry starts with a bullet (•, - or *) "
                              "or with a clock time such as 19.30 or 8h30 at the start of a line)")
        end = next((i for i in range(starts[-1] + 1, len(lines)) if _SEPARATOR.fullmatch(lines[i])), len(lines))
        firsts = [lines[i] for i in starts]
    chunks = [lines[i + 1:(starts[n + 1] if n + 1 < len(starts) else end)] for n, i in enumerate(starts)]
    header = lines[start:starts[0]]
    carried = _trailing_labels(header)  # labels right above an entry are that entry's
    carry, header = header[len(header) - carried:], header[: len(header) - carried]
    entries = []
    for first, chunk in zip(firsts, chunks, strict=True):
        moved = _trailing_labels(chunk) if chunk is not chunks[-1] else 0
        raw = _entry(first, carry + chunk[: len(chunk) - moved], line_paragraphs=not bulleted)
        carry = chunk[len(chunk) - moved:]
        entries.append(raw)
    background = [line for line in lines[end:] if not _SEPARATOR.fullmatch(line)]
    return dateline, header, entries, background


def _same(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def summaries_and_repeats(header: list[str], raws: list[Raw]) -> tuple[list[str], list[Raw]]:
    """Drop the "Key events" summary (marking the entries it lists) and pinned repeats."""
    heading = next((n for n, line in enumerate(header) if _KEY_EVENTS.fullmatch(line)), None)
    if heading is not None:
        header = header[:heading] + [line for line in header[heading + 1:] if _KEY_EVENTS.fullmatch(line) is None]
        n = 0
        while n < len(raws):
            item = raws[n]
            text = item.headline or (item.paragraphs[0] if len(item.paragraphs) == 1 else "")
            if item.media or not text or (item.headline and item.paragraphs):
                break
            match = next((r for r in raws[n + 1:] if (r.clock, r.relative) == (item.clock, item.relative)
                          and (r.headline or (r.paragraphs[:1] or [""])[0]) and
                          _same(r.headline or r.paragraphs[0], text)), None)
            if match is None:
                break
            match.key_event = True
            n += 1
        raws = raws[n:]
    kept: list[Raw] = []
    for n, raw in enumerate(raws):
        later = next((r for r in raws[n + 1:] if (r.clock, r.headline, r.paragraphs, r.media)
                      == (raw.clock, raw.headline, raw.paragraphs, raw.media)), None)
        if later is not None and (raw.pinned or raw.paragraphs or raw.headline):
            later.pinned = later.pinned or raw.pinned
            later.key_event = later.key_event or raw.key_event
            continue  # the same entry further down, in its place in the stream
        kept.append(raw)
    return header, kept


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())
