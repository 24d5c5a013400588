"""Clips and their transcripts.

A clip's file name changes whenever what it says changes, so clips are served as immutable
with a year-long cache lifetime. Werkzeug's conditional sending gives ETag, 304, HEAD and
byte ranges (206; podcast apps probe with `Range: bytes=0-1`).
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, send_from_directory

from ..model import Audio
from ..transcripts import clip_vtt
from .context import services

bp = Blueprint("audio", __name__)
YEAR = 365 * 24 * 3600


@bp.get("/audio/<path:name>")
def clip(name: str):
    if not name.endswith(".mp3"):
        abort(404)
    directory = Path(current_app.config["DATA_DIR"]) / "audio"
    # send_from_directory refuses any path that leaves the directory (404).
    response = send_from_directory(directory, name, mimetype="audio/mpeg", conditional=True, max_age=YEAR)
    response.cache_control.immutable = True
    response.cache_control.public = True
    return response


def _spoken(slug: str, entry_id: str) -> Audio:
    entry = services().store.get_entry(slug, entry_id)
    if entry is None or entry.audio is None or not entry.audio.ready or not entry.audio.transcript:
        abort(404)
    return entry.audio



@bp.get("/blogs/<slug>/entries/<entry_id>.txt")
def transcript_text(slug: str, entry_id: str):
    return Response(_spoken(slug, entry_id).transcript + "\n", content_type="text/plain; charset=utf-8")


@bp.get("/blogs/<slug>/entries/<entry_id>.vtt")
def transcript_vtt(slug: str, entry_id: str):
    return Response(clip_vtt(_spoken(slug, entry_id)), content_type="text/vtt; charset=utf-8")
