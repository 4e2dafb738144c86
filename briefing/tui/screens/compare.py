"""Two to four articles side by side: what the outlets share, and where their facts differ."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, get_current_worker

from briefing.compare.model import Comparison, FactGroup
from briefing.corpus.model import Article
from briefing.engine import Engine
from briefing.search.model import Hit
from briefing.tui.failures import WorkerScreen
from briefing.tui.messages import Annotate, PinFact
from briefing.tui.untrusted import untrusted, untrusted_cell
from briefing.tui.widgets.key_bar import KeyBar
from briefing.tui.widgets.passage_view import MARKS, PassageView

MAX_COLUMNS = 4
LETTERS = "ABCD"


class CompareColumn(Vertical):
    """One article: a header (letter, source, date, title) over its passages."""

    DEFAULT_CSS = """
    CompareColumn { width: 1fr; border-right: vkey $panel; }
    CompareColumn > .column-header {
        height: auto; max-height: 4; padding: 0 1; background: $panel;
    }
    CompareColumn:focus-within > .column-header { background: $primary 30%; }
    """

    def __init__(self, article_id: str, letter: str) -> None:
        super().__init__()
        self.article_id = article_id
        self.letter = letter

    def compose(self) -> ComposeResult:
        yield Static(Content(f"[{self.letter}] Loading…"), classes="column-header")
        yield PassageView(self.article_id)

    def show_article(self, article: Article | None) -> None:
        """Fill in the header (once the column has composed its header)."""
        headers = self.query(".column-header")
        if not headers:
            self.call_after_refresh(self.show_article, article)
            return
        if article is None:
            text = untrusted(f"[{self.letter}] {self.article_id} (not found)")
        else:
            date = article.published.isoformat() if article.published else "undated"
            meta = f"[{self.letter}] {article.source or 'unknown source'} · {date}"
            text = untrusted(meta).stylize("bold") + "\n" + untrusted(article.title)
        headers.first(Static).update(text)


class PickArticle(ModalScreen[str | None]):
    """Choose an article to add as a column (from related coverage)."""

    DEFAULT_CSS = """
    PickArticle { align: center middle; }
    PickArticle > Vertical {
        width: 90; height: auto; max-height: 80%;
        background: $surface; border: round $primary; padding: 1 2;
    }
    PickArticle OptionList { height: auto; max-height: 20; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, hits: list[Hit]) -> None:
        super().__init__()
        self.hits = hits

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Content("Add a column: related coverage").stylize("bold"))
            options = [
                Option(
                    untrusted(h.title).stylize("bold")
                    + "\n"
                    + untrusted(
                        f"{h.source or 'unknown source'} · "
                        f"{h.published.isoformat() if h.published else 'undated'}"
                    ),
                    id=h.id,
                )
                for h in self.hits
            ]
            yield OptionList(*options)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        """Close without adding."""
        self.dismiss(None)


class CompareScreen(WorkerScreen):
    """Columns of aligned passages and a facts table; everything computed in a worker."""

    DEFAULT_CSS = """
    CompareScreen #columns { height: 1fr; }
    CompareScreen #facts { height: 12; border-top: hkey $primary; }
    CompareScreen #compare-status {
        height: 1; padding: 0 1; background: $panel; color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to where the comparison was opened"),
        Binding(
            "f",
            "focus_facts",
            "Facts",
            tooltip="The facts table, conflicts first: a row jumps each column to its sentence",
        ),
        Binding("plus", "add_column", "Add column", tooltip="Add an article from related coverage"),
        Binding("minus,x", "remove_column", "Remove", tooltip="Remove the focused column"),
        Binding(
            "p",
            "pin",
            "Pin fact",
            tooltip="Pin the selected fact to the briefing: a discrepancy note with every "
            "source's value",
        ),
        Binding("a", "annotate", "Annotate", tooltip="Write a note on the selected passage"),
        Binding(
            "tab",
            "app.focus_next",
            "Next column",
            show=False,
            tooltip="Scrolling one column scrolls the others",
        ),
    ]

    def __init__(self, engine: Engine, article_ids: list[str]) -> None:
        super().__init__()
        self.engine = engine
        self.article_ids = list(article_ids)[:MAX_COLUMNS]
        self.comparison: Comparison | None = None
        self.articles: dict[str, Article | None] = {}
        self._syncing = False
        self._generation = 0  # results of an older set of columns are dropped

    def compose(self) -> ComposeResult:
        with Horizontal(id="columns"):
            for n, article_id in enumerate(self.article_ids):
                yield CompareColumn(article_id, LETTERS[n])
        yield DataTable(id="facts", cursor_type="row", zebra_stripes=True)
        yield Static(Content("Comparing…"), id="compare-status")
        yield KeyBar()

    def on_mount(self) -> None:
        self._load(list(self.article_ids), self._generation)

    # -- loading -------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="compare", name="comparing", exit_on_error=False)
    def _load(self, article_ids: list[str], generation: int) -> None:
        worker = get_current_worker()
        articles = {i: self.engine.article(i) for i in article_ids}
        comparison = self.engine.compare(article_ids)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, comparison, articles, generation)

    def worker_failed(self, worker: Worker[Any], message: str) -> None:
        """A failed comparison: the status line says why instead of "Comparing…"."""
        if worker.group == "compare":
            self.query_one("#compare-status", Static).update(Content(message))

    def _show(
        self, comparison: Comparison, articles: dict[str, Article | None], generation: int
    ) -> None:
        if generation != self._generation or not self.is_attached:
            return  # the columns changed since this comparison started
        self.comparison = comparison
        self.articles = articles
        for column in self.query(CompareColumn):
            column.show_article(articles.get(column.article_id))
            view = column.query_one(PassageView)
            view.set_passages(comparison.passages.get(column.article_id, ()))
        self._fill_facts(comparison)
        conflicts = sum(g.conflict for g in comparison.facts)
        noun = "conflicting fact" if conflicts == 1 else "conflicting facts"
        summary = [
            f"{len(comparison.article_ids)} articles · {conflicts} {noun} · "
            f"{comparison.elapsed * 1000:.0f} ms · "
            f"{MARKS['shared']} shared {MARKS['partial']} partly {MARKS['unique']} only here"
        ]
        self.query_one("#compare-status", Static).update(Content(summary[0]))
        views = list(self.query(PassageView))
        if views:
            views[0].focus()

    def _fill_facts(self, comparison: Comparison) -> None:
        table = self.query_one("#facts", DataTable)
        table.clear(columns=True)
        table.add_column("", key="flag", width=2)
        table.add_column("What", key="what", width=28)
        for n, _ in enumerate(comparison.article_ids):
            table.add_column(LETTERS[n], key=f"col{n}", width=24)
        # A fixed width: an automatic one is sometimes measured before the rows are in.
        table.add_column("Why", key="why", width=60)
        for row, group in enumerate(comparison.facts):
            cells: list[Text] = [
                Text("!" if group.conflict else "", style="bold red"),
                untrusted_cell(group.key),
            ]
            for article_id in comparison.article_ids:
                values = [f.text for f in group.facts if f.article_id == article_id]
                cells.append(untrusted_cell("; ".join(values) or "—"))
            cells.append(untrusted_cell(group.reason))
            table.add_row(*cells, key=str(row))

    # -- synchronising the columns -------------------------------------------------

    @on(PassageView.Selected)
    def _selected(self, event: PassageView.Selected) -> None:
        """Highlight the selected passage's counterparts and bring them into view."""
        if self.comparison is None:
            return
        source = event.view
        aligned = self.comparison.passages.get(source.article_id, ())
        if not 0 <= event.passage < len(aligned):
            return
        by_article = {c.article_id: c.passage for c in aligned[event.passage].counterparts}
        for view in self.query(PassageView):
            if view is source:
                view.link(frozenset())
                continue
            target = by_article.get(view.article_id)
            view.link(frozenset() if target is None else frozenset({target}))
            if target is not None:
                view.show_passage(target)

    @on(PassageView.Scrolled)
    def _scrolled(self, event: PassageView.Scrolled) -> None:
        """Scrolling one column scrolls the others to the passages aligned with its top."""
        if self.comparison is None or self._syncing:
            return
        aligned = self.comparison.passages.get(event.view.article_id, ())
        if not 0 <= event.passage < len(aligned):
            return
        by_article = {c.article_id: c.passage for c in aligned[event.passage].counterparts}
        self._syncing = True
        try:
            for view in self.query(PassageView):
                target = by_article.get(view.article_id)
                if view is not event.view and target is not None:
                    view.show_passage(target, top=True)
        finally:
            self._syncing = False

    @on(DataTable.RowHighlighted, "#facts")
    def _fact_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Jump each column to the sentence of the selected fact."""
        # The table highlights its first row when filled: only the user's moves jump.
        if self.comparison is None or event.row_key.value is None or not event.control.has_focus:
            return
        group = self.comparison.facts[int(event.row_key.value)]
        self.jump_to_fact(group)

    def jump_to_fact(self, group: FactGroup) -> None:
        """Bring each column's evidence for ``group`` into view and highlight it."""
        if self.comparison is None:
            return
        for view in self.query(PassageView):
            facts = [f for f in group.facts if f.article_id == view.article_id]
            if not facts:
                view.link(frozenset())
                continue
            passages = self.comparison.passages.get(view.article_id, ())
            targets = frozenset(
                a.passage.index
                for a in passages
                for f in facts
                if a.passage.start <= f.start < max(a.passage.end, a.passage.start + 1)
            )
            view.link(targets)
            if targets:
                view.show_passage(min(targets))

    # -- actions -------------------------------------------------------------------

    def action_pin(self) -> None:
        """Pin the selected fact (a conflict, usually) to the briefing as a discrepancy."""
        table = self.query_one("#facts", DataTable)
        if self.comparison is None or not self.comparison.facts:
            return
        row = min(max(table.cursor_row, 0), len(self.comparison.facts) - 1)
        self.post_message(PinFact(self.comparison.facts[row]))

    def action_annotate(self) -> None:
        """Write a note on the selected passage of the focused column."""
        view = self.focused
        if not isinstance(view, PassageView) or not view.passages:
            self.notify(
                "Select a passage in a column first (j/k).", severity="warning", markup=False
            )
            return
        article = self.articles.get(view.article_id)
        if article is None:
            return
        passage = view.passages[view.cursor].passage
        self.post_message(Annotate(article, (passage.start, passage.end)))

    def action_back(self) -> None:
        """Back to where the comparison was opened."""
        self.app.pop_screen()

    def action_focus_facts(self) -> None:
        """Move to the facts table."""
        self.query_one("#facts", DataTable).focus()

    def action_add_column(self) -> None:
        """Add an article from the related coverage of the first one (four at most)."""
        if len(self.article_ids) >= MAX_COLUMNS:
            self.notify(
                f"At most {MAX_COLUMNS} articles side by side.", severity="warning", markup=False
            )
            return
        self._pick_related()

    @work(
        thread=True,
        exclusive=True,
        group="pick",
        name="finding related coverage",
        exit_on_error=False,
    )
    def _pick_related(self) -> None:
        hits = [
            h for h in self.engine.related(self.article_ids[0], 12) if h.id not in self.article_ids
        ]
        self.app.call_from_thread(self._offer, hits)

    def _offer(self, hits: list[Hit]) -> None:
        if not hits:
            self.notify("No related coverage to add.", severity="warning", markup=False)
            return

        def chosen(article_id: str | None) -> None:
            if article_id:
                self.set_columns([*self.article_ids, article_id])

        self.app.push_screen(PickArticle(hits), chosen)

    def action_remove_column(self) -> None:
        """Remove the focused column (two stay at least)."""
        if len(self.article_ids) <= 2:
            self.notify("A comparison needs two articles.", severity="warning", markup=False)
            return
        focused = self.focused
        column = None
        while focused is not None and column is None:
            if isinstance(focused, CompareColumn):
                column = focused
            focused = focused.parent  # type: ignore[assignment]
        target = column.article_id if column else self.article_ids[-1]
        self.set_columns([i for i in self.article_ids if i != target])

    def set_columns(self, article_ids: list[str]) -> None:
        """Compare these articles instead (rebuilds the columns, recomputes in a worker)."""
        self.article_ids = article_ids[:MAX_COLUMNS]
        self.comparison = None
        self._generation += 1
        generation = self._generation
        self.query_one("#compare-status", Static).update(Content("Comparing…"))

        async def rebuild() -> None:
            columns = self.query_one("#columns", Horizontal)
            await columns.remove_children()
            # Compare only once the new columns exist: the result may arrive within ms.
            await columns.mount_all(
                CompareColumn(article_id, LETTERS[n])
                for n, article_id in enumerate(self.article_ids)
            )
            self._load(list(self.article_ids), generation)

        self.run_worker(
            rebuild(),
            name="rebuilding the columns",
            group="columns",
            exclusive=True,
            exit_on_error=False,
        )
