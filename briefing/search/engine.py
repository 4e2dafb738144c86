"""The one interface the CLI and the UI use: index, search, related, facets, articles.

``Engine`` is a Protocol so that a server-backed engine can serve a team-sized corpus
later without touching the UI; ``WhooshEngine`` is the local implementation.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from briefing.compare.model import Comparison, Story
from briefing.corpus.model import Article, FileProblem
from briefing.index.library import Library
from briefing.index.store import DAMAGE_ERRORS, IndexStore, IngestReport, ProgressCallback
from briefing.search import searcher
from briefing.search.model import (
    NO_FILTERS,
    ArticleMatches,
    Filters,
    Hit,
    SearchResult,
    Snippet,
)

T = TypeVar("T")


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

    def __init__(
        self, library: Library, lock_timeout: float | None = None, build_on_open: bool = True
    ) -> None:
        self.library = library
        self.store = IndexStore(library, lock_timeout=lock_timeout, build_on_open=build_on_open)
        self._stories: tuple[int, list[Story]] | None = None
        self._stories_lock = threading.Lock()

    def update(self, progress: ProgressCallback | None = None) -> IngestReport:
        """Index new and changed articles, drop deleted ones (one writer at a time)."""
        return self.store.update(progress)

    def _read(self, read: Callable[[], T]) -> T:
        """Run a read; if it meets damaged index files, recover (move the index aside,
        rebuild) and read once more. See :meth:`IndexStore.recover`."""
        try:
            return read()
        except DAMAGE_ERRORS as error:
            self.store.recover(error)
            return read()

    def notices(self) -> list[str]:
        """What the engine had to do on its own since last asked (an index rebuilt)."""
        return self.store.take_notices()

    def search(
        self, query: str, filters: Filters = NO_FILTERS, limit: int = 20, offset: int = 0
    ) -> SearchResult:
        """Ranked hits with snippets, facets, suggestion and notices."""
        return self._read(
            lambda: searcher.search(self.store.shared(), query, filters, limit=limit, offset=offset)
        )

    def related(self, article_id: str, limit: int = 10) -> list[Hit]:
        """Related coverage: the article's story (other outlets first), then more like it."""
        from briefing.compare.stories import related_in_story

        similar = self._read(lambda: searcher.related(self.store.shared(), article_id, limit=limit))
        stories = self.stories()
        article = self.article(article_id)
        members = [s for s in stories if article_id in s.article_ids]
        sources = {article_id: article.source if article else None}
        for story in members:
            for member in story.article_ids:
                if member not in sources:
                    other = self.article(member)
                    sources[member] = other.source if other else None
        in_story = related_in_story(stories, article_id, sources)
        by_id = {h.id: h for h in similar}
        hits: list[Hit] = []
        for member in in_story:
            hit = by_id.pop(member, None) or self._hit(member)
            if hit is not None:
                hits.append(hit)
        hits.extend(h for h in similar if h.id in by_id)
        return hits[:limit]

    def _hit(self, article_id: str) -> Hit | None:
        article = self.article(article_id)
        if article is None:
            return None
        lead = " ".join(article.body[:200].split())
        return Hit(
            id=article.id,
            title=article.title,
            source=article.source,
            author=article.author,
            published=article.published,
            score=1.0,
            path=article.path,
            url=article.url,
            snippets=(Snippet(lead),) if lead else (),
        )

    def facets(self, query: str, filters: Filters = NO_FILTERS) -> dict[str, dict[str, int]]:
        """Counts of matching articles by source and by month."""
        return self._read(lambda: searcher.facets(self.store.shared(), query, filters))

    def matches(self, article_id: str, query: str) -> ArticleMatches:
        """Where the query matches in one whole article."""
        return self._read(lambda: searcher.article_matches(self.store.shared(), query, article_id))

    def article(self, article_id: str) -> Article | None:
        """One article by exact id."""
        return self._read(lambda: self.store.article(article_id))

    def articles(self) -> list[Article]:
        """Every article, sorted by id."""
        return self._read(self.store.articles)

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
        return compare(articles, self._idf(articles))

    def _idf(self, articles: Sequence[Article]) -> dict[str, float] | None:
        """The library's inverse document frequencies of the words of these articles.

        Read from the index (``body`` terms are the same Porter stems the comparison
        uses), so that a word common across the library weighs little even when the
        compared articles share it. None for a library too small to say anything.
        """
        from briefing.compare.align import tokens

        words = {t for a in articles for t in tokens(f"{a.title}\n{a.body}")}
        with self.store.shared().searcher() as s:
            total = s.doc_count()
            if total < 20:
                return None
            idf = {}
            for word in words:
                df = s.doc_frequency("body", word)
                idf[word] = math.log((total + 1) / (df + 0.5))
        return idf

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
        ids = self._read(self.store.ids)
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
