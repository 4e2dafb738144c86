"""The reader screen and its article view, driven with Pilot over real Whoosh indexes."""

from __future__ import annotations

import random
import threading
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from textual import events
from textual.app import App, ComposeResult
from textual.color import Color
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from briefing.corpus.model import Article
from briefing.engine.local import WhooshEngine
from briefing.index.library import load_library
from briefing.tui.messages import FocusSearch
from briefing.tui.screens.reader import ArticleHeader, ReaderScreen
from briefing.tui.widgets.article_view import ArticleView
from briefing.tui.widgets.wrap import _wrap_narrow, _wrap_wide, wrap_offsets
from tests.conftest import write_files

SAMPLE_001 = "sample_corpus/001_a5d3fec521d4c157.txt"
HOSTILE_TITLE = "[@click=app.quit]x[/] [bold]y"
HOSTILE_LINE = "Press [@click=app.quit]here[/] [b]now[/b]."
SIZE = (120, 40)


class ReaderHost(App[None]):
    """A stand-in for the app: a base screen, and the reader pushed on top at mount."""

    def __init__(self, engine: WhooshEngine, article_id: str, query: str = "") -> None:
        super().__init__()
        self.engine = engine
        self.article_id = article_id
        self.query_text = query
        self.notices: list[tuple[str, SeverityLevel, bool]] = []

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        self.notices.append((message, severity, markup))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def compose(self) -> ComposeResult:
        yield Static("search screen stand-in", id="base")

    def on_mount(self) -> None:
        self.push_screen(ReaderScreen(self.engine, self.article_id, self.query_text))


class SearchingHost(ReaderHost):
    """A host that, like the real app, knows how to go back to the search box."""

    searches = 0

    def on_focus_search(self, message: FocusSearch) -> None:
        self.searches += 1
        while len(self.screen_stack) > 1:
            self.pop_screen()


async def settle(pilot: Pilot[None]) -> None:
    """Let a newly pushed screen mount, its worker finish, and the results land.

    A reader fills itself in from a worker that its mount starts: under load the
    first pause can come before that mount, with no worker yet to wait for."""
    for _ in range(50):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        screen = pilot.app.screen
        if not isinstance(screen, ReaderScreen) or screen._filled:
            return
    raise AssertionError("the reader never showed its article")


def reader(app: App[None]) -> ReaderScreen:
    screen = app.screen
    assert isinstance(screen, ReaderScreen)
    return screen


def header_text(app: App[None]) -> str:
    return str(reader(app).query_one(ArticleHeader).render())


def status_text(app: App[None]) -> str:
    return str(reader(app).query_one("#reader-status", Static).render())


def visible_lines(view: ArticleView) -> list[str]:
    return [view.render_line(y).text for y in range(view.scrollable_content_region.height)]


def assert_line_visible(view: ArticleView, line: int) -> None:
    top = round(view.scroll_y)
    assert top <= line < top + view.scrollable_content_region.height


@pytest.fixture
def sample_engine() -> WhooshEngine:
    engine = WhooshEngine(load_library())
    engine.update()
    return engine


def library_engine(folder: Path, files: dict[str, str | bytes]) -> WhooshEngine:
    write_files(folder, files)
    library = load_library("t")
    library.add([folder])
    library.save()
    engine = WhooshEngine(library)
    engine.update()
    return engine


def river_text(n: int) -> str:
    return (
        f"Report {n}: drone strikes hit a militia base near the Euphrates river at dawn, "
        f"and the coalition said {n} rockets were fired at its troops in Syria."
    )


# -- the wrapper -----------------------------------------------------------------------


def assert_wraps(text: str, width: int) -> list[tuple[int, int]]:
    """Check the wrapping invariants and return the spans."""
    spans = wrap_offsets(text, width)
    covered = [0] * len(text)
    for start, end in spans:
        for offset in range(start, end):
            covered[offset] += 1
        shown = text[start:end].rstrip(" \t\n")
        assert cell_len(shown) <= width or len(shown) == 1, (shown, width)
        assert "\n" not in text[start : end - 1]
    assert covered == [1] * len(text)  # every offset in exactly one line
    assert [s for s, _ in spans] == sorted({s for s, _ in spans})
    return spans


def test_wrap_partitions_the_text_and_fits_the_width() -> None:
    text = "\n\n".join(river_text(n) for n in range(20)) + "\n\n  indented   spaces  \n"
    for width in (1, 2, 5, 17, 40, 79, 200):
        assert_wraps(text, width)


def test_wrap_puts_one_blank_line_between_paragraphs() -> None:
    text = "first paragraph here\n\nsecond one"
    lines = [text[s:e].rstrip("\n ") for s, e in wrap_offsets(text, 10)]
    assert lines == ["first", "paragraph", "here", "", "second one"]


def test_wrap_breaks_at_spaces_and_folds_long_words() -> None:
    text = "aaa bbb " + "x" * 12 + " ccc"
    lines = [text[s:e].rstrip() for s, e in assert_wraps(text, 5)]
    assert lines == ["aaa", "bbb", "xxxxx", "xxxxx", "xx", "ccc"]


def test_wrap_measures_cjk_in_cells() -> None:
    text = "中文新闻报道说美军在叙利亚进行了空袭。" * 3 + "\n\nmixed 中文 text 和 English"
    for width in (2, 3, 7, 10, 25):
        spans = assert_wraps(text, width)
        first = text[spans[0][0] : spans[0][1]]
        assert cell_len(first) in (width - 1, width)  # full, or one cell short of a wide char
    assert wrap_offsets("", 10) == [(0, 0)]


def test_wrap_paths_agree_on_narrow_text() -> None:
    # The fast path (one cell per character) must wrap exactly like the general one.
    rng = random.Random(7)
    words = ["a", "to", "the", "river", "coalition", "x" * 15, " ", "  ", "\t"]
    for _ in range(300):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 30)))
        width = rng.randint(1, 30)
        fast: list[tuple[int, int]] = []
        slow: list[tuple[int, int]] = []
        _wrap_narrow(text, 0, len(text), width, fast)
        _wrap_wide(text, 0, len(text), width, slow)
        assert fast == slow, (text, width)
        assert_wraps(text, width)


# -- the reader ------------------------------------------------------------------------


async def test_header_shows_metadata_with_inferred_marks(sample_engine: WhooshEngine) -> None:
    app = ReaderHost(sample_engine, SAMPLE_001)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = header_text(app)
        assert "2nd Round Of US Airstrikes Over Syria" in text
        assert "Zero Hedge* · Tyler Durden* · unknown date · " in text
        assert "001_a5d3fec521d4c157.txt" in text
        assert "* inferred from the text" in text
        assert "removed reader comments" in text
        assert status_text(app).startswith("no query")
        assert isinstance(app.focused, ArticleView)
        assert "Update(1833ET)The Pentagon said Wednesday" in visible_lines(app.focused)[0]


async def test_short_id_and_unknown_fields(sample_engine: WhooshEngine) -> None:
    app = ReaderHost(sample_engine, "003")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "unknown source · unknown author · unknown date" in header_text(app)


async def test_matches_of_every_spelling_and_hit_keys_wrap(sample_engine: WhooshEngine) -> None:
    app = ReaderHost(sample_engine, SAMPLE_001, "Deir ez-Zor")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = reader(app).query_one(ArticleView)
        spelled = [view.text[s:e] for s, e in view.highlights]
        assert spelled == ["Deir al-Zor", "Deir ez-Zor", "Deir ez-Zor"]
        assert view.current == 0
        assert status_text(app).startswith("hit 1/3")
        for key, expected in [("n", 2), ("n", 3), ("n", 1), ("N", 3), ("N", 2)]:
            await pilot.press(key)
            await pilot.pause()
            assert status_text(app).startswith(f"hit {expected}/3"), key
            assert view.current == expected - 1
            assert_line_visible(view, view.line_of(view.highlights[expected - 1][0]))


async def test_current_hit_is_styled_apart_from_other_matches(
    sample_engine: WhooshEngine,
) -> None:
    app = ReaderHost(sample_engine, SAMPLE_001, "Deir ez-Zor")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = reader(app).query_one(ArticleView)

        def style_of(hit: int) -> object:
            start, _ = view.highlights[hit]
            strip = view.render_line(view.line_of(start) - round(view.scroll_y))
            found = [seg.style for seg in strip if "Deir" in seg.text]
            assert found
            return found[0]

        plain = view.render_line(0)
        assert style_of(0) != style_of(1) == style_of(2)
        assert style_of(1) not in {seg.style for seg in plain}


async def test_title_matches_are_highlighted(sample_engine: WhooshEngine) -> None:
    app = ReaderHost(sample_engine, SAMPLE_001, "airstrikes")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        content = reader(app).query_one(ArticleHeader).render()
        assert isinstance(content, Content)
        marked = [
            content.plain[span.start : span.end]
            for span in content.spans
            if span.style == ".article-header--match"
        ]
        assert marked == ["Airstrikes"]
        assert reader(app).query_one(ArticleView).hit_count > 0


async def test_long_article_scrolls_each_hit_into_view(tmp_path: Path) -> None:
    paragraphs = [river_text(n) for n in range(400)]
    paragraphs[150] += " Observers in Zanzibar disagreed."
    paragraphs[390] += " A second source in Zanzibar confirmed it."
    engine = library_engine(
        tmp_path / "long", {"long.txt": "A long report\n\n" + "\n\n".join(paragraphs)}
    )
    app = ReaderHost(engine, "long/long.txt", "zanzibar")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = reader(app).query_one(ArticleView)
        assert view.hit_count == 2
        assert view.line_count > 2 * view.scrollable_content_region.height
        first = view.line_of(view.highlights[0][0])
        assert view.scroll_y > 0
        assert_line_visible(view, first)
        assert any("Zanzibar" in line for line in visible_lines(view))
        await pilot.press("n")
        await pilot.pause()
        assert_line_visible(view, view.line_of(view.highlights[1][0]))
        # Centred: as much text above the hit as below it.
        middle = round(view.scroll_y) + view.scrollable_content_region.height // 2
        assert abs(view.line_of(view.highlights[1][0]) - middle) <= 1

        # A shorter window keeps the current match in view.
        await pilot.resize_terminal(120, 20)
        await pilot.pause()
        assert_line_visible(view, view.line_of(view.highlights[1][0]))

        # Keys and the wheel scroll the text.
        await pilot.press("home")
        assert view.scroll_y == 0
        await pilot.press("pagedown")
        assert view.scroll_y == view.scrollable_content_region.height
        await pilot.press("space")
        assert view.scroll_y == 2 * view.scrollable_content_region.height
        await pilot.press("up")
        assert view.scroll_y == 2 * view.scrollable_content_region.height - 1
        await pilot.press("end")
        assert view.scroll_y == view.max_scroll_y
        await pilot.press("home")
        view.post_message(events.MouseScrollDown(view, 1, 1, 0, 1, 0, False, False, False))
        await pilot.pause()
        assert view.scroll_y > 0


async def test_resize_rewraps_and_keeps_offsets_mapped(tmp_path: Path) -> None:
    engine = library_engine(
        tmp_path / "long", {"long.txt": "Title\n\n" + "\n\n".join(map(river_text, range(60)))}
    )
    app = ReaderHost(engine, "long/long.txt")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = reader(app).query_one(ArticleView)
        wide_lines = view.line_count
        await pilot.resize_terminal(80, 40)
        await pilot.pause()
        assert view.line_count > wide_lines
        width = view.scrollable_content_region.width
        for line in range(view.line_count):
            start, end = view.offsets_of(line)
            assert view.line_of(start) == line
            assert view.line_of(end - 1) == line
            assert cell_len(view.text[start:end].rstrip()) <= width


async def test_related_opens_another_article_and_escape_comes_back(
    sample_engine: WhooshEngine,
) -> None:
    app = ReaderHost(sample_engine, SAMPLE_001, "Syria")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = reader(app)
        related = first.query_one("#related-list", OptionList)
        assert related.option_count == 4
        prompt = related.get_option_at_index(0).prompt
        assert isinstance(prompt, Content)
        assert "unknown source · unknown date" in prompt.plain

        await pilot.press("r")
        assert app.focused is related
        await pilot.press("down", "enter")
        await settle(pilot)
        second = reader(app)
        assert second is not first
        assert second.article is not None
        assert second.article.id == first._related[1].id
        assert second.query_text == "Syria"
        assert status_text(app).startswith("hit 1/")

        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is first
        assert first.query_one("#related-list", OptionList).highlighted == 1

        # A click opens an item too.
        await pilot.click(related, offset=(2, 1))
        await settle(pilot)
        assert reader(app).article is not None
        assert reader(app).article.id == first._related[0].id  # type: ignore[union-attr]
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ReaderScreen)


async def test_slash_goes_back_to_the_search(sample_engine: WhooshEngine) -> None:
    app = SearchingHost(sample_engine, SAMPLE_001)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r", "enter")
        await settle(pilot)
        await pilot.press("slash")
        await pilot.pause()
        assert app.searches == 1
        assert not isinstance(app.screen, ReaderScreen)


async def test_hostile_text_is_shown_literally_and_does_nothing(tmp_path: Path) -> None:
    body = "\n\n".join(river_text(n) for n in range(5))
    engine = library_engine(
        tmp_path / "lib",
        {
            "calm.txt": f"A calm title\n\n{body}",
            "hostile.txt": f"{HOSTILE_TITLE}\n\n{body}\n\n{HOSTILE_LINE}",
        },
    )
    app = ReaderHost(engine, "lib/calm.txt")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        related = reader(app).query_one("#related-list", OptionList)
        prompt = related.get_option_at_index(0).prompt
        assert isinstance(prompt, Content)
        assert prompt.plain.startswith(HOSTILE_TITLE)
        assert HOSTILE_TITLE in "".join(related.render_line(0).text)

        await pilot.click(related, offset=(2, 1))  # opens it, quits nothing
        await settle(pilot)
        assert app.return_code is None
        screen = reader(app)
        assert screen.article is not None
        assert screen.article.title == HOSTILE_TITLE
        assert header_text(app).startswith(HOSTILE_TITLE + "*")
        header = screen.query_one(ArticleHeader)
        assert HOSTILE_TITLE in header.render_line(0).text
        await pilot.click(header, offset=(1, 0))
        await pilot.click(header, offset=(18, 0))

        view = screen.query_one(ArticleView)
        await pilot.press("end")
        lines = visible_lines(view)
        assert any(HOSTILE_LINE in line for line in lines)
        row = next(i for i, line in enumerate(lines) if "Press [" in line)
        await pilot.click(view, offset=(9, row))
        await pilot.pause()
        assert app.return_code is None
        assert app.screen is screen


async def test_unknown_id_shows_an_error_without_crashing(sample_engine: WhooshEngine) -> None:
    app = ReaderHost(sample_engine, "no/such/article.txt", "syria")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = reader(app).query_one(ArticleView)
        assert "no article with id 'no/such/article.txt'" in visible_lines(view)[0]
        assert status_text(app).startswith("not available")
        assert [(s, m) for text, s, m in app.notices if "no/such/article.txt" in text] == [
            ("error", False)
        ]
        await pilot.press("n", "r", "enter")
        await pilot.pause()
        assert app.return_code is None
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ReaderScreen)


class SlowEngine(WhooshEngine):
    """An engine whose article lookup waits until the test lets it go."""

    release = threading.Event()

    def article(self, article_id: str) -> Article | None:
        self.release.wait(timeout=10)
        return super().article(article_id)


async def test_leaving_before_the_article_loads_is_harmless() -> None:
    engine = SlowEngine(load_library())
    engine.update()
    engine.release = threading.Event()
    app = ReaderHost(engine, SAMPLE_001, "syria")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = reader(app).query_one(ArticleView)
        assert visible_lines(view)[0].strip().startswith("Loading…")
        assert status_text(app).strip().startswith("Loading…")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ReaderScreen)
        engine.release.set()
        await settle(pilot)
        assert app.return_code is None
        assert not app.notices


async def test_the_sentence_cursor_starts_at_the_current_hit() -> None:
    from briefing.tui.app import make_app
    from tests.tui.helpers import settle

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_article(app.engine.resolve("004"), '"85 targets"')
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        view = screen.query_one(ArticleView)
        view.focus()
        await pilot.press("j")
        selection = view.selection
        assert selection is not None and screen.article is not None
        assert "85 targets" in screen.article.body[selection[0] : selection[1]]
        await pilot.press("J")
        wider = view.selection
        assert wider is not None and wider[0] == selection[0] and wider[1] > selection[1]


async def test_arrows_move_by_sentence_once_one_is_selected() -> None:
    from briefing.tui.app import make_app
    from tests.tui.helpers import settle

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_article(app.engine.resolve("003"))
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReaderScreen)
        view = screen.query_one(ArticleView)
        view.focus()
        await pilot.press("j")
        first = view.selection
        await pilot.press("down")
        second = view.selection
        assert first is not None and second is not None and second[0] >= first[1]
        await pilot.press("up")
        assert view.selection == first
        await pilot.press("shift+down")
        extended = view.selection
        assert extended is not None and extended[0] == first[0] and extended[1] == second[1]


async def test_leaving_the_reader_at_once_is_not_undone_by_its_wait() -> None:
    """The kept reader is shown when its article has loaded or after
    READER_WAIT_SECONDS, whichever comes first, once: leaving it straight away must
    not bring it back when the wait ends."""
    import asyncio

    from briefing.tui.app import READER_WAIT_SECONDS, make_app
    from briefing.tui.screens.search import SearchScreen
    from tests.tui.helpers import settle

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.open_article(app.engine.resolve("003"))  # the first open makes the kept reader
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        for article in ("004", "002", "001"):
            app.open_article(app.engine.resolve(article))
            while not isinstance(app.screen, ReaderScreen):  # shown when loaded, soon
                await asyncio.sleep(0.005)
            await pilot.press("escape")
            assert isinstance(app.screen, SearchScreen)
            await asyncio.sleep(READER_WAIT_SECONDS * 2)
            await pilot.pause()
            assert isinstance(app.screen, SearchScreen), article


async def test_the_kept_reader_is_made_before_the_first_open() -> None:
    """Moving to the results composes the kept reader (off the stack, nothing shown):
    the first article opened is shown by it, once loaded, like every later one."""
    from briefing.tui.app import make_app
    from briefing.tui.screens.search import SearchScreen
    from briefing.tui.widgets.result_list import ResultList
    from tests.tui.helpers import settle, until

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        search = app.screen
        assert isinstance(search, SearchScreen)
        search.query_one(ResultList).focus()
        await until(app, pilot, lambda: app._reader is not None and app._reader.is_mounted)
        kept = app._reader
        assert isinstance(app.screen, SearchScreen)  # made, not shown
        app.open_article(app.engine.resolve("003"))
        await until(app, pilot, lambda: app.screen is kept)
        await settle(app, pilot)
        assert kept is not None and kept.article is not None
        assert kept.article.id == app.engine.resolve("003")
        assert "Loading" not in str(kept.query_one(ArticleHeader).render())


async def test_the_kept_reader_takes_a_theme_changed_while_it_was_hidden() -> None:
    """The kept reader skips restyling when shown again with the stylesheet it was
    styled with, but not after a theme change made while it was off the stack."""
    from briefing.tui.app import make_app
    from tests.tui.helpers import settle, until

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.open_article(app.engine.resolve("003"))
        await until(app, pilot, lambda: isinstance(app.screen, ReaderScreen))
        await settle(app, pilot)
        kept = app.screen
        dark = kept.query_one(ArticleView).styles.background
        await pilot.press("escape")
        await settle(app, pilot)
        app.theme = "briefing-light"
        await settle(app, pilot)
        app.open_article(app.engine.resolve("004"))
        await until(app, pilot, lambda: app.screen is kept)
        await settle(app, pilot)
        light = kept.query_one(ArticleView).styles.background
        assert light != dark
        # As a reader composed now would be: the light theme's surface.
        assert light == Color.parse(app.get_css_variables()["surface"])


async def test_the_kept_reader_is_not_restyled_when_a_new_kind_of_widget_appears() -> None:
    """A widget of a kind not seen before (the start-up check's progress bar) makes
    Textual parse the stylesheet again, with rules for that kind only: the reader made
    ahead of time is shown without restyling all of it (60 ms of its first open)."""
    from textual.widgets import Static

    from briefing.tui.app import make_app
    from tests.tui.helpers import settle, until

    class NeverSeenBefore(Static):
        DEFAULT_CSS = "NeverSeenBefore { color: red; }"

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.prepare_reader()
        await settle(app, pilot)
        kept = app._reader
        assert kept is not None
        rules = app.stylesheet.rules
        await app.screen.mount(NeverSeenBefore("new"))
        await settle(app, pilot)
        assert app.stylesheet.rules is not rules  # parsed again
        restyled: list[object] = []
        original = kept.update_node_styles

        def spy(*args: object, **kwargs: object) -> None:
            restyled.append(args)
            original(*args, **kwargs)  # type: ignore[arg-type]

        kept.update_node_styles = spy  # type: ignore[method-assign]
        app.open_article(app.engine.resolve("003"))
        await until(app, pilot, lambda: app.screen is kept)
        await settle(app, pilot)
        assert restyled == []
        background = kept.query_one(ArticleView).styles.background
        assert background == Color.parse(app.get_css_variables()["surface"])


async def test_the_kept_reader_s_first_open_lays_it_out_once_like_any_later_one() -> None:
    """The reader made ahead of time is laid out at the app's size off the screen
    stack: its first open lays it out once (the article's lines, the header, the
    related coverage), not five times over as every widget found its first size and
    then the article's scrollbar appeared (80-190 ms at 42k)."""
    from textual.screen import Screen

    from briefing.tui.app import make_app
    from tests.tui.helpers import settle, until

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.prepare_reader()
        kept = app._reader
        assert kept is not None
        await until(app, pilot, lambda: kept._size == app.size)  # laid out ahead
        layouts: list[object] = []
        original = Screen._refresh_layout

        def spy(screen: Screen[Any], *args: Any, **kwargs: Any) -> None:
            if screen is kept:
                layouts.append(args)
            original(screen, *args, **kwargs)

        Screen._refresh_layout = spy  # type: ignore[method-assign,assignment]
        try:
            app.open_article(app.engine.resolve("003"), query="strikes")
            await until(app, pilot, lambda: app.screen is kept and kept._filled)
            await settle(app, pilot)
        finally:
            Screen._refresh_layout = original  # type: ignore[method-assign]
        assert len(layouts) == 1
        assert kept.query_one(ArticleView).line_count > 0
        assert kept.query_one(OptionList).option_count > 0  # with its related coverage


async def test_the_reader_reads_an_article_s_notes_with_it(sample_engine: WhooshEngine) -> None:
    """The article's notes are read with the article, from the engine: no second worker
    (one in a host that kept no notes failed after the test had settled, under load, and
    took the next assertion down)."""
    from textual.worker import Worker

    started: list[str] = []
    original = Worker._start

    def spy(self: Worker[object], *args: object, **kwargs: object) -> None:
        started.append(self.group)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    app = ReaderHost(sample_engine, SAMPLE_001, "Deir ez-Zor")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Worker, "_start", spy)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert reader(app).query_one(ArticleView).hit_count > 0
    assert "reader-notes" not in started, started
