"""`syndicate build`: the published tree, written anywhere, for any web server or CDN.

The same publisher and builders as the service's own tree (`<DATA_DIR>/public/`), with links
rooted at the export's base URL; clips are hard-linked (or copied) from the service's tree.
Running it again rewrites only what changed since, and removes what is no longer published.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

from .links import Links
from .publish import Publisher
from .store import Store
from .tree import Tree


def _link(src: Path, dst: Path) -> bool:
    if dst.is_file() and dst.stat().st_size == src.stat().st_size:
        return False  # clip names change with their content: same name and size is the same file
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(f".{dst.name}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(src, tmp)
    except OSError:
        shutil.copyfile(src, tmp)
    os.replace(tmp, dst)
    return True


def sync_clips(store: Store, audio_dir: Path, out: Path) -> int:
    """Make `out/audio/` hold the clips that entries use; returns files added or removed."""
    wanted = {entry.audio.file for blog in store.list_blogs()
              for entry in store.list_entries(blog.slug, audio_ready=True)
              if entry.audio is not None and entry.audio.file and (audio_dir / entry.audio.file).is_file()}
    # Catch-up episodes live beside the clips (see speech/catchup.py).
    wanted |= {catchup.file for blog in store.list_blogs() if (catchup := store.get_catchup(blog.slug)) is not None
               and (audio_dir / catchup.file).is_file()}
    done = sum(_link(audio_dir / name, out / "audio" / name) for name in sorted(wanted))
    for path in sorted((out / "audio").glob("*/*.mp3")) if (out / "audio").is_dir() else ():
        if path.relative_to(out / "audio").as_posix() not in wanted:
            path.unlink()
            done += 1
            if not any(path.parent.iterdir()):
                path.parent.rmdir()
    return done


def export_site(store: Store, settings: Any, out: Path, base: str) -> int:
    """Write the whole tree under `out` with links rooted at `base`; returns files changed."""
    out = Path(out).resolve()
    # The export's manifests live with the service's, not in the export (which is published).
    state = settings.publish_state / "exports" / hashlib.sha256(str(out).encode()).hexdigest()[:16]
    publisher = Publisher(store, Tree(out, state), Links(base), feed_items=settings.feed_items,
                          page_entries=settings.page_entries, hub=settings.websub_hub,
                          owner=(settings.podcast_owner_name, settings.podcast_owner_email))
    return len(publisher.publish_changed()) + sync_clips(store, settings.audio_dir, out)
