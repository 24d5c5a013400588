"""Bringing a data dir from the layout before the published tree up to date.

Before, clips lived in `<DATA_DIR>/audio/<slug>/` and the newest feeds were copied to
`<DATA_DIR>/feeds/<slug>/`, where nothing read them. Clips move into the tree (their names,
which the database records, stay the same); the old feed copies are removed. Anything else
in those folders (a README, say) is left alone.
"""
from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

from .links import FEED_FILES

log = logging.getLogger(__name__)
OLD_FEED_FILES = (*FEED_FILES.values(), "cover.png")


def _rmdir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()  # only when empty


def upgrade(data_dir: Path, audio_dir: Path) -> int:
    """Move old clips into `audio_dir` and remove old feed copies; returns files moved or removed."""
    done = 0
    old_audio = data_dir / "audio"
    if old_audio.is_dir() and old_audio.resolve() != audio_dir.resolve():
        for clip in sorted(old_audio.glob("*/*.mp3")):
            target = audio_dir / clip.parent.name / clip.name
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                clip.unlink()
            else:
                os.replace(clip, target)
            done += 1
            _rmdir(clip.parent)
    old_feeds = data_dir / "feeds"
    if old_feeds.is_dir():
        for name in OLD_FEED_FILES:
            for path in old_feeds.glob(f"*/{name}"):
                path.unlink()
                done += 1
                _rmdir(path.parent)
        if (old_feeds / "feeds.opml").is_file():
            (old_feeds / "feeds.opml").unlink()
            done += 1
    if done:
        log.info("layout: moved or removed %d file(s) of the layout before public/", done)
    return done
