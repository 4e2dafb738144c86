"""The engines a command opened, and the work it leaves to a detached process of its
own (merging segments, grouping stories) so that it answers at once."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

from briefing.cli.rendering import ProgressBar
from briefing.engine import (
    Engine,
    IngestReport,
    LibraryError,
    load_library,
    open_engine,
    visible,
)

if TYPE_CHECKING:
    from briefing.compare.model import SyncReport


def finish_in_background(name: str, stories: SyncReport | None) -> None:
    """Merge the segments a large update wrote (and group its stories) in a process of
    its own, detached: searches go on meanwhile, and only get faster."""
    command = [sys.executable, "-m", "briefing", "index", "--library", name, "--background"]
    deferred = stories.deferred if stories is not None and not stories.busy else 0
    if not deferred:
        command.append("--no-stories")
    _start_detached(command)
    also = f" and grouping {deferred:,} articles into stories" if deferred else ""
    print(f"briefing: note: merging the index{also} in the background", file=sys.stderr)


_ENGINES: list[Engine] = []
"""The engines this command opened: what they did on their own is said at the end."""


def update_library(engine: Engine, show_progress: bool) -> IngestReport:
    """Index the library, with a progress bar when ``show_progress``: every article is
    searchable when it returns; a large update's merging is left to :func:`after_update`."""
    bar = ProgressBar(sys.stderr) if show_progress else None
    try:
        return engine.update(bar, compact=False)
    finally:
        if bar:
            bar.close()


def after_update(
    engine: Engine, name: str, report: IngestReport, group: bool, inline_limit: int
) -> None:
    """Bring the stories up to date after an update (``inline_limit`` articles at most
    here, more in the background when ``group``), and leave a large update's merging to
    a process of its own."""
    stories = engine.sync_stories(limit=inline_limit) if group else None
    if report.compaction_due:
        finish_in_background(name, stories)
    elif stories is not None:
        group_stories(engine, name, stories)


def engine_for(name: str) -> Engine:
    library = load_library(name, create=False)
    if not library.entries:
        raise LibraryError(f"library {name!r} is empty; add folders with `briefing index PATH`")
    engine = open_engine(library)
    _ENGINES.append(engine)
    return engine


def group_stories(engine: Engine, name: str, report: SyncReport) -> None:
    """Group what a story update left undone in a process of its own, detached.

    A command that must answer at once (``index``, ``related``) groups a few hundred
    articles itself; the first grouping of a large library takes minutes, so it goes
    on in the background at a lower priority, and ``briefing stories`` waits for it.
    """
    if report.busy:
        print("briefing: note: stories are being grouped in the background", file=sys.stderr)
        return
    if not report.deferred:
        return
    command = [sys.executable, "-m", "briefing", "stories", "--library", name, "--update-only"]
    _start_detached(command)
    print(
        f"briefing: note: grouping {report.deferred:,} articles into stories in the "
        "background; related coverage shows similar articles meanwhile",
        file=sys.stderr,
    )


def _start_detached(command: list[str]) -> None:
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # not ended by a Ctrl-C meant for this command
    )
    _BACKGROUND.append(process)


_BACKGROUND: list[subprocess.Popen[bytes]] = []
"""Processes this command started in the background (kept: a test may wait for them)."""


def print_engine_notices() -> None:
    """Say on stderr what reading had to do first (an index rebuilt from the articles)."""
    while _ENGINES:
        for notice in _ENGINES.pop().notices():
            print(f"briefing: note: {visible(notice)}", file=sys.stderr)
