"""The speech-quality benchmark's scoring: an order-aware count of reference words not heard."""
from __future__ import annotations

from bench.quality import SENTENCES, missed, rank_key


def test_missed_words_are_counted_in_order():
    assert missed("The ferry sails at noon.", "the ferry sails at noon") == (0, 5)
    assert missed("The ferry sails at noon.", "ferry sails noon") == (2, 5)
    assert missed("one two three", "three two one") == (2, 3)  # words heard out of order do not count
    assert missed("Kyiv is far", "") == (3, 3)
    assert missed("ten kilometres of air defence", "ten kilometers of air defense") == (0, 5)


def test_the_ranking_prefers_fewer_misses_then_a_higher_mos():
    a = {"whisper": 0.015, "sphinx": 0.06, "p808": 3.6}
    b = {"whisper": 0.032, "sphinx": 0.01, "p808": 4.0}
    c = {"whisper": 0.015, "sphinx": 0.06, "p808": 3.9}
    assert sorted([a, b, c], key=rank_key) == [c, a, b]
    assert 20 <= len(SENTENCES) <= 30
