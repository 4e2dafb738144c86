"""Several briefings on one library at once: apps, indexing, and `briefing index`.

What must happen: one writer at a time with a bounded wait (``BRIEFING_LOCK_TIMEOUT``,
2 s in the tests) and a one-line message, never a traceback; reading never waits for a
writer; and an app sees what another process committed on its next search.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from textual.worker import WorkerCancelled, WorkerFailed

# Fewer files than the pipeline's parallel threshold are read in this process, through
# briefing.index.prepare's ingest_file: the tests hold the build there.
from briefing.corpus import ingest as corpus_ingest
from briefing.index import prepare as prepare_module
from briefing.index.library import load_library
from briefing.tui.app import BriefingApp, make_app
from briefing.tui.collector import IDLE_SECONDS
from briefing.tui.screens.search import SearchScreen
from briefing.tui.widgets.result_list import ResultList
from tests.conftest import REPO, write_files
from tests.tui.helpers import settle

SIZE = (100, 30)


def _brief(n: int, word: str) -> str:
    return f"Brief {word} {n}\n\nA {word} was seen over field {n} on Tuesday.\n"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command in another process (same data directory, via BRIEFING_HOME)."""
    return subprocess.run(
        [sys.executable, "-m", "briefing", *args],
        cwd=REPO,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
    )


async def _search(app: BriefingApp, pilot: Pilot[None], text: str) -> int:
    """Search from the query box; wait for the search worker only. The hit count."""
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
    return screen.query_one(ResultList).total


def _messages(app: BriefingApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def _no_traceback(out: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in out.stderr and "Traceback" not in out.stdout


async def test_briefing_index_in_a_terminal_while_the_app_is_open(tmp_path: Path) -> None:
    """The CLI indexes new files while the app is open; the app's next search finds them."""
    folder = write_files(tmp_path / "wire", {f"{n}.txt": _brief(n, "zeppelin") for n in range(3)})
    app = make_app(path=folder)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert await _search(app, pilot, "zeppelin") == 3
        write_files(folder, {f"new{n}.txt": _brief(n + 100, "zeppelin") for n in range(4)})
        out = _cli("index", "--library", app.library.name)
        _no_traceback(out)
        assert out.returncode == 0, out.stderr
        assert "4 added" in out.stdout, out.stdout
        assert await _search(app, pilot, "zeppelin") == 7
        assert app.is_running


async def test_briefing_index_in_a_terminal_while_the_app_indexes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's build holds the lock: the CLI waits its bounded time, then one line, exit 1;
    once the build is done the same command succeeds."""
    folder = write_files(tmp_path / "wire", {f"{n}.txt": _brief(n, "zeppelin") for n in range(5)})
    started, release = threading.Event(), threading.Event()
    real_ingest = corpus_ingest.ingest_file

    def held_ingest(source: object) -> object:
        started.set()
        assert release.wait(60), "the test never released the build"
        return real_ingest(source)  # type: ignore[arg-type]

    monkeypatch.setattr(prepare_module, "ingest_file", held_ingest)
    app = make_app(path=folder)
    async with app.run_test(size=SIZE) as pilot:
        assert await asyncio.get_running_loop().run_in_executor(None, started.wait, 30)
        loop = asyncio.get_running_loop()
        out = await loop.run_in_executor(None, _cli, "index", "--library", app.library.name)
        _no_traceback(out)
        assert out.returncode == 1
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and "busy" in lines[0], out.stderr
        assert await _search(app, pilot, "zeppelin") == 0  # nothing committed yet, no wait
        release.set()
        await settle(app, pilot)
        assert await _search(app, pilot, "zeppelin") == 5
        out = await loop.run_in_executor(None, _cli, "index", "--library", app.library.name)
        _no_traceback(out)
        assert out.returncode == 0, out.stderr
        assert not [m for m in _messages(app) if "rror" in m or "busy" in m], _messages(app)


async def test_two_apps_on_one_library_one_of_them_indexing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second app's own update waits its bounded time and says "busy" in one line; its
    searches never wait; after the first app's build it finds every article."""
    folder = write_files(tmp_path / "wire", {f"{n}.txt": _brief(n, "zeppelin") for n in range(2)})
    first = make_app(path=folder)
    async with first.run_test(size=SIZE) as pilot1:
        await settle(first, pilot1)
        assert await _search(first, pilot1, "zeppelin") == 2
        write_files(folder, {f"new{n}.txt": _brief(n + 100, "zeppelin") for n in range(6)})
        started, release = threading.Event(), threading.Event()
        real_ingest = corpus_ingest.ingest_file

        def held_ingest(source: object) -> object:
            started.set()
            assert release.wait(60), "the test never released the build"
            return real_ingest(source)  # type: ignore[arg-type]

        monkeypatch.setattr(prepare_module, "ingest_file", held_ingest)
        first.update_library()
        assert await asyncio.get_running_loop().run_in_executor(None, started.wait, 30)
        monkeypatch.setattr(prepare_module, "ingest_file", real_ingest)

        second = make_app(library=load_library(first.library.name).name)
        async with second.run_test(size=SIZE) as pilot2:
            # The second app's start-up update waits for the lock: its searches do not.
            assert await _search(second, pilot2, "zeppelin") == 2
            # (That update waits for a pause in input first: the pause is now. Under
            # load a second without input may have passed already, and it has started.)
            second._collector._last_input -= IDLE_SECONDS
            second._idle_tick()
            for worker in [w for w in second.workers if w.group == "index"]:
                with contextlib.suppress(WorkerFailed):  # the busy index: what is tested
                    await worker.wait()
            await pilot2.pause()
            busy = [m for m in _messages(second) if "busy" in m]
            assert len(busy) == 1 and "\n" not in busy[0], _messages(second)
            assert second.indexing is None  # its progress bar is gone
            release.set()
            await settle(first, pilot1)
            assert await _search(first, pilot1, "zeppelin") == 8
            assert await _search(second, pilot2, "zeppelin") == 8
            assert second.is_running and first.is_running
