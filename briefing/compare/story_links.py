"""The weighing step of a story update, a chunk of articles at a time: each article
vectorised with the library's current word rarity, posted in the inverted index under
the words of its vector, and linked to the candidates those words find (see
:mod:`briefing.compare.story_store`); and the store's blob encodings.

One statement per chunk and table, not one per article or word, and the chunk's own
vectors kept for the chunks after it: on BBC News the round trips to SQLite and the
decoding of vectors read back were half of a first grouping.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import zlib
from collections import Counter, OrderedDict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from briefing.compare import stories as rule
from briefing.compare.story_graph import lookup

# Candidates kept per new article, those sharing the most rare words first: beyond a
# few hundred they only add links too weak to move an average.
MAX_CANDIDATES = 200


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
        weights[term] = rule.inverse_df(df, n)
    unseen = rule.inverse_df(0, n)
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
    done: set[tuple[int, int]] = set()
    links: list[tuple[int, int, float]] = []
    for aid, v in fresh.items():
        links += _link(db, aid, v, seeding[aid], rare, fresh, cache, done)
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
    aid: int,
    v: rule.Vectors,
    seeding: set[str],
    rare: Mapping[str, int],
    fresh: Mapping[int, rule.Vectors],
    cache: Recent,
    done: set[tuple[int, int]],
) -> list[tuple[int, int, float]]:
    """Find a new article's candidates by shared rare words; its links, both ways.

    Args:
        db: The store.
        aid: The article's key.
        v: Its vectors.
        seeding: Its heaviest words (:func:`~briefing.compare.stories.seeds`).
        rare: The words that may find candidates (in few enough vectors) → word key.
        fresh: The vectors of the chunk's articles, by article key.
        cache: Decoded vectors of earlier articles; candidates' are added.
        done: Pairs already scored in this chunk.
    """
    # This article's rare words by how they may find candidates (0, 1, 2: see
    # :func:`~briefing.compare.stories.seed_rank`).
    wids: tuple[list[int], list[int], list[int]] = ([], [], [])
    for t in v.text:
        if (wid := rare.get(t)) is not None:
            wids[rule.seed_rank(t, seeding, v)].append(wid)
    other_wids, seed_wids, title_wids = wids
    # A pair is a candidate when it shares ``MIN_SHARED`` rare words counted as
    # :func:`~briefing.compare.stories.cluster` counts them: a word counts when it is
    # a seed on either side, twice when both headlines lead with it. Those sharing the
    # most first.
    candidates = [
        b
        for (b,) in db.execute(
            "SELECT aid FROM ("
            "SELECT aid, 1 + (seed = 2) AS w FROM postings "
            f"WHERE wid IN ({','.join('?' * len(title_wids))}) "
            "UNION ALL SELECT aid, 1 AS w FROM postings "
            f"WHERE wid IN ({','.join('?' * len(seed_wids))}) "
            "UNION ALL SELECT aid, 1 AS w FROM postings "
            f"WHERE wid IN ({','.join('?' * len(other_wids))}) AND seed > 0"
            ") WHERE aid != ? GROUP BY aid HAVING SUM(w) >= ? "
            "ORDER BY SUM(w) DESC, aid LIMIT ?",
            (*title_wids, *seed_wids, *other_wids, aid, rule.MIN_SHARED, MAX_CANDIDATES),
        )
    ]
    found: dict[int, rule.Vectors] = {}
    for b in candidates:
        if (known := fresh.get(b) or cache.get(b)) is not None:
            found[b] = known
    missing = [b for b in candidates if b not in found]
    for b, published, blob in lookup(db, "aid, published, vectors", "aid", missing):
        if blob is not None:
            found[b] = cache.put(b, unpack_vectors(blob, day(published)))
    scored = []
    for b in candidates:
        pair = (aid, b) if aid < b else (b, aid)
        if pair in done or b not in found:
            continue
        done.add(pair)
        scored.append(b)
    links = []
    for b, score in zip(scored, rule.similarities(v, map(found.__getitem__, scored)), strict=True):
        if score >= rule.EDGE_FLOOR:
            links += [(aid, b, score), (b, aid, score)]
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


def pack(data: object) -> bytes:
    """JSON-able data as a stored blob (compressed JSON)."""
    return zlib.compress(json.dumps(data, separators=(",", ":")).encode("utf-8"), 1)


def unpack(blob: bytes) -> Any:
    """What :func:`pack` stored."""
    return json.loads(zlib.decompress(blob))


def unpack_features(blob: bytes) -> rule.Features:
    """An article's stored features (its ``features`` column)."""
    data = unpack(blob)
    return rule.Features(data["b"], frozenset(data["t"]), frozenset(data["n"]))


def pack_vectors(v: rule.Vectors) -> bytes:
    """An article's vectors as stored (its ``vectors`` column; the date is apart)."""
    return pack({"v": v.text, "t": v.title})


def unpack_vectors(blob: bytes, published: date | None) -> rule.Vectors:
    """An article's stored vectors, their words interned (see :func:`interned`)."""
    data = unpack(blob)
    return interned(rule.Vectors(data["v"], data["t"], published))


def interned(v: rule.Vectors) -> rule.Vectors:
    """The same vectors with their words interned: the words of the cached vectors are
    held once, not once per article, and more than twice as many vectors fit in the
    cache's memory."""
    text = {sys.intern(t): w for t, w in v.text.items()}
    title = {sys.intern(t): w for t, w in v.title.items()}
    return rule.Vectors(text, title, v.published)
