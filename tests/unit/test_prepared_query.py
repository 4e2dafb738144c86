"""The prepared query (parsed once, reused by hits, pages, facets and the reader) and the
highlighter's scan (the spans of a full analysis without analysing whole texts)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from whoosh import sorting

from briefing.index.documents import article_to_doc
from briefing.index.schema import build_schema
from briefing.search import highlight as hl
from briefing.search import prepared as prepared_module
from briefing.search import query as query_module
from briefing.search import snippets as sn
from briefing.search import tokens as tk
from briefing.search.model import Filters
from briefing.search.query import parse_query, typed_words
from briefing.search.searcher import article_matches, facets, search
from briefing.search.terms import FieldTerms, field_terms
from tests.unit.test_search import BBC_DIR, LANG_ARTICLES, _bbc_articles, article, make_index


class _Shared:
    """One long-lived searcher, as the engine's SharedSearcher gives (for the cache)."""

    def __init__(self, ix: Any) -> None:
        self.schema = ix.schema
        self._searcher = ix.searcher()

    def searcher(self) -> Any:
        shared = self._searcher

        class _Hold:
            def __enter__(self) -> Any:
                return shared

            def __exit__(self, *exc: object) -> None:
                pass

        return _Hold()


@pytest.fixture(scope="module")
def lang_ix(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return make_index(tmp_path_factory.mktemp("lang"), LANG_ARTICLES)


@pytest.fixture
def parse_count(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = query_module.parse_query

    def counting(text: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(text)
        return real(text, *args, **kwargs)

    monkeypatch.setattr(prepared_module, "parse_query", counting)
    return calls


# -- One parse for everything --------------------------------------------------------------


def test_hits_pages_facets_and_reader_share_one_parse(lang_ix: Any, parse_count: list[str]) -> None:
    shared = _Shared(lang_ix)
    first = search(shared, "rockets OR drones", limit=2)
    second = search(shared, "rockets OR drones", limit=2, offset=2)
    counts = facets(shared, "rockets OR drones")
    spans = article_matches(shared, "rockets OR drones", first.hits[0].id)
    assert parse_count == ["rockets OR drones"]
    assert first.total == second.total == 4
    assert {h.id for h in first.hits}.isdisjoint(h.id for h in second.hits)
    assert counts == first.facets
    assert spans.title or spans.body


def test_a_page_deeper_than_the_first_ranking_is_matched_once(
    lang_ix: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app asks for 50 hits a page: matching once for them, not once for the
    first FIRST_DEPTH and again for the page."""
    passes: list[int] = []
    real = prepared_module._matching

    def counting(searcher: Any, q: Any, allowed: Any, depth: int) -> Any:
        passes.append(depth)
        return real(searcher, q, allowed, depth)

    monkeypatch.setattr(prepared_module, "_matching", counting)
    prepared_module.forget_prepared()
    result = search(
        _Shared(lang_ix), "rockets OR drones OR storm", limit=prepared_module.FIRST_DEPTH + 10
    )
    assert result.total >= 4
    assert passes == [prepared_module.FIRST_DEPTH + 10]


def test_other_filters_search_again_but_parse_per_filters(
    lang_ix: Any, parse_count: list[str]
) -> None:
    shared = _Shared(lang_ix)
    everything = search(shared, "rockets")
    one_outlet = search(shared, "rockets", Filters(sources=("Outlet One",)))
    assert {h.id for h in one_outlet.hits} == {"a", "c"}
    assert everything.total == 4
    assert facets(shared, "rockets", Filters(sources=("Outlet One",)))["source"] == {
        "Outlet One": 2
    }
    assert len(parse_count) == 2  # one per (text, filters), none for the repeated facets


def test_a_new_searcher_sees_a_changed_index(tmp_path: Path) -> None:
    ix = make_index(tmp_path / "ix", LANG_ARTICLES)
    searcher = ix.searcher()
    before = prepared_module.prepare(searcher, "harbour")
    writer = ix.writer()
    writer.add_document(
        id="g", path="g.txt", title="Harbour again", body="The harbour", source_facet="X"
    )
    writer.commit()
    assert prepared_module.prepare(searcher, "harbour") is before  # same index version
    fresh = searcher.refresh()  # (closes the old one)
    try:
        assert prepared_module.prepare(fresh, "harbour").total == before.total + 1
    finally:
        fresh.close()


def test_the_cache_is_bounded(lang_ix: Any) -> None:
    shared = _Shared(lang_ix)
    for i in range(prepared_module.CACHE_SIZE + 5):
        search(shared, f"rockets {i}")
    with shared.searcher() as searcher:
        assert len(prepared_module._state(searcher).prepared) == prepared_module.CACHE_SIZE


# -- Same results as a full Whoosh search ----------------------------------------------------

QUERIES = [
    "rockets",
    "rockets OR drones",
    "rock*",
    '"rockets hit"',
    "river -rockets",
    "title:rockets OR storm",
    "date:2024-01",
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize(
    "filters", [Filters(), Filters(sources=("Outlet Two", "Outlet Three")), Filters(months=("x",))]
)
def test_ranking_total_and_facets_are_whooshs(lang_ix: Any, query: str, filters: Filters) -> None:
    with lang_ix.searcher() as searcher:
        q = parse_query(query, searcher.schema).query
        spec = {
            "source": sorting.FieldFacet("source_facet", maptype=sorting.Count),
            "month": sorting.FieldFacet("month", maptype=sorting.Count),
        }
        full = searcher.search(
            q, limit=None, filter=prepared_module.filter_query(filters), groupedby=spec
        )
        if filters.months:  # an empty filter set: Whoosh would read it as no filter
            expected_top: list[Any] = []
            expected_groups: dict[str, dict[Any, int]] = {"source": {}, "month": {}}
        else:
            expected_top = list(full.top_n)
            expected_groups = {name: full.groups(name) for name in spec}
        prepared = prepared_module.ranked(
            searcher, prepared_module.prepare(searcher, query, filters), 100
        )
    # The same documents in the same order; scores to rounding (Whoosh adds a word's
    # field scores in another order when it steps through matches).
    assert [d for _, d in prepared.ranked] == [d for _, d in expected_top]
    assert [s for s, _ in prepared.ranked] == pytest.approx([s for s, _ in expected_top])
    assert prepared.total == len(expected_top)
    for name in ("source", "month"):
        want = {str(k): v for k, v in expected_groups[name].items() if k not in (None, "", b"")}
        assert prepared.facets[name] == want


def test_browse_facets_count_every_article(lang_ix: Any) -> None:
    result = search(lang_ix, "")
    assert result.total == len(LANG_ARTICLES)
    assert result.facets["source"] == {"Outlet One": 2, "Outlet Three": 2, "Outlet Two": 2}
    assert sum(result.facets["month"].values()) == len(LANG_ARTICLES) - 1  # one undated


def test_browse_facets_from_the_lexicon_are_every_articles_values(tmp_path: Path) -> None:
    """The empty query on an index without deletions counts values by their document
    frequencies; with a deletion, every live document's value is read (a document
    frequency still counts the deleted one)."""
    ix = make_index(tmp_path, LANG_ARTICLES)
    with ix.searcher() as searcher:
        state = prepared_module._state(searcher)
        every = prepared_module._every(searcher, None)
        whole = prepared_module._whole_facets(searcher)
        assert whole == prepared_module._facets(searcher, state, every)
        assert sum(whole["source"].values()) == len(LANG_ARTICLES)
    writer = ix.writer()
    writer.delete_by_term("id", LANG_ARTICLES[0].id)
    writer.commit()
    result = search(ix, "")
    assert result.total == len(LANG_ARTICLES) - 1
    assert sum(result.facets["source"].values()) == len(LANG_ARTICLES) - 1


def test_warm_up_reads_the_facet_values_ahead_and_counts_the_same(tmp_path: Path) -> None:
    empty = make_index(tmp_path / "empty", [])
    with empty.searcher() as searcher:
        prepared_module.warm_up(searcher)  # nothing to read, and no error
    ix = make_index(tmp_path / "lang", LANG_ARTICLES)
    cold = search(ix, "rockets OR storm")
    with ix.searcher() as searcher:
        state = prepared_module._state(searcher)
        assert not state.ordinals
        prepared_module.warm_up(searcher)
        assert set(state.ordinals) == set(prepared_module._FACET_FIELDS.values())
        warm = prepared_module.prepare(searcher, "rockets OR storm")
        assert warm.facets == cold.facets


# -- The highlighter's scan ------------------------------------------------------------------

TRICKY = [
    "The U.S.-led strikes hit Deir ez-Zor; Deir al-Zor and Deir Ezzor, and DEIR EL-ZOUR too.",
    "O'Brien met al-Assad's envoy in Al-Qaim: the Assad government, Bashar al-Assad.",
    "Strikes, striking strikers struck. STRIKES! a.strikes b..strikes strikes* *strikes",
    "Possibility, possibly possible; abilities and ability. Happy happiness happily.",
    "İstanbul and ISTANBUL; Ærø, Zoë and Śląsk with Élysée; Σίσυφος ΟΔΟΣ.",
    "Rockets hit the base; rockets, hit. Rockets   hit\n\nthe base: rockets-hit.",
    "Ba'ath party and the Ba’ath; Qur'an; ez-Zor al-al-Zor el- Zor",
    "gun control GUN-CONTROL gun_control gun.control guns controlled",
    # Porter stems whose last letter the word has otherwise (e, i, l) and two-letter stems
    "Hoping, hoped; ponies and a pony; relational, related; organization; sh, shutting.",
]
SCAN_QUERIES = [
    "strikes",
    "strik*",
    "Deir ez-Zor",
    '"Deir ez-Zor"',
    "al-Assad",
    "Assad",
    "possibility ability",
    "happy",
    '"rockets hit"',
    '"rockets hit the base"',
    "rockets~",
    "istanbul zoe slask elysee aero",
    "ba'ath qur'an",
    "gun control",
    '"gun control"',
    "name:zor",
    "u.s",
    "title:strikes",
    "hope pony",
    "relational organization",
    "sh shut",
]


def _both(text: str, terms: FieldTerms, analyzer: Any, names: Any, typed: set[str]) -> Any:
    fast = hl.highlight(text, terms, analyzer, names, typed, {})
    real_shape = tk.text_shape
    tk.text_shape = lambda analyzer: None
    try:
        full = hl.highlight(text, terms, analyzer, names, typed, {})
    finally:
        tk.text_shape = real_shape
    return fast, full


@pytest.fixture(scope="module")
def tricky_ix(tmp_path_factory: pytest.TempPathFactory) -> Any:
    articles = [article(str(i), text[:40], text) for i, text in enumerate(TRICKY)]
    return make_index(tmp_path_factory.mktemp("tricky"), articles)


def test_the_scan_finds_what_a_full_analysis_finds(tricky_ix: Any) -> None:
    schema = build_schema()
    assert tk.text_shape(schema["body"].analyzer) is not None  # the fast path is used
    found = 0
    with tricky_ix.searcher() as searcher:
        reader = searcher.reader()
        for query in SCAN_QUERIES:
            parsed = parse_query(query, searcher.schema)
            assert parsed.query is not None, query
            for field in ("title", "body"):
                terms = field_terms(parsed.query, reader, field)
                for text in TRICKY:
                    fast, full = _both(
                        text,
                        terms,
                        schema[field].analyzer,
                        schema["names"].analyzer,
                        typed_words(parsed.text),
                    )
                    assert fast == full, (query, field, text)
                    found += len(fast.matches)
    assert found > 50  # the texts do match: the comparison is not vacuous


def test_the_scan_agrees_on_real_articles(tmp_path: Path) -> None:
    if not BBC_DIR.is_dir():
        pytest.skip("the BBC corpus is not available")
    articles = _bbc_articles(12)
    ix = make_index(tmp_path / "bbc", articles)
    schema = build_schema()
    queries = ["oil prices", '"prime minister"', "blair brown", "comput*", "chelsea", "year"]
    with ix.searcher() as searcher:
        reader = searcher.reader()
        for query in queries:
            parsed = parse_query(query, searcher.schema)
            terms = field_terms(parsed.query, reader, "body")
            for item in articles:
                fast, full = _both(
                    item.body,
                    terms,
                    schema["body"].analyzer,
                    schema["names"].analyzer,
                    typed_words(parsed.text),
                )
                assert fast == full, (query, item.id)


def test_snippet_spans_after_whitespace_runs() -> None:
    text = "  Lead  text.\n\n  The   rockets\thit  the base   today.  "
    start = text.index("rockets")
    matches = (hl.Match(start, start + len("rockets"), frozenset({"rocket"})),)
    (snippet,) = sn.snippets(text, matches, 1, width=30)
    assert [snippet.text[a:b] for a, b in snippet.highlights] == ["rockets"]
    assert "  " not in snippet.text


def test_an_undated_article_has_no_month(lang_ix: Any) -> None:
    undated = [a for a in LANG_ARTICLES if a.published is None]
    assert undated and search(lang_ix, "storm").facets["month"] == {"2024-02": 1}
    assert date(2024, 2, 28) == next(a.published for a in LANG_ARTICLES if a.id == "d")


def test_facets_of_few_matches_are_read_from_their_values(tmp_path: Path) -> None:
    ix = make_index(tmp_path / "ix", LANG_ARTICLES[:3])
    writer = ix.writer()  # a second segment: document numbers are offset
    for item in LANG_ARTICLES[3:]:
        writer.add_document(**article_to_doc(item))
    writer.commit(merge=False)
    with ix.searcher() as searcher:
        assert len(searcher.leaf_searchers()) == 2
        docs = list(prepared_module.prepare(searcher, "rockets OR storm").docs)
        state = prepared_module._SearcherState()
        for name, fieldname in prepared_module._FACET_FIELDS.items():
            from_values = prepared_module._column_counts(searcher, state, fieldname, docs)
            values, ords = prepared_module._ordinals(searcher, state, fieldname)
            from_columns = {values[ords[d]]: 0 for d in docs if ords[d] >= 0}
            for d in docs:
                if ords[d] >= 0:
                    from_columns[values[ords[d]]] += 1
            assert from_values == from_columns, name
