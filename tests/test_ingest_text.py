"""Plain-text live blogs: layout, clock times, dating, media credits and stable ids."""
from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from syndicate.ingest import IngestError, parse
from syndicate.ingest.plaintext import parse_dateline, split_clock
from syndicate.samples import DEMO_FILE, DEMO_LANGUAGE, DEMO_TIMEZONE

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
SEED = Path(__file__).parents[2] / "shared/samples/seed-liveblog.txt"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def load(name: str, **options):
    return parse((FIXTURES / name).read_text(encoding="utf-8"), **options)


@pytest.mark.skipif(not SEED.exists(), reason="shared seed sample not present")
def test_seed_sample():
    blog = parse(SEED.read_bytes(), timezone="Asia/Ho_Chi_Minh")
    assert blog.format == "text"
    assert blog.title == "North Korean leader Kim Jong-un arrives in Vietnam to warm welcome"
    assert blog.description.startswith("The armored train carrying Kim Jong-un and his entourage")
    assert blog.description.endswith("after a long trip of 4,500 km.")
    assert blog.timezone is None and blog.language is None
    # The file has ten bullets (one untimed, nine timed) and six closing paragraphs.
    assert len(blog.entries) == 10
    assert len(blog.background.split("\n\n")) == 6
    assert blog.background.startswith("Kim is scheduled to be in Vietnam")

    top, at_830 = blog.entries[0], blog.entries[1]
    assert not top.time_known and top.source_id == "untimed#1"
    assert top.html.startswith("<p>Minister, Chairman of the Government Office")
    assert top.media[0].credit == "Nhat Bac" and top.media[0].caption.endswith("at Dong Dang railway station.")
    assert at_830.source_id == "2019-02-26T08:30#1"
    assert at_830.published == utc(2019, 2, 26, 1, 30)
    assert at_830.html == ""  # two media items and nothing else
    assert [(m.kind, m.credit) for m in at_830.media] == [("photo", "Huu Khoa"), ("video", "Viet Tuan")]
    assert top.published > at_830.published

    # Every entry is on 26 February local time, although the dateline (07:59 local) is earlier
    # than most of them.
    assert all(e.published.date().isoformat() == "2019-02-26" for e in blog.entries)
    ids = [e.source_id for e in blog.entries]
    assert "2019-02-26T08:26#2" in ids and "2019-02-26T08:26#1" in ids
    assert ids.index("2019-02-26T08:26#2") < ids.index("2019-02-26T08:26#1")
    last = blog.entries[-1]
    assert last.headline == "Dong Dang border station" and last.html == ""
    assert [m.credit for m in last.media] == ["VnExpress/Giang Huy", "Giang Huy"]
    assert blog.entries[-3].headline == ""  # "8h15" is followed by a full sentence, not a headline
    assert sum(len(e.media) for e in blog.entries) == 14


def test_layout_headline_description_background():
    blog = load("regatta-v1.txt", timezone="Asia/Bangkok")
    assert blog.title == "Dragon boat crews race on the Mae Ping as festival opens"
    assert blog.description.startswith("Forty-two crews from nine provinces")
    assert blog.background.split("\n\n") == [
        "The festival has been held every year since 1994, apart from two years when floods closed the river.",
        "Prize money this year totals 1.2 million baht, shared among the top eight crews.",
    ]
    assert len(blog.entries) == 7
    heats = blog.entries[2]
    assert heats.headline == "Final heats"
    assert heats.html == ("<p>The last four crews set off side by side. The Lamphun boat led from the "
                          "first stroke and never gave it up.</p>")


def test_captions_and_credits():
    blog = load("regatta-v1.txt", timezone="Asia/Bangkok")
    top = blog.entries[0]
    assert top.media[0].kind == "photo"
    assert top.media[0].caption == "Officials measure the current at the start pontoon."
    assert top.media[0].credit == "Ploy Srisuk"
    assert "Photo by" not in top.html and "Officials measure" not in top.html
    assert "<p>&quot;The river" in top.html or '<p>"The river' in top.html
    assert [m.kind for m in blog.entries[1].media] == ["photo", "video"]
    assert blog.entries[5].media[0].credit == "Anan Chaiyo"  # "Photos by"


@pytest.mark.parametrize("paragraph, expected", [
    ("Crowds at the gate. Photo by A. Okafor", ("photo", "Crowds at the gate.", "A. Okafor")),
    ("Crowds at the gate (Photo: Reuters)", ("photo", "Crowds at the gate", "Reuters")),
    ("Photo: City Hall Press Office", ("photo", "", "City Hall Press Office")),
    ("The band plays. Videos by Lin Wei and Sam Ortiz.", ("video", "The band plays.", "Lin Wei and Sam Ortiz")),
    ("Guards outside. Photo by VnExpress/Huu Khoa", ("photo", "Guards outside.", "VnExpress/Huu Khoa")),
])
def test_credit_forms(paragraph, expected):
    blog = parse(f"Headline\n\n• 10:00\n\n  {paragraph}\n", timezone="UTC", date=date(2024, 5, 1))
    media = blog.entries[0].media
    assert [(m.kind, m.caption, m.credit) for m in media] == [expected]
    assert blog.entries[0].html == ""


@pytest.mark.parametrize("paragraph", [
    "He shared a photo by the river.",
    "See the photo: a crowd at the station.",
    "Photo by Lee. More on this later.",
])
def test_sentences_mentioning_photos_stay_text(paragraph):
    entry = parse(f"Headline\n\n• 10:00\n\n  {paragraph}\n", date=date(2024, 5, 1)).entries[0]
    assert entry.media == () and entry.html == f"<p>{paragraph}</p>"


def test_all_time_formats():
    blog = load("times.txt", timezone="Europe/London")
    got = [(e.source_id, e.published) for e in blog.entries]
    assert got == [
        ("2019-06-25T20:30#1", utc(2019, 6, 25, 19, 30)),  # 8.30pm:
        ("2019-06-25T20:15#1", utc(2019, 6, 25, 19, 15)),  # 20:15 –
        ("2019-06-25T18:00#1", utc(2019, 6, 25, 18, 0)),   # 18:00 GMT overrides BST
        ("2019-06-25T18:45#1", utc(2019, 6, 25, 17, 45)),  # 6:45 pm
        ("2019-06-25T17:30#1", utc(2019, 6, 25, 16, 30)),  # 5.30pm BST
        ("2019-06-25T17:10#1", utc(2019, 6, 25, 16, 10)),  # 17h10
        ("2019-06-25T16:00#1", utc(2019, 6, 25, 15, 0)),   # 4 pm
        ("2019-06-25T15:27#1", utc(2019, 6, 25, 14, 27)),  # 3:27 p.m.
        ("2019-06-25T14:05#1", utc(2019, 6, 25, 13, 5)),   # 14:05 +01:00
        ("untimed#1", utc(2019, 6, 25, 12, 0, 1)),         # "12.50 euros" is a price
        ("2019-06-25T13:00#1", utc(2019, 6, 25, 12, 0)),   # 1pm
    ]
    assert blog.entries[0].html == "<p>Crowds begin to drift home as the stalls pack up.</p>"
    assert blog.entries[9].html == "<p>12.50 euros buys a tasting card for any five stalls.</p>"
    assert not blog.entries[9].time_known


@pytest.mark.parametrize("line, clock, rest", [
    ("8h30", "08:30", ""), ("08:30", "08:30", ""), ("8:30 am", "08:30", ""), ("8.30pm", "20:30", ""),
    ("12 am", "00:00", ""), ("12.15 p.m. - Lunch", "12:15", "Lunch"),
    ("07:05 Runners set off", "07:05", "Runners set off"),
    ("3 people were hurt", None, "3 people were hurt"), ("8hrs later", None, "8hrs later"),
    ("10.5% turnout", None, "10.5% turnout"), ("14 pm", None, "14 pm"), ("25:00", None, "25:00"),
])
def test_split_clock(line, clock, rest):
    found, _zone, remainder = split_clock(line)
    assert (found.strftime("%H:%M") if found else None, remainder) == (clock, rest)


@pytest.mark.parametrize("line, expected", [
    ("February 25, 2019 | 04:59 pm PT", "2019-02-26T00:59"),
    ("25 February 2019 14:05 GMT", "2019-02-25T14:05"),
    ("Feb 25, 2019, 4:59 PM EST", "2019-02-25T21:59"),
    ("2019-02-25T16:59+07:00", "2019-02-25T09:59"),
    ("Monday 25 February 2019 14.05 CET", "2019-02-25T13:05"),
    ("Updated: 3 March 2024 9am UTC+7", "2024-03-03T02:00"),
])
def test_datelines(line, expected):
    day, clock, zone = parse_dateline(line)
    assert datetime.combine(day, clock, zone).astimezone(UTC).strftime("%Y-%m-%dT%H:%M") == expected


def test_numeric_dateline_order_follows_language():
    assert parse_dateline("03/02/2019")[0].isoformat() == "2019-02-03"
    assert parse_dateline("03/02/2019", us_order=True)[0].isoformat() == "2019-03-02"
    assert parse_dateline("25/02/2019", us_order=True)[0].isoformat() == "2019-02-25"
    assert parse_dateline("02/25/2019")[0].isoformat() == "2019-02-25"
    assert parse_dateline("31 February 2019") is None and parse_dateline("1 May 0001") is None
    assert parse_dateline("Dragon boats race at dawn") is None


def test_midnight_crossing():
    text = (FIXTURES / "midnight.txt").read_text()
    dates = [e.source_id for e in parse(text, timezone="Europe/Berlin").entries]
    assert dates == ["2024-01-01T00:35#1", "2024-01-01T00:10#1", "2024-01-01T00:00#1",
                     "2023-12-31T23:58#1", "2023-12-31T23:30#1", "2023-12-31T22:15#1"]
    # A dateline giving the first publication (before all entries) dates them the same way.
    first = text.replace("1 January 2024 00:40 CET", "December 31, 2023 | 10:05 pm CET")
    assert [e.source_id for e in parse(first, timezone="Europe/Berlin").entries] == dates
    # Without a dateline, the caller's `date` is the newest entry's day.
    undated = text.split("\n", 2)[2]
    assert [e.source_id for e in parse(undated, timezone="Europe/Berlin", date=date(2024, 1, 1)).entries] == dates


def test_dateline_after_a_quiet_night_is_the_last_update():
    text = "2 March 2024 07:00 GMT\n\nNight watch\n\n• 23:00\n  Last post.\n\n• 21:30\n  Earlier.\n"
    blog = parse(text)
    assert [e.published for e in blog.entries] == [utc(2024, 3, 1, 23), utc(2024, 3, 1, 21, 30)]


def test_entry_hours_after_a_first_publication_dateline_stay_on_its_day():
    text = "2 March 2024 07:00 GMT\n\nDay watch\n\n• 19:00\n  Evening.\n\n• 07:05\n  Morning.\n"
    assert parse(text).entries[0].published == utc(2024, 3, 2, 19)
    single = "2 March 2024 07:00 GMT\n\nDay watch\n\n• 16:00\n  Afternoon.\n"
    assert parse(single).entries[0].published == utc(2024, 3, 2, 16)


def test_without_a_date_the_import_fails_naming_the_option_and_never_uses_today():
    text = "Night watch\n\n• 23:50\n  Late.\n\n• 00:10\n  Earlier, yesterday.\n"
    with pytest.raises(IngestError, match="--date"):
        parse(text, timezone="Europe/London", now=utc(2024, 3, 2, 23))
    blog = parse(text, timezone="Europe/London", date=date(2024, 3, 1))
    assert [e.published for e in blog.entries] == [utc(2024, 3, 1, 23, 50), utc(2024, 3, 1, 0, 10)]
    # The same page imported on another day gives the same ids and times.
    later = parse(text, timezone="Europe/London", date=date(2024, 3, 1), now=utc(2025, 1, 1))
    assert [(e.source_id, e.published) for e in later.entries] == [(e.source_id, e.published) for e in blog.entries]


def test_date_only_dateline_is_the_newest_entry_date():
    text = "2024-03-02\n\nDay watch\n\n• 00:20\n  Just after midnight.\n\n• 23:40\n  Late.\n"
    assert [e.published for e in parse(text).entries] == [utc(2024, 3, 2, 0, 20), utc(2024, 3, 1, 23, 40)]


def test_edited_and_extended_version_keeps_ids():
    old = load("regatta-v1.txt", timezone="Asia/Bangkok")
    new = load("regatta-v2.txt", timezone="Asia/Bangkok")
    assert len(new.entries) == len(old.entries) + 2
    assert [e.source_id for e in new.entries[:2]] == ["untimed#2", "2024-03-04T10:31#1"]
    old_by_id = {e.source_id: e for e in old.entries}
    new_by_id = {e.source_id: e for e in new.entries}
    assert set(old_by_id) <= set(new_by_id)
    for sid, entry in old_by_id.items():
        assert new_by_id[sid].published == entry.published
    assert new_by_id["2024-03-04T09:40#2"].html != old_by_id["2024-03-04T09:40#2"].html
    assert "checked by medics" in new_by_id["2024-03-04T09:40#2"].html
    assert new_by_id["2024-03-04T10:15#1"].media[0].caption.endswith("gold trophy.")


def test_entries_without_times():
    text = ("Headline\n\n• Newest, no time.\n\n• 10:00\n  Timed.\n\n• Between, no time.\n\n"
            "• 09:00\n  Timed too.\n\n• Oldest, no time.\n")
    blog = parse(text, date=date(2024, 5, 1))
    assert [(e.source_id, e.time_known) for e in blog.entries] == [
        ("untimed#3", False), ("2024-05-01T10:00#1", True), ("untimed#2", False),
        ("2024-05-01T09:00#1", True), ("untimed#1", False)]
    assert [e.published for e in blog.entries] == [
        utc(2024, 5, 1, 10, 0, 1), utc(2024, 5, 1, 10), utc(2024, 5, 1, 9, 0, 1),
        utc(2024, 5, 1, 9), utc(2024, 5, 1, 8, 59, 59)]
    none_timed = parse("25 February 2019 14:05 GMT\n\nHeadline\n\n• One.\n\n• Two.\n")
    assert [e.published for e in none_timed.entries] == [utc(2019, 2, 25, 14, 5), utc(2019, 2, 25, 14, 4, 59)]


def test_flat_layout_with_separator():
    blog = load("flat.txt")
    assert blog.title == "City council votes on the harbour budget"
    assert blog.description == "Councillors meet to decide how to pay for the new harbour wall."
    assert [e.source_id for e in blog.entries] == ["2024-10-10T18:15#1", "2024-10-10T17:50#1", "2024-10-10T17:02#1"]
    assert blog.entries[0].html == ('<p>The budget passes by 31 votes to 17.<br>'
                                    'The mayor called it "a good night for the harbour".</p>')
    assert blog.entries[2].headline == "Debate opens"
    assert blog.entries[2].media[0].credit == "City Hall Press Office"
    assert blog.background == "The harbour wall was built in 1911.\n\nRepairs are expected to take three years."


def test_html_in_text_is_never_markup():
    text = ('Headline <script>alert(1)</script>\n\n'
            '• 10:00\n\n  <script>alert("x")</script> Hi <img src=x onerror=alert(1)> '
            '<a href="javascript:alert(1)">link</a>\n')
    entry = parse(text, date=date(2024, 5, 1)).entries[0]
    assert "<script" not in entry.html and "<img" not in entry.html and "<a " not in entry.html
    assert "&lt;script&gt;" in entry.html  # shown as the text it was


def test_demo_sample():
    blog = parse(DEMO_FILE.read_bytes(), timezone=DEMO_TIMEZONE, language=DEMO_LANGUAGE)
    assert 12 <= len(blog.entries) <= 15 and all(e.time_known for e in blog.entries)
    days = [e.source_id[:10] for e in blog.entries]
    assert days[0] == "2024-11-15" and days[-1] == "2024-11-14"
    assert [e.published for e in blog.entries] == sorted((e.published for e in blog.entries), reverse=True)
    assert any(e.headline for e in blog.entries)
    assert any(m.kind == "video" for e in blog.entries for m in e.media)
    assert all(m.credit for e in blog.entries for m in e.media)
    assert len(blog.background.split("\n\n")) >= 2
    assert blog.title and blog.description
