"""The app: theme, global keys, screen routing, and library indexing in a worker.

``make_app`` is the one factory: the ``briefing`` command and the tests both use it.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen
from textual.theme import BUILTIN_THEMES, Theme
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from briefing import locations
from briefing.config import Config, load_config, save_config
from briefing.corpus.model import Article
from briefing.engine import (
    DEFAULT_LIBRARY,
    SAMPLE_MARKER,
    Engine,
    IndexDamaged,
    IngestReport,
    Library,
    LibraryError,
    Progress,
    library_for_path,
    load_library,
    open_engine,
    visible,
)
from briefing.tui.collector import Collector
from briefing.tui.failures import EXPECTED_ERRORS, WorkerScreen, failure_message
from briefing.tui.feed_updates import FeedUpdatesApp
from briefing.tui.messages import (
    Annotate,
    FocusSearch,
    OpenArticle,
    OpenCompare,
    PinFact,
    PrepareReader,
    UpdateLibrary,
)
from briefing.tui.screens.search import SearchScreen
from briefing.tui.themes import bundled_themes

if TYPE_CHECKING:  # imported when first used: launch imports only the search screen's
    from briefing.compare.model import Fact, FactGroup
    from briefing.tui.screens.note_editor import NoteDraft
    from briefing.tui.screens.reader import ReaderScreen

# Imported in the background at the first pause in the user's input after launch (see
# _warm_imports): imported while the first query was typed, they held its keys back.
_LATER_MODULES = (
    "briefing.tui.screens.reader",
    "briefing.notes.store",
    "briefing.tui.screens.help",
    "briefing.tui.screens.note_editor",
    "rapidfuzz.fuzz",
)
_USER_ACTIONS = (events.Key, events.MouseDown, events.MouseScrollDown, events.MouseScrollUp)
IDLE_CHECK_SECONDS = 0.5  # how often the app looks for a pause in input (collector.py)
# What waits for the search screen's first results to be painted (the start-up indexing,
# garbage collections) waits at most this long.
LAUNCH_WAIT_SECONDS = 2.0
# The start-up check of an indexed library's files waits for a pause in input, at most
# this long after launch.
STARTUP_UPDATE_WAIT_SECONDS = 60.0

DEFAULT_THEME = "briefing-dark"
BATCH_REFRESH_SECONDS = 0.5
# How long the kept reader may load an article before it is shown with "Loading…".
READER_WAIT_SECONDS = 0.12
"""While a build runs, the search runs again this long after a batch lands."""
FIRST_RUN_HINT = (
    "This is the bundled sample corpus. Add your own folders with ctrl+l (library), "
    "or run `briefing PATH` or `briefing index PATH`."
)


class ThemeError(Exception):
    """An unknown theme name; the message lists the known ones."""


class BriefingApp(FeedUpdatesApp):
    """briefing's terminal app. Thin: theme, global keys, screens, indexing (its feed
    updates: :class:`FeedUpdatesApp`)."""

    TITLE = "briefing"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding(
            "question_mark", "help", "Help", key_display="?", tooltip="Every key; the query syntax"
        ),
        Binding("b", "briefing", "Briefing", tooltip="The notes and the briefing preview"),
        Binding(
            "ctrl+l",
            "library",
            "Library",
            show=False,
            tooltip="Add a folder; see skipped files and duplicates",
        ),
    ]

    indexing: reactive[Progress | None] = reactive(None)
    """The running update's progress, or None: screens watch it."""
    last_report: reactive[IngestReport | None] = reactive(None)
    """What the last update did (skipped files, duplicates): the library screen shows it."""

    def __init__(
        self,
        engine: Engine,
        theme: str = DEFAULT_THEME,
        config: Config | None = None,
        config_path: Path | None = None,
        update_on_start: bool = True,
        hint: str | None = None,
    ) -> None:
        super().__init__()
        self.engine = engine
        self.library: Library = engine.library
        self.config = config or Config()
        self._config_path = config_path
        self.update_on_start = update_on_start
        self.hint = hint
        self._reader: ReaderScreen | None = None
        self._reader_timer: Timer | None = None
        self._commits_seen = 0
        self._batch_timer: Timer | None = None
        self._collector = Collector()
        self._launched = False
        self._launched_at = 0.0
        self._update_at_pause = False  # the start-up update waits for a pause in input
        self._launch_timer: Timer | None = None
        self.sub_title = f"library {self.library.name!r}"
        # The theme is set before the app's CSS is first parsed: set in on_mount, it
        # had all the CSS parsed again with its colours.
        for bundled in bundled_themes():
            self.register_theme(bundled)
        self.theme = theme

    def on_load(self) -> None:
        self._collector.launch()  # no garbage collection until the first results show

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self.config.theme != self.theme:
            self._remember_theme(self.current_theme)  # a theme given on the command line
        self.push_screen(SearchScreen(self.engine, hint=self.hint))
        self._launch_timer = self.set_timer(LAUNCH_WAIT_SECONDS, self._launch_done)
        self._warmed = False
        self.set_interval(IDLE_CHECK_SECONDS, self._idle_tick)

    def on_search_screen_first_results(self, message: SearchScreen.FirstResults) -> None:
        self._launch_done(message.total)

    def _launch_done(self, articles: int | None = None) -> None:
        """The search screen has painted its first results (or LAUNCH_WAIT_SECONDS have
        passed): what was held back for them starts, once. The start-up indexing worker
        walking the library's files (42,000 at a time) took the interpreter from the
        first screen and the first search; so did garbage collections.

        A library with articles already searchable is checked for changed files at the
        first pause in input (at most STARTUP_UPDATE_WAIT_SECONDS later: a minute): the check of
        42,000 files held the interpreter for two seconds, under the first keys typed.
        A new or empty library starts building at once. When the wait ran out first
        (``articles`` None: a loaded machine), whether the library has an index decides.
        """
        if self._launched:
            return
        self._launched = True
        self._launched_at = time.monotonic()
        if self._launch_timer is not None:
            self._launch_timer.stop()
        self._collector.start()
        self.update_feeds_if_due()
        if not self.update_on_start:
            return
        if articles is None:
            articles = 1 if self.engine.exists() else 0
        if articles:
            self._update_at_pause = True
        else:
            self.update_library()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, _USER_ACTIONS):
            self._collector.activity()  # no full garbage collection while the user acts
        await super().on_event(event)

    def _idle_tick(self) -> None:
        """Work that waits for a pause in the user's input: the start-up check of the
        library's files, the later imports, once, then full garbage collections
        (collector.py)."""
        if self._update_at_pause and (
            self._collector.idle()
            or time.monotonic() - self._launched_at >= STARTUP_UPDATE_WAIT_SECONDS
        ):
            self._update_at_pause = False
            self.update_library()
            return
        if not self._warmed and self._collector.idle():
            self._warmed = True
            self._warm_imports()
            return
        self._collector.tick()

    @work(thread=True, group="imports", name="loading the reader", exit_on_error=False)
    def _warm_imports(self) -> None:
        """Import what the reader, notes and help need, after launch: the first article
        opened then waits for none of it."""
        import importlib

        for name in _LATER_MODULES:
            importlib.import_module(name)
        self.call_from_thread(self.prepare_reader)

    def prepare_reader(self) -> None:
        """Make the kept reader now, if not yet made: at a pause in input, or when the
        user moves to the results (the search screen calls this).

        Composing and mounting the reader held the first article's open back 50-100 ms.
        Textual composes a screen when it is first pushed (``App._get_screen`` registers
        and starts it): that step is taken here, off the stack, so nothing is shown and
        the first open finds the reader ready, like every later one.
        """
        if self._reader is not None:
            return
        from briefing.tui.screens.reader import ReaderScreen

        reader = self._reader = ReaderScreen(self.engine, None)
        self.install_screen(reader, "reader")
        get_screen = getattr(self, "_get_screen", None)
        if callable(get_screen):  # else (another Textual) composed when first pushed
            get_screen(reader)

    def on_unmount(self) -> None:
        self._collector.stop()
        # A first grouping of a large library runs for minutes in a process of its
        # own: closing the app ends it (it resumes next time) rather than wait for it.
        self.engine.stop_apart()

    # -- themes ----------------------------------------------------------------------

    def _remember_theme(self, theme: Theme) -> None:
        if self.config.theme != theme.name:
            self.config.theme = theme.name
            self._save_config()

    @work(thread=True, group="config", name="saving settings", exit_on_error=False)
    def _save_config(self) -> None:
        save_config(self.config, self._config_path)

    # -- failed workers --------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one policy for a worker that failed: one notification, the app goes on.

        The app's own workers report here; screens pass theirs on (``WorkerScreen``),
        then put themselves back in order in ``worker_failed``.
        """
        worker = event.worker
        error = worker.error
        if event.state is not WorkerState.ERROR or error is None:
            return
        message = failure_message(worker.name, error)
        if not isinstance(error, EXPECTED_ERRORS):
            # A bug: the user gets one line, the log (textual console) the traceback.
            self.log.error(message, "".join(traceback.format_exception(error)))
        self.notify(message, severity="error", markup=False)
        if worker.group == "index":
            self.indexing = None  # the progress bar would otherwise stay up
        if isinstance(error, IndexDamaged):
            self.update_library()  # the damaged index was moved aside: rebuild it now
        node = worker.node
        if isinstance(node, WorkerScreen) and node.is_attached:
            node.worker_failed(worker, message)

    # -- screens ---------------------------------------------------------------------

    def action_help(self) -> None:
        """Show the keys and the query syntax."""
        from briefing.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_focus_search(self) -> None:
        """Go back to the search screen and put the cursor in the query box."""
        while len(self.screen_stack) > 2 and not isinstance(self.screen, SearchScreen):
            self.pop_screen()
        if isinstance(self.screen, SearchScreen):
            self.screen.action_focus_search()

    def action_library(self) -> None:
        """Show the library: its folders, adding one, what was skipped."""
        from briefing.tui.screens.library import LibraryScreen

        if not isinstance(self.screen, LibraryScreen):
            self.push_screen(LibraryScreen(self.engine))

    def open_article(self, article_id: str, query: str = "", related: bool = False) -> None:
        """Open an article in the reader, with the query's matches highlighted."""
        # One reader is kept for articles opened from the results and shown again:
        # composing and styling a new screen each time held the event loop ~100 ms.
        # (Installed, so that popping it does not destroy it.)
        from briefing.tui.screens.reader import ReaderScreen

        self.prepare_reader()
        screen = self._reader
        assert screen is not None
        if screen in self.screen_stack:
            self._show_reader(ReaderScreen(self.engine, article_id, query), related)
        else:
            # The kept reader loads the article first and is shown when it has it (or
            # after READER_WAIT_SECONDS with "Loading…"): one paint instead of two.
            reader = screen
            shown = False

            def show() -> None:
                # Once per open, whichever comes first: the article or the wait's end.
                # (The wait's end once pushed the reader back after the user had left it.)
                nonlocal shown
                if shown:
                    return
                shown = True
                timer.stop()
                if reader not in self.screen_stack and self._reader is reader:
                    if reader.is_mounted:
                        reader.show_loading()  # the wait ended first (else a no-op)
                    self._show_reader(reader, related)

            if self._reader_timer is not None:
                self._reader_timer.stop()  # an older open's wait: this open replaces it
            timer = self._reader_timer = self.set_timer(READER_WAIT_SECONDS, show)
            reader.show(article_id, query, on_loaded=show)

    def _show_reader(self, screen: Screen[Any], related: bool) -> None:
        self.push_screen(screen)
        if related and hasattr(screen, "action_focus_related"):
            self.call_after_refresh(screen.action_focus_related)

    def open_compare(self, article_ids: Sequence[str]) -> None:
        """Compare two to four articles side by side."""
        from briefing.tui.screens.compare import CompareScreen

        ids = list(dict.fromkeys(article_ids))
        if len(ids) < 2:
            self.notify(
                "Mark 2 to 4 articles with space, then press c.", severity="warning", markup=False
            )
            return
        self.push_screen(CompareScreen(self.engine, ids))

    # -- notes and the briefing ------------------------------------------------------

    # -- what screens ask (messages.py) ----------------------------------------------

    def on_open_article(self, message: OpenArticle) -> None:
        self.open_article(message.article_id, message.query, message.related)

    def on_open_compare(self, message: OpenCompare) -> None:
        self.open_compare(message.article_ids)

    def on_annotate(self, message: Annotate) -> None:
        self.annotate(message.article, message.span, message.saved)

    def on_pin_fact(self, message: PinFact) -> None:
        self.pin_discrepancy(message.group)

    def on_focus_search(self, message: FocusSearch) -> None:
        self.action_focus_search()

    def on_prepare_reader(self, message: PrepareReader) -> None:
        self.prepare_reader()

    def on_update_library(self, message: UpdateLibrary) -> None:
        self.update_library()

    def annotate(
        self,
        article: Article,
        span: tuple[int, int] | None,
        after: Callable[[], object] | None = None,
    ) -> None:
        """Open the note editor on a quote (or on the article) and save what it returns."""
        quote = article.body[span[0] : span[1]] if span else ""
        source = article.source or article.title
        from briefing.tui.screens.note_editor import NoteEditor

        def done(draft: NoteDraft | None) -> None:
            if draft is not None:
                self._add_note(article, span, draft, after)

        self.push_screen(NoteEditor(quote, source), done)

    @work(thread=True, group="notes-write", name="saving the note", exit_on_error=False)
    def _add_note(
        self,
        article: Article,
        span: tuple[int, int] | None,
        draft: NoteDraft,
        after: Callable[[], object] | None,
    ) -> None:
        store = self.engine.notes()
        anchor = store.anchor_for(article.body, *span) if span else None
        store.add(article_id=article.id, anchor=anchor, **draft.fields())
        self.call_from_thread(self.notify, "Note saved.", markup=False)
        if after is not None:
            self.call_from_thread(after)

    @work(thread=True, group="notes-write", name="pinning to the briefing", exit_on_error=False)
    def pin_discrepancy(self, group: FactGroup) -> None:
        """Keep a conflicting fact as a discrepancy note with every source's value."""
        from briefing.notes.model import SourceValue

        by_article: dict[str, list[Fact]] = {}
        for fact in group.facts:
            by_article.setdefault(fact.article_id, []).append(fact)
        values = tuple(
            SourceValue(aid, "; ".join(f.text for f in facts), facts[0].sentence)
            for aid, facts in by_article.items()
        )
        self.engine.notes().add(
            kind="discrepancy",
            comment=group.reason,
            article_id=group.facts[0].article_id if group.facts else None,
            what=group.key,
            values=values,
        )
        self.call_from_thread(
            self.notify, f"Pinned to the briefing: {visible(group.key)}", markup=False
        )

    def action_briefing(self) -> None:
        """Show the notes and the briefing preview."""
        from briefing.tui.screens.notes import NotesScreen

        if not isinstance(self.screen, NotesScreen):
            self.push_screen(NotesScreen(self.engine))

    def search_screen(self) -> SearchScreen | None:
        """The search screen, wherever it is in the stack."""
        for screen in self.screen_stack:
            if isinstance(screen, SearchScreen):
                return screen
        return None

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        # Every key binding of the screen the palette was opened on, so that each
        # action can be found by name as well as by key.
        seen: set[str] = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not (binding.description and active.enabled) or binding.action in seen:
                continue
            seen.add(binding.action)
            shown = binding.key_display or self.get_key_display(binding)
            yield SystemCommand(
                f"{binding.description} ({shown or key})",
                binding.tooltip or f"Key: {shown or key}",
                partial(self.run_action, binding.action, active.node),
            )
        yield SystemCommand("Search", "Focus the search box (/)", self.action_focus_search)
        yield SystemCommand("Help", "Keys and query syntax (?)", self.action_help)
        yield SystemCommand(
            "Library",
            "Add a folder, see skipped files and duplicates (ctrl+l)",
            self.action_library,
        )
        yield SystemCommand("Re-index", "Index new, changed and deleted files", self.update_library)
        for name in sorted(self.available_themes):
            yield SystemCommand(
                f"Theme: {name}",
                "Switch to this theme (remembered)",
                lambda name=name: setattr(self, "theme", name),
                discover=False,
            )

    # -- indexing --------------------------------------------------------------------

    def update_library(self) -> None:
        """Index new, changed and deleted files in a worker; search goes on meanwhile."""
        self._update_worker()

    @work(thread=True, exclusive=True, group="index", name="indexing", exit_on_error=False)
    def _update_worker(self) -> None:
        def progress(p: Progress) -> None:
            self.call_from_thread(setattr, self, "indexing", p)

        report = self.engine.update(progress)
        self.call_from_thread(self._updated, report)

    @work(
        thread=True, exclusive=True, group="stories", name="grouping stories", exit_on_error=False
    )
    def _group_stories(self) -> None:
        # Right after indexing, in a process of its own: related coverage reads the
        # story store, and grouping a large library takes minutes and hundreds of
        # megabytes the first time (nothing to do when nothing changed). Its own
        # worker, so a failure is not reported as a failed update.
        self.engine.sync_stories_apart()

    def watch_indexing(self, progress: Progress | None) -> None:
        """A batch of the running update was committed: show what it made searchable.

        Debounced: the search runs again at most every BATCH_REFRESH_SECONDS, however
        often batches land.
        """
        if progress is None:
            self._commits_seen = 0
            return
        if progress.commits > self._commits_seen:
            self._commits_seen = progress.commits
            if self._batch_timer is None:
                self._batch_timer = self.set_timer(BATCH_REFRESH_SECONDS, self._batch_landed)

    def _batch_landed(self) -> None:
        self._batch_timer = None
        screen = self.search_screen()
        if screen is not None:
            screen.refresh_results()

    def _updated(self, report: IngestReport) -> None:
        self.indexing = None
        self.last_report = report
        self._group_stories()
        for notice in report.notices:
            self.notify(visible(notice), severity="warning", markup=False)
        if report.added or report.updated or report.removed:
            summary = (
                f"Indexed: {report.added} added, {report.updated} updated, "
                f"{report.removed} removed; {report.total_articles} articles"
            )
            if report.skipped:
                summary += f"; {len(report.skipped)} files skipped (ctrl+l shows why)"
            self.notify(summary, markup=False)
        screen = self.search_screen()
        if screen is not None and (report.added or report.updated or report.removed):
            screen.refresh_results()


def theme_names() -> list[str]:
    """Every theme name: briefing's own and Textual's."""
    return sorted({t.name for t in bundled_themes()} | set(BUILTIN_THEMES))


def make_app(
    library: str = DEFAULT_LIBRARY,
    path: Path | None = None,
    theme: str | None = None,
    update_on_start: bool = True,
) -> BriefingApp:
    """Build the app for a library (or a folder opened as a library) and a theme.

    Raises:
        ThemeError: ``theme`` is not a known theme name.
        LibraryError: the library or path is not usable.
    """
    config = load_config()
    names = theme_names()
    if theme is not None and theme not in names:
        raise ThemeError(f"unknown theme {theme!r}; choose one of: {', '.join(names)}")
    chosen = theme or (config.theme if config.theme in names else DEFAULT_THEME)
    lib = library_for_path(path) if path is not None else load_library(library, create=False)
    if not lib.entries:
        raise LibraryError(f"library {lib.name!r} is empty; add folders with `briefing index PATH`")
    hint = None
    if [e.path for e in lib.entries] == [SAMPLE_MARKER]:
        hint = FIRST_RUN_HINT
    return BriefingApp(
        # The indexing worker builds; a search never starts a build of its own.
        open_engine(lib, build_on_open=not update_on_start),
        theme=chosen,
        config=config,
        config_path=locations.config_file(),
        update_on_start=update_on_start,
        hint=hint,
    )
