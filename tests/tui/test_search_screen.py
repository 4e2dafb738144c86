"""The search screen, driven with Pilot through the same factory as the CLI."""

from __future__ import annotations

import json
from typing import Any

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import Button, Input, SelectionList, Static

from briefing import locations
from briefing.search.model import Hit, Snippet
from briefing.tui.app import BriefingApp, make_app
from briefing.tui.screens.help import HelpScreen
from briefing.tui.screens.search import SearchScreen
from briefing.tui.widgets.result_list import ROW_HEIGHT, ResultList
from tests.tui.helpers import settle


async def type_query(app: BriefingApp, pilot: Pilot[Any], text: str) -> SearchScreen:
    screen = app.screen
    assert isinstance(screen, SearchScreen)
    box = screen.query_one("#query", Input)
    box.value = text
    await pilot.pause()  # the Changed message sets the screen's query
    screen.search_now()  # what the debounce timer would do
    await settle(app, pilot)
    return screen


def status(screen: SearchScreen) -> str:
    return str(screen.query_one("#status", Static).render())


async def test_starts_in_the_query_box_with_every_article_and_a_hint() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        assert isinstance(app.focused, Input)
        assert screen.query_one(ResultList).total == 5
        assert "5 articles" in status(screen)
        assert "sample corpus" in str(screen.query_one("#hint", Static).render())


async def test_typing_searches_and_shows_counts_and_variants() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press(*'"Deir ez-Zor"')
        # The debounce timer fires by itself: wait for it, then for the search.
        await pilot.pause(0.3)
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        results = screen.query_one(ResultList)
        assert results.total == 2
        text = status(screen)
        assert "2 hits" in text and "ms" in text
        assert "Deir al-Zor" in text


async def test_stale_results_are_dropped() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        screen.query_text = "contractor"
        screen.search_now()
        screen.query_text = '"Deir ez-Zor"'
        screen.search_now()
        await settle(app, pilot)
        assert screen.query_one(ResultList).total == 2


async def test_zero_hits_suggests_and_the_suggestion_searches() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = await type_query(app, pilot, "precisoin")
        empty = screen.query_one("#empty")
        assert empty.has_class("-shown")
        assert "precisoin" in str(screen.query_one("#empty-text", Static).render())
        help_text = screen.query_one("#empty-help", Static)
        assert help_text.display and "Query syntax" in str(help_text.render())
        assert "Did you mean: precision" in str(screen.query_one("#suggest", Button).label)
        await pilot.click("#suggest")
        await settle(app, pilot)
        assert screen.query_one("#query", Input).value == "precision"
        assert screen.query_one(ResultList).total >= 1
        assert not empty.has_class("-shown")


async def test_malformed_query_shows_the_fallback_notice() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = await type_query(app, pilot, '(strikes AND "Syria')
        assert "Could not parse" in status(screen)
        assert screen.query_one(ResultList).total >= 1


async def test_facet_toggle_filters_results() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        sources = screen.query_one("#sources", SelectionList)
        sources.select("Zero Hedge")
        await settle(app, pilot)
        results = screen.query_one(ResultList)
        assert results.total == 1
        assert results.selected is not None and results.selected.source == "Zero Hedge"
        # The other source stays listed, so the filter can be widened again.
        assert sources.option_count == 2
        sources.deselect("Zero Hedge")
        await settle(app, pilot)
        assert results.total == 5


async def test_help_screen_opens_and_closes() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("escape")  # from the query box to the results
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, SearchScreen)


async def test_theme_switch_from_the_palette_is_remembered() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.theme == "briefing-dark"
        await pilot.press("ctrl+p")
        await pilot.press(*"Theme: briefing-light")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.theme == "briefing-light"
    saved = json.loads(locations.config_file().read_text())
    assert saved["theme"] == "briefing-light"
    again = make_app()
    async with again.run_test(size=(120, 40)) as pilot:
        assert again.theme == "briefing-light"


async def test_every_bundled_theme_applies() -> None:
    for name in ("briefing-dark", "briefing-light", "briefing-contrast"):
        app = make_app(theme=name, update_on_start=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            assert app.theme == name
            assert app.current_theme.name == name


class _ListHost(App[None]):
    def __init__(self, total: int) -> None:
        super().__init__()
        self.total = total
        self.wanted: list[int] = []

    def compose(self) -> ComposeResult:
        yield ResultList(page_size=50)

    def on_result_list_page_wanted(self, event: ResultList.PageWanted) -> None:
        self.wanted.append(event.page)
        results = self.query_one(ResultList)
        start = event.page * 50
        results.add_page(event.generation, event.page, _hits(start, min(50, self.total - start)))


def _hits(start: int, count: int) -> list[Hit]:
    return [
        Hit(
            id=f"lib/{n}.txt",
            title=f"[bold]Title {n}[/] [@click=app.quit]x[/]",
            source="Outlet",
            author=None,
            published=None,
            score=1.0,
            path=f"/tmp/{n}.txt",
            snippets=(Snippet(f"snippet text {n} with a match", ((16, 27),)),),
        )
        for n in range(start, start + count)
    ]


async def test_ten_thousand_hits_load_only_the_pages_in_view() -> None:
    app = _ListHost(10_000)
    async with app.run_test(size=(120, 40)) as pilot:
        results = app.query_one(ResultList)
        results.reset(10_000, _hits(0, 50))
        results.focus()
        await pilot.pause()
        assert app.wanted == []
        for key in ("end", "pageup", "pageup", "home", "pagedown"):
            await pilot.press(key)
            await pilot.pause()
        # Only the pages that came into view were asked for, not all 200.
        assert 199 in app.wanted and len(app.wanted) <= 4
        assert results.cursor == results.scrollable_content_region.height // ROW_HEIGHT
        # Markup in titles is shown literally and the click action never runs.
        await pilot.press("home")
        await pilot.pause()
        text = "".join(s.text for s in results.render_line(0)._segments)
        assert "[bold]Title 0[/] [@click=app.quit]x[/]" in text
        await pilot.click(ResultList, offset=(20, 0))
        assert app.is_running


async def test_palette_lists_the_screens_actions_and_runs_them() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("escape")  # results focused: their bindings are active
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for wanted in ("Open", "Related", "Help", "Library", "Search", "Quit"):
            assert any(t.startswith(wanted) for t in titles), (wanted, titles)
        await pilot.press("ctrl+p")
        await pilot.press(*"Help (?)")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)


async def test_typing_repaints_the_lists_without_laying_the_screen_out() -> None:
    """Results and facets change with every key; their widgets are of fixed size, so
    no key lays the whole screen out (20-50 ms a key at 42,000 articles), and the
    scroll bars still follow the new lengths."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        layouts: list[object] = []
        real_layout = screen._refresh_layout

        def counting(*args: object, **kwargs: object) -> None:
            layouts.append(args)
            real_layout(*args, **kwargs)  # type: ignore[arg-type]

        screen._refresh_layout = counting  # type: ignore[method-assign]
        sources = screen.query_one("#sources", SelectionList)
        counts = []
        for query in ("drone", "rockets", "austin"):
            await type_query(app, pilot, query)
            await pilot.pause()
            results = screen.query_one(ResultList)
            counts.append((results.total, sources.option_count))
            assert results.virtual_size.height == results.total * ROW_HEIGHT
            bar = results.vertical_scrollbar
            assert bar.window_virtual_size == results.virtual_size.height
            assert sources.virtual_size.height == sources.option_count
        assert len(set(counts)) == 3, counts  # each query changed what is shown
        assert layouts == []
