"""The errors a user can cause through the engine, each with a one-line message.

The CLI prints them as they are and the app shows them as one notification; anything
else that escapes the engine is a bug.
"""

from __future__ import annotations

from briefing.index.errors import IndexDamaged, IndexUnavailable
from briefing.index.library import LibraryError
from briefing.index.locking import IndexBusy
from briefing.notes.errors import NoteNotFound, NotesUnavailable
from briefing.web.subscriptions import FeedError


class ArticleNotFound(Exception):
    """No article, or more than one, answers to the id the user gave (one-line message)."""


__all__ = [
    "ArticleNotFound",
    "FeedError",
    "IndexBusy",
    "IndexDamaged",
    "IndexUnavailable",
    "LibraryError",
    "NoteNotFound",
    "NotesUnavailable",
]
