"""The one scoring rule of stories: how much two articles look like reports of one event.

Shared by the batch rule (:func:`~briefing.compare.stories.cluster`) and the story
store, which must agree to the last bit. A pair's score is the cosine of the
whole-text vectors mixed with that of the headlines, scaled down by the date gap (see
:mod:`briefing.compare.stories`). Each cosine sums the products of the shared words
in the words' order, so that the score is the same whichever side of the pair comes
first and however it is computed:

- :func:`similarities` in plain Python, for a few pairs (an incremental update);
- with numpy for many (a first grouping scores some 70 candidates an article): each
  pair's products gathered from one side's vector laid out densely over the words of
  the batch, and summed in order by ``bincount``: the same operations on the same
  floats, without a Python step per pair.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

# Time is evidence, not a wall. Up to ``DATE_WINDOW`` days apart, dates say nothing;
# beyond it the body's similarity halves every ``BODY_HALF_LIFE`` days and the
# headlines' every ``TITLE_HALF_LIFE`` days. The body's shared vocabulary ("breach",
# "strikes", "security") is what a later, different event on the same topic shares
# too; the rare words two headlines share (a company, a place, a figure) name the event
# itself, and carry a pair across months (a breach's follow-ups, a verdict after a
# trial) while the same topic a year or two later has lost most of its weight.
DATE_WINDOW = 10
BODY_HALF_LIFE = 45.0
TITLE_HALF_LIFE = 365.0
# A pair with an unknown date gap is judged as if reported some two months apart: it
# can still group on its text, but needs more of it than two reports of the same week.
UNDATED_FACTOR = 0.7
# Share of the similarity given to the titles' own cosine (IDF-weighted content words),
# the rest to the cosine of the whole-text vectors: two outlets' headlines for one event
# share its rare words even when the bodies are padded differently.
TITLE_SHARE = 0.3
# Pairs from which :func:`pair_similarities` uses numpy: below, importing it and laying
# out the arrays costs more than the plain loop.
NUMPY_PAIRS = 500
# Vectors laid out densely at once by the numpy path: bounds its memory (this many
# rows of the batch's vocabulary: a few MB on BBC News).
_DENSE_ROWS = 16


@dataclass(frozen=True)
class Vectors:
    """An article as a similarity sees it: text and title vectors, and its date."""

    text: Mapping[str, float]  # title + body, normalised
    title: Mapping[str, float]  # title words only, IDF-weighted, normalised
    published: date | None


def similarity(a: Vectors, b: Vectors) -> float:
    """How much two articles look like reports of one event (0..1)."""
    return similarities(a, (b,))[0]


def similarities(a: Vectors, others: Iterable[Vectors]) -> list[float]:
    """:func:`similarity` of ``a`` with each of ``others``, in plain Python."""
    text, title = a.text, a.title
    words, title_words = text.keys(), title.keys()
    scores = []
    for b in others:
        cosine = 0.0
        other = b.text
        for t in sorted(words & other.keys()):
            cosine += text[t] * other[t]
        shared = 0.0
        other = b.title
        for t in sorted(title_words & other.keys()):
            shared += title[t] * other[t]
        scores.append(_dated(cosine, shared, _gap(a.published, b.published)))
    return scores


def pair_similarities(
    vectors: Sequence[Vectors], left: Sequence[int], right: Sequence[int]
) -> list[float]:
    """:func:`similarity` of each pair ``(vectors[left[p]], vectors[right[p]])``, to the
    last bit: with numpy when there are many.

    Args:
        vectors: The vectors the pairs are made of (each laid out once).
        left: Each pair's first vector, as a position in ``vectors``.
        right: Each pair's second vector, likewise.
    """
    if len(left) < NUMPY_PAIRS:
        return [similarity(vectors[a], vectors[b]) for a, b in zip(left, right, strict=True)]
    return _numpy_similarities(vectors, left, right)


def _gap(a: date | None, b: date | None) -> int | None:
    """Days apart beyond ``DATE_WINDOW`` (0 within it); None when a date is unknown."""
    if a is None or b is None:
        return None
    return max(0, abs((a - b).days) - DATE_WINDOW)


_FADE: dict[int, tuple[float, float]] = {}


def _fade(gap: int) -> tuple[float, float]:
    """How much the body's and the headlines' cosines keep ``gap`` days apart."""
    kept = _FADE.get(gap)
    if kept is None:
        # Python's own power, remembered by the (few) gaps: numpy's may round apart.
        kept = (0.5 ** (gap / BODY_HALF_LIFE), 0.5 ** (gap / TITLE_HALF_LIFE))
        if len(_FADE) < 100_000:
            _FADE[gap] = kept
    return kept


def _dated(cosine: float, shared: float, gap: int | None) -> float:
    if gap is None:
        return ((1.0 - TITLE_SHARE) * cosine + TITLE_SHARE * shared) * UNDATED_FACTOR
    if gap > 0:
        body, head = _fade(gap)
        cosine *= body
        shared *= head
    return (1.0 - TITLE_SHARE) * cosine + TITLE_SHARE * shared


def _numpy_similarities(
    vectors: Sequence[Vectors], left_at: Sequence[int], right_at: Sequence[int]
) -> list[float]:
    import numpy as np

    left = np.asarray(left_at, dtype=np.int64)
    right = np.asarray(right_at, dtype=np.int64)
    # Each vector's words as columns in the words' order (title words after the text's,
    # apart), so that a pair's products come in the plain loop's order.
    vocabulary = sorted(set().union(*(v.text.keys() | v.title.keys() for v in vectors)))
    column = {t: c for c, t in enumerate(vocabulary)}.__getitem__
    width = 2 * len(vocabulary)
    cols: list[int] = []
    weights: list[float] = []
    lengths: list[int] = []  # each vector's text words, then its title words
    for v in vectors:
        cols.extend(map(column, v.text))
        weights.extend(v.text.values())
        cols.extend(map(column, v.title))
        weights.extend(v.title.values())
        lengths += (len(v.text), len(v.title))
    part = np.repeat(np.arange(2 * len(vectors)), lengths)
    is_title = (part % 2).astype(bool)
    col_of = np.array(cols, dtype=np.int64).reshape(-1) + is_title * len(vocabulary)
    order = np.lexsort((col_of, part // 2))
    col_of, is_title = col_of[order], is_title[order]
    weight_of = np.array(weights, dtype=np.float64).reshape(-1)[order]
    sizes = np.array(lengths, dtype=np.int64).reshape(-1, 2).sum(axis=1)
    start = np.concatenate(([0], np.cumsum(sizes)))
    cosines = np.zeros(len(left), dtype=np.float64)
    shared = np.zeros(len(left), dtype=np.float64)
    # Pairs by their left vector, laid out densely a few rows at a time.
    order = np.argsort(left, kind="stable")
    by_left = left[order]
    dense = np.zeros((_DENSE_ROWS, width), dtype=np.float64)
    for first in range(0, len(vectors), _DENSE_ROWS):
        lo, hi = np.searchsorted(by_left, (first, first + _DENSE_ROWS))
        if lo == hi:
            continue
        rows = np.arange(first, min(first + _DENSE_ROWS, len(vectors)))
        own = _entries(start, rows)
        own_rows = np.repeat(rows - first, start[rows + 1] - start[rows])
        dense[own_rows, col_of[own]] = weight_of[own]
        chosen = order[lo:hi]
        theirs = _entries(start, right[chosen])
        local = np.repeat(np.arange(len(chosen)), start[right[chosen] + 1] - start[right[chosen]])
        products = dense[left[chosen][local] - first, col_of[theirs]] * weight_of[theirs]
        # bincount adds in order: each pair's products in its words' order, from 0.0.
        sums = np.bincount(2 * local + is_title[theirs], products, minlength=2 * len(chosen))
        cosines[chosen] = sums[0::2]
        shared[chosen] = sums[1::2]
        dense[own_rows, col_of[own]] = 0.0
    # The date gaps as the plain loop judges them: the fading of each distinct gap
    # computed by Python (numpy's power may round apart), undated pairs apart.
    day = np.array([v.published.toordinal() if v.published else 0 for v in vectors])
    dated = (day[left] > 0) & (day[right] > 0)
    gap = np.maximum(0, np.abs(day[left] - day[right]) - DATE_WINDOW)
    gap[~dated] = 0
    gaps, which = np.unique(gap, return_inverse=True)
    fades = np.array([_fade(int(g)) if g else (1.0, 1.0) for g in gaps.tolist()])
    faded = gap > 0
    cosines[faded] *= fades[which[faded], 0]
    shared[faded] *= fades[which[faded], 1]
    scores = (1.0 - TITLE_SHARE) * cosines + TITLE_SHARE * shared
    scores[~dated] *= UNDATED_FACTOR
    result: list[float] = scores.tolist()
    return result


def _entries(start: NDArray[np.int64], rows: NDArray[np.int64]) -> NDArray[np.int64]:
    """The positions of the entries of ``rows`` (in order), given each row's ``start``."""
    import numpy as np

    lengths = start[rows + 1] - start[rows]
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    # Positions within each row (0, 1, ... per row) plus each row's start.
    offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    positions: NDArray[np.int64] = np.repeat(start[rows], lengths) + offsets
    return positions
