"""Blogs to measure: the bundled sample blog, larger blogs made from it, and blogs of thousands
of entries written straight into the store (fast, no speech)."""
from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .common import log

BASE_URL = "http://127.0.0.1:8000"
TOKEN = "bench-token-0123456789abcdef"
START = datetime(2026, 3, 14, 6, 0, tzinfo=UTC)

# Used only when the bundled sample blog cannot be read (it should always be there).
FALLBACK = (
    ("Storm warning issued", "The weather service has issued an amber warning for wind along the "
     "east coast from 6 p.m. tonight until noon tomorrow."),
    ("", "Gusts of up to 70 mph are expected on exposed coasts, and ferries between the islands "
     "have been cancelled for the rest of the day."),
    ("Schools to close early", "The county council says all 43 primary schools will close at "
     "1:30 p.m. so that children are home before the worst of the weather."),
    ("", "Police ask drivers to avoid the coast road between Marlow Point and the harbour, where "
     "waves are already breaking over the sea wall."),
    ("Power cuts", "About 2,400 homes are without power after a line came down near the old mill. "
     "Engineers expect to restore supply by 9 p.m."),
    ("", "The river at Eastbridge stood at 3.2 metres at 4 p.m., half a metre below the level at "
     "which the flood barrier is raised."),
)


@dataclass(frozen=True)
class Sample:
    """A blog to post: its settings and its entries (oldest first), as `ParsedEntry` values."""

    slug: str
    title: str
    language: str
    timezone: str
    entries: tuple  # ParsedEntry

    def blog_fields(self, title: str | None = None) -> dict[str, Any]:
        return {"title": title or self.title, "description": "Benchmark copy of a sample live blog.",
                "language": self.language, "timezone": self.timezone, "author": "Benchmarks"}


def sample() -> Sample:
    """The bundled sample live blog, parsed by the importer; a small built-in one if that fails."""
    try:
        from syndicate import ingest, samples

        parsed = ingest.parse(samples.DEMO_FILE.read_bytes(), timezone=samples.DEMO_TIMEZONE,
                              language=samples.DEMO_LANGUAGE)
        entries = tuple(sorted((e for e in parsed.entries if e.html or e.headline), key=lambda e: e.published))
        if entries:
            return Sample(samples.DEMO_SLUG, parsed.title or "Sample", samples.DEMO_LANGUAGE,
                          samples.DEMO_TIMEZONE, entries)
        log.warning("bench: the sample blog has no entries; using the built-in one")
    except Exception as exc:  # noqa: BLE001 - the benchmark still runs, and says so
        log.warning("bench: cannot read the sample blog (%s); using the built-in one", exc)
    return fallback_sample()


def fallback_sample() -> Sample:
    from syndicate.model import ParsedEntry

    entries = tuple(
        ParsedEntry(published=START + timedelta(minutes=7 * i), headline=headline,
                    html=f"<p>{text}</p>", source_id=f"fallback-{i}")
        for i, (headline, text) in enumerate(FALLBACK))
    return Sample("storm", "Storm Ana comes ashore", "en", "Europe/London", entries)


def entry_fields(item: Any, *, published: datetime | None = None) -> dict[str, Any]:
    """The validated fields `Newsroom.add_entry` takes, from a ParsedEntry."""
    from syndicate.sanitize import html_to_text

    return {"headline": item.headline, "html": item.html, "text": html_to_text(item.html),
            "published": published or item.published, "media": list(item.media),
            "key_event": item.key_event}


def numbered(source: Sample, count: int, *, start: datetime = START) -> list:
    """`count` entries cycled from the sample, each distinct (numbered headline, own time and id),
    so that no two ever share a clip."""
    out = []
    for i, item in zip(range(count), itertools.cycle(source.entries)):
        headline = f"Update {i + 1}: {item.headline}" if item.headline else f"Update {i + 1}."
        out.append(replace(item, headline=headline, published=start + timedelta(minutes=3 * i),
                           updated=None, source_id=f"bench-{i}", pinned=False))
    return out


def parsed_blog(source: Sample, count: int):
    from syndicate.model import ParsedBlog

    return ParsedBlog(title=source.title, language=source.language, timezone=source.timezone,
                      entries=numbered(source, count), format="bench")


def make_app(data_dir: Path, **overrides: Any):
    """The real app on `data_dir`, with no background workers unless asked."""
    from syndicate import create_app

    config = {"DATA_DIR": str(data_dir), "SPEECH_WORKERS": -1, "BASE_URL": BASE_URL, "API_TOKEN": TOKEN}
    config.update(overrides)
    return create_app(config)


def services(app):
    return app.extensions["syndicate"]


def _texts(source: Sample) -> Iterator[tuple[str, str, str]]:
    from syndicate.sanitize import html_to_text

    return itertools.cycle([(e.headline, e.html, html_to_text(e.html)) for e in source.entries])


def fill(store, slug: str, count: int, source: Sample, *, with_audio: bool = True,
         start: datetime = START) -> None:
    """Write `count` entries into an existing blog in one transaction, without queueing speech.
    With `with_audio`, each is marked as having a ready clip (the file itself is not made), so
    the podcast feed is as full as in a blog whose speech has caught up."""
    import sqlalchemy as sa

    from syndicate.store.schema import entries

    texts = _texts(source)
    with store.transaction() as tx:
        conn = tx.conn
        blog = tx.blog(slug)
        for i in range(count):
            headline, html, text = next(texts)
            values = {"headline": f"{headline} ({i + 1})" if headline else "", "html": html, "text": text,
                      "published": start + timedelta(minutes=2 * i), "media": [], "key_event": i % 10 == 0}
            tx.insert_entry(blog.id, values, speak=False)
        if with_audio:
            conn.execute(entries.update().where(entries.c.blog_id == blog.id, entries.c.audio_status.is_(None))
                         .values(audio_status="ready", audio_file=sa.literal(f"{slug}/") + entries.c.id + ".mp3",
                                 audio_bytes=190_000, audio_duration=15.8, audio_voice="flite:slt",
                                 audio_transcript=entries.c.text))
        tx.touch(blog.id, content=True)


def new_entry(source: Sample, n: int) -> dict[str, Any]:
    """Fields of a fresh entry published now (for timing one publish)."""
    from syndicate.sanitize import html_to_text

    item = source.entries[n % len(source.entries)]
    return {"headline": f"Breaking {n}: {item.headline}".strip(), "html": item.html,
            "text": html_to_text(item.html), "published": datetime.now(UTC), "media": [],
            "key_event": False}


def rebuild_costs(svc, slug: str, runs: int = 5) -> tuple[float, float]:
    """Median seconds of one `Publisher.publish` after a change that only bumps the blog's
    version, and of the part of it spent drawing the cover image (0 when the cover is reused)."""
    import time

    from syndicate import formats

    from .common import median

    original = formats.build_cover
    spent = [0.0]

    def counted(*args, **kwargs):
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - start

    rebuild, cover = [], []
    formats.build_cover = counted
    try:
        for _ in range(runs):
            with svc.store.transaction() as tx:
                tx.touch(tx.blog(slug).id, content=False)
            spent[0] = 0.0
            start = time.perf_counter()
            svc.publisher.publish(slug)
            rebuild.append(time.perf_counter() - start)
            cover.append(spent[0])
    finally:
        formats.build_cover = original
    return median(rebuild), median(cover)

