"""A query parsed once, and what it found, shared by every search of the same text.

Typing a query runs a search for the hits, another for the facets without their own
filter, one per page as the results scroll, and one for each article the reader
opens. A :class:`PreparedQuery` is made once per (text, filters) and searcher: parsed,
its terms looked up for highlighting, its matching documents and facet counts found in
one pass, its ranking deepened only when a page needs more. A few recent ones are kept
per searcher (a searcher sees one version of the index, so what was found stays true
for as long as the searcher lives).
"""

from __future__ import annotations

import threading
import weakref
from array import array
from bisect import bisect_right
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Any

from whoosh import query as wq
from whoosh.collectors import TopCollector
from whoosh.reading import SegmentReader

from briefing.index.codec import block_postings
from briefing.index.whoosh_fixes import length_bytes
from briefing.search.date_spans import date_span
from briefing.search.dates import PublishedRange, newest_first
from briefing.search.matching import match
from briefing.search.model import NO_FILTERS, Filters
from briefing.search.query import (
    MAX_QUERY_CHARS,
    ParsedQuery,
    has_expansions,
    parse_query,
    typed_words,
)
from briefing.search.terms import FieldTerms, field_terms

__all__ = [
    "PreparedQuery",
    "filter_query",
    "forget_prepared",
    "prepare",
    "prepared_terms",
    "ranked",
    "remember",
]

# Prepared queries kept per searcher: the query being typed, its facets without
# filters, a few earlier ones to go back to.
CACHE_SIZE = 16
# How deep the first ranking goes: the first page and the next one, so that scrolling
# to page two does not search again.
FIRST_DEPTH = 40
_FACET_FIELDS = {"source": "source_facet", "month": "month"}
# Facets of a fresh searcher are counted from the matches' own values when fewer than
# one document in this many matches; else every document's value is read once, which
# makes every later count a lookup.
_FEW_MATCHES = 20


@dataclass(frozen=True)
class PreparedQuery:
    """One query text with filters, parsed and searched once on one searcher.

    Attributes:
        text: the query as given.
        filters: the restrictions applied on top of it.
        parsed: the parsed query (``parsed.query`` is None when there is nothing to
            search for; an empty text browses: ``query`` is then ``Every()``).
        query: the Whoosh query that is run (None: nothing to search for).
        body_terms: what to highlight in bodies (see :func:`highlight.field_terms`).
        title_terms: what to highlight in titles.
        typed: the query's words as typed, lowercase (other spellings are those not
            among them).
        docs: the matching document numbers, in order, filters applied.
        facets: counts of ``docs`` per source and month (see ``searcher.facets``).
        ranked: the best ``(score, docnum)`` pairs so far, best first.
        complete: True when ``ranked`` holds every match.
        suggestion: "did you mean" for a query without matches, once ``suggested``.
    """

    text: str
    filters: Filters
    parsed: ParsedQuery
    query: Any | None
    body_terms: FieldTerms = field(default_factory=FieldTerms)
    title_terms: FieldTerms = field(default_factory=FieldTerms)
    typed: frozenset[str] = frozenset()
    docs: Sequence[int] = ()
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    ranked: tuple[tuple[float, int], ...] = ()
    complete: bool = False
    suggestion: str | None = None
    suggested: bool = False

    @property
    def total(self) -> int:
        """How many documents match (exact)."""
        return len(self.docs)


class _SearcherState:
    """What is kept for one searcher: recent prepared queries and facet columns."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.prepared: OrderedDict[tuple[str, Filters], PreparedQuery] = OrderedDict()
        self.ordinals: dict[str, tuple[list[str], array[int]]] = {}
        self.columns: dict[str, tuple[list[int], list[Any]]] = {}
        self.newest: list[int] | None = None


_STATES: weakref.WeakKeyDictionary[Any, _SearcherState] = weakref.WeakKeyDictionary()
_STATES_LOCK = threading.Lock()


def _state(searcher: Any) -> _SearcherState:
    with _STATES_LOCK:
        state = _STATES.get(searcher)
        if state is None:
            state = _STATES[searcher] = _SearcherState()
        return state


def forget_prepared() -> None:
    """Drop every kept prepared query (benchmarks time a first search this way)."""
    with _STATES_LOCK:
        states = list(_STATES.values())
    for state in states:
        with state.lock:
            state.prepared.clear()


def remember(searcher: Any, prepared: PreparedQuery) -> PreparedQuery:
    """Keep ``prepared`` (a copy of a kept one with more found) for ``searcher``."""
    return _remember(_state(searcher), prepared)


def _remember(state: _SearcherState, prepared: PreparedQuery) -> PreparedQuery:
    with state.lock:
        state.prepared[(prepared.text, prepared.filters)] = prepared
        state.prepared.move_to_end((prepared.text, prepared.filters))
        while len(state.prepared) > CACHE_SIZE:
            state.prepared.popitem(last=False)
    return prepared


def _parse(searcher: Any, text: str, filters: Filters) -> PreparedQuery:
    """The parsed query and its highlighting terms, not yet searched."""
    if not text.strip():
        return PreparedQuery(text, filters, ParsedQuery(text="", query=None), wq.Every())
    # The searcher's schema: ``ix.schema`` would read the index's table of contents again.
    parsed = parse_query(text, searcher.schema, MAX_QUERY_CHARS)
    if parsed.query is None:
        return PreparedQuery(text, filters, parsed, None)
    reader = searcher.reader()
    return PreparedQuery(
        text,
        filters,
        parsed,
        parsed.query,
        body_terms=field_terms(parsed.query, reader, "body"),
        title_terms=field_terms(parsed.query, reader, "title"),
        typed=frozenset(typed_words(parsed.text)),
    )


def prepare(
    searcher: Any, text: str, filters: Filters = NO_FILTERS, depth: int = FIRST_DEPTH
) -> PreparedQuery:
    """The prepared query for ``text`` and ``filters`` on ``searcher`` (kept for reuse).

    Its matching documents and facets are found here, in one pass, with its best
    ``depth`` (at least FIRST_DEPTH) ranked: the page wanted, so that :func:`ranked`
    needs no second pass for it.
    """
    state = _state(searcher)
    key = (text, filters)
    with state.lock:
        found = state.prepared.get(key)
        if found is not None:
            state.prepared.move_to_end(key)
            return found
    prepared = _parse(searcher, text, filters)
    if prepared.query is not None:
        allowed = _allowed(searcher, filters)
        top: tuple[tuple[float, int], ...] = ()
        every = isinstance(prepared.query, wq.Every)
        if every:
            docs: Sequence[int] = _every(searcher, allowed)
        else:
            docs, top = _matching(searcher, prepared.query, allowed, max(depth, FIRST_DEPTH))
        whole = every and allowed is None and not searcher.reader().has_deletions()
        prepared = replace(
            prepared,
            docs=docs,
            facets=_whole_facets(searcher) if whole else _facets(searcher, state, docs),
            ranked=top,
            complete=len(top) >= len(docs),
        )
    return _remember(state, prepared)


def prepared_terms(searcher: Any, text: str) -> PreparedQuery:
    """A prepared query for ``text`` with at least its highlighting terms: a kept one
    for the same text (whatever its filters) when there is one, else only parsed."""
    state = _state(searcher)
    with state.lock:
        for (kept_text, _), prepared in reversed(state.prepared.items()):
            if kept_text == text:
                return prepared
    return _parse(searcher, text, NO_FILTERS)


def ranked(searcher: Any, prepared: PreparedQuery, depth: int) -> PreparedQuery:
    """``prepared`` with its best ``depth`` matches ranked (Whoosh's scoring and order).

    Ranks at least :data:`FIRST_DEPTH`, and deeper in steps, so that the next page
    usually needs no search; the deeper query is kept in place of the shallower one.
    """
    if prepared.query is None or prepared.complete or len(prepared.ranked) >= depth:
        return prepared
    if not prepared.total:
        # Nothing to rank (and an empty filter set would mean "no filter" to Whoosh).
        return _remember(_state(searcher), replace(prepared, complete=True))
    depth = max(depth, FIRST_DEPTH, 2 * len(prepared.ranked))
    if depth >= prepared.total:
        depth = prepared.total
    allowed = set(prepared.docs) if prepared.filters != NO_FILTERS else None
    if isinstance(prepared.query, wq.Every):
        top = _newest_first(searcher, allowed, depth)
    else:
        _, top = _matching(searcher, prepared.query, allowed, depth)
    deeper = replace(prepared, ranked=top, complete=len(top) >= prepared.total)
    return _remember(_state(searcher), deeper)


# -- Matching documents ----------------------------------------------------------------


def filter_query(filters: Filters) -> Any | None:
    """The Whoosh filter query for ``filters`` (None when there is nothing to filter)."""
    parts: list[Any] = []
    if filters.sources:
        parts.append(wq.Or([wq.Term("source_facet", name) for name in filters.sources]))
    if filters.months:
        parts.append(wq.Or([wq.Term("month", month) for month in filters.months]))
    if filters.since or filters.until:
        # Both days are inclusive: from the first instant of "since" to the last of "until".
        start = date_span(filters.since)[0] if filters.since else None
        end = date_span(filters.until)[1] if filters.until else None
        parts.append(PublishedRange(start, end))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _allowed(searcher: Any, filters: Filters) -> set[int] | None:
    """The document numbers ``filters`` allow (None: all of them)."""
    q = filter_query(filters)
    if q is None:
        return None
    return set(searcher.docs_for_query(q))


class _MatchCollector(TopCollector):  # type: ignore[misc]
    """Whoosh's top-N collector, scoring every match and recording each one.

    Whoosh's shortcuts for a top N (skipping blocks and dropping sub-matchers that
    cannot reach the N-th score) lose real matches here: "election labour" on BBC
    missed its best article. So every match is scored, as when every match was
    collected for the facets, and the ranking is that of a full search.
    """

    def __init__(self, limit: int, allowed: set[int] | None) -> None:
        super().__init__(limit=limit, usequality=False, replace=0)
        self.allowed = allowed
        self.docs = array("i")

    def collect_matches(self) -> None:
        allowed = self.allowed
        offset = self.offset
        collect = self.collect
        for sub_docnum in self.matches():
            if allowed is None or offset + sub_docnum in allowed:
                collect(sub_docnum)

    def _collect(self, global_docnum: int, score: float) -> Any:
        self.docs.append(global_docnum)
        return super()._collect(global_docnum, score)


def _matching(
    searcher: Any, q: Any, allowed: set[int] | None, depth: int
) -> tuple[Sequence[int], tuple[tuple[float, int], ...]]:
    """Every document matching ``q`` (and allowed), and the best ``depth`` of them."""
    found = match(searcher, q, allowed, max(1, depth))
    if found is not None:
        return found
    return _matching_whoosh(searcher, q, allowed, depth)


def _matching_whoosh(
    searcher: Any, q: Any, allowed: set[int] | None, depth: int
) -> tuple[Sequence[int], tuple[tuple[float, int], ...]]:
    """:func:`_matching` by Whoosh's matchers."""
    collector = _MatchCollector(max(1, depth), allowed)
    # Whoosh reads every posting of every word (scoring each) up front when it is told
    # that the current match is not needed, though an AND of the words matches far
    # fewer documents; stepping through the matches scores only those. Wildcards, fuzzy
    # words and date ranges keep the up-front reading: it is faster for their many
    # terms, and their constant scores would come out differently.
    context = searcher.context(needs_current=not has_expansions(q))
    searcher.search_with_collector(q, collector, context)
    top = tuple((float(score), int(docnum)) for score, docnum in collector.results().top_n)
    return collector.docs, top


def _newest_first(
    searcher: Any, allowed: set[int] | None, depth: int
) -> tuple[tuple[float, int], ...]:
    """The first ``depth`` documents (allowed), newest first, each with a score of 0.

    The whole order is kept per searcher: an empty query box (every article, newest
    first) comes back often, and sorting 42,000 articles took a quarter of a second.
    """
    state = _state(searcher)
    with state.lock:
        order = state.newest
    if order is None:
        order = newest_first(searcher.reader())
        with state.lock:
            state.newest = order
    if allowed is None:
        chosen = order[:depth]
    else:
        chosen = list(islice((d for d in order if d in allowed), depth))
    return tuple((0.0, docnum) for docnum in chosen)


def _every(searcher: Any, allowed: set[int] | None) -> Sequence[int]:
    """Every live document (and allowed)."""
    if allowed is not None:
        return array("i", sorted(allowed))
    reader = searcher.reader()
    if not reader.has_deletions():
        return range(reader.doc_count_all())
    return array("i", reader.all_doc_ids())


# -- Facets ----------------------------------------------------------------------------


def _ordinals(searcher: Any, state: _SearcherState, fieldname: str) -> tuple[list[str], Any]:
    """The values of ``fieldname`` and, per document number, the index of its value
    (-1 for none): read once per searcher from the field's postings."""
    with state.lock:
        known = state.ordinals.get(fieldname)
    if known is not None:
        return known
    reader = searcher.reader()
    numbers: dict[str, int] = {}  # value -> ordinal; values repeat across segments
    ords = array("i", [-1]) * reader.doc_count_all()
    for subsearcher, offset in searcher.leaf_searchers():
        sub = subsearcher.reader()
        if fieldname not in sub.schema:
            continue
        for term in sub.lexicon(fieldname):
            value = term.decode("utf-8") if isinstance(term, bytes) else str(term)
            ordinal = numbers.setdefault(value, len(numbers))
            for docnum in block_postings(sub.postings(fieldname, term))[0]:
                ords[offset + docnum] = ordinal
    known = (list(numbers), ords)
    with state.lock:
        state.ordinals[fieldname] = known
    return known


def _columns(searcher: Any, state: _SearcherState, fieldname: str) -> tuple[list[int], list[Any]]:
    """Each segment's first document number and column reader of ``fieldname`` (None
    where it has none), opened once per searcher: opening one reads the column's
    offsets, which cost more than counting a few hundred matches."""
    with state.lock:
        known = state.columns.get(fieldname)
    if known is not None:
        return known
    # Per segment: Whoosh's multi-segment column reader fails on some document numbers.
    leaves = searcher.leaf_searchers()
    offsets = [offset for _, offset in leaves]
    columns = [
        sub.reader().column_reader(fieldname) if sub.reader().has_column(fieldname) else None
        for sub, _ in leaves
    ]
    with state.lock:
        state.columns[fieldname] = (offsets, columns)
    return offsets, columns


def _column_counts(
    searcher: Any, state: _SearcherState, fieldname: str, docs: Iterable[int]
) -> dict[str, int]:
    """Counts of the values of ``fieldname`` (a sortable field) in ``docs``."""
    offsets, columns = _columns(searcher, state, fieldname)
    counts: Counter[Any] = Counter()
    for docnum in docs:
        i = bisect_right(offsets, docnum) - 1
        column = columns[i]
        if column is not None:
            counts[column[docnum - offsets[i]]] += 1
    return {
        value.decode("utf-8") if isinstance(value, bytes) else str(value): count
        for value, count in counts.items()
        if value not in (None, "", b"")
    }


def warm_up(searcher: Any) -> None:
    """Read now what the first queries typed would: every document's facet values (the
    empty query's come from the lexicon, see _whole_facets), and per segment its field
    lengths and where its stored fields are (reading a hit's fields first opens that
    table: 12 ms at 42,000 articles). The app does this once its first results show."""
    state = _state(searcher)
    for fieldname in _FACET_FIELDS.values():
        _ordinals(searcher, state, fieldname)
    reader = searcher.reader()
    scored = [name for name, item in reader.schema.items() if item.scorable]
    for sub, _ in [(reader, 0)] if reader.is_atomic() else reader.leaf_readers():
        if not isinstance(sub, SegmentReader) or not sub.doc_count_all():
            continue  # an empty index (a first build that has committed nothing yet)
        sub.stored_fields(0)
        for fieldname in scored:
            length_bytes(sub, fieldname)


def _whole_facets(searcher: Any) -> dict[str, dict[str, int]]:
    """:func:`_facets` of every document of an index without deletions: each value's
    document frequency, from the lexicon (the app opens on this, the empty query; every
    document's values took 60 ms to read and count at 42,000 articles)."""
    reader = searcher.reader()
    counted: dict[str, dict[str, int]] = {}
    for name, fieldname in _FACET_FIELDS.items():
        counts: dict[str, int] = {}
        if fieldname in reader.schema:
            for term in reader.lexicon(fieldname):
                value = term.decode("utf-8") if isinstance(term, bytes) else str(term)
                if value:
                    counts[value] = counts.get(value, 0) + reader.doc_frequency(fieldname, term)
        counted[name] = counts
    return _ordered_facets(counted)


def _ordered_facets(counted: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    sources, months = counted["source"], counted["month"]
    return {
        "source": dict(sorted(sources.items(), key=lambda item: (-item[1], item[0].casefold()))),
        "month": dict(sorted(months.items())),
    }


def _facets(searcher: Any, state: _SearcherState, docs: Iterable[int]) -> dict[str, dict[str, int]]:
    """Counts of ``docs`` per source (highest first, then name) and per month (in date
    order); documents without a value are left out."""
    docs = docs if isinstance(docs, (array, range, list, tuple)) else list(docs)
    counted: dict[str, dict[str, int]] = {}
    for name, fieldname in _FACET_FIELDS.items():
        with state.lock:
            known = fieldname in state.ordinals
        if not known and len(docs) * _FEW_MATCHES < searcher.doc_count_all():
            # A first search on a fresh searcher (a command line): reading the values
            # of a few matches costs less than reading every document's.
            counted[name] = _column_counts(searcher, state, fieldname, docs)
            continue
        values, ords = _ordinals(searcher, state, fieldname)
        by_ordinal = Counter(map(ords.__getitem__, docs))
        counted[name] = {
            values[ordinal]: count
            for ordinal, count in by_ordinal.items()
            if ordinal >= 0 and values[ordinal]
        }
    return _ordered_facets(counted)
