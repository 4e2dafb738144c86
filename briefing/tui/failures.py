"""One policy for workers that fail: a one-line notification, never a crash.

Every worker in the app runs with ``exit_on_error=False`` and a ``name`` that says
what it was doing ("saving the note"). When one raises, ``BriefingApp`` turns the
error into one notification (see ``BriefingApp.on_worker_state_changed``). Worker
messages do not bubble, so screens pass their workers' failures on to the app
(:class:`WorkerScreen`) and get a hook to put themselves back in order.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from textual import on
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from briefing.engine import (
    ArticleNotFound,
    FeedError,
    IndexBusy,
    IndexUnavailable,
    LibraryError,
    NoteNotFound,
    NotesUnavailable,
    visible,
)

EXPECTED_ERRORS: tuple[type[Exception], ...] = (
    IndexBusy,
    IndexUnavailable,
    NotesUnavailable,
    NoteNotFound,
    ArticleNotFound,
    LibraryError,
    FeedError,  # the feed list cannot be used
    OSError,  # a full disk, a read-only folder, a path that cannot be used
    ValueError,  # what the user typed does not fit
    sqlite3.Error,  # a damaged notes or problems database
)
"""Errors whose message is made for the user: shown as they are, without a type name."""

MAX_MESSAGE = 500
"""Characters of a notification at most: an error can quote a whole file."""


def failure_message(job: str, error: BaseException) -> str:
    """What to tell the user about ``error`` in the worker doing ``job``: one safe line.

    Expected errors say what went wrong in their message; anything else is a bug, so
    the type is named. Error messages quote paths and file names: every control
    character is shown as a visible escape.
    """
    kind = type(error).__name__
    if isinstance(error, EXPECTED_ERRORS):
        text = f"{job[:1].upper()}{job[1:]} failed: {str(error) or kind}"
    else:
        text = f"Unexpected error in {job}: {kind}" + (f": {error}" if str(error) else "")
    text = visible(text)
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


class WorkerScreen(Screen[None]):
    """A screen whose workers' failures reach the app's one handler."""

    @on(Worker.StateChanged)
    def _pass_failure_on(self, event: Worker.StateChanged) -> None:
        # Worker.StateChanged goes to the node that ran the worker and does not bubble.
        if event.state is WorkerState.ERROR:
            self.app.post_message(Worker.StateChanged(event.worker, event.state))

    def worker_failed(self, worker: Worker[Any], message: str) -> None:
        """Put the screen back in order after one of its workers failed.

        The app has already told the user ``message``; a screen overrides this to
        replace a "Loading…" placeholder, say, with what went wrong.
        """
