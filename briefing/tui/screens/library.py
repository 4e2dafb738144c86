"""The library screen: its folders, adding one (or a web page), its feeds, and what the
last update skipped.

Every path, file name, reason and id shown here comes from the user's disk and is
untrusted: it is shown by the display rule (:mod:`briefing.tui.untrusted`), with
visible escapes and never parsed as markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, DataTable, DirectoryTree, Input, Label, Static
from textual.worker import Worker

from briefing.corpus.model import FileProblem
from briefing.engine import Engine, FeedError, IngestReport, Library, LibraryError, visible
from briefing.tui.failures import WorkerScreen
from briefing.tui.messages import UpdateFeeds, UpdateLibrary
from briefing.tui.untrusted import untrusted, untrusted_cell
from briefing.tui.widgets.index_status import IndexStatus
from briefing.tui.widgets.key_bar import KeyBar
from briefing.web.model import AddReport, Feed, FeedsReport

MAX_ROWS = 500
"""Rows shown per table: a folder of 100,000 broken files should not freeze the screen."""
_COLUMNS = {
    "feeds": ("Feed", "Last fetch", "Status", "Items"),
    "skipped": ("File", "Reason"),
    "duplicates": ("Article", "Duplicate of"),
}
"""Each report table's column headers, by the table's id."""
MAX_PICKER_ENTRIES = 2000
"""Entries the picker lists per folder; a bigger folder can still be typed in."""
_ADDRESS = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,20}://")
"""What the path box takes for a web address rather than a path (other schemes are
then refused with their reason)."""


def _text(value: str) -> Text:
    """A table cell that shows ``value`` by the display rule (no markup, visible escapes)."""
    return untrusted_cell(value)


class FolderPicker(DirectoryTree):
    """A directory tree for picking a folder (or file) to add.

    Textual loads a folder only when it is expanded; on top of that, hidden entries
    are left out and a folder lists at most ``MAX_PICKER_ENTRIES`` entries, so a
    huge folder neither stalls its loader nor floods the tree with nodes.
    """

    DEFAULT_CSS = """
    FolderPicker {
        height: 1fr;
        min-height: 5;
        background: $surface;
        border: round $primary-muted;
    }
    FolderPicker:focus { border: round $primary; }
    """

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        """Visible entries only, and no more than ``MAX_PICKER_ENTRIES``."""
        # ``paths`` is the lazy iterdir() of the folder: islice stops reading early.
        visible = (p for p in paths if not p.name.startswith("."))
        return list(islice(visible, MAX_PICKER_ENTRIES))

    def process_label(self, label: str | Text) -> Text:
        """File names are untrusted: shown by the display rule, with visible escapes."""
        if isinstance(label, str):
            label = Text(visible(label))
        return super().process_label(label)


class LibraryCommands(Provider):
    """The library screen's own commands in the command palette."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        screen = self.screen
        if not isinstance(screen, LibraryScreen):
            return []
        return [
            (
                "Library: add a folder",
                "Type or pick a folder or file to index, or type a web address (a)",
                screen.action_focus_path,
            ),
            (
                "Library: update feeds",
                "Fetch every subscribed feed and index the new items (u)",
                screen.action_update_feeds,
            ),
            ("Library: back to search", "Leave the library screen (escape)", screen.action_back),
        ]

    async def discover(self) -> Hits:
        """The commands, offered before anything is typed."""
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        """The commands that match what was typed."""
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)


class LibraryScreen(WorkerScreen):
    """The library's folders, a way to add one, and the last update's report."""

    DEFAULT_CSS = """
    LibraryScreen #title { height: 1; padding: 0 1; text-style: bold; background: $panel; }
    LibraryScreen #top { height: auto; max-height: 10; }
    LibraryScreen #folders-pane, LibraryScreen #summary-pane { height: auto; padding: 0 1; }
    LibraryScreen .heading { margin-top: 1; color: $text-primary; text-style: bold; }
    LibraryScreen #add-heading { padding: 0 1; }
    LibraryScreen #folders-box { height: auto; max-height: 6; }
    LibraryScreen #folders { height: auto; }
    LibraryScreen #add-row { height: auto; padding: 0 1; }
    LibraryScreen #path { width: 1fr; }
    LibraryScreen #add { margin-left: 1; }
    LibraryScreen #body { height: 1fr; padding: 0 1; }
    LibraryScreen #picker { width: 40%; }
    LibraryScreen #report { width: 1fr; padding-left: 1; }
    LibraryScreen #summary { height: auto; }
    LibraryScreen #notices { height: auto; color: $text-warning; }
    LibraryScreen DataTable { height: 1fr; min-height: 4; background: $surface; }
    LibraryScreen .more { height: auto; color: $text-muted; }
    LibraryScreen #status { height: 1; padding: 0 1; background: $panel; color: $text-muted; }
    LibraryScreen #status.-error { color: $text-error; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", tooltip="Back to the search screen"),
        Binding("ctrl+r", "reindex", "Re-index", tooltip="Index new, changed and deleted files"),
        Binding("a", "focus_path", "Add", tooltip="Type a folder, file or web address to add"),
        Binding("u", "update_feeds", "Update feeds", tooltip="Fetch every feed, index new items"),
    ]

    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {LibraryCommands}

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine
        self.library: Library = engine.library
        # The last update's report, once one has finished in this session.
        self._report: IngestReport | None = None
        # An update started from this screen is running: the status line says when it ends.
        self._waiting = False
        # What was picked in the tree; the path box shows it with visible escapes.
        self._picked_path: Path | None = None

    @property
    def _json_hint(self) -> str:
        """The command that prints the whole report of this library."""
        return f"`briefing index --library {self.library.name} --json` lists them all"

    def compose(self) -> ComposeResult:
        yield Static(id="title")
        with Horizontal(id="top"):
            with Vertical(id="folders-pane"):
                yield Label("Folders", classes="heading")
                with VerticalScroll(id="folders-box"):
                    yield Static(id="folders")
            with Vertical(id="summary-pane"):
                yield Label("Last update", classes="heading")
                yield Static(id="summary")
                yield Static(id="notices")
        yield Label("Add a folder, a file or a web page", id="add-heading", classes="heading")
        with Horizontal(id="add-row"):
            yield Input(placeholder="Folder, file or https:// address to add…", id="path")
            yield Button("Add and index", id="add", variant="primary", compact=True)
        with Horizontal(id="body"):
            yield FolderPicker(Path.home(), id="picker")
            with Vertical(id="report"):
                yield Label("Feeds (u updates them)", classes="heading")
                yield DataTable[Text](id="feeds", cursor_type="row", zebra_stripes=True)
                yield Static(id="feeds-more", classes="more")
                yield Label("Skipped files", classes="heading")
                yield DataTable[Text](id="skipped", cursor_type="row", zebra_stripes=True)
                yield Static(id="skipped-more", classes="more")
                yield Label("Duplicates (identical text, indexed once)", classes="heading")
                yield DataTable[Text](id="duplicates", cursor_type="row", zebra_stripes=True)
                yield Static(id="duplicates-more", classes="more")
        yield Static(id="status")
        yield IndexStatus()
        yield KeyBar()

    def on_mount(self) -> None:
        for name in _COLUMNS:
            self._set_rows(name, [])
        self._show_folders()
        self.watch(self.app, "last_report", self._report_changed, init=True)
        self.watch(self.app, "feeds_progress", self._feeds_progress, init=False)
        self.watch(self.app, "feeds_report", self._feeds_updated, init=False)
        self._load_feeds()
        self.query_one(FolderPicker).focus()

    # -- actions -------------------------------------------------------------------

    def action_back(self) -> None:
        """Back to the search screen."""
        self.dismiss()

    def action_reindex(self) -> None:
        """Index new, changed and deleted files; the report refreshes when done."""
        self.post_message(UpdateLibrary())
        self._waiting = True
        self._say("Looking for new, changed and deleted files…")

    def action_update_feeds(self) -> None:
        """Fetch every subscribed feed in the app's worker; new items are indexed."""
        self.post_message(UpdateFeeds())
        self._say("Updating feeds…")

    def action_focus_path(self) -> None:
        """Put the cursor in the path box."""
        self.query_one("#path", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Hide ``a`` and ``u`` while the path box has focus: there they type letters."""
        typing = isinstance(self.focused, Input)
        return not (action in ("focus_path", "update_feeds") and typing)

    # -- folders -------------------------------------------------------------------

    def _show_folders(self) -> None:
        entries = self.library.entries
        noun = "folder" if len(entries) == 1 else "folders"
        title = untrusted(f"Library {self.library.name!r} · {len(entries)} {noun}")
        self.query_one("#title", Static).update(title)
        lines: list[Content] = []
        for entry in entries:
            path = entry.resolved()
            line = untrusted(entry.label).stylize("bold") + Content("  ")
            line += untrusted(str(path))
            if not path.exists():
                line += Content("  missing").stylize("bold $text-error")
            lines.append(line)
        if not lines:
            lines.append(Content("No folders yet: add one below."))
        self.query_one("#folders", Static).update(Content("\n").join(lines))

    # -- adding --------------------------------------------------------------------

    @on(DirectoryTree.DirectorySelected, "#picker")
    @on(DirectoryTree.FileSelected, "#picker")
    def _picked(self, event: DirectoryTree.DirectorySelected | DirectoryTree.FileSelected) -> None:
        self._picked_path = event.path
        self.query_one("#path", Input).value = visible(str(event.path))

    def _path_in_box(self, value: str) -> Path:
        """The path to add: the picked one while the box still shows it, else what was typed."""
        if self._picked_path is not None and value == visible(str(self._picked_path)):
            return self._picked_path  # the real name, whatever bytes it holds
        return Path(value.strip()).expanduser()

    @on(Input.Submitted, "#path")
    @on(Button.Pressed, "#add")
    def _add(self) -> None:
        box = self.query_one("#path", Input)
        raw = box.value.strip()
        if not raw:
            self._error("Type a folder or file to add, or pick one in the tree.")
            return
        if _ADDRESS.match(raw):
            self._say(f"Fetching {raw}…")
            self._fetch_page(raw)
            return
        try:
            path = self._path_in_box(box.value)
            exists = path.exists()
        except (OSError, ValueError, RuntimeError) as exc:
            # A name too long, a NUL byte, or ``~nosuchuser``: the path cannot be used.
            self._error(f"Cannot use {raw}: {exc}")
            return
        if not exists:
            self._error(f"No such file or folder: {path}")
            return
        try:
            added = [e.path for e in self.library.add([path])]
            if added:
                self.library.save()
        except (LibraryError, OSError) as exc:
            self._error(str(exc))
            return
        self.post_message(UpdateLibrary())
        box.value = ""
        self._show_folders()
        self._waiting = True
        if added:
            self._say(f"Added {added[0]}; indexing it…")
        else:
            self._say(f"{path} is already in the library; looking for changes…")

    @work(thread=True, group="library-fetch", name="fetching the page", exit_on_error=False)
    def _fetch_page(self, url: str) -> None:
        web = self.engine.web()
        report = web.add_urls([url])
        (page,) = report.pages
        if page.is_feed:
            # A feed's address typed in the box: subscribe, as `briefing feeds add` does.
            try:
                feed, new = web.add_feed(url)
            except FeedError as exc:
                self.app.call_from_thread(self._error, f"{url}: {exc}")
                return
            self.app.call_from_thread(self._subscribed, feed, new)
            return
        self.app.call_from_thread(self._page_fetched, report)

    def _subscribed(self, feed: Feed, new: bool) -> None:
        self.query_one("#path", Input).value = ""
        if new:
            self.post_message(UpdateFeeds())
            self._say(f"Subscribed to {feed.url}; updating feeds…")
        else:
            self._say(f"Already subscribed to {feed.url}; `u` updates the feeds.")
        self._load_feeds()

    def _page_fetched(self, report: AddReport) -> None:
        (page,) = report.pages
        if page.error is not None:
            self._error(f"{page.url}: {page.error}")
            return
        self.query_one("#path", Input).value = ""
        self.post_message(UpdateLibrary())
        self._show_folders()  # the library's web folder, on its first page
        self._waiting = True
        self._say(f"Fetched {page.final_url or page.url}; indexing it…")

    # -- feeds ---------------------------------------------------------------------

    @work(
        thread=True,
        exclusive=True,
        group="library-feeds",
        name="reading the feed list",
        exit_on_error=False,
    )
    def _load_feeds(self) -> None:
        feeds = self.engine.web().feeds()
        self.app.call_from_thread(self._show_feeds, feeds)

    def _show_feeds(self, feeds: Sequence[Feed]) -> None:
        rows = [
            (
                _text(feed.title or feed.url),
                Text(feed.last_fetch.strftime("%Y-%m-%d %H:%M") if feed.last_fetch else "never"),
                _text(feed.status),
                Text(str(feed.items)),
            )
            for feed in islice(feeds, MAX_ROWS)
        ]
        self._set_rows("feeds", rows)
        more = self.query_one("#feeds-more", Static)
        if not feeds:
            more.update(
                Content("None: type a feed's address above, or run `briefing feeds add URL`.")
            )
        else:
            more.update(Content(f"{len(feeds)} feeds" if len(feeds) > MAX_ROWS else ""))

    def _feeds_progress(self, progress: str | None) -> None:
        if progress is not None:
            self._say(f"Updating feeds: {progress}…")

    def _feeds_updated(self, report: FeedsReport | None) -> None:
        if report is None:
            return
        failed = report.failed
        feeds = len(report.feeds)
        message = f"Feeds updated: {report.new} new items from {feeds} feed{'s' * (feeds != 1)}"
        if failed:
            first = failed[0]
            # The app's notification says so too: the status line alone here.
            self._error(f"{message}; {len(failed)} failed ({first.url}: {first.error})", False)
        else:
            self._say(message + ("; indexing them…" if report.new else "."))
        self._waiting = self._waiting or bool(report.new)
        self._load_feeds()

    # -- the report ----------------------------------------------------------------

    def _report_changed(self, report: IngestReport | None) -> None:
        self._report = report
        if report is None:
            # No update has finished in this session: show what the last one stored.
            self._load_stored_problems()
            return
        self._show_summary(report)
        self._show_problems(report.skipped, report.duplicates)
        if self._waiting:
            self._waiting = False
            self._say("Indexing finished; the report is up to date.")

    @work(
        thread=True,
        exclusive=True,
        group="library-problems",
        name="reading the last update's report",
        exit_on_error=False,
    )
    def _load_stored_problems(self) -> None:
        skipped, duplicates = self.engine.problems()
        self.app.call_from_thread(self._show_stored, skipped, duplicates)

    def worker_failed(self, worker: Worker[Any], message: str) -> None:
        """The stored report could not be read: the status line says why."""
        if worker.group == "library-problems":
            status = self.query_one("#status", Static)
            status.add_class("-error")
            status.update(Content(message))

    def _show_stored(self, skipped: list[FileProblem], duplicates: list[tuple[str, str]]) -> None:
        if self._report is not None:
            return  # an update finished meanwhile; its report is already shown
        summary = (
            "No update has finished in this session yet.\n"
            f"Stored by the last one: {len(skipped)} skipped · {len(duplicates)} duplicates"
        )
        self.query_one("#summary", Static).update(Content(summary))
        self._show_notices([])
        self._show_problems(skipped, duplicates)

    def _show_summary(self, report: IngestReport) -> None:
        lines = [
            f"{report.total_articles} articles · {report.added} added, "
            f"{report.updated} updated, {report.removed} removed",
            f"{report.files_read} files read, {report.unchanged_files} unchanged · "
            f"{report.elapsed:.1f} s",
            f"{len(report.skipped)} skipped · {len(report.duplicates)} duplicates",
        ]
        if report.warnings:
            lines.append(f"{len(report.warnings)} warnings about indexed files")
        self.query_one("#summary", Static).update(Content("\n".join(lines)))
        self._show_notices(report.notices)

    def _show_notices(self, notices: Sequence[str]) -> None:
        box = self.query_one("#notices", Static)
        box.update(Content("\n").join(Content("⚠ ") + untrusted(n) for n in notices))
        box.display = bool(notices)

    def _show_problems(
        self, skipped: Sequence[FileProblem], duplicates: Sequence[tuple[str, str]]
    ) -> None:
        self._fill(
            "skipped",
            [(_text(p.path), _text(p.reason)) for p in islice(skipped, MAX_ROWS)],
            len(skipped),
        )
        self._fill(
            "duplicates",
            [(_text(dup), _text(original)) for dup, original in islice(duplicates, MAX_ROWS)],
            len(duplicates),
        )

    def _set_rows(self, name: str, rows: Sequence[tuple[Text, ...]]) -> None:
        table: DataTable[Text] = self.query_one(f"#{name}", DataTable)
        # Columns get explicit widths: with auto widths, a render that lands between
        # add_rows and the table's idle-time measuring caches lines at the old widths.
        table.clear(columns=True)
        for n, header in enumerate(_COLUMNS[name]):
            width = max([len(header), *(row[n].cell_len for row in rows)])
            table.add_column(header, width=width)
        table.add_rows(rows)

    def _fill(self, name: str, rows: Sequence[tuple[Text, ...]], total: int) -> None:
        self._set_rows(name, rows)
        more = self.query_one(f"#{name}-more", Static)
        if total > len(rows):
            hidden = total - len(rows)
            more.update(untrusted(f"… and {hidden} more ({self._json_hint})"))
        elif total == 0:
            more.update(Content("None."))
        else:
            more.update(Content(""))

    # -- status line ---------------------------------------------------------------

    def _say(self, message: str) -> None:
        status = self.query_one("#status", Static)
        status.remove_class("-error")
        status.update(untrusted(message))

    def _error(self, message: str, notify: bool = True) -> None:
        message = visible(message)
        status = self.query_one("#status", Static)
        status.add_class("-error")
        status.update(Content(message))
        if notify:
            self.notify(message, severity="error", markup=False)
