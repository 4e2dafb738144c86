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
        self._shown: tuple[object, ...] | None = None  # the bindings last drawn
        self._check_pending = False

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        # Published several times per focus change or article shown, mostly with the
        # same bindings as before: the bar is redrawn only when they differ. Checked
        # once the handler that published has finished, so its later changes count.
        if screen is self.screen and not self._check_pending:
            self._check_pending = True
            self.call_later(self._refresh_if_changed)

    def _refresh_if_changed(self) -> None:
        self._check_pending = False
        if self._bar_bindings() != self._shown:
            self.refresh()

    def _bar_bindings(self) -> tuple[object, ...]:
        """What the bar draws: each active key's binding, whether it is enabled, and
        the node it runs on."""
        return tuple(
            (key, binding, enabled, id(node))
            for key, (node, binding, enabled, _tooltip) in self.screen.active_bindings.items()
        )

    def render(self) -> Content:
        self._shown = self._bar_bindings()
        key_style = self.get_visual_style("key-bar--key")
        disabled = self.get_visual_style("key-bar--disabled")
        # ``active_bindings`` holds, for each key, the binding that key runs now (focused
        # widget first, then the screen, then the app; priority bindings first): so the
        # bar shows only what a key press would do.
        items: list[tuple[Content, Binding, DOMNode, bool]] = []
        seen: set[tuple[int, str]] = set()
        palette: Content | None = None
        palette_target: tuple[Binding, DOMNode] | None = None
        for node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.key == self.app.COMMAND_PALETTE_BINDING:
                if self.app.ENABLE_COMMAND_PALETTE:
                    palette = self._item(binding, key_style, True).rstrip()
                    palette_target = (binding, node)
                continue
            # One entry per action of a node: its first key (the others are in the help).
            if not binding.show or (id(node), binding.action) in seen:
                continue
            seen.add((id(node), binding.action))
            style = key_style if enabled else disabled
            items.append((self._item(binding, style, enabled), binding, node, enabled))
        width = self.size.width
        room = width - 1 - (palette.cell_length + 1 if palette is not None else 0)
        parts: list[Content] = [Content(" ")]
        self._targets = []
        offset = 1
        for item, binding, node, enabled in items:
            if width and offset + item.cell_length > room:
                break  # the rest do not fit: better left out than cut, or the palette cut
            if enabled:
                self._targets.append((offset, offset + item.cell_length, binding.action, node))
            parts.append(item)
            offset += item.cell_length
        line = Content("").join(parts)
        if palette is not None and palette_target is not None:
            binding, node = palette_target
            gap = max(1, width - line.cell_length - palette.cell_length - 1)
            start = line.cell_length + gap
            self._targets.append((start, start + palette.cell_length, binding.action, node))
            line = line + Content(" " * gap) + palette
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
