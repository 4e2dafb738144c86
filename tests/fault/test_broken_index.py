"""An index folder deleted, emptied, truncated or overwritten with random bytes.

What must happen: the index is a cache of the articles, so the next open, search or
update rebuilds it from them, without a traceback; an update says what it found and
where it moved the broken index; and the notes database beside it is untouched (the
same bytes, every note still listed).
"""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from briefing import locations
from briefing.engine.local import WhooshEngine
from briefing.index.library import Library, load_library
from briefing.index.store import IndexStore
from tests.fault.helpers import SAMPLE_IDS, add_notes, listed_comments, sample_library

QUERY = "strikes"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A built library with notes, copied by each test (building it takes longer than
    copying it); and how many articles QUERY finds in it."""
    home = tmp_path_factory.mktemp("template-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(locations.HOME_ENV, str(home))
        library = sample_library(tmp_path_factory.mktemp("template"))
        engine = WhooshEngine(library)
        engine.update()
        hits = engine.search(QUERY, limit=0).total
        add_notes(library, 4)
        return library.directory, hits


@pytest.fixture
def library(template: tuple[Path, int]) -> Library:
    directory, _ = template
    shutil.copytree(directory, locations.library_dir("t"))
    return load_library("t")


def _random_bytes(path: Path, rng: random.Random) -> None:
    path.write_bytes(rng.randbytes(path.stat().st_size))


def _delete(index: Path) -> None:
    shutil.rmtree(index)


def _empty(index: Path) -> None:
    for path in index.iterdir():
        path.unlink()


def _truncate(index: Path) -> None:
    for path in index.iterdir():
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _garble(pattern: str) -> Callable[[Path], None]:
    def garble(index: Path) -> None:
        rng = random.Random(pattern)
        paths = sorted(index.glob(pattern))
        assert paths
        for path in paths:
            _random_bytes(path, rng)

    return garble


# How each break shows, in the update's notice.
BREAKS: dict[str, tuple[Callable[[Path], None], str]] = {
    "deleted": (_delete, r"^The index was missing; rebuilt from the articles\.$"),
    "emptied": (_empty, r"^The index was missing; rebuilt from the articles\.$"),
    "truncated": (_truncate, r"moved to index\.broken-[\d-]+ and rebuilt from the articles"),
    "segments garbled": (
        _garble("*.seg"),
        r"^The index could not be opened \(\w+\); moved to index\.broken-",
    ),
    "toc garbled": (
        _garble("_MAIN_*.toc"),
        r"^The index could not be opened \(\w+\); moved to index\.broken-",
    ),
    "meta garbled": (
        _garble("briefing-index.json"),
        r"^The index's version file is missing or unreadable; moved to index\.broken-",
    ),
}


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_update_rebuilds_a_broken_index_with_a_notice(library: Library, name: str) -> None:
    """An update over a broken index rebuilds every article from the files, says what
    was wrong in one notice, moves the broken index aside (never deletes it), and
    leaves the notes as they were."""
    notes_before = library.notes_path.read_bytes()
    comments = listed_comments(library)
    breaker, notice = BREAKS[name]
    breaker(library.index_dir)

    report = WhooshEngine(library).update()

    (only,) = report.notices
    assert re.search(notice, only), only
    assert (report.added, report.total_articles) == (5, 5)
    assert IndexStore(library).ids() == SAMPLE_IDS
    moved = list(library.directory.glob("index.broken-*"))
    assert len(moved) == (1 if "moved to" in only else 0)
    assert library.notes_path.read_bytes() == notes_before
    assert listed_comments(library) == comments


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_search_rebuilds_a_broken_index(
    library: Library, template: tuple[Path, int], name: str
) -> None:
    """Opening a broken index to search it (`briefing search`, `list`, `show`) rebuilds
    it: the search finds what it found before, the next update has nothing left to do,
    and the notes are untouched."""
    _, hits = template
    notes_before = library.notes_path.read_bytes()
    BREAKS[name][0](library.index_dir)

    engine = WhooshEngine(library)
    result = engine.search(QUERY, limit=0)

    assert result.total == hits
    (only,) = engine.notices()  # what the CLI prints on stderr as "briefing: note: ..."
    assert re.search(BREAKS[name][1], only), only
    assert engine.notices() == []  # said once
    again = IndexStore(library).update()
    assert (again.added, again.files_read, again.notices) == (0, 0, [])
    assert library.notes_path.read_bytes() == notes_before
    assert len(listed_comments(library)) == 4


def _garble_stored_fields(index: Path) -> None:
    """Overwrite the middle of the stored fields inside the segment file: the index
    still opens (Whoosh keeps no checksums) and fails only when a search reads them."""
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(index))
    (segment,) = ix._segments()
    compound = segment.open_compound_file(ix.storage)
    (entry,) = [v for k, v in compound._dir.items() if k.endswith("._stored.col")]
    compound.close()
    start, length = entry["offset"] + entry["length"] // 4, entry["length"] // 2
    (seg_file,) = index.glob("*.seg")
    data = bytearray(seg_file.read_bytes())
    data[start : start + length] = b"\xaa" * length
    seg_file.write_bytes(bytes(data))


def test_damage_found_by_a_search_is_rebuilt_once_with_a_notice(
    library: Library, template: tuple[Path, int], capsys: pytest.CaptureFixture[str]
) -> None:
    """Garbled stored fields pass the open check and fail in the middle of a search: the
    index is moved aside, rebuilt, and the search answers, with one notice; the notes
    are untouched. The command line says so on stderr and exits 0."""
    from briefing.cli import main

    _, hits = template
    notes_before = library.notes_path.read_bytes()
    _garble_stored_fields(library.index_dir)
    assert IndexStore(library).exists()  # it opens: the damage is deeper

    assert main(["search", QUERY, "--library", library.name]) == 0
    out, err = capsys.readouterr()
    assert f"{hits} hits" in out or f"{hits} hit" in out, out
    (line,) = err.strip().splitlines()
    assert re.match(
        r"^briefing: note: The index was damaged \(\w+\); moved to index\.broken-", line
    )
    assert len(list(library.directory.glob("index.broken-*"))) == 1
    assert library.notes_path.read_bytes() == notes_before
    assert WhooshEngine(library).search(QUERY, limit=0).total == hits


def test_damage_found_by_the_app_s_search_is_left_to_its_indexing_worker(
    library: Library, template: tuple[Path, int]
) -> None:
    """An engine that must not build (the app's) moves the damaged index aside and says
    so (IndexDamaged: the app then starts its indexing worker); the update rebuilds."""
    from briefing.engine import IndexDamaged

    _, hits = template
    _garble_stored_fields(library.index_dir)
    engine = WhooshEngine(library, build_on_open=False)
    with pytest.raises(IndexDamaged, match=r"damaged \(\w+\); moved to index\.broken-"):
        engine.search(QUERY)
    assert engine.search(QUERY, limit=0).total == 0  # nothing to read until rebuilt
    engine.update()
    assert engine.search(QUERY, limit=0).total == hits


async def test_the_app_launched_on_a_kept_first_page_finds_the_damage_and_rebuilds(
    library: Library,
) -> None:
    """The launch page read from disk (briefing.search.first_page) does not hide damaged
    segments: the app's start-up check of the files (at the first pause in input)
    finds the damage, says what was wrong, rebuilds the index, and the page then
    listed is the rebuilt index's."""
    from briefing.tui.app import make_app
    from briefing.tui.collector import IDLE_SECONDS
    from briefing.tui.widgets.result_list import ResultList
    from tests.tui.helpers import until

    WhooshEngine(library).search("", limit=12)  # the page a launch keeps
    notes_before = library.notes_path.read_bytes()
    _garble("*.seg")(library.index_dir)
    app = make_app(library=library.name)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        results = app.screen.query_one(ResultList)
        # Launched on the kept page (or, under load, past the launch wait: either way).
        await until(app, pilot, lambda: app._launched)
        # The start-up check of the files waits for a pause in input (under load, one
        # may have come already): the pause is now.
        app._collector._last_input -= IDLE_SECONDS
        app._idle_tick()
        await until(app, pilot, lambda: bool(app._notifications) and not app.indexing)
        await until(app, pilot, lambda: results.total == 5 and IndexStore(library).exists())
        (notice,) = [n.message for n in app._notifications if "index.broken-" in n.message]
        assert re.search(r"(damaged|could not be opened) \(\w+\); moved to index\.broken-", notice)
    assert len(list(library.directory.glob("index.broken-*"))) == 1
    assert IndexStore(library).ids() == SAMPLE_IDS
    assert library.notes_path.read_bytes() == notes_before
