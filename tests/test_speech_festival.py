"""festival's HTS voice as one long-lived process: real synthesis, decodable loudness-normalised
clips, a process that is reused, and one that is replaced after it dies. Skips where festival
or the voice is not installed; CI sets SYNDICATE_REQUIRE_FESTIVAL=1, which makes that a failure."""
from __future__ import annotations

import io
import math
from dataclasses import replace

import numpy as np
import pyloudnorm
import pytest
import soundfile
from needs import skip_or_fail
from scipy.signal import resample_poly
from test_speech_clip import blog_for, entry_for

from syndicate.speech import festival, make_clip
from syndicate.speech.voices import choose_voice


@pytest.fixture(autouse=True)
def installed():
    if not festival.has_voice():
        skip_or_fail(f"festival or its voice {festival.VOICE} is not installed "
                     "(apt install festival festvox-us-slt-hts)", "SYNDICATE_REQUIRE_FESTIVAL")


def test_it_is_the_english_voice_and_makes_a_normalised_clip():
    assert choose_voice("en-GB").id == f"festival:{festival.VOICE}"
    clip = make_clip(entry_for("en"), blog_for("en"), {})
    assert clip.voice == f"festival:{festival.VOICE}"
    samples, rate = soundfile.read(io.BytesIO(clip.mp3), dtype="float64")
    assert rate == 44100 and samples.size / rate == pytest.approx(clip.duration, abs=0.1)
    assert pyloudnorm.Meter(rate).integrated_loudness(samples) == pytest.approx(-19.0, abs=1.0)
    assert 20 * math.log10(np.abs(resample_poly(samples, 4, 1)).max()) <= -1.5 + 0.1
    words = len(clip.transcript.split())
    assert 1.5 <= words / clip.duration <= 5.0


def test_one_process_serves_every_call_and_text_cannot_escape_its_string():
    voice = festival.FestivalVoice()
    first = voice.synthesize("The ferry sails at noon.")
    process = festival._PROCESSES[festival.VOICE]
    tricky = voice.synthesize('He said "stop") (exit) \\ and left.')  # quotes, brackets, a backslash
    assert festival._PROCESSES[festival.VOICE] is process and process.alive
    assert first.frame_rate == 32000 and first.duration_seconds > 1.0 and first.max > 1000
    assert tricky.duration_seconds > 1.5


def test_a_dead_process_is_replaced():
    voice = festival.FestivalVoice()
    voice.synthesize("One.")
    old = festival._PROCESSES[festival.VOICE]
    old.process.kill()
    old.process.wait()
    assert voice.synthesize("Two.").duration_seconds > 0.2
    assert festival._PROCESSES[festival.VOICE] is not old


def test_an_unknown_voice_is_a_clear_error_and_leaves_no_process():
    with pytest.raises(festival.FestivalError, match="cannot load voice"):
        festival.FestivalVoice("no_such_voice").synthesize("Hello.")
    assert "no_such_voice" not in festival._PROCESSES
    clip = make_clip(entry_for("en", media=()), replace(blog_for("en"), language="en-US"), {})
    assert clip.voice == f"festival:{festival.VOICE}"


def test_phonemes_from_a_lexicon_entry_are_spoken():
    from syndicate.model import Pronunciation
    from syndicate.speech.prepare import normalise
    from syndicate.speech.pronounce import Lexicon

    voice = festival.FestivalVoice()
    words = Lexicon([Pronunciation("Nguyen", "Nwin", phonemes=(("festival", "w ih1 n"),))], "en", normalise)
    given = voice.synthesize(words.speak("Minister Nguyen arrived.", "festival"))
    assert given.raw_data == voice.synthesize("Minister win arrived.").raw_data  # the same phones
    assert given.raw_data != voice.synthesize("Minister Nguyen arrived.").raw_data
