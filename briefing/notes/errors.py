"""The notes' errors, apart from the store: the app's failure policy names them at
launch, before the store (and SQLite) are needed."""

from __future__ import annotations

__all__ = ["NoteNotFound", "NotesUnavailable"]


class NotesUnavailable(Exception):
    """The notes database cannot be used (one-line message naming the file)."""


class NoteNotFound(Exception):
    """No note with that id (one-line message)."""
