"""Every setting, declared once: name, default, type and help.

Values come from, in increasing priority: the defaults below, an instance config file
(`syndicate.toml` in the data dir, or the file named by SYNDICATE_CONFIG), `SYNDICATE_*`
environment variables, and the mapping given to `create_app(config=...)`.
Flask config keys are the names below without the prefix (e.g. `DATA_DIR`).
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

PREFIX = "SYNDICATE_"


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
    Setting("DATA_DIR", "", str, "Folder for the SQLite file, feeds/ and audio/ (default: the current directory)."),
    Setting("DATABASE_URL", "", str, "SQLAlchemy URL (default: SQLite file syndicate.db in the data dir)."),
    Setting("BASE_URL", "", str, "Public URL of the service, used in feeds and links (default: the request's host)."),
    Setting("API_TOKEN", "", str, "Bearer token required for writes (the demo generates one)."),
    Setting("MAX_REQUEST_BYTES", 1_000_000, int, "Largest request body accepted (413 above it)."),
    Setting("MAX_ENTRY_CHARS", 20_000, int, "Longest entry body accepted, in characters (413 above it)."),
    Setting("MAX_ENTRIES_PER_LIST", 100, int, "Largest page size of the entries API."),
    Setting("FEED_ITEMS", 100, int, "Items per feed document; older items are on RFC 5005 pages."),
    Setting("PAGE_ENTRIES", 50, int, "Entries per page of the text view."),
    Setting("WEBSUB_HUB", "", str, "WebSub hub URL: advertised in feed headers and pinged on change."),
    Setting("TTS_ENGINE", "offline", str, "Speech engine: 'offline' (flite/espeak-ng) or 'gtts' (needs network)."),
    Setting("TTS_TIMEOUT", 10.0, float, "Seconds gTTS may take per request before the offline voice takes over."),
    Setting("SPEECH_WORKERS", 0, int, "Background speech workers (0: one per CPU core; -1: none)."),
    Setting("SPEECH_RETRIES", 5, int, "Attempts before a clip is marked failed."),
    Setting("LOUDNESS_LUFS", -19.0, float, "Integrated loudness target of every clip."),
    Setting("TRUE_PEAK_DBTP", -1.5, float, "Ceiling for the clip's peaks."),
    Setting("MP3_BITRATE", 96, int, "MP3 bit rate in kbps (CBR)."),
    Setting("VERSION_CHECK_SECONDS", 1.0, float, "How long a web process trusts its cached blog versions: "
            "changes made by other processes (speech workers, other servers) show within this time."),
    Setting("IMPORT_TIMEOUT", 10.0, float, "Seconds allowed to fetch an import source given as a URL."),
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
    if values["TTS_ENGINE"] not in {"offline", "gtts"}:
        raise ConfigError(f"config: {PREFIX}TTS_ENGINE must be 'offline' or 'gtts', not {values['TTS_ENGINE']!r}")
    email = values["PODCAST_OWNER_EMAIL"]
    if email and ("@" not in email or any(c.isspace() for c in email)):
        raise ConfigError(f"config: {PREFIX}PODCAST_OWNER_EMAIL must be an e-mail address, not {email!r}")
    for name in ("FEED_ITEMS", "PAGE_ENTRIES", "MAX_REQUEST_BYTES", "MAX_ENTRY_CHARS", "MAX_ENTRIES_PER_LIST"):
        if values[name] < 1:
            raise ConfigError(f"config: {PREFIX}{name} must be at least 1")
    return values


def speech_workers(values: Mapping[str, Any]) -> int:
    """How many background speech workers to run."""
    n = values["SPEECH_WORKERS"]
    return max(0, os.cpu_count() or 1) if n == 0 else max(0, n)
