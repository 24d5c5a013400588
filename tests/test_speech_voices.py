"""The voices: ranking per language, real synthesis with every offline engine, espeak-ng's
in-process binding (lock, bad data path), flite's option trap."""
from __future__ import annotations

import logging
import threading

import espeakng_loader
import pytest

from syndicate.speech import espeak, festival, flite
from syndicate.speech.voices import Voice, choose_voice, ranking, render

needs_flite = pytest.mark.skipif(flite.executable() is None, reason="flite is not installed (apt install flite)")


def voiced_seconds(segment) -> float:
    return segment.duration_seconds


@needs_flite
@pytest.mark.parametrize("language", ["en", "en-GB", "en_US", "EN"])
def test_english_goes_to_the_best_installed_voice(language):
    voice = choose_voice(language)
    assert voice.id == (f"festival:{festival.VOICE}" if festival.has_voice() else "flite:slt")
    assert isinstance(voice, Voice)


@needs_flite
def test_english_without_festival_goes_to_flite_slt(monkeypatch, tmp_path):
    (tmp_path / "flite").symlink_to(flite.executable())  # a PATH with flite on it and nothing else
    monkeypatch.setenv("PATH", str(tmp_path))
    assert choose_voice("en").id == "flite:slt"


def test_english_without_flite_falls_to_espeak(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")  # flite is looked up on PATH: now it is not there
    assert choose_voice("en").id == "espeak-ng:en"
    assert choose_voice("en-US").id == "espeak-ng:en-us"


@pytest.mark.parametrize("language,expected", [("vi", "espeak-ng:vi"), ("hi", "espeak-ng:hi"),
                                               ("vi-VN", "espeak-ng:vi"), ("fr", "espeak-ng:fr"),
                                               ("pt-BR", "espeak-ng:pt-br")])
def test_other_languages_go_to_espeak(language, expected):
    assert choose_voice(language).id == expected


def test_the_ranking_is_declared():
    assert ranking("en")[:2] == (f"festival:{festival.VOICE}", "flite:slt") and ranking("en")[-1] == "espeak-ng"
    assert ranking("vi") == ranking("hi") == ("espeak-ng",)


def test_unknown_language_is_spoken_by_the_english_voice_with_a_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="syndicate.speech.voices"):
        voice = choose_voice("xx")
    assert voice.id == choose_voice("en").id
    assert "xx" in caplog.text and voice.id in caplog.text


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="unknown engine"):
        choose_voice("en", "festival")


@needs_flite
def test_flite_speaks_text_that_starts_with_a_dash():
    segment = flite.FliteVoice("slt").synthesize("-5 degrees and falling.")
    assert segment.channels == 1 and segment.frame_rate == 16000 and segment.sample_width == 2
    assert voiced_seconds(segment) > 1.0


@pytest.mark.parametrize("language,text", [
    ("vi", "Đoàn xe đã đến thành phố lúc tám giờ sáng."),
    ("hi", "बचाव दल सुबह शहर पहुंचा।"),
    ("en", "The convoy reached the city this morning."),
])
def test_espeak_speaks_in_process(language, text):
    segment = espeak.EspeakVoice(language).synthesize(text)
    assert segment.channels == 1 and segment.frame_rate == 22050 and segment.sample_width == 2
    assert 1.0 < voiced_seconds(segment) < 10.0
    assert segment.max > 1000  # not silence


def test_espeak_is_safe_from_many_threads():
    # espeak-ng varies its voice a little at random, so compare lengths, not samples: a voice,
    # a text or a buffer mixed up between threads would change the length a lot.
    voices = [espeak.EspeakVoice("vi"), espeak.EspeakVoice("hi")]
    texts = ["Một hai.", "एक दो तीन चार पांच छह सात आठ नौ दस ग्यारह बारह तेरह चौदह पंद्रह।"]
    expected = [v.synthesize(t).duration_seconds for v, t in zip(voices, texts, strict=True)]
    assert expected[1] > 3 * expected[0]
    results: list[float] = []

    def work(i: int) -> None:
        for _ in range(5):
            results.append(voices[i % 2].synthesize(texts[i % 2]).duration_seconds / expected[i % 2])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 20 and all(0.9 < r < 1.1 for r in results), results


def test_espeak_with_a_wrong_data_path_raises_instead_of_exiting(tmp_path):
    with pytest.raises(espeak.EspeakError):
        espeak.Engine(espeakng_loader.get_library_path(), str(tmp_path / "missing"))


def test_espeak_knows_the_languages_we_need():
    assert espeak.voice_for("vi") and espeak.voice_for("hi") and espeak.voice_for("en-GB")
    assert espeak.voice_for("xx") is None


@needs_flite
def test_render_keeps_order_and_reports_the_voice():
    voice = flite.FliteVoice("slt")  # rendered in parallel threads
    texts = ["One.", "This is a much longer second piece of speech.", "Three."]
    pieces, voice_id = render(voice, texts)
    assert voice_id == "flite:slt"
    alone = [round(voice.synthesize(t).duration_seconds, 1) for t in texts]
    assert [round(p.duration_seconds, 1) for p in pieces] == alone
    assert pieces[1].duration_seconds > pieces[0].duration_seconds
