"""Comparing through the engine: articles from the index, word weights from the library."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from briefing.engine import ArticleNotFound, WhooshEngine
from briefing.index.library import load_library
from tests.conftest import SAMPLE


@pytest.fixture
def engine(tmp_path: Path, corpora: Path) -> WhooshEngine:
    """The sample corpus beside 40 BBC politics articles: enough for library-wide weights."""
    news = tmp_path / "news"
    news.mkdir()
    for path in sorted((corpora / "bbc" / "politics").glob("*.txt"))[:40]:
        shutil.copy(path, news / path.name)
    library = load_library("mix")
    library.add([SAMPLE, news])
    library.save()
    built = WhooshEngine(library)
    built.update()
    return built


def test_library_weights_are_used_and_the_acceptance_cases_hold(engine: WhooshEngine) -> None:
    a, b = engine.resolve("003_"), engine.resolve("004_")
    articles = [engine.article(a), engine.article(b)]
    idf = engine._idf([x for x in articles if x is not None])
    assert idf is not None
    # A word the BBC articles use everywhere weighs less than one only the strikes use.
    assert idf["govern"] < idf["qud"]
    comparison = engine.compare([a, b])
    left = comparison.passages[a]
    shared = [p.passage.text for p in left if p.status == "shared"]
    assert any("85 targets" in t for t in shared), shared
    assert any("times and places" in t for t in shared), shared
    conflict = engine.compare([engine.resolve("002_"), b]).facts[0]
    assert conflict.conflict and "contractors" in conflict.reason


def test_unknown_ids_and_wrong_counts_are_errors(engine: WhooshEngine) -> None:
    with pytest.raises(ArticleNotFound):
        engine.compare(["no-such-article", engine.resolve("003_")])
    with pytest.raises(ValueError, match="2 to 4"):
        engine.compare([engine.resolve("003_")])
