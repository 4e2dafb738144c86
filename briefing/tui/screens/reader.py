"""The reader: one article in full, its matches, and how other outlets covered it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, get_current_worker

from briefing.corpus.model import Article
from briefing.engine import ArticleNotFound, Engine, NotesUnavailable, visible
from briefing.notes.model import Note
from briefing.search.model import ArticleMatches, Hit
from briefing.tui.failures import WorkerScreen
from briefing.tui.messages import Annotate, FocusSearch, OpenCompare
from briefing.tui.untrusted import untrusted
from briefing.tui.widgets.article_view import ArticleView
from briefing.tui.widgets.key_bar import KeyBar

RELATED_LIMIT = 10
INFERRED_MARK = "*"
SEPARATOR = " · "
KEY_HINTS = "n/N next/previous hit · r related · esc back · / search"


@dataclass(frozen=True)
class _Loaded:
    """What the loading worker hands to the UI."""

    article: Article
    matches: ArticleMatches
    related: list[Hit]
    notes: list[Note] | None  # None: the notes could not be read here (see _load_notes)


def _one_line(text: str) -> str:
    """Error messages may quote file names: keep them to one line."""
    return " ".join(text.split())


def _date_text(hit: Hit | Article) -> str:
    return hit.published.isoformat() if hit.published else "unknown date"


class ArticleHeader(Static):
    """The article's title (with query matches) and metadata; guessed fields marked."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-header--title",
        "article-header--match",
        "article-header--inferred",
        "article-header--muted",
    }

    DEFAULT_CSS = """
    ArticleHeader {
        height: auto;
        /* Title, metadata, and the "inferred" line most articles have: one height for
           most articles, so that showing the next one does not lay the screen out twice. */
        min-height: 3;
        padding: 0 1;
        background: $panel;
        color: $foreground;
    }
    ArticleHeader > .article-header--title {
        text-style: bold;
    }
    ArticleHeader > .article-header--match {
        /* A coloured underline, not a translucent background: Content resolves this class
           as a partial style, where a background's alpha blends unpredictably. */
        color: $text-accent;
        text-style: bold underline;
    }
    ArticleHeader > .article-header--inferred {
        color: $accent;
        text-style: bold;
    }
    ArticleHeader > .article-header--muted {
        color: $text-muted;
    }
    """

    def show_article(self, article: Article, title_matches: Sequence[tuple[int, int]]) -> None:
        """Show ``article``'s metadata, highlighting ``title_matches`` in its title."""
        inferred = article.inferred
        title = untrusted(
            article.title or "untitled", title_matches, ".article-header--match"
        ).stylize_before(".article-header--title")
        if "title" in inferred:
            title += self._mark()
        published = article.published.isoformat() if article.published else None
        parts = [
            self._field(article.source, "source" in inferred, "unknown source"),
            self._field(article.author, "author" in inferred, "unknown author"),
            self._field(published, "published" in inferred, "unknown date"),
        ]
        if article.url:  # no URL is the rule for pasted text: not worth an "unknown"
            parts.append(self._field(article.url, "url" in inferred, ""))
        parts.append(self._muted(article.path))
        lines = [title, Content(SEPARATOR).join(parts)]
        if inferred:
            lines.append(self._mark() + self._muted(" inferred from the text"))
        if article.warnings:
            lines.append(self._muted("; ".join(article.warnings)))
        self.update(Content("\n").join(lines))

    def show_error(self, message: str) -> None:
        """Show a one-line problem instead of an article."""
        self.update(self._muted(message))

    def _field(self, value: str | None, inferred: bool, unknown: str) -> Content:
        """One metadata field: its value, marked if guessed, or a muted "unknown ..."."""
        if not value:
            return self._muted(unknown)
        return untrusted(value) + self._mark() if inferred else untrusted(value)

    @staticmethod
    def _mark() -> Content:
        return Content(INFERRED_MARK).stylize(".article-header--inferred")

    @staticmethod
    def _muted(text: str) -> Content:
        return untrusted(text).stylize(".article-header--muted")


class ReaderScreen(WorkerScreen):
    """One article: metadata header, the text with its matches, related coverage, status.

    Everything is fetched in a thread worker, so opening a long article never blocks
    the UI. Article-derived text and ids are shown by the display rule
    (:mod:`briefing.tui.untrusted`): plain ``Content``, visible escapes, never markup.
    """

    DEFAULT_CSS = """
    ReaderScreen {
        layout: vertical;
    }
    ReaderScreen #reader-body {
        height: 1fr;
    }
    ReaderScreen #reader-article {
        width: 1fr;
        height: 1fr;
    }
    ReaderScreen #reader-related {
        width: 40;
        height: 1fr;
        background: $surface;
        border-left: vkey $panel;
    }
    ReaderScreen #reader-related-title {
        width: 1fr;
        padding: 0 1;
        text-style: bold;
        color: $text-primary;
        background: $panel;
    }
    ReaderScreen #related-list {
        height: 1fr;
        border: none;
        background: $surface;
    }
    ReaderScreen #reader-status {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next_hit", "Next hit", tooltip="The next match of the query"),
        Binding("N", "previous_hit", "Previous hit", tooltip="The previous match of the query"),
        Binding("r", "focus_related", "Related", tooltip="How other outlets covered it"),
        Binding("c", "compare", "Compare", tooltip="Compare with the highlighted related article"),
        Binding(
            "a",
            "annotate",
            "Annotate",
            tooltip="Write a note on the selected sentences (or on the article)",
        ),
        Binding("enter", "open_related", "Open related", tooltip="In the related coverage list"),
        Binding("escape", "back", "Back", tooltip="Back to the results, selection kept"),
        Binding(
            "slash",
            "search",
            "Search",
            key_display="/",
            show=False,
            tooltip="Back to the search box",
        ),
    ]

    AUTO_FOCUS = "#reader-article"

    def __init__(self, engine: Engine, article_id: str | None, query: str = "") -> None:
        """Create the reader for ``article_id``, highlighting ``query``'s matches.

        Args:
            engine: Where the article, its matches and related articles come from.
            article_id: The article's id (a unique short form such as ``002`` works too);
                None for a reader made ahead of time, which loads nothing until
                :meth:`show`.
            query: The search query whose matches to highlight; empty for none.
        """
        super().__init__()
        self.engine = engine
        self.article_id = article_id
        self.query_text = query
        self.article: Article | None = None
        self._related: list[Hit] = []
        self._on_loaded: Callable[[], None] | None = None
        self._filled = False  # showing the article, or why it is not available
        # What the styles were last brought up to date with (see on_screen_resume).
        self._styled_with: tuple[object, ...] | None = None

    def compose(self) -> ComposeResult:
        """Header, article and related coverage side by side, status line, footer."""
        yield ArticleHeader(Content("Loading…"), id="reader-header")
        with Horizontal(id="reader-body"):
            yield ArticleView(id="reader-article")
            with Vertical(id="reader-related"):
                yield Label("Related coverage", id="reader-related-title")
                yield OptionList(id="related-list")
        yield Static(id="reader-status")
        yield KeyBar()

    def on_mount(self) -> None:
        """Show the loading state and fetch everything in a worker (a reader made ahead
        of time waits for :meth:`show`)."""
        # Mounting styled every node with the stylesheet as it is now: the first resume
        # need not do it again (see on_screen_resume).
        self._styled_with = self._style_key()
        if self.article_id is not None:
            self.show_loading()
            self._start_loading()
        else:
            self.call_later(self._lay_out_ahead)

    def _lay_out_ahead(self) -> None:
        """Lay the reader made ahead of time out at the app's size, and render it once,
        off the screen stack (nothing reaches the terminal).

        A screen's first layout sizes every widget from nothing, and each of them asks
        for another layout (Textual's ``virtual_size`` is a layout-reactive), and so
        on: the first open laid the reader out five times (80-190 ms at 42k, with the
        rendering of each), later opens once. A widget's first render costs more than
        its later ones too (the first open's frame: 60 ms, later ones 30 ms), and
        so does the screen's first frame timer. Done here, the first open finds the
        widgets at their size and rendered, like any later one. Nested widgets may
        still be mounting: then this waits for them.
        """
        if self.is_current or self.article_id is not None:
            return
        if not all(node.is_mounted for node in self.query("*")):
            self.set_timer(0.05, self._lay_out_ahead)
            return
        self._refresh_layout(self.app.size)
        self._compositor.render_update(full=True)
        # Textual's frame timer waits a whole frame (1/60 s) the first time it is
        # resumed, later times not: that first wait is spent here too.
        self._update_timer.resume()

    # -- styles on resume ------------------------------------------------------------

    def _style_key(self) -> tuple[object, ...]:
        """What the screen's styles depend on beyond its own nodes: the app's CSS
        generation (Textual counts each change of the theme or the CSS), and the app
        state that pseudo-classes and the colour filters read.

        Not the parsed rules: the stylesheet is parsed again whenever a widget of a new
        kind is first mounted anywhere (the progress bar of the start-up check), which
        adds only rules for that kind, and restyled the whole reader at its first open
        (60 ms)."""
        app = self.app
        generation = getattr(app, "_css_update_count", None)
        css = app.stylesheet.rules if generation is None else generation
        return (css, app.theme, app.app_focus, app.ansi_color)

    def on_screen_suspend(self, event: events.ScreenSuspend) -> None:
        """Up to this moment, Textual kept the shown screen's styles up to date."""
        self._styled_with = self._style_key()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Restyle on resume only if the stylesheet changed while the reader was hidden.

        Textual restyles every node of a screen pushed again (a theme may have changed
        meanwhile, and screens off the stack are not restyled): 10-20 ms of each open
        of the kept reader, for nothing when the stylesheet is the one it was styled
        with. Runs before ``Screen``'s own handler (subclass handlers come first).
        """
        key, old = self._style_key(), self._styled_with
        # (Rules, if compared, by identity: comparing lists of rules element by element
        # would cost what is being saved.)
        same_css = old is not None and (
            old[0] is key[0] if isinstance(key[0], list) else old[0] == key[0]
        )
        if old is not None and same_css and old[1:] == key[1:]:
            event.refresh_styles = False
        self._styled_with = key

    def show(
        self, article_id: str, query: str = "", on_loaded: Callable[[], None] | None = None
    ) -> None:
        """Show another article in this screen (the app reuses one reader: composing a
        screen costs more than the article it shows).

        ``on_loaded`` is called once the article is shown (or could not be): the app
        shows the screen then, painted once with the article, rather than with
        "Loading…" first and the article a frame later.
        """
        self.article_id = article_id
        self.query_text = query
        self.article = None
        self._related = []
        self._filled = False
        self._on_loaded = on_loaded
        if self.is_mounted:
            if self.is_current:
                self.show_loading()
            self._start_loading()

    def _loaded(self) -> None:
        callback, self._on_loaded = self._on_loaded, None
        if callback is not None:
            callback()

    def show_loading(self) -> None:
        """Show "Loading…" in place of the article (the kept reader, hidden while it
        loads, shows it only if it is shown before its article arrives)."""
        if self._filled:
            return
        self.query_one(ArticleHeader).update(Content("Loading…"))
        self.query_one(ArticleView).show_message("Loading…")
        self._set_related_placeholder("Loading…")
        self._set_status("Loading…")

    def _start_loading(self) -> None:
        self.query_one(ArticleView).focus()
        self._load()

    # -- loading ---------------------------------------------------------------------

    @work(
        thread=True, exclusive=True, group="reader", name="opening the article", exit_on_error=False
    )
    def _load(self) -> None:
        """Fetch the article, its matches and related coverage off the UI thread."""
        worker = get_current_worker()
        article_id = self.article_id
        if article_id is None:
            return
        try:
            article = self.engine.article(article_id)
            if article is None:
                # A short form ("002") is as good as the full id, as on the command line.
                article = self.engine.article(self.engine.resolve(article_id))
            if article is None:
                raise ArticleNotFound(f"no article with id {article_id!r}")
            query = self.query_text.strip()
            matches = self.engine.matches(article.id, query) if query else ArticleMatches()
            related = self.engine.related(article.id, RELATED_LIMIT)
            notes = self._notes_of(article)
        except ArticleNotFound as exc:
            # Not a failure of the reader: the id is stale or wrong, and the answer is
            # shown in the view. Other errors go to the app's policy (``worker_failed``).
            message = _one_line(str(exc))
            if not worker.is_cancelled:
                self.app.call_from_thread(self._show_error, message)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, _Loaded(article, matches, related, notes))

    def _notes_of(self, article: Article) -> list[Note] | None:
        """The article's notes found again in its text, read with the article so that
        the reader is painted once; None if the notes cannot be read (the notes worker
        then tries again and reports why)."""
        try:
            notes = self.engine.notes().reanchor(article.id, article.body)
        except NotesUnavailable:
            return None
        return notes

    def _show(self, loaded: _Loaded) -> None:
        """Fill the screen with what the worker found."""
        if not self.is_attached:
            return  # left before the worker finished
        article = loaded.article
        self.article = article
        self._filled = True
        self.query_one(ArticleHeader).show_article(article, loaded.matches.title)
        view = self.query_one(ArticleView)
        view.set_text(article.body, loaded.matches.body)
        self._related = list(loaded.related)
        related_list = self.query_one("#related-list", OptionList)
        if self._related:
            related_list.set_options(self._related_prompt(hit) for hit in self._related)
            related_list.highlighted = 0
        else:
            self._set_related_placeholder("No related coverage")
        if view.hit_count:
            view.go_to_hit(0)  # the HitChanged message sets the status line
        else:
            self._set_status("no hits" if self.query_text.strip() else "no query")
        self.refresh_bindings()
        if loaded.notes is None:
            self._load_notes(article)
        else:
            self._show_notes(article.id, loaded.notes)
        self._loaded()

    # -- notes -----------------------------------------------------------------------

    @work(
        thread=True,
        exclusive=True,
        group="reader-notes",
        name="loading the article's notes",
        exit_on_error=False,
    )
    def _load_notes(self, article: Article) -> None:
        """Find the article's notes again in its current text and mark them."""
        notes = self.engine.notes().reanchor(article.id, article.body)
        self.app.call_from_thread(self._show_notes, article.id, notes)

    def _show_notes(self, article_id: str, notes: list[Note]) -> None:
        if self.article is None or self.article.id != article_id or not self.is_attached:
            return
        self._notes = [n for n in notes if n.anchor is not None and n.found]
        spans = [(n.anchor.start, n.anchor.end) for n in self._notes if n.anchor is not None]
        self.query_one(ArticleView).set_notes(spans)

    @on(ArticleView.SelectionChanged)
    def _selection_changed(self, event: ArticleView.SelectionChanged) -> None:
        """Show the note on the selected sentence, if there is one."""
        for note in getattr(self, "_notes", []):
            anchor = note.anchor
            if anchor is not None and anchor.start < event.end and anchor.end > event.start:
                self._set_status(f"✎ {note.kind}: {_one_line(note.comment)[:100]}")
                return
        self._set_status("j/k select a sentence · shift extends · a annotate")

    def action_annotate(self) -> None:
        """Write a note on the selected sentences (j/k select), or on the whole article."""
        if self.article is None:
            return
        span = self.query_one(ArticleView).selection
        article = self.article
        self.post_message(Annotate(article, span, saved=lambda: self._load_notes(article)))

    def _show_error(self, message: str) -> None:
        """Say what went wrong, in the view and as a notification."""
        if not self.is_attached:
            return
        self._show_unavailable(message)
        self.notify(visible(message), title="Reader", severity="error", markup=False)
        self._loaded()

    def worker_failed(self, worker: Worker[Any], message: str) -> None:
        """The article could not be loaded: say so where "Loading…" was."""
        if worker.group == "reader":
            self._show_unavailable(message)

    def _show_unavailable(self, message: str) -> None:
        self._filled = True
        self.query_one(ArticleHeader).show_error("Article not available")
        self.query_one(ArticleView).show_message(message, error=True)
        self._set_related_placeholder("No related coverage")
        self._set_status("not available")

    # -- pieces ----------------------------------------------------------------------

    @staticmethod
    def _related_prompt(hit: Hit) -> Content:
        """Two lines: the title in bold, then outlet and date."""
        title = untrusted(hit.title or "untitled").stylize("bold")
        meta = untrusted(f"{hit.source or 'unknown source'}{SEPARATOR}{_date_text(hit)}")
        return title + "\n" + meta.stylize("dim")

    def _set_related_placeholder(self, text: str) -> None:
        for related_list in self.query("#related-list").results(OptionList):
            # (None yet in a reader whose nested widgets are still mounting.)
            related_list.set_options([Option(Content(text).stylize("italic"), disabled=True)])

    def _set_status(self, hits: str) -> None:
        status = untrusted(hits).stylize("bold") + Content(f"  {KEY_HINTS}")
        # One line of fixed height: no layout (a layout repaints the whole screen).
        self.query_one("#reader-status", Static).update(status, layout=False)

    @on(ArticleView.HitChanged)
    def _hit_changed(self, event: ArticleView.HitChanged) -> None:
        self._set_status(f"hit {event.index + 1}/{event.count}")

    @on(OptionList.OptionSelected, "#related-list")
    def _related_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._open_related(event.option_index)

    def _open_related(self, index: int | None) -> None:
        if index is None or not 0 <= index < len(self._related):
            return
        hit = self._related[index]
        self.app.push_screen(ReaderScreen(self.engine, hit.id, self.query_text))

    # -- actions ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show "open related" only in the related list; grey out hit keys with no hits."""
        if action == "open_related":
            return self.focused is self.query_one("#related-list", OptionList)
        if action in ("next_hit", "previous_hit"):
            return True if self.query_one(ArticleView).hit_count else None
        return True

    def action_next_hit(self) -> None:
        """Go to the next match of the query (from the last back to the first)."""
        self.query_one(ArticleView).next_hit()

    def action_previous_hit(self) -> None:
        """Go to the previous match of the query (from the first round to the last)."""
        self.query_one(ArticleView).previous_hit()

    def action_focus_related(self) -> None:
        """Move the focus to the related coverage list."""
        related_list = self.query_one("#related-list", OptionList)
        related_list.focus()
        if related_list.highlighted is None and self._related:
            related_list.highlighted = 0

    def action_open_related(self) -> None:
        """Open the highlighted related article in a new reader."""
        self._open_related(self.query_one("#related-list", OptionList).highlighted)

    def action_compare(self) -> None:
        """Compare this article with the highlighted related one (or the first)."""
        if self.article is None or not self._related:
            self.notify("No related coverage to compare with.", severity="warning", markup=False)
            return
        index = self.query_one("#related-list", OptionList).highlighted or 0
        other = self._related[min(index, len(self._related) - 1)]
        self.post_message(OpenCompare([self.article.id, other.id]))

    def action_back(self) -> None:
        """Back to the screen underneath (the search keeps its selection)."""
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def action_search(self) -> None:
        """Back to the search screen with the query box focused."""
        self.post_message(FocusSearch())  # the app pops the readers, focuses the query box
