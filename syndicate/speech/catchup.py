"""Catch-up episodes: the story so far in one MP3, made from the clips that already exist.

Someone who opens a podcast app an hour into a story gets one episode instead of forty: a short
spoken opening ("Catch-up: Storm Ana comes ashore, as of 14:00 GMT. Eight updates."), then each
entry's clip, oldest first, each after a short spoken cue (its time). Key events only when the
blog marks any; every entry otherwise. Entry text is never spoken again: the clips' encoded
frames are joined (`mp3join`), and only the opening and the cues are synthesised, by the offline
voice, at the clips' loudness and encoding, and cached by what they say.

Chapters (one per entry) go into the MP3 as ID3v2 CHAP/CTOC frames, and into the store, from
which the publisher builds the Podcasting 2.0 chapters document (`formats.catchup`).

`run_due(store, config)` is the one entry point: the speech worker calls it when its queue is
empty. A live blog's episode is remade at most every CATCHUP_MINUTES, and only when what it
would say changed; an ended blog gets its final one at once.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from mutagen.id3 import CHAP, COMM, CTOC, ID3, TALB, TIT2, TLAN, WXXX, CTOCFlags

from ..clipstore import ClipStore, clip_root
from ..config import DEFAULT_BASE_URL
from ..formats.common import blog_zone, item_title
from ..links import Links
from ..model import Audio, Blog, Catchup, Chapter, Entry
from ..timeutil import ensure_utc, now
from ..transcripts import estimate_cues
from ..tree import write_atomic
from ..views.formatting import format_clock
from . import audio, mp3join
from .clip import ISO_639_2, PIPELINE_VERSION, _setting
from .prepare import normalise
from .voices import choose_voice, language_tag, render

log = logging.getLogger(__name__)

# guids of catch-up episodes: uuid5 of "<blog uuid>:<digest>" in this namespace. Never change it.
CATCHUP_NAMESPACE = uuid.UUID("9e1c7c1a-4f0b-5b8e-8c55-2a7d0f3e6b41")
CHECK_SECONDS = 5.0  # how often an idle worker looks for a due catch-up
_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
            "eleven", "twelve")
_last_check = [0.0]


def audio_root(config: Mapping[str, Any]) -> Path:
    """The clip store's root, where clips and catch-up episodes live (one place to change)."""
    return clip_root(config["DATA_DIR"])


def _cue_cache(config: Mapping[str, Any]) -> Path:
    return Path(config["DATA_DIR"]) / "cache" / "cues"


def _links(config: Mapping[str, Any]) -> Links:
    # The same public root the publisher uses for the files it writes (see Settings.public_url):
    # BASE_URL, else the address `serve` listens on (its workers are given its settings).
    return Links(config.get("BASE_URL") or config.get("LISTEN_URL") or DEFAULT_BASE_URL)


def chosen_entries(entries: Sequence[Entry]) -> list[Entry]:
    """What the episode tells, oldest first: the key events when there are any, else every
    entry; only entries whose clip is ready."""
    live = [e for e in entries if e.deleted is None]
    if any(e.key_event for e in live):
        live = [e for e in live if e.key_event]
    spoken = [e for e in live if e.audio is not None and e.audio.ready]
    return sorted(spoken, key=lambda e: (ensure_utc(e.published), e.id))



def _clip(entry: Entry) -> Audio:
    """The clip of an entry that `chosen_entries` chose (so it has a ready one)."""
    assert entry.audio is not None and entry.audio.ready, entry.id
    return entry.audio


def _clip_file(entry: Entry) -> str:
    """The clip file of an entry that `chosen_entries` chose."""
    file = _clip(entry).file
    assert file is not None, entry.id  # ready clips have a file
    return file


def opening_text(blog: Blog, chosen: Sequence[Entry]) -> str:
    """ "Catch-up: Storm Ana comes ashore, as of 14:00 GMT. Eight updates." """
    as_of = max(e.published for e in chosen)
    count = len(chosen)
    noun = "key events" if any(e.key_event for e in chosen) else "updates"
    number = _NUMBERS[count] if count < len(_NUMBERS) else str(count)
    noun = noun[:-1] if count == 1 else noun
    return (f"Catch-up: {blog.title.strip() or blog.slug}, as of "
            f"{format_clock(as_of, blog.timezone, blog.language)}. {number.capitalize()} {noun}.")


def cue_text(blog: Blog, entry: Entry) -> str:
    """The cue before an entry: its time ("14:05 GMT.")."""
    return format_clock(entry.published, blog.timezone, blog.language) + "."


def recipe_digest(blog: Blog, chosen: Sequence[Entry], voice: str, settings: Mapping[str, Any]) -> str:
    """A digest of everything the episode is made from: when it changes, so does the guid."""
    recipe = [blog.uuid, blog.title, blog.language, blog.timezone, voice, PIPELINE_VERSION, "catch-up 1",
              float(_setting(settings, "LOUDNESS_LUFS")), float(_setting(settings, "TRUE_PEAK_DBTP")),
              int(_setting(settings, "MP3_BITRATE")), [(e.id, _clip(e).file, e.key_event) for e in chosen]]
    return hashlib.sha256(json.dumps(recipe, ensure_ascii=False).encode("utf-8")).hexdigest()


def catchup_guid(blog: Blog, digest: str) -> str:
    return uuid.uuid5(CATCHUP_NAMESPACE, f"{blog.uuid}:{digest}").urn


def catchup_name(blog: Blog, digest: str) -> str:
    """`<slug>/<blog uuid hex>-<12 hex>.mp3`: beside the blog's clips, in the clips' name shape
    (so it is served like one: immutable, with ranges), never an entry's name."""
    return f"{blog.slug}/{uuid.UUID(blog.uuid).hex}-{digest[:12]}.mp3"


def spoken_cue(text: str, blog: Blog, settings: Mapping[str, Any], cache: Path) -> tuple[bytes, list]:
    """The MP3 of a short spoken `text` with its cues, made like a clip (same loudness, bit
    rate and encoder), by the offline voice, and cached by text, voice and settings."""
    voice = choose_voice(blog.language or "en", "offline")
    spoken = normalise(text, blog.language or "en")
    rate = int(_setting(settings, "MP3_BITRATE"))
    key = json.dumps([spoken, voice.id, float(_setting(settings, "LOUDNESS_LUFS")),
                      float(_setting(settings, "TRUE_PEAK_DBTP")), rate, PIPELINE_VERSION])
    name = hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]
    mp3_path, cues_path = cache / f"{name}.mp3", cache / f"{name}.json"
    if mp3_path.is_file() and cues_path.is_file():
        return mp3_path.read_bytes(), json.loads(cues_path.read_text(encoding="utf-8"))
    pieces, _ = render(voice, [spoken])
    joined, cues = audio.assemble([[(text, pieces[0])]])  # the written words for the transcript
    samples = audio.normalise(audio.to_float(joined), joined.frame_rate,
                              float(_setting(settings, "LOUDNESS_LUFS")), float(_setting(settings, "TRUE_PEAK_DBTP")))
    mp3, _ = audio.encode(samples, joined.frame_rate, bitrate=rate)
    write_atomic(mp3_path, mp3)
    write_atomic(cues_path, json.dumps(cues).encode("utf-8"))
    return mp3, cues


def _tags(blog: Blog, title: str, chapters: Sequence[Chapter], links: Links) -> ID3:
    tags = ID3()
    tags.add(TIT2(encoding=3, text=title))
    tags.add(TALB(encoding=3, text=blog.title))
    lang = language_tag(blog.language or "en")
    tags.add(TLAN(encoding=3, text=ISO_639_2.get(lang.split("-")[0], lang)))  # ID3 wants ISO 639-2
    tags.add(COMM(encoding=3, lang="eng", desc="", text="Made from the live blog's spoken updates."))
    ids = [f"ch{n}" for n in range(1, len(chapters) + 1)]
    tags.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
                  sub_frames=[TIT2(encoding=3, text=title)]))
    for element_id, chapter in zip(ids, chapters, strict=True):
        tags.add(CHAP(element_id=element_id, start_time=round(chapter.start * 1000),
                      end_time=round(chapter.end * 1000),
                      sub_frames=[TIT2(encoding=3, text=chapter.title),
                                  WXXX(encoding=3, desc="", url=links.entry(blog.slug, chapter.entry_id))]))
    return tags


def make_catchup(blog: Blog, entries: Sequence[Entry], config: Mapping[str, Any]) -> tuple[Catchup, bytes] | None:
    """The catch-up episode of `blog` from its live `entries` (with transcripts), and its MP3
    bytes; None when no entry has a clip yet. Reads the clips; writes only the cue cache."""
    chosen = chosen_entries(entries)
    root = audio_root(config)
    chosen = [e for e in chosen if (root / _clip_file(e)).is_file()]
    if not chosen:
        return None
    cache, tz, links = _cue_cache(config), blog_zone(blog), _links(config)
    voice = choose_voice(blog.language or "en", "offline").id
    digest = recipe_digest(blog, chosen, voice, config)
    opening = opening_text(blog, chosen)
    parts, texts = [], []  # Frames per part, and (cues, kind) per part
    mp3, cues = spoken_cue(opening, blog, config, cache)
    parts.append(mp3join.frames(mp3))
    texts.append(cues)
    for entry in chosen:
        mp3, cues = spoken_cue(cue_text(blog, entry), blog, config, cache)
        parts.append(mp3join.frames(mp3))
        texts.append(cues)
        clip = _clip(entry)
        parts.append(_clip_frames((root / _clip_file(entry)).read_bytes(), config))
        texts.append(list(clip.cues) or estimate_cues(clip.transcript or "", clip.duration or 0.0))
    data, placed, duration = mp3join.join(parts)
    all_cues = [(round(place.start + a, 3), round(place.start + b, 3), text)
                for place, part_cues in zip(placed, texts, strict=True) for a, b, text in part_cues]
    chapters = []
    for n, entry in enumerate(chosen):
        start = 0.0 if n == 0 else placed[1 + 2 * n].offset  # the first one takes the opening in
        end = placed[3 + 2 * n].offset if n + 1 < len(chosen) else duration
        chapters.append(Chapter(round(start, 3), round(end, 3), entry.id, item_title(entry, tz)))
    title = opening.split(". ")[0]
    tags = _tags(blog, title, chapters, links)
    buffer = _with_tags(data, tags)
    episode = Catchup(file=catchup_name(blog, digest), bytes=len(buffer), duration=round(duration, 3),
                      guid=catchup_guid(blog, digest), digest=digest, as_of=max(e.published for e in chosen),
                      made_at=now(), chapters=tuple(chapters), cues=tuple(all_cues), final=blog.status == "ended")
    return episode, buffer


def _with_tags(frames: bytes, tags: ID3) -> bytes:
    out = io.BytesIO(frames)
    tags.save(out)
    return out.getvalue()


def _clip_frames(data: bytes, config: Mapping[str, Any]) -> mp3join.Frames:
    """A clip's frames; a clip in another format (made with other settings) is decoded and
    encoded again like the rest, so that the parts join."""
    try:
        found = mp3join.frames(data)
        if found.kbps == int(_setting(config, "MP3_BITRATE")) and found.rate == audio.OUTPUT_RATE and found.mono:
            return found
    except mp3join.NotJoinable:
        pass
    import soundfile  # noqa: PLC0415 - needed only for a clip made with other settings

    samples, rate = soundfile.read(io.BytesIO(data), dtype="float32", always_2d=True)
    mp3, _ = audio.encode(samples.mean(axis=1), rate, bitrate=int(_setting(config, "MP3_BITRATE")))
    return mp3join.frames(mp3)


def is_due(blog: Blog, current: Catchup | None, digest: str, config: Mapping[str, Any], at: datetime,
           live: Sequence[Entry] = ()) -> bool:
    """Whether to make the episode now: what it says changed, and the blog ended (the final
    one, at once), an entry it tells was deleted (at once: it may have been withdrawn), or the
    last one is CATCHUP_MINUTES old. `live`: the blog's live entries."""
    if current is not None and current.digest == digest:
        return False
    if blog.status == "ended" or current is None:
        return True
    if {c.entry_id for c in current.chapters} - {e.id for e in live}:
        return True
    return at - ensure_utc(current.made_at) >= timedelta(minutes=float(config.get("CATCHUP_MINUTES", 5.0)))


def refresh(store: Any, config: Mapping[str, Any], slug: str, *, at: datetime | None = None) -> Catchup | None:
    """Make the blog's catch-up episode if it is due (see `is_due`); returns the new one."""
    at = at or now()
    blog = store.get_blog(slug)
    if blog is None:
        return None
    # Deciding needs the clips' names only; the transcripts are read when it is made.
    live = store.list_entries(slug, order="oldest")
    chosen = [e for e in chosen_entries(live) if (audio_root(config) / _clip_file(e)).is_file()]
    if not chosen:
        if store.get_catchup(slug) is None:
            return None  # nothing to withdraw: a read, never the write lock of an idle worker
        gone = store.delete_catchup(slug)  # every entry it told was deleted
        if gone:
            (audio_root(config) / gone).unlink(missing_ok=True)
        return None
    current = store.get_catchup(slug)
    digest = recipe_digest(blog, chosen, choose_voice(blog.language or "en", "offline").id, config)
    if current is not None and current.digest == digest and blog.status == "ended" and not current.final:
        store.mark_catchup_final(slug, at)  # it already says everything
        return None
    if not is_due(blog, current, digest, config, at, live):
        return None
    started = time.perf_counter()
    made = make_catchup(blog, store.list_entries(slug, order="oldest", transcripts=True), config)
    if made is None:
        return None
    episode, data = made
    ClipStore(audio_root(config)).write(episode.file, data)
    replaced = store.save_catchup(slug, episode)
    if replaced:
        (audio_root(config) / replaced).unlink(missing_ok=True)
    log.info("catch-up: %s made from %d entries, %.0f s of audio, in %.2f s", slug, len(episode.chapters),
             episode.duration, time.perf_counter() - started)
    return episode


def run_due(store: Any, config: Mapping[str, Any], *, force: bool = False) -> int:
    """Entry point for the speech worker: when idle, make every catch-up episode that is due
    (looking at most every CHECK_SECONDS). Returns how many were made. Negative CATCHUP_MINUTES
    turns catch-up episodes off."""
    if float(config.get("CATCHUP_MINUTES", 5.0)) < 0:
        return 0
    clock = time.monotonic()
    if not force and clock - _last_check[0] < CHECK_SECONDS:
        return 0
    _last_check[0] = clock
    made = 0
    try:
        slugs = [blog.slug for blog in store.list_blogs()]
    except Exception:  # noqa: BLE001 - e.g. the database is briefly locked: next time
        log.exception("catch-up: cannot list the blogs")
        return 0
    for slug in slugs:
        try:
            made += refresh(store, config, slug) is not None
        except Exception:  # noqa: BLE001 - one blog's failure must not stop the others or the worker
            log.exception("catch-up: %s failed", slug)
    return made
