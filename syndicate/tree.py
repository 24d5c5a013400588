"""The published tree on disk: files laid out as URLs, written atomically, never rewritten
when their bytes did not change.

Each group of files (one blog, or the site-wide pages) has a manifest, kept beside the tree
(never inside it, so it is never served): the version it was built from, a digest of every
file and the key of every file declared as `Deferred`, logged as one JSON line per sync (what it
changed) and read incrementally, so a sync of a large group costs what it changed. A deferred
file whose key is unchanged is not rendered. Syncing a group writes the files whose digest
changed, leaves the others alone (so their mtime, hence `Last-Modified` and the proxy's ETag,
stays put across rebuilds and restarts), and removes the files the group no longer produces.
Text files get a `.gz` sibling with stable bytes (gzip mtime 0) for the proxy's `gzip_static`
and the app's file handler.
"""
from __future__ import annotations

import fcntl
import gzip
import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GZIP_SUFFIXES = (".html", ".xml", ".json", ".txt", ".vtt", ".opml")
GZIP_MIN_BYTES = 512  # below this, gzip saves too little to be worth a second file
GZIP_FAST_BYTES = 1 << 20  # from this size, the faster default level
COMPACT_AFTER = 200  # syncs logged in a manifest before it is written whole again


class TreeError(ValueError):
    """A path that cannot be part of the tree."""


def check_path(path: str) -> str:
    """A relative, normalised path with no hidden or parent segments, or TreeError."""
    parts = path.split("/")
    if not path or path.startswith("/") or any(p in ("", ".", "..") or p.startswith(".") for p in parts) \
            or "\x00" in path or "\\" in path:
        raise TreeError(f"tree: not a publishable path: {path!r}")
    return path


def compressed(path: str, data: bytes) -> bytes | None:
    """The `.gz` sibling's bytes for a text file worth compressing, else None."""
    if not path.endswith(GZIP_SUFFIXES) or len(data) < GZIP_MIN_BYTES:
        return None
    # Level 9 gains little over 6 on text and costs twice the time: a long blog's whole text
    # is compressed again on each publish.
    return gzip.compress(data, compresslevel=9 if len(data) < GZIP_FAST_BYTES else 6, mtime=0)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def write_atomic(path: Path, data: bytes, mtime: float | None = None) -> None:
    """Write `data` to a temporary file beside `path` and rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
    if mtime is not None:
        os.utime(tmp, (mtime, mtime))
    os.replace(tmp, path)


def _same_file(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


@dataclass(frozen=True)
class Deferred:
    """A file declared by its inputs rather than built: `key` is a digest of everything its
    bytes depend on, `render()` makes the bytes. `Tree.sync` calls `render` only when `key` is
    not the one it recorded for that path last time, so an unchanged file costs its key."""

    key: str
    render: Callable[[], bytes]


class _Manifest:
    """A group's manifest: the version it was built from, a digest of every file and the key of
    every deferred one. On disk, a JSON line holding all of it, then one line per sync with what
    that sync changed (so a sync costs what it changed); rewritten whole now and then."""

    def __init__(self) -> None:
        self.version: Any = None
        self.salt = ""
        self.files: dict[str, str] = {}
        self.keys: dict[str, str] = {}
        self.changes = 0

    def apply(self, data: bytes) -> int:
        """Take in the complete lines of `data`; returns how many bytes they make."""
        used = 0
        for line in data.splitlines(keepends=True):
            if not line.endswith(b"\n"):
                break  # being written: read it next time
            used += len(line)
            try:
                record = json.loads(line)
            except ValueError:
                continue  # a line cut short by a crash: the next sync sets those files right
            if not isinstance(record, dict):
                continue
            version = record.get("version")
            self.version = tuple(version) if isinstance(version, list) else version
            self.salt = record.get("salt", "")
            if "files" in record:  # the whole manifest
                self.files = dict(record.get("files", {}))
                self.keys = dict(record.get("keys", {}))
                self.changes = 0
                continue
            for path, (file_digest, file_key) in record.get("set", {}).items():
                self.files[path] = file_digest
                if file_key is None:
                    self.keys.pop(path, None)
                else:
                    self.keys[path] = file_key
            for path in record.get("del", ()):
                self.files.pop(path, None)
                self.keys.pop(path, None)
            self.changes += 1
        return used

    def update(self, version: Any, salt: str, files: dict[str, str], keys: dict[str, str]) -> None:
        self.version = tuple(version) if isinstance(version, list) else version
        self.salt, self.files, self.keys = salt, files, keys
        self.changes += 1

    def whole(self) -> dict[str, Any]:
        return {"version": self.version, "salt": self.salt, "files": self.files, "keys": self.keys}


class Tree:
    """A published tree at `root`, with its manifests and locks under `state`."""

    def __init__(self, root: Path, state: Path) -> None:
        self.root = Path(root)
        self.state = Path(state)
        self.root.mkdir(parents=True, exist_ok=True)
        self._manifests: dict[str, tuple[int, int, _Manifest]] = {}  # name -> (inode, bytes read, state)
        self._cache_lock = threading.Lock()
        self.rendered = 0  # deferred files rendered (their key had changed), for tests and benchmarks
        (self.state / "manifests").mkdir(parents=True, exist_ok=True)
        (self.state / "locks").mkdir(parents=True, exist_ok=True)

    def _manifest_path(self, name: str) -> Path:
        return self.state / "manifests" / f"{check_path(name)}.json"

    def manifest(self, name: str) -> tuple[Any, dict[str, str]]:
        """(version, {path: digest}) last synced for group `name`; (None, {}) when never."""
        state = self._state(name)
        return state.version, dict(state.files)

    def _state(self, name: str) -> _Manifest:
        """The group's manifest, read from where this process last stopped reading it."""
        path = self._manifest_path(name)
        try:
            info = path.stat()
        except OSError:
            self._manifests.pop(name, None)
            return _Manifest()
        with self._cache_lock:
            cached = self._manifests.get(name)
            if cached is None or cached[0] != info.st_ino or info.st_size < cached[1]:
                cached = (info.st_ino, 0, _Manifest())
            ino, offset, state = cached
            if info.st_size > offset:
                try:
                    with open(path, "rb") as fh:
                        fh.seek(offset)
                        offset += state.apply(fh.read())
                except OSError:
                    return _Manifest()
            self._manifests[name] = (ino, offset, state)
            return state

    def _append(self, name: str, record: dict[str, Any], state: _Manifest, *, whole: bool) -> None:
        """Record a sync (under the group's lock): appended as one line, or the whole manifest
        written anew when there is none yet or its log of changes has grown long."""
        path = self._manifest_path(name)
        if whole or state.changes >= COMPACT_AFTER or not path.exists():
            write_atomic(path, json.dumps(state.whole(), sort_keys=True).encode() + b"\n")
            state.changes = 0
        else:
            line = json.dumps(record, sort_keys=True).encode() + b"\n"
            fd = os.open(path, os.O_WRONLY | os.O_APPEND)
            try:
                os.write(fd, line)  # one write of one line: a reader sees all of it or none
            finally:
                os.close(fd)
        info = path.stat()
        with self._cache_lock:
            self._manifests[name] = (info.st_ino, info.st_size, state)

    def groups(self) -> list[str]:
        """The names of every group with a manifest."""
        return sorted(p.stem for p in (self.state / "manifests").glob("*.json"))

    @contextmanager
    def lock(self, name: str) -> Iterator[None]:
        """An exclusive lock on group `name`, across threads and processes (flock on a file of
        its own: every holder opens it anew, so threads of one process exclude each other too)."""
        with open(self.state / "locks" / f"{check_path(name)}.lock", "a+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def sync(self, name: str, files: Iterable[tuple[str, bytes | Deferred]], *, version: Any,
             mtime: float | None = None, salt: str = "") -> list[str]:
        """Make group `name` hold exactly `files`; returns the paths whose bytes changed
        (written or removed). Call under `lock(name)`.

        A `Deferred` file whose key (with `salt`, e.g. the code and settings it is built with)
        is the one recorded last time is left alone without being rendered, read or even
        looked at; any other file is written only when its bytes differ from the file's."""
        state = self._state(name)
        fresh = state.version is None  # no manifest, or one from before manifests were logs
        keys_hold = state.salt == salt
        new: dict[str, str] = {}
        new_keys: dict[str, str] = {}
        changed = []
        updates: dict[str, list] = {}
        old_files, old_keys = state.files, (state.keys if keys_hold else {})
        for path, data in files:
            if path in new:
                raise TreeError(f"tree: {path!r} built twice")
            if isinstance(data, Deferred):
                file_key = new_keys[path] = data.key
                if old_keys.get(path) == file_key:
                    file_digest = old_files.get(path)
                    if file_digest is not None:
                        new[path] = file_digest
                        continue
                data = data.render()
                self.rendered += 1
            check_path(path)
            new[path] = digest(data)
            if old_files.get(path) != new[path] or old_keys.get(path) != new_keys.get(path):
                updates[path] = [new[path], new_keys.get(path)]
            target = self.root / path
            if state.files.get(path) == new[path] and target.is_file():
                continue
            if _same_file(target, data):  # e.g. the manifest was lost: the file is still right
                continue
            packed = compressed(path, data)
            sibling = target.with_name(target.name + ".gz")
            # The sibling first: a reader that sees the new file finds its new .gz too.
            if packed is not None:
                write_atomic(sibling, packed, mtime)
            else:
                sibling.unlink(missing_ok=True)
            write_atomic(target, data, mtime)
            changed.append(path)
        gone = sorted(old_files.keys() - new.keys())
        for path in gone:
            self._remove(path)
            changed.append(path)
        record = {"version": version, "salt": salt, "set": updates, "del": gone}
        state.update(version, salt, new, new_keys)
        try:
            self._append(name, record, state, whole=fresh)
        except BaseException:
            with self._cache_lock:  # read it again from disk next time
                self._manifests.pop(name, None)
            raise
        return changed

    def drop(self, name: str) -> list[str]:
        """Remove every file of group `name`, and its manifest; returns the paths removed."""
        _, old = self.manifest(name)
        for path in old:
            self._remove(path)
        self._manifest_path(name).unlink(missing_ok=True)
        with self._cache_lock:
            self._manifests.pop(name, None)
        return sorted(old)

    def _remove(self, path: str) -> None:
        target = self.root / check_path(path)
        target.unlink(missing_ok=True)
        target.with_name(target.name + ".gz").unlink(missing_ok=True)
        folder = target.parent
        while folder != self.root and self.root in folder.parents:
            try:
                folder.rmdir()  # only when empty
            except OSError:
                break
            folder = folder.parent
