"""The ``?`` screen: every key, read from the bindings themselves, and the query syntax.

Nothing here is written by hand but the sections: a key, its description and its
tooltip come from the ``BINDINGS`` of the app, the screens and their widgets, so the
help cannot promise what a key does not do.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingsMap, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

from briefing.tui.screens.search import SYNTAX_HELP

ANYWHERE = "Anywhere"

MARKS_HELP = (
    ("✎", "a noted quote in the reader: select it to see the note"),
    ("● ◐ ○", "in a compare column: shared by every source, partly shared, only in this source"),
)
KEY_WIDTH = 14
WIDTH = 80
"""Characters per line: the dialog's inside, less its scroll bar."""


@dataclass(frozen=True)
class KeyHelp:
    """One line of the help: the keys of one action, what it does, and more about it."""

    keys: tuple[str, ...]
    description: str
    tooltip: str = ""


def section_classes() -> list[tuple[str, list[type[DOMNode]]]]:
    """Each part of the help and the classes whose bindings it lists ("Anywhere" is the
    running app's). Imported here, when the help opens: the app loads some screens only
    when they are first shown."""
    from briefing.tui.screens.compare import CompareScreen, PickArticle
    from briefing.tui.screens.library import LibraryScreen
    from briefing.tui.screens.note_editor import NoteEditor
    from briefing.tui.screens.notes import Ask, Confirm, NotesScreen
    from briefing.tui.screens.reader import ReaderScreen
    from briefing.tui.screens.search import SearchScreen
    from briefing.tui.widgets.article_view import ArticleView
    from briefing.tui.widgets.passage_view import PassageView
    from briefing.tui.widgets.result_list import ResultList

    return [
        (ANYWHERE, []),
        ("Search", [SearchScreen, ResultList]),
        ("Reader", [ReaderScreen, ArticleView]),
        ("Compare", [CompareScreen, PassageView]),
        ("Notes and briefing", [NotesScreen]),
        ("Library", [LibraryScreen]),
        ("Dialogs", [NoteEditor, Confirm, Ask, PickArticle, HelpScreen]),
    ]


def effective_bindings(cls: type[DOMNode]) -> list[Binding]:
    """The bindings of briefing's own in ``cls``, one per key: the one a key press runs.

    Bindings merge down the class tree key by key (a subclass's bindings for a key
    replace its base's), and of several bindings for one key the first runs. Textual's
    own widget bindings (scrolling, say) are left out, but not the app's: ``ctrl+q``.
    """
    own = [
        base
        for base in cls.__mro__
        if issubclass(base, DOMNode)
        and "BINDINGS" in base.__dict__
        and (base.__module__.startswith("briefing.") or base is App)
    ]
    maps = [BindingsMap(base.__dict__["BINDINGS"]) for base in own]
    by_key: dict[str, Binding] = {}
    for bindings_map in reversed(maps):  # from the base down: the subclass's key wins
        for key, bindings in bindings_map.key_to_bindings.items():
            by_key[key] = bindings[0]
    # Listed as declared, the class's own keys before its bases'.
    order = dict.fromkeys(key for m in maps for key in m.key_to_bindings)
    return [by_key[key] for key in order]


def help_rows(app: App[object], classes: list[type[DOMNode]]) -> list[KeyHelp]:
    """What ``classes`` bind, one row per action (its keys together), in binding order."""
    rows: dict[tuple[str, str], KeyHelp] = {}
    for cls in classes:
        bindings = effective_bindings(cls)
        if issubclass(cls, App) and cls.ENABLE_COMMAND_PALETTE:
            bindings.append(
                Binding(
                    cls.COMMAND_PALETTE_BINDING,
                    "app.command_palette",
                    "Command palette",
                    tooltip="Every action by name; theme switching",
                )
            )
        for binding in bindings:
            if not binding.description or binding.system:
                continue
            row = rows.get((binding.action, binding.description))
            shown = app.get_key_display(binding)
            if row is None:
                row = KeyHelp((), binding.description, binding.tooltip)
            elif not row.tooltip and binding.tooltip:
                row = KeyHelp(row.keys, row.description, binding.tooltip)
            if shown not in row.keys:
                row = KeyHelp((*row.keys, shown), row.description, row.tooltip)
            rows[(binding.action, binding.description)] = row
    return list(rows.values())


def _line(keys: str, text: Content) -> list[Content]:
    """A key column and its text, the text wrapped under itself."""
    indent = 2 + KEY_WIDTH + 2
    wrapped = textwrap.wrap(text.plain, WIDTH - indent) or [""]
    lines = [Content(f"  {keys:<{KEY_WIDTH}}  ").stylize("bold")]
    offset = 0
    for n, part in enumerate(wrapped):
        start = text.plain.index(part, offset)
        offset = start + len(part)
        piece = text[start:offset]
        if n == 0:
            lines[0] += piece
        else:
            lines.append(Content(" " * indent) + piece)
    return lines


def help_text(app: App[object]) -> Content:
    """The whole help: every section's keys, the marks, and the query syntax."""
    lines: list[Content] = [Content("briefing — keys").stylize("bold"), Content("")]
    for title, classes in section_classes():
        if title == ANYWHERE:
            classes = [type(app)]
        lines.append(Content(title).stylize("bold underline"))
        for row in help_rows(app, classes):
            text = Content(row.description)
            if row.tooltip:
                text += Content(f" — {row.tooltip}").stylize("$text-muted")
            lines.extend(_line(" / ".join(row.keys), text))
    lines.append(Content("Marks").stylize("bold underline"))
    for mark, meaning in MARKS_HELP:
        lines.extend(_line(mark, Content(meaning)))
    lines.append(Content(""))
    lines.append(Content(SYNTAX_HELP))
    return Content("\n").join(lines)


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
        Binding("escape,question_mark,q", "close", "Close", tooltip="Close this help"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(help_text(self.app), id="help-text")

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss()
