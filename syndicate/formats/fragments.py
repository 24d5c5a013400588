"""Each item's XML, built once and reused while the entry is unchanged.

A new entry changes one item of a page of up to 100, so rebuilding a feed should cost one
item, not a hundred: publishing then costs about the same at 10 entries as at 10,000. The
channel is still built by feedgen, with no items, and the cached items are placed into it.
Keys hold every input an item depends on (the frozen Entry, the Links, the blog's fields), so
a cached item is always the one a fresh build would make.
"""
from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from functools import partial

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from lxml import etree

# Items kept: the first pages of some 20 blogs' feeds. Each holds its Entry as part of its
# key (a few kB with the HTML and text), so the bound is kept modest.
CACHE_SIZE = 6_000
# The prefixes feed readers expect. An item serialised on its own would otherwise get
# generated ones (ns0:duration), which some podcast apps, matching on "itunes:", ignore.
PREFIXES = {
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
}
_DECLARATION = re.compile(rb' xmlns:(\w+)="([^"]*)"')


class FragmentCache:
    """A thread-safe LRU mapping of item keys to serialised items."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], bytes]) -> bytes:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        made = make()
        with self._lock:
            self._items[key] = made
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return made

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


CACHE = FragmentCache()


def render_items(fg: FeedGenerator, kind: str,
                 items: Iterable[tuple[Hashable, Callable[[FeedGenerator], FeedEntry]]]) -> list[bytes]:
    """Serialised items ("rss" <item> or "atom" <entry>) in order. `items` pairs each key with
    a function that adds the item to `fg` (so it gets fg's extensions); it runs on a miss only,
    and the item is taken out of `fg` again once serialised."""
    def made(add: Callable[[FeedGenerator], FeedEntry]) -> bytes:
        entry = add(fg)
        element = entry.rss_entry() if kind == "rss" else entry.atom_entry()
        fg.remove_entry(entry)
        holder = etree.Element("holder", nsmap=PREFIXES)
        holder.append(element)
        etree.cleanup_namespaces(holder, top_nsmap=PREFIXES)
        return etree.tostring(element, encoding="UTF-8", pretty_print=True)

    return [CACHE.get((kind, key), partial(made, add)) for key, add in items]


def splice(document: bytes, closing: bytes, items: list[bytes]) -> bytes:
    """`document` with `items` placed just before its last `closing` tag. Namespace
    declarations an item repeats from the document's root element are dropped."""
    head, tag, tail = document.rpartition(closing)
    root = head[head.find(b"<", head.find(b"?>") + 2):]
    root = root[:root.find(b">")]
    declared = set(_DECLARATION.findall(root))

    def trimmed(item: bytes) -> bytes:
        end = item.find(b">")
        start = _DECLARATION.sub(lambda m: b"" if m.groups() in declared else m.group(0), item[:end])
        return start + item[end:]

    return b"".join((head, *map(trimmed, items), tag, tail))
