"""Long jobs of the app run apart: each in a process of its own, at a lower priority, ended
at once when the app closes (``run_apart``, ``stop_apart``)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from briefing.index.workers import exit_with, process_context, terminate

# How much lower than the app's the priority of a job run apart is (see run_apart).
APART_NICENESS = 5


def _apart(fn: Callable[..., Any], environ: dict[str, str | None], args: tuple[Any, ...]) -> Any:
    os.nice(APART_NICENESS)
    for key, value in environ.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    return fn(*args)


def run_apart(fn: Callable[..., Any], *args: Any, environ: Sequence[str] = ()) -> Any:
    """``fn(*args)`` in a process of its own, at a lower priority, and its result.

    For long jobs of the app (grouping a large library into stories) that would take
    the app's memory and hold its interpreter lock: the app stays responsive, and the
    memory is returned when the job ends. ``environ`` names environment variables to
    pass on as they are now (the fork server keeps those of its start). ``fn`` and
    ``args`` must pickle; exceptions come back as raised.
    """
    values = {key: os.environ.get(key) for key in environ}
    with _apart_lock:
        stops = _apart_stops[0]
    executor = ProcessPoolExecutor(
        1, mp_context=process_context(), initializer=exit_with, initargs=(os.getpid(),)
    )
    with _apart_lock:
        _apart_running.add(executor)
    try:
        future = executor.submit(_apart, fn, values, args)
        with _apart_lock:
            stopped = _apart_stops[0] != stops
        if stopped:  # stop_apart came while this one was starting: end it too
            terminate(executor)
        return future.result()
    finally:
        with _apart_lock:
            _apart_running.discard(executor)
        executor.shutdown(wait=False, cancel_futures=True)


_apart_lock = threading.Lock()
_apart_running: set[ProcessPoolExecutor] = set()
_apart_stops = [0]  # how many times stop_apart was called


def stop_apart() -> None:
    """End the jobs run apart now (the app is closing): a job's waiting thread then
    raises ``BrokenProcessPool``. Such jobs commit as they go (the story store does),
    so a killed one loses only its current step."""
    with _apart_lock:
        _apart_stops[0] += 1
        running = list(_apart_running)
    for executor in running:
        terminate(executor)
