"""A library's feed subscriptions: the list, each feed's validators and last fetch.

Kept in ``feeds.sqlite3`` in the library's data folder (WAL: the app and a
``briefing update`` may write at once, each its own rows). OPML files are read
without entities, DTDs or network access, and written atomically.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree  # type: ignore[import-untyped]  # no stubs in the dev deps

from briefing.corpus.formats.common import parse_instant
from briefing.corpus.sanitize import sanitize_line
from briefing.fileio import write_atomic
from briefing.web.fetch import FetchError, check_url
from briefing.web.model import Feed, FeedResult

STORE_FILE = "feeds.sqlite3"
MAX_OPML_BYTES = 8 * 1024 * 1024
_SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY,
    title TEXT,
    added TEXT NOT NULL,
    last_fetch TEXT,
    status TEXT NOT NULL DEFAULT 'never fetched',
    ok INTEGER,
    items INTEGER NOT NULL DEFAULT 0,
    etag TEXT,
    last_modified TEXT
)
"""
_COLUMNS = "url, title, added, last_fetch, status, ok, items, etag, last_modified"


class FeedError(Exception):
    """A user-caused subscription problem (bad address, unknown feed, bad OPML): one line."""


class Subscriptions:
    """The feeds one library follows (a connection per call: safe from any thread).

    Every method may raise :class:`FeedError` when the file cannot be opened or used.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=10)
        except (OSError, sqlite3.Error) as exc:
            raise FeedError(f"the feed list {self.path} cannot be opened: {exc}") from None
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)
            with db:
                yield db
        except sqlite3.Error as exc:
            raise FeedError(f"the feed list {self.path} cannot be used: {exc}") from None
        finally:
            db.close()

    def list(self) -> list[Feed]:
        """Every feed, in the order they were added."""
        if not self.path.exists():
            return []
        with self._db() as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM feeds ORDER BY added, url").fetchall()
        return [_feed(row) for row in rows]

    def get(self, url: str) -> Feed | None:
        """One feed by its address."""
        with self._db() as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM feeds WHERE url = ?", (url,)).fetchone()
        return _feed(row) if row else None

    def add(self, url: str, title: str | None = None) -> tuple[Feed, bool]:
        """Subscribe to ``url``; the feed and whether it is new.

        Raises:
            FeedError: ``url`` is not an http or https address.
        """
        try:
            url = check_url(url)
        except FetchError as exc:
            raise FeedError(str(exc)) from None
        now = _now()
        with self._db() as db:
            added = db.execute(
                "INSERT OR IGNORE INTO feeds (url, title, added) VALUES (?, ?, ?)",
                (url, _clean(title), now),
            ).rowcount
        feed = self.get(url)
        assert feed is not None
        return feed, bool(added)

    def remove(self, url: str) -> Feed:
        """Unsubscribe from ``url`` (its items stay in the library).

        Raises:
            FeedError: no feed has that address.
        """
        feed = self.get(url.strip())
        if feed is None:
            raise FeedError(
                f"no feed with address {sanitize_line(url)[:200]}; see `briefing feeds`"
            )
        with self._db() as db:
            db.execute("DELETE FROM feeds WHERE url = ?", (feed.url,))
        return feed

    def record(self, result: FeedResult, items: int, validators: tuple[str | None, ...]) -> None:
        """Keep what an update of one feed gave (validators only from a good fetch)."""
        ok = result.error is None
        with self._db() as db:
            db.execute(
                "UPDATE feeds SET title = COALESCE(?, title), last_fetch = ?, status = ?, ok = ?,"
                " items = ? WHERE url = ?",
                (_clean(result.title), _now(), result.status, int(ok), items, result.url),
            )
            if ok and not result.not_modified:
                etag, modified = validators
                db.execute(
                    "UPDATE feeds SET etag = ?, last_modified = ? WHERE url = ?",
                    (etag, modified, result.url),
                )

    def last_update(self) -> datetime | None:
        """When a feed was last fetched (None: never, or no feeds)."""
        if not self.path.exists():
            return None
        with self._db() as db:
            (value,) = db.execute("SELECT MAX(last_fetch) FROM feeds").fetchone()
        return parse_instant(value)


def read_opml(path: Path) -> tuple[list[tuple[str, str | None]], list[str]]:
    """The feeds an OPML file lists (address, title) and a line per outline refused.

    Raises:
        FeedError: the file cannot be read or is not OPML.
    """
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_OPML_BYTES + 1)
    except OSError as exc:
        raise FeedError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_OPML_BYTES:
        raise FeedError(f"{path} is larger than {MAX_OPML_BYTES // (1024 * 1024)} MB")
    if b"<!ENTITY" in data or b"<!entity" in data:
        # OPML never needs them, and libxml2 expands internal ones in attributes
        # whatever the parser is told (an entity bomb).
        raise FeedError(f"{path} declares XML entities; not read")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise FeedError(f"{path} is not OPML (bad XML: {sanitize_line(str(exc))[:100]})") from None
    if not isinstance(root.tag, str) or etree.QName(root).localname.lower() != "opml":
        raise FeedError(f"{path} is not OPML (no <opml> root)")
    feeds: list[tuple[str, str | None]] = []
    problems: list[str] = []
    for outline in root.iter("{*}outline"):
        url = outline.get("xmlUrl")
        if url is None:
            continue  # a folder of outlines
        try:
            feeds.append((check_url(url), _clean(outline.get("title") or outline.get("text"))))
        except FetchError as exc:
            problems.append(str(exc))
    return feeds, problems


def write_opml(path: Path, feeds: Iterable[Feed], title: str, force: bool = False) -> int:
    """Write the feeds as an OPML 2.0 file; how many.

    Raises:
        FileExistsError: ``path`` exists and not ``force``.
        OSError: the file could not be written (the old one is kept).
    """
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateCreated").text = datetime.now(UTC).strftime(
        "%a, %d %b %Y %H:%M:%S GMT"
    )
    body = etree.SubElement(root, "body")
    count = 0
    for feed in feeds:
        name = feed.title or feed.url
        etree.SubElement(body, "outline", type="rss", text=name, title=name, xmlUrl=feed.url)
        count += 1
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    if path.exists() and not force:
        raise FileExistsError(f"{path} exists; use --force to overwrite")
    write_atomic(path, data, overwrite=force)
    return count


def _feed(row: tuple[object, ...]) -> Feed:
    url, title, added, last_fetch, status, ok, items, etag, modified = row
    return Feed(
        url=str(url),
        title=str(title) if title else None,
        added=parse_instant(added),
        last_fetch=parse_instant(last_fetch),
        status=str(status),
        ok=None if ok is None else bool(ok),
        items=int(items) if isinstance(items, int) else 0,
        etag=str(etag) if etag else None,
        last_modified=str(modified) if modified else None,
    )


def _clean(value: str | None) -> str | None:
    return (sanitize_line(value)[:300] or None) if value else None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")
