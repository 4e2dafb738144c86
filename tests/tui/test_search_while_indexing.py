"""Searching while the app builds a new library's index: no lock-out, no crash.

The app's indexing worker holds the library's write lock for the whole build. A search
typed meanwhile must read what is committed (nothing, at first) at once: it used to try
to build the index itself, wait for the lock and toast "the index ... is busy", and a
searcher opened on the still-empty index crashed the app at the next search.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from briefing.index import store as store_module
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
    real_ingest = store_module.ingest_file

    def held_ingest(source: object) -> object:
        # The build holds the write lock and has not committed a batch yet.
        started.set()
        assert release.wait(30), "the test never released the build"
        return real_ingest(source)  # type: ignore[arg-type]

    monkeypatch.setattr(store_module, "ingest_file", held_ingest)
    app = make_app(path=folder)
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
