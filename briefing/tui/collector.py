"""Python's cyclic garbage collection between keystrokes, not in the middle of one.

A full collection walks every container object the process holds: at 42,000 articles
the app holds about 100,000 (widgets, styles, rendered lines, the index's tables), and
a full collection took 90-150 ms. Python started one whenever enough objects had
survived younger collections: several times while a query was typed, each time holding
a keystroke's results back by that long. So, while the app runs:

- full collections are not started by allocation counts, but by :meth:`Collector.tick`
  once input has paused (or, during long busy spells, at least every
  ``LONGEST_GAP_SECONDS``); young collections run after ``YOUNG_THRESHOLD``
  allocations instead of Python's 700: a search and its repaint allocate tens of
  thousands of objects, and a young collection every 700 of them (with a middle one
  every ten) cost 3-6 ms of each key at 42,000 articles;
- what exists at the first tick (the app as it is once up) is frozen (``gc.freeze``,
  which costs nothing: no collection first, so the little garbage of start-up is kept):
  later collections skip it.

Start-up itself (:meth:`Collector.launch`, until :meth:`Collector.start`) runs with no
collections at all: nearly everything it allocates is kept (widgets, styles, the index's
tables), so the young collections started by its allocations found little garbage and
took 50-100 ms of the launch. What exists at :meth:`Collector.start` is then frozen at
once: young collections need not walk it either.

:meth:`Collector.stop` puts everything back (tests run many apps in one process).
"""

from __future__ import annotations

import gc
import time

IDLE_SECONDS = 1.0  # no key or click for this long: a full collection may run
LONGEST_GAP_SECONDS = 30.0  # and at least this often while there is activity
# Full collections by allocation count: only if this many younger collections happen
# between two ticks (the default is 10), i.e. practically never.
FULL_THRESHOLD = 1_000_000
# Young collections: after this many allocations (Python's default is 700).
YOUNG_THRESHOLD = 20_000


class Collector:
    """Runs full garbage collections when the user is not waiting for the screen."""

    def __init__(self) -> None:
        self._thresholds: tuple[int, int, int] | None = None
        self._last_input = time.monotonic()
        self._last_collect = self._last_input
        self._pending = False
        self._frozen = False
        self._launching = False

    @property
    def running(self) -> bool:
        """Whether the policy is in force (between start and stop)."""
        return self._thresholds is not None

    def launch(self) -> None:
        """Start-up: no garbage collection until :meth:`start` (or :meth:`stop`)."""
        if self._thresholds is not None or self._launching or not gc.isenabled():
            return
        gc.disable()
        self._launching = True

    def _end_launch(self) -> None:
        """Collections back on, if launch() took them."""
        if self._launching:
            self._launching = False
            gc.enable()

    def start(self) -> None:
        """Take over full collections; the first tick freezes what exists then (at once,
        after a launch)."""
        if self._thresholds is not None:
            return
        young, middle, _ = self._thresholds = gc.get_threshold()
        gc.set_threshold(max(young, YOUNG_THRESHOLD), middle, FULL_THRESHOLD)
        self._frozen = False
        if self._launching:
            gc.freeze()  # before collections resume: the first would walk it all
            self._frozen = True
            self._end_launch()
        self._last_collect = time.monotonic()

    def stop(self) -> None:
        """Give collection back to Python as it was."""
        self._end_launch()
        if self._thresholds is None:
            return
        gc.set_threshold(*self._thresholds)
        self._thresholds = None
        if self._frozen:
            gc.unfreeze()
            self._frozen = False

    def activity(self) -> None:
        """The user pressed a key or clicked: not now."""
        self._last_input = time.monotonic()
        self._pending = True

    def idle(self) -> bool:
        """Whether there has been no input for IDLE_SECONDS (or since start)."""
        return time.monotonic() - self._last_input >= IDLE_SECONDS

    def tick(self) -> bool:
        """Collect if input has paused since the last activity, or if the last collection
        is too long ago. Returns whether it collected."""
        if self._thresholds is None:
            return False
        if not self._frozen:
            gc.freeze()
            self._frozen = True
            return False
        now = time.monotonic()
        idle = self._pending and self.idle()
        overdue = now - self._last_collect >= LONGEST_GAP_SECONDS
        if not (idle or overdue):
            return False
        gc.collect()
        self._pending = False
        self._last_collect = time.monotonic()
        return True
