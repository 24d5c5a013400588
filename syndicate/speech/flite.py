"""flite (CMU), run as a command: the most intelligible offline English voice we have (`slt`).

The text goes through a file (`-f`), never the command line: flite reads an argument starting
with "-" as an option, and a file also avoids argument-length limits on long entries.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

from pydub import AudioSegment

VOICES = ("slt", "kal16", "awb", "rms", "kal")


class FliteError(RuntimeError):
    """flite is missing or failed."""


def executable() -> str | None:
    """Path of the flite command, or None when it is not installed."""
    return shutil.which("flite")


class FliteVoice:
    """A flite voice (English only); 16 kHz mono for `slt` and `kal16`."""

    language = "en"
    chunk_chars = 300  # a call costs ~10 ms of start-up: pieces of a sentence or two
    parallel = True  # separate processes: pieces can be rendered side by side

    def __init__(self, name: str = "slt", *, timeout: float = 120.0) -> None:
        if name not in VOICES:
            raise FliteError(f"flite: unknown voice {name!r}")
        self.name = name
        self.id = f"flite:{name}"
        self.timeout = timeout

    def synthesize(self, text: str) -> AudioSegment:
        """Speak `text`; raises FliteError when flite is missing or fails."""
        command = executable()
        if command is None:
            raise FliteError("flite: not installed")
        with tempfile.TemporaryDirectory(prefix="flite-") as tmp:
            source, target = Path(tmp, "in.txt"), Path(tmp, "out.wav")
            source.write_text(text, encoding="utf-8")
            try:
                done = subprocess.run(
                    [command, "-voice", self.name, "-f", str(source), "-o", str(target)],
                    capture_output=True, timeout=self.timeout, check=False,
                )
            except subprocess.TimeoutExpired as exc:
                raise FliteError(f"flite: no result after {self.timeout:g} s") from exc
            if done.returncode != 0 or not target.is_file():
                detail = done.stderr.decode("utf-8", "replace").strip()[:200]
                raise FliteError(f"flite: exit status {done.returncode}: {detail}")
            with wave.open(str(target), "rb") as wav:
                if wav.getsampwidth() != 2 or wav.getnchannels() != 1:
                    raise FliteError("flite: unexpected WAV format")
                rate, pcm = wav.getframerate(), wav.readframes(wav.getnframes())
        return AudioSegment(data=pcm, sample_width=2, frame_rate=rate, channels=1)
