"""Piper (neural, ONNX), in-process: an opt-in engine with a voice model the operator chooses.

`pip install 'syndicate[piper]'`, then SYNDICATE_TTS_ENGINE=piper and SYNDICATE_PIPER_MODEL=
<path to a .onnx file> (its config beside it, `<model>.onnx.json`). syndicate ships no Piper
voice and never picks one by itself: voices differ in licence, and the operator decides.

The ONNX session is built here with one intra-op thread: each speech worker is already one
process per core, and onnxruntime's default pool would make them fight (measured ~30% more CPU
for ~27% less wall time). The model is loaded once per process (~0.5 s of CPU, ~250 MB).
"""
from __future__ import annotations

import json
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydub import AudioSegment


class PiperUnavailable(RuntimeError):
    """piper-tts is not installed, or the model cannot be loaded."""


@lru_cache(maxsize=2)
def _load(model: str) -> tuple[Any, dict[str, Any]]:
    try:
        import onnxruntime
        from piper import PiperVoice as Piper
        from piper.config import PiperConfig
    except ImportError as exc:
        raise PiperUnavailable("piper: not installed (pip install 'syndicate[piper]')") from exc
    config_path = Path(model + ".json")
    if not config_path.is_file():
        config_path = Path(model).with_suffix(".json")
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(model, sess_options=options, providers=["CPUExecutionProvider"])
        return Piper(config=PiperConfig.from_dict(config), session=session), config
    except Exception as exc:  # noqa: BLE001 - a bad path or model file: one clear error
        raise PiperUnavailable(f"piper: cannot load {model}: {exc}") from exc


def model_language(model: str) -> str:
    """The BCP 47 tag a model speaks ('en-us'), from its config."""
    _, config = _load(model)
    code = (config.get("language") or {}).get("code") or (config.get("espeak") or {}).get("voice") or ""
    return code.replace("_", "-").lower()


class PiperVoice:
    """One Piper model, in-process (the model's own rate, 22.05 kHz for "medium" voices)."""

    chunk_chars = 500
    parallel = False  # one single-threaded session per process

    def __init__(self, model: str) -> None:
        self.model = str(model)
        self.voice, _ = _load(self.model)  # raises PiperUnavailable
        self.language = model_language(self.model)
        self.id = f"piper:{Path(self.model).name.removesuffix('.onnx')}"
        self._lock = threading.Lock()

    def synthesize(self, text: str) -> AudioSegment:
        """Speak `text` (raw phonemes may be given in `[[ ... ]]`)."""
        with self._lock:
            chunks = list(self.voice.synthesize(text))
        if not chunks:
            return AudioSegment.silent(duration=0, frame_rate=self.voice.config.sample_rate)
        pcm = b"".join(chunk.audio_int16_bytes for chunk in chunks)
        return AudioSegment(data=pcm, sample_width=2, frame_rate=chunks[0].sample_rate, channels=1)
