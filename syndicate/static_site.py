"""`syndicate build`: every blog as a static site that any web server or CDN can serve.

The file layout is the URL layout (see `links.py`), so the same links work in both.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from .formats.catchup import build_catchup_outputs
from .formats.podcast import podcast_owner
from .links import Links
from .publish import Publisher, write_if_changed
from .store import Store
from .transcripts import clip_vtt
from .views import build_entry_pages


def _copy(src: Path, dst: Path) -> bool:
    if dst.is_file() and dst.stat().st_size == src.stat().st_size:
        return False  # clip names change with their content: same name and size is the same file
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)
    return True


def export_site(store: Store, publisher: Publisher, audio_dir: Path, out: Path, base: str) -> int:
    """Write the whole site under `out` with links rooted at `base`; returns files written."""
    links = Links(base)
    out.mkdir(parents=True, exist_ok=True)
    written = write_if_changed(out / "index.html", publisher.site_document("index", links).body)
    written += write_if_changed(out / "feeds.opml", publisher.site_document("opml", links).body)
    for blog in store.list_blogs():
        written += publisher.export_blog(blog, out, links)
        # Entry pages and the catch-up episode's files, from their output builders.
        outputs = build_entry_pages(blog, store.list_entries(blog.slug), links, page_entries=publisher.page_entries)
        catchup = store.get_catchup(blog.slug)
        outputs += build_catchup_outputs(blog, catchup, links, owner=podcast_owner(blog, *publisher.owner))
        for path, body in outputs:
            written += write_if_changed(out / path, body)
        if catchup is not None and (audio_dir / catchup.file).is_file():
            written += _copy(audio_dir / catchup.file, out / "audio" / catchup.file)
        for entry in store.list_entries(blog.slug, audio_ready=True, transcripts=True):
            audio = entry.audio
            if audio is None or audio.file is None or not (audio_dir / audio.file).is_file():
                continue
            written += _copy(audio_dir / audio.file, out / "audio" / audio.file)
            base_path = out / "blogs" / blog.slug / "entries" / entry.id
            transcript = audio.transcript or ""
            written += write_if_changed(base_path.with_suffix(".txt"), (transcript + "\n").encode())
            written += write_if_changed(base_path.with_suffix(".vtt"), clip_vtt(audio).encode())
    return written
