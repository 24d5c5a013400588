"""Values remembered per live object, for as long as the object lives.

The publisher hands the builders the same entry objects from one publish to the next while the
entries are unchanged (see `entrycache`), so what is derived from one entry (its fingerprint,
its lines in the text version, its transcripts' declarations) can be remembered by the object's
identity: a look-up is one dictionary access, with no hashing of the entry's fields. A weak
reference drops the value when the object goes, so an id is never mistaken for another's.
"""
from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class PerObject(Generic[T]):
    """`memo.get(obj, make, *extra)`: `make()` once per live `obj` (and `extra` values)."""

    def __init__(self) -> None:
        self._values: dict[tuple, tuple[weakref.ref, T]] = {}

    def get(self, obj: object, make: Callable[[], T], *extra: Hashable) -> T:
        key = (id(obj), *extra)
        known = self._values.get(key)
        if known is not None and known[0]() is obj:
            return known[1]
        value = make()
        values = self._values
        values[key] = (weakref.ref(obj, lambda _ref: values.pop(key, None)), value)
        return value

    def __len__(self) -> int:
        return len(self._values)
