"""The weighing step of a story update, a chunk of articles at a time: each article
vectorised with the library's current word rarity, posted in the inverted index under
the words of its vector, and linked to the candidates those words find (see
:mod:`briefing.compare.story_store`); and the store's blob encodings.

One statement per chunk and table, not one per article or word, and the chunk's own
vectors kept for the chunks after it: on BBC News the round trips to SQLite and the
decoding of vectors read back were half of a first grouping.
"""

from __future__ import annotations

import marshal
import sqlite3
import sys
from collections import Counter, OrderedDict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from briefing.compare import stories as rule
from briefing.compare.story_candidates import find_candidates
from briefing.compare.story_graph import lookup
from briefing.compare.words import inverse_df


def weigh(db: sqlite3.Connection, aids: Sequence[int], n: int, cap: int, cache: Recent) -> None:
    """Vectorise articles with the library's current word rarity, post and link them."""
    unweighed = {
        aid: (unpack_features(feats), day(published))
        for aid, published, feats in lookup(db, "aid, published, features", "aid", aids)
    }
    words = list(set().union(*(f.words() for f, _ in unweighed.values())))
    wid_of: dict[str, int] = {}
    weights: dict[str, float] = {}
    for wid, term, df in lookup(db, "wid, term, df", "term", words):
        wid_of[term] = wid
        weights[term] = inverse_df(df, n, rule.IDF_FLOOR)
    unseen = inverse_df(0, n, rule.IDF_FLOOR)
    fresh = {
        aid: rule.vectorise(feats, weights, unseen, published)
        for aid, (feats, published) in unweighed.items()
    }
    seeding = {aid: set(rule.seeds(v)) for aid, v in fresh.items()}
    # The chunk's rows in one statement each, not one per article (or per word).
    db.executemany(
        "UPDATE articles SET vectors = ?, weighed_at = ? WHERE aid = ?",
        ((pack_vectors(v), n, aid) for aid, v in fresh.items()),
    )
    _post(db, fresh, seeding, wid_of)
    # Which words may seed, read once for the chunk, after its own postings.
    terms = list(set().union(*(v.text for v in fresh.values())))
    rare = {
        t: wid
        for wid, t, postings in lookup(db, "wid, term, postings", "term", terms)
        if 1 < postings <= cap
    }
    candidates = find_candidates(db, fresh, seeding, rare)
    links = _link(db, candidates, fresh, cache)
    db.executemany("INSERT OR REPLACE INTO edges VALUES (?, ?, ?)", links)
    # The next chunks' candidates are mostly earlier articles: keep this chunk's vectors
    # rather than read and decode them again.
    for aid, v in fresh.items():
        cache.put(aid, interned(v))


def _post(
    db: sqlite3.Connection,
    fresh: Mapping[int, rule.Vectors],
    seeding: Mapping[int, set[str]],
    wid_of: Mapping[str, int],
) -> None:
    """Put articles in the inverted index under each word of their vectors."""
    rows = [
        (wid_of[t], aid, rule.seed_rank(t, seeding[aid], v))
        for aid, v in fresh.items()
        for t in v.text
        if t in wid_of
    ]
    db.executemany("INSERT OR IGNORE INTO postings VALUES (?, ?, ?)", rows)
    posted = Counter(wid for wid, _, _ in rows)
    db.executemany(
        "UPDATE words SET postings = postings + ? WHERE wid = ?",
        ((count, wid) for wid, count in posted.items()),
    )


def _link(
    db: sqlite3.Connection,
    candidates: Mapping[int, Sequence[int]],
    fresh: Mapping[int, rule.Vectors],
    cache: Recent,
) -> list[tuple[int, int, float]]:
    """Score the chunk's candidate pairs (each once) and return their links, both ways.

    Args:
        db: The store.
        candidates: Each new article's candidates, by article key.
        fresh: The chunk's vectors, by article key.
        cache: Decoded vectors of earlier articles; candidates' are added.
    """
    known: dict[int, rule.Vectors] = dict(fresh)
    wanted = {b for found in candidates.values() for b in found if b not in known}
    for b in wanted:
        if (v := cache.get(b)) is not None:
            known[b] = v
    missing = [b for b in wanted if b not in known]
    for b, published, blob in lookup(db, "aid, published, vectors", "aid", missing):
        if blob is not None:
            known[b] = cache.put(b, unpack_vectors(blob, day(published)))
    slot = {aid: i for i, aid in enumerate(known)}
    done: set[tuple[int, int]] = set()
    left: list[int] = []
    right: list[int] = []
    for aid, found in candidates.items():
        for b in found:
            pair = (aid, b) if aid < b else (b, aid)
            if pair not in done and b in slot:
                done.add(pair)
                left.append(slot[aid])
                right.append(slot[b])
    keys = list(known)
    scores = rule.pair_similarities(list(known.values()), left, right)
    links = []
    for a, b, score in zip(left, right, scores, strict=True):
        if score >= rule.EDGE_FLOOR:
            links += [(keys[a], keys[b], score), (keys[b], keys[a], score)]
    return links


class Recent:
    """Decoded vectors by article key; past ``size``, the least recently used go."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[int, rule.Vectors] = OrderedDict()

    def get(self, aid: int) -> rule.Vectors | None:
        """The vectors of ``aid`` if kept (now the most recently used), else None."""
        v = self._items.get(aid)
        if v is not None:
            self._items.move_to_end(aid)
        return v

    def put(self, aid: int, v: rule.Vectors) -> rule.Vectors:
        """Keep ``v`` as the vectors of ``aid``; returns it."""
        self._items[aid] = v
        if len(self._items) > self.size:
            self._items.popitem(last=False)
        return v


def day(ordinal: int | None) -> date | None:
    """A stored date (a proleptic ordinal, or NULL) as a date."""
    return date.fromordinal(ordinal) if ordinal else None


def pack(data: Any) -> bytes:
    """Data of plain types (dicts, lists, strings, numbers) as a stored blob.

    ``marshal``: some twenty times faster to write than compressed JSON and twice as
    fast to read, floats kept to the bit; the store is a cache of this Python's own.
    """
    return marshal.dumps(data)


def unpack(blob: bytes) -> Any:
    """What :func:`pack` stored."""
    return marshal.loads(blob)


def unpack_features(blob: bytes) -> rule.Features:
    """An article's stored features (its ``features`` column)."""
    body, title, names = unpack(blob)
    return rule.Features(body, frozenset(title), frozenset(names))


def pack_vectors(v: rule.Vectors) -> bytes:
    """An article's vectors as stored (its ``vectors`` column; the date is apart)."""
    return pack((dict(v.text), dict(v.title)))


def unpack_vectors(blob: bytes, published: date | None) -> rule.Vectors:
    """An article's stored vectors, their words interned (see :func:`interned`)."""
    text, title = unpack(blob)
    return interned(rule.Vectors(text, title, published))


def interned(v: rule.Vectors) -> rule.Vectors:
    """The same vectors with their words interned: the words of the cached vectors are
    held once, not once per article, and more than twice as many vectors fit in the
    cache's memory."""
    text = {sys.intern(t): w for t, w in v.text.items()}
    title = {sys.intern(t): w for t, w in v.title.items()}
    return rule.Vectors(text, title, v.published)
