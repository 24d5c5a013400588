"""The published tree on disk: files laid out as URLs, written atomically, never rewritten
when their bytes did not change.

Each group of files (one blog, or the site-wide pages) has a manifest, kept beside the tree
(never inside it, so it is never served): the version it was built from and a digest of every
file. Syncing a group writes the files whose digest changed, leaves the others alone (so their
mtime, hence `Last-Modified` and the proxy's ETag, stays put across rebuilds and restarts),
and removes the files the group no longer produces. Text files get a `.gz` sibling with stable
bytes (gzip mtime 0) for the proxy's `gzip_static` and the app's file handler.
"""
from __future__ import annotations

import fcntl
import gzip
import hashlib
import json
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator

GZIP_SUFFIXES = (".html", ".xml", ".json", ".txt", ".vtt", ".opml")
GZIP_MIN_BYTES = 512  # below this, gzip saves too little to be worth a second file


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
    return gzip.compress(data, compresslevel=9, mtime=0)


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


class Tree:
    """A published tree at `root`, with its manifests and locks under `state`."""

    def __init__(self, root: Path, state: Path) -> None:
        self.root = Path(root)
        self.state = Path(state)
        self.root.mkdir(parents=True, exist_ok=True)
        (self.state / "manifests").mkdir(parents=True, exist_ok=True)
        (self.state / "locks").mkdir(parents=True, exist_ok=True)

    def _manifest_path(self, name: str) -> Path:
        return self.state / "manifests" / f"{check_path(name)}.json"

    def manifest(self, name: str) -> tuple[Any, dict[str, str]]:
        """(version, {path: digest}) last synced for group `name`; (None, {}) when never."""
        try:
            data = json.loads(self._manifest_path(name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None, {}
        version = data.get("version")
        return (tuple(version) if isinstance(version, list) else version), dict(data.get("files", {}))

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

    def sync(self, name: str, files: Iterable[tuple[str, bytes]], *, version: Any,
             mtime: float | None = None) -> list[str]:
        """Make group `name` hold exactly `files`; returns the paths whose bytes changed
        (written or removed). Call under `lock(name)`."""
        _, old = self.manifest(name)
        new: dict[str, str] = {}
        changed = []
        for path, data in files:
            check_path(path)
            if path in new:
                raise TreeError(f"tree: {path!r} built twice")
            new[path] = digest(data)
            target = self.root / path
            if old.get(path) == new[path] and target.is_file():
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
        for path in sorted(set(old) - set(new)):
            self._remove(path)
            changed.append(path)
        write_atomic(self._manifest_path(name), json.dumps(
            {"version": version, "files": new}, sort_keys=True).encode())
        return changed

    def drop(self, name: str) -> list[str]:
        """Remove every file of group `name`, and its manifest; returns the paths removed."""
        _, old = self.manifest(name)
        for path in old:
            self._remove(path)
        self._manifest_path(name).unlink(missing_ok=True)
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
