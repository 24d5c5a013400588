"""Every setting, declared once: name, default, type and help.

Values come from, in increasing priority: the defaults below, an instance config file
(`syndicate.toml` in the data dir, or the file named by SYNDICATE_CONFIG), `SYNDICATE_*`
environment variables, and the mapping given to `create_app(config=...)`.
Flask config keys are the names below without the prefix (e.g. `DATA_DIR`).
"""
from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .pronunciations import LexiconError, load_file

PREFIX = "SYNDICATE_"
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


class ConfigError(ValueError):
    """A setting has a value that cannot be used."""


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true or false, got {value!r}")


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    kind: Callable[[Any], Any]
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("DATA_DIR", "", str, "Folder for the SQLite file and the published tree public/ (default: the "
            "current directory)."),
    Setting("DATABASE_URL", "", str, "SQLAlchemy URL (default: SQLite file syndicate.db in the data dir)."),
    Setting("BASE_URL", "", str, "Public URL of the service, written into every published link (default: the "
            f"address `serve` or `demo` listens on; {DEFAULT_BASE_URL} for other commands). "
            "Never taken from a request."),
    Setting("API_TOKEN", "", str, "Bearer token required for writes (the demo generates one)."),
    Setting("MAX_REQUEST_BYTES", 1_000_000, int, "Largest request body accepted (413 above it)."),
    Setting("MAX_ENTRY_CHARS", 20_000, int, "Longest entry body accepted, in characters (413 above it)."),
    Setting("MAX_ENTRIES_PER_LIST", 100, int, "Largest page size of the entries API."),
    Setting("FEED_ITEMS", 100, int, "Items per feed document; older items are on RFC 5005 pages."),
    Setting("PAGE_ENTRIES", 50, int, "Entries per page of the text view."),
    Setting("WEBSUB_HUB", "", str, "WebSub hub URL: advertised in feed headers and pinged on change."),
    Setting("TTS_ENGINE", "offline", str, "Speech engine: 'offline' (festival/flite/espeak-ng), 'gtts' (needs "
            "network) or 'piper' (pip install 'syndicate[piper]', with PIPER_MODEL)."),
    Setting("PIPER_MODEL", "", str, "Path of the Piper voice model (.onnx, its .onnx.json beside it) for "
            "TTS_ENGINE 'piper'; blogs in other languages keep the offline voice."),
    Setting("LEXICON", "", str, "Default pronunciation lexicon for every blog: a TOML or JSON file "
            "(a blog's own pronunciations win over it)."),
    Setting("TTS_TIMEOUT", 10.0, float, "Seconds gTTS may take per request before the offline voice takes over."),
    Setting("SPEECH_WORKERS", 0, int, "Background speech workers (0: one per CPU core; -1: none)."),
    Setting("SPEECH_RETRIES", 5, int, "Attempts before a clip is marked failed."),
    Setting("LOUDNESS_LUFS", -19.0, float, "Integrated loudness target of every clip."),
    Setting("TRUE_PEAK_DBTP", -1.5, float, "Ceiling for the clip's peaks."),
    Setting("MP3_BITRATE", 96, int, "MP3 bit rate in kbps (CBR)."),
    Setting("PUBLISH_INTERVAL", 0.5, float, "How often `serve` and `demo` look for blogs changed by other processes "
            "(speech workers, the CLI) and publish them, in seconds."),
    Setting("IMPORT_TIMEOUT", 10.0, float, "Seconds allowed to fetch an import source given as a URL."),
    Setting("FOLLOW_TIMEOUT", 10.0, float, "Seconds allowed for one fetch of a followed live page."),
    Setting("FOLLOW_MAX_BYTES", 5_000_000, int, "Largest followed page accepted, in bytes."),
    Setting("FOLLOW_MIN_INTERVAL", 15, int, "Shortest polling interval a followed page may ask for, in seconds."),
    Setting("FOLLOW_MAX_BACKOFF", 3600, int, "Longest wait between polls of a failing page, in seconds."),
    Setting("PODCAST_OWNER_NAME", "", str, "Podcast owner's name (itunes:owner) for every blog without its own."),
    Setting("PODCAST_OWNER_EMAIL", "", str, "Podcast owner's e-mail (itunes:email): how Apple verifies ownership."),
    Setting("CATCHUP_MINUTES", 5.0, float, "Remake a live blog's catch-up episode at most this often "
            "(minutes; an ended blog gets a final one at once; negative: no catch-up episodes)."),
)
BY_NAME = {s.name: s for s in SETTINGS}


def load(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Resolve every setting to a typed value. Raises ConfigError naming the bad setting."""
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    raw: dict[str, Any] = {s.name: s.default for s in SETTINGS}
    env = {k[len(PREFIX):]: v for k, v in environ.items() if k.startswith(PREFIX)}

    data_dir = overrides.get("DATA_DIR") or env.get("DATA_DIR") or os.getcwd()
    config_file = env.get("CONFIG") or overrides.get("CONFIG") or os.path.join(data_dir, "syndicate.toml")
    if os.path.isfile(config_file):
        try:
            with open(config_file, "rb") as fh:
                file_values = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"config: cannot read {config_file}: {exc}") from exc
        raw.update({k.upper().removeprefix(PREFIX): v for k, v in file_values.items()})
    raw.update({k: v for k, v in env.items() if k in BY_NAME})
    raw.update(overrides)

    values: dict[str, Any] = dict(overrides)  # keeps extra keys such as TESTING
    for setting in SETTINGS:
        value = raw[setting.name]
        try:
            values[setting.name] = _bool(value) if setting.kind is bool else setting.kind(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"config: {PREFIX}{setting.name}: {exc}") from exc

    values["DATA_DIR"] = str(Path(values["DATA_DIR"] or data_dir).resolve())
    if not values["DATABASE_URL"]:
        values["DATABASE_URL"] = "sqlite:///" + os.path.join(values["DATA_DIR"], "syndicate.db")
    if values["TTS_ENGINE"] not in {"offline", "gtts", "piper"}:
        raise ConfigError(f"config: {PREFIX}TTS_ENGINE must be 'offline', 'gtts' or 'piper', "
                          f"not {values['TTS_ENGINE']!r}")
    if values["TTS_ENGINE"] == "piper" and not os.path.isfile(values["PIPER_MODEL"]):
        raise ConfigError(f"config: {PREFIX}TTS_ENGINE is 'piper': set {PREFIX}PIPER_MODEL to a voice's "
                          f".onnx file (now {values['PIPER_MODEL']!r})")
    if values["LEXICON"]:
        if not os.path.isfile(values["LEXICON"]):
            raise ConfigError(f"config: {PREFIX}LEXICON: no such file {values['LEXICON']!r}")
        try:
            load_file(values["LEXICON"])
        except LexiconError as exc:
            raise ConfigError(f"config: {PREFIX}LEXICON: {exc}") from exc
    email = values["PODCAST_OWNER_EMAIL"]
    if email and ("@" not in email or any(c.isspace() for c in email)):
        raise ConfigError(f"config: {PREFIX}PODCAST_OWNER_EMAIL must be an e-mail address, not {email!r}")
    for name in ("FEED_ITEMS", "PAGE_ENTRIES", "MAX_REQUEST_BYTES", "MAX_ENTRY_CHARS", "MAX_ENTRIES_PER_LIST"):
        if values[name] < 1:
            raise ConfigError(f"config: {PREFIX}{name} must be at least 1")
    return values


def _field_type(setting: Setting) -> type:
    return bool if setting.kind is _bool else setting.kind  # type: ignore[return-value]


@dataclass(frozen=True)
class Settings:
    """Every setting, typed and frozen, and the paths and URL they imply.

    One field per entry of SETTINGS, in its order and of its type (tests/test_config.py keeps the
    two in step): SETTINGS stays the one declaration of names, defaults and help, and this class
    is what type checkers and editors see.
    """
    data_dir: str
    database_url: str
    base_url: str
    api_token: str
    max_request_bytes: int
    max_entry_chars: int
    max_entries_per_list: int
    feed_items: int
    page_entries: int
    websub_hub: str
    tts_engine: str
    piper_model: str
    lexicon: str
    tts_timeout: float
    speech_workers: int
    speech_retries: int
    loudness_lufs: float
    true_peak_dbtp: float
    mp3_bitrate: int
    publish_interval: float
    import_timeout: float
    follow_timeout: float
    follow_max_bytes: int
    follow_min_interval: int
    follow_max_backoff: int
    podcast_owner_name: str
    podcast_owner_email: str
    catchup_minutes: float
    listen_url: str = ""

    @property
    def public_url(self) -> str:
        """Where links in published files point: BASE_URL, else the address `serve`/`demo` listen
        on, else http://127.0.0.1:8000."""
        return (self.base_url or self.listen_url or DEFAULT_BASE_URL).rstrip("/")

    @property
    def tree(self) -> Path:
        """The published tree: every file a reader fetches, laid out as its URL."""
        return Path(self.data_dir) / "public"

    @property
    def audio_dir(self) -> Path:
        """The clips, under the tree's audio/ folder."""
        return Path(self.data_dir) / "public" / "audio"

    @property
    def publish_state(self) -> Path:
        """The publisher's manifests and locks (beside the tree, never served)."""
        return Path(self.data_dir) / "publisher"


def settings(values: Mapping[str, Any]) -> Settings:
    """The `Settings` of values resolved by `load` (the Flask config holds the same values)."""
    return Settings(**{s.name.lower(): values[s.name] for s in SETTINGS},
                    listen_url=str(values.get("LISTEN_URL") or ""))


def speech_workers(values: Mapping[str, Any]) -> int:
    """How many background speech workers to run."""
    n = values["SPEECH_WORKERS"]
    return max(0, os.cpu_count() or 1) if n == 0 else max(0, n)
