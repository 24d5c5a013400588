"""The package front door: detection, options and every error path."""
from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from syndicate.ingest import FORMATS, IngestError, detect, parse

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


@pytest.mark.parametrize("text, expected", [
    ('{"syndicate_export": 1, "blog": {}, "entries": []}', "export"),
    ('{"syndicate_export": 1, "blog": {', "export"),
    ('  {"@type": "LiveBlogPosting"}', "jsonld"),
    ('[{"@graph": []}]', "jsonld"),
    ('{"broken": ', "jsonld"),
    ("<!DOCTYPE html><html><script type='application/ld+json'>{}</script></html>", "jsonld"),
    ("February 25, 2019 | 04:59 pm PT\n\nHeadline\n\n• 8h30\n  Text", "text"),
    ("Our JSON-LD story: LiveBlogPosting {explained}\n\n• 10:00 Hi", "text"),
])
def test_detect(text, expected):
    assert detect(text) == expected


def test_formats_and_explicit_format():
    assert FORMATS == ("text", "jsonld", "export")
    text = (FIXTURES / "flat.txt").read_text()
    assert parse(text, format="text").format == "text"
    with pytest.raises(IngestError, match="jsonld: malformed JSON"):
        parse(text, format="jsonld")


@pytest.mark.parametrize("source, message", [
    ("", "ingest: input is empty"),
    ("  \n\t\n", "ingest: input is empty"),
    (b"", "ingest: input is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\xff\xfe", "ingest: input is not UTF-8 text"),
    (b"\x00\x01\x02\x03abc\x00\x00\x04\x05", "ingest: input looks like binary data"),
    (b"\xef\xbb\xbf", "ingest: input is empty"),
    (None, "ingest: input must be text or bytes"),
    ("{not json", "jsonld: malformed JSON"),
    ("[" * 100_000, "jsonld: "),
    ('{"@type": "NewsArticle"}', "jsonld: no LiveBlogPosting found"),
    ("Just a paragraph of prose.\n\nAnd another.", "text: no entries found"),
    ("25 February 2019 14:05 GMT\n\nHeadline only", "text: no entries found"),
])
def test_bad_input(source, message):
    with pytest.raises(IngestError) as caught:
        parse(source)
    assert str(caught.value).startswith(message)
    assert isinstance(caught.value, ValueError)


def test_unknown_format():
    with pytest.raises(IngestError, match="unknown format 'rss': expected one of text, jsonld, export"):
        parse("x", format="rss")


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "../etc/passwd", "UTC+7"])
def test_unknown_timezone(zone):
    with pytest.raises(IngestError, match="unknown time zone"):
        parse((FIXTURES / "flat.txt").read_text(), timezone=zone)


def test_bytes_with_bom_and_crlf():
    text = (FIXTURES / "flat.txt").read_text()
    raw = ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8")
    assert parse(raw) == parse(text)


def test_naive_now_is_utc():
    undated = '{"@type": "LiveBlogPosting", "liveBlogUpdate": [{"articleBody": "Text."}]}'
    aware = parse(undated, now=datetime(2024, 5, 1, 12, tzinfo=UTC))
    naive = parse(undated, now=datetime(2024, 5, 1, 12))
    assert aware == naive and aware.entries[0].published.tzinfo is not None


INSERTS = ['"', "{", "}", "[", "]", ",", ":", "\n", "•", "8h", "null", "0", "<", "@id"]


def _mutations(text: str, rng: random.Random, count: int):
    for _ in range(count):
        chars = list(text)
        for _ in range(rng.randint(1, 12)):
            i = rng.randrange(len(chars))
            op = rng.random()
            if op < 0.4:
                del chars[i:i + rng.randint(1, 40)]
            elif op < 0.7:
                chars.insert(i, rng.choice(INSERTS))
            else:
                chars[i] = rng.choice(["\n", " ", "-", "*", "9", ":", "."])
        yield "".join(chars)


@pytest.mark.parametrize("name", ["regatta-v1.txt", "times.txt", "liveblog.json", "page.html"])
def test_damaged_input_only_ever_raises_ingest_error(name, caplog):
    text = (FIXTURES / name).read_text()
    export = json.dumps({"syndicate_export": 1, "blog": {"title": "t"}, "entries": [
        {"id": "a" * 32, "published": "2024-01-01T00:00:00Z", "html": "<p>x</p>", "media": []}]})
    rng = random.Random(name)
    for damaged in [*_mutations(text, rng, 400), *_mutations(export, rng, 150)]:
        try:
            blog = parse(damaged, timezone="Asia/Bangkok")
        except IngestError:
            continue
        assert all(e.published.tzinfo is not None for e in blog.entries)
    # Nothing reached the front door's safety net: every failure was a foreseen one.
    assert not [r for r in caplog.records if r.name == "syndicate.ingest"]
