"""Whole clips with the real offline voices: format, loudness, peaks, tags, timing, names."""
from __future__ import annotations

import io
import math
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pyloudnorm
import pytest
import soundfile
from mutagen.id3 import ID3
from scipy.signal import resample_poly
from test_speech_audio import mp3_frames

from syndicate import config
from syndicate.clipstore import ClipStore
from syndicate.model import Blog, Entry, Media
from syndicate.speech import clip_key, festival, make_clip
from syndicate.speech.flite import executable as flite_executable

MOMENT = datetime(2024, 3, 5, 1, 30, tzinfo=UTC)
ENGLISH = f"festival:{festival.VOICE}" if festival.has_voice() else "flite:slt"  # the best installed
CASES = {
    "en": ("Rescue teams reach Antakya", "Rescue teams travelled 4,500 km overnight. Mr. Smith said 12% of "
           "buildings were damaged. The U.S. pledged $1.5 million in aid.", ENGLISH),
    "vi": ("Đội cứu hộ đến Antakya", "Đoàn xe cứu hộ đã đi 4.500 km trong đêm. Ông Smith nói 12% các tòa nhà "
           "bị hư hại. Mỹ cam kết viện trợ 1,5 triệu đô la.", "espeak-ng:vi"),
    "hi": ("बचाव दल अंताक्या पहुंचा", "बचाव दल ने रात भर में 4,500 किलोमीटर की यात्रा की। अधिकारियों ने कहा कि "
           "12% इमारतें क्षतिग्रस्त हुईं। सरकार ने राहत की घोषणा की।", "espeak-ng:hi"),
}


def blog_for(language: str) -> Blog:
    return Blog(slug="quake", title="Earthquake live", uuid="u", created=MOMENT, updated=MOMENT,
                language=language, timezone="Asia/Ho_Chi_Minh", author="The Newsroom")


def entry_for(language: str, **changes) -> Entry:
    headline, text, _ = CASES[language]
    entry = Entry(id="0123456789abcdef0123456789abcdef", published=MOMENT, updated=MOMENT, headline=headline,
                  text=text, media=(Media(caption="Rescuers search the rubble (L). Photo: Jane Doe/Reuters",
                                          credit="Jane Doe/Reuters"),))
    return replace(entry, **changes)


@pytest.fixture(scope="module", params=["en", "vi", "hi"])
def made(request):
    language = request.param
    if CASES[language][2] == "flite:slt" and flite_executable() is None:
        pytest.skip("flite is not installed (apt install flite): English would use espeak-ng")
    return language, make_clip(entry_for(language), blog_for(language), {})


def decoded(mp3: bytes) -> tuple[np.ndarray, int]:
    samples, rate = soundfile.read(io.BytesIO(mp3), dtype="float64")
    return samples, rate


def test_the_voice_is_the_best_for_the_language(made):
    language, clip = made
    assert clip.voice == CASES[language][2]


def test_the_mp3_is_44k_mono_cbr(made):
    _, clip = made
    info = soundfile.info(io.BytesIO(clip.mp3))
    assert info.samplerate == 44100 and info.channels == 1
    assert set(mp3_frames(clip.mp3)) == {(96, 44100)}  # every frame: constant bit rate


def test_duration_matches_the_samples_and_the_words(made):
    _, clip = made
    samples, rate = decoded(clip.mp3)
    assert samples.size / rate == pytest.approx(clip.duration, abs=0.1)  # MP3 adds < 0.1 s of padding
    words = len(clip.transcript.split())
    assert 1.5 <= words / clip.duration <= 5.0, (words, clip.duration)


def test_loudness_after_encoding_is_on_target(made):
    _, clip = made
    samples, rate = decoded(clip.mp3)
    assert pyloudnorm.Meter(rate).integrated_loudness(samples) == pytest.approx(-19.0, abs=1.0)


def test_true_peak_after_encoding_is_under_the_ceiling(made):
    _, clip = made
    samples, _ = decoded(clip.mp3)
    true_peak = 20 * math.log10(np.abs(resample_poly(samples, 4, 1)).max())
    assert true_peak <= -1.5 + 0.1


def test_id3_tags(made):
    language, clip = made
    tags = ID3(io.BytesIO(clip.mp3))
    assert str(tags["TIT2"]) == CASES[language][0]
    assert str(tags["TALB"]) == "Earthquake live" and str(tags["TPE1"]) == "The Newsroom"
    assert str(tags["TDRC"]) == "2024-03-05 01:30:00"
    assert str(tags["TLAN"]) == {"en": "eng", "vi": "vie", "hi": "hin"}[language]
    assert str(tags["COMM::eng"]) == f"Spoken by {clip.voice}"
    assert str(tags["TXXX:entry id"]) == "0123456789abcdef0123456789abcdef"


def test_cues_cover_the_transcript_in_order(made):
    _, clip = made
    starts = [start for start, _, _ in clip.cues]
    assert starts == sorted(starts) and all(a < b for a, b, _ in clip.cues)
    assert clip.cues[0][0] == pytest.approx(0.4) and clip.cues[-1][1] < clip.duration
    assert " ".join(text for _, _, text in clip.cues).split() == clip.transcript.split()
    assert clip.vtt.startswith("WEBVTT\n\n1\n00:00:00.400 --> ")


def test_transcript_and_name(made):
    language, clip = made
    assert clip.transcript.split("\n\n")[0] == {"en": "At eight thirty a.m.", "vi": "Lúc tám giờ ba mươi phút.",
                                               "hi": "सुबह 8 बजकर 30 मिनट पर।"}[language]
    assert "Reuters" not in clip.transcript and "(L)" not in clip.transcript
    assert re.fullmatch(r"quake/0123456789abcdef0123456789abcdef-[0-9a-f]{12}\.mp3", clip.name)
    assert clip_key(entry_for(language), blog_for(language), {}) == (clip.transcript, clip.voice, clip.name)


def test_the_clip_store_keeps_the_clip_under_its_name(made, tmp_path):
    _, clip = made
    ClipStore(tmp_path).write(clip.name, clip.mp3)
    assert (tmp_path / clip.name).read_bytes() == clip.mp3


def test_the_name_changes_exactly_when_what_is_heard_changes():
    blog, entry = blog_for("vi"), entry_for("vi")
    settings = config.load({"DATA_DIR": "/tmp/unused"}, environ={})
    name = clip_key(entry, blog, settings).name
    same = [
        entry.with_(updated=MOMENT + timedelta(hours=1), key_event=True, pinned=True, html="<p>other</p>"),
        entry.with_(media=(Media(caption=entry.media[0].caption, credit="Jane Doe/Reuters", url="https://x.org/p.jpg"),)),
        entry.with_(text=entry.text.replace(" ", "  ")),  # the same words
    ]
    for unchanged in same:
        assert clip_key(unchanged, blog, settings).name == name
    assert clip_key(entry, blog, {**settings, "LOUDNESS_LUFS": "-19"}).name == name  # same value, other type
    different = [
        clip_key(entry.with_(text=entry.text + " Thêm một câu."), blog, settings),
        clip_key(entry.with_(headline="Tin mới"), blog, settings),
        clip_key(entry.with_(media=(Media(caption="Một bức ảnh khác."),)), blog, settings),
        clip_key(entry.with_(published=MOMENT + timedelta(minutes=5)), blog, settings),  # "Lúc ... " changes
        clip_key(entry, blog, {**settings, "LOUDNESS_LUFS": -16.0}),
        clip_key(entry, blog, {**settings, "TRUE_PEAK_DBTP": -1.0}),
        clip_key(entry, blog, {**settings, "MP3_BITRATE": 128}),
        clip_key(entry, blog, settings, voice="espeak-ng:vi-other"),
    ]
    names = [key.name for key in different]
    assert name not in names and len(set(names)) == len(names)


def test_settings_change_the_clip():
    blog, entry = blog_for("vi"), entry_for("vi", media=())
    clip = make_clip(entry, blog, {"LOUDNESS_LUFS": -16.0, "MP3_BITRATE": 128, "TRUE_PEAK_DBTP": -1.0})
    samples, rate = decoded(clip.mp3)
    assert pyloudnorm.Meter(rate).integrated_loudness(samples) == pytest.approx(-16.0, abs=1.0)
    assert len(clip.mp3) == pytest.approx(clip.duration * 128000 / 8, rel=0.03)
    assert clip.name != clip_key(entry, blog, {}).name


def test_an_unknown_language_is_still_spoken(caplog):
    blog = replace(blog_for("en"), language="xx")
    clip = make_clip(entry_for("en", media=()), blog, {})
    assert clip.voice in {ENGLISH, "espeak-ng:en"} and clip.duration > 3
