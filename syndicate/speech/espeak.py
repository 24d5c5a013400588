"""espeak-ng in-process, through ctypes, on the library and data bundled by `espeakng_loader`.

Why in-process: the CLI costs a process start per piece, and the library renders 16 s of
speech in ~20 ms. Two traps of the C library shape this module:

* `espeak_Initialize` calls exit(1) when its data folder is wrong, which would kill the whole
  service, so the folder is checked from Python before the library ever sees it;
* the library keeps global state (current voice, callback, buffers) and is not thread-safe,
  so every call into it holds one module-wide lock.
"""
from __future__ import annotations

import ctypes
import logging
import threading
from pathlib import Path

from pydub import AudioSegment

log = logging.getLogger(__name__)

AUDIO_OUTPUT_SYNCHRONOUS = 2
CHARS_UTF8 = 1
PHONEMES = 0x100  # "[[...]]" in the text is phoneme mnemonics (a lexicon entry's phonemes)
POS_CHARACTER = 1
PARAM_RATE = 1
EE_OK = 0

# The C callback: int cb(short *wav, int numsamples, espeak_EVENT *events)
_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


class EspeakError(RuntimeError):
    """espeak-ng could not be loaded or could not speak."""


class _VoiceInfo(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_void_p),  # runs of <priority byte><language string NUL>, then NUL
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


class Engine:
    """The loaded library. One per process (the C side is global state), used under `_LOCK`.

    Raises EspeakError, never exits, when the data folder is wrong.
    """

    def __init__(self, library: str, data: str) -> None:
        if not (Path(data) / "phontab").is_file():  # the C side would exit(1) instead
            raise EspeakError(f"espeak: no espeak-ng data at {data}")
        try:
            lib = ctypes.CDLL(library)
        except OSError as exc:
            raise EspeakError(f"espeak: cannot load {library}: {exc}") from exc
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_VoiceInfo))
        lib.espeak_ListVoices.argtypes = [ctypes.c_void_p]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
            ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]
        self.rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, data.encode(), 0)
        if self.rate <= 0:
            raise EspeakError(f"espeak: initialisation failed ({self.rate})")
        self.lib = lib
        self._chunks: list[bytes] = []
        self._callback = _CALLBACK(self._collect)  # kept referenced: the C side holds it
        lib.espeak_SetSynthCallback(self._callback)
        self.voice: str | None = None
        self.languages = self._list_languages()

    def _collect(self, wav: int | None, count: int, _events: object) -> int:
        if wav and count > 0:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        return 0  # 0: carry on

    def _list_languages(self) -> dict[str, str]:
        """Language tag (lower case) -> identifier of the voice giving it the best priority."""
        found: dict[str, tuple[int, str]] = {}
        array = self.lib.espeak_ListVoices(None)
        i = 0
        while array[i]:
            voice = array[i].contents
            address = voice.languages or 0
            while address and voice.identifier:  # runs of: priority byte, NUL-ended tag
                priority = ctypes.string_at(address, 1)[0]
                if priority == 0:
                    break
                raw = ctypes.string_at(address + 1)  # reads up to the tag's NUL, no further
                tag = raw.decode("ascii", "replace").lower()
                if tag and (tag not in found or priority < found[tag][0]):
                    found[tag] = (priority, voice.identifier.decode())
                address += len(raw) + 2
            i += 1
        return {tag: identifier for tag, (_, identifier) in found.items()}

    def speak(self, voice: str, text: str, wpm: int) -> bytes:
        if voice != self.voice:
            if self.lib.espeak_SetVoiceByName(voice.encode()) != EE_OK:
                raise EspeakError(f"espeak: cannot select voice {voice!r}")
            self.voice = voice
        self.lib.espeak_SetParameter(PARAM_RATE, wpm, 0)
        data = text.encode("utf-8") + b"\0"
        self._chunks = []
        flags = CHARS_UTF8 | (PHONEMES if "[[" in text else 0)  # prepared text has no brackets of its own
        status = self.lib.espeak_Synth(data, len(data), 0, POS_CHARACTER, 0, flags, None, None)
        if status != EE_OK:
            raise EspeakError(f"espeak: synthesis failed ({status})")
        pcm, self._chunks = b"".join(self._chunks), []
        return pcm


_LOCK = threading.Lock()
_ENGINE: Engine | None = None


def _engine() -> Engine:
    """Load the library once (callers hold `_LOCK`)."""
    global _ENGINE
    if _ENGINE is None:
        try:
            import espeakng_loader
        except ImportError as exc:
            raise EspeakError("espeak: the espeakng-loader package is not installed") from exc
        _ENGINE = Engine(espeakng_loader.get_library_path(), espeakng_loader.get_data_path())
    return _ENGINE


def available() -> bool:
    """True when the bundled library loads."""
    try:
        with _LOCK:
            _engine()
    except EspeakError as exc:
        log.warning("%s", exc)
        return False
    return True


def match(language: str) -> tuple[str, str] | None:
    """(espeak-ng language, voice identifier) for a BCP 47 tag, or None: the full tag first,
    then its primary subtag ('en-US' -> ('en-us', 'gmw/en-US'), 'vi-VN' -> ('vi', 'aav/vi'))."""
    tag = language.strip().lower().replace("_", "-")
    with _LOCK:
        languages = _engine().languages
    for candidate in (tag, tag.split("-")[0]):
        if candidate in languages:
            return candidate, languages[candidate]
    return None


def voice_for(language: str) -> str | None:
    """The identifier of the espeak-ng voice for a BCP 47 tag, or None."""
    found = match(language)
    return found[1] if found else None


class EspeakVoice:
    """An espeak-ng voice for one language, rendered in-process (22.05 kHz mono)."""

    chunk_chars = 300  # in-process calls cost next to nothing: about a sentence per piece
    parallel = False  # the library is global state under one lock

    def __init__(self, language: str, *, identifier: str | None = None, wpm: int = 165) -> None:
        identifier = identifier or voice_for(language)
        if identifier is None:
            raise EspeakError(f"espeak: no voice for language {language!r}")
        self.language = language
        self.identifier = identifier
        self.id = f"espeak-ng:{language}"
        self.wpm = wpm

    def synthesize(self, text: str) -> AudioSegment:
        """Speak `text`; returns 16-bit mono PCM at the library's rate."""
        with _LOCK:
            engine = _engine()
            pcm = engine.speak(self.identifier, text, self.wpm)
            rate = engine.rate
        return AudioSegment(data=pcm, sample_width=2, frame_rate=rate, channels=1)
