"""How long the app's event loop can be held up while a user works, on a real corpus.

A ticker task asks the event loop to wake it every 5 ms; how late it wakes is how long
some handler held the loop. Measured twice in the same run: with the app idle (the
reference: what the machine and Textual cost by themselves) and while a user types
queries key by key, opens articles, steps through hits and scrolls the results.

Writes the ``bbc-tui`` section of bench/results.json and bench/results.md.

Usage: python bench/tui_latency.py [--corpus bbc|reuters|PATH] [--no-write]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, Figure, compile_package, resolve_corpus, write_section

QUERIES = ["oil prices", "prime minister", "world cup", "mobile phone", "interest rates"]


class Ticker:
    """Records how late the event loop runs a task that sleeps 5 ms at a time."""

    def __init__(self) -> None:
        self.lateness: list[float] = []
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while not self._stop.is_set():
            started = time.perf_counter()
            await asyncio.sleep(0.005)
            self.lateness.append(time.perf_counter() - started - 0.005)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> list[float]:
        self._stop.set()
        if self._task is not None:
            await self._task
        return self.lateness


async def measure(library: str) -> tuple[list[float], list[float], int]:
    sys.path.insert(0, str(REPO))
    from briefing.tui.app import make_app
    from briefing.tui.screens.search import SearchScreen
    from briefing.tui.widgets.result_list import ResultList
    from tests.tui.helpers import settle

    app = make_app(library=library, update_on_start=False)

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        idle = Ticker()
        idle.start()
        await asyncio.sleep(2.0)
        reference = await idle.stop()

        busy = Ticker()
        busy.start()
        opened = 0
        for query in QUERIES:
            screen = app.screen
            assert isinstance(screen, SearchScreen)
            screen.action_focus_search()
            await pilot.press("ctrl+a", "ctrl+k")  # clear the box
            for key in query:
                await pilot.press("space" if key == " " else key)
            await pilot.pause(0.3)  # as a pausing typist does
            await settle(app, pilot)
            if screen.query_one(ResultList).total:
                await pilot.press("enter", "enter")
                await settle(app, pilot)
                for _ in range(3):
                    await pilot.press("n")
                await pilot.press("pagedown", "pagedown")
                await pilot.press("escape")
                await settle(app, pilot)
                opened += 1
            await pilot.press("pagedown", "pagedown", "pagedown", "end", "home")
            await settle(app, pilot)
        working = await busy.stop()
    return reference, working, opened


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="bbc", help="bbc, reuters, or a folder")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    compile_package()
    corpus = resolve_corpus(args.corpus)
    if corpus is None:
        print(f"bench: no corpus at {args.corpus}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["BRIEFING_HOME"] = tmp
        from briefing.engine.local import WhooshEngine
        from briefing.index.library import load_library

        library = load_library("bench")
        library.add([corpus])
        library.save()
        report = WhooshEngine(library).update()
        reference, working, opened = asyncio.run(measure("bench"))

    def ms(values: list[float], q: float) -> float:
        return sorted(values)[min(len(values) - 1, int(len(values) * q))] * 1000

    print(f"corpus: {corpus} ({report.total_articles} articles); {opened} articles opened")
    print(
        f"event-loop stall   idle (reference): max {max(reference) * 1000:6.1f} ms, "
        f"p99 {ms(reference, 0.99):5.1f} ms, median {statistics.median(reference) * 1000:4.1f} ms"
    )
    print(
        f"                   while working:    max {max(working) * 1000:6.1f} ms, "
        f"p99 {ms(working, 0.99):5.1f} ms, median {statistics.median(working) * 1000:4.1f} ms"
    )
    print(f"ratio of max stalls (working / idle): {max(working) / max(reference):.1f}")
    if corpus == resolve_corpus("bbc") and not args.no_write:
        write_section(
            "bbc-tui",
            [
                Figure(
                    "app event loop: longest stall while typing, opening, scrolling",
                    max(working) * 1000,
                    "ms",
                    "idle app",
                    max(reference) * 1000,
                ),
                Figure(
                    "app event loop: stall p99 while working",
                    ms(working, 0.99),
                    "ms",
                    "idle app",
                    ms(reference, 0.99),
                ),
            ],
            {"articles": report.total_articles, "opened": opened},
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
