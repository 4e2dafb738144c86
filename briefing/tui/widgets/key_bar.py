"""A one-line footer of the keys that work now: Textual's Footer, made cheap.

Textual's ``Footer`` recomposes a widget per key whenever the focus moves, which
held the event loop 50-90 ms per focus change on a 120x40 screen. This bar draws
the same bindings as one line of ``Content``; a click on a key runs its action.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import Widget


class KeyBar(Widget):
    """The active screen's shown bindings, key then description, and the palette key."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    KeyBar > .key-bar--key { color: $footer-key-foreground; text-style: bold; }
    KeyBar > .key-bar--disabled { color: $text-disabled; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--disabled"}

    def __init__(self) -> None:
        super().__init__()
        self._targets: list[tuple[int, int, str, DOMNode]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is self.screen:
            self.refresh()

    def render(self) -> Content:
        key_style = self.get_visual_style("key-bar--key")
        disabled = self.get_visual_style("key-bar--disabled")
        parts: list[Content] = [Content(" ")]
        self._targets = []
        offset = 1
        seen: set[str] = set()
        palette: tuple[Binding, DOMNode] | None = None
        for node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.key == self.app.COMMAND_PALETTE_BINDING:
                palette = (binding, node)
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            item = self._item(binding, key_style if enabled else disabled, enabled)
            if enabled:
                self._targets.append((offset, offset + item.cell_length, binding.action, node))
            parts.append(item)
            offset += item.cell_length
        line = Content("").join(parts)
        if palette is not None and self.app.ENABLE_COMMAND_PALETTE:
            binding, node = palette
            item = self._item(binding, key_style, True).rstrip()
            gap = max(1, self.size.width - line.cell_length - item.cell_length - 1)
            start = line.cell_length + gap
            self._targets.append((start, start + item.cell_length, binding.action, node))
            line = line + Content(" " * gap) + item
        return line

    def _item(self, binding: Binding, style: object, enabled: bool) -> Content:
        key = Content(self.app.get_key_display(binding)).stylize(style)  # type: ignore[arg-type]
        text = Content(f" {binding.description}  ")
        return key + (text if enabled else text.stylize(style))  # type: ignore[arg-type]

    async def on_click(self, event: events.Click) -> None:
        for start, end, action, node in self._targets:
            if start <= event.x < end:
                event.stop()
                await self.app.run_action(action, node)
                return
