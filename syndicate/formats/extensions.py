"""feedgen extensions for what feedgen 1.0.0 cannot write itself.

- `AtomLinks`: channel-level `atom:link` elements in RSS (feedgen writes only the first
  `rel="self"` link and drops hub and paging links).
- `AtomEntryLinks`: Atom entry `<link>` elements that keep rel/type/length (feedgen drops them,
  so an enclosure would come out as a second alternate link).
- `Tombstones`: RFC 6721 `<at:deleted-entry>` elements in Atom.
- `PodcastIndex` / `PodcastIndexEntry`: the Podcasting 2.0 namespace, plus `itunes:explicit`
  written as "true"/"false" (feedgen only accepts yes/no/clean).

Register with `fg.register_extension(name, FeedClass, EntryClass, atom=..., rss=...)`; feedgen
instantiates the classes itself and exposes the instances as `fg.<name>` / `entry.<name>`,
whose attributes the builders then fill in.
"""
from __future__ import annotations

from dataclasses import dataclass

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from lxml import etree

ATOM_NS = "http://www.w3.org/2005/Atom"
TOMBSTONES_NS = "http://purl.org/atompub/tombstones/1.0"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
CHAPTERS_TYPE = "application/json+chapters"


@dataclass(frozen=True)
class Link:
    """A link element's attributes; `length` in bytes when known."""

    rel: str
    href: str
    type: str | None = None
    length: int | None = None

    def attrib(self) -> dict[str, str]:
        values = {"rel": self.rel, "href": self.href}
        if self.type:
            values["type"] = self.type
        if self.length is not None:
            values["length"] = str(self.length)
        return values


def _channel(rss: etree._Element) -> etree._Element:
    channel = rss.find("channel")
    if channel is None:  # feedgen always writes one
        raise ValueError("feed: an RSS document without a channel")
    return channel


class AtomLinks(BaseExtension):
    """`atom:link` elements in an RSS channel (self, hub, RFC 5005 paging)."""

    def __init__(self) -> None:
        self.links: list[Link] = []

    def extend_ns(self) -> dict[str, str]:
        return {"atom": ATOM_NS}

    def extend_rss(self, feed: etree._Element) -> etree._Element:
        channel = _channel(feed)
        for link in self.links:
            etree.SubElement(channel, f"{{{ATOM_NS}}}link", link.attrib())
        return feed


class AtomEntryLinks(BaseEntryExtension):
    """`<link>` elements of an Atom entry, with every attribute kept."""

    def __init__(self) -> None:
        self.links: list[Link] = []

    def extend_atom(self, entry: etree._Element) -> etree._Element:
        # feedgen builds Atom without a namespace on the child elements and declares the
        # Atom namespace as the root's default, so plain names land in the Atom namespace.
        for link in self.links:
            etree.SubElement(entry, "link", link.attrib())
        return entry


@dataclass(frozen=True)
class Tombstone:
    """A deleted entry: its id and when it was deleted (RFC 3339 text)."""

    ref: str
    when: str


class Tombstones(BaseExtension):
    """RFC 6721 deleted-entry elements at the start of an Atom feed's entries."""

    def __init__(self) -> None:
        self.deleted: list[Tombstone] = []

    def extend_ns(self) -> dict[str, str]:
        return {"at": TOMBSTONES_NS}

    def extend_atom(self, feed: etree._Element) -> etree._Element:
        for tombstone in self.deleted:
            etree.SubElement(
                feed, f"{{{TOMBSTONES_NS}}}deleted-entry", ref=tombstone.ref, when=tombstone.when
            )
        return feed


def _text(parent: etree._Element, tag: str, text: str, **attrib: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attrib)
    element.text = text
    return element


class PodcastIndex(BaseExtension):
    """Channel elements of the Podcasting 2.0 namespace, and `itunes:explicit` as true/false.

    `txt` holds (purpose, text) pairs for `<podcast:txt>`, e.g. ("ai-content", "true") to
    disclose machine-spoken audio.
    """

    def __init__(self) -> None:
        self.guid: str | None = None
        self.locked: bool = False
        self.medium: str = "podcast"
        self.txt: list[tuple[str, str]] = []
        self.explicit: bool = False
        self.owner: tuple[str, str] = ("", "")  # itunes:owner (name, e-mail); written when set

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS, "itunes": ITUNES_NS}

    def extend_rss(self, feed: etree._Element) -> etree._Element:
        channel = _channel(feed)
        _text(channel, f"{{{ITUNES_NS}}}explicit", "true" if self.explicit else "false")
        name, email = self.owner
        if name or email:
            owner = etree.SubElement(channel, f"{{{ITUNES_NS}}}owner")
            if name:
                _text(owner, f"{{{ITUNES_NS}}}name", name)
            if email:
                _text(owner, f"{{{ITUNES_NS}}}email", email)
        if self.guid:
            _text(channel, f"{{{PODCAST_NS}}}guid", self.guid)
        _text(channel, f"{{{PODCAST_NS}}}locked", "yes" if self.locked else "no")
        _text(channel, f"{{{PODCAST_NS}}}medium", self.medium)
        for purpose, value in self.txt:
            _text(channel, f"{{{PODCAST_NS}}}txt", value, purpose=purpose)
        return feed


class PodcastIndexEntry(BaseEntryExtension):
    """Item elements: `itunes:explicit` true/false and `podcast:transcript` links.

    `transcripts` holds (url, media type) pairs; `language` goes on each transcript.
    """

    def __init__(self) -> None:
        self.explicit: bool = False
        self.transcripts: list[tuple[str, str]] = []
        self.language: str | None = None
        self.chapters: str | None = None  # URL of a Podcasting 2.0 chapters document

    def extend_rss(self, item: etree._Element) -> etree._Element:
        _text(item, f"{{{ITUNES_NS}}}explicit", "true" if self.explicit else "false")
        for url, media_type in self.transcripts:
            element = etree.SubElement(
                item, f"{{{PODCAST_NS}}}transcript", url=url, type=media_type
            )
            if self.language:
                element.set("language", self.language)
        if self.chapters:
            etree.SubElement(item, f"{{{PODCAST_NS}}}chapters", url=self.chapters, type=CHAPTERS_TYPE)
        return item
