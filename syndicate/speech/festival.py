"""festival with the HTS voice `cmu_us_slt_arctic_hts`: the most intelligible offline English
voice we measured, kept running as one long-lived process per worker.

Starting festival and loading the voice costs ~0.25 s of CPU and ~330 MB each time, so the
process is started once (`festival --pipe`, commands on stdin) and every piece of text is one
round trip: synthesise, save a WAV to a private temporary folder, print a marker on stdout
(and flush it: festival buffers a piped stdout).
festival reports errors on stderr and carries on, so a missing WAV after the marker is the
failure signal. The process ends when its stdin closes, so it never outlives the worker.
"""
from __future__ import annotations

import atexit
import hashlib
import logging
import os
import re
import selectors
import shutil
import subprocess
import tempfile
import threading
import time
import wave
from pathlib import Path

from pydub import AudioSegment

log = logging.getLogger(__name__)

VOICE = "cmu_us_slt_arctic_hts"
VOICE_DIRS = ("/usr/share/festival/voices", "/usr/local/share/festival/voices")
_PHONEMES = re.compile(r"\[\[([a-z0-9. ]+)\]\]")  # checked on input: radio phones, stress digits, dots


class FestivalError(RuntimeError):
    """festival is missing, failed, or took too long."""


def executable() -> str | None:
    """Path of the festival command, or None when it is not installed."""
    return shutil.which("festival")


def has_voice(name: str = VOICE) -> bool:
    """True when festival and the voice `name` are installed (checked on disk, no process)."""
    return executable() is not None and any(
        next(Path(root).glob(f"*/{name}/festvox/{name}.scm"), None) is not None for root in VOICE_DIRS)


def _scheme_string(text: str) -> str:
    """`text` as a Scheme string literal, on one line."""
    flat = " ".join(text.split())
    return '"' + flat.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Process:
    """One running `festival --pipe` with a voice loaded; one request at a time."""

    def __init__(self, voice: str = VOICE) -> None:
        command = executable()
        if command is None:
            raise FestivalError("festival: not installed")
        self.folder = Path(tempfile.mkdtemp(prefix="festival-"))
        self.errors = open(self.folder / "stderr.txt", "w+b")  # noqa: SIM115 - lives with the process
        self.process = subprocess.Popen(
            [command, "--pipe"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors,
            cwd=self.folder)
        self.count = 0
        self._buffer = b""
        self.words: set[str] = set()  # made-up words given phonemes in this process's lexicon
        try:
            self._send(f"(voice_{voice})\n")
            self._wait_for_marker(60.0)  # the voice is loaded: later calls pay only for speech
            self._check_errors(f"festival: cannot load voice {voice}")
        except FestivalError:
            self.close()
            raise

    def _send(self, commands: str) -> None:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(commands.encode("utf-8"))
            self.process.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise FestivalError("festival: the process has stopped") from exc

    def _wait_for_marker(self, timeout: float) -> None:
        self.count += 1
        marker = f'"syndicate-{self.count}"'.encode()
        self._send(f'(print "syndicate-{self.count}")\n(fflush nil)\n')  # stdout is a pipe: flush it
        stdout = self.process.stdout
        assert stdout is not None
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            selector.register(stdout, selectors.EVENT_READ)
            while marker not in self._buffer:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    raise FestivalError(f"festival: no answer after {timeout:g} s")
                chunk = os.read(stdout.fileno(), 65536)
                if not chunk:
                    raise FestivalError(f"festival: the process stopped: {self._stderr()}")
                self._buffer += chunk
        self._buffer = self._buffer.split(marker, 1)[1]

    def _stderr(self) -> str:
        self.errors.seek(0)
        text = self.errors.read().decode("utf-8", "replace").strip()
        self.errors.seek(0)
        self.errors.truncate()
        return text[-300:]

    def _check_errors(self, what: str) -> None:
        errors = self._stderr()
        if "SIOD ERROR" in errors:
            raise FestivalError(f"{what}: {errors}")

    def _lexicon_words(self, text: str) -> str:
        """`text` with each `[[phonemes]]` replaced by a made-up word that festival's lexicon
        is given those phonemes for ("n uw . y eh1 n": syllables split by '.', 1 marks stress)."""
        def word(match: re.Match) -> str:
            phonemes = match[1].split()
            name = "sx" + "".join(chr(97 + int(c, 16)) for c in hashlib.sha1(match[1].encode()).hexdigest()[:10])
            if name not in self.words:
                syllables: list[str] = []
                current: list[str] = []
                for token in [*phonemes, "."]:
                    if token == "." and current:
                        stressed = any(p[-1:] == "1" for p in current)
                        syllables.append(f"(({' '.join(p.rstrip('012') for p in current)}) {int(stressed)})")
                        current = []
                    elif token != ".":
                        current.append(token)
                self._send(f"(lex.add.entry '(\"{name}\" nil ({' '.join(syllables)})))\n")
                self.words.add(name)
            return name

        return _PHONEMES.sub(word, text)

    def speak(self, text: str, timeout: float) -> tuple[bytes, int]:
        """16-bit mono PCM and its rate for `text` (`[[phonemes]]` in festival's notation allowed)."""
        target = self.folder / "out.wav"
        target.unlink(missing_ok=True)
        text = self._lexicon_words(text)
        self._send(f"(set! syndicate_utt (utt.synth (Utterance Text {_scheme_string(text)})))\n"
                   f"(utt.save.wave syndicate_utt {_scheme_string(str(target))} 'riff)\n")
        self._wait_for_marker(timeout)
        if not target.is_file():
            raise FestivalError(f"festival: no audio: {self._stderr() or 'no message'}")
        with wave.open(str(target), "rb") as wav:
            if wav.getsampwidth() != 2 or wav.getnchannels() != 1:
                raise FestivalError("festival: unexpected WAV format")
            return wav.readframes(wav.getnframes()), wav.getframerate()

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        """End the process (closing its stdin ends festival) and remove its folder."""
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()
        self.errors.close()
        shutil.rmtree(self.folder, ignore_errors=True)


_LOCK = threading.Lock()
_PROCESSES: dict[str, Process] = {}


@atexit.register
def close_all() -> None:
    """End every festival process this process started."""
    with _LOCK:
        while _PROCESSES:
            _PROCESSES.popitem()[1].close()


class FestivalVoice:
    """An English festival voice (32 kHz mono for the HTS voice), served by one process."""

    language = "en"
    chunk_chars = 500  # a round trip costs a few milliseconds once the process runs
    parallel = False  # one process: pieces take turns

    def __init__(self, name: str = VOICE, *, timeout: float = 120.0) -> None:
        self.name = name
        self.id = f"festival:{name}"
        self.timeout = timeout

    def synthesize(self, text: str) -> AudioSegment:
        """Speak `text`; raises FestivalError. A failed process is replaced on the next call."""
        with _LOCK:
            process = _PROCESSES.get(self.name)
            if process is None or not process.alive:
                if process is not None:
                    process.close()
                process = _PROCESSES[self.name] = Process(self.name)
            try:
                pcm, rate = process.speak(text, self.timeout)
            except FestivalError:
                _PROCESSES.pop(self.name, None)
                process.close()  # a stuck or broken process is not reused
                raise
        return AudioSegment(data=pcm, sample_width=2, frame_rate=rate, channels=1)
