"""The facade: the one way into briefing's core for the CLI and the app.

The CLI and every screen import from here (and the models, ``briefing.config`` and
``briefing.locations``), never from ``corpus``, ``index``, ``search``, ``compare``,
``notes`` or ``export`` directly; the import-linter contract in ``pyproject.toml``
holds them to it. :class:`Engine` (in :mod:`briefing.engine.protocol`) is the whole
contract, so that another engine can serve the same UI.
"""

from __future__ import annotations

from briefing.corpus.sanitize import (
    sanitize_line,
    shown_in_place,
    visible,
    visible_json,
    visible_spans,
    visible_text,
)
from briefing.engine.errors import (
    ArticleNotFound,
    FeedError,
    IndexBusy,
    IndexDamaged,
    IndexUnavailable,
    LibraryError,
    NoteNotFound,
    NotesUnavailable,
)
from briefing.engine.libraries import library_for_path, open_engine
from briefing.engine.local import INLINE_STORY_ARTICLES, WhooshEngine
from briefing.engine.protocol import Engine, Notes, Web
from briefing.export.model import Format
from briefing.index.library import (
    DEFAULT_LIBRARY,
    SAMPLE_MARKER,
    Library,
    check_name,
    library_names,
    load_library,
)
from briefing.index.reports import IngestReport, Progress
from briefing.search.date_spans import date_span


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Where each sentence of ``text`` starts and ends (the reader's sentence moves)."""
    from briefing.compare.align import split_sentences

    return [(s.start, s.end) for s in split_sentences(text)]


__all__ = [
    "DEFAULT_LIBRARY",
    "INLINE_STORY_ARTICLES",
    "SAMPLE_MARKER",
    "ArticleNotFound",
    "Engine",
    "FeedError",
    "Format",
    "IndexBusy",
    "IndexDamaged",
    "IndexUnavailable",
    "IngestReport",
    "Library",
    "LibraryError",
    "NoteNotFound",
    "Notes",
    "NotesUnavailable",
    "Progress",
    "Web",
    "WhooshEngine",
    "check_name",
    "date_span",
    "library_for_path",
    "library_names",
    "load_library",
    "open_engine",
    "sanitize_line",
    "sentence_spans",
    "shown_in_place",
    "visible",
    "visible_json",
    "visible_spans",
    "visible_text",
]
