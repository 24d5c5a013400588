"""Clips and their transcripts.

Clips are sent by `clips.clip_answer` (ranges, ETag, 304, immutable caching).
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request

from ..clipstore import clip_root
from ..model import Audio
from ..transcripts import clip_vtt
from .clips import clip_answer
from .context import services

bp = Blueprint("audio", __name__)


@bp.route("/audio/<path:name>", methods=["GET", "HEAD"])
def clip(name: str):
    # Normally answered by the fast path; this route serves the same answer when it is off.
    answer = clip_answer(clip_root(current_app.config["DATA_DIR"]), name, request.environ)
    if answer is None:
        abort(404)
    status, headers, body = answer
    return Response(body, status=status, headers=headers, direct_passthrough=True)


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
