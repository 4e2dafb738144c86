"""Searching while the app builds a new library's index: no lock-out, no crash.

The app's indexing worker holds the library's write lock for the whole build. A search
typed meanwhile must read what is committed (nothing, at first) at once: it used to try
to build the index itself, wait for the lock and toast "the index ... is busy", and a
searcher opened on the still-empty index crashed the app at the next search.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static
from textual.worker import WorkerCancelled

# Fewer files than the pipeline's parallel threshold are read in this process, through
# briefing.index.prepare's ingest_file: the tests hold the build there.
from briefing.corpus import ingest as corpus_ingest
from briefing.index import pipeline as pipeline_module
from briefing.index import prepare as prepare_module
from briefing.tui.app import BriefingApp, make_app
from briefing.tui.screens.search import SearchScreen
from briefing.tui.widgets.result_list import ResultList
from tests.conftest import write_files
from tests.tui.helpers import settle

SIZE = (120, 40)


async def _search(app: BriefingApp, pilot: Pilot[None], text: str) -> SearchScreen:
    """Type a query and wait for its search worker only (the index worker may be held)."""
    screen = app.screen
    assert isinstance(screen, SearchScreen)
    screen.query_one("#query", Input).value = text
    await pilot.pause()
    screen.search_now()
    for worker in [w for w in app.workers if w.group == "search"]:
        # A newer search (a batch of a running build landed) cancels an older one: by
        # design, and the newer one is waited for too.
        with contextlib.suppress(WorkerCancelled):
            await worker.wait()
    await pilot.pause()
    return screen


def _status(screen: SearchScreen) -> str:
    return str(screen.query_one("#status", Static).render())


async def test_a_search_during_the_first_build_answers_at_once_and_then_finds_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_files(
        tmp_path / "wire",
        {f"{n:03}.txt": f"Brief {n}\n\nA zeppelin landed at field {n}.\n" for n in range(40)},
    )
    started, release = threading.Event(), threading.Event()
    real_ingest = corpus_ingest.ingest_file

    def held_ingest(source: object) -> object:
        # The build holds the write lock and has not committed a batch yet.
        started.set()
        assert release.wait(30), "the test never released the build"
        return real_ingest(source)  # type: ignore[arg-type]

    monkeypatch.setattr(prepare_module, "ingest_file", held_ingest)
    app = make_app(path=folder)
    try:
        async with app.run_test(size=SIZE) as pilot:
            # Waited for off the event loop, which must go on running the app.
            assert await asyncio.get_running_loop().run_in_executor(None, started.wait, 30)
            screen = await _search(app, pilot, "zeppelin")
            assert "0 hits" in _status(screen)
            messages = [str(n.message) for n in app._notifications]
            assert not [m for m in messages if "busy" in m], messages
            release.set()
            await settle(app, pilot)
            screen = await _search(app, pilot, "zeppelin")
            assert screen.query_one(ResultList).total == 40
            assert "40 hits" in _status(screen)
            messages = [str(n.message) for n in app._notifications]
            assert not [m for m in messages if "busy" in m or "rror" in m], messages
            assert app.is_running
    finally:
        release.set()  # a failure above must not leave the build waiting (and the run)


async def test_a_refresh_for_a_changed_library_keeps_the_selected_article(
    tmp_path: Path,
) -> None:
    """New articles land during a build: the query runs again and the cursor stays on
    the article it was on, even when the new ones rank above it."""
    folder = write_files(
        tmp_path / "wire",
        {f"{n}.txt": f"Brief {n}\n\nA zeppelin at field {n}.\n" for n in range(4)},
    )
    app = make_app(path=folder)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await _search(app, pilot, "zeppelin")
        results = screen.query_one(ResultList)
        results.focus()
        await pilot.press("down", "down")
        chosen = results.selected
        assert chosen is not None and results.cursor == 2
        write_files(
            folder,
            {
                f"new{n}.txt": f"Zeppelin {n}\n\nZeppelin, zeppelin: the zeppelin {n}.\n"
                for n in range(3)
            },
        )
        app.update_library()
        await settle(app, pilot)
        assert results.total == 7
        assert results.selected is not None and results.selected.id == chosen.id
        assert results.cursor != 2  # it moved with its article


async def test_the_query_runs_again_when_a_batch_of_a_build_lands(tmp_path: Path) -> None:
    """While a build runs, each committed batch makes more articles searchable: the
    search screen runs its query again (debounced), without the user typing."""
    from briefing.index.store import IndexStore, Progress
    from briefing.tui.app import BATCH_REFRESH_SECONDS

    folder = write_files(
        tmp_path / "wire", {f"{n}.txt": f"Brief {n}\n\nA zeppelin at {n}.\n" for n in range(3)}
    )
    app = make_app(path=folder)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await _search(app, pilot, "zeppelin")
        assert screen.query_one(ResultList).total == 3
        # Another writer commits more articles; the running update reports a batch.
        write_files(folder, {f"new{n}.txt": f"New {n}\n\nA zeppelin, {n}.\n" for n in range(2)})
        IndexStore(app.library).update()
        app.indexing = Progress(done=1, total=2, commits=1)
        await pilot.pause(BATCH_REFRESH_SECONDS + 0.2)  # the debounce timer fires
        for worker in [w for w in app.workers if w.group == "search"]:
            with contextlib.suppress(WorkerCancelled):
                await worker.wait()
        await pilot.pause()
        assert screen.query_one(ResultList).total == 5
        app.indexing = None


async def test_the_app_builds_a_folder_through_worker_processes(tmp_path: Path) -> None:
    """Enough files for the pipeline's worker processes: inside the app, where Textual
    has replaced sys.stderr (fileno -1), starting them used to fail the whole build
    ("bad value(s) in fds_to_keep")."""
    count = pipeline_module.MIN_PARALLEL_FILES + 6
    folder = write_files(
        tmp_path / "wire",
        {f"{n:03}.txt": f"Brief {n}\n\nA zeppelin over field {n}.\n" for n in range(count)},
    )
    app = make_app(path=folder)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        messages = [str(n.message) for n in app._notifications]
        assert not [m for m in messages if "failed" in m], messages
        screen = await _search(app, pilot, "zeppelin")
        assert screen.query_one(ResultList).total == count


@pytest.mark.parametrize("indexed", [True, False])
async def test_a_launch_slower_than_its_wait_still_leaves_an_indexed_library_s_check_for_a_pause(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, indexed: bool
) -> None:
    """On a loaded machine the first results can come after LAUNCH_WAIT_SECONDS: the
    start-up work then starts without them, and an indexed library's check of its files
    still waits for a pause in input (it started at once, under the first keys typed);
    a library without an index starts building at once."""
    from briefing.engine.local import WhooshEngine
    from briefing.index.library import load_library
    from briefing.tui import app as app_module

    folder = write_files(
        tmp_path / "wire", {f"{n}.txt": f"Title {n}\n\nBody {n}.\n" for n in range(3)}
    )
    if indexed:
        library = load_library("slow")
        library.add([folder])
        library.save()
        WhooshEngine(library).update()
    monkeypatch.setattr(app_module, "LAUNCH_WAIT_SECONDS", 0.05)
    monkeypatch.setattr(SearchScreen, "_first_painted", lambda self, total: None)  # never
    app = make_app(library="slow") if indexed else make_app(path=folder)
    async with app.run_test() as pilot:
        while not app._launched:
            await pilot.pause()
        assert app._update_at_pause is indexed
        assert bool([w for w in app.workers if w.group == "index"]) is not indexed
        await settle(app, pilot)
