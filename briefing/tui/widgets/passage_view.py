"""One column of the compare screen: an article's passages, marked by what other sources share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from briefing.compare.model import AlignedPassage
from briefing.tui.untrusted import untrusted
from briefing.tui.widgets.wrap import wrap_offsets

GUTTER = 2
# A marker as well as a colour, so that the status reads without colour too.
MARKS = {"shared": "●", "partial": "◐", "unique": "○"}


@dataclass(frozen=True)
class _Line:
    passage: int
    start: int
    end: int
    first: bool


class PassageView(ScrollView, can_focus=True):
    """Passages one after another, wrapped, with a gutter mark: ● shared, ◐ partly, ○ only here.

    ``cursor`` is the selected passage; ``linked`` are passages highlighted because
    they are the counterparts of the passage selected in another column. Text is
    shown as ``Content`` (never markup).
    """

    DEFAULT_CSS = """
    PassageView { height: 1fr; background: $surface; scrollbar-gutter: stable; }
    PassageView > .passage-view--shared { color: $text; }
    PassageView > .passage-view--partial { color: $text; }
    PassageView > .passage-view--unique { color: $text-muted; }
    PassageView > .passage-view--mark-shared { color: $success; text-style: bold; }
    PassageView > .passage-view--mark-partial { color: $warning; text-style: bold; }
    PassageView > .passage-view--mark-unique { color: $text-muted; }
    PassageView > .passage-view--cursor { background: $primary 25%; }
    PassageView:focus > .passage-view--cursor { background: $primary 45%; }
    PassageView > .passage-view--linked { background: $accent 30%; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "passage-view--shared",
        "passage-view--partial",
        "passage-view--unique",
        "passage-view--mark-shared",
        "passage-view--mark-partial",
        "passage-view--mark-unique",
        "passage-view--cursor",
        "passage-view--linked",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "down,j",
            "move(1)",
            "Next passage",
            show=False,
            tooltip="Its counterparts light up in the other columns",
        ),
        Binding("up,k", "move(-1)", "Previous passage", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)

    @dataclass
    class Selected(Message):
        """The user selected a passage in this column."""

        view: PassageView
        passage: int

    @dataclass
    class Scrolled(Message):
        """The user scrolled this column; ``passage`` is the one now at the top."""

        view: PassageView
        passage: int

    def __init__(self, article_id: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.article_id = article_id
        self.passages: tuple[AlignedPassage, ...] = ()
        self.linked: frozenset[int] = frozenset()
        self._lines: list[_Line] = []
        self._first_line: list[int] = []
        self._width = 0
        self._programmatic = False

    # -- data ----------------------------------------------------------------------

    def set_passages(self, passages: Sequence[AlignedPassage]) -> None:
        """Show these passages (the comparison of this column's article)."""
        self.passages = tuple(passages)
        self._width = 0
        self._layout()
        self.cursor = 0

    def link(self, passages: frozenset[int]) -> None:
        """Highlight these passages as counterparts of a selection elsewhere."""
        self.linked = passages
        self.refresh()

    def passage_at_top(self) -> int:
        """The passage whose text is at the top of the view."""
        y = int(self.scroll_offset.y)
        if not self._lines:
            return 0
        return self._lines[min(y, len(self._lines) - 1)].passage

    def show_passage(self, index: int, top: bool = False) -> None:
        """Scroll so that passage ``index`` is in view (at the top when ``top``)."""
        if not 0 <= index < len(self._first_line):
            return
        self._programmatic = True
        y = self._first_line[index]
        if top:
            self.scroll_to(y=y, animate=False, immediate=True)
        else:
            height = self._passage_height(index)
            self.scroll_to_region(Region(0, y, 1, height), animate=False, immediate=True)
        self._programmatic = False

    # -- layout --------------------------------------------------------------------

    def _passage_height(self, index: int) -> int:
        first = self._first_line[index]
        end = self._first_line[index + 1] if index + 1 < len(self._first_line) else len(self._lines)
        return max(1, end - first - 1)

    def _layout(self) -> None:
        width = max(1, self.scrollable_content_region.width - GUTTER)
        if width == self._width and self._lines:
            return
        self._width = width
        lines: list[_Line] = []
        firsts: list[int] = []
        for n, aligned in enumerate(self.passages):
            firsts.append(len(lines))
            text = aligned.passage.text
            for i, (start, end) in enumerate(wrap_offsets(text, width)):
                lines.append(_Line(n, start, end, i == 0))
            lines.append(_Line(n, 0, 0, False))  # a gap after each passage
        self._lines = lines
        self._first_line = firsts
        self.virtual_size = Size(width + GUTTER, len(lines))
        self.refresh()

    def on_resize(self) -> None:
        self._layout()

    # -- interaction ---------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        """Select the next or previous passage."""
        if self.passages:
            self.cursor = max(0, min(len(self.passages) - 1, self.cursor + delta))
            self.show_passage(self.cursor)
            self.post_message(self.Selected(self, self.cursor))

    def watch_cursor(self) -> None:
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not self._lines:
            return
        y = offset.y + int(self.scroll_offset.y)
        if 0 <= y < len(self._lines):
            self.cursor = self._lines[y].passage
            self.post_message(self.Selected(self, self.cursor))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if not self._programmatic and int(old_value) != int(new_value):
            self.post_message(self.Scrolled(self, self.passage_at_top()))

    # -- rendering -----------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = int(self.scroll_offset.y) + y
        base = self.get_visual_style("passage-view--shared")
        if not 0 <= index < len(self._lines):
            return Strip.blank(width, base.rich_style)
        line = self._lines[index]
        aligned = self.passages[line.passage]
        status = aligned.status
        style = self.get_visual_style(f"passage-view--{status}")
        if line.passage == self.cursor:
            style = style + self.get_visual_style("passage-view--cursor")
        elif line.passage in self.linked:
            style = style + self.get_visual_style("passage-view--linked")
        if line.end <= line.start:
            return Strip.blank(width, base.rich_style)
        text = aligned.passage.text[line.start : line.end].rstrip("\n")
        mark = Content(MARKS[status] + " " if line.first else " " * GUTTER)
        if line.first:
            mark = mark.stylize(self.get_visual_style(f"passage-view--mark-{status}"))
        body = untrusted(text).truncate(max(0, width - GUTTER), pad=True).stylize(style)
        content = (mark + body).truncate(width, pad=True)
        return Strip(content.render_segments(base), width).extend_cell_length(
            width, base.rich_style
        )
