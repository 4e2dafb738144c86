"""Highlight spans: where a query's matched terms occur in a stored text.

A text is re-analysed with its field's analyzer (stemmed words with character
offsets) and with the ``names`` analyzer (folded names), and the tokens are compared
with the terms the query actually matched in the index, wildcard and fuzzy
expansions included. Phrases are highlighted only where the whole phrase occurs.
Adjacent matches separated only by whitespace or hyphens become one span, so
``"precision strikes"`` and "Deir ez-Zor" are each one span.

The tokens compared are found by :mod:`briefing.search.tokens`, the terms they are
compared with by :mod:`briefing.search.terms`; :mod:`briefing.search.snippets` cuts
the snippets around the matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from briefing.index.schema import NameTokenizer
from briefing.search import tokens as tk
from briefing.search.query import typed_words
from briefing.search.terms import FieldTerms

# An Arabic article written before a hyphen ("ez-" in "ez-Zor"): the names analyzer
# drops it, but it belongs to the highlighted name.
_ARTICLE_BEFORE = re.compile(
    r"(?:^|(?<=[^\w'’]))(?:al|el|ul|il|ad|ed|ud|ar|er|as|es|ash|esh|at|et|az|ez|an|en)-$",
    re.IGNORECASE,
)
_JOINER = re.compile(r"[\s\-‐‑]*")  # whitespace and hyphens (not dashes)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Match:
    """A highlighted stretch of a text; ``keys`` are the query terms it stands for."""

    start: int
    end: int
    keys: frozenset[str]
    count: int = 1


@dataclass(frozen=True)
class Highlighted:
    """The matches in one text, and the other spellings of typed names found in it."""

    matches: tuple[Match, ...]
    variants: tuple[str, ...] = ()


def _phrase_hits(tokens: list[tk.Token], phrase: tuple[str, ...]) -> Iterator[tuple[int, int]]:
    """Start and end offsets of the occurrences of ``phrase`` at consecutive positions."""
    size = len(phrase)
    for i in range(len(tokens) - size + 1):
        if all(
            tokens[i + j].text == phrase[j] and tokens[i + j].pos == tokens[i].pos + j
            for j in range(size)
        ):
            yield tokens[i].start, tokens[i + size - 1].end


def _name_start(text: str, start: int) -> int:
    """``start`` moved back over an article prefix: "Zor" in "ez-Zor" starts at "ez-"."""
    before = _ARTICLE_BEFORE.search(text, max(0, start - 5), start)
    return before.start() if before else start


def _joined(text: str, end: int, start: int) -> bool:
    """Whether only whitespace or hyphens lie between ``end`` and ``start``."""
    return start <= end or _JOINER.fullmatch(text, end, start) is not None


def highlight(
    text: str,
    terms: FieldTerms,
    text_analyzer: Any,
    name_analyzer: Any,
    typed: Iterable[str] = (),
    memo: dict[str, str] | None = None,
) -> Highlighted:
    """Find the query's matches in ``text``.

    Args:
        text: a stored title or body.
        terms: what the query matched (:func:`~briefing.search.terms.field_terms` for the
            same field).
        text_analyzer: the field's analyzer (stemming).
        name_analyzer: the ``names`` field's analyzer (folding).
        typed: the query's words as typed, lowercase: a name matched through folding
            whose spelling is not among them is reported in ``variants``.
        memo: stems of words already seen, to share between the texts of a page.

    Returns:
        The merged matches in text order, and the other spellings found.
    """
    if not text or not terms:
        return Highlighted(())
    # (start, end, key, is_name)
    raw: list[tuple[int, int, str, bool]] = []
    memo = {} if memo is None else memo
    shape = None if tk.SLOW_TEXT.search(text) else tk.text_shape(text_analyzer)
    if terms.terms or terms.words or terms.phrases:
        if shape is not None:
            tokens = tk.scan_text(text, terms, shape, memo)
        else:
            wanted = terms.terms.union(*terms.phrases)
            initials = {term[:1] for term in wanted}
            tokens = tk.stemmed(text_analyzer, text, initials, memo)
        raw.extend(
            (t.start, t.end, t.text, False)
            for t in tokens
            if t.text in terms.terms or t.word in terms.words
        )
        for phrase in terms.phrases:
            key = " ".join(phrase)
            raw.extend((s, e, key, False) for s, e in _phrase_hits(tokens, phrase))
    typed_spans: list[tuple[int, int]] = []
    if terms.names or terms.name_phrases:
        if shape is not None and type(name_analyzer) is NameTokenizer:
            tokens = tk.scan_names(text, terms.names.union(*terms.name_phrases))
        else:
            tokens = tk.analyse(name_analyzer, text)
        for t in tokens:
            if t.text in terms.names:
                start = _name_start(text, t.start)
                raw.append((start, t.end, t.text, True))
                if t.text in terms.typed_names:
                    typed_spans.append((start, t.end))
        for phrase in terms.name_phrases:
            key = " ".join(phrase)
            for s, e in _phrase_hits(tokens, phrase):
                raw.append((_name_start(text, s), e, key, True))
                typed_spans.append((_name_start(text, s), e))
    matches = _merge(text, raw)
    typed_keys = {_spelling(w) for w in typed}
    variants = _variants(text, typed_spans, typed_keys) if typed_keys else ()
    return Highlighted(matches, variants)


def _merge(text: str, raw: list[tuple[int, int, str, bool]]) -> tuple[Match, ...]:
    """Overlapping matches into one, then neighbours joined by whitespace or hyphens.

    A word found both as a stemmed term and as a folded name counts once, under its
    stemmed key, so the "distinct terms" of a snippet are not inflated.
    """
    raw.sort()
    words: list[tuple[int, int, set[str], set[str]]] = []  # start, end, text keys, name keys
    for start, end, key, is_name in raw:
        if words and start < words[-1][1]:
            last = words[-1]
            words[-1] = (last[0], max(last[1], end), last[2], last[3])
        else:
            words.append((start, end, set(), set()))
        (words[-1][3] if is_name else words[-1][2]).add(key)
    merged: list[Match] = []
    for start, end, text_keys, name_keys in words:
        keys = frozenset(text_keys or name_keys)
        if merged and _joined(text, merged[-1].end, start):
            before = merged[-1]
            merged[-1] = Match(
                before.start, max(before.end, end), before.keys | keys, before.count + 1
            )
        else:
            merged.append(Match(start, end, keys))
    return tuple(merged)


def _spelling(word: str) -> str:
    """A word's spelling for comparison: case and apostrophes do not make a variant
    ("Game's" is not another spelling of "games")."""
    return re.sub("['’]", "", word.lower())


def _variants(text: str, spans: list[tuple[int, int]], typed: set[str]) -> tuple[str, ...]:
    """Spellings of typed names as written in ``text`` that differ from what was typed."""
    groups: list[list[tuple[int, int]]] = []
    for start, end in sorted(set(spans)):
        if groups and _joined(text, groups[-1][-1][1], start):
            groups[-1].append((start, end))
        else:
            groups.append([(start, end)])
    found: dict[str, str] = {}
    for group in groups:
        surface = _SPACES.sub(" ", text[group[0][0] : max(e for _, e in group)])
        if {_spelling(w) for w in typed_words(surface)} <= typed:
            continue
        found.setdefault(surface.casefold(), surface)
    return tuple(found.values())
