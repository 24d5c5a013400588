"""The one owner of clip files: their names, paths, atomic writes, removal and orphans.

Clips live in the published tree, at `<DATA_DIR>/public/audio/<slug>/<entry id>-<digest>.mp3`,
so a proxy serves them as the files they are. A clip is written under a temporary name in its
own folder and renamed into place, so readers never see a partial clip. Only names of the
shape `CLIP_NAME` are ever turned into paths: nothing outside the root can be reached.

A worker that dies between writing a clip and recording it leaves a file nothing points at.
`remove_orphans` finds those: a clip (or a temporary file) is an orphan when no entry records
it and its entry has no speech job (a job, leased or queued, may still record or reuse it).
"""
from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .validate import SLUG, SLUG_PATTERN

log = logging.getLogger(__name__)

ENTRY_ID = r"[0-9a-f]{32}"
DIGEST = r"[0-9a-f]{12}"
# `<slug>/<entry id>-<digest>.mp3`: the only shape a clip's name has (use fullmatch).
CLIP_NAME = re.compile(rf"(?P<slug>{SLUG_PATTERN})/(?P<entry>{ENTRY_ID})-{DIGEST}\.mp3")
# A clip being written: `.<entry id>-<digest>.mp3.<random>.tmp`, in its blog's folder.
_TEMP_NAME = re.compile(rf"\.(?P<entry>{ENTRY_ID})-{DIGEST}\.mp3\.[A-Za-z0-9_]+\.tmp")


def clip_root(data_dir: str | os.PathLike[str]) -> Path:
    """Where clips live under a data dir: the published tree's `audio/` folder."""
    return Path(data_dir) / "public" / "audio"


@dataclass(frozen=True)
class ClipFile:
    """A file under the clip root: a clip, or a clip being written (`temporary`)."""

    name: str  # relative to the root, e.g. "storm/<id>-<digest>.mp3"
    entry_id: str
    temporary: bool


@dataclass(frozen=True)
class ClipsInUse:
    """What the database holds on to: clip names entries record, and entries with a job."""

    recorded: frozenset[str]
    queued_entries: frozenset[str]


class ClipStore:
    """Clip files under one root folder."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    @classmethod
    def in_data_dir(cls, data_dir: str | os.PathLike[str]) -> ClipStore:
        """The clip store of a data dir (see `clip_root`)."""
        return cls(clip_root(data_dir))

    # -- names ------------------------------------------------------------------------

    @staticmethod
    def name(slug: str, entry_id: str, digest: str) -> str:
        """The clip name for an entry of a blog and the digest of what it says."""
        name = f"{slug}/{entry_id}-{digest}.mp3"
        if not CLIP_NAME.fullmatch(name):
            raise ValueError(f"clips: not a clip name: {name!r}")
        return name

    @staticmethod
    def is_name(name: str) -> bool:
        """Whether `name` has the shape of a clip name."""
        return CLIP_NAME.fullmatch(name) is not None

    def path(self, name: str) -> Path:
        """The file of clip `name`; ValueError for anything that is not a clip name."""
        if not self.is_name(name):
            raise ValueError(f"clips: not a clip name: {name!r}")
        return self.root / name

    def exists(self, name: str) -> bool:
        return self.is_name(name) and self.path(name).is_file()

    # -- writing and removing -----------------------------------------------------------

    def write(self, name: str, data: bytes) -> Path:
        """Write clip `name` all at once (a temporary file in the same folder, then a rename);
        a failed write leaves the old file, or none. Returns the clip's path."""
        path = self.path(name)
        for attempt in (1, 2):
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
                break
            except FileNotFoundError:  # the empty folder was just removed (see `remove`): again
                if attempt == 2:
                    raise
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o644)  # mkstemp makes 0600; clips are served to everyone
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return path

    def remove(self, name: str | None) -> None:
        """Delete a clip (names of any other shape are ignored), and its folder once empty."""
        if not name or not self.is_name(name):
            return
        path = self.path(name)
        path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # not empty, or already gone
            path.parent.rmdir()

    def remove_blog(self, slug: str) -> None:
        """Delete every clip of a blog."""
        if SLUG.match(slug):
            shutil.rmtree(self.root / slug, ignore_errors=True)

    # -- orphans --------------------------------------------------------------------------

    def files(self) -> list[ClipFile]:
        """Every clip and temporary clip file under the root (other files are not clips)."""
        found = []
        try:
            folders = [d for d in os.scandir(self.root) if d.is_dir(follow_symlinks=False) and SLUG.match(d.name)]
        except FileNotFoundError:
            return []
        for folder in folders:
            try:
                names = os.listdir(folder.path)
            except OSError:
                continue  # removed meanwhile
            for base in names:
                name = f"{folder.name}/{base}"
                clip = CLIP_NAME.fullmatch(name)
                temp = None if clip else _TEMP_NAME.fullmatch(base)
                match = clip or temp
                if match:
                    found.append(ClipFile(name, match.group("entry"), temporary=bool(temp)))
        return found

    def remove_orphans(self, in_use: Callable[[], ClipsInUse]) -> list[str]:
        """Remove clips no entry records and no job may still record; returns their names.

        The files are listed before the database is read (`in_use`), so a clip written after
        the listing is never looked at, and one recorded meanwhile shows in `in_use`.
        """
        files = self.files()
        if not files:
            return []
        used = in_use()
        removed = []
        for file in files:
            if file.name in used.recorded or file.entry_id in used.queued_entries:
                continue
            (self.root / file.name).unlink(missing_ok=True)
            removed.append(file.name)
        for folder in {name.split("/", 1)[0] for name in removed}:
            with contextlib.suppress(OSError):
                (self.root / folder).rmdir()
        if removed:
            log.info("clips: removed %d orphan file(s): %s", len(removed), ", ".join(_first(removed, 5)))
        return removed


def _first(names: Iterable[str], count: int) -> list[str]:
    return sorted(names)[:count]
