"""What the TUI tests share: waiting for workers without sleeping."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DirectoryTree
from textual.worker import WorkerCancelled


async def settle(app: App[Any], pilot: Pilot[Any], rounds: int = 4) -> None:
    """Wait until no worker runs and the messages they posted have been handled.

    Exclusive workers (a search replaced by a newer one) end cancelled: that is the
    design, not a failure; a worker that failed still raises. A directory picker's
    loader runs for as long as the tree is mounted, so it is not waited for.
    """
    for _ in range(rounds):
        running = [
            w for w in app.workers if not w.is_finished and not isinstance(w.node, DirectoryTree)
        ]
        for worker in running:
            with contextlib.suppress(WorkerCancelled):
                await worker.wait()
        await pilot.pause()
        if not running:
            return


async def until(
    app: App[Any], pilot: Pilot[Any], condition: Callable[[], bool], rounds: int = 50
) -> None:
    """Settle until ``condition`` holds (a pushed screen starts its workers only once
    mounted, so one settle may come too early). Fails after ``rounds`` settles."""
    for _ in range(rounds):
        if condition():
            return
        await settle(app, pilot)
    raise AssertionError("the app never reached the expected state")
