"""The one display rule in the app: every string from outside is shown through here.

Ids and paths are file names; titles, sources, authors, URLs, snippets, facet values,
notes and error messages come from files or from what was typed. Textual's ``Content``
strips only a few control characters and Rich's ``Text`` fewer, so widgets build what
they show of such strings with these helpers: never parsed as markup, and every control
character, escape, bidi control and lone surrogate written as a visible escape
(:func:`briefing.corpus.sanitize.visible`).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.content import Content
from textual.style import Style

from briefing.engine import visible, visible_spans, visible_text

__all__ = ["untrusted", "untrusted_cell", "untrusted_text"]


def untrusted(text: str, spans: Sequence[tuple[int, int]] = (), style: Style | str = "") -> Content:
    """One line of ``Content`` for a string from outside, with ``spans`` of it styled.

    Args:
        text: The string (a title, an id, a path, an error message).
        spans: ``(start, end)`` character offsets into ``text`` to stylize (query matches).
        style: The style of those spans.
    """
    shown, moved = visible_spans(text, spans)
    content = Content(shown)
    for start, end in moved:
        content = content.stylize(style, start, end)
    return content


def untrusted_text(text: str) -> Content:
    """``Content`` for multi-line text from outside: its newlines kept, the rest escaped."""
    return Content(visible_text(text))


def untrusted_cell(text: str) -> Text:
    """A Rich ``Text`` (table cell, tree label) for a string from outside, on one line."""
    return Text(visible(text), no_wrap=True)
