"""Set-based matching (briefing.search.matching) against Whoosh's own matchers, and the
codec's split posting blocks (briefing.index.codec) against Whoosh's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from whoosh import index
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3Codec

from briefing.index.documents import article_to_doc
from briefing.index.schema import build_schema, index_codec
from briefing.search import prepared as prepared_module
from briefing.search.expansion import is_expansion
from briefing.search.matching import match
from briefing.search.query import parse_query
from tests.unit.test_search import _bbc_articles

# Queries Whoosh's matchers answer right: the set-based ones must give the same
# documents, in the same order, with the same scores.
SAME_AS_WHOOSH = [
    "market",
    "market shares",
    "interest rates",
    "blair OR brown",
    "(oil OR gas) AND price",
    "election labour",
    "film award",
    "title:oil",
    "title:election OR title:vote",
    '"prime minister"',
    '"world cup" OR football',
    'mideast OR "middle east"',
    "england NOT rugby",
    "god -atheism",
    "film^2 award",
    "music -band -album",
    "source:tech",
    "source:tech game",
    "date:2004",
    "market date:2005",
    "bank date:>2004-06-01",
    "s",
    "a b c",
    "i t",
    '"the"',
    "nosuchwordanywhere",
    "nosuchword OR market",
]


def _index(directory: Path, codec: Any, articles: list[Any], delete: list[str]) -> Any:
    """``articles`` in three segments, ``delete`` deleted afterwards."""
    directory.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(directory), build_schema())
    third = len(articles) // 3 + 1
    for start in range(0, len(articles), third):
        writer = ix.writer(codec=codec)
        for article in articles[start : start + third]:
            writer.add_document(**article_to_doc(article))
        writer.commit(merge=False)
    writer = ix.writer(codec=codec)
    for article_id in delete:
        writer.delete_by_term("id", article_id)
    writer.commit(merge=False)
    return ix


@pytest.fixture(scope="module")
def articles() -> list[Any]:
    return _bbc_articles(per_topic=40)


@pytest.fixture(scope="module")
def bbc_ix(tmp_path_factory: pytest.TempPathFactory, articles: list[Any]) -> Any:
    deleted = [a.id for a in articles[5::17]]
    ix = _index(tmp_path_factory.mktemp("bbc"), index_codec(), articles, deleted)
    assert len(ix._segments()) == 3
    return ix


def _whoosh(searcher: Any, q: Any, depth: int = 50) -> Any:
    return prepared_module._matching_whoosh(searcher, q, None, depth)


@pytest.mark.parametrize("text", SAME_AS_WHOOSH)
def test_the_same_matches_and_ranking_as_whoosh(bbc_ix: Any, text: str) -> None:
    with bbc_ix.searcher() as searcher:
        q = parse_query(text, searcher.schema).query
        assert q is not None
        expected_docs, expected_top = _whoosh(searcher, q)
        found = match(searcher, q, None, 50)
    assert found is not None
    docs, top = found
    assert list(docs) == sorted(expected_docs)
    assert [d for _, d in top] == [d for _, d in expected_top]
    assert [s for s, _ in top] == pytest.approx([s for s, _ in expected_top])
    if text.startswith("nosuchwordanywhere"):
        assert not docs
    elif text != "a b c":
        assert docs  # the set finds something to compare


@pytest.mark.parametrize("text", ["market shares", "blair OR brown", '"prime minister"'])
def test_only_allowed_documents(bbc_ix: Any, text: str) -> None:
    with bbc_ix.searcher() as searcher:
        q = parse_query(text, searcher.schema).query
        everything, _ = match(searcher, q, None, 10)  # type: ignore[misc]
        allowed = set(everything[::2])
        docs, top = match(searcher, q, allowed, 10)  # type: ignore[misc]
        _, expected_top = prepared_module._matching_whoosh(searcher, q, allowed, 10)
    assert list(docs) == sorted(allowed)
    assert [d for _, d in top] == [d for _, d in expected_top]


@pytest.mark.parametrize("text", ["comput*", "gam*", "brwn~", "strik* OR oil", "tele*ion"])
def test_wildcards_rank_as_the_or_of_their_words(bbc_ix: Any, text: str) -> None:
    """Whoosh gives a wildcard a constant score in a segment where it stands for more
    than one word and ranks it by its words elsewhere; here it is always the OR of its
    words, ranked as that OR is."""
    with bbc_ix.searcher() as searcher:
        q = parse_query(text, searcher.schema).query
        docs, top = match(searcher, q, None, 50)  # type: ignore[misc]
        reader = searcher.reader()

        def spelled_out(node: Any) -> Any:
            if is_expansion(node):
                words = node._btexts(reader)
                return wq.Or([wq.Term(node.fieldname, w) for w in words], boost=node.boost)
            return node.apply(spelled_out) if not node.is_leaf() else node

        expected_docs, expected_top = _whoosh(searcher, spelled_out(q))
    assert docs and list(docs) == sorted(expected_docs)
    assert [d for _, d in top] == [d for _, d in expected_top]
    assert [s for s, _ in top] == pytest.approx([s for s, _ in expected_top])


def test_not_leaves_out_every_document_with_the_word(bbc_ix: Any) -> None:
    """Whoosh's matchers kept a document with the excluded word after a phrase
    ('"prime minister" -labour' on BBC) and counted deleted documents under a lone
    NOT; the sets do neither."""
    with bbc_ix.searcher() as searcher:
        schema = searcher.schema

        def docs(text: str) -> set[int]:
            found = match(searcher, parse_query(text, schema).query, None, 10)
            assert found is not None
            return set(found[0])

        live = set(searcher.reader().all_doc_ids())
        labour = docs("labour")
        prime = docs('"prime minister"')
        assert labour & prime and prime - labour
        assert docs('"prime minister" -labour') == prime - labour
        assert docs("NOT labour") == live - labour
        assert len(live) < searcher.reader().doc_count_all()  # there are deletions


def test_a_phrase_needs_its_words_in_order_and_together(tmp_path: Path) -> None:
    from tests.unit.test_search import article

    texts = {
        "a": "The prime minister spoke.",
        "b": "The minister, prime of his life.",
        "c": "Prime numbers; the minister left.",
        "d": "A prime minister and another prime minister.",
    }
    ix = _index(
        tmp_path / "ix",
        index_codec(),
        [article(i, f"Title {i}", body) for i, body in texts.items()],
        [],
    )
    with ix.searcher() as searcher:
        q = parse_query('"prime minister"', searcher.schema).query
        docs, _ = match(searcher, q, None, 10)  # type: ignore[misc]
        ids = {searcher.stored_fields(d)["id"] for d in docs}
        expected, _ = _whoosh(searcher, q)
    assert ids == {"a", "d"}
    assert sorted(docs) == sorted(expected)


def test_an_unknown_query_part_is_left_to_whoosh(bbc_ix: Any) -> None:
    with bbc_ix.searcher() as searcher:
        assert match(searcher, wq.Or([wq.Term("body", "oil")], minmatch=1), None, 10) is None
        assert match(searcher, wq.TermRange("body", "a", "b"), None, 10) is None
        q = wq.And([wq.Term("body", "oil"), wq.TermRange("body", "pa", "pz")])
        docs, top = prepared_module._matching(searcher, q, None, 10)
        expected_docs, expected_top = _whoosh(searcher, q, 10)
    assert list(docs) == list(expected_docs) and list(top) == list(expected_top)


def test_split_blocks_read_as_whooshs(tmp_path: Path, articles: list[Any]) -> None:
    """The same documents written with Whoosh's codec and ours give the same postings:
    numbers, weights and positions, and skip_to lands where stepping does."""
    ours = _index(tmp_path / "ours", index_codec(), articles, [])
    theirs = _index(tmp_path / "theirs", W3Codec(inlinelimit=2), articles, [])
    words = [("body", w) for w in ("the", "market", "said", "film", "year", "minist", "zzz")]
    words += [("title", "the"), ("names", "blair")]
    checked = 0
    with ours.searcher() as a, theirs.searcher() as b:
        for (ra, _), (rb, _) in zip(
            a.reader().leaf_readers(), b.reader().leaf_readers(), strict=True
        ):
            for fieldname, text in words:
                if (fieldname, text) not in ra:
                    assert (fieldname, text) not in rb
                    continue
                ma, mb = ra.postings(fieldname, text), rb.postings(fieldname, text)
                got = [(ma.id(), ma.weight(), ma.value()) for _ in _steps(ma)]
                want = [(mb.id(), mb.weight(), mb.value()) for _ in _steps(mb)]
                assert got == want
                checked += len(got)
                targets = [*[d for d, _, _ in want][::37], want[-1][0]]
                ma = ra.postings(fieldname, text)
                for target in targets:
                    ma.skip_to(target)
                    assert ma.id() == target
    assert checked > 500


def _steps(matcher: Any) -> Any:
    while matcher.is_active():
        yield
        matcher.next()
