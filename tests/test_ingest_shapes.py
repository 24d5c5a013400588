"""Live blogs in the shapes real pages come in: text as people copy it (no bullets, datelines
and times in several languages, labels, credits), microdata and RDFa, `<html lang>`, and the
JSON-LD traps. Every fixture was written for these tests."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from syndicate.ingest import IngestError, parse
from syndicate.ingest.plaintext import parse_dateline

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
ZONES = {"copied-en.txt": "Europe/London", "copied-de.txt": "Europe/Berlin", "copied-fr.txt": "Europe/Paris",
         "copied-es.txt": "Europe/Madrid", "copied-vi.txt": "Asia/Ho_Chi_Minh", "copied-hi.txt": "Asia/Kolkata",
         "relative.txt": "America/Los_Angeles", "title-date.txt": "Europe/Oslo",
         "microdata-v1.html": "UTC", "microdata-v2.html": "UTC", "rdfa.html": "UTC"}


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def load(name: str, **options):
    return parse((FIXTURES / name).read_bytes(), timezone=ZONES[name], **options)


def test_copied_english_page_without_bullets():
    blog = load("copied-en.txt")
    assert blog.title == "Comet lander: the long wait for a signal – live"
    assert blog.description.startswith("Engineers at the control centre")
    # The dateline has a weekday and a dotted time; the entries are dated from it, not from today.
    assert [e.source_id for e in blog.entries] == [
        "2025-06-14T20:55#1", "2025-06-14T20:30#1", "2025-06-14T19:48#1", "2025-06-14T19:02#1"]
    assert [e.published for e in blog.entries] == [
        utc(2025, 6, 14, 19, 55), utc(2025, 6, 14, 19, 30), utc(2025, 6, 14, 18, 48), utc(2025, 6, 14, 18, 2)]


def test_headlines_ending_in_a_question_or_exclamation_mark():
    top, antenna = load("copied-en.txt").entries[:2]
    assert top.headline == "Will the lander answer before dawn?"
    assert top.html == "<p>Controllers say the next window for a signal opens at 23.00.</p>"
    assert antenna.headline == "Antenna turned towards the comet!"


@pytest.mark.parametrize("headline", [
    "Rescue boats reach the island (again)", "Mayor: 'We will rebuild'", 'Crowd chants "Stay!"',
    "Is the bridge safe?", "A much longer headline that runs well past ninety characters, as real "
    "headlines on busy news pages often do"])
def test_headline_forms(headline):
    text = f"2 May 2025 11:00 GMT\nFlood watch\n10.45 GMT\n{headline}\nWater levels are falling.\n"
    entry = parse(text).entries[0]
    assert entry.headline == headline and entry.html == "<p>Water levels are falling.</p>"


def test_a_sentence_below_the_clock_is_body_not_headline():
    text = "2 May 2025 11:00 GMT\nFlood watch\n10.45 GMT\nThe water is falling.\nMore soon.\n"
    entry = parse(text).entries[0]
    assert entry.headline == "" and entry.html == "<p>The water is falling.</p><p>More soon.</p>"


def test_labels_set_pinned_key_event_and_updated_and_are_not_body():
    entries = {e.source_id: e for e in load("copied-en.txt").entries}
    pinned = entries["2025-06-14T20:55#1"]
    assert pinned.pinned and not pinned.key_event  # shown twice on the page, kept once
    antenna = entries["2025-06-14T20:30#1"]
    assert antenna.key_event and not antenna.pinned
    assert antenna.updated == utc(2025, 6, 14, 19, 41)  # "Updated at 20.41 BST"
    assert entries["2025-06-14T19:48#1"].key_event  # listed under "Key events" only
    for entry in entries.values():
        for label in ("Pinned post", "Key event", "Updated at"):
            assert label not in entry.html and label not in entry.headline


def test_a_dash_line_inside_an_entry_is_body():
    antenna = load("copied-en.txt").entries[1]
    assert "<p>- the orbiter relays every signal the lander sends</p>" in antenna.html
    bulleted = ("3 May 2025 09:00 GMT\nRoad works\n\n• 08:40\n  Lanes close at noon.\n"
                "- the east lane first\n- then the west lane\n\n• 08:10\n  Crews arrive.\n")
    entries = parse(bulleted).entries
    assert len(entries) == 2 and "- the east lane first" in entries[0].html


@pytest.mark.parametrize("paragraph, credit", [
    ("The lander's mast. Photograph: Space Agency/Reuters", "Space Agency/Reuters"),
    ("Crowds at the pier. Photo: Lena Brandt", "Lena Brandt"),
    ("Boats in the harbour. Photos: Harbour Office", "Harbour Office"),
    ("The new bridge at night. Image: City Archive", "City Archive"),
    ("Die Brücke am Morgen. Foto: Jonas Weber", "Jonas Weber"),
    ("Thuyền rồng trên sông. Ảnh: Ngọc Anh", "Ngọc Anh"),
    ("The control room before the pass. Alex Moreau/Getty Images", "Alex Moreau/Getty Images"),
    ("Firefighters at the scene. Getty Images", "Getty Images"),
])
def test_credit_labels(paragraph, credit):
    entry = parse(f"2 May 2025 11:00 GMT\nFlood watch\n10.45 GMT\n{paragraph}\n").entries[0]
    caption = paragraph[: paragraph.index(". ") + 1]
    assert [(m.kind, m.caption, m.credit) for m in entry.media] == [("photo", caption, credit)]
    assert entry.html == ""


def test_german_numeric_dateline_uhr_and_headline_on_the_clock_line():
    blog = load("copied-de.txt")
    assert [(e.source_id, e.headline) for e in blog.entries] == [
        ("2025-08-27T13:52#1", "Hafen wieder offen"), ("2025-08-27T12:31#1", "Brücke gesperrt"),
        ("2025-08-27T11:39#1", "")]
    assert blog.entries[0].published == utc(2025, 8, 27, 11, 52)
    assert blog.entries[1].media[0].credit == "Stadtverwaltung"
    assert blog.entries[2].html == "<p>Der Pegel steht bei 6,80 Metern.</p>"


@pytest.mark.parametrize("name, first, published", [
    ("copied-fr.txt", ("2025-09-09T18:25#1", "Le trafic reprend sur la ligne 4"), utc(2025, 9, 9, 16, 25)),
    ("copied-es.txt", ("2025-10-12T13:05#1", "Pasan los aviones de la patrulla acrobática"), utc(2025, 10, 12, 11, 5)),
    ("copied-vi.txt", ("2025-09-20T09:50#1", "Đội Kim Long về nhất"), utc(2025, 9, 20, 2, 50)),
    ("copied-hi.txt", ("2025-08-15T09:25#1", "लाल किले पर झंडा फहराया गया"), utc(2025, 8, 15, 3, 55)),
])
def test_datelines_in_other_languages(name, first, published):
    blog = load(name)
    assert (blog.entries[0].source_id, blog.entries[0].headline) == first
    assert blog.entries[0].published == published and len(blog.entries) == 2


@pytest.mark.parametrize("line, expected", [
    ("Thu 11 Mar 2021 08.15 GMT", "2021-03-11T08:15"),
    ("Sat 14 Jun 2025 21.12 BST", "2025-06-14T20:12"),
    ("Wed 2 Jul 2025 10.15 ET", "2025-07-02T14:15"),      # New York summer time, not a fixed -5
    ("Wed 3 Dec 2025 10.15 ET", "2025-12-03T15:15"),
    ("15 अगस्त 2025, 09:40 IST", "2025-08-15T04:10"),     # India, not Israel
    ("Dienstag, 26. August 2025, 14:05", "2025-08-26T14:05"),
])
def test_dateline_forms(line, expected):
    day, clock, zone = parse_dateline(line)
    assert datetime.combine(day, clock, zone or UTC).astimezone(UTC).strftime("%Y-%m-%dT%H:%M") == expected


def test_date_only_dateline_in_german():
    assert parse_dateline("Dienstag, 26. August 2025") == (date(2025, 8, 26), None, None)
    assert parse_dateline("Storm warning for Friday") is None


def test_relative_times_count_back_from_the_dateline():
    blog = load("relative.txt")  # dateline 22.30 ET; the blog is in Los Angeles
    assert [e.published for e in blog.entries] == [utc(2025, 11, 5, 2, 30), utc(2025, 11, 5, 0, 30)]
    assert blog.entries[0].headline == "Turnout passes last year's record"
    assert blog.entries[0].source_id == "2025-11-04T18:30#1"


def test_a_date_in_the_headline_dates_the_page():
    blog = load("title-date.txt")
    assert [e.source_id for e in blog.entries] == ["2025-07-06T16:40#1", "2025-07-06T15:55#1"]


def test_no_date_anywhere_fails_naming_the_option():
    text = "Harbour festival live\n16:40\nTall ships pass the lighthouse\nCrowds line the quay.\n"
    with pytest.raises(IngestError, match=r"--date YYYY-MM-DD"):
        parse(text)
    assert parse(text, date=date(2025, 7, 6)).entries[0].source_id == "2025-07-06T16:40#1"
    assert parse(text, date=date(2025, 7, 6), now=utc(2030, 1, 1)).entries[0].published == utc(2025, 7, 6, 16, 40)


# -- microdata, RDFa, <html lang> ---------------------------------------------------------

def test_microdata_live_blog_with_the_page_language():
    blog = load("microdata-v1.html")
    assert blog.format == "jsonld"
    assert blog.title == "Diretta: la regata delle gondole sul Canal Grande"
    assert blog.language == "it"  # no inLanguage: <html lang> is used
    assert [(e.source_id, e.headline) for e in blog.entries] == [
        ("https://giornale.example/diretta/regata#agg-3", "Vince la coppia di Burano"),
        ("https://giornale.example/diretta/regata#agg-2", "Partenza regolare"),
        ("https://giornale.example/diretta/regata#agg-1", "")]
    assert blog.entries[0].published == utc(2025, 9, 7, 15, 40)
    assert blog.entries[0].media[0].url == "https://giornale.example/foto/arrivo.jpg"
    assert blog.entries[2].html == "<p>Il corteo storico apre la giornata tra due ali di folla.</p>"


def test_rdfa_live_blog():
    blog = load("rdfa.html")
    assert blog.title == "Directo: el maratón de la ciudad" and blog.language == "es"
    assert [(e.source_id, e.headline, e.published) for e in blog.entries] == [
        ("https://diario.example/directo/maraton#e2", "Llega el primer corredor", utc(2025, 4, 27, 8, 12)),
        ("https://diario.example/directo/maraton#e1", "Salida", utc(2025, 4, 27, 6))]


def test_in_language_wins_over_html_lang():
    page = ('<html lang="it"><script type="application/ld+json">{"@type": "LiveBlogPosting", "inLanguage": "de", '
            '"liveBlogUpdate": [{"datePublished": "2025-01-01T10:00:00Z", "articleBody": "Eins."}]}</script></html>')
    assert parse(page).language == "de"
    assert parse(page.replace('"inLanguage": "de", ', "").replace('lang="it"', 'lang="not a tag!"')).language is None


def test_html_without_any_live_blog_data_is_a_clear_error():
    with pytest.raises(IngestError, match="no ld.json scripts, and no microdata or RDFa"):
        parse("<html lang='en'><body><p>Nothing live here.</p></body></html>")
    with pytest.raises(IngestError, match="no LiveBlogPosting found .in the page's JSON-LD, microdata or RDFa"):
        parse("<html lang='en'><body><div itemscope itemtype='https://schema.org/Person'>"
              "<span itemprop='name'>Ada</span></div></body></html>")


# -- JSON-LD details ------------------------------------------------------------------------

def _blog(updates: list, **fields) -> str:
    return json.dumps({"@context": "https://schema.org", "@type": "LiveBlogPosting", "headline": "Live: ferry strike",
                       **fields, "liveBlogUpdate": updates})


def test_the_pages_lead_image_is_not_every_entrys_photo():
    lead = "https://paper.example/img/lead.jpg"
    updates = [{"@id": f"#u{n}", "datePublished": f"2025-03-0{n}T10:00:00Z", "articleBody": f"Update {n}.",
                "image": [lead] if n != 2 else [{"@type": "ImageObject", "url": "https://paper.example/img/quay.jpg"}]}
               for n in (3, 2, 1)]
    blog = parse(_blog(updates, image={"@type": "ImageObject", "url": lead}))
    assert [[m.url for m in e.media] for e in blog.entries] == [[], ["https://paper.example/img/quay.jpg"], []]
    # Without the blog's own image, one picture on every update is still the page's.
    same = [{**u, "image": lead} for u in updates]
    assert all(e.media == () for e in parse(_blog(same)).entries)


def test_a_thumbnail_only_video_is_dropped():
    updates = [{"datePublished": "2025-03-01T10:00:00Z", "articleBody": "Pickets at the gate.", "video": [
        {"@type": "VideoObject", "thumbnailUrl": "https://paper.example/thumb.jpg"},
        {"@type": "VideoObject", "contentUrl": "https://paper.example/v.mp4", "name": "The gate"}]}]
    assert [(m.kind, m.url) for m in parse(_blog(updates)).entries[0].media] == [("video", "https://paper.example/v.mp4")]


def test_equal_published_times_keep_the_page_order():
    updates = [{"headline": name, "datePublished": "2025-03-01T10:00:00Z", "articleBody": name}
               for name in ("Third", "Second", "First")]
    blog = parse(_blog(updates))
    assert [e.headline for e in blog.entries] == ["Third", "Second", "First"]
    assert [e.published for e in blog.entries] == [utc(2025, 3, 1, 10, 0, 2), utc(2025, 3, 1, 10, 0, 1),
                                                   utc(2025, 3, 1, 10)]
    oldest_first = parse(_blog([{"headline": "Before", "datePublished": "2025-03-01T09:00:00Z"}, *updates[::-1]]))
    assert [e.headline for e in oldest_first.entries] == ["Third", "Second", "First", "Before"]


# -- through the store: twice changes nothing, a newer version updates and removes -----------

FIXTURE_NAMES = sorted(ZONES)


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_importing_every_fixture_twice_changes_nothing_the_second_time(client, auth, blog, name):
    kind = "text/html" if name.endswith(".html") else "text/plain"
    url = f"/api/blogs/storm/import?timezone={ZONES[name]}"
    data = (FIXTURES / name).read_bytes()
    first = client.post(url, data=data, headers={**auth, "Content-Type": kind})
    assert first.status_code == 200, first.json
    assert first.json["created"] >= 2
    before = client.get("/api/blogs/storm/entries").json["entries"]
    again = client.post(url, data=data, headers={**auth, "Content-Type": kind}).json
    assert (again["created"], again["updated"], again["deleted"]) == (0, 0, 0)
    assert client.get("/api/blogs/storm/entries").json["entries"] == before


def test_a_newer_microdata_page_brings_edits_and_removals(client, auth, blog):
    html = {"Content-Type": "text/html", **auth}
    client.post("/api/blogs/storm/import", data=(FIXTURES / "microdata-v1.html").read_bytes(), headers=html)
    ids = {e["headline"]: e["id"] for e in client.get("/api/blogs/storm/entries").json["entries"]}
    counts = client.post("/api/blogs/storm/import", data=(FIXTURES / "microdata-v2.html").read_bytes(),
                         headers=html).json
    assert (counts["created"], counts["updated"], counts["deleted"]) == (1, 1, 1)
    now = {e["headline"]: e for e in client.get("/api/blogs/storm/entries").json["entries"]}
    assert set(now) == {"Premiazione in Piazza", "Vince la coppia di Burano", ""}
    assert now["Vince la coppia di Burano"]["id"] == ids["Vince la coppia di Burano"]
    assert "Pellestrina" in now["Vince la coppia di Burano"]["text"]


def test_a_newer_copied_page_brings_edits_and_removals(client, auth, blog):
    text = {"Content-Type": "text/plain", **auth}
    v1 = (FIXTURES / "copied-de.txt").read_text()
    client.post("/api/blogs/storm/import?timezone=Europe/Berlin", data=v1, headers=text)
    ids = {e["published"]: e["id"] for e in client.get("/api/blogs/storm/entries").json["entries"]}
    v2 = (v1.replace("27.08.2025, 14:05 Uhr", "27.08.2025, 15:10 Uhr")
          .replace("Hochwasser an der Elbe: Die Lage im Liveticker\n",
                   "Hochwasser an der Elbe: Die Lage im Liveticker\n"
                   "15.02 Uhr: Pegel sinkt\nDer Pegel fällt auf 6,20 Meter.\n")
          .replace("am Nachmittag wieder auf.", "ab 16 Uhr wieder auf.")
          .replace("12.31 Uhr: Brücke gesperrt\n"
                   "Die Polizei sperrt die Augustusbrücke für den Verkehr. Foto: Stadtverwaltung\n", ""))
    counts = client.post("/api/blogs/storm/import?timezone=Europe/Berlin", data=v2, headers=text).json
    assert (counts["created"], counts["updated"], counts["deleted"], counts["unchanged"]) == (1, 1, 1, 1)
    entries = {e["published"]: e for e in client.get("/api/blogs/storm/entries").json["entries"]}
    assert entries["2025-08-27T11:52:00Z"]["id"] == ids["2025-08-27T11:52:00Z"]
    assert "ab 16 Uhr" in entries["2025-08-27T11:52:00Z"]["text"]
    assert "2025-08-27T10:31:00Z" not in entries


def test_import_date_option_in_the_api(client, auth, blog):
    text = "Harbour festival live\n16:40\nTall ships pass the lighthouse\nCrowds line the quay.\n"
    headers = {"Content-Type": "text/plain", **auth}
    missing = client.post("/api/blogs/storm/import", data=text, headers=headers)
    assert missing.status_code == 400 and "--date" in missing.json["message"]
    bad = client.post("/api/blogs/storm/import?date=6.7.2025", data=text, headers=headers)
    assert bad.status_code == 400 and bad.json["field"] == "date"
    assert client.get("/api/blogs/storm/entries").json["total"] == 0
    good = client.post("/api/blogs/storm/import?date=2025-07-06&timezone=UTC", data=text, headers=headers)
    assert good.status_code == 200 and good.json["created"] == 1
    assert client.get("/api/blogs/storm/entries").json["entries"][0]["published"] == "2025-07-06T16:40:00Z"


def test_date_and_markup_libraries_work_without_the_network():
    """dateparser and extruct must never reach for the network (no model downloads)."""
    import subprocess
    import sys

    script = (
        "import socket\n"
        "def refuse(*a, **k): raise OSError('network used')\n"
        "socket.socket.connect = refuse; socket.create_connection = refuse; socket.getaddrinfo = refuse\n"
        "from pathlib import Path\n"
        "from syndicate.ingest import parse\n"
        f"d = Path({str(FIXTURES)!r})\n"
        "assert parse((d / 'copied-hi.txt').read_bytes(), timezone='Asia/Kolkata').entries\n"
        "assert parse((d / 'relative.txt').read_bytes()).entries\n"
        "assert parse((d / 'rdfa.html').read_bytes()).entries\n"
        "assert parse((d / 'microdata-v1.html').read_bytes()).language == 'it'\n"
        "print('ok')\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            cwd=Path(__file__).parents[1])
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-2000:]
