"""The home screen: search across every outlet as you type."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Input, Static
from textual.worker import get_current_worker

from briefing.engine import Engine, IndexBusy, visible
from briefing.search.model import Filters, Hit, SearchResult
from briefing.tui.failures import WorkerScreen
from briefing.tui.messages import OpenArticle, OpenCompare, PrepareReader
from briefing.tui.untrusted import untrusted
from briefing.tui.widgets.facets import FacetPanel
from briefing.tui.widgets.index_status import IndexStatus
from briefing.tui.widgets.key_bar import KeyBar
from briefing.tui.widgets.query_box import QueryBox
from briefing.tui.widgets.result_list import ResultList

# Hits fetched at a time: a screenful (a hit takes 4 rows: 7 in a 40-row terminal,
# 12 in 60) and a little more. Each hit's snippets are found in its text, so a larger
# first page costs each key for hits nobody sees (20 took 29 ms where 12 took 7 for
# "gu" at 42,000 articles); the list asks for the next pages as they scroll into view.
PAGE_SIZE = 12
# The longest the first warm-up waits for the first results to be painted.
FIRST_PAINT_WAIT_SECONDS = 1.0

SYNTAX_HELP = """\
Query syntax
  iran drone               all the words (strikes also finds strike)
  "precision strikes"      the exact phrase
  drone OR rocket          either word
  -contractor, NOT x       without the word
  strik*   strikse~        wildcard; fuzzy (one or two letters off)
  title:retaliatory        in titles; also source:"zero hedge", author:, tag:
  date:2024-02             that month; also date:2024, date:2024-02-04
  date:>2024-01-01         after; also date:<…, date:[2024-01-01 TO 2024-03-01]
Names match across spellings: "Deir ez-Zor" also finds Deir al-Zor,
Deir el-Zour and Deir Ezzor."""


@dataclass(frozen=True)
class _Facets:
    sources: dict[str, int]
    months: dict[str, int]


class SearchScreen(WorkerScreen):
    """Query box, facet sidebar, virtualised results, status line."""

    DEFAULT_CSS = """
    SearchScreen #query { margin: 0 1; }
    SearchScreen #hint { color: $text-muted; padding: 0 2; height: auto; }
    SearchScreen #body { height: 1fr; }
    SearchScreen #right { height: 1fr; }
    SearchScreen #empty {
        height: 1fr;
        padding: 1 2;
        display: none;
        background: $surface;
    }
    SearchScreen #empty.-shown { display: block; }
    SearchScreen #empty-text { height: auto; }
    SearchScreen #empty-help { height: auto; margin-top: 1; }
    SearchScreen #suggest { margin-top: 1; display: none; }
    SearchScreen #suggest.-shown { display: block; }
    SearchScreen #status { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "slash", "focus_search", "Search", key_display="/", tooltip="Type in the search box"
        ),
        Binding(
            "escape", "to_results", "Results", show=False, tooltip="From the search box to the list"
        ),
        Binding(
            "tab",
            "app.focus_next",
            "Next pane",
            show=False,
            tooltip="The results, the facets (space toggles a source or month), the search box",
        ),
        Binding(
            "r",
            "related",
            "Related",
            tooltip="Open the selected article with its related coverage in view",
        ),
        Binding(
            "c",
            "compare",
            "Compare",
            tooltip="The marked articles (2 to 4) side by side, or one with the selected one",
        ),
    ]

    @dataclass
    class FirstResults(Message):
        """The screen's first results have been painted (what waited for them may start)."""

        total: int  # articles they counted

    def __init__(self, engine: Engine, hint: str | None = None) -> None:
        super().__init__()
        self.engine = engine
        self.hint = hint
        self.query_text = ""
        self.filters = Filters()
        self._generation = 0
        # The latest search asked for, and whether the search worker is running: see
        # search_now().
        self._request: tuple[str, Filters, int] | None = None
        self._request_lock = threading.Lock()
        self._searching = False
        self._closing = False
        self._keep_selection = False
        self._suggestion: str | None = None
        self._warmed = False
        self._painted = threading.Event()  # the first results are on the screen

    def compose(self) -> ComposeResult:
        yield QueryBox(
            placeholder='Search every outlet… e.g. "Deir ez-Zor", strikes date:2024-02, '
            'source:"zero hedge"',
            id="query",
        )
        if self.hint:
            yield Static(Content(self.hint), id="hint")
        with Horizontal(id="body"):
            yield FacetPanel(id="facets")
            with Vertical(id="right"):
                yield ResultList(page_size=PAGE_SIZE, id="results")
                with Vertical(id="empty"):
                    yield Static(id="empty-text")
                    yield Static(Content(SYNTAX_HELP), id="empty-help")
                    # The "did you mean" button is mounted with the first suggestion:
                    # a Button's styles are a quarter of the CSS parsed at launch.
        yield Static(id="status")
        yield IndexStatus()
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#query", Input).focus()
        self.search_now()

    def on_unmount(self) -> None:
        self._painted.set()  # a search worker waiting for the first paint waits no more
        with self._request_lock:  # a running search worker takes no further query
            self._closing = True

    # -- actions -------------------------------------------------------------------

    def action_focus_search(self) -> None:
        """Put the cursor in the query box."""
        self.query_one("#query", Input).focus()

    def action_to_results(self) -> None:
        """Leave the query box for the results."""
        self.query_one(ResultList).focus()

    def action_related(self) -> None:
        """Open the selected article with its related coverage in view."""
        hit = self.query_one(ResultList).selected
        if hit is not None:
            self.post_message(OpenArticle(hit.id, self.query_text, related=True))

    def action_compare(self) -> None:
        """Compare the marked articles (space marks), or one marked with the selected one."""
        results = self.query_one(ResultList)
        ids = list(results.marked)
        if len(ids) < 2 and results.selected is not None:
            ids.append(results.selected.id)
        self.post_message(OpenCompare(ids[:4]))

    # -- searching -----------------------------------------------------------------

    @on(Input.Changed, "#query")
    def _query_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self.search_now()

    @on(Input.Submitted, "#query")
    def _query_submitted(self) -> None:
        self.search_now()
        self.query_one(ResultList).focus()

    @on(FacetPanel.Changed)
    def _facets_changed(self, event: FacetPanel.Changed) -> None:
        self.filters = Filters(sources=event.sources, months=event.months)
        self.search_now()

    @on(Button.Pressed, "#suggest")
    def _take_suggestion(self) -> None:
        if self._suggestion:
            box = self.query_one("#query", Input)
            box.value = self.query_text = self._suggestion
            box.focus()
            self.search_now()

    def search_now(self, keep_selection: bool = False) -> None:
        """Search for the current query and filters; older searches' results are dropped.

        No debounce: a key typed while nothing is searching is searched at once. One
        worker runs the searches one after another, each time the latest one asked for:
        a fast typist's intermediate queries are skipped, never queued, so results
        trail the last key by at most one search.

        ``keep_selection``: the same query again because the library changed (a batch
        of a build landed): the cursor stays on the article it was on.
        """
        self._generation += 1
        self._keep_selection = keep_selection
        with self._request_lock:
            self._request = (self.query_text, self.filters, self._generation)
            if self._searching:
                return
            self._searching = True
        self._run_searches()

    @work(thread=True, group="search", name="search", exit_on_error=False)
    def _run_searches(self) -> None:
        try:
            while True:
                with self._request_lock:
                    request, self._request = self._request, None
                    if request is None or self._closing:
                        self._searching = False
                        return
                self._search_one(*request)
        except BaseException:
            # The failure goes to the app's policy (one line); a query typed meanwhile
            # is still searched, by a new worker.
            with self._request_lock:
                self._searching = False
                waiting = self._request is not None
            if waiting:
                with contextlib.suppress(RuntimeError):  # the app is closing
                    self.app.call_from_thread(self._resume_searches)
            raise

    def _resume_searches(self) -> None:
        with self._request_lock:
            if self._request is None or self._searching:
                return
            self._searching = True
        self._run_searches()

    def _search_one(self, query: str, filters: Filters, generation: int) -> None:
        worker = get_current_worker()
        try:
            # The "did you mean" of a query with no hits comes after its results are
            # shown: at 42,000 articles it takes longer than the search.
            result = self.engine.search(query, filters, limit=PAGE_SIZE, suggest=False)
            facets = self._facets(query, filters, result)
        except IndexBusy as exc:
            # Not a failure: another writer has the index for now. A search runs per
            # keystroke, so the status line says so (an error toast per key would not).
            if not worker.is_cancelled:
                self.app.call_from_thread(self._show_busy, generation, str(exc))
            return
        if worker.is_cancelled:
            return
        self.app.call_from_thread(self._show, generation, result, facets)
        if not self._warmed:
            # Once the first results are up: every article's facet values, read now
            # rather than during the first query typed with many matches. After they
            # are painted: read while they were, they held the painting back.
            self._warmed = True
            self._painted.wait(FIRST_PAINT_WAIT_SECONDS)
            if worker.is_cancelled:
                return
            self.engine.warm_up()
        if result.total or not query.strip():
            return
        with self._request_lock:
            newer = self._request is not None
        if not newer:  # a newer query first: this one's suggestion would be stale
            suggestion = self.engine.suggestion(query)
            if suggestion and not worker.is_cancelled:
                self.app.call_from_thread(self._show_suggestion, generation, suggestion)

    def _show_suggestion(self, generation: int, suggestion: str) -> None:
        if generation == self._generation:
            self._set_suggestion(suggestion)

    def _show_busy(self, generation: int, message: str) -> None:
        if generation == self._generation:
            status = f"Not searched: {message}"
            self.query_one("#status", Static).update(Content(visible(status)), layout=False)

    def _facets(self, query: str, filters: Filters, result: SearchResult) -> _Facets:
        """Each facet counted without its own filter, so that its other values stay usable."""
        sources = result.facets.get("source", {})
        months = result.facets.get("month", {})
        if filters.sources:
            unfiltered = Filters(months=filters.months)
            sources = self.engine.facets(query, unfiltered).get("source", {})
        if filters.months:
            unfiltered = Filters(sources=filters.sources)
            months = self.engine.facets(query, unfiltered).get("month", {})
        return _Facets(dict(sources), dict(months))

    def _show(self, generation: int, result: SearchResult, facets: _Facets) -> None:
        if generation != self._generation:
            return  # a newer search has started since
        results = self.query_one(ResultList)
        results.reset(result.total, result.hits, keep_selection=self._keep_selection)
        self.query_one(FacetPanel).show(
            facets.sources, facets.months, self.filters.sources, self.filters.months
        )
        self._show_status(result)
        self._show_empty(result)
        if not self._painted.is_set():
            self.call_after_refresh(self._first_painted, result.total)

    def _first_painted(self, total: int) -> None:
        if not self._painted.is_set():
            self._painted.set()
            self.post_message(self.FirstResults(total))

    def _show_status(self, result: SearchResult) -> None:
        if not result.query.strip():
            text = f"{result.total} articles · newest first · type to search"
        else:
            noun = "hit" if result.total == 1 else "hits"
            text = f"{result.total} {noun} · {result.elapsed * 1000:.0f} ms"
        parts = [Content(text)]
        for notice in result.notices:
            parts.append(Content(" · ") + untrusted(notice).stylize("italic"))
        # One line of fixed height: no layout for it (a layout of the screen per key
        # was a third of the time from a key to its results).
        self.query_one("#status", Static).update(Content("").join(parts), layout=False)

    def _show_empty(self, result: SearchResult) -> None:
        empty = self.query_one("#empty")
        results = self.query_one(ResultList)
        nothing = result.total == 0 and bool(result.query.strip())
        # Changed only when it changes: setting a class restyles the screen's nodes.
        if empty.has_class("-shown") != nothing:
            empty.set_class(nothing, "-shown")
        if results.display == nothing:
            results.display = not nothing
        if not nothing:
            return
        lines: list[Content | str] = [
            Content("No articles match "),
            untrusted(result.query).stylize("bold"),
            ".",
        ]
        # The syntax help below is a widget of its own, rendered once: re-rendering it
        # with each query that matched nothing took most of that key's time.
        self.query_one("#empty-text", Static).update(Content("").join(lines))
        self._set_suggestion(result.suggestion)

    def _set_suggestion(self, suggestion: str | None) -> None:
        self._suggestion = suggestion
        buttons = self.query("#suggest").results(Button)
        button = next(buttons, None)
        if button is None:
            if not suggestion:
                return
            button = Button("", id="suggest", compact=True)
            self.query_one("#empty").mount(button)
        button.set_class(bool(suggestion), "-shown")
        if suggestion:
            button.label = Content("Did you mean: ") + untrusted(suggestion).stylize("bold")

    # -- pages and opening ---------------------------------------------------------

    @on(ResultList.PageWanted)
    def _page_wanted(self, event: ResultList.PageWanted) -> None:
        self._fetch_page(self.query_text, self.filters, event.page, event.generation)

    @work(thread=True, group="pages", name="loading more results", exit_on_error=False)
    def _fetch_page(self, query: str, filters: Filters, page: int, generation: int) -> None:
        result = self.engine.search(query, filters, limit=PAGE_SIZE, offset=page * PAGE_SIZE)
        self.app.call_from_thread(self._add_page, generation, page, result.hits)

    def _add_page(self, generation: int, page: int, hits: Sequence[Hit]) -> None:
        # On the UI thread: a thread worker must not query the DOM.
        self.query_one(ResultList).add_page(generation, page, hits)

    @on(events.DescendantFocus)
    def _focus_moved(self, event: events.DescendantFocus) -> None:
        # Moving to the results is the moment before an article is opened: the app makes
        # its reader then (once), after this frame, rather than at the first open.
        if isinstance(event.widget, ResultList):
            self.call_after_refresh(self.post_message, PrepareReader())

    @on(ResultList.Opened)
    def _opened(self, event: ResultList.Opened) -> None:
        self.post_message(OpenArticle(event.hit.id, self.query_text))

    def refresh_results(self) -> None:
        """Search again (the library changed), keeping the cursor where it was.

        Not while a search is waiting to run: it reads the changed library anyway.
        """
        with self._request_lock:
            waiting = self._request is not None
        if not waiting:
            self.search_now(keep_selection=True)
