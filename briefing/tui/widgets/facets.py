"""The facet sidebar: sources and months with counts; toggling one filters the results."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, SelectionList
from textual.widgets.selection_list import Selection

from briefing.tui.untrusted import untrusted
from briefing.tui.widgets.fixed_scroll import FixedScroll


class FacetList(SelectionList[str], FixedScroll):
    """One facet's toggle list: of fixed height (half the panel), so that the values and
    counts changing with every key neither move the other list nor lay the screen out
    (see FixedScroll)."""


class FacetPanel(Vertical):
    """Two toggle lists, "Sources" and "Months", each value with its match count.

    Names come from articles, so prompts follow the display rule (visible escapes, never
    markup) while the values filtered on stay the real names. Selected
    values stay listed even when the current query gives them no match, so that the
    user can always switch a filter off.
    """

    DEFAULT_CSS = """
    FacetPanel {
        width: 32;
        height: 1fr;
        background: $panel;
        padding: 0 1;
    }
    FacetPanel > Label {
        text-style: bold;
        color: $text-muted;
        margin-top: 1;
    }
    FacetPanel > FacetList {
        height: 1fr;
        overflow-y: scroll;  /* see FixedScroll */
        background: $panel;
        border: none;
        padding: 0;
    }
    FacetPanel > FacetList:focus {
        background: $boost;
    }
    """

    @dataclass
    class Changed(Message):
        """The user toggled a facet: the values now selected in each list."""

        sources: tuple[str, ...]
        months: tuple[str, ...]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._shown: object = None

    def compose(self) -> ComposeResult:
        yield Label("Sources")
        yield FacetList(id="sources")
        yield Label("Months")
        yield FacetList(id="months")

    @property
    def sources(self) -> SelectionList[str]:
        """The sources list."""
        return self.query_one("#sources", SelectionList)

    @property
    def months(self) -> SelectionList[str]:
        """The months list."""
        return self.query_one("#months", SelectionList)

    def show(
        self,
        sources: Mapping[str, int],
        months: Mapping[str, int],
        selected_sources: Collection[str] = (),
        selected_months: Collection[str] = (),
    ) -> None:
        """Replace the lists' values and counts, keeping what is selected."""
        shown = (
            tuple(sources.items()),
            tuple(months.items()),
            frozenset(selected_sources),
            frozenset(selected_months),
        )
        if shown == self._shown:
            return  # rebuilding the lists restyles them: skip it while counts stay put
        self._shown = shown
        with self.prevent(SelectionList.SelectedChanged):
            _fill(self.sources, sources, set(selected_sources), newest_first=False)
            _fill(self.months, months, set(selected_months), newest_first=True)

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        event.stop()
        self.post_message(self.Changed(tuple(self.sources.selected), tuple(self.months.selected)))


def _fill(
    widget: SelectionList[str], counts: Mapping[str, int], selected: set[str], newest_first: bool
) -> None:
    values = dict(counts)
    for value in selected:
        values.setdefault(value, 0)
    if newest_first:
        order = sorted(values, reverse=True)
    else:
        order = sorted(values, key=lambda v: (-values[v], v.casefold()))
    highlighted = widget.highlighted
    widget.clear_options()
    widget.add_options(
        Selection(
            untrusted(value) + Content(f"  {values[value]}").stylize("dim"),
            value,
            value in selected,
        )
        for value in order
    )
    if highlighted is not None and order:
        widget.highlighted = min(highlighted, len(order) - 1)
