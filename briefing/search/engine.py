"""The one interface the CLI and the UI use: index, search, related, facets, articles.

``Engine`` is a Protocol so that a server-backed engine can serve a team-sized corpus
later without touching the UI; ``WhooshEngine`` is the local implementation.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Protocol

from briefing.compare.model import Comparison, Story
from briefing.corpus.model import Article, FileProblem
from briefing.index.library import Library
from briefing.index.store import IndexStore, IngestReport, ProgressCallback
from briefing.search import searcher
from briefing.search.model import NO_FILTERS, ArticleMatches, Filters, Hit, SearchResult


class ArticleNotFound(Exception):
    """No article, or more than one, answers to the id the user gave (one-line message)."""


class Engine(Protocol):
    """What briefing needs from a search engine."""

    def update(self, progress: ProgressCallback | None = None) -> IngestReport:
        """Index new and changed articles, drop deleted ones."""
        ...

    def search(
        self, query: str, filters: Filters = ..., limit: int = 20, offset: int = 0
    ) -> SearchResult:
        """Ranked hits with snippets, facets, suggestion and notices."""
        ...

    def related(self, article_id: str, limit: int = 10) -> list[Hit]:
        """Articles like this one, other outlets first."""
        ...

    def facets(self, query: str, filters: Filters = ...) -> dict[str, dict[str, int]]:
        """Counts of matching articles by source and by month."""
        ...

    def matches(self, article_id: str, query: str) -> ArticleMatches:
        """Where the query matches in one whole article."""
        ...

    def article(self, article_id: str) -> Article | None:
        """One article by exact id."""
        ...

    def articles(self) -> list[Article]:
        """Every article."""
        ...

    def resolve(self, ref: str) -> str:
        """The full id for an id or a unique short form of it (``002``)."""
        ...

    def compare(self, article_ids: Sequence[str]) -> Comparison:
        """Two to four articles side by side: aligned passages and grouped facts."""
        ...

    def stories(self) -> list[Story]:
        """The library's articles grouped into events."""
        ...


class WhooshEngine:
    """The local engine: a library's Whoosh index in the data directory."""

    def __init__(self, library: Library, lock_timeout: float | None = None) -> None:
        self.library = library
        self.store = IndexStore(library, lock_timeout=lock_timeout)
        self._stories: tuple[int, list[Story]] | None = None
        self._stories_lock = threading.Lock()

    def update(self, progress: ProgressCallback | None = None) -> IngestReport:
        """Index new and changed articles, drop deleted ones (one writer at a time)."""
        return self.store.update(progress)

    def search(
        self, query: str, filters: Filters = NO_FILTERS, limit: int = 20, offset: int = 0
    ) -> SearchResult:
        """Ranked hits with snippets, facets, suggestion and notices."""
        return searcher.search(self.store.shared(), query, filters, limit=limit, offset=offset)

    def related(self, article_id: str, limit: int = 10) -> list[Hit]:
        """Articles like this one, other outlets first."""
        return searcher.related(self.store.shared(), article_id, limit=limit)

    def facets(self, query: str, filters: Filters = NO_FILTERS) -> dict[str, dict[str, int]]:
        """Counts of matching articles by source and by month."""
        return searcher.facets(self.store.shared(), query, filters)

    def matches(self, article_id: str, query: str) -> ArticleMatches:
        """Where the query matches in one whole article."""
        return searcher.article_matches(self.store.shared(), query, article_id)

    def article(self, article_id: str) -> Article | None:
        """One article by exact id."""
        return self.store.article(article_id)

    def articles(self) -> list[Article]:
        """Every article, sorted by id."""
        return self.store.articles()

    def compare(self, article_ids: Sequence[str]) -> Comparison:
        """Two to four articles side by side: aligned passages and grouped facts.

        Raises:
            ArticleNotFound: an id matches no article.
            ValueError: fewer than two or more than four articles.
        """
        from briefing.compare.engine import compare

        articles = []
        for ref in article_ids:
            article = self.article(self.resolve(ref))
            if article is None:
                raise ArticleNotFound(f"no article with id {ref!r}")
            articles.append(article)
        return compare(articles)

    def stories(self) -> list[Story]:
        """The library's articles grouped into events (computed once per index version)."""
        from briefing.compare.stories import cluster

        generation = self.store.generation()
        with self._stories_lock:
            if self._stories is None or self._stories[0] != generation:
                self._stories = (generation, cluster(self.articles()))
            return self._stories[1]

    def problems(self) -> tuple[list[FileProblem], list[tuple[str, str]]]:
        """Skipped files and duplicates as of the last update."""
        return self.store.stored_problems()

    def resolve(self, ref: str) -> str:
        """The full id for ``ref``: exact, else a unique match on the file name's start,
        else a unique match starting at any folder of the path.

        ``002`` finds ``sample_corpus/002_cfb7c888e0b477b7.txt``; ``trafilatura/dw``
        finds ``html/trafilatura/dw.com.colonial.html``.
        """
        ids = self.store.ids()
        if ref in ids:
            return ref
        candidates = [i for i in ids if i.rsplit("/", 1)[-1].startswith(ref)]
        if not candidates:
            candidates = [i for i in ids if f"/{i}".find(f"/{ref}") >= 0]
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise ArticleNotFound(f"no article with id {ref!r}; see `briefing list`")
        shown = ", ".join(candidates[:5]) + (" …" if len(candidates) > 5 else "")
        raise ArticleNotFound(f"{ref!r} matches {len(candidates)} articles: {shown}")
