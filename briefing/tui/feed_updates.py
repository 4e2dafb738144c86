"""The app's feed updates: a worker that fetches every feed, its progress and its report.

:class:`FeedUpdatesApp` is the base of :class:`~briefing.tui.app.BriefingApp`: the
library screen's ``u`` and the optional update on launch (the config's
``update_feeds_every``, in hours) both run :meth:`FeedUpdatesApp.update_feeds`. What
arrives is indexed by the app's usual indexing worker (``UpdateLibrary``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from textual import work
from textual.app import App
from textual.reactive import reactive

from briefing.config import Config
from briefing.engine import Engine, visible
from briefing.tui.messages import UpdateFeeds, UpdateLibrary
from briefing.web.model import FeedsReport


class FeedUpdatesApp(App[None]):
    """An app that updates its library's feeds in a worker."""

    engine: Engine
    config: Config

    feeds_progress: reactive[str | None] = reactive(None)
    """What the running feed update is fetching ("2/5 Herald"), or None: screens watch it."""
    feeds_report: reactive[FeedsReport | None] = reactive(None)
    """What the last feed update gave: the library screen shows it."""

    def on_update_feeds(self, message: UpdateFeeds) -> None:
        self.update_feeds()

    def update_feeds(self) -> None:
        """Fetch every subscribed feed in a worker, then index the new items."""
        self._feeds_worker(due_after=None)

    def update_feeds_if_due(self) -> None:
        """On launch: update the feeds if the config asks and the last update is older
        than its interval (checked in the worker: the launch never waits for it)."""
        if self.config.update_feeds_every:
            self._feeds_worker(due_after=timedelta(hours=self.config.update_feeds_every))

    @work(thread=True, exclusive=True, group="feeds", name="updating feeds", exit_on_error=False)
    def _feeds_worker(self, due_after: timedelta | None) -> None:
        web = self.engine.web()
        if due_after is not None:
            last = web.last_update()
            if not web.feeds() or (last is not None and datetime.now(UTC) - last < due_after):
                return

        def progress(done: int, total: int, what: str) -> None:
            self.call_from_thread(setattr, self, "feeds_progress", f"{done}/{total} {what}")

        self.call_from_thread(setattr, self, "feeds_progress", "starting")
        try:
            report = web.update_feeds(progress)
        finally:
            self.call_from_thread(setattr, self, "feeds_progress", None)
        self.call_from_thread(self._feeds_updated, report)

    def _feeds_updated(self, report: FeedsReport) -> None:
        self.feeds_report = report
        summary = f"Feeds updated: {report.new} new items"
        if report.failed:
            failed = len(report.failed)
            summary += f"; {failed} feed{'s' * (failed != 1)} failed (ctrl+l shows why)"
        if report.failed:
            self.notify(visible(summary), severity="warning", markup=False)
        else:
            self.notify(visible(summary), markup=False)
        if report.new:
            self.post_message(UpdateLibrary())
