"""The result list: virtualised, so that 10,000 hits scroll as smoothly as 10."""

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
from textual.strip import Strip

from briefing.engine import visible
from briefing.search.model import Hit, Snippet
from briefing.tui.untrusted import untrusted
from briefing.tui.widgets.fixed_scroll import FixedScroll

ROW_HEIGHT = 4  # title, source line, snippet, gap
_INDENT = 6


class ResultList(FixedScroll, can_focus=True):
    """Ranked hits, three lines each, with a cursor.

    Only the hits on screen are rendered, and only the pages of hits that come into
    view are asked for (``PageWanted``): the list knows the total from the first
    search and fills in the rest lazily. Titles, ids and snippets are shown by the
    display rule (:mod:`briefing.tui.untrusted`), never parsed as markup.
    """

    DEFAULT_CSS = """
    ResultList {
        height: 1fr;
        background: $surface;
        overflow-y: scroll;  /* see FixedScroll */
    }
    ResultList > .result-list--title { text-style: bold; color: $text; }
    ResultList > .result-list--meta { color: $text-muted; }
    ResultList > .result-list--snippet { color: $text; }
    ResultList > .result-list--match { background: $accent 35%; text-style: bold; }
    ResultList > .result-list--cursor { background: $primary 15%; }
    ResultList:focus > .result-list--cursor { background: $primary 35%; }
    ResultList > .result-list--pending { color: $text-muted; text-style: italic; }
    ResultList > .result-list--marked { color: $success; text-style: bold reverse; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "result-list--title",
        "result-list--meta",
        "result-list--snippet",
        "result-list--match",
        "result-list--cursor",
        "result-list--pending",
        "result-list--marked",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "Previous result", show=False),
        Binding("down,j", "move(1)", "Next result", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "first", "First result", show=False),
        Binding("end", "last", "Last result", show=False),
        Binding("enter", "open", "Open", tooltip="Open the article (a click does too)"),
        Binding("space", "toggle_mark", "Mark", tooltip="Mark the article for comparing"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)

    @dataclass
    class Opened(Message):
        """The user opened a hit (enter, or a click on the selected hit)."""

        hit: Hit
        index: int

    @dataclass
    class MarksChanged(Message):
        """The set of marked hits changed (space): their ids, in marking order."""

        marked: tuple[str, ...]

    @dataclass
    class PageWanted(Message):
        """Hits of this page are on screen but not loaded yet."""

        page: int
        generation: int

    def __init__(self, page_size: int = 50, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.page_size = page_size
        self.total = 0
        self.generation = 0
        self._hits: dict[int, Hit] = {}
        self.marked: dict[str, None] = {}  # ids, kept across searches, in marking order
        self._requested: set[int] = set()
        self._strips: dict[tuple[int, int, int, bool, bool, bool], Strip] = {}

    # -- data ----------------------------------------------------------------------

    def reset(self, total: int, hits: Sequence[Hit], keep_selection: bool = False) -> int:
        """Show a new result: ``total`` matches, the first ``hits`` of them.

        With ``keep_selection`` (the same query again, on a library that changed), the
        cursor stays on the article it was on if that article is among ``hits``, else at
        the same row, and the list keeps its scroll position; otherwise it starts at the
        top. Returns the new generation, which later pages must carry to be accepted.
        """
        selected = self.selected.id if keep_selection and self.selected else None
        row, scroll_y = self.cursor, self.scroll_y
        self.generation += 1
        self.total = total
        self._hits = dict(enumerate(hits))
        self._requested = {0}
        self._strips.clear()
        size = Size(self.scrollable_content_region.width, total * ROW_HEIGHT)
        if size != self.virtual_size:  # a new size lays the scroll bars out again
            self.virtual_size = size
        if keep_selection:
            found = [n for n, hit in enumerate(hits) if hit.id == selected]
            self.scroll_to(0, scroll_y, animate=False, immediate=True)
            # (the cursor's watcher scrolls it into view if it moved)
            self.cursor = found[0] if found else min(row, max(total - 1, 0))
        else:
            self.scroll_to(0, 0, animate=False, immediate=True)
            self.cursor = 0
        self.refresh()
        self._request_visible()
        return self.generation

    def add_page(self, generation: int, page: int, hits: Sequence[Hit]) -> None:
        """Fill in a page of hits asked for with ``PageWanted`` (stale pages are dropped)."""
        if generation != self.generation:
            return
        start = page * self.page_size
        for offset, hit in enumerate(hits):
            self._hits[start + offset] = hit
        self._strips.clear()
        self.refresh()

    @property
    def selected(self) -> Hit | None:
        """The hit under the cursor, if it is loaded."""
        return self._hits.get(self.cursor)

    # -- actions -------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        """Move the cursor by ``delta`` hits."""
        if self.total:
            self.cursor = max(0, min(self.total - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        """Move the cursor by a screenful."""
        rows = max(1, self.scrollable_content_region.height // ROW_HEIGHT)
        self.action_move(direction * rows)

    def action_first(self) -> None:
        """Go to the first hit."""
        self.action_move(-self.total)

    def action_last(self) -> None:
        """Go to the last hit."""
        self.action_move(self.total)

    def action_open(self) -> None:
        """Open the hit under the cursor."""
        hit = self.selected
        if hit is not None:
            self.post_message(self.Opened(hit, self.cursor))

    def action_toggle_mark(self) -> None:
        """Mark or unmark the hit under the cursor (for comparing articles)."""
        hit = self.selected
        if hit is None:
            return
        if hit.id in self.marked:
            del self.marked[hit.id]
        else:
            self.marked[hit.id] = None
        self._strips.clear()
        self.refresh()
        self.post_message(self.MarksChanged(tuple(self.marked)))

    def watch_cursor(self, cursor: int) -> None:
        width = self.scrollable_content_region.width
        self.scroll_to_region(Region(0, cursor * ROW_HEIGHT, width, ROW_HEIGHT), animate=False)
        self._strips.clear()
        self.refresh()

    def on_focus(self) -> None:
        self._strips.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._strips.clear()
        self.refresh()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self.total * ROW_HEIGHT)
        self._strips.clear()
        self._request_visible()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = (offset.y + int(self.scroll_offset.y)) // ROW_HEIGHT
        if not 0 <= index < self.total:
            return
        if index == self.cursor or event.chain > 1:
            self.cursor = index
            self.action_open()
        else:
            self.cursor = index

    # -- rendering -----------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        line = int(self.scroll_offset.y) + y
        index, row = divmod(line, ROW_HEIGHT)
        if index >= self.total:
            return Strip.blank(width, self.rich_style)
        hit = self._hits.get(index)
        marked = hit is not None and hit.id in self.marked
        key = (index, row, width, index == self.cursor, hit is None, marked)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._render_row(index, row, hit, width)
            self._strips[key] = strip
        return strip

    def _request_visible(self) -> None:
        """Ask for the pages of the hits in view that are not loaded yet.

        Done when the view moves or resizes, never while rendering: rendering has
        no side effects.
        """
        if not self.total:
            return
        top = int(self.scroll_offset.y) // ROW_HEIGHT
        bottom = (int(self.scroll_offset.y) + self.scrollable_content_region.height) // ROW_HEIGHT
        for page in range(top // self.page_size, min(bottom, self.total - 1) // self.page_size + 1):
            if page not in self._requested:
                self._requested.add(page)
                self.post_message(self.PageWanted(page, self.generation))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._request_visible()

    def _render_row(self, index: int, row: int, hit: Hit | None, width: int) -> Strip:
        base = self.get_visual_style("result-list--snippet")
        if index == self.cursor:
            base = base + self.get_visual_style("result-list--cursor")
        if hit is None:
            text = Content(f"{index + 1:>4}. …" if row == 0 else "")
            if row == 0:
                text = text.stylize(self.get_visual_style("result-list--pending"))
        elif row == 0:
            title = untrusted(hit.title).stylize(self.get_visual_style("result-list--title"))
            if hit.id in self.marked:
                mark = Content(" ✓ ").stylize(self.get_visual_style("result-list--marked"))
                text = mark + Content(f"{index + 1:>2}. ") + title
            else:
                text = Content(f"{index + 1:>4}. ") + title
        elif row == 1:
            date = hit.published.isoformat() if hit.published else "undated"
            meta = f"{hit.source or 'unknown source'} · {date} · {hit.id}"
            text = Content(" " * _INDENT) + untrusted(meta).stylize(
                self.get_visual_style("result-list--meta")
            )
        elif row == 2 and hit.snippets:
            text = Content(" " * _INDENT) + self._snippet(hit, width - _INDENT - 1)
        else:
            text = Content("")
        text = text.truncate(max(0, width), ellipsis=True, pad=True)
        return Strip(text.render_segments(base), width).extend_cell_length(width, base.rich_style)

    def _snippet(self, hit: Hit, width: int) -> Content:
        """The best snippet on one line, shifted so that its first match is visible."""
        text, spans = _one_line(hit.snippets[0])
        start = 0
        if spans and spans[0][1] > width - 2:
            start = max(0, spans[0][0] - width // 3)
            space = text.find(" ", start, spans[0][0])
            if space != -1:
                start = space + 1  # begin at a word, not inside one
        shown = ("…" if start else "") + text[start:]
        shift = (1 if start else 0) - start
        content = Content(shown)
        match = self.get_visual_style("result-list--match")
        for a, b in spans:
            a, b = a + shift, b + shift
            if b > 0:
                content = content.stylize(match, max(a, 0), b)
        return content.truncate(max(0, width), ellipsis=True)


def _one_line(snippet: Snippet) -> tuple[str, list[tuple[int, int]]]:
    """The snippet with each whitespace run as one space and anything else a terminal must
    not receive as a visible escape, and its highlights moved to match."""
    out: list[str] = []
    mapping: list[int] = []
    length = 0
    previous_space = False
    for ch in snippet.text:
        mapping.append(length)
        space = ch.isspace()
        if not (space and previous_space):
            shown = " " if space else visible(ch)
            out.append(shown)
            length += len(shown)
        previous_space = space
    mapping.append(length)
    return "".join(out), [(mapping[a], mapping[b]) for a, b in snippet.highlights]
