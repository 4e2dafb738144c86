"""The compare stage's one tokeniser and IDF, as comparison and stories both read them."""

from __future__ import annotations

import math

from briefing.compare import stories
from briefing.compare.words import FILLER, distinct, inverse_df, tokens
from briefing.corpus.model import Article

ZWNJ, ZWJ = "\u200c", "\u200d"


def test_comparison_and_stories_read_the_same_tokens() -> None:
    text = "U.S. forces struck 1,000 targets; the United States said seven strikes hit."
    assert tokens(text) == ["usa", "forc", "struck", "1000", "target", "usa", "7", "strike", "hit"]
    assert stories.terms(text) == tokens(text)
    # Stories leave out the filler the comparison keeps.
    assert tokens("Monday") == ["mondai"] and stories.terms("Monday") == []
    assert "mondai" in FILLER


def test_other_scripts_come_through_as_words_and_joiners_split_nothing_away() -> None:
    persian = f"می{ZWNJ}خواهم خبرگزاری{ZWNJ}ها"
    assert tokens(persian) == ["می", "خواهم", "خبرگزاری", "ها"]
    arabic = f"١٤٤٥ ه{ZWJ} الجزيرة"
    assert tokens(arabic) == ["١٤٤٥", "الجزيرة"]
    # Emoji are not words, and a family joined by ZWJ breaks nothing around it.
    assert tokens(f"👨{ZWJ}👩{ZWJ}👧 family 🏳\ufe0f{ZWJ}🌈") == ["famili"]
    counts, names = stories._body_words(f"{persian} Tehran {persian}")
    assert counts == {"می": 2, "خواهم": 2, "خبرگزاری": 2, "ها": 2, "tehran": 1}
    assert names == {"tehran"}


def test_distinct_counts_each_token_once_in_order() -> None:
    found = distinct("Strikes hit. Strikes hit again; the strike")
    assert found == [("Strikes", "strike", 2), ("hit", "hit", 2), ("strike", "strike", 1)]


def test_odd_input_does_not_break_the_tokens() -> None:
    for text in ("", "\x00\ufeff", "'’", "a.b.", "...", "_" * 50, "9" * 400, "ǅ İ"):
        assert isinstance(tokens(text), list)
        assert isinstance(stories.terms(text), list)


def test_one_idf_with_an_explicit_floor() -> None:
    assert inverse_df(0, 9) == math.log(10 / 0.5)
    assert inverse_df(9, 9) > 0
    assert inverse_df(3, 9, floor=0.5) == inverse_df(3, 9) + 0.5
    # Stories weigh with their floor, the comparison with none.
    articles = [
        Article(f"t/{i}", "Flood", None, None, None, None, body, f"{i}.txt")
        for i, body in enumerate(("Dam breach.", "Dam holds."))
    ]
    weights = stories.idf_table(articles)
    assert weights["dam"] == inverse_df(2, 2, stories.IDF_FLOOR)
    assert weights["breach"] == inverse_df(1, 2, stories.IDF_FLOOR) > weights["dam"]
