"""A blog's pronunciation lexicon under /api/blogs/<slug>/pronunciations.

Reads are public; writes need the bearer token. Every write queues the blog's clips to be
checked (`respeaking`: how many); a worker makes again exactly those whose spoken words
changed (see store/pronunciations.py).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, Response, jsonify, request

from ..model import Pronunciation
from ..pronunciations import LexiconError, language_tag, lexicon_from_json, load_file, pronunciation_from_json
from ..validate import InvalidInput
from . import pronunciations_spec  # noqa: F401  (adds these routes to the OpenAPI document)
from .api import _json_body
from .auth import writer
from .context import services
from .errors import ApiError

T = TypeVar("T")

bp = Blueprint("pronunciations", __name__, url_prefix="/api/blogs/<slug>/pronunciations")


def _change(slug: str, change: Callable[[], tuple[T, int]]) -> tuple[T, int]:
    found = services()
    found.store.require_blog(slug)
    result, queued = change()
    found.publisher.publish(slug)
    return result, queued


def _listing(slug: str, **extra: Any) -> Response:
    found = services()
    try:  # checked at start-up, but the file may have been edited since
        defaults = [p.to_json() for p in load_file(found.config.get("LEXICON", ""))]
    except LexiconError as exc:
        defaults, extra = [], {**extra, "defaults_error": str(exc)}
    return jsonify({"pronunciations": [p.to_json() for p in found.store.pronunciations(slug)],
                    "defaults": defaults, **extra})


def _language_arg() -> str | None:
    language = request.args.get("language")
    try:
        return None if language is None else language_tag(language)
    except InvalidInput as exc:  # too long is a bad query (400), not a body too large (413)
        raise InvalidInput(exc.message, "language") from None


@bp.get("")
def list_pronunciations(slug: str) -> Response:
    services().store.require_blog(slug)
    return _listing(slug)


@bp.put("")
@writer
def replace_pronunciations(slug: str) -> Response:
    items = lexicon_from_json(_json_body())
    _, queued = _change(slug, lambda: services().store.replace_pronunciations(slug, items))
    return _listing(slug, respeaking=queued)


def _put(slug: str, entry: Pronunciation) -> Response:
    new, queued = _change(slug, lambda: services().store.put_pronunciation(slug, entry))
    response = jsonify({**entry.to_json(), "respeaking": queued})
    response.status_code = 201 if new else 200
    return response


@bp.post("")
@writer
def add_pronunciation(slug: str) -> Response:
    return _put(slug, pronunciation_from_json(_json_body()))


@bp.get("/<word>")
def get_pronunciation(slug: str, word: str) -> Response:
    services().store.require_blog(slug)
    language = _language_arg()
    found = [p.to_json() for p in services().store.pronunciations(slug)
             if p.word == word and language in (None, p.language)]
    if not found:
        raise ApiError(404, "not_found", f"no pronunciation for {word!r} in blog {slug!r}")
    return jsonify({"pronunciations": found})


@bp.put("/<word>")
@writer
def put_pronunciation(slug: str, word: str) -> Response:
    return _put(slug, pronunciation_from_json(_json_body(), word=word))


@bp.delete("/<word>")
@writer
def delete_pronunciation(slug: str, word: str) -> Response:
    language = _language_arg()
    gone, _ = _change(slug, lambda: services().store.delete_pronunciation(slug, word, language))
    if not gone:
        raise ApiError(404, "not_found", f"no pronunciation for {word!r} in blog {slug!r}")
    return Response(status=204)
