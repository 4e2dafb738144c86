"""Match a parsed query with sets of document numbers, and score only the matches.

Whoosh matches a query by stepping a tree of matchers through every posting of every
word, one Python call per posting and per level of the tree: "market shares" at
42,000 articles stepped 12,000 postings through six leaf and five inner matchers (50
to 80 ms) to find 1,121 documents. Here each word's document numbers are read a
block at a time into arrays (:func:`briefing.index.codec.block_postings`), the query's
AND, OR and NOT become set operations run in C, and only the documents that match
are scored, with Whoosh's BM25F and the same statistics, so the ranking is Whoosh's.

:func:`match` answers None for a query it does not know (the caller then asks
Whoosh): words, phrases, wildcard and fuzzy words, date ranges and their AND, OR and
NOT are known, which is everything the search box's parser makes.
"""

from __future__ import annotations

import heapq
import threading
from array import array
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import byte_to_length
from whoosh.scoring import BM25F

from briefing.index.codec import block_positions, block_postings
from briefing.index.whoosh_fixes import length_bytes
from briefing.search.dates import PublishedRange
from briefing.search.expansion import is_expansion

__all__ = ["Matched", "match"]

Matched = tuple[array, tuple[tuple[float, int], ...]]  # type: ignore[type-arg]

# How many postings (8 bytes each) the decoded words of recent searches may hold.
POSTINGS_CACHE_SIZE = 2_000_000


class _PostingsCache:
    """The decoded postings of the words recent searches read, by segment and word, the
    least recently used dropped first. Typing "space shuttle" reads "space" again at
    every key after the space, and a common word (20,000 postings) takes longer to
    decode than the rest of its search. A segment never changes once written (its
    deletions are applied after), so an entry stays right for as long as it exists."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[tuple[str, str, Any], tuple[Any, Any]] = OrderedDict()
        self._held = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str, Any]) -> tuple[Any, Any] | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: tuple[str, str, Any], postings: tuple[Any, Any]) -> None:
        count = len(postings[0])
        if count > self.size // 4:
            return  # one word may not push everything else out
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = postings
            self._held += count
            while self._held > self.size:
                _, dropped = self._entries.popitem(last=False)
                self._held -= len(dropped[0])

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._held = 0


_POSTINGS = _PostingsCache(POSTINGS_CACHE_SIZE)


class _Unsupported(Exception):
    """A query part this module does not evaluate."""


def match(searcher: Any, q: Any, allowed: set[int] | None, depth: int) -> Matched | None:
    """Every document matching ``q`` (and in ``allowed``, when given), in order, and
    the best ``depth`` of them as ``(score, docnum)``, best first (ties: lower
    document number first, as Whoosh's collector); None when ``q`` has a part this
    module does not evaluate."""
    weighting = searcher.weighting
    if type(weighting) is not BM25F:
        return None
    reader = searcher.reader()
    leaves = list(reader.leaf_readers()) if not reader.is_atomic() else [(reader, 0)]
    scorer = _Scores(searcher, weighting)
    found = array("i")
    # The best of each segment as (score, -docnum): the largest first are Whoosh's
    # order (a tie goes to the lower number), compared in C without a key function.
    best: list[tuple[float, int]] = []
    try:
        _prepare(q, reader)
        for sub, offset in leaves:
            segment = _Segment(sub, reader, scorer)
            docs = segment.docs(q)
            if sub.has_deletions():
                docs -= sub.deleted_docs_set
            if allowed is not None:
                docs = {d for d in docs if offset + d in allowed}
            if not docs:
                continue
            ordered = sorted(docs)
            scores = dict.fromkeys(ordered, 0.0)
            segment.score(q, scores, 1.0)
            # Segments follow one another: their numbers stay in order.
            found.extend(map(offset.__add__, ordered))
            best.extend(_best(scores, depth, offset))
    except _Unsupported:
        return None
    top = tuple((score, -negated) for score, negated in heapq.nlargest(depth, best))
    return found, top


def _best(scores: dict[int, float], depth: int, offset: int) -> list[tuple[float, int]]:
    """The ``depth`` best of a segment's ``scores`` as ``(score, -(offset + docnum))``,
    best first. The floor comes from the scores alone (no tuple per document), then
    only the documents at or above it are ranked."""
    negated = -offset
    if len(scores) > 4 * depth:
        floor = heapq.nlargest(depth, scores.values())[-1]
        scores = {docnum: score for docnum, score in scores.items() if score >= floor}
    return heapq.nlargest(depth, zip(scores.values(), map(negated.__sub__, scores), strict=True))


def _prepare(q: Any, reader: Any) -> None:
    """Check that every part of ``q`` is known, and expand its wildcard and fuzzy
    words once on the whole index (Whoosh expands them in each segment)."""
    if isinstance(q, (wq.And, wq.Or)):
        if isinstance(q, wq.Or) and (q.minmatch or q.scale):
            raise _Unsupported
        for child in q.subqueries:
            _prepare(child, reader)
    elif isinstance(q, wq.AndNot):
        _prepare(q.a, reader)
        _prepare(q.b, reader)
    elif isinstance(q, wq.Not):
        _prepare(q.query, reader)
    elif is_expansion(q):
        q._btexts(reader)  # kept by the query for this reader
    elif isinstance(q, wq.Phrase):
        if q.slop != 1:
            raise _Unsupported
    elif not isinstance(q, (wq.Term, PublishedRange, type(wq.NullQuery))):
        raise _Unsupported


class _Scores:
    """Whoosh's BM25F for the whole index: per word its IDF, per field its B and the
    length part of the formula for each of the 256 length bytes."""

    def __init__(self, searcher: Any, weighting: BM25F) -> None:
        self.searcher = searcher
        self.weighting = weighting
        self.k1 = weighting.K1
        self._norms: dict[str, list[float]] = {}

    def norms(self, fieldname: str) -> list[float]:
        """K1 * ((1 - B) + B * length / average length), by length byte."""
        norms = self._norms.get(fieldname)
        if norms is None:
            weighting, k1 = self.weighting, self.k1
            b = weighting._field_B.get(fieldname, weighting.B)
            average = self.searcher.avg_field_length(fieldname) or 1
            norms = [
                k1 * ((1 - b) + b * (byte_to_length(byte) if byte else 1) / average)
                for byte in range(256)
            ]
            self._norms[fieldname] = norms
        return norms

    def idf(self, fieldname: str, text: str) -> float:
        return float(self.searcher.idf(fieldname, text))


class _Segment:
    """Evaluates a query on one segment, with the segment's own document numbers."""

    def __init__(self, reader: Any, top: Any, scores: _Scores) -> None:
        self.reader = reader
        self.top = top  # the whole index's reader, which wildcards are expanded on
        self.scores = scores
        # (None for a reader of no segment: its postings are not shared)
        segment = reader.segment() if hasattr(reader, "segment") else None
        self.segment_id: str | None = None if segment is None else segment.segment_id()
        self._postings: dict[tuple[str, str], tuple[Any, Any] | None] = {}
        self._sets: dict[tuple[str, str], set[int]] = {}
        self._everything: set[int] | None = None
        self._phrases: dict[tuple[str, tuple[str, ...]], frozenset[int]] = {}
        self._dates: dict[tuple[Any, Any], frozenset[int]] = {}

    # -- Which documents --------------------------------------------------------------

    def docs(self, q: Any) -> set[int]:
        if isinstance(q, wq.Term):
            return set(self._term_docs(q.fieldname, q.text))
        if isinstance(q, wq.Or):
            found: set[int] = set()
            for child in q.subqueries:
                if isinstance(child, wq.Not):
                    raise _Unsupported
                found |= self.docs(child)
            return found
        if isinstance(q, wq.And):
            positive = [c for c in q.subqueries if not isinstance(c, wq.Not)]
            if not positive:
                raise _Unsupported
            sets = sorted((self.docs(c) for c in positive), key=len)
            found = sets[0].intersection(*sets[1:]) if len(sets) > 1 else set(sets[0])
            for child in q.subqueries:
                if isinstance(child, wq.Not) and found:
                    found -= self.docs(child.query)
            return found
        if isinstance(q, wq.AndNot):
            found = self.docs(q.a)
            return found - self.docs(q.b) if found else found
        if isinstance(q, wq.Not):
            return self._all() - self.docs(q.query)
        if is_expansion(q):
            found = set()
            for text in q._btexts(self.top):
                found.update(self._term_docs(q.fieldname, text))
            return found
        if isinstance(q, wq.Phrase):
            return set(self._phrase_docs(q))
        if isinstance(q, PublishedRange):
            return set(self._dated(q))
        if isinstance(q, type(wq.NullQuery)):
            return set()
        raise _Unsupported

    def _all(self) -> set[int]:
        if self._everything is None:
            self._everything = set(range(self.reader.doc_count_all()))
        return self._everything

    def _term(self, fieldname: str, text: Any) -> tuple[Any, Any] | None:
        """The document numbers and weights of a word in this segment (None: absent)."""
        key = (fieldname, text)
        if key in self._postings:
            return self._postings[key]
        shared = None if self.segment_id is None else (self.segment_id, fieldname, text)
        found = None if shared is None else _POSTINGS.get(shared)
        if found is None:
            matcher = self._raw_matcher(fieldname, text)
            if matcher is not None:
                found = block_postings(matcher)
                if shared is not None:
                    _POSTINGS.put(shared, found)
        self._postings[key] = found
        return found

    def _raw_matcher(self, fieldname: str, text: Any) -> Any:
        reader = self.reader
        schema = reader.schema
        if fieldname not in schema:
            return None
        field = schema[fieldname]
        try:
            btext = field.to_bytes(text)
        except ValueError:
            return None
        if (fieldname, btext) not in reader:
            return None
        # The segment's own matcher, without Whoosh's filter of deleted documents
        # (they are taken out of the matches at the end).
        return reader._terms.matcher(fieldname, btext, field.format)

    def _term_docs(self, fieldname: str, text: Any) -> Iterable[int]:
        found = self._term(fieldname, text)
        return found[0] if found is not None else ()

    def _phrase_docs(self, q: Any) -> frozenset[int]:
        """Documents where the words of ``q`` follow one another (Whoosh's phrase with
        a slop of 1: each word at the position after the one before)."""
        key = (q.fieldname, tuple(q.words))
        if key not in self._phrases:
            self._phrases[key] = frozenset(self._find_phrase(q))
        return self._phrases[key]

    def _dated(self, q: PublishedRange) -> frozenset[int]:
        key = (q.start, q.end)
        if key not in self._dates:
            self._dates[key] = frozenset(q.docs(_AtomicSearcher(self.reader)))
        return self._dates[key]

    def _find_phrase(self, q: Any) -> set[int]:
        field = self.reader.schema[q.fieldname] if q.fieldname in self.reader.schema else None  # noqa: SIM401
        if field is None or not q.words:
            return set()
        if not field.format or not field.format.supports("positions"):
            raise _Unsupported
        sets = []
        for word in q.words:
            ids = self._term_docs(q.fieldname, word)
            if not ids:
                return set()
            sets.append(set(ids))
        candidates = sorted(min(sets, key=len).intersection(*sets))
        if len(q.words) == 1 or not candidates:
            return set(candidates)
        starts: dict[int, set[int]] | None = None
        for i, word in enumerate(q.words):
            positions = block_positions(self._raw_matcher(q.fieldname, word), candidates)
            if starts is None:
                starts = {d: set(p) for d, p in positions.items()}
            else:
                for docnum, found in list(starts.items()):
                    found &= {p - i for p in positions[docnum]}
                    if not found:
                        del starts[docnum]
            candidates = sorted(starts)
            if not candidates:
                break
        return set(candidates)

    # -- Scores -----------------------------------------------------------------------

    def score(self, q: Any, scores: dict[int, float], factor: float) -> None:
        """Add the score of ``q`` (times ``factor``) to each document of ``scores`` it
        matches, as Whoosh's matchers sum them."""
        if isinstance(q, wq.Term):
            self._score_term(q.fieldname, q.text, scores, factor * q.boost)
        elif isinstance(q, (wq.Or, wq.And)):
            for child in q.subqueries:
                self.score(child, scores, factor * q.boost)
        elif isinstance(q, wq.Not):
            # Whoosh's matcher of "not" gives each document it matches a score of 1.
            for docnum in scores:
                scores[docnum] += factor
        elif isinstance(q, wq.AndNot):
            self.score(q.a, scores, factor)
        elif is_expansion(q):
            # As Whoosh: the OR of the words it stands for.
            for text in q._btexts(self.top):
                self._score_term(q.fieldname, text, scores, factor * q.boost)
        elif isinstance(q, wq.Phrase):
            phrase = self._phrase_docs(q)
            matched = {d: 0.0 for d in scores if d in phrase}
            for word in q.words:
                self._score_term(q.fieldname, word, matched, factor * q.boost)
            for docnum, value in matched.items():
                scores[docnum] += value
        elif isinstance(q, PublishedRange):
            dated = self._dated(q)
            for docnum in scores:
                if docnum in dated:
                    scores[docnum] += factor * q.boost

    def _score_term(
        self, fieldname: str, text: Any, scores: dict[int, float], factor: float
    ) -> None:
        found = self._term(fieldname, text)
        if found is None:
            return
        ids, weights = found
        field = self.reader.schema[fieldname]
        get = scores.get
        if not field.scorable:
            for docnum, weight in zip(ids, weights, strict=True):
                score = get(docnum)
                if score is not None:
                    scores[docnum] = score + factor * weight
            return
        lengths = length_bytes(self.reader, fieldname)
        if ids and ids[-1] >= len(lengths):
            # As Whoosh: a document past the column's end has length byte 0.
            lengths = bytes(lengths) + bytes(ids[-1] + 1 - len(lengths))
        norms = self.scores.norms(fieldname)
        top = self.scores.idf(fieldname, text) * (self.scores.k1 + 1)
        # One pass, and the arithmetic inline: this loop is most of a common word's time.
        if len(ids) <= len(scores):
            for docnum, weight in zip(ids, weights, strict=True):
                score = get(docnum)
                if score is not None:
                    scores[docnum] = score + factor * (
                        top * weight / (weight + norms[lengths[docnum]])
                    )
        else:
            weight_of = dict(zip(ids, weights, strict=True)).get
            for docnum, score in scores.items():
                weight = weight_of(docnum)
                if weight is not None:
                    scores[docnum] = score + factor * (
                        top * weight / (weight + norms[lengths[docnum]])
                    )


class _AtomicSearcher:
    """What :meth:`PublishedRange.docs` asks of a searcher, for one segment."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader

    def reader(self) -> Any:
        return self._reader
