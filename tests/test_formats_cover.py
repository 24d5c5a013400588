"""Generated podcast cover image."""
from __future__ import annotations

import io

import pytest
from formats_factory import make_blog
from PIL import Image

from syndicate.formats import COVER_TYPE, build_cover
from syndicate.formats.cover import BADGE, FOREGROUND, MUTED, background


def open_png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_square_1400_png() -> None:
    data = build_cover(make_blog())
    assert COVER_TYPE == "image/png"
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = open_png(data)
    assert image.format == "PNG"
    assert image.size == (1400, 1400)
    assert image.mode == "RGB"  # Apple wants RGB artwork
    # no metadata chunks (text, time) that could vary between builds
    assert not {"date", "Creation Time", "Software"} & set(image.info)
    assert b"tIME" not in data and b"tEXt" not in data


def test_deterministic_and_distinct() -> None:
    assert build_cover(make_blog()) == build_cover(make_blog())
    other = make_blog(title="Storm Ana", uuid="7e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b")
    assert build_cover(other) != build_cover(make_blog())


def test_title_is_drawn() -> None:
    blank = open_png(build_cover(make_blog(title=" ", slug="x")))
    titled = open_png(build_cover(make_blog(title="A very long title " * 12)))
    # more ink for the long title: count pixels brighter than the background
    def ink(image: Image.Image) -> int:
        return sum(image.convert("L").histogram()[201:])

    assert ink(titled) > ink(blank)


def test_other_sizes_and_bad_size() -> None:
    assert open_png(build_cover(make_blog(), size=3000)).size == (3000, 3000)
    with pytest.raises(ValueError, match="size must be an integer"):
        build_cover(make_blog(), size=0)


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(v) for v in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def test_text_contrast_is_at_least_aa_for_any_blog() -> None:
    def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
        light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
        return (light + 0.05) / (dark + 0.05)

    for number in range(300):
        colour = background(make_blog(uuid=f"00000000-0000-4000-8000-{number:012d}"))
        assert contrast(FOREGROUND, colour) >= 4.5
        assert contrast(MUTED, colour) >= 4.5
    assert contrast(FOREGROUND, BADGE) >= 4.5
