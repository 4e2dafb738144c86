"""What the TUI tests share: waiting for workers without sleeping."""

from __future__ import annotations

from textual.app import App
from textual.pilot import Pilot
from textual.worker import WorkerCancelled


async def settle(app: App[object], pilot: Pilot[object], rounds: int = 4) -> None:
    """Wait until no worker runs and the messages they posted have been handled.

    Exclusive workers (a search replaced by a newer one) end cancelled: that is the
    design, not a failure. A worker that failed still raises.
    """
    for _ in range(rounds):
        running = [w for w in app.workers if not w.is_finished]
        for worker in running:
            try:
                await worker.wait()
            except WorkerCancelled:
                pass
        await pilot.pause()
        if not running:
            return
