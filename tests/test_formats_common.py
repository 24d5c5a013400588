"""Shared helpers of the feed builders: titles, bodies, dates, paging."""
from __future__ import annotations

from datetime import UTC, timedelta

from formats_factory import LINKS, T0, make_blog, make_entry

from syndicate.formats.common import (
    TITLE_LIMIT,
    audio_ready,
    author_name,
    blog_zone,
    caption_text,
    content_html,
    content_text,
    duration_seconds,
    feed_description,
    feed_updated,
    item_title,
    paging_links,
    shorten,
    xml_safe,
)
from syndicate.model import Audio, Media, Page

LONDON = blog_zone(make_blog())


def test_headline_is_the_title() -> None:
    entry = make_entry(1, headline="  Polls   close\n now ")
    assert item_title(entry, LONDON) == "Polls close now"


def test_untitled_entry_gets_local_time_and_first_words() -> None:
    entry = make_entry(0, text="Guards run after the car as it leaves the count centre and the crowd cheers loudly.")
    title = item_title(entry, LONDON)
    assert title.startswith("08:30 \u2014 Guards run after the car")  # 07:30 UTC is 08:30 BST
    assert title.endswith("\u2026")
    assert len(title) <= TITLE_LIMIT
    # cut on a word boundary: the last word before the ellipsis is a whole word of the text
    last_word = title[:-1].split()[-1]
    assert last_word in entry.text.split()


def test_untitled_short_text_is_kept_whole() -> None:
    entry = make_entry(0, text="Turnout is high.")
    assert item_title(entry, LONDON) == "08:30 \u2014 Turnout is high."


def test_untitled_entry_falls_back_to_html_then_caption_then_clock() -> None:
    from_html = make_entry(0, text="", html="<p>From the <b>HTML</b> only</p>")
    assert item_title(from_html, LONDON) == "08:30 \u2014 From the HTML only"
    from_caption = make_entry(0, text="", html="", media=(Media(caption="Queues", credit="AP"),))
    assert item_title(from_caption, LONDON) == "08:30 \u2014 Queues (Photo: AP)"
    empty = make_entry(0, text="", html="", media=())
    assert item_title(empty, LONDON) == "08:30"


def test_unknown_time_zone_falls_back_to_utc() -> None:
    tz = blog_zone(make_blog(timezone="Mars/Olympus"))
    assert item_title(make_entry(0, text="x"), tz) == "07:30 \u2014 x"
    assert tz is UTC


def test_shorten_cuts_very_long_words() -> None:
    assert shorten("a" * 100, 10) == "a" * 9 + "\u2026"
    assert shorten("short", 10) == "short"


def test_caption_text_labels_credit_by_kind() -> None:
    assert caption_text(Media(kind="photo", caption="Queues", credit="AP")) == "Queues (Photo: AP)"
    assert caption_text(Media(kind="video", caption="Speech", credit="BBC")) == "Speech (Video: BBC)"
    assert caption_text(Media(kind="embed", caption="", credit="X")) == "Source: X"
    assert caption_text(Media(kind="photo", caption="Only caption")) == "Only caption"
    assert caption_text(Media()) == ""


def test_content_html_escapes_captions_and_keeps_entry_html() -> None:
    entry = make_entry(1, html="<p>Hello <em>world</em></p>",
                       media=(Media(caption="<script>alert(1)</script>", credit="A & B"),))
    body = content_html(entry)
    assert body.startswith("<p>Hello <em>world</em></p><figure><figcaption>")
    assert "<script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; (Photo: A &amp; B)" in body


def test_content_text_is_text_then_captions() -> None:
    entry = make_entry(1, text="Body.", media=(Media(caption="Cap", credit="Cred"), Media()))
    assert content_text(entry) == "Body.\n\nCap (Photo: Cred)"


def test_xml_safe_drops_control_characters() -> None:
    assert xml_safe("a\x00b\x0bc\x1fd\ud800e\tf\ng") == "abcde\tf\ng"


def test_feed_updated_is_the_latest_of_blog_entries_and_tombstones() -> None:
    blog = make_blog(updated=T0)
    entries = [make_entry(5), make_entry(2, updated=T0 + timedelta(hours=1))]
    assert feed_updated(blog, entries) == T0 + timedelta(hours=1)
    gone = make_entry(9, deleted=T0 + timedelta(hours=2))
    assert feed_updated(blog, entries, [gone]) == T0 + timedelta(hours=2)
    assert feed_updated(make_blog(updated=T0 + timedelta(days=1)), entries) == T0 + timedelta(days=1)
    audio_ready_later = make_blog(updated=T0, changed=T0 + timedelta(hours=5))
    assert feed_updated(audio_ready_later, entries) == T0 + timedelta(hours=5)


def test_paging_links_on_page_two_of_three() -> None:
    links = paging_links(LINKS, "election", "atom", Page(number=2, size=10, total=25))
    assert [(link.rel, link.href) for link in links] == [
        ("first", "https://news.example/live/blogs/election/atom.xml"),
        ("previous", "https://news.example/live/blogs/election/atom.xml"),
        ("next", "https://news.example/live/blogs/election/archive/1/atom.xml"),
        ("last", "https://news.example/live/blogs/election/archive/1/atom.xml"),
    ]
    assert all(link.type == "application/atom+xml" for link in links)


def test_single_page_feed_has_no_paging_links() -> None:
    assert paging_links(LINKS, "election", "rss", Page(number=0, size=50, total=3)) == []
    assert paging_links(LINKS, "election", "rss", Page(number=0, size=50, total=0)) == []


def test_audio_ready_and_duration() -> None:
    assert audio_ready(make_entry(1))
    assert not audio_ready(make_entry(1, audio=None))
    assert not audio_ready(make_entry(1, audio=Audio(status="pending", file="x.mp3", bytes=1)))
    assert not audio_ready(make_entry(1, audio=Audio(status="ready", file=None, bytes=1)))
    assert not audio_ready(make_entry(1, audio=Audio(status="ready", file="x.mp3", bytes=None)))
    assert duration_seconds(Audio(duration=12.2)) == 13
    assert duration_seconds(Audio(duration=12.0)) == 12
    assert duration_seconds(Audio(duration=None)) is None


def test_author_and_description_fallbacks() -> None:
    assert author_name(make_blog(author="")) == "Election night"
    assert feed_description(make_blog(description="  ")) == "Live updates: Election night"
