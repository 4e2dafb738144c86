"""The local engine's web half: pages fetched by address, and feed subscriptions.

What is fetched is kept in the library's own web folder (``<library>/web``: pages under
``pages/``, feed items under ``feeds/``), which the library indexes like any folder; its
entry is added when the first page or item is kept. Nothing here indexes: the caller
runs the engine's ``update`` (the CLI at once, the app in its indexing worker).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from briefing.index.library import Entry, Library
from briefing.web.fetch import FeedNotPage, FetchError
from briefing.web.model import (
    AddReport,
    Feed,
    FeedResult,
    FeedsReport,
    OpmlReport,
    PageResult,
    WebProgress,
)
from briefing.web.pages import save_page
from briefing.web.subscriptions import STORE_FILE, Subscriptions, read_opml, write_opml
from briefing.web.updates import stored_items, update_feed


class LocalWeb:
    """Pages and feeds for one library, kept in its data folder."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.subscriptions = Subscriptions(library.directory / STORE_FILE)

    def add_urls(self, urls: Sequence[str], progress: WebProgress | None = None) -> AddReport:
        """Fetch each address and keep it as a saved page; one failure stops nothing."""
        now = datetime.now(UTC).replace(microsecond=0)
        folder = self.library.web_dir
        results: list[PageResult] = []
        for n, url in enumerate(urls, start=1):
            try:
                path, final = save_page(folder, url, now)
            except FetchError as exc:
                results.append(
                    PageResult(url, error=str(exc), is_feed=isinstance(exc, FeedNotPage))
                )
            except OSError as exc:
                results.append(PageResult(url, error=f"cannot keep the page: {exc.strerror}"))
            else:
                article_id = self._article_id(path)
                results.append(PageResult(url, final, article_id, str(path)))
            if progress is not None:
                progress(n, len(urls), url)
        return AddReport(tuple(results), now)

    def _article_id(self, path: Path) -> str:
        """The id of the article in a kept file (the web entry is added on first use)."""
        entry = self._web_entry()
        return f"{entry.label}/{path.relative_to(self.library.web_dir).as_posix()}"

    # -- subscriptions ---------------------------------------------------------------

    def feeds(self) -> list[Feed]:
        """Every subscribed feed, with its last fetch, status and item count."""
        return self.subscriptions.list()

    def add_feed(self, url: str) -> tuple[Feed, bool]:
        """Subscribe to a feed (fetched at the next update); the feed and whether new.

        Raises:
            FeedError: not an http or https address.
        """
        return self.subscriptions.add(url)

    def remove_feed(self, url: str) -> Feed:
        """Unsubscribe; the items already kept stay in the library.

        Raises:
            FeedError: no feed has that address.
        """
        return self.subscriptions.remove(url)

    def import_opml(self, path: Path) -> OpmlReport:
        """Subscribe to every feed an OPML file lists.

        Raises:
            FeedError: the file cannot be read or is not OPML.
        """
        listed, problems = read_opml(path)
        added: list[str] = []
        already: list[str] = []
        for url, title in listed:
            feed, new = self.subscriptions.add(url, title)
            (added if new else already).append(feed.url)
        return OpmlReport(tuple(added), tuple(already), tuple(problems))

    def export_opml(self, path: Path, force: bool = False) -> int:
        """Write the subscriptions as OPML; how many feeds.

        Raises:
            FileExistsError: ``path`` exists and not ``force``.
            OSError: it could not be written.
        """
        title = f"briefing: library {self.library.name}"
        return write_opml(path, self.subscriptions.list(), title, force)

    def update_feeds(self, progress: WebProgress | None = None) -> FeedsReport:
        """Fetch every feed (conditionally) and keep its new items; a feed that fails
        is reported and the others go on."""
        now = datetime.now(UTC).replace(microsecond=0)
        folder = self.library.web_dir
        feeds = self.subscriptions.list()
        results: list[FeedResult] = []
        for n, feed in enumerate(feeds, start=1):
            result, response = update_feed(feed, folder, now)
            if result.new:
                self._web_entry()
            validators = (response.etag, response.last_modified) if response else (None, None)
            self.subscriptions.record(result, stored_items(folder, feed.url), validators)
            results.append(result)
            if progress is not None:
                progress(n, len(feeds), feed.title or feed.url)
        return FeedsReport(tuple(results), now)

    def _web_entry(self) -> Entry:
        """The library's web folder entry, added and saved on first use."""
        before = len(self.library.entries)
        entry = self.library.web_entry()
        if len(self.library.entries) != before:
            self.library.save()
        return entry

    def last_update(self) -> datetime | None:
        """When a feed was last fetched (None: never, or no feeds)."""
        return self.subscriptions.last_update()
