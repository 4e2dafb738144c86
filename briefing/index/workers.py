"""The build's pool of worker processes: started clean (fork server, a real stderr), ended
with the build; results in order with bounded work in flight, a worker that dies costing one
file; merges of segments in parallel."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TypeVar

from briefing.corpus.ingest import SourceFile
from briefing.index.segment_merge import merge_segments

R = TypeVar("R")


# Tasks in flight per worker, at least: enough to keep the workers busy between results.
TASKS_PER_WORKER = 3
# Bytes of files in flight (sent, or prepared and not yet written), at most, beyond
# those tasks: lets the workers read on while the writer commits a batch (a second or
# more), and bounds the prepared documents waiting in memory (about ten times this).
IN_FLIGHT_BYTES = 4 * 1024 * 1024
WORKERS_ENV = "BRIEFING_WORKERS"


def worker_count() -> int:
    """Worker processes to use: the environment's ``BRIEFING_WORKERS``, else the CPUs."""
    try:
        wanted = int(os.environ.get(WORKERS_ENV, "0"))
    except ValueError:
        wanted = 0
    if wanted > 0:
        return wanted
    return max(1, min(4, os.cpu_count() or 1))


def _ready() -> None:
    """A worker's first task when warmed: import what a batch's writing imports."""
    import whoosh.reading
    import whoosh.writing  # noqa: F401


def exit_with(main_pid: int) -> None:
    """Worker initializer: end this worker when the build's process is gone.

    A build killed outright (``kill -9``, the app closed mid-build) cannot stop its
    workers, and a worker waiting for its next task never learns of it otherwise.
    """

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(main_pid, 0)
            except ProcessLookupError:
                os._exit(0)
            except OSError:
                pass

    threading.Thread(target=watch, name="exit-with-build", daemon=True).start()


def _start_helpers_with_real_stderr() -> None:
    """Start multiprocessing's resource tracker with a real standard error.

    The tracker passes ``sys.stderr.fileno()`` to its process; inside the app, Textual
    has replaced ``sys.stderr`` with a capture whose ``fileno()`` is -1, and starting
    the first worker then fails ("bad value(s) in fds_to_keep"). Once running, the
    tracker is reused by every later pool.
    """
    from multiprocessing import resource_tracker

    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (OSError, ValueError):
        usable = False
    if usable or sys.__stderr__ is None:
        return
    captured, sys.stderr = sys.stderr, sys.__stderr__
    try:
        resource_tracker.ensure_running()
    finally:
        sys.stderr = captured


def process_context() -> Any:
    """The multiprocessing context for helper processes, its helpers started."""
    # Not fork: the app builds from a thread, and forking a threaded process can
    # copy a lock another thread holds. The fork server starts clean once.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if "forkserver" in methods:
        # The pipeline imports all that a worker runs (prepare, staging, segment_merge,
        # this module, apart): each new worker starts with them loaded.
        context.set_forkserver_preload(["briefing.index.pipeline"])
    _start_helpers_with_real_stderr()
    if "forkserver" in methods:
        _start_fork_server_safely()
    return context


def _start_fork_server_safely() -> None:
    """Start the fork server (once) without the current folder on its import path.

    It runs ``python -c``, which puts the current folder first on ``sys.path`` (Python
    3.11 ignores the path multiprocessing hands it): run from a folder that holds a
    ``briefing`` folder of its own (another checkout, the user's notes), the workers
    imported that instead and died on every file. ``PYTHONSAFEPATH`` keeps it off.
    """
    from multiprocessing import forkserver

    before = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        forkserver.ensure_running()
    finally:
        if before is None:
            os.environ.pop("PYTHONSAFEPATH", None)
        else:
            os.environ["PYTHONSAFEPATH"] = before


def terminate(executor: ProcessPoolExecutor) -> None:
    """End ``executor``'s processes now."""
    for process in list((executor._processes or {}).values()):
        with contextlib.suppress(OSError):
            process.terminate()


class Workers:
    """A pool of worker processes for one build (a context manager)."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.executor: ProcessPoolExecutor | None = None
        self._starting = threading.Lock()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop()

    def warm(self) -> None:
        """Start the workers now, in the background, each loading what writing a batch
        needs (starting them takes this process 0.4 s, and them half a second more),
        while this process walks the folders."""

        def start() -> None:
            executor = self._start()
            # Closed meanwhile (a small update after all): nothing to warm.
            with contextlib.suppress(RuntimeError):
                for _ in range(self.count):
                    executor.submit(_ready)

        threading.Thread(target=start, name="briefing-workers-start", daemon=True).start()

    def _start(self) -> ProcessPoolExecutor:
        with self._starting:
            if self.executor is None:
                self.executor = ProcessPoolExecutor(
                    self.count,
                    mp_context=process_context(),
                    initializer=exit_with,
                    initargs=(os.getpid(),),
                )
            return self.executor

    def close(self) -> None:
        """Stop the workers (idempotent)."""
        self._stop()

    def _stop(self) -> None:
        with self._starting:
            if self.executor is not None:
                self.executor.shutdown(wait=False, cancel_futures=True)
                self.executor = None

    def run(
        self,
        chunks: Iterator[tuple[list[SourceFile], int]],
        work: Callable[[list[SourceFile]], list[R]],
        crashed: Callable[[SourceFile], list[R]],
    ) -> Iterator[R]:
        """Yield ``work(chunk)`` of each chunk, in order, with a bounded number of tasks
        (and bytes) in flight. A worker that dies costs only the file it was reading:
        the files of every task lost with it are tried again one by one, and the one
        that kills its worker again gives ``crashed(source)``."""
        tasks = self.count * TASKS_PER_WORKER
        pending: deque[tuple[list[SourceFile], int, Future[list[R]]]] = deque()
        in_flight = 0
        executor = self._start()
        while True:
            while len(pending) < tasks or in_flight < IN_FLIGHT_BYTES:
                item = next(chunks, None)
                if item is None:
                    break
                chunk, size = item
                in_flight += size
                pending.append((chunk, size, executor.submit(work, chunk)))
            if not pending:
                return
            chunk, size, future = pending.popleft()
            in_flight -= size
            try:
                done = future.result()
            except BrokenProcessPool:
                # Every task in flight is lost with the pool: try each of their
                # files alone, in a fresh pool, then go on with the rest.
                suspects = chunk + [s for c, _, _ in pending for s in c]
                pending.clear()
                in_flight = 0
                self._stop()
                for source in suspects:
                    try:
                        yield from self._start().submit(work, [source]).result()
                    except BrokenProcessPool:
                        self._stop()
                        yield from crashed(source)
                executor = self._start()
                continue
            yield from done

    def merge(
        self, groups: list[list[Any]], index_dir: Path, staging: Path, limitmb: int
    ) -> Iterator[tuple[list[Any], Any, str] | tuple[list[Any], None, str]]:
        """Merge each group of the index's segments into one new segment, the groups in
        parallel; yield ``(group, segment, staged file)`` as each is done, or
        ``(group, None, why)`` for a merge that failed (the group stays as it was)."""
        executor = self._start()
        futures = {
            executor.submit(merge_segments, str(staging), limitmb, str(index_dir), group): i
            for i, group in enumerate(groups)
        }
        for future in as_completed(futures):
            group = groups[futures[future]]
            try:
                segment, staged = future.result()
            except Exception as exc:  # a merge is an optimisation: the index stays valid
                if isinstance(exc, BrokenProcessPool):
                    self._stop()
                yield group, None, f"{type(exc).__name__}: {exc}"
                continue
            yield group, segment, staged
