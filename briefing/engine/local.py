"""The local engine: a library's Whoosh index, story store and notes in the data folder.

:class:`WhooshEngine` implements :class:`~briefing.engine.protocol.Engine`, the contract
the CLI and the app are written against.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from briefing.corpus.model import Article, FileProblem
from briefing.engine.errors import ArticleNotFound
from briefing.export.model import Format
from briefing.index.compact import CompactReport
from briefing.index.errors import DAMAGE_ERRORS
from briefing.index.library import Library
from briefing.index.reports import IngestReport, ProgressCallback
from briefing.index.store import IndexStore
from briefing.search import first_page, searcher
from briefing.search.model import (
    NO_FILTERS,
    ArticleMatches,
    Filters,
    Hit,
    SearchResult,
)
from briefing.search.snippets import lead_snippet

if TYPE_CHECKING:
    from briefing.compare.model import Comparison, Story, SyncReport
    from briefing.compare.story_store import StoryStore
    from briefing.engine.web import LocalWeb
    from briefing.notes.model import Note
    from briefing.notes.store import NoteStore

T = TypeVar("T")

# At most this many articles to add, remove or group are done by a read that must
# answer at once (``related``): a few hundred take about a second; more are left to a
# process of their own (the CLI starts one: see briefing.cli).
INLINE_STORY_ARTICLES = 200


class WhooshEngine:
    """The local engine: a library's Whoosh index in the data directory."""

    def __init__(
        self, library: Library, lock_timeout: float | None = None, build_on_open: bool = True
    ) -> None:
        self.library = library
        self.store = IndexStore(library, lock_timeout=lock_timeout, build_on_open=build_on_open)
        self._story_store: StoryStore | None = None
        # What the last read's own story update did (the CLI's reads update first).
        self.stories_report: SyncReport | None = None
        self._notes: NoteStore | None = None
        self._notes_lock = threading.Lock()

    def exists(self) -> bool:
        """Whether the library has an index yet (built, maybe still being filled)."""
        return self.store.exists()

    def source_counts(self) -> dict[str, int]:
        """How many articles each source has, most first."""
        return self._read(self.store.source_counts)

    def update(
        self, progress: ProgressCallback | None = None, compact: bool = True
    ) -> IngestReport:
        """Index new and changed articles, drop deleted ones (one writer at a time)."""
        return self.store.update(progress, compact=compact)

    def compact(self) -> CompactReport:
        """Merge the index's segments down to a few, searches going on meanwhile."""
        return self.store.compact()

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
        self,
        query: str,
        filters: Filters = NO_FILTERS,
        limit: int = 20,
        offset: int = 0,
        suggest: bool = True,
    ) -> SearchResult:
        """Ranked hits with snippets, facets, suggestion (unless not ``suggest``) and
        notices.

        The empty query's first page (the app's launch screen) is read from disk when
        the index has not changed since it was computed (see :mod:`first_page`).
        """
        kept = self.library.directory / first_page.FILE_NAME
        state = self._index_state() if _first_page(query, filters, offset) else None
        if state is not None and (found := first_page.load(kept, state, limit)) is not None:
            return found
        result = self._read(
            lambda: searcher.search(
                self.store.shared(), query, filters, limit=limit, offset=offset, suggest=suggest
            )
        )
        if state is not None and not result.notices and self._index_state() == state:
            first_page.save(kept, state, result)
        return result

    def _index_state(self) -> str | None:
        if not self.store.exists():
            return None
        return first_page.index_state(self.library.index_dir)

    def suggestion(self, query: str) -> str | None:
        """A "did you mean" for a query that matches nothing (None: none found)."""
        return self._read(lambda: searcher.suggestion(self.store.shared(), query))

    def warm_up(self) -> None:
        """Read every article's facet values ahead of the first searches of many matches."""
        self._read(lambda: searcher.warm_up(self.store.shared()))

    def related(self, article_id: str, limit: int = 10) -> list[Hit]:
        """Related coverage: the article's story (other outlets first), then more like it.

        The story is read from the story store: no clustering of the library here.
        """
        from briefing.compare.related import related_in_story

        # Only a small update here: a large one would keep the answer waiting for
        # seconds or minutes (``stories_report.deferred`` tells the caller).
        self._sync_stories_on_read(limit=INLINE_STORY_ARTICLES)
        stories = self._stories()
        found = stories.story_of(article_id)
        in_story = related_in_story([found[0]], article_id, found[1]) if found else []
        similar = self._similar(article_id, limit)
        by_id = {h.id: h for h in similar}
        hits: list[Hit] = []
        for member in in_story[:limit]:
            hit = by_id.pop(member, None) or self._hit(member)
            if hit is not None:
                hits.append(hit)
        hits.extend(h for h in similar if h.id in by_id)
        return hits[:limit]

    def _similar(self, article_id: str, limit: int) -> list[Hit]:
        """More like the article: its links in the story store (the same similarity that
        groups stories, computed when it came in), other outlets first; while the store
        has not weighed it yet, Whoosh's more-like-this (a search of its key words: a
        quarter of a second at 42,000 articles)."""
        neighbours = self._stories().neighbours(article_id, limit)
        if neighbours is None:
            return self._read(
                lambda: searcher.related(self.store.shared(), article_id, limit=limit)
            )
        own = self.article(article_id)
        own_source = (own.source or "").casefold() or None if own else None
        hits = []
        for other, similarity in neighbours:
            hit = self._hit(other, similarity)
            if hit is not None:
                hits.append(hit)
        # Other outlets first; a missing source is not known to be the same outlet.
        hits.sort(
            key=lambda h: own_source is not None and (h.source or "").casefold() == own_source
        )
        return hits

    def _hit(self, article_id: str, score: float = 1.0) -> Hit | None:
        article = self.article(article_id)
        if article is None:
            return None
        lead = lead_snippet(article.body)
        return Hit(
            id=article.id,
            title=article.title,
            source=article.source,
            author=article.author,
            published=article.published,
            score=score,
            path=article.path,
            url=article.url,
            snippets=(lead,) if lead.text else (),
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
        from briefing.compare.words import inverse_df, tokens

        words = {t for a in articles for t in tokens(f"{a.title}\n{a.body}")}
        with self.store.shared().searcher() as s:
            total = s.doc_count()
            if total < 20:
                return None
            idf = {}
            for word in words:
                df = s.doc_frequency("body", word)
                idf[word] = inverse_df(df, total)
        return idf

    def stories(self, waiting: Callable[[], None] | None = None) -> list[Story]:
        """The library's articles grouped into events, read from the story store.

        Args:
            waiting: Called before waiting for another process that is grouping them.
        """
        self._sync_stories_on_read(wait=waiting or (lambda: None))
        return self._stories().stories()

    def sync_stories(
        self, limit: int | None = None, wait: Callable[[], None] | None = None
    ) -> SyncReport:
        """Bring the story store up to date with the index: only what changed is redone,
        and when nothing did, this costs a few file stats and one small read.

        Args:
            limit: Leave more than this many articles to do to a later update (the
                report's ``deferred``).
            wait: Wait for another process's update, calling this first; without it,
                the report says ``busy``.
        """
        from briefing.compare.model import SyncReport

        store = self._stories()
        fingerprint = self._index_fingerprint()
        if store.fingerprint() == fingerprint:
            return SyncReport()
        if self.store.building():
            # Mid-update (a rebuild lists few articles at first): keep the stories as
            # they are rather than drop and re-add most of them; the update's end syncs.
            return SyncReport(busy=True)
        current = self._indexed_hashes()
        if current is None:
            return SyncReport()
        return store.sync(current, self._fetch, fingerprint, limit=limit, wait=wait)

    def sync_stories_apart(self) -> SyncReport:
        """:meth:`sync_stories` in a process of its own, at a lower priority.

        For the app: grouping a large library takes minutes and hundreds of megabytes
        the first time; apart, it neither holds the app's interpreter lock nor keeps
        its memory.
        """
        from briefing import locations
        from briefing.compare.model import SyncReport
        from briefing.index.apart import run_apart

        if self._stories().fingerprint() == self._index_fingerprint():
            # Up to date, as after most launches: no process to start (starting one,
            # with its imports, took a second of the other core as the app opened).
            return SyncReport()
        environ = (locations.HOME_ENV, "HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME")
        timeout = self.store.lock_timeout
        report: SyncReport = run_apart(_sync_stories, self.library, timeout, environ=environ)
        return report

    def stop_apart(self) -> None:
        """End the jobs run apart (the app is closing); see sync_stories_apart."""
        from briefing.index.apart import stop_apart

        stop_apart()

    def _stories(self) -> StoryStore:
        if self._story_store is None:
            from briefing.compare.story_store import STORE_FILE, StoryStore

            self._story_store = StoryStore(self.library.directory / STORE_FILE)
        return self._story_store

    def _sync_stories_on_read(
        self, limit: int | None = None, wait: Callable[[], None] | None = None
    ) -> None:
        # The CLI brings the stories up to date when it reads them, as it builds a
        # missing index; the app (build_on_open False) leaves that to its worker, so a
        # reader never waits on a large update.
        if self.store.build_on_open:
            self.stories_report = self.sync_stories(limit=limit, wait=wait)

    def _index_fingerprint(self) -> str:
        """What changes whenever the indexed articles may have: the index's commit
        number and the manifest's files (committed after the index)."""
        manifest = self.library.manifest_path
        parts = [str(self.store.generation())]
        for path in (manifest, Path(f"{manifest}-wal")):
            try:
                info = path.stat()
                parts.append(f"{info.st_size}.{info.st_mtime_ns}")
            except OSError:
                parts.append("-")
        return ":".join(parts)

    def _indexed_hashes(self) -> dict[str, str] | None:
        """Every indexed article's id → content hash, from the index's manifest.

        The manifest, not the index: reading a hash from Whoosh means reading the
        article's stored fields, whole bodies included. None if it cannot be read now.
        """
        path = self.library.manifest_path
        if not path.exists():
            return {}
        try:
            db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=10)
            with contextlib.closing(db):
                rows = db.execute("SELECT id, hash FROM docs WHERE indexed = 1").fetchall()
        except sqlite3.Error:
            return None
        return {str(i): str(h) for i, h in rows}

    def _fetch(self, ids: Sequence[str]) -> Iterator[Article]:
        """Articles by id, for the story store: one by one for a few, else one pass."""
        from whoosh.filedb.filestore import FileStorage

        from briefing.index.documents import doc_to_article

        wanted = set(ids)
        self.store.open()  # built or repaired first, if it must be
        # Its own searcher, not the shared one: a long pass must not hold up searches.
        # Without memory maps: a pass over a large library's stored text would map it
        # all, counting hundreds of megabytes against the process until it ends.
        ix = FileStorage(str(self.library.index_dir), supports_mmap=False).open_index()
        with ix.searcher() as s:
            if len(wanted) > 100 and len(wanted) * 4 > s.doc_count():
                for fields in s.all_stored_fields():
                    if fields.get("id") in wanted:
                        yield doc_to_article(fields)
                return
            for article_id in ids:
                fields = s.document(id=article_id)
                if fields:
                    yield doc_to_article(fields)

    def problems(self) -> tuple[list[FileProblem], list[tuple[str, str]]]:
        """Skipped files and duplicates as of the last update."""
        return self.store.stored_problems()

    def resolve(self, ref: str) -> str:
        """The full id for ``ref``: exact, else a unique match on the file name's start,
        else a unique match starting at any folder of the path.

        ``002`` finds ``sample_corpus/002_cfb7c888e0b477b7.txt``; ``trafilatura/dw``
        finds ``html/trafilatura/dw.com.colonial.html``.
        """
        if self._read(lambda: self.store.has(ref)):
            return ref
        ids = self._read(self.store.ids)
        candidates = [i for i in ids if i.rsplit("/", 1)[-1].startswith(ref)]
        if not candidates:
            candidates = [i for i in ids if f"/{i}".find(f"/{ref}") >= 0]
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise ArticleNotFound(f"no article with id {ref!r}; see `briefing list`")
        shown = ", ".join(candidates[:5]) + (" …" if len(candidates) > 5 else "")
        raise ArticleNotFound(f"{ref!r} matches {len(candidates)} articles: {shown}")

    # -- notes and the briefing ------------------------------------------------------

    def notes(self) -> NoteStore:
        """The library's notes (opened on first use, from any thread).

        Raises:
            NotesUnavailable: the database cannot be opened; it is left untouched.
        """
        with self._notes_lock:
            if self._notes is None:
                from briefing.notes.store import NoteStore

                self._notes = NoteStore.open(self.library.notes_path)
            return self._notes

    def close(self) -> None:
        """Close what the engine holds open (the notes database), if anything."""
        with self._notes_lock:
            if self._notes is not None:
                self._notes.close()
                self._notes = None

    def web(self) -> LocalWeb:
        """The library's pages fetched by address and its feed subscriptions."""
        from briefing.engine.web import LocalWeb

        return LocalWeb(self.library)

    def articles_for(self, notes: Sequence[Note]) -> dict[str, Article]:
        """The articles the notes cite, by id (missing ones are left out: a deleted
        article stays out of the mapping, and the briefing says so next to its id)."""
        ids = {n.article_id for n in notes if n.article_id}
        ids |= {v.article_id for n in notes for v in n.values}
        if not ids or not self.library.entries:
            return {}
        found = {}
        for article_id in sorted(ids):
            article = self.article(article_id)
            if article is not None:
                found[article_id] = article
        return found

    def render_briefing(self, now: datetime) -> tuple[list[Note], str, str]:
        """The notes, the briefing's title and the briefing as Markdown (a preview):
        exactly what ``export_briefing`` writes to a .md file at that time."""
        from briefing.export.markdown import render_briefing

        store = self.notes()
        notes = store.list()
        title = store.title() or "Briefing"
        articles = self.articles_for(notes)
        return notes, title, render_briefing(title, notes, articles, now, _author())

    def export_briefing(
        self,
        path: Path,
        force: bool = False,
        title: str | None = None,
        fmt: Format | None = None,
    ) -> Path:
        """Write the briefing (Markdown; HTML or Word for ``fmt`` "html" or "docx", or a
        .html or .docx path).

        Raises:
            FileExistsError: ``path`` exists and not ``force`` (one-line message).
            OSError: the file could not be written; nothing was overwritten.
            NotesUnavailable: the notes cannot be read.
        """
        from briefing.export.writer import export_briefing, format_for

        store = self.notes()
        notes = store.list()
        if title is None:
            title = store.title() or "Briefing"
        chosen = fmt or format_for(path)
        articles = self.articles_for(notes)
        return export_briefing(notes, articles, path, title, chosen, force, _author())


def _author() -> str:
    """The briefing's author: the config's ``author``, else none."""
    from briefing.config import load_config

    return load_config().author or ""


def _first_page(query: str, filters: Filters, offset: int) -> bool:
    return not query.strip() and filters == NO_FILTERS and offset == 0


def _sync_stories(library: Library, lock_timeout: float) -> SyncReport:
    """Bring ``library``'s stories up to date (run apart: see sync_stories_apart)."""
    engine = WhooshEngine(library, lock_timeout=lock_timeout, build_on_open=False)
    return engine.sync_stories()
