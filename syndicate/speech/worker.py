"""Background speech workers: lease a job, make the clip, publish it.

Workers share nothing but the database, so they run as threads, as processes
(`syndicate worker`), or on other machines pointed at the same PostgreSQL database.
Failures are retried with exponential backoff; after SPEECH_RETRIES attempts the entry's
audio shows `failed` with the error, and `syndicate synth` asks again.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
from pathlib import Path
from typing import Any, Mapping

from mutagen.mp3 import MP3

from ..model import Audio, Blog, Entry
from ..publish import Publisher
from ..store import Job, Store
from . import catchup
from .clip import clip_key, make_clip, write_atomic

log = logging.getLogger(__name__)
MAX_BACKOFF = 300.0


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass  # not empty, or already gone


class SpeechWorker:
    """Makes clips for queued entries, one at a time."""

    def __init__(self, store: Store, config: Mapping[str, Any], publisher: Publisher | None = None,
                 name: str | None = None) -> None:
        self.store = store
        self.config = config
        self.publisher = publisher
        self.audio_dir = Path(config["DATA_DIR"]) / "audio"
        self.retries = int(config["SPEECH_RETRIES"])
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"

    def run_once(self) -> bool:
        """Process one due job; False when there was none."""
        job = self.store.claim_job(self.name)
        if job is None:
            return False
        try:
            self._process(job)
        except Exception as exc:  # noqa: BLE001 - any failure of one clip is retried, not fatal
            retry_in = None if job.attempts >= self.retries else min(2.0 ** job.attempts, MAX_BACKOFF)
            log.warning("speech: entry %s failed (attempt %d): %s", job.entry_id, job.attempts, exc)
            self.store.fail_job(job, f"{type(exc).__name__}: {exc}", retry_in=retry_in)
            if retry_in is None and self.publisher is not None:
                pair = self.store.job_entry(job)
                if pair:
                    self.publisher.blog_changed(pair[0].slug)
        return True

    def _process(self, job: Job) -> None:
        pair = self.store.job_entry(job)
        if pair is None:
            self.store.drop_job(job)
            return
        blog, entry = pair
        audio = self._current_clip(blog, entry)
        if audio is None:
            clip = make_clip(entry, blog, self.config)
            write_atomic(self.audio_dir / clip.name, clip.mp3)
            audio = Audio("ready", clip.name, len(clip.mp3), clip.duration, clip.voice, clip.transcript,
                          cues=tuple(clip.cues))
        kept, replaced = self.store.finish_job(job, audio)
        for unused in (replaced, None if kept else audio.file):  # never leave a clip nobody uses
            if unused:
                (self.audio_dir / unused).unlink(missing_ok=True)
        if not kept:
            _remove_if_empty(self.audio_dir / blog.slug)
            return
        log.info("speech: %s/%s ready (%s, %.1f s)", blog.slug, entry.id, audio.voice, audio.duration or 0)
        if self.publisher is not None:
            self.publisher.blog_changed(blog.slug)

    def _current_clip(self, blog: Blog, entry: Entry) -> Audio | None:
        """The clip on disk that already says what this entry would say now, if any: the
        entry's own clip (whichever voice spoke it, e.g. the offline one after a gTTS
        failure), or one with the same name (the same words, voice and settings)."""
        old = entry.audio
        candidates = []
        if old is not None and old.file and old.voice:
            candidates.append((clip_key(entry, blog, self.config, voice=old.voice), old))
        candidates.append((clip_key(entry, blog, self.config), None))
        for key, previous in candidates:
            path = self.audio_dir / key.name
            if path.is_file():
                cues = previous.cues if previous is not None and previous.file == key.name else ()
                return Audio("ready", key.name, path.stat().st_size, MP3(path).info.length,
                             key.voice, key.transcript, cues=cues)
        return None

    def drain(self, limit: int | None = None) -> int:
        """Process jobs until none is due (or `limit` were done); returns how many."""
        done = 0
        while (limit is None or done < limit) and self.run_once():
            done += 1
        return done

    def run(self, stop: threading.Event, poll: float = 0.05) -> None:
        """Work until `stop` is set, polling the queue when it is empty."""
        while not stop.is_set():
            try:
                busy = self.run_once()
            except Exception:  # noqa: BLE001 - e.g. the database is briefly locked: keep going
                log.exception("speech: worker %s hit an error; retrying", self.name)
                busy = False
            if not busy:
                catchup.run_due(self.store, self.config)  # catch-up episodes (speech/catchup.py)
                stop.wait(poll)
