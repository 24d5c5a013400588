"""What a newsreader would say: normalisation of tricky phrases, the spoken entry, splitting."""
from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from syndicate.model import Entry, Media
from syndicate.speech.prepare import normalise, prepare_speech, sentences, split_for_speech, time_intro

PHRASES = Path(__file__).parent / "fixtures" / "speech" / "phrases.tsv"


def phrase_rows() -> list[tuple[str, str, str]]:
    rows = []
    for line in PHRASES.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            language, written, said = line.split("\t")
            rows.append((language, written, said.replace("\\n", "\n")))
    return rows


def entry(**fields) -> Entry:
    moment = datetime(2024, 3, 5, 1, 30, tzinfo=UTC)
    fields.setdefault("headline", "Rescue teams reach Antakya")
    fields.setdefault("text", "Rescue teams travelled 4,500 km overnight.")
    return Entry(id="0" * 32, published=moment, updated=moment, **fields)


def test_the_phrase_table_is_big_enough():
    rows = phrase_rows()
    assert len(rows) >= 25
    assert {language for language, _, _ in rows} >= {"en", "vi", "hi"}


@pytest.mark.parametrize("language,written,said", phrase_rows(), ids=lambda v: v[:30] if isinstance(v, str) else v)
def test_phrases_are_read_as_a_newsreader_would(language, written, said):
    assert normalise(written, language) == said


@pytest.mark.parametrize("hour,minute,zone,language,expected", [
    (1, 30, "Asia/Ho_Chi_Minh", "en", "At eight thirty a.m."),
    (12, 5, "UTC", "en", "At twelve oh five p.m."),
    (12, 0, "UTC", "en-GB", "At noon."),
    (0, 0, "UTC", "en", "At midnight."),
    (19, 0, "Europe/London", "en", "At seven p.m."),
    (8, 30, "Asia/Ho_Chi_Minh", "vi", "Lúc mười lăm giờ ba mươi phút."),
    (3, 0, "UTC", "vi", "Lúc ba giờ."),
    (3, 0, "Asia/Kolkata", "hi", "सुबह 8 बजकर 30 मिनट पर।"),
    (14, 30, "UTC", "hi", "दोपहर 2 बजकर 30 मिनट पर।"),
    (20, 30, "Asia/Kolkata", "hi", "रात 2 बजे।"),  # 2 a.m. in Kolkata: night, not afternoon
    (18, 30, "Asia/Kolkata", "hi", "रात 12 बजे।"),  # midnight is not noon
    (7, 45, "UTC", "fr", "7:45."),
])
def test_time_intro_is_in_the_blog_zone_and_language(hour, minute, zone, language, expected):
    moment = datetime(2024, 3, 5, hour, minute, tzinfo=UTC)
    assert time_intro(moment, zone, language) == expected


@pytest.mark.parametrize("language,written,said", [
    ("en", "Aid reached US$5 million.", "Aid reached five million US dollars."),  # not "U S$five"
    ("en", "Talks ran 8:30-9:30 a.m.", "Talks ran eight thirty to nine thirty a.m."),  # not "thirty-nine"
    ("en", "Output fell in 1990-1995.", "Output fell in nineteen ninety to nineteen ninety-five."),
    ("en", "Some 1,000-2,000 people came.", "Some one thousand to two thousand people came."),
])
def test_currency_signs_and_ranges_survive_the_english_rules(language, written, said):
    assert normalise(written, language) == said


def test_spoken_entry_has_time_headline_body_and_captions_without_credits():
    media = (
        Media(caption="Rescuers search the rubble (L). Photo: Jane Doe/Reuters", credit="Jane Doe/Reuters"),
        Media(caption="A survivor is carried out AFP via Getty Images", credit=""),
        Media(caption="Rescuers search the rubble (L).", credit="Someone Else"),  # same words: said once
        Media(kind="video", caption="", credit="Staff", url="https://example.com/v.mp4"),
    )
    spoken = prepare_speech(entry(media=media), timezone="Asia/Ho_Chi_Minh", language="en")
    sections = spoken.split("\n\n")
    assert sections == [
        "At eight thirty a.m.",
        "Rescue teams reach Antakya.",
        "Rescue teams travelled four thousand five hundred kilometers overnight.",
        "Rescuers search the rubble.",
        "A survivor is carried out.",
    ]
    for unsaid in ("Reuters", "Jane", "AFP", "Getty", "Photo", "http", "(L)", "Staff"):
        assert unsaid not in spoken


def test_spoken_entry_in_vietnamese_and_hindi():
    vi = prepare_speech(entry(headline="Đội cứu hộ đến nơi", text="Đoàn xe đi 4.500 km."),
                        timezone="Asia/Ho_Chi_Minh", language="vi")
    assert vi.split("\n\n") == ["Lúc tám giờ ba mươi phút.", "Đội cứu hộ đến nơi.",
                                "Đoàn xe đi bốn nghìn năm trăm ki lô mét."]
    hi = prepare_speech(entry(headline="बचाव दल पहुंचा", text="दूरी 4,500 किलोमीटर है।"),
                        timezone="Asia/Kolkata", language="hi")
    assert hi.split("\n\n") == ["सुबह 7 बजे।", "बचाव दल पहुंचा.", "दूरी 4500 किलोमीटर है।"]


def test_empty_headline_and_body_leave_the_time():
    assert prepare_speech(entry(headline="", text=" 🎉 "), timezone="UTC", language="en") == "At one thirty a.m."


def test_sentences_follow_full_stops_but_not_abbreviation_dots():
    text = "It began at 8 a.m. on Tuesday. Was it safe? Yes! Nobody knew.\nA new line\nकाम जारी है। लोग सुरक्षित हैं।"
    assert sentences(text) == ["It began at 8 a.m. on Tuesday.", "Was it safe?", "Yes!", "Nobody knew.",
                               "A new line", "काम जारी है।", "लोग सुरक्षित हैं।"]


def test_split_packs_sentences_and_never_cuts_words():
    text = "One two three. Four five six. Seven eight nine."
    assert split_for_speech(text, 30) == ["One two three. Four five six.", "Seven eight nine."]
    assert split_for_speech(text, 1000) == [text]


def test_split_cuts_long_sentences_at_commas_then_spaces():
    sentence = "First clause here, second clause here; third clause here: and the rest of it."
    assert split_for_speech(sentence, 40) == ["First clause here, second clause here;",
                                              "third clause here: and the rest of it."]
    assert split_for_speech(sentence, 20) == ["First clause here,", "second clause here;", "third clause here:",
                                              "and the rest of it."]
    no_commas = " ".join(["word"] * 30) + "."
    pieces = split_for_speech(no_commas, 42)
    assert all(len(p) <= 42 for p in pieces) and " ".join(pieces) == no_commas
    assert split_for_speech("a " + "x" * 50 + " b", 10) == ["a", "x" * 50, "b"]  # a word is never cut
    with pytest.raises(ValueError, match="max_chars must be at least 1"):
        split_for_speech("text", 0)


def test_split_handles_a_24000_character_entry_quickly():
    paragraph = ("Rescue teams worked through the night in freezing rain, and officials said that the number "
                 "of people still missing had fallen sharply since the morning. ")
    text = "".join(f"Update {i}. {paragraph}" + ("\n" if i % 5 == 0 else "") for i in range(200))[:24000]
    started = time.perf_counter()
    pieces = split_for_speech(text, 300)
    assert time.perf_counter() - started < 1.0
    assert all(0 < len(p) <= 300 for p in pieces)
    assert " ".join(pieces).split() == text.split()  # nothing lost, no word cut or merged
    assert all(re.search(r"[.,;:!?]$", p) for p in pieces[:-1])  # cuts fall at punctuation here


def test_prepare_handles_a_24000_character_entry_quickly():
    sentence = "On March 5, 2024 at 8:30 a.m. Mr. Smith said 4,500 km of road (L) and 12% of homes were hit. "
    text = (sentence * 300)[:24000]
    started = time.perf_counter()
    spoken = prepare_speech(entry(text=text), timezone="UTC", language="en")
    assert time.perf_counter() - started < 2.0
    assert "four thousand five hundred kilometers" in spoken and not re.search(r"\d", spoken)


@pytest.mark.parametrize("body", [
    "The minister spoke at length.\n\nPhoto by Jane Doe",
    "The minister spoke at length. Photograph: Reuters",
    "The minister spoke at length. (Image: AFP/Getty Images)",
    "The minister spoke at length. Photo by J. Smith for The Guardian.",
    "The minister spoke at length.\nPhotos: Jane Doe/Reuters",
])
def test_a_credit_ending_the_body_is_not_spoken(body):
    spoken = prepare_speech(entry(headline="", text=body), timezone="UTC", language="en").split("\n\n")
    assert spoken[1:] == ["The minister spoke at length."]


def test_words_like_a_credit_that_are_not_one_are_spoken():
    for body in ("Video by drone showed flooding across the city.", "He said the photo: it was fake."):
        spoken = prepare_speech(entry(headline="", text=body), timezone="UTC", language="en")
        assert spoken.split("\n\n")[1].startswith(body.split()[0]), spoken
