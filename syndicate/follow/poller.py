"""Polling followed pages in the background, and applying what changed.

`Follower.step()` is one unit of work: lease the next due source, fetch it, read it with the
importers, merge it with `Newsroom.import_blog` (new entries created, edits updated in place,
withdrawn ones deleted within the span the page covers; clips and feeds follow), then record
the outcome and the next poll, and release the lease. A source that cannot be fetched or read
changes nothing stored but its status; it is tried again after an exponential backoff with
jitter (at least what Retry-After asks). A good answer is polled again after the source's
interval, or after Cache-Control's max-age when that is longer.

`run_follower(config, stop)` loops over `step()` until `stop` is set; it runs as a thread in
each speech worker process, and any number of them may run (leases keep them apart).
"""
from __future__ import annotations

import logging
import os
import random
import socket
import threading
from collections.abc import Mapping
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from .. import config as settings_module
from .. import ingest
from ..clipstore import ClipStore
from ..newsroom import Newsroom
from ..store import Store, StoreError
from ..store.sources import Source, Sources
from ..timeutil import now
from ..validate import InvalidInput
from .fetch import Fetched, FetchError, fetch

log = logging.getLogger(__name__)
MAX_RETRY_AFTER = 24 * 3600
IDLE_WAIT = 1.0  # seconds between looks at the table when nothing is due


class Follower:
    """Polls followed sources through the app's services (store, newsroom)."""

    def __init__(self, services: Any, config: Mapping[str, Any], name: str | None = None,
                 rng: random.Random | None = None) -> None:
        self.services = services
        self.sources = Sources(services.store)
        self.timeout = float(config["FOLLOW_TIMEOUT"])
        self.max_bytes = int(config["FOLLOW_MAX_BYTES"])
        self.max_backoff = int(config["FOLLOW_MAX_BACKOFF"])
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
        self.rng = rng or random.Random()

    @property
    def lease(self) -> float:
        """Long enough for a fetch, the import and its writes."""
        return 2 * self.timeout + 60

    def step(self, slug: str | None = None) -> Source | None:
        """Poll one due source (with `slug`: that blog's, due or not, unless another poller
        holds it); returns its new state, or None when there was nothing to do."""
        source = self.sources.claim(self.name, self.lease, slug=slug)
        if source is None:
            return None
        try:
            values = self._poll(source)
        except Exception as exc:  # noqa: BLE001 - one broken poll must not stop the loop
            log.exception("follow: %s: polling %s failed", source.slug, source.url)
            values = self._failed(source, f"internal error: {type(exc).__name__}")
        if not self.sources.finish(source, self.name, **values):
            log.warning("follow: %s: lease on %s ran out before the poll finished", source.slug, source.url)
        return self.sources.get(source.slug)

    def _poll(self, source: Source) -> dict[str, Any]:
        try:
            got = fetch(source.url, etag=source.etag, last_modified=source.last_modified,
                        timeout=self.timeout, max_bytes=self.max_bytes)
        except FetchError as exc:
            return self._failed(source, str(exc), exc.status, exc.retry_after)
        if got.status == 304:
            return self.succeeded(source, got, None)
        try:
            blog = self.services.store.require_blog(source.slug)
            parsed = ingest.parse(got.body, timezone=blog.timezone, language=blog.language)
            counts = self.services.newsroom.import_blog(source.slug, parsed)
        except (ingest.IngestError, InvalidInput, StoreError) as exc:
            message = getattr(exc, "message", None) or str(exc)
            return {**self._failed(source, message, got.status), "last_fetch": now()}
        return self.succeeded(source, got, counts)

    def succeeded(self, source: Source, got: Fetched, counts: Mapping[str, int] | None) -> dict[str, Any]:
        """Status after a good answer (`counts`: what its import changed; None for a 304)."""
        stamp = now()
        wait = max(source.interval, min(got.max_age or 0, self.max_backoff))
        done = {"last_fetch": stamp, "last_status": got.status, "last_error": None, "failures": 0,
                "next_poll": stamp + timedelta(seconds=wait)}
        if counts is None:
            return done
        if any(counts[k] for k in ("created", "updated", "deleted")):
            done["last_change"] = stamp
            log.info("follow: %s: %s", source.slug, counts)
        return {**done, "etag": got.etag, "last_modified": got.last_modified}

    def _failed(self, source: Source, message: str, status: int | None = None,
                retry_after: float | None = None) -> dict[str, Any]:
        """Status after a failed poll: the error, and a later next poll (exponential backoff
        with jitter, at least what Retry-After asked for)."""
        failures = source.failures + 1
        backoff = min(source.interval * 2.0 ** min(failures, 20), self.max_backoff)
        delay = max(source.interval, backoff * self.rng.uniform(0.5, 1.0))
        if retry_after is not None:
            delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
        log.warning("follow: %s: %s (%s); next try in %.0f s", source.slug, source.url, message, delay)
        return {"last_error": message[:500], "last_status": status, "failures": failures,
                "next_poll": now() + timedelta(seconds=delay)}

    def wait_time(self) -> float:
        """Seconds until the next poll is due (at most IDLE_WAIT, so new sources are seen)."""
        due = self.sources.next_due()
        if due is None:
            return IDLE_WAIT
        return min(IDLE_WAIT, max(0.0, (due - now()).total_seconds()))

    def run(self, stop: threading.Event) -> None:
        """Poll due sources until `stop` is set."""
        while not stop.is_set():
            try:
                # Claiming takes the write lock: only when a poll is due (a plain read says so).
                while not stop.is_set() and self.wait_time() == 0.0 and self.step() is not None:
                    pass
                pause = self.wait_time()
            except Exception:  # noqa: BLE001 - e.g. the database is briefly unavailable
                log.exception("follow: poller %s hit an error; retrying", self.name)
                pause = IDLE_WAIT
            stop.wait(pause or 0.05)


def follower_for(config: Mapping[str, Any], name: str | None = None) -> Follower:
    """A Follower for a worker process: it changes the store through a Newsroom that does not
    publish (the store's version bump is the signal; `serve`'s publisher rebuilds)."""
    values = settings_module.load(dict(config))
    store = Store(values["DATABASE_URL"])
    clips = ClipStore.in_data_dir(values["DATA_DIR"])
    newsroom = Newsroom(store, clips, None, max_entry_chars=values["MAX_ENTRY_CHARS"])
    return Follower(SimpleNamespace(store=store, newsroom=newsroom), values, name=name)


def run_follower(config: Mapping[str, Any], stop: threading.Event) -> None:
    """Entry point: follow every source until `stop` is set (a thread of a worker process)."""
    try:
        follower_for(config).run(stop)
    except Exception:  # noqa: BLE001 - a broken follower must not take the speech worker down
        log.exception("follow: the follower stopped")


def start_follower_thread(config: Mapping[str, Any], stop: threading.Event | None = None) -> threading.Thread:
    """Run `run_follower` in a daemon thread (it dies with its process)."""
    thread = threading.Thread(target=run_follower, args=(dict(config), stop or threading.Event()),
                              name="syndicate-follow", daemon=True)
    thread.start()
    return thread
