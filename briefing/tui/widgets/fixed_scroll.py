"""Scrolling lists whose content changes with every key, without a layout per key."""

from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView


class FixedScroll(ScrollView):
    """A ScrollView whose own size is fixed by its CSS (never ``auto``).

    Its virtual size (the length of its content) changes with every query typed, and
    Textual answers each change with a layout of the whole screen and a full repaint:
    20-50 ms per key at 42,000 articles, most of what a key cost the screen. The
    widget's own size does not depend on its content, so nothing else can move: a
    change of content updates its scroll bars and repaints it instead. Its CSS must keep
    the vertical scroll bar either always shown or never (``overflow-y: scroll``), so
    that no change of content adds or removes one.
    """

    _quiet_size: Size | None = None

    def refresh(
        self,
        *regions: object,
        repaint: bool = True,
        layout: bool = False,
        recompose: bool = False,
    ) -> FixedScroll:
        """Repaint; a layout asked for because the content's size changed becomes an
        update of the scroll bars (see the class docstring)."""
        if layout and self.is_mounted and self.virtual_size != self._quiet_size:
            self._quiet_size = self.virtual_size
            layout = False
            self._scroll_update(self.virtual_size)
        super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)  # type: ignore[arg-type]
        return self
