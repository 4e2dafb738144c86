"""The plain data of web addresses and feed subscriptions: what the engine reports.

Every string here may come from outside (addresses, feed titles, error messages that
quote a server's status line): sanitised when made, shown by the display rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

WebProgress = Callable[[int, int, str], None]
"""Called as each address is done: how many are done, how many in all, the address."""


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


@dataclass(frozen=True)
class PageResult:
    """One address given to ``briefing add``: the article it became, or why not."""

    url: str
    final_url: str | None = None
    """The address the page was fetched from, after redirects."""
    article_id: str | None = None
    """The id the page's article gets once indexed."""
    path: str | None = None
    error: str | None = None
    is_feed: bool = False
    """The address gave a news feed, not a page (``error`` says so)."""

    def to_json(self) -> dict[str, Any]:
        """The result as JSON-ready data."""
        return {
            "url": self.url,
            "final_url": self.final_url,
            "id": self.article_id,
            "path": self.path,
            "error": self.error,
            "is_feed": self.is_feed,
        }


@dataclass(frozen=True)
class AddReport:
    """What fetching a list of addresses gave, address by address."""

    pages: tuple[PageResult, ...] = ()
    fetched: datetime | None = None

    @property
    def failed(self) -> list[PageResult]:
        """The addresses that gave no page."""
        return [p for p in self.pages if p.error is not None]

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {"fetched": _iso(self.fetched), "pages": [p.to_json() for p in self.pages]}


@dataclass(frozen=True)
class Feed:
    """A subscribed feed and what its last fetch gave."""

    url: str
    title: str | None = None
    added: datetime | None = None
    last_fetch: datetime | None = None
    """When it was last fetched (or tried)."""
    status: str = "never fetched"
    """"ok", "not modified", "never fetched" or the last fetch's error."""
    ok: bool | None = None
    items: int = 0
    """How many of its items the library holds."""
    etag: str | None = None
    last_modified: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The feed as JSON-ready data (the validators are kept to itself)."""
        return {
            "url": self.url,
            "title": self.title,
            "added": _iso(self.added),
            "last_fetch": _iso(self.last_fetch),
            "status": self.status,
            "ok": self.ok,
            "items": self.items,
        }


@dataclass(frozen=True)
class FeedResult:
    """What one feed's update gave."""

    url: str
    title: str | None = None
    new: int = 0
    """Items stored for the first time."""
    seen: int = 0
    """Items in the feed that the library held already."""
    not_modified: bool = False
    error: str | None = None

    @property
    def status(self) -> str:
        """One line: the error, "not modified", or "ok"."""
        if self.error is not None:
            return self.error
        return "not modified" if self.not_modified else "ok"

    def to_json(self) -> dict[str, Any]:
        """The result as JSON-ready data."""
        return {
            "url": self.url,
            "title": self.title,
            "status": self.status,
            "ok": self.error is None,
            "new": self.new,
            "seen": self.seen,
            "not_modified": self.not_modified,
        }


@dataclass(frozen=True)
class FeedsReport:
    """What updating every subscribed feed gave, feed by feed."""

    feeds: tuple[FeedResult, ...] = ()
    fetched: datetime | None = None

    @property
    def new(self) -> int:
        """Items stored for the first time, over every feed."""
        return sum(f.new for f in self.feeds)

    @property
    def failed(self) -> list[FeedResult]:
        """The feeds that could not be fetched or read."""
        return [f for f in self.feeds if f.error is not None]

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "fetched": _iso(self.fetched),
            "new": self.new,
            "failed": len(self.failed),
            "feeds": [f.to_json() for f in self.feeds],
        }


@dataclass(frozen=True)
class OpmlReport:
    """What importing an OPML file gave."""

    added: tuple[str, ...] = ()
    already: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default=())
    """One line per outline that was not taken (a bad address)."""

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "added": list(self.added),
            "already": list(self.already),
            "problems": list(self.problems),
        }
