"""Query fuzzing: any string typed into the search box, over the sample library.

What must happen: no query raises, and none takes more than a second to search, to
count facets for, or to find its matches in an article. A malformed query falls back
to its words with a notice; an empty one browses. Examples are derandomised (the same
ones every run: a failure reproduces), and bounded so that the module takes seconds.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing import locations
from briefing.engine.local import WhooshEngine
from tests.fault.helpers import SAMPLE_IDS, sample_library

T = TypeVar("T")

MAX_SECONDS = 1.0

# The query language's pieces, and what breaks parsers: operators where words belong,
# unbalanced quotes and brackets, odd fields and dates, escapes, invisible and
# surrogate characters, very long words.
TOKENS = [
    *('"', "(", ")", "[", "]", "{", "}", " TO ", "*", "?", "~", "~2", "~0", "~2/3", "^", "^2"),
    *(" AND ", " OR ", " NOT ", "NOT ", "AND", "OR", "ANDNOT", "ANDMAYBE", "-", "+", ":"),
    *("title:", "body:", "source:", "author:", "tag:", "tags:", "month:", "name:", "id:"),
    *("date:", "published:", "date:>", "date:<=", "date:[", "2024", "2024-02", "2024-02-04"),
    *("2024-02-30", "2024-13", "0000", "9999-12-31", ">2024-01-01", "<2023", "*:*", "**", "*?"),
    *("strikes", "Iran", "Deir ez-Zor", "al-", "ez-", "drone", "base", "Syria", "Iraq"),
    *("'", "’", "“", "”", "«", "»", "\\", "/", "&&", "||", "!", "@", "#", "%", ",", "."),
    *(" ", "  ", "\t", "\n", "\r", "\x00", "\x1b[31m", "\x1b]0;title\x07", "\x7f", "\x9b"),
    *("\u202e", "\u200b", "\ufeff", "\ud800", "\udfff", "é", "ß", "İ", "ﬁ", "中文", "العربية"),
    *("🙂", "ǅ", "a" * 300, "x" * 1200, "(" * 50, ")" * 50, '"' * 7),
]

token_soup = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=8)), max_size=40).map(
    "".join
)
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=300)
long_text = st.one_of(
    st.text(min_size=1000, max_size=2500),
    st.lists(st.sampled_from(TOKENS), min_size=200, max_size=400).map(" ".join),
    st.lists(st.text("abcdefgh*?~", min_size=1, max_size=12), min_size=150, max_size=300).map(
        " ".join
    ),
)

FUZZ = settings(
    max_examples=250,
    derandomize=True,  # the same examples every run: a flaky test is a bug to find
    database=None,  # no example database kept between runs
    # A whole example runs three calls of at most MAX_SECONDS of work each.
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> WhooshEngine:
    """The sample library, indexed once for the module and kept open."""
    home = tmp_path_factory.mktemp("fuzz-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(locations.HOME_ENV, str(home))
        engine = WhooshEngine(sample_library(Path(tmp_path_factory.mktemp("fuzz"))))
        engine.update()
        engine.store.shared()  # opened here: the engine keeps its paths after the patch
    return engine


def _bounded(call: Callable[[], T]) -> T:
    """``call()``, failing if it used more than MAX_SECONDS of CPU time.

    CPU time of this thread, not the clock: what the query costs, whatever else the
    machine is running (the suite runs on two busy cores).
    """
    started = time.thread_time()
    result = call()
    used = time.thread_time() - started
    assert used < MAX_SECONDS, f"took {used:.2f} s of CPU"
    return result


def _check(engine: WhooshEngine, query: str) -> None:
    result = _bounded(lambda: engine.search(query, limit=10))
    assert result.total >= len(result.hits)
    assert {hit.id for hit in result.hits} <= set(SAMPLE_IDS)
    for hit in result.hits:
        for snippet in hit.snippets:
            assert all(0 <= s < e <= len(snippet.text) for s, e in snippet.highlights)
    facets = _bounded(lambda: engine.facets(query))
    for name in ("source", "month"):  # a query with nothing to search has no facets
        assert facets.get(name, {}) == result.facets.get(name, {})
        assert sum(facets.get(name, {}).values()) <= result.total
    article = result.hits[0].id if result.hits else SAMPLE_IDS[0]
    matches = _bounded(lambda: engine.matches(article, query))
    assert all(0 <= s < e for s, e in matches.body)
    assert list(matches.body) == sorted(matches.body)


@FUZZ
@given(query=token_soup)
def test_query_language_soup_never_raises_and_is_fast(engine: WhooshEngine, query: str) -> None:
    """Queries made of the query language's own tokens, in any order and nesting, mixed
    with random text: each search, facet count and article match returns in time."""
    _check(engine, query)


@FUZZ
@given(query=any_text)
def test_any_text_never_raises_and_is_fast(engine: WhooshEngine, query: str) -> None:
    """Any Unicode text (control characters, lone surrogates, every script) searches."""
    _check(engine, query)


@settings(FUZZ, max_examples=25)
@given(query=long_text)
def test_long_queries_are_bounded(engine: WhooshEngine, query: str) -> None:
    """Queries of 1,000 characters and more (cut to MAX_QUERY_CHARS), hundreds of
    operators, wildcards or fuzzy words: still within the time bound."""
    _check(engine, query)


@pytest.mark.parametrize(
    "query",
    [
        "\ud800*",  # a lone surrogate (an undecodable byte in a command-line argument)
        " NOT \udfff*:*",
        " ".join(f"{w}~2" for w in ("alpha", "bravo", "charlie", "delta")) * 20,
        " ".join(f"*{c}{c}" for c in "abcdefghijklmnopqrstuvwxyz") * 4,
        " ".join("qwertyuiopasdfghjklzxcvbnm"[i : i + 8] for i in range(18)) * 6,
    ],
    ids=["surrogate", "surrogate-not", "fuzzy-words", "leading-wildcards", "unknown-words"],
)
def test_known_hard_queries(engine: WhooshEngine, query: str) -> None:
    """Queries that once raised or took seconds: each stays within the bound."""
    _check(engine, query)
