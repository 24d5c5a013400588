"""Errors raised by the store, each naming the thing that failed."""


class StoreError(Exception):
    """Base class for store errors."""


class NotFound(StoreError):
    """No such blog or entry."""


class Conflict(StoreError):
    """The change clashes with what is stored (e.g. a slug already taken)."""
