"""The app's latencies on one library, measured in a process of its own (headless).

Run by bench/big.py once on the 42k library and once on the 5-article sample library
(the reference). "Painted" means: the screen's handler that shows results ran for the
current query, and the first frame after it has been written to the terminal (the
app's ``_display`` returned for that screen: layout, rendering and output all done).
A frame is drawn from the widgets' state at the time, so it is the first one to hold
what the handler showed.

- launch: from ``--t0`` (the parent's ``time.monotonic()`` just before it started this
  process: interpreter, imports and all) until the search screen has painted its first
  result count (``--launch-only``: that alone);
- keystroke to painted results: each query typed key by key; for each key, from the
  press until results for the text typed so far are painted (the search screen's
  what a typist sees);
- reader: from Enter on a hit until the reader has painted the article with its related
  coverage;
- memory: the process's peak resident memory, plus any worker processes it left.

Prints one JSON object. Usage: BRIEFING_HOME=... python bench/app_probe.py
    --library NAME [--t0 MONOTONIC] [--query Q ...] [--opens N]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, self_peak_rss_mb, tree_rss_mb

DEFAULT_QUERIES = ["gun control", "oil prices", "space shuttle"]
WAIT_SECONDS = 30.0


# Every change the probe waits for: awaited, not polled (a poll every millisecond
# took the interpreter lock from the app's search thread a thousand times a second).
CHANGED = asyncio.Event()


class Painted:
    """When a screen's show-handler last painted, and for which query."""

    def __init__(self) -> None:
        self.at: float | None = None
        self.query: str | None = None
        self.count = 0

    def mark(self, query: str | None) -> None:
        self.at = time.monotonic()
        self.query = query
        self.count += 1
        CHANGED.set()


# Handlers that have shown something not yet on the terminal: screen -> what to mark.
PENDING: dict[Any, list[tuple[Painted, str | None]]] = {}


def _patch_display(app_class: Any) -> None:
    """Mark what a screen's handlers showed once a frame of that screen is written."""
    original = app_class._display

    def _display(self: Any, screen: Any, renderable: Any) -> Any:
        value = original(self, screen, renderable)
        for painted, query in PENDING.pop(screen, ()):
            painted.mark(query)
        return value

    app_class._display = _display


def _patch(cls: Any, painted: Painted, query_of: Any) -> None:
    """Record, at the next frame of its screen, each time ``cls._show`` shows current
    results."""
    original = cls._show

    def _show(self: Any, *args: Any, **kwargs: Any) -> Any:
        generation = args[0] if args and isinstance(args[0], int) else None
        value = original(self, *args, **kwargs)
        current = generation is None or generation == getattr(self, "_generation", generation)
        if current:
            PENDING.setdefault(self, []).append((painted, query_of(self)))
        return value

    cls._show = _show


async def _wait(condition: Any, timeout: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the app never painted the expected state")
        CHANGED.clear()
        if condition():
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(CHANGED.wait(), min(left, 0.5))


async def probe(args: argparse.Namespace, t0: float) -> dict[str, Any]:
    sys.path.insert(0, str(REPO))
    from textual.app import App

    from briefing.tui.app import make_app
    from briefing.tui.screens.reader import ReaderScreen
    from briefing.tui.screens.search import SearchScreen
    from briefing.tui.widgets.result_list import ResultList

    searched, read = Painted(), Painted()
    _patch(SearchScreen, searched, lambda screen: screen.query_text)
    _patch(ReaderScreen, read, lambda screen: None)
    _patch_display(App)
    app = make_app(library=args.library)
    result: dict[str, Any] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await _wait(lambda: searched.count > 0)
        assert searched.at is not None
        result["launch_s"] = searched.at - t0
        result["python_start_s"] = args.imported - t0
        if args.launch_only:
            return result
        keys: list[float] = []
        opens: list[float] = []
        for query in args.query:
            screen = app.screen
            assert isinstance(screen, SearchScreen)
            screen.action_focus_search()
            await pilot.press("ctrl+a", "ctrl+k")  # clear the box
            await _wait(lambda: searched.query == "")
            typed = ""
            for key in query:
                typed += key
                pressed = time.monotonic()
                await pilot.press("space" if key == " " else key)
                await _wait(lambda t=typed: searched.query == t)  # type: ignore[misc]
                assert searched.at is not None
                keys.append(searched.at - pressed)
            await pilot.press("enter")  # to the results
            await pilot.pause()
            hits = screen.query_one(ResultList).total
            for step in range(min(args.opens, hits)):
                before = read.count
                pressed = time.monotonic()
                await pilot.press("enter")
                # The reader fills itself in, then the app shows it: painted means the
                # first frame of the filled-in reader written to the terminal.
                try:
                    await _wait(lambda b=before: read.count > b)  # type: ignore[misc]
                except TimeoutError:
                    print(
                        f"DEBUG screen={app.screen!r} pending={PENDING!r} count={read.count}",
                        file=sys.stderr,
                    )
                    raise
                assert read.at is not None
                opens.append(read.at - pressed)
                await pilot.press("escape")
                await pilot.pause()
                if step + 1 < args.opens:
                    await pilot.press("down")
                    await pilot.pause()
        result["keys_s"] = keys
        result["opens_s"] = opens
    result["peak_rss_mb"] = self_peak_rss_mb()
    result["tree_rss_end_mb"] = tree_rss_mb(os.getpid())
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", required=True)
    parser.add_argument("--t0", type=float, default=None)
    parser.add_argument("--query", action="append", default=None)
    parser.add_argument("--opens", type=int, default=5)
    parser.add_argument("--launch-only", action="store_true", help="quit at the first paint")
    args = parser.parse_args()
    t0 = args.t0 if args.t0 is not None else time.monotonic()
    args.query = args.query or DEFAULT_QUERIES
    args.imported = time.monotonic()
    print(json.dumps(asyncio.run(probe(args, t0))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
