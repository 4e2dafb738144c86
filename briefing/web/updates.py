"""Updating a feed: a conditional GET, then each item not yet held kept as a record.

Each item is a JSON record (the records reader's own shape, with news-please's
``date_download`` for the fetch time) in the feed's folder, named by a hash of the
feed's address and the item's guid (else its link, else its text): the article's id
is stable, and an item already held is never written again.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from pathlib import Path

from briefing.corpus.formats import feeds as feed_reader
from briefing.corpus.model import Draft, FormatError
from briefing.fileio import write_atomic
from briefing.web.fetch import FetchError, Response, fetch
from briefing.web.model import Feed, FeedResult

FEEDS_FOLDER = "feeds"
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)
# The feed reader's key for an item with neither guid nor link: its place in the feed,
# which changes as items come and go.
_PLACE_KEY = re.compile(r"item-\d+(?:-\d+)?")


def _digest(text: str, size: int = 20) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:size]


def feed_folder(folder: Path, url: str) -> Path:
    """The folder that holds one feed's items (named by a hash of its address)."""
    return folder / FEEDS_FOLDER / _digest(url, 16)


def stored_items(folder: Path, url: str) -> int:
    """How many of a feed's items the library holds."""
    try:
        return sum(1 for p in feed_folder(folder, url).iterdir() if p.suffix == ".json")
    except OSError:
        return 0


def update_feed(feed: Feed, folder: Path, now: datetime) -> tuple[FeedResult, Response | None]:
    """Fetch ``feed`` (conditionally) and keep its new items under ``folder``.

    Never raises for what the feed or the server did: the result says what went wrong.
    """
    try:
        response = fetch(feed.url, accept=_ACCEPT, etag=feed.etag, last_modified=feed.last_modified)
    except FetchError as exc:
        return FeedResult(feed.url, feed.title, error=str(exc)), None
    if response.not_modified:
        return FeedResult(feed.url, feed.title, not_modified=True), response
    try:
        drafts = parse_feed(response.body)
    except FormatError as exc:
        return FeedResult(feed.url, feed.title, error=str(exc)), None
    title = feed.title
    if drafts and drafts[0].source and "source" not in drafts[0].inferred:
        title = drafts[0].source
    target = feed_folder(folder, feed.url)
    new = seen = 0
    for draft in drafts:
        path = target / (_digest(f"{feed.url}\n{_item_key(draft)}") + ".json")
        if path.exists():
            seen += 1
            continue
        try:
            write_atomic(path, json.dumps(_record(draft, feed.url, now), ensure_ascii=False))
        except OSError as exc:
            error = f"cannot store its items: {exc.strerror or exc}"
            return FeedResult(feed.url, title, new, seen, error=error), None
        new += 1
    return FeedResult(feed.url, title, new, seen), response


def parse_feed(data: bytes) -> list[Draft]:
    """The items of an RSS, RDF, Atom or JSON feed, by the library's own feed reader.

    Raises:
        FormatError: not a feed, or a feed with no items.
    """
    if data.lstrip()[:1] == b"{":
        try:
            value = json.loads(data)
        except (ValueError, RecursionError):
            raise FormatError("not a news feed (bad JSON)") from None
        if isinstance(value, dict) and feed_reader.is_json_feed(value):
            return feed_reader.from_json_feed(value)
        raise FormatError("not a news feed")
    return feed_reader.read(data, Path("feed.xml"))


def _item_key(draft: Draft) -> str:
    key = draft.key or ""
    if not key or (_PLACE_KEY.fullmatch(key) and not draft.url):
        # No guid, no link: the item is what it says.
        return "text:" + _digest(f"{draft.title}\n{draft.body}", 32)
    return key


def _record(draft: Draft, feed_url: str, now: datetime) -> dict[str, object]:
    """The item as a record the records reader reads back into the same article."""
    return {
        "title": draft.title,
        "text": draft.body,
        "url": draft.url,
        "source": draft.source,
        "author": draft.author,
        "date_publish": draft.published.isoformat() if draft.published else None,
        "tags": list(draft.tags),
        "date_download": now.isoformat(timespec="seconds"),
        "feed": feed_url,
        "guid": draft.key,
    }
