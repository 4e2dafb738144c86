"""The ``?`` screen: every key, and the query syntax."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from briefing.tui.screens.search import SYNTAX_HELP

KEYS = [
    ("Anywhere", ""),
    ("/", "focus the search box"),
    ("?", "this help"),
    ("ctrl+p", "command palette: every action, theme switching"),
    ("ctrl+l", "library: add a folder, see what was skipped"),
    ("b", "notes and the briefing preview"),
    ("q, ctrl+q", "quit"),
    ("Results", ""),
    ("up/down, j/k", "move between results"),
    ("enter, click", "open the article"),
    ("r", "open it with its related coverage"),
    ("space", "mark the article (for comparing)"),
    ("c", "compare the marked articles (2 to 4) side by side"),
    ("tab", "next pane (facets: space toggles a source or month)"),
    ("escape", "from the search box to the results"),
    ("Library (ctrl+l)", ""),
    ("a", "type a folder to add (or pick one in the tree)"),
    ("ctrl+r", "re-index new, changed and deleted files"),
    ("escape", "back"),
    ("Reader", ""),
    ("n / N", "next / previous hit"),
    ("r", "related coverage (enter opens)"),
    ("c", "compare with the highlighted related article"),
    ("j / k", "select the next / previous sentence (then arrows too; J / K or shift extend)"),
    ("✎", "a noted quote: select it to see the note"),
    ("a", "annotate the selected sentences (or the article)"),
    ("escape", "back to the results, selection kept"),
    ("Compare", ""),
    ("up/down, j/k", "select a passage: its counterparts light up in the other columns"),
    ("tab", "next column; scrolling one column scrolls the others"),
    ("f", "facts table (conflicts first): a row jumps each column to its sentence"),
    ("+ / -", "add a column from related coverage / remove the focused one"),
    ("p", "pin the selected fact to the briefing as a discrepancy"),
    ("a", "annotate the selected passage"),
    ("Notes and briefing (b)", ""),
    ("enter / d / u", "edit / delete / undo the delete"),
    ("shift+up/down", "move a note up or down in the briefing"),
    ("t / s", "the briefing's title / its bottom line (summary)"),
    ("e", "export (.md, or .html); asks before overwriting"),
    ("/", "filter the notes"),
    ("marks", "● shared by every source  ◐ partly shared  ○ only in this source"),
]


class HelpScreen(ModalScreen[None]):
    """A modal list of keys and the query syntax; any of escape, ? or q closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90;
        max-height: 90%;
        height: auto;
        background: $surface;
        border: round $primary;
        padding: 1 2;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "close", "Close"),
    ]

    def compose(self) -> ComposeResult:
        lines: list[Content] = [Content("briefing — keys").stylize("bold"), Content("")]
        for key, what in KEYS:
            if not what:
                lines.append(Content(key).stylize("bold underline"))
            else:
                lines.append(Content(f"  {key:<16}").stylize("bold") + Content(what))
        lines.append(Content(""))
        lines.append(Content(SYNTAX_HELP))
        with VerticalScroll():
            yield Static(Content("\n").join(lines), id="help-text")

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss()
