"""The podcast cover: a square PNG drawn from the blog's title, no downloads, no font files."""
from __future__ import annotations

import colorsys
import hashlib
import io

from PIL import Image, ImageDraw, ImageFont

from ..model import Blog
from .common import ellipsize, feed_title

COVER_TYPE = "image/png"
COVER_SIZE = 1400  # Apple wants 1400-3000 px square artwork
MIN_SIZE = 64

FOREGROUND = (255, 255, 255)
MUTED = (226, 226, 226)  # above 4.5:1 even on the lightest background we pick
BADGE = (200, 16, 46)
TITLE_SIZES = (150, 130, 112, 98, 86, 76, 68)  # px at 1400; largest that fits wins
MAX_LINES = 6
FOOTER = "Live updates, read by a synthetic voice"

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def _font(px: int) -> Font:
    # Pillow >= 10.1 ships a scalable default font (needs FreeType); older builds or builds
    # without FreeType fall back to the fixed bitmap font instead of failing.
    try:
        return ImageFont.load_default(size=max(1, px))
    except (TypeError, ImportError, OSError):
        return ImageFont.load_default()


def background(blog: Blog) -> tuple[int, int, int]:
    """A dark colour picked from the blog's uuid: stable for a blog, varied across blogs,
    and dark enough for white text to keep a contrast ratio well above 4.5:1."""
    hue = int.from_bytes(hashlib.sha256(blog.uuid.encode("utf-8")).digest()[:2], "big") / 65536
    red, green, blue = colorsys.hls_to_rgb(hue, 0.2, 0.55)
    return round(red * 255), round(green * 255), round(blue * 255)


def _split_word(word: str, font: Font, width: float, draw: ImageDraw.ImageDraw) -> list[str]:
    """A word too wide for a line, broken into pieces that fit."""
    pieces, piece = [], ""
    for char in word:
        if piece and draw.textlength(piece + char, font=font) > width:
            pieces.append(piece)
            piece = ""
        piece += char
    return pieces + [piece] if piece else pieces


def wrap(text: str, font: Font, width: float, draw: ImageDraw.ImageDraw) -> list[str]:
    """Greedy word wrap of `text` into lines no wider than `width` pixels."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if draw.textlength(candidate, font=font) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        pieces = _split_word(word, font, width, draw)
        lines.extend(pieces[:-1])
        line = pieces[-1] if pieces else ""
    if line:
        lines.append(line)
    return lines


def _fit_title(
    title: str, scale: float, width: float, draw: ImageDraw.ImageDraw
) -> tuple[Font, list[str]]:
    """The largest title font whose wrapped lines fit; the smallest one, cut short, otherwise."""
    for px in TITLE_SIZES:
        font = _font(round(px * scale))
        lines = wrap(title, font, width, draw)
        if len(lines) <= MAX_LINES:
            return font, lines
    lines = lines[:MAX_LINES]
    last = lines[-1]
    while last and draw.textlength(ellipsize(last), font=font) > width:
        last = last[:-1]
    lines[-1] = ellipsize(last)
    return font, lines


def build_cover(blog: Blog, size: int = COVER_SIZE) -> bytes:
    """A `size`×`size` RGB PNG cover for the blog: a LIVE badge, the wrapped title and a
    line saying the audio is machine-read. The same blog always gives the same bytes (no
    timestamps or other metadata are written into the PNG)."""
    if not isinstance(size, int) or size < MIN_SIZE:
        raise ValueError(f"cover: size must be an integer of at least {MIN_SIZE}, not {size!r}")
    scale = size / COVER_SIZE
    margin = round(110 * scale)
    image = Image.new("RGB", (size, size), background(blog))
    draw = ImageDraw.Draw(image)

    badge_font = _font(round(64 * scale))
    pad = round(24 * scale)
    left, top, right, bottom = draw.textbbox((0, 0), "LIVE", font=badge_font)
    box = (margin, margin, margin + right - left + 2 * pad, margin + bottom - top + 2 * pad)
    draw.rounded_rectangle(box, radius=round(14 * scale), fill=BADGE)
    # Offset by the glyph box so the word sits centred whatever the font's side bearings.
    draw.text((margin + pad - left, margin + pad - top), "LIVE", font=badge_font, fill=FOREGROUND)

    title = feed_title(blog)
    font, lines = _fit_title(title, scale, size - 2 * margin, draw)
    line_height = round(getattr(font, "size", 11) * 1.18)
    top = max(margin + round(200 * scale), (size - line_height * len(lines)) // 2)
    for number, line in enumerate(lines):
        draw.text((margin, top + number * line_height), line, font=font, fill=FOREGROUND)

    footer_font = _font(round(48 * scale))
    footer_y = size - margin - round(48 * scale)
    draw.text((margin, footer_y), FOOTER, font=footer_font, fill=MUTED)

    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=9)
    return out.getvalue()
