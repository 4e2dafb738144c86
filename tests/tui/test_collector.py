"""The garbage collection policy: full collections between keystrokes, not during them."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from briefing.tui import collector as collector_module
from briefing.tui.app import make_app
from briefing.tui.collector import (
    FULL_THRESHOLD,
    IDLE_SECONDS,
    LONGEST_GAP_SECONDS,
    YOUNG_THRESHOLD,
    Collector,
)
from tests.tui.helpers import settle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(collector_module, "time", fake)
    return fake


@pytest.fixture
def collections(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    done: list[float] = []

    def collect(*args: object) -> int:
        done.append(1.0)
        return 0

    monkeypatch.setattr(gc, "collect", collect)
    yield done


def test_start_takes_over_full_collections_and_stop_gives_them_back(clock: Clock) -> None:
    before = gc.get_threshold()
    policy = Collector()
    policy.start()
    try:
        assert gc.get_threshold() == (YOUNG_THRESHOLD, before[1], FULL_THRESHOLD)
        assert gc.get_freeze_count() == 0
        policy.tick()  # the first tick freezes what exists
        assert gc.get_freeze_count() > 0
    finally:
        policy.stop()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
    assert not policy.running


def test_collects_once_input_has_paused(clock: Clock, collections: list[float]) -> None:
    policy = Collector()
    policy.start()
    try:
        policy.tick()  # freezes
        policy.activity()
        clock.now += IDLE_SECONDS / 2
        assert not policy.tick()  # the user is typing
        policy.activity()
        clock.now += IDLE_SECONDS / 2
        assert not policy.tick()
        clock.now += IDLE_SECONDS
        assert policy.tick()  # a pause
        assert len(collections) == 1
        clock.now += IDLE_SECONDS * 3
        assert not policy.tick()  # nothing happened since
        assert len(collections) == 1
    finally:
        policy.stop()


def test_collects_at_least_every_longest_gap(clock: Clock, collections: list[float]) -> None:
    policy = Collector()
    policy.start()
    try:
        policy.tick()
        for _ in range(int(LONGEST_GAP_SECONDS / 0.5) + 2):  # typing without a pause
            policy.activity()
            clock.now += 0.5
            policy.tick()
        assert len(collections) == 1
    finally:
        policy.stop()


async def test_the_app_runs_the_policy_while_open_and_restores_python_after() -> None:
    before = gc.get_threshold()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert gc.get_threshold()[2] == FULL_THRESHOLD
        app._collector._pending = False
        await pilot.press("x")
        assert app._collector._pending  # a key: no full collection until input pauses
    assert gc.get_threshold() == before


def test_launch_holds_every_collection_until_start_then_freezes() -> None:
    before = gc.get_threshold()
    policy = Collector()
    policy.launch()
    try:
        assert not gc.isenabled()
        policy.start()
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0  # what start-up made is frozen at once
        assert gc.get_threshold() == (YOUNG_THRESHOLD, before[1], FULL_THRESHOLD)
    finally:
        policy.stop()
    assert gc.isenabled()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_stop_during_launch_turns_collections_back_on() -> None:
    policy = Collector()
    policy.launch()
    policy.stop()
    assert gc.isenabled()


async def test_the_app_indexes_and_collects_once_its_first_results_are_painted() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        assert not gc.isenabled() or app._launched  # launch: no collections
        await settle(app, pilot)
        assert app._launched
        assert gc.isenabled()
        assert app.last_report is not None  # the start-up update ran
    assert gc.isenabled()


async def test_an_indexed_library_is_checked_for_changed_files_at_the_first_pause(
    clock: Clock,
) -> None:
    """The start-up update of a library with articles waits for a pause in input (its
    walk of 42,000 files held the interpreter under the first keys); a new library's
    build starts at once (the test above)."""
    from briefing.engine.local import WhooshEngine
    from briefing.index.library import load_library

    WhooshEngine(load_library("default")).update()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app._launched and app._update_at_pause
        assert app.last_report is None
        await pilot.press("x")  # typing: the check still waits
        app._idle_tick()
        assert app._update_at_pause and app.last_report is None
        clock.now += IDLE_SECONDS
        app._idle_tick()
        assert not app._update_at_pause
        await settle(app, pilot)
        assert app.last_report is not None
