"""Align passages across articles by meaning, not by order.

Each body is split into sentences (with exact character offsets); a passage is one
sentence, or a very short fragment joined to its neighbour. Passages of different
articles are scored by IDF-weighted overlap of normalised tokens (Porter stems, the
same stems the index uses; numbers kept, number words turned into digits), blended
with rapidfuzz's ``token_sort_ratio``. Outlets reorder and paraphrase, so there is no
sequential diff: candidate pairs come from an inverted index of tokens, and every
passage gets its best counterpart in each other article, scored from its own side (how
much of it the other says: a short sentence inside a long one is shared, the long one
only partly). A pair scoring below :data:`STRONG` is only listed if its overlap holds
content (a phrase, a quote, a count with its noun, or several names or words rare in
English: :mod:`briefing.compare.evidence`), not just the event's common vocabulary.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from briefing.compare.evidence import RARE_SHARE, Evidence
from briefing.compare.model import AlignedPassage, Counterpart, Passage, Status
from briefing.compare.words import TOKEN, inverse_df, normalise, tokens
from briefing.corpus.model import Article


def _words(text: str) -> frozenset[str]:
    """A set of words written as one space-separated string (easier to read and edit)."""
    return frozenset(text.split())


# A counterpart scoring at least this is "strong": the same content, reworded.
# Calibrated on the sample corpus (003 vs 004): the paraphrased "85 targets at seven
# facilities" pair scores 0.57, the quoted "times and places of our choosing" 0.53, the
# "16 people killed" claim 0.54; loosely related sentences of one story (same names,
# different point) reach 0.47, and sentences of different stories stay under 0.4.
STRONG = 0.5
# Below this a counterpart is noise and is not listed at all. Between MINIMUM and STRONG
# a counterpart is listed (partly shared) only if the pair shares content, see
# briefing.compare.evidence: the overlap score alone also listed pairs of one story
# stating different things with the story's words (around 0.32 on the sample).
MINIMUM = 0.3
# A word used by more passages of the comparison than this many per article, plus two,
# is the event's vocabulary, not a sign that two passages state the same thing.
_SPECIFIC_EXTRA = 2

# Words after which a period does not end a sentence (lowercased, without the dot).
_ABBREVIATIONS = _words(
    "mr mrs ms dr prof maj gen lt col brig sgt capt cpt cmdr adm gov sen rep st jr sr no vs "
    "etc inc corp co ltd dept est approx fig jan feb mar apr jun jul aug sep sept oct nov dec "
    "mt ft lieut gen rev hon"
)
# A candidate boundary: terminal punctuation, optional closing quotes/brackets, space.
_BOUNDARY = re.compile(r"[.!?]+[\"”’')\]]*\s+|\n+")
# What may start a sentence after a boundary.
_STARTER = re.compile(r"[\"“‘'(\[]*[A-Z0-9]")
# A passage shorter than this many words joins a neighbour ("Airstrikes", "He added.").
_SHORT_WORDS = 4


@dataclass(frozen=True)
class Span:
    """A sentence's character range in a body."""

    start: int
    end: int


def split_sentences(body: str) -> list[Span]:
    """Split a body into sentences, keeping exact offsets.

    Paragraph and line breaks always end a sentence. A period ends one only if the
    next text starts like a sentence and the word before it is not an abbreviation
    ("Maj.", "Gen."), an initial ("J.") or a dotted acronym followed by a capital
    ("U.S. Army"); decimals ("2.5") never match since no space follows the dot.
    """
    spans: list[Span] = []
    start = 0
    for match in _BOUNDARY.finditer(body):
        end = match.end()
        if "\n" not in match.group() and not _ends_sentence(body, match.start(), end):
            continue
        _add_span(body, start, match.end(), spans)
        start = end
    _add_span(body, start, len(body), spans)
    return spans


def _ends_sentence(body: str, dot: int, after: int) -> bool:
    """Whether the punctuation at ``dot`` (followed by space up to ``after``) ends a sentence."""
    if not _STARTER.match(body, after):
        return False
    if body[dot] != ".":
        return True
    word_start = dot
    while word_start > 0 and not body[word_start - 1].isspace():
        word_start -= 1
    word = body[word_start:dot].lstrip("\"“‘'([")
    if word.lower() in _ABBREVIATIONS:
        return False
    if len(word) == 1 and word.isupper():  # an initial: "John F. Kennedy"
        return False
    # "U.S. Army": a dotted acronym before a capital rarely ends the sentence in news.
    return not ("." in word and all(len(part) <= 1 for part in word.split(".")))


def _add_span(body: str, start: int, end: int, spans: list[Span]) -> None:
    """Append ``body[start:end]`` trimmed of surrounding whitespace, if not empty."""
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(Span(start, end))


def split_passages(article: Article) -> list[Passage]:
    """The article's passages: its sentences, short fragments joined to the next one."""
    body = article.body
    merged: list[Span] = []
    pending: Span | None = None
    for span in split_sentences(body):
        if pending is not None:
            span = Span(pending.start, span.end)
            pending = None
        if len(body[span.start : span.end].split()) < _SHORT_WORDS:
            pending = span
            continue
        merged.append(span)
    if pending is not None:
        if merged:
            merged[-1] = Span(merged[-1].start, pending.end)
        else:
            merged.append(pending)
    return [
        Passage(article.id, i, span.start, span.end, body[span.start : span.end])
        for i, span in enumerate(merged)
    ]


# What may stand before a sentence's first word: its opening quotes and brackets.
_OPENERS = "\"“‘'([ \t"


# How far back (in characters) a name's context is read: the previous word.
_LOOK_BACK = 24


def name_tokens(text: str) -> frozenset[str]:
    """The comparison tokens of ``text`` written as names: capitalised mid-sentence.

    A capital after a sentence's end (or at the start) says nothing; "Apple" or "Store"
    in mid-sentence is a name however common the word, and so is an acronym ("CNN"),
    unless the words around it are capitals too (a shouted headline).
    """
    out = set()
    shouting = False
    for match in TOKEN.finditer(text):
        word = match.group()
        capitals = len(word) > 1 and word.isupper()
        after_capitals, shouting = shouting, capitals
        if not word[0].isupper() or (capitals and after_capitals):
            continue
        # What stands before the word: a bounded look back (the previous word at most).
        before = text[max(0, match.start() - _LOOK_BACK) : match.start()].rstrip(_OPENERS)
        if not before or (before[-1] in ".!?:;\n—-–" and not _acronym_before(before)):
            continue
        token = normalise(word)
        if token:
            out.add(token)
    return frozenset(out)


# A quotation: straight or curly double quotes around at most a few sentences.
_QUOTED = re.compile(r"[\"“”]([^\"“”]{1,400})[\"“”]")


def quoted_tokens(text: str) -> frozenset[str]:
    """The comparison tokens of ``text`` that stand inside double quotes."""
    return frozenset(t for match in _QUOTED.finditer(text) for t in tokens(match.group(1)))


def _acronym_before(before: str) -> bool:
    """Whether ``before`` ends with a dotted acronym ("U.S."), which rarely ends a sentence."""
    words = before.split()
    if not words:
        return False
    word = words[-1].rstrip(".")
    return "." in word and all(len(part) <= 1 for part in word.split("."))


def idf_from(token_sets: Sequence[frozenset[str]]) -> dict[str, float]:
    """Inverse document frequencies computed over the compared passages themselves."""
    df: Counter[str] = Counter()
    for token_set in token_sets:
        df.update(token_set)
    n = len(token_sets)
    return {t: inverse_df(count, n) for t, count in df.items()}


@dataclass(frozen=True)
class _Item:
    """A passage prepared for scoring."""

    article: int
    passage: Passage
    tokens: frozenset[str]
    text: str
    weight: float
    sequence: tuple[str, ...] = ()

    # Read only for the few pairs whose score needs evidence: most passages never do.
    @functools.cached_property
    def names(self) -> frozenset[str]:
        """The passage's tokens written as names (:func:`name_tokens`)."""
        return name_tokens(self.passage.text)

    @functools.cached_property
    def quoted(self) -> frozenset[str]:
        """The passage's tokens inside double quotes (:func:`quoted_tokens`)."""
        return quoted_tokens(self.passage.text)


def align(
    articles: Sequence[Article], idf: Mapping[str, float] | None = None
) -> dict[str, tuple[AlignedPassage, ...]]:
    """Align the passages of 2-4 articles.

    Args:
        articles: the articles to compare.
        idf: optional IDF of lowercased Porter-stemmed words (the index's body terms);
            words it lacks weigh as much as its rarest word. Without it, IDF is computed
            over the compared passages.

    Returns:
        For each article id, its passages in order with status and counterparts.
    """
    per_article = [split_passages(a) for a in articles]
    token_lists = [[tokens(p.text) for p in passages] for passages in per_article]
    sets = [frozenset(t) for lists in token_lists for t in lists]
    if idf is None:
        weights: Mapping[str, float] = idf_from(sets)
        default = 1.0
        rarest = max(weights.values(), default=1.0)
    else:
        weights = idf
        default = rarest = max(idf.values(), default=1.0)
    passage_count: Counter[str] = Counter()
    for token_set in sets:
        passage_count.update(token_set)
    most_passages = len(articles) + _SPECIFIC_EXTRA

    def weight(token: str) -> float:
        return weights.get(token, default)

    def specific(token: str) -> bool:
        return passage_count[token] <= most_passages and weight(token) >= RARE_SHARE * rarest

    items: list[list[_Item]] = []
    for a, (passages, lists) in enumerate(zip(per_article, token_lists, strict=True)):
        row = []
        for passage, toks in zip(passages, lists, strict=True):
            token_set = frozenset(toks)
            row.append(
                _Item(
                    a,
                    passage,
                    token_set,
                    " ".join(toks),
                    sum(weight(t) for t in token_set),
                    tuple(toks),
                )
            )
        items.append(row)

    best = _best_counterparts(items, weight, Evidence(specific))
    result: dict[str, tuple[AlignedPassage, ...]] = {}
    for a, row in enumerate(items):
        aligned = []
        for i, item in enumerate(row):
            counterparts = tuple(
                Counterpart(articles[b].id, j, round(score, 3))
                for b, (j, score) in sorted(best[a][i].items())
                if score >= MINIMUM
            )
            status = _status(counterparts, len(articles))
            aligned.append(AlignedPassage(item.passage, status, counterparts))
        result[articles[a].id] = tuple(aligned)
    return result


def _status(counterparts: tuple[Counterpart, ...], n_articles: int) -> Status:
    """``shared`` if strong in every other article, ``partial`` if anywhere, else ``unique``."""
    strong = sum(1 for c in counterparts if c.score >= STRONG)
    if strong == n_articles - 1:
        return "shared"
    return "partial" if counterparts else "unique"


def _best_counterparts(
    items: list[list[_Item]],
    weight: Callable[[str], float],
    evidence: Evidence,
) -> list[list[dict[int, tuple[int, float]]]]:
    """For each passage, its best (passage index, score) in each other article.

    A pair scoring between :data:`MINIMUM` and :data:`STRONG` whose overlap holds no
    content (see :class:`briefing.compare.evidence.Evidence`) scores as noise
    (half the listing threshold at most), so a weaker pair that does share a fact can
    still be the passage's counterpart.
    """
    # Inverted index: token -> passages holding it. Only pairs sharing a token are scored.
    postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for a, row in enumerate(items):
        for i, item in enumerate(row):
            for token in item.tokens:
                postings[token].append((a, i))
    best: list[list[dict[int, tuple[int, float]]]] = [[{} for _ in row] for row in items]
    for a, row in enumerate(items):
        for i, item in enumerate(row):
            shared: dict[tuple[int, int], float] = defaultdict(float)
            counts: Counter[tuple[int, int]] = Counter()
            for token in item.tokens:
                w = weight(token)
                for key in postings[token]:
                    if key[0] > a:  # each unordered pair once, never within an article
                        shared[key] += w
                        counts[key] += 1
            for (b, j), overlap in shared.items():
                other = items[b][j]
                scores: tuple[float, ...] = _scores(item, other, overlap, counts[(b, j)])
                if any(MINIMUM <= x < STRONG for x in scores) and not evidence.shared(
                    item.sequence,
                    other.sequence,
                    item.names & other.names,
                    item.quoted & other.quoted,
                ):
                    scores = tuple(x if x >= STRONG else min(x, MINIMUM) / 2 for x in scores)
                for (x, y, k, m), score in zip(((a, i, b, j), (b, j, a, i)), scores, strict=True):
                    current = best[x][y].get(k)
                    if current is None or score > current[1]:
                        best[x][y][k] = (m, score)
    return best


def similarity(one: str, two: str, weight: Callable[[str], float]) -> float:
    """How similar two texts are (0..1), by the same measure as passage alignment."""
    items = []
    for text in (one, two):
        toks = tokens(text)
        token_set = frozenset(toks)
        items.append(
            _Item(
                0,
                Passage("", 0, 0, 0, text),
                token_set,
                " ".join(toks),
                sum(weight(t) for t in token_set),
            )
        )
    common = items[0].tokens & items[1].tokens
    return _score(items[0], items[1], sum(weight(t) for t in common), len(common))


def _score(one: _Item, two: _Item, overlap: float, n_shared: int) -> float:
    """Similarity of two passages in 0..1: the higher of their two directed scores."""
    return max(_scores(one, two, overlap, n_shared))


def _scores(one: _Item, two: _Item, overlap: float, n_shared: int) -> tuple[float, float]:
    """How much of each passage the other says, in 0..1: (for ``one``, for ``two``).

    Dice rewards two passages saying the same thing; the coverage of a passage by the
    overlap rewards a short sentence quoted inside a longer one ("times and places of
    our choosing"), but only once at least three tokens back it up. Each passage is
    judged by its own coverage: the short sentence is all said by the long one (shared),
    the long one only partly by the short (partly shared). The rapidfuzz ratio on sorted
    stems rewards paraphrases that share word forms in a different order.
    """
    total = one.weight + two.weight
    if total <= 0:
        return 0.0, 0.0
    dice = 2 * overlap / total
    backed = min(1.0, n_shared / 3)
    lexical_one = 0.5 * dice + 0.5 * min(overlap / max(one.weight, 1e-9) * backed, 1.0)
    lexical_two = 0.5 * dice + 0.5 * min(overlap / max(two.weight, 1e-9) * backed, 1.0)
    if max(lexical_one, lexical_two) < MINIMUM * 0.6:
        # Too little overlap to ever be listed: skip the (comparatively costly) fuzz.
        return 0.8 * lexical_one, 0.8 * lexical_two
    fuzzy = 0.2 * fuzz.token_sort_ratio(one.text, two.text) / 100
    return min(1.0, 0.8 * lexical_one + fuzzy), min(1.0, 0.8 * lexical_two + fuzzy)
