"""The compare screen, opened from the results and from the reader, driven with Pilot."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from briefing.tui.app import BriefingApp, make_app
from briefing.tui.screens.compare import CompareColumn, CompareScreen, PickArticle
from briefing.tui.screens.reader import ReaderScreen
from briefing.tui.screens.search import SearchScreen
from briefing.tui.widgets.passage_view import PassageView
from briefing.tui.widgets.result_list import ResultList
from tests.tui.helpers import settle, until


async def open_compare(app: BriefingApp, pilot: object, *prefixes: str) -> CompareScreen:
    """Mark the articles whose file names start with ``prefixes`` and press c."""
    screen = app.screen
    assert isinstance(screen, SearchScreen)
    results = screen.query_one(ResultList)
    results.focus()
    for index in range(results.total):
        results.cursor = index
        hit = results.selected
        assert hit is not None
        if hit.id.rsplit("/", 1)[-1].startswith(prefixes):
            await pilot.press("space")  # type: ignore[attr-defined]
    assert len(results.marked) == len(prefixes)
    await pilot.press("c")  # type: ignore[attr-defined]
    await until(app, pilot, lambda: getattr(app.screen, "comparison", None) is not None)  # type: ignore[arg-type]
    assert isinstance(app.screen, CompareScreen)
    return app.screen


def views(screen: CompareScreen) -> dict[str, PassageView]:
    return {v.article_id.rsplit("/", 1)[-1][:3]: v for v in screen.query(PassageView)}


async def test_marked_results_open_side_by_side_with_conflicts_first() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = await open_compare(app, pilot, "002", "004")
        assert len(screen.query(CompareColumn)) == 2
        assert screen.comparison is not None
        first = screen.comparison.facts[0]
        assert first.conflict and "contractors" in first.reason
        table = screen.query_one("#facts", DataTable)
        assert str(table.get_row_at(0)[0]) == "!"
        status = str(screen.query_one("#compare-status", Static).render())
        assert "1 conflicting fact " in status
        # Selecting the conflict jumps both columns to their evidence sentences.
        table.focus()
        await pilot.pause()
        table.move_cursor(row=1)
        table.move_cursor(row=0)
        await pilot.pause()
        by_name = views(screen)
        for prefix in ("002", "004"):
            view = by_name[prefix]
            assert view.linked, prefix
            texts = [view.passages[i].passage.text for i in view.linked]
            assert any("three" in t.lower() for t in texts), texts


async def test_selecting_a_passage_lights_up_its_counterpart() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = await open_compare(app, pilot, "003", "004")
        by_name = views(screen)
        left, right = by_name["003"], by_name["004"]
        target = next(i for i, a in enumerate(left.passages) if "85 targets" in a.passage.text)
        left.focus()
        for _ in range(target):
            await pilot.press("j")
        await pilot.pause()
        assert left.cursor == target
        assert len(right.linked) == 1
        (linked,) = right.linked
        assert "85 targets" in right.passages[linked].passage.text
        # The counterpart was scrolled into view.
        top = int(right.scroll_offset.y)
        first_line = right._first_line[linked]
        assert top <= first_line < top + right.scrollable_content_region.height


async def test_compare_from_the_reader_adds_and_removes_columns() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_article(app.engine.resolve("003"))
        await settle(app, pilot)
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("c")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        # 004 is 003's story: it leads the related coverage, so it is compared.
        assert [i.rsplit("/", 1)[-1][:3] for i in screen.article_ids] == ["003", "004"]
        await pilot.press("plus")
        await settle(app, pilot)
        assert isinstance(app.screen, PickArticle)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is screen
        assert len(screen.query(CompareColumn)) == 3
        assert screen.comparison is not None and len(screen.comparison.article_ids) == 3
        views(screen)["003"].focus()
        await pilot.press("minus")
        await settle(app, pilot)
        assert len(screen.query(CompareColumn)) == 2
        assert not any(i.endswith(("003_7078fa814bc1c098.txt",)) for i in screen.article_ids)
        await pilot.press("escape")
        assert isinstance(app.screen, ReaderScreen)


async def test_c_with_nothing_marked_explains_how() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        screen.query_one(Input).blur()
        screen.query_one(ResultList).focus()
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        assert any("Mark 2 to 4" in str(n.message) for n in app._notifications)


async def test_scrolling_one_column_scrolls_the_other_to_the_aligned_passage() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = await open_compare(app, pilot, "003", "004")
        by_name = views(screen)
        left, right = by_name["003"], by_name["004"]
        source = next(i for i, a in enumerate(left.passages) if "85 targets" in a.passage.text)
        (counterpart,) = [c.passage for c in left.passages[source].counterparts]
        assert right.passage_at_top() != counterpart
        # The user scrolls the left column (wheel, scrollbar): its top passage changes.
        left.scroll_to(y=left._first_line[source], animate=False, immediate=True)
        await pilot.pause()
        await pilot.pause()
        assert left.passage_at_top() == source
        assert right.passage_at_top() == counterpart
