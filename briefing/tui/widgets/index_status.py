"""A progress bar with ETA that shows while the library is being indexed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Label, ProgressBar

from briefing.engine import Progress


class IndexStatus(Horizontal):
    """Indexing progress; hidden when no indexing runs.

    Watches the app's ``indexing`` attribute (a :class:`Progress` or None), so every
    screen that shows one is current without being told.
    """

    DEFAULT_CSS = """
    IndexStatus {
        height: 1;
        display: none;
        background: $panel;
        padding: 0 1;
    }
    IndexStatus.-active { display: block; }
    IndexStatus > Label { width: auto; color: $text-muted; margin-right: 2; }
    IndexStatus > ProgressBar { width: 1fr; }
    """

    def compose(self) -> ComposeResult:
        # The label and the bar are mounted when there is first progress to show: the
        # app starts indexing once its first results are up, and the bar's widgets and
        # styles were a launch cost.
        return ()

    def on_mount(self) -> None:
        self.watch(self.app, "indexing", self._show, init=True)

    def _show(self, progress: Progress | None) -> None:
        self.set_class(progress is not None, "-active")
        if progress is None:
            return
        if not self.children:
            self.mount(Label("Indexing"), ProgressBar(show_eta=True))
        label = f"Indexing {progress.done}/{progress.total} files · {progress.articles} articles"
        self.query_one(Label).update(Content(label))
        self.query_one(ProgressBar).update(total=max(progress.total, 1), progress=progress.done)
