"""A virtualised, word-wrapped view of one article's text with its search matches.

The view wraps the text itself and keeps, for every wrapped line, the ``(start, end)``
character offsets it covers, so that a character offset (a match, later a sentence)
maps to a line and back. Only the visible lines are ever turned into segments, which
keeps a 2 MB article as smooth to scroll as a short one.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from briefing.engine import sentence_spans, shown_in_place, visible
from briefing.tui.widgets.wrap import wrap_offsets

__all__ = ["ArticleView"]

# How many wrapped layouts (one per width) to keep: resizing back and forth is free.
_LAYOUT_CACHE = 4


GUTTER = 2  # "✎ " marks lines that hold a noted quote


@dataclass(frozen=True)
class _Layout:
    """The text wrapped to one width: line ``n`` covers ``starts[n]:ends[n]``."""

    width: int
    starts: list[int]
    ends: list[int]


class ArticleView(ScrollView, can_focus=True):
    """A scrollable, word-wrapped article text with highlighted search matches.

    Give it the text and the match spans with :meth:`set_text`; move between matches
    with :meth:`next_hit` and :meth:`previous_hit`, which scroll the current match into
    view and post :class:`ArticleView.HitChanged`. The text is shown literally: it is
    never parsed as markup.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-view--match",
        "article-view--current",
        "article-view--message",
        "article-view--error",
        "article-view--selection",
        "article-view--note",
        "article-view--gutter",
    }

    DEFAULT_CSS = """
    ArticleView {
        background: $surface;
        color: $foreground;
        padding: 0 1;
        overflow-x: hidden;
        /* Always a scrollbar: one that appears with a long article lays the whole
           reader out again (the first open's third layout); a stable gutter keeps the
           wrap width the same either way. */
        overflow-y: scroll;
        scrollbar-gutter: stable;
        &:focus {
            background-tint: $foreground 4%;
        }
    }
    ArticleView > .article-view--match {
        background: $accent 35%;
    }
    ArticleView > .article-view--current {
        background: $accent;
        color: auto;
        text-style: bold;
    }
    ArticleView > .article-view--message {
        color: $text-muted;
        text-style: italic;
    }
    ArticleView > .article-view--error {
        color: $text-error;
    }
    ArticleView > .article-view--selection {
        background: $primary 40%;
    }
    ArticleView > .article-view--note {
        text-style: underline;
    }
    ArticleView > .article-view--gutter {
        color: $warning;
        text-style: bold;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "page_down", "Page down", show=False),
        Binding("j", "sentence(1)", "Next sentence", show=False, tooltip="Select it"),
        Binding(
            "down",
            "arrow(1)",
            "Down",
            show=False,
            tooltip="Scroll; once a sentence is selected, the next sentence",
        ),
        Binding(
            "up",
            "arrow(-1)",
            "Up",
            show=False,
            tooltip="Scroll; once a sentence is selected, the previous sentence",
        ),
        Binding("k", "sentence(-1)", "Previous sentence", show=False, tooltip="Select it"),
        Binding("J,shift+down", "extend(1)", "Extend selection", show=False),
        Binding("K,shift+up", "extend(-1)", "Shrink selection", show=False),
    ]

    @dataclass
    class SelectionChanged(Message):
        """The sentence cursor moved: ``start``/``end`` offsets of the selected text."""

        start: int
        end: int

    @dataclass
    class HitChanged(Message):
        """The current match changed: ``index`` (0-based) of ``count`` matches."""

        index: int
        count: int

    def __init__(
        self,
        text: str = "",
        highlights: Sequence[tuple[int, int]] = (),
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """Create the view.

        Args:
            text: The article's text, paragraphs separated by blank lines.
            highlights: Match spans, ``(start, end)`` character offsets into ``text``.
            name: The widget's name.
            id: The widget's DOM id.
            classes: The widget's CSS classes.
        """
        super().__init__(name=name, id=id, classes=classes)
        self._text = ""
        self._shown = ""
        self._hits: list[tuple[int, int]] = []
        self._hit_ends: list[int] = []
        self._current: int | None = None
        self._message_class: str | None = None
        self._layouts: dict[int, _Layout] = {}
        self._layout: _Layout | None = None
        # An offset to bring into view once the view knows its width.
        self._pending_offset: int | None = None
        self._rows = 0  # visible rows as of the last resize
        self._sentences: list[tuple[int, int]] = []
        self._anchor_sentence: int | None = None
        self._cursor_sentence: int | None = None
        self.note_spans: list[tuple[int, int]] = []
        self.set_text(text, highlights)

    # -- content ---------------------------------------------------------------------

    @property
    def text(self) -> str:
        """The text shown (the message, while one is shown)."""
        return self._text

    @property
    def highlights(self) -> tuple[tuple[int, int], ...]:
        """The match spans, in order."""
        return tuple(self._hits)

    def set_text(self, text: str, highlights: Sequence[tuple[int, int]] = ()) -> None:
        """Show ``text`` with ``highlights``; no match is current, and the view goes to the top.

        Args:
            text: The article's text, paragraphs separated by blank lines.
            highlights: ``(start, end)`` character offsets into ``text``; expected not to
                overlap. Empty or out-of-range spans are dropped.
        """
        self._message_class = None
        self._sentences = []
        self._cursor_sentence = self._anchor_sentence = None
        self.note_spans = []
        self._load(text, highlights)

    def show_message(self, message: str, *, error: bool = False) -> None:
        """Replace the text with a one-line message ("Loading…", an error).

        Args:
            message: The message; what it quotes (an id, a path) is shown by the
                display rule, on one line.
            error: Style it as an error.
        """
        self._load(visible(message), ())
        self._message_class = "article-view--error" if error else "article-view--message"

    def _load(self, text: str, highlights: Sequence[tuple[int, int]]) -> None:
        self._text = text
        self._shown = shown_in_place(text)
        length = len(text)
        self._hits = sorted(
            (max(0, start), min(length, end))
            for start, end in highlights
            if start < end and start < length and end > 0
        )
        self._hit_ends = [end for _, end in self._hits]
        self._current = None
        self._layouts.clear()
        self._layout = None
        self._pending_offset = None
        if self.is_mounted:
            self._relayout()
            self.scroll_to(0, 0, animate=False, force=True)
            self.refresh()

    # -- hits ------------------------------------------------------------------------

    @property
    def hit_count(self) -> int:
        """How many matches the text has."""
        return len(self._hits)

    @property
    def current(self) -> int | None:
        """The index of the current match, or None before the first move."""
        return self._current

    def go_to_hit(self, index: int) -> None:
        """Make match ``index`` (taken modulo the count) current and scroll it into view.

        Posts :class:`ArticleView.HitChanged`. Does nothing when there are no matches.
        """
        if not self._hits:
            return
        index %= len(self._hits)
        self._current = index
        self.scroll_to_offset(self._hits[index][0])
        self.refresh()
        self.post_message(self.HitChanged(index, len(self._hits)))

    def next_hit(self) -> None:
        """Go to the next match, from the last one back to the first."""
        self.go_to_hit(0 if self._current is None else self._current + 1)

    def previous_hit(self) -> None:
        """Go to the previous match, from the first one round to the last."""
        self.go_to_hit(-1 if self._current is None else self._current - 1)

    # -- offsets and lines -----------------------------------------------------------

    @property
    def line_count(self) -> int:
        """How many wrapped lines the text has at the current width (0 before layout)."""
        return len(self._layout.starts) if self._layout else 0

    def line_of(self, offset: int) -> int:
        """The wrapped line that holds character ``offset`` (clamped to the text).

        Raises:
            RuntimeError: Before the view has been laid out.
        """
        layout = self._require_layout()
        return max(0, min(bisect_right(layout.starts, offset) - 1, len(layout.starts) - 1))

    def offsets_of(self, line: int) -> tuple[int, int]:
        """The ``(start, end)`` character offsets wrapped line ``line`` covers.

        Raises:
            RuntimeError: Before the view has been laid out.
            IndexError: For a line that does not exist.
        """
        layout = self._require_layout()
        return layout.starts[line], layout.ends[line]

    def scroll_to_offset(self, offset: int, *, center: bool = True) -> None:
        """Bring the line holding character ``offset`` into view, centred if it was not.

        Before the view knows its width, the scroll happens once it does.
        """
        if self._layout is None:
            self._pending_offset = offset
            return
        line = self.line_of(offset)
        top = round(self.scroll_y)
        height = max(1, self.scrollable_content_region.height)
        if top <= line < top + height:
            return
        y = line - (height - 1) // 2 if center else line
        # force: right after new text the scrollbar (and so scrolling) is only enabled
        # at the next layout, but the virtual size is already right.
        self.scroll_to(y=max(0, y), animate=False, force=True)

    def _require_layout(self) -> _Layout:
        if self._layout is None:
            raise RuntimeError("the article view has not been laid out yet")
        return self._layout

    # -- layout ----------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        """Re-wrap for the new width; keep the current match in view if it was, else the top."""
        rows, self._rows = self._rows, self.scrollable_content_region.height
        layout = self._layout
        if layout is None:
            self._relayout()
            return
        top = min(round(self.scroll_y), len(layout.starts) - 1)
        hit = None if self._current is None else self._hits[self._current][0]
        if hit is not None and top <= self.line_of(hit) < top + rows:
            # E.g. the header above grew after the jump to the first match: follow the match.
            self._relayout()
            self.scroll_to_offset(hit)
        elif self._relayout():
            self.scroll_to(y=self.line_of(layout.starts[top]), animate=False, force=True)

    def _relayout(self) -> bool:
        """Wrap for the current width (cached per width); True if the layout changed."""
        width = self.scrollable_content_region.width - GUTTER
        if width <= 0:
            return False  # not laid out yet: on_resize will come
        if self._layout is not None and self._layout.width == width:
            return False
        layout = self._layouts.get(width)
        if layout is None:
            spans = wrap_offsets(self._text, width)
            layout = _Layout(width, [s for s, _ in spans], [e for _, e in spans])
            if len(self._layouts) >= _LAYOUT_CACHE:
                del self._layouts[next(iter(self._layouts))]
            self._layouts[width] = layout
        self._layout = layout
        self.virtual_size = Size(width, len(layout.starts))
        if self._pending_offset is not None:
            offset, self._pending_offset = self._pending_offset, None
            self.scroll_to_offset(offset)
        self.refresh()
        return True

    # -- rendering -------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """Render the visible line ``y`` (relative to the top of the view)."""
        width = self.scrollable_content_region.width
        base = self.visual_style
        if self._message_class is not None:
            base = self.get_visual_style(self._message_class)
        layout = self._layout
        index = round(self.scroll_y) + y
        if layout is None or index >= len(layout.starts):
            return Strip.blank(width, base.rich_style)
        start, end = layout.starts[index], layout.ends[index]
        if end > start and self._shown[end - 1] == "\n":
            end -= 1
        # Plain Content, never markup: article text is untrusted ("[@click=app.quit]").
        content = Content(self._shown[start:end]).rstrip()
        selection = self.selection
        if selection is not None and selection[0] < end and selection[1] > start:
            content = content.stylize(
                self.get_visual_style("article-view--selection"),
                max(0, selection[0] - start),
                selection[1] - start,
            )
        noted = False
        for note_start, note_end in self.note_spans:
            if note_start < max(end, start + 1) and note_end > start:
                noted = True
                content = content.stylize(
                    self.get_visual_style("article-view--note"),
                    max(0, note_start - start),
                    note_end - start,
                )
        for hit_index, (hit_start, hit_end) in self._hits_between(start, end):
            component = (
                ("article-view--match", "article-view--current")
                if hit_index == self._current
                else ("article-view--match",)
            )
            content = content.stylize(
                self.get_visual_style(*component), hit_start - start, hit_end - start
            )
        gutter = Content("✎ " if noted else "  ")
        if noted:
            gutter = gutter.stylize(self.get_visual_style("article-view--gutter"))
        content = gutter + content
        strip = Strip(content.render_segments(base), content.cell_length)
        return strip.adjust_cell_length(width, base.rich_style)

    # -- the sentence cursor (picking a quote) ----------------------------------------

    @property
    def selection(self) -> tuple[int, int] | None:
        """The selected text as ``(start, end)`` offsets: whole sentences, or None."""
        if self._cursor_sentence is None or not self._sentences:
            return None
        anchor = self._cursor_sentence if self._anchor_sentence is None else self._anchor_sentence
        first, last = sorted((anchor, self._cursor_sentence))
        return self._sentences[first][0], self._sentences[last][1]

    def set_notes(self, spans: Sequence[tuple[int, int]]) -> None:
        """Underline these quoted spans and mark their lines in the gutter."""
        self.note_spans = sorted(spans)
        self.refresh()

    def action_sentence(self, delta: int) -> None:
        """Select the next or previous sentence."""
        self._move_sentence(delta, extend=False)

    def action_arrow(self, delta: int) -> None:
        """Move by sentence once one is selected (j/k); until then, scroll a line."""
        if self._cursor_sentence is not None:
            self._move_sentence(delta, extend=False)
        elif delta > 0:
            self.scroll_down(animate=False)
        else:
            self.scroll_up(animate=False)

    def action_extend(self, delta: int) -> None:
        """Grow or shrink the selection by a sentence."""
        self._move_sentence(delta, extend=True)

    def _move_sentence(self, delta: int, extend: bool) -> None:
        if not self._sentences:
            self._sentences = sentence_spans(self._text)
            if not self._sentences:
                return
        if self._cursor_sentence is None:
            # Start where the reader is looking: the current match's sentence, else the top.
            if self._current is not None:
                self._cursor_sentence = self._sentence_at(self._hits[self._current][0])
            else:
                self._cursor_sentence = self._first_visible_sentence()
            self._anchor_sentence = None
        else:
            if extend and self._anchor_sentence is None:
                self._anchor_sentence = self._cursor_sentence
            elif not extend:
                self._anchor_sentence = None
            self._cursor_sentence = max(
                0, min(len(self._sentences) - 1, self._cursor_sentence + delta)
            )
        selection = self.selection
        if selection is not None:
            self.scroll_to_offset(self._sentences[self._cursor_sentence][0], center=False)
            self.post_message(self.SelectionChanged(*selection))
        self.refresh()

    def _sentence_at(self, offset: int) -> int:
        for n, (_start, end) in enumerate(self._sentences):
            if end > offset:
                return n
        return max(0, len(self._sentences) - 1)

    def _first_visible_sentence(self) -> int:
        if self._layout is None:
            return 0
        top = min(round(self.scroll_y), len(self._layout.starts) - 1)
        offset = self._layout.starts[top] if self._layout.starts else 0
        for n, (_start, end) in enumerate(self._sentences):
            if end > offset:
                return n
        return 0

    def _hits_between(self, start: int, end: int) -> list[tuple[int, tuple[int, int]]]:
        """The matches overlapping ``[start, end)``, with their indexes."""
        found = []
        index = bisect_right(self._hit_ends, start)
        while index < len(self._hits) and self._hits[index][0] < end:
            found.append((index, self._hits[index]))
            index += 1
        return found
