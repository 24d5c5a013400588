"""The OpenAPI description of the pronunciations API (web/pronunciations.py), added to the
document's `openapi.PATHS` and `openapi.SCHEMAS` when imported (web/pronunciations.py does).
The request schemas come from the declarations in pronunciations.py that the checks use."""
from __future__ import annotations

from typing import Any

from .. import pronunciations
from . import openapi
from .openapi import SECURE, SLUG, WRITE_ERRORS, json_body, json_content, ref

WORD = {"name": "word", "in": "path", "required": True, "schema": pronunciations.WORD.schema()}
LANGUAGE = {"name": "language", "in": "query", "schema": pronunciations.LANGUAGE_FIELD.schema(),
            "description": "only the entry of this language (empty: the entry for every language)"}
_ENTRY = {"word": openapi.STRING, "say": openapi.STRING,
          "phonemes": {"type": "object", "additionalProperties": openapi.STRING},
          "whole_word": {"type": "boolean"}, "case_sensitive": {"type": "boolean"}, "language": openapi.STRING}

SCHEMAS: dict[str, Any] = {
    "Pronunciation": {"type": "object", "required": list(_ENTRY), "properties": _ENTRY},
    "PronunciationChanged": {"type": "object", "required": [*_ENTRY, "respeaking"], "properties": {
        **_ENTRY, "respeaking": {"type": "integer", "description": "clips queued to be checked"}}},
    "Pronunciations": {"type": "object", "required": ["pronunciations"], "properties": {
        "pronunciations": {"type": "array", "items": ref("Pronunciation")},
        "defaults": {"type": "array", "items": ref("Pronunciation"),
                     "description": "the service-wide lexicon, under the blog's own"},
        "defaults_error": {**openapi.STRING, "description": "why the service-wide lexicon cannot be read"},
        "respeaking": {"type": "integer", "description": "clips queued to be checked"}}},
}

# From a word just written, the operations on that word.
_WORD_LINKS = {name: {"operationId": operation, "parameters": {
    "slug": "$request.path.slug", "word": "$response.body#/word"}}
    for name, operation in (("GetPronunciation", "getPronunciation"), ("PutPronunciation", "putPronunciation"),
                            ("DeletePronunciation", "deletePronunciation"))}
_WRITTEN = {"200": {**json_content(ref("PronunciationChanged"), "Replaced"), "links": _WORD_LINKS},
            "201": {**json_content(ref("PronunciationChanged"), "Added"), "links": _WORD_LINKS}}
_LISTING = json_content(ref("Pronunciations"), "The blog's lexicon and the service-wide defaults")

PATHS: dict[str, Any] = {
    "/api/blogs/{slug}/pronunciations": {
        "parameters": [SLUG],
        "get": {"operationId": "listPronunciations", "summary": "The blog's pronunciation lexicon",
                "responses": {"200": _LISTING, **openapi.ERRORS}},
        "put": {"operationId": "replacePronunciations",
                "summary": "Replace the lexicon (clips whose spoken words change are made again)",
                "security": SECURE, "requestBody": json_body(pronunciations.lexicon_schema()),
                "responses": {"200": _LISTING, **WRITE_ERRORS}},
        "post": {"operationId": "addPronunciation", "summary": "Add or replace one word's pronunciation",
                 "security": SECURE, "requestBody": json_body(pronunciations.schema()),
                 "responses": {**_WRITTEN, **WRITE_ERRORS}},
    },
    "/api/blogs/{slug}/pronunciations/{word}": {
        "parameters": [SLUG, WORD],
        "get": {"operationId": "getPronunciation", "summary": "One word's pronunciations", "parameters": [LANGUAGE],
                "responses": {"200": _LISTING, **openapi.ERRORS}},
        "put": {"operationId": "putPronunciation", "summary": "Add or replace one word's pronunciation",
                "security": SECURE, "requestBody": json_body(pronunciations.schema(word_in_url=True)),
                "responses": {**_WRITTEN, **WRITE_ERRORS}},
        "delete": {"operationId": "deletePronunciation",
                   "summary": "Remove a word's pronunciation (of one language with ?language=)",
                   "security": SECURE, "parameters": [LANGUAGE],
                   "responses": {"204": {"description": "Removed"}, **WRITE_ERRORS}},
    },
}


openapi.PATHS.update(PATHS)
openapi.BLOG_LINKS.update({name: {"operationId": operation, "parameters": {"slug": "$response.body#/slug"}}
                           for name, operation in (("ListPronunciations", "listPronunciations"),
                                                   ("AddPronunciation", "addPronunciation"),
                                                   ("ReplacePronunciations", "replacePronunciations"))})
openapi.SCHEMAS.update(SCHEMAS)
