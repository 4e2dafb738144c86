"""Snapshots of the search, reader and help screens at 120x40 (pytest-textual-snapshot).

Update them after an intended change with ``pytest tests/snapshots --snapshot-update``
and look at the report before committing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from briefing.compare.model import Comparison
from briefing.index.library import load_library
from briefing.search.model import SearchResult
from briefing.tui.app import BriefingApp, make_app
from briefing.tui.screens import notes as notes_screen
from briefing.tui.screens.search import SearchScreen
from briefing.tui.widgets.passage_view import PassageView
from tests.conftest import SAMPLE
from tests.tui.helpers import settle, until

SIZE = (120, 40)
# A fixed place, so that the paths the reader shows are the same on every machine.
CORPUS = Path("/tmp/briefing-snapshots/sample_corpus")


class _Untimed:
    """The app's engine with search times set to zero: timings differ on every run."""

    def __init__(self, engine: Any) -> None:
        self._engine = engine

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)

    def search(self, *args: Any, **kwargs: Any) -> SearchResult:
        result: SearchResult = self._engine.search(*args, **kwargs)
        return dataclasses.replace(result, elapsed=0.0)

    def compare(self, *args: Any, **kwargs: Any) -> Comparison:
        comparison: Comparison = self._engine.compare(*args, **kwargs)
        return dataclasses.replace(comparison, elapsed=0.0)


@pytest.fixture
def app() -> BriefingApp:
    if not CORPUS.is_dir():
        # Made once and renamed into place: parallel test workers may race to make it.
        staging = Path(tempfile.mkdtemp(prefix="briefing-snapshots-"))
        shutil.copytree(SAMPLE, staging / "sample_corpus")
        CORPUS.parent.mkdir(parents=True, exist_ok=True)
        # If another worker was first, the same files are already there.
        with contextlib.suppress(OSError):
            (staging / "sample_corpus").rename(CORPUS)
        shutil.rmtree(staging, ignore_errors=True)
    library = load_library("snapshots")
    library.add([CORPUS])
    library.save()
    built = make_app(library="snapshots", theme="briefing-dark", update_on_start=False)
    built.engine.update()
    built.engine = _Untimed(built.engine)
    return built


def _search(query: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        box = screen.query_one("#query", Input)
        # A blinking cursor is drawn or not depending on when the screenshot is taken
        # (a busy machine moves that moment): a steady cursor makes the picture fixed.
        box.cursor_blink = False
        box.value = query
        await pilot.pause()
        screen.search_now()
        await settle(app, pilot)

    return run


def test_search_screen(snap_compare: Any, app: BriefingApp) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=_search('"Deir ez-Zor"'))


def test_search_screen_no_hits(snap_compare: Any, app: BriefingApp) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=_search("precisoin"))


def test_reader_screen(snap_compare: Any, app: BriefingApp) -> None:
    search = _search('"Deir ez-Zor"')

    async def run(pilot: Pilot[Any]) -> None:
        await search(pilot)
        await pilot.press("enter", "enter")
        await settle(pilot.app, pilot)
        await pilot.press("n")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def test_help_screen(snap_compare: Any, app: BriefingApp) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot.app, pilot)
        await pilot.press("escape", "question_mark")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def test_light_theme_search_screen(snap_compare: Any, app: BriefingApp) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        pilot.app.theme = "briefing-light"
        await _search("retaliatory strikes")(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def test_compare_screen(snap_compare: Any, app: BriefingApp) -> None:
    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot.app, pilot)
        engine = pilot.app.engine  # type: ignore[attr-defined]
        pilot.app.open_compare([engine.resolve("002"), engine.resolve("004")])  # type: ignore[attr-defined]
        await until(
            pilot.app, pilot, lambda: getattr(pilot.app.screen, "comparison", None) is not None
        )
        # Focus lands a message later than the comparison: put it on the first column.
        pilot.app.screen.query(PassageView).first().focus()
        await pilot.pause()
        await pilot.press("j", "j")
        # j posts Selected; the screen then links the counterpart: let that chain finish.
        await settle(pilot.app, pilot)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run)


class _FixedClock(datetime):
    """The briefing preview's "Generated" time, fixed so that the snapshot is stable."""

    @classmethod
    def now(cls, tz: Any = None) -> _FixedClock:
        return cls(2024, 6, 1, 9, 30)


def test_notes_screen(snap_compare: Any, app: BriefingApp, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(notes_screen, "datetime", _FixedClock)

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot.app, pilot)
        engine = pilot.app.engine  # type: ignore[attr-defined]
        store = pilot.app.engine.notes()  # type: ignore[attr-defined]
        article = engine.article(engine.resolve("003"))
        start = article.body.index("The US military confirmed")
        end = article.body.index("in the strikes.") + len("in the strikes.")
        store.set_title("Strikes in Syria and Iraq")
        store.add(kind="summary", comment="US strikes follow the Jordan attack.")
        store.add(
            kind="evidence",
            comment="Same count as the other outlet.",
            article_id=article.id,
            anchor=store.anchor_for(article.body, start, end),
            tags=("targets",),
        )
        store.add(kind="judgment", comment="More strikes likely.", confidence="moderate")
        await pilot.press("escape", "b")
        await settle(pilot.app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run)
