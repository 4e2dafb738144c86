"""The build's one-pass text analysis gives exactly what Whoosh's own analysis does.

``index_text`` replaces ``field.index(value)`` and ``field.spellable_words(value)`` for
``title`` and ``body`` in the worker processes; a difference would make the index
disagree with the queries (which Whoosh's analyzers parse).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.index.schema import NAMES_FIELD, TEXT_FIELDS, build_schema, index_names, index_text
from tests.conftest import SAMPLE

TRICKY = [
    "",
    "   \n\t ",
    "U.S. forces struck 85 targets; e.g. the I.R.G.C. said 3.5 km away.",
    "Deir ez-Zor — Deir al-Zor, Deir el-Zour; Ba'ath & Qur’an",
    "İstanbul ŞEHİR straße ΣΊΣΥΦΟΣ ﬁnance Ǆemal",  # case folding that changes length
    "wild*card a*b *** 1,000,000 3.14.15 x...y",
    "日本語のテキスト 中文 العربية עברית",
    "emoji 🚀 and combining e\u0301 and zero\u200bwidth",
    "running runner runs ran generously generalization",
    "the the the The THE tHe",
]


def _whoosh(
    field_name: str, text: str
) -> tuple[list[tuple[bytes, float, bytes]], int, list[bytes]]:
    field = build_schema()[field_name]
    postings = []
    length = 0
    for term, freq, weight, encoded in field.index(text):
        postings.append((term, weight, encoded))
        length += freq
    words = [w.encode("utf-8") for w in field.spellable_words(text)]
    return sorted(postings), length, words


def _texts() -> list[str]:
    texts = list(TRICKY)
    for path in sorted(Path(SAMPLE).glob("*.txt")):
        texts.append(path.read_text(encoding="utf-8"))
    return texts


@pytest.mark.parametrize("field_name", sorted(TEXT_FIELDS))
def test_index_text_equals_whoosh_analysis(field_name: str) -> None:
    boost = build_schema()[field_name].format.field_boost
    texts = _texts()
    assert len(texts) > len(TRICKY)  # the sample articles were read
    for text in texts:
        postings, length, words = index_text(text, boost)
        assert (sorted(postings), length, words) == _whoosh(field_name, text), text[:60]


def test_index_names_equals_whoosh_analysis() -> None:
    field = build_schema()[NAMES_FIELD]
    texts = [*_texts(), "al-Assad ez-Zor Deir-ez-Zor el- -al Al-Qaeda's x-al-y", "al-", "ez-"]
    for text in texts:
        postings, length = index_names(text, field.format.field_boost)
        expected = [(t, w, v) for t, _, w, v in field.index(text)]
        expected_length = sum(f for _, f, _, _ in field.index(text))
        assert (sorted(postings), length) == (sorted(expected), expected_length), text[:60]


def test_title_weights_carry_its_boost() -> None:
    postings, length, _ = index_text("Strikes strike STRIKING", 2.5)
    assert length == 3
    assert postings == [(b"strike", 7.5, postings[0][2])]
