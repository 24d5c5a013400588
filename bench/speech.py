"""Figure 1: speech overhead. For each entry of the sample blog, the time from posting it to its
clip being published in the podcast feed, against the raw pipeline on the same text.

Posting is `Newsroom.add_entry` (what the API's POST does after validation). A `SpeechWorker`
runs in a thread of the same process, waiting for work as `syndicate serve`'s workers do, and
the publisher's watch rebuilds a blog when its version changes; the clock stops when the podcast
feed in the published tree lists the entry (the feed
only lists entries whose clip is ready, so that is when a podcast app can fetch it).

The raw pipeline is the engine's synthesis of the entry's prepared text (`prepare_speech`, not
timed) plus LAME encoding to the same format (CBR 96 kbps, 44.1 kHz mono, quality 2, LAME
resampling), called directly: no chunking, pauses, loudness, tags, queue or feeds.
"""
from __future__ import annotations

import resource
import threading
import time
from pathlib import Path

from .common import Context, Report, Row, fmt_ratio, fmt_seconds, median, profile, ratio, say, status
from .data import entry_fields, make_app, rebuild_costs, sample, services

TITLE = "Speech overhead"
METHOD = ("For each of the {count} entries of the bundled sample blog: `Newsroom.add_entry`, with a "
          "speech worker thread polling the queue every 50 ms in the same process, until the "
          "podcast feed in the published tree lists the entry (its clip is ready and published by the "
          "publisher's watch, every 0.05 s here). "
          "Baseline: the voice's `synthesize` on the entry's prepared text plus lameenc encoding to "
          "the same MP3 format, called directly. Each entry is posted to a fresh blog in each of "
          "{runs} rounds (so no clip is reused); value and baseline are the sums over the entries of "
          "each entry's median.")
TARGET = 1.2


def raw_pipeline(voice, text: str, bitrate: int = 96) -> tuple[bytes, float]:
    """The engine's synthesis plus MP3 encoding, nothing else. Returns (mp3, seconds of audio)."""
    import lameenc

    segment = voice.synthesize(text)
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(bitrate)
    encoder.set_in_sample_rate(segment.frame_rate)
    encoder.set_out_sample_rate(44100)
    encoder.set_channels(1)
    encoder.set_quality(2)
    mp3 = bytes(encoder.encode(segment.raw_data) + encoder.flush())
    return mp3, len(segment) / 1000


def clip_error(store, slug: str, entry_id: str) -> str | None:
    entry = store.get_entry(slug, entry_id)
    if entry is not None and entry.audio is not None and entry.audio.status == "failed":
        return entry.audio.error or "failed"
    return None


def cpu_with_children() -> float:
    """CPU seconds of this process and of the children it has waited for (flite runs as one)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def wait_for(path: Path, needle: bytes, failed=lambda: None, timeout: float = 60.0, poll: float = 0.002) -> None:
    """Wait until the file at `path` contains `needle`; `failed()` returns an error message when
    waiting is pointless (checked every 50 polls)."""
    deadline = time.monotonic() + timeout
    polls = 0
    while time.monotonic() < deadline:
        try:
            if needle in path.read_bytes():
                return
        except OSError:
            pass
        polls += 1
        if polls % 50 == 0 and (error := failed()):
            raise RuntimeError(f"speech: the clip failed: {error}")
        time.sleep(poll)
    raise TimeoutError(f"speech: {path.name} did not list the entry within {timeout:g} s")


def run(ctx: Context) -> Report:
    from syndicate.links import episode_guid
    from syndicate.speech.prepare import prepare_speech
    from syndicate.speech.voices import choose_voice
    from syndicate.speech.worker import SpeechWorker

    source = sample()
    items = source.entries[:2] if ctx.quick else source.entries
    runs = 1 if ctx.quick else 3
    app = make_app(ctx.folder("speech"))
    svc = services(app)
    config = app.config
    voice = choose_voice(source.language, "offline")
    feeds = svc.settings.tree / "blogs"

    posted: list[list[float]] = [[] for _ in items]
    raw: list[list[float]] = [[] for _ in items]
    drained: list[float] = []
    durations = [0.0 for _ in items]
    raw_cpu: list[tuple[float, float]] = []  # (audio seconds, CPU seconds) of the raw pipeline

    stop = threading.Event()
    worker = SpeechWorker(svc.store, config, name="bench-speech")
    thread = threading.Thread(target=worker.run, args=(stop,), name="bench-speech", daemon=True)
    thread.start()
    watcher = svc.publisher.watch(stop, interval=0.05)  # as in `serve`: publishes what workers change
    try:
        for round_ in range(runs):
            slug = f"speech-{round_}"
            svc.newsroom.create_blog(slug, source.blog_fields())
            blog = svc.store.get_blog(slug)
            feed = feeds / slug / "podcast.xml"
            for i, item in enumerate(items):
                say(f"speech: round {round_ + 1}/{runs}, entry {i + 1}/{len(items)}")
                fields = entry_fields(item)
                start = time.perf_counter()
                entry = svc.newsroom.add_entry(slug, fields)
                wait_for(feed, episode_guid(entry.id).encode(),
                         lambda slug=slug, entry=entry: clip_error(svc.store, slug, entry.id))
                posted[i].append(time.perf_counter() - start)

                text = prepare_speech(entry, timezone=blog.timezone, language=blog.language)
                cpu = cpu_with_children()
                start = time.perf_counter()
                _, seconds = raw_pipeline(voice, text, int(config["MP3_BITRATE"]))
                raw[i].append(time.perf_counter() - start)
                raw_cpu.append((seconds, cpu_with_children() - cpu))
                durations[i] = seconds
    finally:
        stop.set()
        thread.join(timeout=30)
        watcher.join(timeout=30)

    # The same without the polling worker: post, then run the job at once in this thread.
    slug = "speech-drain"
    svc.newsroom.create_blog(slug, source.blog_fields())
    for item in items:
        fields = entry_fields(item)
        start = time.perf_counter()
        svc.newsroom.add_entry(slug, fields)
        worker.run_once()
        drained.append(time.perf_counter() - start)
    rebuild, cover = rebuild_costs(svc, "speech-0", 3 if ctx.quick else 5)
    if ctx.profile is not None:
        say("speech: profiling post + clip + publish")
        slug = "speech-profile"
        svc.newsroom.create_blog(slug, source.blog_fields())
        pending = iter(items)

        def post_and_speak() -> None:
            svc.newsroom.add_entry(slug, entry_fields(next(pending)))
            worker.run_once()

        profile(post_and_speak, min(len(items), 6), ctx.profile / "speech-post-to-feed")
    svc.store.close()

    value = sum(median(s) for s in posted)
    base = sum(median(s) for s in raw)
    r = ratio(value, base)
    per_entry = sorted(ratio(median(p), median(b)) for p, b in zip(posted, raw, strict=True))
    drained_ratio = ratio(sum(drained), sum(raw[i][-1] for i in range(len(items))))
    # Audio seconds per CPU second of the raw pipeline: the baseline of figure 2's throughput.
    ctx.shared["raw_audio_per_cpu"] = sum(a for a, _ in raw_cpu) / max(1e-9, sum(c for _, c in raw_cpu))
    report = Report(TITLE, METHOD.format(count=len(items), runs=runs))
    report.rows.append(Row(
        f"1. Speech: post → clip in podcast feed ({len(items)} entries, {sum(durations):.0f} s of speech)",
        fmt_seconds(value), fmt_seconds(base) + " raw synthesis + MP3", fmt_ratio(r, TARGET), f"≤ {TARGET}",
        status(r <= TARGET),
        f"median per entry over {runs} rounds; per-entry ratios {fmt_ratio(per_entry[0])}–{fmt_ratio(per_entry[-1])}"
        f" (median {fmt_ratio(median(per_entry))}); voice {voice.id}"))
    report.details.append(
        f"without the 50 ms polling worker (post, then run the job at once in the same thread): "
        f"{fmt_seconds(sum(drained))} for the same entries, ratio {fmt_ratio(drained_ratio)} against "
        f"the raw pipeline of the last round")
    report.details.append(f"per entry: posting {fmt_seconds(value / len(items))}, raw "
                          f"{fmt_seconds(base / len(items))}, audio {sum(durations) / len(items):.1f} s "
                          "(means of the medians)")
    redraw = cover > 0.001
    report.details.append(
        f"every post rebuilds the blog's outputs twice (when posted, and when its clip is ready): one "
        f"rebuild took {fmt_seconds(rebuild)}"
        + (f", of which {fmt_seconds(cover)} redraws and PNG-encodes the 1400 px cover, although it only "
           f"depends on the blog's title and status" if redraw else ""))
    if r > TARGET:
        saving = len(items) * (2 * cover + 0.025)
        report.misses.append(
            f"posting to publishing took {fmt_ratio(r)} × the raw pipeline (target {TARGET}); without the "
            f"worker's 50 ms polling it was {fmt_ratio(drained_ratio)} ×. Beyond synthesis and encoding, "
            f"each entry costs two rebuilds of the blog's outputs ({fmt_seconds(2 * rebuild)} in all"
            + (f", {fmt_seconds(2 * cover)} of it re-encoding an unchanged cover PNG" if redraw else "")
            + "), the text prepared twice (`clip_key`, then `make_clip`), loudness, limiting, resampling "
            "and tagging. "
            + ("Caching the cover by what it shows (title, status, uuid) instead of the blog version, and "
               if redraw else "")
            + f"waking the worker on a new job instead of polling would bring it to about "
            f"{fmt_ratio(ratio(value - saving, base))} ×.")
    return report
