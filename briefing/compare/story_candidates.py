"""The candidates of a story update's new articles: those sharing enough rare words.

Part of the weighing step (:mod:`briefing.compare.story_links`). A pair is a candidate
when it shares ``MIN_SHARED`` rare words counted as
:func:`~briefing.compare.stories.cluster` counts them: a word counts when it is a seed
on either side, twice when both headlines lead with it. A new article keeps
``MAX_CANDIDATES``, those sharing the most first (ties by key).

The postings of a chunk's rare words are read in one pass, not once per article, and
counted in plain Python for a few articles, with numpy for many: on BBC News a first
grouping counts some two million shared words.
"""

from __future__ import annotations

import heapq
import sqlite3
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from briefing.compare import stories as rule

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

# Candidates kept per new article, those sharing the most rare words first: beyond a
# few hundred they only add links too weak to move an average.
MAX_CANDIDATES = 200
# New articles from which the counting uses numpy (below, importing it costs more).
NUMPY_ARTICLES = 50
# Shared words counted at once by numpy: bounds its arrays (some 50 MB), not the result.
_COUNTED_AT_ONCE = 1_000_000
# Keys per ``IN (...)`` list: well under SQLite's limit on parameters.
_KEYS_PER_QUERY = 500

Words = Mapping[int, list[tuple[int, int]]]
"""Each new article's rare words (word key, how it may find candidates: 0, 1, 2 as
:func:`~briefing.compare.stories.seed_rank` says), by article key."""
Postings = Mapping[int, list[tuple[int, int]]]
"""Each rare word's articles (article key, how the word counts there), by word key."""


def find_candidates(
    db: sqlite3.Connection,
    fresh: Mapping[int, rule.Vectors],
    seeding: Mapping[int, set[str]],
    rare: Mapping[str, int],
) -> dict[int, list[int]]:
    """Each new article's candidates, those sharing the most rare words first.

    Args:
        db: The store, the chunk's own postings in it.
        fresh: The chunk's vectors, by article key.
        seeding: Each one's heaviest words (:func:`~briefing.compare.stories.seeds`).
        rare: The words that may find candidates (in few enough vectors) → word key.
    """
    own = {
        aid: [(wid, rule.seed_rank(t, seeding[aid], v)) for t in v.text if (wid := rare.get(t))]
        for aid, v in fresh.items()
    }
    # A word no new article seeds counts only where the other article seeds it: of its
    # postings, only those are read (most of a large library's are not seeds).
    seeded = sorted({wid for words in own.values() for wid, rank in words if rank})
    plain = sorted({wid for words in own.values() for wid, _ in words} - set(seeded))
    parts = (
        db.execute(
            f"SELECT wid, aid, seed FROM postings WHERE wid IN ({','.join('?' * len(part))})"
            + ("" if all_postings else " AND seed > 0"),
            part,
        ).fetchall()
        for words, all_postings in ((seeded, True), (plain, False))
        for part in (
            words[start : start + _KEYS_PER_QUERY]
            for start in range(0, len(words), _KEYS_PER_QUERY)
        )
    )
    if len(own) < NUMPY_ARTICLES:
        posted: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for rows in parts:
            for wid, b, rank in rows:
                posted[wid].append((b, rank))
        return count_shared(own, posted)
    import numpy as np

    # Each part's rows go into an array at once: a large library's chunk reads millions
    # of postings, some 150 bytes each as Python tuples (a 42k first grouping peaked at
    # 435 MB so) against 12 in the array.
    tables = [np.array(rows, dtype=np.int32).reshape(-1, 3) for rows in parts]
    return count_shared_numpy(own, np.concatenate(tables) if tables else [])


def count_shared(own: Words, posted: Postings) -> dict[int, list[int]]:
    """The candidates of each new article, counted in plain Python."""
    found: dict[int, list[int]] = {}
    for aid, words in own.items():
        shared: dict[int, int] = {}
        for wid, mine in words:
            for b, theirs in posted.get(wid, ()):
                if mine or theirs:
                    shared[b] = shared.get(b, 0) + (2 if mine == theirs == 2 else 1)
        shared.pop(aid, None)
        best = [(-count, b) for b, count in shared.items() if count >= rule.MIN_SHARED]
        found[aid] = [b for _, b in heapq.nsmallest(MAX_CANDIDATES, best)]
    return found


def count_shared_numpy(
    own: Words, rows: Sequence[tuple[int, int, int]] | NDArray[np.integer[Any]]
) -> dict[int, list[int]]:
    """The same as :func:`count_shared`, the postings given as rows ``(word key,
    article key, how the word counts there)`` and each shared word a row of numpy
    arrays."""
    import numpy as np

    table = (rows if isinstance(rows, np.ndarray) else np.array(rows, dtype=np.int64)).reshape(
        -1, 3
    )
    if not len(table):
        return {aid: [] for aid in own}
    # The postings by word: a word's rows are first[w]:first[w] + size[w].
    table = table[np.argsort(table[:, 0], kind="stable")]
    words, first, size = np.unique(table[:, 0], return_index=True, return_counts=True)
    where = dict(zip(words.tolist(), range(len(words)), strict=True))
    their_aid, their_rank = table[:, 1], table[:, 2]
    span = int(their_aid.max()) + 1
    counted = size.tolist()
    found: dict[int, list[int]] = {}
    # Articles a few at a time, so that the shared words counted at once stay bounded.
    batch: list[int] = []
    load = 0
    for aid, ws in own.items():
        batch.append(aid)
        load += sum(counted[where[w]] for w, _ in ws if w in where)
        if load >= _COUNTED_AT_ONCE:
            found.update(_count_batch(batch, own, where, size, first, their_aid, their_rank, span))
            batch, load = [], 0
    if batch:
        found.update(_count_batch(batch, own, where, size, first, their_aid, their_rank, span))
    return found


def _count_batch(
    batch: list[int],
    own: Words,
    where: Mapping[int, int],
    size: NDArray[np.integer[Any]],
    first: NDArray[np.integer[Any]],
    their_aid: NDArray[np.integer[Any]],
    their_rank: NDArray[np.integer[Any]],
    span: int,
) -> dict[int, list[int]]:
    """:func:`count_shared` for the articles of ``batch``, with the postings as arrays."""
    import numpy as np

    entries = [
        (r, where[w], rank) for r, aid in enumerate(batch) for w, rank in own[aid] if w in where
    ]
    row_of = np.array([e[0] for e in entries], dtype=np.int64).reshape(-1)
    word_of = np.array([e[1] for e in entries], dtype=np.int64).reshape(-1)
    mine_of = np.array([e[2] for e in entries], dtype=np.int64).reshape(-1)
    # One row per (new article's word, article posted under it).
    lengths = size[word_of]
    entry = np.repeat(np.arange(len(entries)), lengths)
    start = np.cumsum(lengths) - lengths
    at = np.repeat(first[word_of], lengths) + np.arange(int(lengths.sum())) - start[entry]
    row, mine, theirs, other = row_of[entry], mine_of[entry], their_rank[at], their_aid[at]
    aids = np.array(batch, dtype=np.int64)
    counted = ((mine > 0) | (theirs > 0)) & (other != aids[row])
    weight = 1 + ((mine == 2) & (theirs == 2))
    pairs, inverse = np.unique(row[counted] * span + other[counted], return_inverse=True)
    counts = np.bincount(inverse.reshape(-1), weight[counted])
    enough = counts >= rule.MIN_SHARED
    pairs, counts = pairs[enough], counts[enough]
    row, other = pairs // span, pairs % span
    # By article, the most shared first, ties by key; the first MAX_CANDIDATES of each.
    order = np.lexsort((other, -counts, row))
    row, other = row[order], other[order]
    kept = np.arange(len(row)) - np.searchsorted(row, row) < MAX_CANDIDATES
    row, other = row[kept], other[kept]
    bounds = np.searchsorted(row, np.arange(len(batch) + 1)).tolist()
    keys: list[int] = other.tolist()
    return {aid: keys[bounds[r] : bounds[r + 1]] for r, aid in enumerate(batch)}
