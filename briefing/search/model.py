"""The plain data search returns: hits with snippets whose highlights are character spans."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Snippet:
    """A passage of an article; ``highlights`` are ``(start, end)`` offsets into ``text``."""

    text: str
    highlights: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Hit:
    """One ranked search result."""

    id: str
    title: str
    source: str | None
    author: str | None
    published: date | None
    score: float
    path: str
    url: str | None = None
    snippets: tuple[Snippet, ...] = ()


@dataclass(frozen=True)
class Filters:
    """Restrictions applied on top of the query (CLI options, facet toggles)."""

    sources: tuple[str, ...] = ()
    months: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class SearchResult:
    """What a search returns.

    ``facets`` maps ``"source"`` and ``"month"`` to counts over every match (not only
    the hits returned). ``variants`` lists other spellings of query words that
    matched (e.g. "Deir al-Zor" for "Deir ez-Zor"). ``notices`` are one-line messages
    for the user (query fallback, truncation, variants).
    """

    query: str
    total: int
    hits: tuple[Hit, ...] = ()
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None
    notices: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()
    elapsed: float = 0.0


NO_FILTERS = Filters()


@dataclass(frozen=True)
class ArticleMatches:
    """Where a query matches in one whole article: ``(start, end)`` offsets, in order.

    ``title`` spans index into ``Article.title``, ``body`` spans into ``Article.body``.
    """

    title: tuple[tuple[int, int], ...] = ()
    body: tuple[tuple[int, int], ...] = ()
