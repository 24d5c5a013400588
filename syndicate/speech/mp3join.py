"""Joining MP3 files made with the same encoder settings, frame by frame, without decoding.

Our clips are CBR MPEG-1 Layer III, mono, 44.1 kHz, at MP3_BITRATE, with an ID3v2 tag in front
and no Xing/Info frame: such streams join by concatenating their frames. Joining costs a copy of
the bytes (milliseconds for an hour of audio), where decoding and encoding again would cost
about a tenth of the audio's duration in CPU and a second generation of coding loss. Each part
keeps the encoder's delay and padding (about 25 ms and up to 26 ms of silence), which a
listener cannot hear between spoken parts; `Part.start` accounts for the delay.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

SAMPLES_PER_FRAME = 1152  # MPEG-1 Layer III
ENCODER_DELAY = 576 + 529  # samples of silence LAME puts before the audio (encoder + decoder delay)
_BITRATES = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)  # kbps, MPEG-1 L3
_RATES = (44100, 48000, 32000)


class NotJoinable(ValueError):
    """A part is not an MPEG-1 Layer III stream in the same format as the others."""


@dataclass(frozen=True)
class Frames:
    """The audio frames of one MP3 (no tags) and their format."""

    data: bytes
    count: int
    rate: int
    kbps: int
    mono: bool

    @property
    def duration(self) -> float:
        return self.count * SAMPLES_PER_FRAME / self.rate

    @property
    def format(self) -> tuple[int, int, bool]:
        return self.rate, self.kbps, self.mono


def _id3_size(data: bytes) -> int:
    """Bytes taken by a leading ID3v2 tag (0 when there is none)."""
    if len(data) < 10 or data[:3] != b"ID3":
        return 0
    size = 0
    for byte in data[6:10]:
        size = (size << 7) | (byte & 0x7F)
    footer = 10 if data[5] & 0x10 else 0
    return 10 + size + footer


def frames(data: bytes) -> Frames:
    """The frames of an MP3 file: its ID3v2 tag, any Xing/Info frame and a trailing ID3v1 tag
    left out. Raises NotJoinable for anything but constant-format MPEG-1 Layer III."""
    pos, out, count, fmt = _id3_size(data), io.BytesIO(), 0, None
    end = len(data) - (128 if data[-128:-125] == b"TAG" else 0)
    while pos + 4 <= end:
        b1, b2, b3 = data[pos + 1], data[pos + 2], data[pos + 3]
        if data[pos] != 0xFF or b1 & 0xE0 != 0xE0:
            raise NotJoinable(f"mp3: no frame at byte {pos}")
        if (b1 >> 3) & 3 != 3 or (b1 >> 1) & 3 != 1:
            raise NotJoinable("mp3: not MPEG-1 Layer III")
        index, rate_index = b2 >> 4, (b2 >> 2) & 3
        if index in (0, 15) or rate_index == 3:
            raise NotJoinable(f"mp3: free or bad bit rate at byte {pos}")
        kbps, rate, mono = _BITRATES[index], _RATES[rate_index], (b3 >> 6) == 3
        length = 144_000 * kbps // rate + ((b2 >> 1) & 1)
        frame = data[pos:pos + length]
        side = 4 + (17 if mono else 32)
        if count == 0 and frame[side:side + 4] in (b"Xing", b"Info"):
            pos += length  # a VBR/length header, not audio: the joined stream gets none
            continue
        if fmt is None:
            fmt = (rate, kbps, mono)
        elif fmt != (rate, kbps, mono):
            raise NotJoinable("mp3: the format changes inside the stream")
        out.write(frame)
        count += 1
        pos += length
    if fmt is None:
        raise NotJoinable("mp3: no audio frames")
    return Frames(out.getvalue(), count, *fmt)


@dataclass(frozen=True)
class Part:
    """Where a joined part starts: `start` is when its own audio begins (after the delay)."""

    offset: float  # seconds into the joined stream where its frames begin
    duration: float  # seconds of frames

    @property
    def start(self) -> float:
        return self.offset + ENCODER_DELAY / 44100


def join(parts: list[Frames]) -> tuple[bytes, list[Part], float]:
    """Concatenate parts of one format; returns the frames, each part's place, and the total
    duration in seconds. Raises NotJoinable when the formats differ."""
    if not parts:
        raise NotJoinable("mp3: nothing to join")
    first = parts[0].format
    placed, at = [], 0.0
    for part in parts:
        if part.format != first:
            raise NotJoinable(f"mp3: a part is {part.format}, not {first}")
        placed.append(Part(at, part.duration))
        at += part.duration
    return b"".join(part.data for part in parts), placed, at
