"""Search an index: ranked hits with snippets, facet counts, "did you mean", related articles.

Every function opens its own searcher and keeps no state between calls, so the TUI
can run them in worker threads at the same time.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from briefing.index.schema import fold_name
from briefing.search import highlight as hl
from briefing.search import snippets as sn
from briefing.search.expansion import MAX_EXPANSIONS
from briefing.search.matching import match
from briefing.search.model import (
    NO_FILTERS,
    ArticleMatches,
    Filters,
    Hit,
    SearchResult,
    Snippet,
)
from briefing.search.prepared import (
    PreparedQuery,
    filter_query,
    forget_prepared,
    prepare,
    prepared_terms,
    ranked,
    remember,
)
from briefing.search.prepared import warm_up as prepared_warm_up
from briefing.search.query import MAX_QUERY_CHARS, OPERATORS

__all__ = [
    "MAX_QUERY_CHARS",
    "facets",
    "filter_query",
    "forget_prepared",
    "related",
    "search",
]

RELATED_SNIPPET_CHARS = 160
# Candidates fetched for related(): enough that other outlets can be put first.
RELATED_TEXT_CHARS = 1500
# Key words in more than this share of the library do not find related coverage.
_COMMON_SHARE = 0.02
_RELATED_POOL = 3
_LETTERS = re.compile(r"[^\W\d_]+")
# Longer "words" are not misspellings, and edit-distance automata grow with length.
_MAX_CORRECTED = 30
# How many words of a query "did you mean" tries to correct: each one builds an
# edit-distance automaton, and a long query of unknown words took most of a second.
_MAX_SUGGESTED = 8
# How much of a hit's body is scanned for snippets: re-analysing a 2 MB article (the
# cap) takes seconds, and a results page must not; the reader shows every match.
SNIPPET_SCAN_CHARS = 100_000
# The scan starts with the body's beginning and reads further only while it has found
# fewer than SNIPPET_MATCHES matches (one per snippet): a one-letter word being typed ("s") occurs
# thousands of times in a long post, and three snippets need a few of them.
SNIPPET_SCAN_STEPS = (4_000, 20_000, SNIPPET_SCAN_CHARS)
SNIPPET_MATCHES = 3
# What a page of hits scans at most beyond each hit's first step: long posts whose rare
# matches lie deep in them cost 5 ms each to scan; past this, a hit not matched in its
# first step shows how it starts (the reader shows every match).
SNIPPET_PAGE_CHARS = 120_000


def search(
    ix: Any,
    query: str,
    filters: Filters = NO_FILTERS,
    limit: int = 20,
    offset: int = 0,
    snippets: int = 3,
    suggest: bool = True,
) -> SearchResult:
    """Search ``ix`` for ``query``.

    Args:
        ix: an open Whoosh index of :func:`briefing.index.schema.build_schema`.
        query: the search box's text (see :mod:`briefing.search.query`).
        filters: restrictions applied on top of the query (and to the facets).
        limit: how many hits to return.
        offset: how many of the best hits to skip (pagination).
        snippets: up to this many snippets per hit.
        suggest: when nothing matches, find a "did you mean" (a few hundred
            milliseconds at 42,000 articles: the app asks for it apart, see
            :func:`suggestion`).

    Returns:
        The page of hits, the total number of matches, facet counts over all of
        them, a suggestion when nothing matched, notices and other spellings found.
    """
    started = time.perf_counter()
    limit, offset = max(0, limit), max(0, offset)
    with ix.searcher() as searcher:
        prepared = prepare(searcher, query, filters, depth=offset + limit)
        if prepared.query is None:
            return SearchResult(
                query=query,
                total=0,
                notices=prepared.parsed.notices,
                elapsed=time.perf_counter() - started,
            )
        if not query.strip():
            hits = _browse_hits(searcher, prepared, limit, offset, snippets)
            return SearchResult(
                query=query,
                total=prepared.total,
                hits=tuple(hits),
                facets=prepared.facets,
                elapsed=time.perf_counter() - started,
            )
        prepared = ranked(searcher, prepared, offset + limit)
        page = prepared.ranked[offset : offset + limit] if limit else ()
        hits, variants = _page_hits(searcher, prepared, page, snippets)
        total = prepared.total
        if total == 0 and suggest and not prepared.suggested:
            suggestion = _suggest(prepared.parsed.text, searcher.reader())
            prepared = remember(searcher, replace(prepared, suggestion=suggestion, suggested=True))
    parsed = prepared.parsed
    notices = list(parsed.notices)
    for label in dict.fromkeys(parsed.capped):
        notices.append(f"{label} matches too many words; searched the first {MAX_EXPANSIONS}.")
    if variants:
        notices.append(f"Also matched spellings: {', '.join(variants)}")
    return SearchResult(
        query=query,
        total=total,
        hits=tuple(hits),
        facets=prepared.facets,
        suggestion=prepared.suggestion,
        notices=tuple(notices),
        variants=tuple(variants),
        elapsed=time.perf_counter() - started,
    )


def _browse_hits(
    searcher: Any, prepared: PreparedQuery, limit: int, offset: int, snippets: int
) -> list[Hit]:
    """An empty query lists every article (within the filters), newest first."""
    if not limit or not prepared.total:
        return []
    prepared = ranked(searcher, prepared, offset + limit)
    hits = []
    for _, docnum in prepared.ranked[offset : offset + limit]:
        fields = searcher.stored_fields(docnum)
        body = str(fields.get("body") or fields.get("title") or "")
        lead = (sn.lead_snippet(body),) if body and snippets else ()
        hits.append(_hit(fields, 0.0, lead))
    return hits


def article_matches(ix: Any, query: str, article_id: str) -> ArticleMatches:
    """Where ``query`` matches in the whole title and body of one article (for the reader).

    An empty or match-less query, or an unknown id, gives no spans.
    """
    with ix.searcher() as searcher:
        prepared = prepared_terms(searcher, query)
        if prepared.query is None or not query.strip():
            return ArticleMatches()
        fields = searcher.document(id=article_id)
        if not fields:
            return ArticleMatches()
        schema = searcher.schema
        names = schema["names"].analyzer
        memo: dict[str, str] = {}
        spans = []
        for fieldname, terms in (("title", prepared.title_terms), ("body", prepared.body_terms)):
            found = hl.highlight(
                str(fields.get(fieldname) or ""),
                terms,
                schema[fieldname].analyzer,
                names,
                prepared.typed,
                memo,
            )
            spans.append(tuple((m.start, m.end) for m in found.matches))
    return ArticleMatches(title=spans[0], body=spans[1])


def warm_up(ix: Any) -> None:
    """Read ahead what the first searches would (see :func:`prepared.warm_up`)."""
    with ix.searcher() as searcher:
        prepared_warm_up(searcher)


def facets(ix: Any, query: str, filters: Filters = NO_FILTERS) -> dict[str, dict[str, int]]:
    """Counts of the matches of ``query`` (with ``filters``) per source and per month.

    Returns:
        ``{"source": {name: count}, "month": {"YYYY-MM": count}}`` over every match;
        sources by count (highest first) then name, months in date order, undated
        articles left out of ``"month"``.
    """
    with ix.searcher() as searcher:
        prepared = prepare(searcher, query, filters)
        if prepared.query is None:
            return {"source": {}, "month": {}}
        return prepared.facets


def suggestion(ix: Any, query: str) -> str | None:
    """``query`` with its words that are not in the index replaced by the closest that
    are, or None (kept with the prepared query: asked again, it costs nothing)."""
    with ix.searcher() as searcher:
        prepared = prepare(searcher, query)
        if prepared.query is None or prepared.total:
            return None
        if not prepared.suggested:
            found = _suggest(prepared.parsed.text, searcher.reader())
            prepared = remember(searcher, replace(prepared, suggestion=found, suggested=True))
        return prepared.suggestion


def related(ix: Any, article_id: str, limit: int = 10) -> list[Hit]:
    """Articles like ``article_id`` (by the key terms of its text), other outlets first.

    Returns:
        Up to ``limit`` hits, excluding the article itself: those from other sources
        first, then those from the same source, each group by score. Empty when the
        id is unknown.
    """
    if limit <= 0:
        return []
    with ix.searcher() as searcher:
        docnum = searcher.document_number(id=article_id)
        if docnum is None:
            return []
        own = searcher.stored_fields(docnum)
        # The title and the lead: a news article's key words are there, and Whoosh
        # weighs every distinct word of the text given (a long post's took 50 ms).
        text = f"{own.get('title') or ''}\n\n{own.get('body') or ''}".strip()[:RELATED_TEXT_CHARS]
        if not text:
            return []
        results = _more_like(searcher, docnum, text, limit * _RELATED_POOL)
        own_source = _source_key(own.get("source"))
        hits = []
        for score, number in results:
            fields = searcher.stored_fields(number)
            lead = sn.lead_snippet(
                fields.get("body") or fields.get("title") or "", RELATED_SNIPPET_CHARS
            )
            hits.append(_hit(fields, score, (lead,) if lead.text else ()))
    # A missing source is not known to be the same outlet, so it counts as another one.
    # The sort is stable: each group keeps the score order of the results.
    hits.sort(key=lambda h: own_source is not None and _source_key(h.source) == own_source)
    return hits[:limit]


def _more_like(searcher: Any, docnum: int, text: str, top: int) -> list[tuple[float, int]]:
    """Whoosh's ``more_like`` of ``text`` as ``(score, document number)``, best first,
    without the key words that most of the library has: in a short wire story they make
    the best part of the 15 key words, and searching them ranks a quarter of the library
    (half a second at 42,000). Matched with sets (:mod:`briefing.search.matching`): the
    reader shows this while a new library's stories are being grouped, and Whoosh's
    matchers took 40-90 ms of it at 42,000 articles."""
    from whoosh import query as wq

    terms = searcher.key_terms_from_text("body", text, numterms=15)
    ceiling = max(10, searcher.doc_count() * _COMMON_SHARE)
    rare = [(t, w) for t, w in terms if searcher.doc_frequency("body", t) <= ceiling]
    chosen = rare or terms[:3]
    q = wq.Or([wq.Term("body", word, boost=weight) for word, weight in chosen])
    matched = match(searcher, q, None, top + 1)
    if matched is None:
        return [(hit.score, hit.docnum) for hit in searcher.search(q, limit=top, mask={docnum})]
    return [(score, number) for score, number in matched[1] if number != docnum][:top]


# -- Helpers ---------------------------------------------------------------------------


def _source_key(source: Any) -> str | None:
    return str(source).casefold() if source else None


def _hit(fields: dict[str, Any], score: float, snippets: tuple[Snippet, ...]) -> Hit:
    published = fields.get("published")
    if isinstance(published, datetime):
        published = published.date()
    elif not isinstance(published, date):
        published = None
    return Hit(
        id=str(fields.get("id") or ""),
        title=str(fields.get("title") or ""),
        source=fields.get("source") or None,
        author=fields.get("author") or None,
        published=published,
        score=float(score),
        path=str(fields.get("path") or ""),
        url=fields.get("url") or None,
        snippets=snippets,
    )


def _page_hits(
    searcher: Any, prepared: PreparedQuery, page: Sequence[tuple[float, int]], count: int
) -> tuple[list[Hit], list[str]]:
    """Hits with snippets for the page, and the other spellings of typed names in them.

    Only the page's stored texts are read and scanned: that is what keeps a search
    fast on a large library.
    """
    schema = searcher.schema
    body_terms, title_terms = prepared.body_terms, prepared.title_terms
    typed = prepared.typed
    names = schema["names"].analyzer
    # Titles are analysed only for other spellings, or when a hit has no body.
    title_spellings = bool(title_terms.typed_names or title_terms.name_phrases)
    hits: list[Hit] = []
    variants: dict[str, str] = {}
    memo: dict[str, str] = {}  # stems of the page's words, shared by its hits
    budget = SNIPPET_PAGE_CHARS
    for score, docnum in page:
        fields = searcher.stored_fields(docnum)
        whole = str(fields.get("body") or "")
        title = str(fields.get("title") or "")
        for i, step in enumerate(SNIPPET_SCAN_STEPS):
            body = _cut(whole, step)
            if i:
                budget -= len(body)
            in_body = hl.highlight(body, body_terms, schema["body"].analyzer, names, typed, memo)
            if len(in_body.matches) >= SNIPPET_MATCHES or len(body) == len(whole):
                break
            following = SNIPPET_SCAN_STEPS[i + 1] if i + 1 < len(SNIPPET_SCAN_STEPS) else 0
            if min(following, len(whole)) > budget:
                break
        found = list(in_body.variants)
        in_title = None
        if title_spellings or not body:
            in_title = hl.highlight(
                title, title_terms, schema["title"].analyzer, names, typed, memo
            )
            found.extend(in_title.variants)
        for variant in found:
            variants.setdefault(variant.casefold(), variant)
        snips: tuple[Snippet, ...] = ()
        if count > 0:
            if in_body.matches:
                snips = sn.snippets(body, in_body.matches, count)
            elif body:
                # Matched on the title, source, date...: show how the article starts.
                snips = (sn.lead_snippet(body),)
            elif title:
                matches = in_title.matches if in_title else ()
                snips = sn.snippets(title, matches, 1) or (sn.lead_snippet(title),)
        hits.append(_hit(fields, score, snips))
    return hits, sorted(variants.values(), key=str.casefold)


def _cut(text: str, size: int) -> str:
    """The start of ``text``, at most ``size`` characters, cut after a space (a word cut
    in two could match as another: "shuttle" as "shut")."""
    if len(text) <= size:
        return text
    space = text.rfind(" ", 0, size)
    return text[: space + 1] if space > 0 else text[:size]


def _suggest(text: str, reader: Any) -> str | None:
    """``text`` with each plain word that is not in the index replaced by the closest
    word that is, or None when no word could be corrected."""
    pieces: list[str] = []
    last = 0
    changed = False
    tried = 0
    for token in re.finditer(r"\S+", text):
        raw = token.group()
        if raw in OPERATORS or raw.startswith("-") or re.search(r"[:*?~^]", raw):
            continue  # syntax, negated words, fields and patterns are left alone
        for word in _LETTERS.finditer(raw):
            tried += 1
            if tried > _MAX_SUGGESTED:
                break
            correction = _correct(word.group(), reader)
            if correction is None:
                continue
            start = token.start() + word.start()
            pieces.append(text[last:start])
            pieces.append(correction)
            last = token.start() + word.end()
            changed = True
    if not changed:
        return None
    pieces.append(text[last:])
    return "".join(pieces)


def _correct(word: str, reader: Any) -> str | None:
    """The closest indexed word to ``word`` when ``word`` itself is not indexed."""
    lower = word.lower()
    if not 3 <= len(lower) <= _MAX_CORRECTED:
        return None
    # The body's words only: a title's are nearly always in its body too, and each
    # field searched costs an automaton walk of every segment's word list.
    spelling_fields = [f for f in ("spell_body",) if f in reader.schema]
    if any((f, lower) in reader for f in spelling_fields) or ("names", fold_name(lower)) in reader:
        return None
    for distance in (1, 2):
        candidates: dict[str, int] = {}
        for fieldname in spelling_fields:
            for candidate in reader.terms_within(fieldname, lower, distance, prefix=1):
                candidate = str(candidate)
                if candidate != lower and candidate.isalpha():
                    # frequency, not doc_frequency: a spell posting now stands for all
                    # the documents of one commit that use the word, with their count
                    # as its weight (see index/prepare.py).
                    frequency = int(reader.frequency(fieldname, candidate))
                    candidates[candidate] = candidates.get(candidate, 0) + frequency
        if candidates:
            # The most frequent of the nearest words: the likeliest intended one.
            best = min(candidates, key=lambda c: (-candidates[c], c))
            if word.isupper() and len(word) > 1:
                return best.upper()
            return best.capitalize() if word[0].isupper() else best
    return None
