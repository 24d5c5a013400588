"""Pronunciation lexicons: the API, the default file, inline overrides, and which clips they
make again (through the real queue and the real offline voice)."""
from __future__ import annotations

import io
import json

import feedparser
import pytest
from conftest import post_entry
from mutagen.id3 import ID3

from syndicate import create_app
from syndicate.config import ConfigError, load
from syndicate.model import Pronunciation
from syndicate.pronunciations import merge
from syndicate.speech.prepare import normalise
from syndicate.speech.pronounce import Lexicon, inline_overrides
from syndicate.speech.worker import SpeechWorker

URL = "/api/blogs/storm/pronunciations"


def drain(app) -> int:
    services = app.extensions["syndicate"]
    done = SpeechWorker(services.store, app.config, name="test-worker").drain()
    services.publisher.publish_changed()  # as serve's watch does: workers never publish
    return done


def audio_of(client, entry_id: str) -> dict:
    return client.get(f"/api/blogs/storm/entries/{entry_id}").json["audio"]


def lexicon(*entries: Pronunciation, language: str = "en") -> Lexicon:
    return Lexicon(entries, language, normalise)


# -- applying entries to prepared text ---------------------------------------------------

def test_respelling_replaces_whole_words_in_any_case():
    words = lexicon(Pronunciation("Nguyen", "Nwin"))
    assert words.speak("Minister Nguyen spoke. nguyen agreed.", "flite") == "Minister Nwin spoke. Nwin agreed."
    assert words.speak("The Nguyens arrived.", "flite") == "The Nguyens arrived."  # whole words only
    assert words.applied("No match here.") == []


def test_phrases_numbers_and_case_sensitivity_follow_the_preparation():
    words = lexicon(Pronunciation("Kim Jong-un", "Kim Jong Oon"), Pronunciation("G7", "G Seven summit"),
                    Pronunciation("US", "you ess", case_sensitive=True))
    text = normalise("Kim Jong-un met the G7 in the US. Tell us.", "en")
    assert "G seven" in text  # the transcript keeps the prepared written form
    spoken = words.speak(text, "flite")
    assert "Kim Jong Oon" in spoken and "G Seven summit" in spoken
    assert [e.word for e in words.applied(text)] == ["Kim Jong-un", "G7", "US"]  # "US" is prepared too
    assert spoken.endswith("in the you ess.\nTell us.")  # case-sensitive: "us" is left alone


def test_phonemes_go_to_engines_that_take_them_and_the_respelling_elsewhere():
    entry = Pronunciation("Nguyen", "Nwin", phonemes=(("espeak-ng", "w'In"), ("piper", "wˈɪn")))
    words = lexicon(entry)
    assert words.speak("Nguyen spoke.", "espeak-ng") == "[[w'In]] spoke."
    assert words.speak("Nguyen spoke.", "piper") == "[[ wˈɪn ]] spoke."
    assert words.speak("Nguyen spoke.", "gtts") == "Nwin spoke."
    assert words.speak("Nguyen spoke.", "flite") == "Nwin spoke."


def test_layers_merge_the_later_winning_and_languages_filter():
    default = [Pronunciation("Nguyen", "Noo yen"), Pronunciation("Hue", "Hway", language="en")]
    blog = [Pronunciation("nguyen", "Nwin"), Pronunciation("Hanoi", "Ha noy", language="vi")]
    merged = {e.word.lower(): e.say for e in merge("en-GB", default, blog)}
    assert merged == {"nguyen": "Nwin", "hue": "Hway"}
    assert [e.word for e in merge("vi", default, blog)] == ["nguyen", "Hanoi"]


def test_inline_overrides_come_from_data_say_spans():
    found = inline_overrides('<p>Minister <span data-say="Nwin">Nguyen</span> and <span>Li</span></p>')
    assert found == (Pronunciation("Nguyen", "Nwin", case_sensitive=True),)
    assert inline_overrides("<p>No hints</p>") == ()


# -- the API ------------------------------------------------------------------------------

def test_crud_through_the_api(client, auth, blog):
    assert client.get(URL).json == {"pronunciations": [], "defaults": []}
    assert client.put(URL, json=[{"word": "Nguyen", "say": "Nwin"}]).status_code == 401
    put = client.put(URL, json=[{"word": "Nguyen", "say": "Nwin"},
                                {"word": "Kim Jong-un", "say": "Kim Jong Oon", "language": "en"}], headers=auth)
    assert put.status_code == 200 and put.json["respeaking"] == 0
    assert [p["word"] for p in put.json["pronunciations"]] == ["Kim Jong-un", "Nguyen"]
    one = client.put(f"{URL}/Hue", json={"say": "Hway", "phonemes": {"espeak-ng": "hw'eI", "festival": "HH W EY1"}},
                     headers=auth)
    assert one.status_code == 201 and one.json["phonemes"] == {"espeak-ng": "hw'eI", "festival": "hh w ey1"}
    assert client.put(f"{URL}/Hue", json={"say": "Hweh"}, headers=auth).status_code == 200
    assert client.post(URL, json={"word": "Xi", "say": "She"}, headers=auth).status_code == 201
    assert client.get(f"{URL}/Hue").json["pronunciations"][0]["say"] == "Hweh"
    assert client.delete(f"{URL}/Nguyen", headers=auth).status_code == 204
    assert client.delete(f"{URL}/Nguyen", headers=auth).status_code == 404
    assert client.get(f"{URL}/Nguyen").status_code == 404
    assert [p["word"] for p in client.get(URL).json["pronunciations"]] == ["Hue", "Kim Jong-un", "Xi"]
    assert client.get("/api/blogs/nope/pronunciations").status_code == 404
    assert client.put("/api/blogs/nope/pronunciations/Hue", json={"say": "x"}, headers=auth).status_code == 404


def test_bad_input_is_refused_and_keeps_the_lexicon(client, auth, blog):
    client.put(URL, json=[{"word": "Nguyen", "say": "Nwin"}], headers=auth)
    for body, field in (
        ([{"word": "Nguyen"}], "say"), ([{"word": "", "say": "x"}], "word"), ([{"word": "a", "say": 7}], "say"),
        ([{"word": "a", "say": "b", "colour": 1}], "colour"), ([{"word": "a", "say": "<b>x</b>"}], "say"),
        ([{"word": "a", "say": "b", "phonemes": {"sapi": "x"}}], "phonemes"),
        ([{"word": "a", "say": "b", "language": "english!"}], "language"),
        ([{"word": "a", "say": "b"}, {"word": "a", "say": "c"}], "word"), ({"word": "a"}, "pronunciations"),
        ([{"word": "a", "say": "b", "whole_word": "yes"}], "whole_word"),
        ([{"word": "a", "say": "b", "phonemes": {"festival": "w ih1 q"}}], "phonemes"),
    ):
        response = client.put(URL, json=body, headers=auth)
        assert response.status_code == 400 and response.json["field"] == field, (body, response.json)
    assert client.put(URL, json=[{"word": "a", "say": "b" * 301}], headers=auth).status_code == 413
    assert client.put(URL, data="[", headers={**auth, "Content-Type": "application/json"}).status_code == 400
    assert client.put(f"{URL}/Hue", json={"word": "Other", "say": "x"}, headers=auth).status_code == 400
    assert [p["word"] for p in client.get(URL).json["pronunciations"]] == ["Nguyen"]


def test_openapi_lists_the_pronunciation_paths(client):
    paths = client.get("/api/openapi.json").json["paths"]
    assert {"get", "put", "post"} <= set(paths["/api/blogs/{slug}/pronunciations"])
    assert {"get", "put", "delete"} <= set(paths["/api/blogs/{slug}/pronunciations/{word}"])


# -- which clips are made again ----------------------------------------------------------

def test_a_lexicon_change_respeaks_exactly_the_affected_entries(client, app, auth, blog, data_dir):
    named = post_entry(client, auth, text="Minister Nguyen visited the flooded town.")
    other = post_entry(client, auth, text="The river is falling slowly.")
    drain(app)
    before = {e["id"]: audio_of(client, e["id"]) for e in (named, other)}
    stamp = (data_dir / "public" / before[other["id"]]["url"].removeprefix("http://news.test/")).stat().st_mtime_ns

    response = client.put(URL, json=[{"word": "Nguyen", "say": "Nwin"}], headers=auth)
    assert response.json["respeaking"] == 2  # both are checked ...
    assert audio_of(client, named["id"])["status"] == "ready"  # ... and stay published meanwhile
    assert drain(app) == 2
    after = {e["id"]: audio_of(client, e["id"]) for e in (named, other)}
    for key in ("url", "bytes", "voice", "transcript"):  # ... but only one is spoken again
        assert after[other["id"]][key] == before[other["id"]][key]
    kept = data_dir / "public" / after[other["id"]]["url"].removeprefix("http://news.test/")
    assert kept.stat().st_mtime_ns == stamp
    changed = after[named["id"]]
    assert changed["url"] != before[named["id"]]["url"] and changed["bytes"] != before[named["id"]]["bytes"]
    assert client.get(before[named["id"]]["url"].removeprefix("http://news.test"), buffered=True).status_code == 404
    transcript = client.get(changed["transcript"].removeprefix("http://news.test")).text
    assert "Nguyen" in transcript and "Nwin" not in transcript  # readers see the written name
    mp3 = client.get(changed["url"].removeprefix("http://news.test"), buffered=True).data
    assert "pronunciations" in str(ID3(io.BytesIO(mp3)).getall("COMM")[0])

    client.put(f"{URL}/Nguyen", json={"say": "Nwin"}, headers=auth)  # the same again: nothing changes
    drain(app)
    assert audio_of(client, named["id"])["url"] == changed["url"]
    client.delete(f"{URL}/Nguyen", headers=auth)  # back to the old clip's name
    drain(app)
    assert audio_of(client, named["id"])["url"] == before[named["id"]]["url"]


def test_the_default_lexicon_file_applies_and_the_blog_wins(tmp_path, app_config, auth):
    path = tmp_path / "lexicon.toml"
    path.write_text('[[pronunciation]]\nword = "Nguyen"\nsay = "Noo yen"\n\n'
                    '[[pronunciation]]\nword = "Hue"\nsay = "Hway"\n', encoding="utf-8")
    app = create_app({**app_config, "LEXICON": str(path)})
    client = app.test_client()
    client.post("/api/blogs", json={"slug": "storm", "title": "Storm"}, headers=auth)
    assert [p["say"] for p in client.get(URL).json["defaults"]] == ["Noo yen", "Hway"]
    first = post_entry(client, auth, text="Nguyen in Hue.")
    plain = post_entry(client, auth, text="Nguyen in Hue.", published="2026-01-01T10:00:00Z")
    drain(app)
    store = app.extensions["syndicate"].store
    job_blog = store.get_blog("storm")
    from syndicate.speech.clip import clip_key
    from syndicate.speech.clip import lexicon as lexicon_for

    entry = store.get_entry("storm", first["id"])
    assert lexicon_for(entry, job_blog, app.config).speak("Nguyen in Hue.", "flite") == "Noo yen in Hway."
    blog = job_blog.__class__(**{**job_blog.__dict__, "pronunciations": (Pronunciation("Nguyen", "Nwin"),)})
    assert lexicon_for(entry, blog, app.config).speak("Nguyen in Hue.", "flite") == "Nwin in Hway."
    assert clip_key(entry, blog, app.config).name != audio_of(client, first["id"])["url"].split("/audio/")[1]
    assert audio_of(client, plain["id"])["status"] == "ready"
    path.write_text("[[pronunciation]]\nword = 'Hue'\n", encoding="utf-8")  # edited into a broken file
    listing = client.get(URL)
    assert listing.status_code == 200 and "say" in listing.json["defaults_error"]
    app.extensions["syndicate"].store.close()


def test_a_missing_or_broken_default_lexicon_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError) as missing:
        load({"DATA_DIR": str(tmp_path), "LEXICON": str(tmp_path / "none.toml")}, environ={})
    assert "LEXICON" in str(missing.value)
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps([{"word": "x"}]), encoding="utf-8")
    with pytest.raises(ConfigError, match="LEXICON.*say"):
        load({"DATA_DIR": str(tmp_path), "LEXICON": str(broken)}, environ={})
    from syndicate.pronunciations import LexiconError, load_file

    with pytest.raises(LexiconError) as bad:
        load_file(str(broken))
    assert "broken.json" in str(bad.value) and "say" in str(bad.value)


# -- the inline override ------------------------------------------------------------------

def test_an_inline_override_is_spoken_and_never_shown_in_feeds(client, app, auth, blog):
    html = '<p>Minister <span data-say="Nwin">Nguyen</span> visited the town.</p>'
    with_hint = post_entry(client, auth, html=html, published="2026-03-01T08:30:00Z")
    without = post_entry(client, auth, html="<p>Minister Nguyen visited the town.</p>",
                         published="2026-03-01T08:30:00Z")
    assert 'data-say="Nwin"' in with_hint["html"]  # kept through the sanitiser
    drain(app)
    spoken, plain = audio_of(client, with_hint["id"]), audio_of(client, without["id"])
    assert spoken["status"] == plain["status"] == "ready"
    assert spoken["url"].split("/")[-1].split("-")[1] != plain["url"].split("/")[-1].split("-")[1]
    assert spoken["bytes"] != plain["bytes"]  # a different clip was spoken
    transcript = client.get(spoken["transcript"].removeprefix("http://news.test")).text
    assert "Nguyen" in transcript and "Nwin" not in transcript

    for path in ("/blogs/storm/rss.xml", "/blogs/storm/atom.xml", "/blogs/storm/podcast.xml"):
        raw = client.get(path).data
        assert b"data-say" not in raw and b"Nwin" not in raw, path
        parsed = feedparser.parse(raw)
        contents = " ".join(c.value for item in parsed.entries for c in item.get("content", []))
        contents += " ".join(item.get("summary", "") for item in parsed.entries)
        assert "Minister Nguyen visited" in contents and "Nwin" not in contents, path
    feed = client.get("/blogs/storm/feed.json").json
    assert all("data-say" not in item.get("content_html", "") for item in feed["items"])

    # Changing only the hint (the text is the same) speaks the entry again.
    client.patch(f"/api/blogs/storm/entries/{with_hint['id']}",
                 json={"html": html.replace("Nwin", "Win")}, headers=auth)
    drain(app)
    assert audio_of(client, with_hint["id"])["url"] != spoken["url"]


def test_espeak_speaks_the_phonemes_of_an_entry():
    from syndicate.speech.espeak import EspeakVoice

    voice = EspeakVoice("en")
    words = lexicon(Pronunciation("Nguyen", "Nwin", phonemes=(("espeak-ng", "w'In"),)))
    as_phonemes = voice.synthesize(words.speak("Minister Nguyen arrived.", "espeak-ng"))
    as_word = voice.synthesize("Minister win arrived.")
    spelled = voice.synthesize("Minister w I n arrived.")  # what the brackets' letters would sound like
    assert as_phonemes.raw_data == as_word.raw_data or \
        abs(as_phonemes.duration_seconds - as_word.duration_seconds) < 0.05
    assert spelled.duration_seconds - as_phonemes.duration_seconds > 0.2
