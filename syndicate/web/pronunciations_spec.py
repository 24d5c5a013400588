"""The OpenAPI paths of the pronunciations API (web/pronunciations.py)."""
from __future__ import annotations

from typing import Any

ENTRY = {"type": "object", "required": ["word", "say"], "properties": {
    "word": {"type": "string", "maxLength": 100}, "say": {"type": "string", "maxLength": 300},
    "phonemes": {"type": "object", "description": "engine (espeak-ng, festival, piper) -> phoneme string in its notation",
                 "additionalProperties": {"type": "string"}},
    "whole_word": {"type": "boolean", "default": True}, "case_sensitive": {"type": "boolean", "default": False},
    "language": {"type": "string", "description": "empty: every language"}}}


def openapi_paths() -> dict[str, Any]:
    """The pronunciations paths, to merge into the API's OpenAPI document."""
    slug = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
    word = {"name": "word", "in": "path", "required": True, "schema": {"type": "string"}}
    language = {"name": "language", "in": "query", "schema": {"type": "string"}}
    errors = {code: {"$ref": f"#/components/responses/{name}"} for code, name in (
        ("400", "BadRequest"), ("404", "NotFound"), ("413", "TooLarge"), ("415", "WrongType"),
        ("401", "Unauthorized"), ("403", "Forbidden"))}
    body = {"required": True, "content": {"application/json": {"schema": ENTRY}}}
    one = {"description": "The entry, and how many clips are queued to be checked",
           "content": {"application/json": {"schema": {**ENTRY, "properties": {
               **ENTRY["properties"], "respeaking": {"type": "integer"}}}}}}
    listing = {"description": "The blog's lexicon and the service-wide defaults", "content": {"application/json": {
        "schema": {"type": "object", "properties": {"pronunciations": {"type": "array", "items": ENTRY},
                                                    "defaults": {"type": "array", "items": ENTRY},
                                                    "respeaking": {"type": "integer"}}}}}}
    secure = [{"bearer": []}]
    return {
        "/api/blogs/{slug}/pronunciations": {
            "parameters": [slug],
            "get": {"summary": "The blog's pronunciation lexicon", "responses": {"200": listing, **errors}},
            "put": {"summary": "Replace the lexicon (clips whose spoken words change are made again)",
                    "security": secure,
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": {"type": "array", "items": ENTRY}}}},
                    "responses": {"200": listing, **errors}},
            "post": {"summary": "Add or replace one word's pronunciation", "security": secure,
                     "requestBody": body, "responses": {"200": one, "201": one, **errors}},
        },
        "/api/blogs/{slug}/pronunciations/{word}": {
            "parameters": [slug, word],
            "get": {"summary": "One word's pronunciations", "parameters": [language],
                    "responses": {"200": listing, **errors}},
            "put": {"summary": "Add or replace one word's pronunciation", "security": secure,
                    "requestBody": body, "responses": {"200": one, "201": one, **errors}},
            "delete": {"summary": "Remove a word's pronunciation (of one language with ?language=)",
                       "security": secure, "parameters": [language],
                       "responses": {"204": {"description": "Removed"}, **errors}},
        },
    }
