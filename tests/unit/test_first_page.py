"""The empty query's first page kept on disk per index state (briefing.search.first_page)."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

from briefing.engine.local import WhooshEngine
from briefing.index.library import Library, load_library
from briefing.search import first_page
from briefing.search.model import Filters, SearchResult
from tests.conftest import SAMPLE, write_files


def _engine(folder: Path) -> WhooshEngine:
    library = load_library("fp")
    library.add([folder])
    library.save()
    engine = WhooshEngine(library)
    engine.update()
    return engine


def _kept(library: Library) -> Path:
    return library.directory / first_page.FILE_NAME


def _forge(library: Library, total: int, title: str | None = None) -> None:
    """Rewrite the kept page with another total (and title), its state left as it is."""
    path = _kept(library)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["result"]["total"] = total
    if title is not None:
        data["result"]["hits"][0]["title"] = title
    path.write_text(json.dumps(data), encoding="utf-8")


def _same(a: SearchResult, b: SearchResult) -> None:
    assert (a.total, a.facets) == (b.total, b.facets)
    assert a.hits == b.hits


def test_the_launch_page_is_read_back_as_computed_without_opening_the_index(
    tmp_path: Path,
) -> None:
    engine = _engine(shutil.copytree(SAMPLE, tmp_path / "corpus"))
    computed = engine.search("", limit=3)
    assert computed.total == 5 and len(computed.hits) == 3
    assert any(hit.snippets for hit in computed.hits)
    assert _kept(engine.library).exists()

    again = WhooshEngine(engine.library)  # a new launch
    read = again.search("", limit=3)
    _same(read, computed)
    assert again.store._ix is None  # nothing of the index was opened for it


def test_the_kept_page_answers_only_the_empty_query_without_filters_or_offset(
    tmp_path: Path,
) -> None:
    engine = _engine(shutil.copytree(SAMPLE, tmp_path / "corpus"))
    engine.search("", limit=3)
    _forge(engine.library, 999)
    assert engine.search("", limit=3).total == 999  # read from the file
    assert engine.search("  ", limit=2).total == 999
    some_source = next(iter(engine.search("", limit=0, offset=1).facets["source"]))
    assert engine.search("", Filters(sources=(some_source,)), limit=3).total < 5
    assert engine.search("", limit=3, offset=1).total == 5
    assert engine.search("strikes", limit=3).total <= 5
    # More hits than were kept: computed (and kept again, now with 5).
    assert engine.search("", limit=5).total == 5
    assert engine.search("", limit=4).total == 5


def test_a_commit_makes_the_kept_page_stale(tmp_path: Path) -> None:
    folder = write_files(
        tmp_path / "c", {f"a{n}.txt": f"Title {n}\n\nBody {n}.\n" for n in range(3)}
    )
    engine = _engine(folder)
    assert engine.search("", limit=12).total == 3
    (folder / "a7.txt").write_text("Title seven\n\nA new one.\n", encoding="utf-8")
    (folder / "a0.txt").unlink()
    engine.update()
    result = WhooshEngine(engine.library).search("", limit=12)
    assert sorted(hit.id for hit in result.hits) == ["c/a1.txt", "c/a2.txt", "c/a7.txt"]


def test_a_rebuilt_index_of_the_same_generation_does_not_match_the_kept_page(
    tmp_path: Path,
) -> None:
    folder = write_files(
        tmp_path / "c", {f"a{n}.txt": f"Title {n}\n\nBody {n}.\n" for n in range(3)}
    )
    engine = _engine(folder)
    before = first_page.index_state(engine.library.index_dir)
    engine.search("", limit=12)
    _forge(engine.library, 3, title="forged")
    engine.store.shared().close()
    shutil.rmtree(engine.library.index_dir)
    engine.library.manifest_path.unlink()
    fresh = WhooshEngine(engine.library)
    fresh.update()
    after = first_page.index_state(engine.library.index_dir)
    assert before is not None and after is not None
    assert before.split(":")[0] == after.split(":")[0]  # the same table of contents name
    assert "forged" not in {hit.title for hit in fresh.search("", limit=12).hits}


def test_a_damaged_kept_page_is_computed_again_and_replaced(tmp_path: Path) -> None:
    engine = _engine(shutil.copytree(SAMPLE, tmp_path / "corpus"))
    computed = engine.search("", limit=3)
    for damage in ("", "{not json", '{"format": 1, "state": 3}', "[]"):
        _kept(engine.library).write_text(damage, encoding="utf-8")
        _same(WhooshEngine(engine.library).search("", limit=3), computed)
        state = first_page.index_state(engine.library.index_dir)
        assert state is not None
        assert first_page.load(_kept(engine.library), state, 3) is not None


def test_no_page_is_kept_for_a_library_without_an_index(tmp_path: Path) -> None:
    library = load_library("none")
    library.add([write_files(tmp_path / "c", {"a.txt": "T\n\nB.\n"})])
    library.save()
    engine = WhooshEngine(library, build_on_open=False)
    assert engine.search("", limit=3).total == 0
    assert not _kept(library).exists()
    assert first_page.index_state(library.index_dir) is None


def test_a_page_round_trips_every_field(tmp_path: Path) -> None:
    engine = _engine(shutil.copytree(SAMPLE, tmp_path / "corpus"))
    computed = engine.search("", limit=5)
    path = tmp_path / "page.json"
    first_page.save(path, "state", computed)
    read = first_page.load(path, "state", 5)
    assert read is not None
    _same(read, computed)
    assert first_page.load(path, "other state", 5) is None
    assert read == replace(computed, elapsed=0.0)
