"""Figure 6: what a catch-up episode of 100 entries costs, against synthesising those entries.

The entries are spoken first by a speech worker (the baseline: what the clips cost). Then the
catch-up episode is made from them: cold (the opening and the 100 cues synthesised into an empty
cue cache) and warm (cues cached, as when an episode is remade with one more entry). Also
measured, for the choice made in `speech/mp3join.py`: decoding every part and encoding the whole
again, and the loudness of both results; and, for the optional Opus alternate of each clip, what
encoding the same audio to Ogg Opus at ~24 kbps costs against encoding it to MP3.
"""
from __future__ import annotations

import io
import time

from .common import Context, Report, Row, fmt_ratio, fmt_seconds, median, ratio, say, status
from .data import entry_fields, make_app, numbered, sample, services

TITLE = "Catch-up episode"
METHOD = ("A blog of {count} entries cycled from the bundled sample is spoken by a `SpeechWorker` "
          "(`drain`, in this process; the baseline). Then `speech.catchup.make_catchup` joins the clips' "
          "MP3 frames with a spoken opening and one cue per entry: once with an empty cue cache (cold), "
          "then (median of {runs}) with the cues cached (warm, the usual remake). The alternative, decoding "
          "every part (libsndfile) and encoding the whole again (lameenc, same settings), is timed once.")
TARGET = 0.1  # a small fraction of synthesising the entries


def _reencode(parts: list[bytes], bitrate: int) -> tuple[bytes, float]:
    import numpy as np
    import soundfile

    from syndicate.speech import audio

    decoded = [soundfile.read(io.BytesIO(part), dtype="float32")[0] for part in parts]
    joined = np.concatenate(decoded)
    mp3, seconds = audio.encode(joined, 44100, bitrate=bitrate)
    return mp3, seconds


def _lufs(mp3: bytes) -> float:
    import pyloudnorm
    import soundfile

    samples, rate = soundfile.read(io.BytesIO(mp3), dtype="float32")
    return pyloudnorm.Meter(rate).integrated_loudness(samples)


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _opus_vs_mp3(mp3: bytes, bitrate: int) -> tuple[float, float, float]:
    """(Opus seconds, MP3 seconds, Opus kbps) to encode the decoded audio of `mp3`."""
    import numpy as np
    import scipy.signal
    import soundfile

    from syndicate.speech import audio

    samples, rate = soundfile.read(io.BytesIO(mp3), dtype="float32")
    seconds = samples.size / rate

    def opus() -> bytes:
        out = io.BytesIO()
        low = scipy.signal.resample_poly(samples, 160, 441).astype(np.float32)  # Opus takes 8-48 kHz
        with soundfile.SoundFile(out, "w", samplerate=16000, channels=1, format="OGG", subtype="OPUS",
                                 compression_level=0.9) as handle:  # ~24 kbps for speech
            handle.write(low)
        return out.getvalue()

    made = opus()  # once untimed each: the first call loads the codec
    audio.encode(samples, rate, bitrate=bitrate)
    opus_time = median(_timed(opus) for _ in range(3))
    mp3_time = median(_timed(lambda: audio.encode(samples, rate, bitrate=bitrate)) for _ in range(3))
    return opus_time, mp3_time, len(made) * 8 / seconds / 1000


def run(ctx: Context) -> Report:
    from syndicate.speech import catchup
    from syndicate.speech.worker import SpeechWorker

    count = 5 if ctx.quick else 100
    runs = 1 if ctx.quick else 3
    source = sample()
    app = make_app(ctx.folder("catchup"))
    svc = services(app)
    config = app.config
    slug = "catchup"
    svc.newsroom.create_blog(slug, source.blog_fields())
    for item in numbered(source, count):
        svc.newsroom.add_entry(slug, entry_fields(item))
    say(f"catchup: speaking {count} entries")
    worker = SpeechWorker(svc.store, config, name="bench-catchup")
    start = time.perf_counter()
    worker.drain()
    synthesis = time.perf_counter() - start

    blog = svc.store.get_blog(slug)
    entries = svc.store.list_entries(slug, order="oldest", transcripts=True)
    say("catchup: making the episode (cold cue cache)")
    start = time.perf_counter()
    episode, data = catchup.make_catchup(blog, entries, config)
    cold = time.perf_counter() - start
    warm_samples = []
    for _ in range(runs):
        start = time.perf_counter()
        catchup.make_catchup(blog, entries, config)
        warm_samples.append(time.perf_counter() - start)
    warm = median(warm_samples)

    say("catchup: the decode + encode alternative")
    root = catchup.audio_root(config)
    cache = catchup._cue_cache(config)
    parts = [catchup.spoken_cue(catchup.opening_text(blog, entries), blog, config, cache)[0]]
    for entry in catchup.chosen_entries(entries):
        parts.append(catchup.spoken_cue(catchup.cue_text(blog, entry), blog, config, cache)[0])
        parts.append((root / entry.audio.file).read_bytes())
    start = time.perf_counter()
    again, _ = _reencode(parts, int(config["MP3_BITRATE"]))
    reencode = time.perf_counter() - start
    joined_lufs, reencoded_lufs = _lufs(data), _lufs(again)
    clip_lufs = median(_lufs((root / e.audio.file).read_bytes()) for e in entries[:10])
    opus_time, mp3_time, opus_kbps = _opus_vs_mp3(parts[2], int(config["MP3_BITRATE"]))
    svc.store.close()

    r = ratio(warm, synthesis)
    report = Report(TITLE, METHOD.format(count=count, runs=runs))
    report.rows.append(Row(
        f"7. Catch-up episode of {count} entries ({episode.duration / 60:.0f} min), cues cached",
        fmt_seconds(warm), fmt_seconds(synthesis) + " synthesising the entries",
        f"{r:.4f}" if r < 0.01 else fmt_ratio(r, TARGET),
        f"≤ {TARGET}", status(r <= TARGET),
        f"cold (opening and {count} cues synthesised): {fmt_seconds(cold)}, ratio {fmt_ratio(ratio(cold, synthesis))}; "
        f"decode + encode instead of joining frames: {fmt_seconds(reencode)}"))
    report.details.append(
        f"loudness: joined frames {joined_lufs:.2f} LUFS, decoded and encoded again {reencoded_lufs:.2f} LUFS, "
        f"single clips (median of 10) {clip_lufs:.2f} LUFS: joining keeps the clips' loudness at no cost, "
        f"so the episode is made by joining")
    report.details.append(
        f"Opus alternate (not made): encoding one clip's audio to Ogg Opus at {opus_kbps:.0f} kbps "
        f"(libsndfile, 16 kHz) took {fmt_seconds(opus_time)} against {fmt_seconds(mp3_time)} for its MP3, "
        f"{fmt_ratio(ratio(opus_time, mp3_time))} × the MP3 encoding of every clip")
    return report
