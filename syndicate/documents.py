"""A built output (feed, page, image) with what HTTP needs to serve it cheaply."""
from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass, field
from datetime import datetime

COMPRESSIBLE = ("text/", "application/rss+xml", "application/atom+xml", "application/feed+json",
                "application/json", "text/x-opml", "application/xml")


@dataclass(frozen=True)
class Document:
    body: bytes
    media_type: str
    last_modified: datetime
    etag: str = field(default="")
    _gzip: list = field(default_factory=list, repr=False, compare=False)
    headers: dict = field(default_factory=dict, repr=False, compare=False)  # HTTP headers, per representation

    def __post_init__(self) -> None:
        if not self.etag:
            object.__setattr__(self, "etag", hashlib.sha256(self.body).hexdigest()[:24])

    @property
    def compressible(self) -> bool:
        return self.media_type.startswith(COMPRESSIBLE) and len(self.body) > 512

    def gzipped(self) -> bytes:
        """The body gzip-compressed, made once (mtime 0 keeps the bytes stable)."""
        if not self._gzip:
            self._gzip.append(gzip.compress(self.body, compresslevel=6, mtime=0))
        return self._gzip[0]
