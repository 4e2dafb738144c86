"""The library's write lock: one writer at a time, across processes, with a bounded wait."""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path


class IndexBusy(Exception):
    """Another process holds the index's write lock for longer than we wait."""


@contextlib.contextmanager
def writer_lock(path: Path, timeout: float, name: str) -> Iterator[None]:
    """Hold the library's exclusive write lock, waiting at most ``timeout`` seconds."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusy(
                        f"the index of library {name!r} is busy: another briefing is "
                        f"updating it (waited {timeout:g} s); try again when it is done"
                    ) from None
                # A lock held by another process can only be polled; flock has no timeout.
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


@contextlib.contextmanager
def try_lock(path: Path, wait: Callable[[], None] | None = None) -> Iterator[bool]:
    """Hold an exclusive lock on ``path`` (created if missing); yield whether it is held.

    A lock held by another process: without ``wait``, yield False at once; with it,
    call ``wait`` and block until that process is done (Ctrl-C still interrupts).
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if wait is None:
                yield False
                return
            wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
