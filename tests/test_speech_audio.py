"""Audio processing: true peak, limiter, loudness, resampling, assembly, encoding, tags,
WebVTT, on real speech from espeak-ng and on signals with known answers."""
from __future__ import annotations

import io
import math

import numpy as np
import pytest
import soundfile
from mutagen.id3 import ID3
from scipy.signal import resample_poly

from syndicate.speech import audio
from syndicate.speech.espeak import EspeakVoice


def reference_true_peak_db(x: np.ndarray) -> float:
    """True peak measured independently: scipy's 4x polyphase resampling."""
    return 20 * math.log10(float(np.abs(resample_poly(x.astype(np.float64), 4, 1)).max()))


@pytest.fixture(scope="module")
def speech() -> tuple[np.ndarray, int]:
    segment = EspeakVoice("vi").synthesize(
        "Đoàn xe cứu hộ đã đi bốn nghìn năm trăm ki lô mét trong đêm để đến thành phố.")
    return audio.to_float(segment), segment.frame_rate


def test_true_peak_finds_the_peak_between_samples():
    n = np.arange(4000)
    x = np.sin(np.pi / 2 * n + np.pi / 4).astype(np.float32)  # a quarter of the rate: samples at 0.707
    assert 20 * math.log10(np.abs(x).max()) == pytest.approx(-3.01, abs=0.01)
    assert audio.true_peak_db(x) == pytest.approx(0.0, abs=0.15)  # 12 taps per phase: ~0.1 dB ripple


def test_true_peak_agrees_with_resampling(speech):
    x, _ = speech
    assert audio.true_peak_db(x) == pytest.approx(reference_true_peak_db(x), abs=0.1)


def test_block_peaks_agree_with_the_full_envelope(speech):
    x, _ = speech
    size = 22
    envelope = np.pad(audio.true_peak_envelope(x), (0, -x.size % size)).reshape(-1, size).max(axis=1)
    np.testing.assert_allclose(audio.block_peaks(x, size), envelope, atol=1e-6)
    near = float(envelope.max()) / 2  # only blocks whose sample peak is near the top are interpolated ...
    partial = audio.block_peaks(x, size, near=near)
    top = np.pad(np.abs(x), (0, -x.size % size)).reshape(-1, size).max(axis=1) >= near
    np.testing.assert_allclose(partial[top], envelope[top], atol=1e-6)  # ... and exactly there
    assert (partial <= envelope + 1e-6).all()


@pytest.mark.parametrize("boost_db", [0.0, 6.0, 14.0])
def test_limiter_holds_the_ceiling_without_clipping(speech, boost_db):
    x, rate = speech
    loud = x * np.float32(10 ** (boost_db / 20))
    limited = audio.limit(loud, rate, -2.0)
    assert reference_true_peak_db(limited) <= -2.0 + 0.15  # the 4x estimate is good to ~0.1 dB
    where = np.flatnonzero(np.abs(loud) > 1e-3)
    ratio = limited[where] / loud[where]
    steps = np.abs(np.diff(ratio))[np.diff(where) == 1]  # gain change from one sample to the next
    assert ratio.max() <= 1.0 + 1e-5 and steps.max() < 0.02  # a smooth gain: no flat tops, no clicks
    if boost_db == 0.0:  # peaks ~2 dB over the ceiling: a limiter only touches the peaks
        assert audio.loudness(limited, rate) > audio.loudness(loud, rate) - 1.0


@pytest.mark.parametrize("gain_db", [-30.0, 0.0, 10.0])
def test_normalise_reaches_the_target_under_the_peak_ceiling(speech, gain_db):
    x, rate = speech
    y = audio.normalise(x * np.float32(10 ** (gain_db / 20)), rate, -19.0, -1.5)
    assert audio.loudness(y, rate) == pytest.approx(-19.0 + audio.MP3_LOSS_LU, abs=0.25)
    assert reference_true_peak_db(y) <= -1.5 - audio.PEAK_MARGIN_DB + 0.05


def test_normalise_leaves_silence_alone():
    silence = np.zeros(22050, dtype=np.float32)
    assert not audio.normalise(silence, 22050, -19.0, -1.5).any()


def tone(seconds: float, rate: int = 16000, padding: float = 0.3) -> audio.AudioSegment:
    """A tone with silence before and after, as an engine would return it."""
    t = np.arange(int(seconds * rate)) / rate
    body = 0.3 * np.sin(2 * np.pi * 440 * t)
    silence = np.zeros(int(padding * rate))
    pcm = audio.to_pcm16(np.concatenate([silence, body, silence]).astype(np.float32))
    return audio.AudioSegment(data=pcm, sample_width=2, frame_rate=rate, channels=1)


def test_assemble_trims_engine_silence_and_puts_our_pauses():
    sections = [[("intro", tone(1.0))], [("one", tone(2.0)), ("two", tone(1.5))]]
    joined, cues = audio.assemble(sections)
    assert joined.frame_rate == 16000 and joined.channels == 1
    (a0, a1, t0), (b0, b1, t1), (c0, c1, t2) = cues
    assert (t0, t1, t2) == ("intro", "one", "two")
    margin = 0.06  # trim keeps 30 ms either side
    assert a0 == pytest.approx(audio.LEAD_IN, abs=0.001)
    assert a1 - a0 == pytest.approx(1.0 + margin, abs=0.01)
    assert b0 - a1 == pytest.approx(audio.SECTION_PAUSE, abs=0.001)
    assert c0 - b1 == pytest.approx(audio.PIECE_PAUSE, abs=0.001)
    assert joined.duration_seconds == pytest.approx(c1 + audio.LEAD_OUT, abs=0.001)


def mp3_frames(data: bytes) -> list[tuple[int, int]]:
    """(bit rate kbps, sample rate) of every MPEG-1 Layer III frame after the ID3 tag."""
    pos = 0
    if data[:3] == b"ID3":
        size = data[6:10]
        pos = 10 + (size[0] << 21 | size[1] << 14 | size[2] << 7 | size[3])
    rates = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
    frames = []
    while pos + 4 <= len(data):
        header = int.from_bytes(data[pos:pos + 4], "big")
        assert header >> 21 == 0x7FF and (header >> 17) & 0xF == 0b1101, f"no MPEG-1 Layer III frame at {pos}"
        bitrate, sample_rate = rates[(header >> 12) & 0xF], (44100, 48000, 32000)[(header >> 10) & 3]
        frames.append((bitrate, sample_rate))
        pos += 144 * bitrate * 1000 // sample_rate + ((header >> 9) & 1)
    assert pos == len(data)
    return frames


def test_encode_gives_cbr_44k_mono(speech):
    x, rate = speech
    mp3, seconds = audio.encode(x, rate, bitrate=96, block=0.7)  # in pieces, as long clips are
    assert seconds == x.size / rate
    assert set(mp3_frames(mp3)) == {(96, 44100)}
    decoded, decoded_rate = soundfile.read(io.BytesIO(mp3))
    assert decoded_rate == 44100 and decoded.ndim == 1
    assert decoded.size / decoded_rate == pytest.approx(seconds, abs=0.1)  # MP3 padding < 0.1 s
    whole, _ = audio.encode(x, rate, bitrate=96)
    assert len(whole) == len(mp3)


def test_tags_are_written_and_the_mp3_still_decodes(speech):
    x, rate = speech
    mp3, _ = audio.encode(x, rate)
    tagged = audio.tag_mp3(mp3, title="Bridge closed", album="Storm live", date="2024-03-05T08:30:00",
                           language="vie", comment="Spoken by espeak-ng:vi", artist="Newsroom", entry_id="ab" * 16)
    tags = ID3(io.BytesIO(tagged))
    assert str(tags["TIT2"]) == "Bridge closed" and str(tags["TALB"]) == "Storm live"
    assert str(tags["TDRC"]) == "2024-03-05 08:30:00" and str(tags["TLAN"]) == "vie"
    assert str(tags["COMM::eng"]) == "Spoken by espeak-ng:vi" and str(tags["TPE1"]) == "Newsroom"
    assert str(tags["TXXX:entry id"]) == "ab" * 16
    assert tagged.endswith(mp3) and soundfile.info(io.BytesIO(tagged)).samplerate == 44100


def test_transcript_vtt():
    vtt = audio.transcript_vtt([(0.4, 1.5, "At noon."), (2.25, 3661.0125, "A --> B")])
    assert vtt == ("WEBVTT\n\n1\n00:00:00.400 --> 00:00:01.500\nAt noon.\n\n"
                   "2\n00:00:02.250 --> 01:01:01.012\nA -> B\n")
