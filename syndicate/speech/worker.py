"""Background speech workers: lease a job, make the clip, record it.

Workers share nothing but the database, so they run as threads, as processes
(`syndicate worker`), or on other machines pointed at the same PostgreSQL database.
Failures are retried with exponential backoff; after SPEECH_RETRIES attempts the entry's
audio shows `failed` with the error, and `syndicate synth` asks again.

A worker never rebuilds published outputs: recording a clip bumps the blog's version, and
the publisher follows versions. While a worker speaks, a heartbeat thread renews its lease,
so a killed worker's job is taken up again within the lease (seconds), not minutes. An idle
worker only reads: it waits (backing off up to MAX_IDLE seconds, woken early by new work)
and claims a job only when one is due. It removes orphan clips (see
`ClipStore.remove_orphans`) when it starts, when its queue empties, and every SWEEP_SECONDS.
"""
from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from mutagen.mp3 import MP3

from ..clipstore import ClipStore
from ..model import Audio, Blog, Entry
from ..store import LEASE_SECONDS, Job, Store
from . import catchup
from .clip import ClipKey, clip_key, make_clip

log = logging.getLogger(__name__)
MAX_BACKOFF = 300.0  # longest wait before retrying a failed clip
MIN_IDLE, MAX_IDLE = 0.05, 1.0  # an idle worker looks at the queue this often, backing off
SWEEP_SECONDS = 300.0


class SpeechWorker:
    """Makes clips for queued entries, one at a time."""

    def __init__(self, store: Store, config: Mapping[str, Any], *, name: str | None = None,
                 lease: float = LEASE_SECONDS, clips: ClipStore | None = None) -> None:
        self.store = store
        self.config = config
        self.clips = clips or ClipStore.in_data_dir(config["DATA_DIR"])
        self.retries = int(config["SPEECH_RETRIES"])
        self.lease = lease
        # Unique per worker object: a lease names its holder, and a restarted worker is another.
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"

    def run_once(self) -> bool:
        """Process one due job; False when there was none."""
        job = self.store.claim_job(self.name, lease=self.lease)
        if job is None:
            return False
        try:
            with self._heartbeat(job):  # renewed while speaking; recording needs no renewal
                made = self._make(job)
            if made is not None:
                self._record(job, *made)
        except Exception as exc:  # noqa: BLE001 - any failure of one clip is retried, not fatal
            retry_in = None if job.attempts >= self.retries else min(2.0 ** job.attempts, MAX_BACKOFF)
            log.warning("speech: entry %s failed (attempt %d): %s", job.entry_id, job.attempts, exc)
            self.store.fail_job(job, f"{type(exc).__name__}: {exc}", retry_in=retry_in)
        return True

    @contextmanager
    def _heartbeat(self, job: Job) -> Iterator[None]:
        """Renew the job's lease every quarter lease until the block ends."""
        done = threading.Event()

        def beat() -> None:
            while not done.wait(self.lease / 4):
                try:
                    if not self.store.renew_lease(job, lease=self.lease):
                        log.warning("speech: %s lost the lease on entry %s", self.name, job.entry_id)
                        return
                except Exception:  # noqa: BLE001 - e.g. the database is briefly locked: try again
                    log.exception("speech: cannot renew the lease on entry %s", job.entry_id)

        thread = threading.Thread(target=beat, name=f"lease-{job.entry_id[:8]}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()

    def _make(self, job: Job) -> tuple[Blog, Entry, Audio] | None:
        """The entry's clip, made and written (or found on disk); None when the entry is gone."""
        pair = self.store.job_entry(job)
        if pair is None:
            self.store.drop_job(job)
            return None
        blog, entry = pair
        audio = self._current_clip(blog, entry)
        if audio is None:
            clip = make_clip(entry, blog, self.config)
            self.clips.write(clip.name, clip.mp3)
            audio = Audio("ready", clip.name, len(clip.mp3), clip.duration, clip.voice, clip.transcript,
                          cues=tuple(clip.cues))
        return blog, entry, audio

    def _record(self, job: Job, blog: Blog, entry: Entry, audio: Audio) -> None:
        done = self.store.finish_job(job, audio)
        if done.lost:  # another worker has the job: its clip may have this very name
            log.warning("speech: %s/%s was taken over by another worker", blog.slug, entry.id)
            return
        self.clips.remove(done.replaced)  # never leave a clip nobody uses
        if not done.kept:
            self.clips.remove(audio.file)  # the entry was deleted meanwhile
            return
        log.info("speech: %s/%s ready (%s, %.1f s)", blog.slug, entry.id, audio.voice, audio.duration or 0)

    def _current_clip(self, blog: Blog, entry: Entry) -> Audio | None:
        """The clip on disk that already says what this entry would say now, if any: the
        entry's own clip (whichever voice spoke it, e.g. the offline one after a gTTS
        failure), or one with the same name (the same words, voice and settings)."""
        old = entry.audio
        candidates: list[tuple[ClipKey, Audio | None]] = []
        if old is not None and old.file and old.voice:
            candidates.append((clip_key(entry, blog, self.config, voice=old.voice), old))
        candidates.append((clip_key(entry, blog, self.config), None))
        for key, previous in candidates:
            if self.clips.exists(key.name):
                path = self.clips.path(key.name)
                cues = previous.cues if previous is not None and previous.file == key.name else ()
                length = MP3(path).info.length  # type: ignore[attr-defined]  # info is None only before a load
                return Audio("ready", key.name, path.stat().st_size, length,
                             key.voice, key.transcript, cues=cues)
        return None

    def drain(self, limit: int | None = None) -> int:
        """Process jobs until none is due (or `limit` were done); returns how many."""
        done = 0
        while (limit is None or done < limit) and self.run_once():
            done += 1
        return done

    def remove_orphans(self) -> list[str]:
        """Remove clip files that no entry records and no job may still record."""
        return self.clips.remove_orphans(self.store.clips_in_use)

    def run(self, stop: threading.Event) -> None:
        """Work until `stop` is set. Idle, the worker reads the queue at most once every
        MAX_IDLE seconds (sooner when new work is signalled) and never takes the write lock.
        Orphan clips are swept at start, when the queue empties after work, and every
        SWEEP_SECONDS."""
        wakeup = self.store.wakeup()
        idle = MIN_IDLE
        next_sweep, worked = 0.0, False
        try:
            while not stop.is_set():
                try:
                    due = self.store.seconds_until_due()
                    if due == 0.0 and self.run_once():
                        idle, worked = MIN_IDLE, True
                        continue
                    if (worked and due is None) or time.monotonic() >= next_sweep:
                        self.remove_orphans()
                        next_sweep, worked = time.monotonic() + SWEEP_SECONDS, False
                    if due != 0.0:
                        catchup.run_due(self.store, self.config)  # catch-up episodes, when idle
                except Exception:  # noqa: BLE001 - e.g. the database is briefly locked: keep going
                    log.exception("speech: worker %s hit an error; retrying", self.name)
                    due = None
                wakeup.wait(idle if due is None else min(idle, max(due, MIN_IDLE)), stop)
                idle = min(2 * idle, MAX_IDLE)
        finally:
            wakeup.close()
