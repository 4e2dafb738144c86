"""The plain data the corpus stage produces."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path


@dataclass(frozen=True)
class Draft:
    """What a format reader found in a file, before ids, cleaning and sanitising.

    ``key`` tells articles apart inside a multi-article file (a feed item's guid,
    a Reuters NEWID); it is None for one-article files. ``inferred`` names the
    metadata fields guessed from the text rather than read from explicit fields.
    ``plain`` says the body is pasted text that still needs boilerplate removal.
    ``pages`` holds, for a paged document (PDF), the offset in ``body`` where each page
    starts (page 1 first); empty for other formats.
    """

    body: str
    title: str | None = None
    source: str | None = None
    author: str | None = None
    published: date | None = None
    url: str | None = None
    tags: tuple[str, ...] = ()
    key: str | None = None
    inferred: frozenset[str] = frozenset()
    warnings: tuple[str, ...] = ()
    plain: bool = False
    fetched: datetime | None = None
    """When the page or feed item was fetched from the web (UTC), if it was."""
    pages: tuple[int, ...] = ()


@dataclass(frozen=True)
class Article:
    """One article, clean and ready to index.

    ``id`` is stable: it comes from where the article lives (library folder label,
    path inside it and, for multi-article files, the item key), so notes attached
    to it survive edits and re-indexing. ``pages`` holds, for a paged document (PDF),
    the offset in ``body`` where each page starts (see :mod:`briefing.corpus.pages`).
    """

    id: str
    title: str
    source: str | None
    author: str | None
    published: date | None
    url: str | None
    body: str
    path: str
    tags: tuple[str, ...] = ()
    inferred: frozenset[str] = frozenset()
    warnings: tuple[str, ...] = ()
    content_hash: str = ""
    fetched: datetime | None = None
    """When the page or feed item was fetched from the web (UTC): cited with its URL."""
    pages: tuple[int, ...] = ()


@dataclass(frozen=True)
class FileProblem:
    """A file that gave no article, or a warning about one, for the ingest report."""

    path: str
    reason: str


@dataclass
class FileResult:
    """What ingesting one file gave: its articles and what went wrong."""

    path: Path
    articles: list[Article] = field(default_factory=list)
    skipped: str | None = None
    warnings: list[str] = field(default_factory=list)


class FormatError(Exception):
    """A file could not be read as the format it claims; the message is one line for the user."""
