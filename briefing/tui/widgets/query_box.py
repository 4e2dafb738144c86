"""The search box: Textual's Input, without a layout of the screen per keystroke."""

from __future__ import annotations

from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Input


class QueryBox(Input):
    """An Input of fixed size whose typing repaints only itself.

    Input sets its virtual size (the text's width, for scrolling long text) on every
    change, and Widget's virtual size is a reactive that lays the whole screen out
    again: 20-40 ms per key at 42,000 articles, on the thread the search shares the
    interpreter with. The box's own size never depends on its text, so the virtual
    size is set here first, quietly; Input then finds it unchanged and only repaints.
    """

    def _watch_value(self, value: str) -> None:
        self.set_reactive(Widget.virtual_size, Size(self.content_width, 1))
        super()._watch_value(value)
