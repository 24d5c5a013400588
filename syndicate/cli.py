"""The `syndicate` command: serve, demo, import, blogs, build, worker, synth, pronounce.

Errors print one line on stderr and exit non-zero; they never show a traceback.
"""
from __future__ import annotations

import os
import re
import secrets
import sys
import threading
import time
import unicodedata
import urllib.error
import urllib.request
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn

import click
from flask import Flask

from . import ingest, server, validate
from .app import create_app
from .config import ConfigError, speech_workers
from .follow import check_url, parse_interval
from .follow.fetch import FetchError, fetch
from .follow.poller import Follower
from .links import FEED_FILES
from .store import StoreError
from .store.sources import Sources
from .web.context import Services
from .workers import WorkerPool

URL = re.compile(r"^https?://", re.I)


def _fail(message: str) -> NoReturn:
    raise click.ClickException(message)


def _app(**overrides: Any) -> Flask:
    try:
        return create_app({k: v for k, v in overrides.items() if v is not None})
    except ConfigError as exc:
        _fail(str(exc))
    except Exception as exc:  # noqa: BLE001 - e.g. an unreachable database: one line, not a trace
        _fail(f"cannot start: {exc}")


def _services(app: Flask) -> Services:
    return app.extensions["syndicate"]


def slugify(text: str) -> str:
    """A URL slug from a title: ASCII letters and digits joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].strip("-") or "live"


def read_source(source: str, timeout: float) -> bytes:
    """Bytes of a path, '-' (stdin) or an http(s) URL."""
    if source == "-":
        return sys.stdin.buffer.read()
    if URL.match(source):
        request = urllib.request.Request(source, headers={"User-Agent": "syndicate-importer"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.read(50_000_000)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            _fail(f"cannot fetch {source}: {getattr(exc, 'reason', exc)}")
    try:
        return Path(source).read_bytes()
    except OSError as exc:
        _fail(f"cannot read {source}: {exc.strerror or exc}")
    return b""


@click.group()
@click.version_option(package_name="syndicate")
def main() -> None:
    """syndicate: live blogs as feeds, podcast episodes and an accessible text view."""


def _serve(app: Flask, host: str, port: int, workers: int | None, web_processes: int | None = None) -> None:
    """Start the speech workers, then run the HTTP server until it is stopped; the workers end
    with this process (however it ends: see `workers.die_with_parent`)."""
    count = speech_workers(app.config) if workers is None else workers
    pool = WorkerPool(app.config, count).start()
    name = "gunicorn" if server.gunicorn_available() else "waitress"
    click.echo(f"syndicate: serving on http://{host}:{port}/ ({name}) with {count} speech worker(s); Ctrl+C stops")
    # Speech workers and the CLI change blogs in other processes: this process publishes them.
    _services(app).publisher.watch(threading.Event(), interval=app.config["PUBLISH_INTERVAL"])
    parent = os.getpid()
    try:
        # Each web process opens its own database connections (the parent's stay the parent's).
        store = _services(app).store
        server.run(app, host, port, processes=web_processes, after_fork=lambda: store.engine.dispose(close=False))
    finally:
        if os.getpid() == parent:  # gunicorn's forked web processes leave through here too
            pool.stop()


WEB_PROCESSES = click.option("--web-processes", type=click.IntRange(min=1), default=None,
                             help="HTTP server processes (default: one per core, at least 2).")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", type=int, default=None, help="Speech worker processes (default: SYNDICATE_SPEECH_WORKERS).")
@WEB_PROCESSES
def serve(host: str, port: int, workers: int | None, web_processes: int | None) -> None:
    """Run the service on a production WSGI server (gunicorn; waitress where it cannot run)."""
    app = _app(LISTEN_URL=f"http://{host}:{port}")
    if not app.config["API_TOKEN"]:
        click.echo("syndicate: SYNDICATE_API_TOKEN is not set: the API is read-only", err=True)
    _serve(app, host, port, workers, web_processes)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", type=int, default=None)
@WEB_PROCESSES
def demo(host: str, port: int, workers: int | None, web_processes: int | None) -> None:
    """Load the bundled sample blog and serve it, printing its URLs and an API token."""
    from .samples import DEMO_FILE, DEMO_LANGUAGE, DEMO_SLUG, DEMO_TIMEZONE

    app = _app(LISTEN_URL=f"http://{host}:{port}")
    token = app.config["API_TOKEN"] or secrets.token_urlsafe(24)
    app.config["API_TOKEN"] = token
    _import(app, DEMO_FILE.read_bytes(), DEMO_SLUG, DEMO_TIMEZONE, DEMO_LANGUAGE, None)
    links = _services(app).publisher.links
    base = links.base
    click.echo(f"Text view:     {links.blog_page(DEMO_SLUG)}")
    for kind in FEED_FILES:
        click.echo(f"{kind.upper() + ' feed:':<15}{links.feed(DEMO_SLUG, kind)}")
    click.echo(f"API:           {base}/api/blogs   (OpenAPI: {base}/api/openapi.json)")
    click.echo(f"API token:     {token}")
    _serve(app, host, port, workers, web_processes)


def _import(app: Flask, data: bytes, slug: str | None, zone: str | None, language: str | None,
            fmt: str | None, day: date | None = None) -> tuple[str, dict[str, int]]:
    services = _services(app)
    try:
        if slug is not None:
            validate.slug(slug, "--blog")
        if zone is not None:
            validate.timezone(zone)
        if language is not None:
            validate.language(language)
        existing = services.store.get_blog(slug) if slug else None
        parsed = ingest.parse(data, format=fmt, timezone=zone or (existing.timezone if existing else None) or "UTC",
                              language=language, date=day)
        if slug is None:
            slug = slugify(parsed.title)
            existing = services.store.get_blog(slug)
            # A slug made from the title may be another blog's: reuse it only for the same title.
            if existing is not None and existing.title != (parsed.title or slug):
                raise validate.InvalidInput(f"a blog {slug!r} titled {existing.title!r} exists: "
                                            "name the blog to import into with --blog")
        if services.store.get_blog(slug) is None:
            services.newsroom.create_blog_from(slug, parsed, language=language, timezone=zone)
        return slug, services.newsroom.import_blog(slug, parsed)
    except validate.InvalidInput as exc:
        _fail(f"{exc.field}: {exc.message}" if exc.field and not exc.message.startswith(exc.field) else exc.message)
    except (ingest.IngestError, StoreError) as exc:
        _fail(str(exc))
    return "", {}


@main.command("import")
@click.argument("source")
@click.option("--blog", "slug", help="Slug of the blog to import into (created when missing).")
@click.option("--timezone", "zone", help="IANA zone of the blog's clock times, e.g. Asia/Ho_Chi_Minh.")
@click.option("--language", help="BCP 47 language of the blog, e.g. en, vi, hi.")
@click.option("--format", "fmt", type=click.Choice(ingest.FORMATS), help="Skip detection.")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Day of the newest entry (YYYY-MM-DD), for a plain-text page that shows no date.")
def import_(source: str, slug: str | None, zone: str | None, language: str | None, fmt: str | None,
            day: datetime | None) -> None:
    """Import a live blog from a file, '-' (stdin) or a URL."""
    app = _app()
    data = read_source(source, app.config["IMPORT_TIMEOUT"])
    slug, counts = _import(app, data, slug, zone, language, fmt, day.date() if day else None)
    click.echo(f"{slug}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


@main.command()
@click.argument("url", required=False)
@click.option("--blog", "slug", required=True, help="Slug of the blog kept in step (created when missing).")
@click.option("--every", default="60s", show_default=True, help="Polling interval: seconds, or like 90s, 5m, 1h.")
@click.option("--timezone", "zone", help="IANA zone of a new blog's clock times.")
@click.option("--language", help="BCP 47 language of a new blog (default: the page's).")
@click.option("--stop", is_flag=True, help="Stop following.")
@click.option("--status", "show", is_flag=True, help="Show the polling status.")
def follow(url: str | None, slug: str, every: str, zone: str | None, language: str | None,
           stop: bool, show: bool) -> None:
    """Follow a live page: import it now, then the service's workers poll it and keep the blog
    in step (new entries, edits, removals)."""
    app = _app()
    services = _services(app)
    sources = Sources(services.store)
    if stop or show:
        followed = sources.get(slug) if services.store.get_blog(slug) is not None else None
        if followed is None:
            _fail(f"blog {slug!r} follows no source")
        if stop:
            sources.delete(slug)
            click.echo(f"{slug}: stopped following")
        else:
            for key, value in followed.to_json().items():
                click.echo(f"{key}: {'' if value is None else value}")
        return
    if url is None:
        _fail("give the page's URL to follow (or --stop, or --status)")
    try:
        url = check_url(url.strip())  # the API takes it exactly; a shell argument may carry spaces
        interval = parse_interval(every, app.config["FOLLOW_MIN_INTERVAL"])
    except ValueError as exc:
        _fail(str(exc).replace("url must", "URL must").replace("interval must", "--every must"))
    try:  # the first fetch and import here, so a bad page is an error now and stores nothing
        got = fetch(url, timeout=app.config["FOLLOW_TIMEOUT"], max_bytes=app.config["FOLLOW_MAX_BYTES"])
    except FetchError as exc:
        _fail(f"cannot fetch {url}: {exc}")
    slug, counts = _import(app, got.body, slug, zone, language, None)
    follower = Follower(services, app.config)
    sources.put(slug, url, interval)
    source = sources.claim(follower.name, follower.lease, slug=slug)
    if source is not None:
        sources.finish(source, follower.name, **follower.succeeded(source, got, counts))
    click.echo(f"{slug}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    click.echo(f"{slug}: following {url} every {interval} s (polled by `syndicate serve` or `syndicate worker`)")


@main.command()
def blogs() -> None:
    """List the blogs."""
    store = _services(_app()).store
    for blog in store.list_blogs():
        click.echo(f"{blog.slug}\t{blog.status}\t{store.count_entries(blog.slug)} entries\t{blog.title}")


@main.command()
@click.option("--out", default="site", show_default=True, type=click.Path(file_okay=False))
@click.option("--base-url", default=None, help="Public URL the site will be served at (default: SYNDICATE_BASE_URL).")
def build(out: str, base_url: str | None) -> None:
    """Write every blog's feeds, audio and pages as a static site."""
    from .static_site import export_site

    app = _app()
    services = _services(app)
    base = base_url or services.publisher.links.base
    if not URL.match(base):
        _fail(f"--base-url must be an http(s) URL, not {base!r}")
    if Path(out).resolve() in (services.settings.tree.resolve(), Path(app.config["DATA_DIR"]).resolve()):
        _fail(f"--out {out} is the service's own data: choose another folder")
    count = export_site(services.store, services.settings, Path(out), base)
    click.echo(f"wrote {count} file(s) to {out}/ for {base}")


@main.command()
@click.option("--processes", type=int, default=None, help="Worker processes (default: one per core).")
@click.option("--once", is_flag=True, help="Make every clip that is due, then exit.")
def worker(processes: int | None, once: bool) -> None:
    """Run speech workers in the foreground."""
    app = _app()
    services = _services(app)
    if once:
        from .speech.worker import SpeechWorker  # the audio stack: only for this command

        done = SpeechWorker(services.store, app.config).drain()
        services.publisher.publish_changed()
        click.echo(f"made {done} clip(s)")
        return
    count = processes or speech_workers(app.config) or 1
    pool = WorkerPool(app.config, count).start()
    click.echo(f"syndicate: {count} speech worker(s) running; Ctrl+C stops")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        pool.stop()


@main.command()
@click.option("--blog", "slug", default=None, help="Only this blog.")
def synth(slug: str | None) -> None:
    """Make every missing clip now, in the foreground, with a progress bar."""
    from .speech.worker import SpeechWorker  # the audio stack: only for this command

    app = _app()
    services = _services(app)
    try:
        total = services.store.request_speech(slug)
    except StoreError as exc:
        _fail(str(exc).removeprefix("store: "))
    worker = SpeechWorker(services.store, app.config)
    # A range (not length=): the bar then has a type (its length is the same); it is advanced by hand.
    with click.progressbar(range(total), label="Speaking", file=sys.stderr) as bar:
        while worker.run_once():
            bar.update(1)
    services.publisher.publish_changed()
    failed = [e for b in services.store.list_blogs() if slug in (None, b.slug)
              for e in services.store.list_entries(b.slug) if e.audio and e.audio.status == "failed"]
    click.echo(f"{total} clip(s) requested, {len(failed)} failed")
    if failed:
        sys.exit(1)


@main.command()
@click.argument("slug")
@click.argument("word", required=False)
@click.argument("saying", required=False)
@click.option("--list", "listing", is_flag=True, help="Show the blog's pronunciations (and the defaults).")
@click.option("--remove", is_flag=True, help="Remove WORD's pronunciation.")
@click.option("--phonemes", "phonemes", multiple=True, metavar="ENGINE=PHONEMES",
              help="Phonemes for an engine that takes them (espeak-ng, festival, piper); repeatable.")
@click.option("--language", default="", help="Only for blogs in this language (default: any).")
@click.option("--case-sensitive", is_flag=True, help="Match WORD only with this exact case.")
@click.option("--part-of-words", is_flag=True, help="Match WORD inside longer words too.")
@click.option("--respeak", is_flag=True, help="Check every clip of the blog again (e.g. after editing "
              "the default lexicon file).")
def pronounce(slug: str, word: str | None, saying: str | None, listing: bool, remove: bool,
              phonemes: tuple[str, ...], language: str, case_sensitive: bool, part_of_words: bool,
              respeak: bool) -> None:
    """Say WORD as SAYING in SLUG's audio (its text keeps WORD); or list or remove entries.

    Clips whose spoken words change are made again; the others are kept.
    """
    from .pronunciations import load_file, pronunciation_from_json

    store = _services(app := _app()).store
    try:
        store.require_blog(slug)
        if listing or not (word or respeak):
            entries = [("", p) for p in store.pronunciations(slug)]
            entries += [(" (default)", p) for p in load_file(app.config["LEXICON"])]
            for note, entry in entries:
                extra = "".join(f" [{engine}: {ph}]" for engine, ph in entry.phonemes)
                tag = f" ({entry.language})" if entry.language else ""
                click.echo(f"{entry.word}{tag} -> {entry.say}{extra}{note}")
            if not entries:
                click.echo(f"no pronunciations for {slug}")
            return
        if respeak:
            queued = store.respeak(slug)
        elif remove:
            assert word is not None  # no word and no --respeak listed the lexicon above
            gone, queued = store.delete_pronunciation(slug, word, language or None)
            if not gone:
                _fail(f"no pronunciation for {word!r} in {slug}")
        else:
            if not saying:
                _fail("say how to pronounce it: syndicate pronounce SLUG WORD SAYING")
            pairs = dict(item.partition("=")[::2] for item in phonemes)
            entry = pronunciation_from_json({"word": word, "say": saying, "phonemes": pairs, "language": language,
                                             "case_sensitive": case_sensitive, "whole_word": not part_of_words})
            _, queued = store.put_pronunciation(slug, entry)
    except (StoreError, validate.InvalidInput) as exc:
        _fail(getattr(exc, "message", None) or str(exc).removeprefix("store: "))
    _services(app).publisher.publish(slug)
    click.echo(f"{queued} clip(s) queued to be checked; run `syndicate worker --once` or let the workers run")


if __name__ == "__main__":
    main()
