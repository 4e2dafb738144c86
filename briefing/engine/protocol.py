"""What the CLI and the app may ask of an engine: the whole contract, in one place.

``Engine`` fronts one library: indexing, search, articles, related coverage,
comparison, stories, the analyst's notes and the briefing's export. ``Notes`` is the
notes half of it. Both are Protocols, so that a second engine (one served to a team
from a machine of its own) can be written against this module and the models alone;
:class:`~briefing.engine.local.WhooshEngine` is the local implementation.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from briefing.corpus.model import Article, FileProblem
from briefing.export.model import Format
from briefing.index.library import Library
from briefing.notes.model import Anchor, Note, SourceValue
from briefing.search.model import ArticleMatches, Filters, Hit, SearchResult
from briefing.web.model import AddReport, Feed, FeedsReport, OpmlReport, WebProgress

if TYPE_CHECKING:
    from briefing.compare.model import Comparison, Story, SyncReport
    from briefing.index.compact import CompactReport
    from briefing.index.reports import IngestReport, ProgressCallback


class Notes(Protocol):
    """A library's notes and its briefing's title (user data: never lost).

    Every method may raise ``NotesUnavailable`` (the notes cannot be read or written
    now; nothing was changed); those naming a note, ``NoteNotFound``.
    """

    def list(self) -> list[Note]:
        """Every note, in the briefing's order."""
        ...

    def get(self, note_id: int) -> Note:
        """One note by id."""
        ...

    def title(self) -> str:
        """The briefing's title ("" when none was set)."""
        ...

    def set_title(self, title: str) -> None:
        """Set the briefing's title."""
        ...

    def add(
        self,
        kind: str,
        comment: str,
        article_id: str | None = None,
        anchor: Anchor | None = None,
        confidence: str | None = None,
        tags: Iterable[str] = (),
        what: str = "",
        values: Iterable[SourceValue] = (),
    ) -> Note:
        """Add a note at the end of the briefing and return it."""
        ...

    def update(self, note_id: int, **changes: Any) -> Note:
        """Change some fields of a note and return it."""
        ...

    def delete(self, note_id: int) -> Note:
        """Delete a note; return it, for :meth:`restore`."""
        ...

    def restore(self, note: Note) -> Note:
        """Put a deleted note back with its id and at its place (undo)."""
        ...

    def move(self, note_id: int, delta: int) -> Note:
        """Move a note ``delta`` places in the briefing's order."""
        ...

    def reanchor(self, article_id: str, body: str) -> builtins.list[Note]:
        """Find the quotes of an article's notes again in its (changed) body."""
        ...

    def anchor_for(self, body: str, start: int, end: int) -> Anchor:
        """The anchor of the quote ``body[start:end]``."""
        ...

    def find_quote(self, body: str, quote: str) -> tuple[int, int] | None:
        """Where ``quote`` is in ``body`` (spacing and case aside), or None."""
        ...


class Web(Protocol):
    """A library's pages fetched by address and its feed subscriptions.

    Fetching keeps what came in the library's own web folder; indexing it is the
    engine's ``update``, run by the caller. Methods naming a feed or a file may raise
    ``FeedError`` (one line: a bad address, an unknown feed, a bad OPML file).
    """

    def add_urls(self, urls: Sequence[str], progress: WebProgress | None = None) -> AddReport:
        """Fetch each address (http and https only) and keep it as a saved page."""
        ...

    def feeds(self) -> list[Feed]:
        """Every subscribed feed, with its last fetch, status and item count."""
        ...

    def add_feed(self, url: str) -> tuple[Feed, bool]:
        """Subscribe to a feed; the feed and whether it is new."""
        ...

    def remove_feed(self, url: str) -> Feed:
        """Unsubscribe (the items kept stay in the library)."""
        ...

    def import_opml(self, path: Path) -> OpmlReport:
        """Subscribe to every feed an OPML file lists."""
        ...

    def export_opml(self, path: Path, force: bool = False) -> int:
        """Write the subscriptions as OPML (``FileExistsError`` unless ``force``)."""
        ...

    def update_feeds(self, progress: WebProgress | None = None) -> FeedsReport:
        """Fetch every feed with a conditional GET and keep its new items."""
        ...

    def last_update(self) -> datetime | None:
        """When a feed was last fetched (None: never, or no feeds)."""
        ...


class Engine(Protocol):
    """One library, everything the CLI and the app do with it."""

    @property
    def library(self) -> Library:
        """The library this engine serves (its name, folders and data folder)."""
        ...

    @property
    def stories_report(self) -> SyncReport | None:
        """What the last read's own story update did (None: it did none)."""
        ...

    # -- indexing --------------------------------------------------------------------

    def exists(self) -> bool:
        """Whether the library has an index yet (built, maybe still being filled)."""
        ...

    def update(
        self, progress: ProgressCallback | None = None, compact: bool = True
    ) -> IngestReport:
        """Index new and changed articles, drop deleted ones; merge the segments a large
        update wrote unless not ``compact`` (see :meth:`compact`)."""
        ...

    def compact(self) -> CompactReport:
        """Merge the index's segments down to a few, searches going on meanwhile."""
        ...

    def problems(self) -> tuple[list[FileProblem], list[tuple[str, str]]]:
        """Skipped files and duplicates as of the last update."""
        ...

    def notices(self) -> list[str]:
        """What the engine had to do on its own since last asked (an index rebuilt)."""
        ...

    # -- search ----------------------------------------------------------------------

    def search(
        self,
        query: str,
        filters: Filters = ...,
        limit: int = 20,
        offset: int = 0,
        suggest: bool = True,
    ) -> SearchResult:
        """Ranked hits with snippets, facets, suggestion (unless not ``suggest``) and
        notices."""
        ...

    def suggestion(self, query: str) -> str | None:
        """A "did you mean" for a query that matches nothing."""
        ...

    def facets(self, query: str, filters: Filters = ...) -> dict[str, dict[str, int]]:
        """Counts of matching articles by source and by month."""
        ...

    def source_counts(self) -> dict[str, int]:
        """How many articles each source has, over the whole library."""
        ...

    def warm_up(self) -> None:
        """Read ahead what the first searches need (the app, once its first results show)."""
        ...

    def matches(self, article_id: str, query: str) -> ArticleMatches:
        """Where the query matches in one whole article."""
        ...

    # -- articles --------------------------------------------------------------------

    def article(self, article_id: str) -> Article | None:
        """One article by exact id."""
        ...

    def articles(self) -> list[Article]:
        """Every article."""
        ...

    def resolve(self, ref: str) -> str:
        """The full id for an id or a unique short form of it (``002``)."""
        ...

    # -- related coverage, comparison, stories ----------------------------------------

    def related(self, article_id: str, limit: int = 10) -> list[Hit]:
        """Articles like this one: its story (other outlets first), then more like it."""
        ...

    def compare(self, article_ids: Sequence[str]) -> Comparison:
        """Two to four articles side by side: aligned passages and grouped facts."""
        ...

    def stories(self, waiting: Callable[[], None] | None = None) -> list[Story]:
        """The library's articles grouped into events."""
        ...

    def sync_stories(
        self, limit: int | None = None, wait: Callable[[], None] | None = None
    ) -> SyncReport:
        """Bring the stories up to date with the index (cheap when nothing changed)."""
        ...

    def sync_stories_apart(self) -> SyncReport:
        """The same in a process of its own (for the app)."""
        ...

    def stop_apart(self) -> None:
        """End the jobs run apart now (the app is closing)."""
        ...

    # -- notes and the briefing -------------------------------------------------------

    def notes(self) -> Notes:
        """The library's notes (opened on first use; safe from any thread)."""
        ...

    def close(self) -> None:
        """Close what the engine holds open (the notes database), if anything."""
        ...

    def web(self) -> Web:
        """The library's pages fetched by address and its feed subscriptions."""
        ...

    def articles_for(self, notes: Sequence[Note]) -> dict[str, Article]:
        """The articles the notes cite, by id (missing ones are left out)."""
        ...

    def render_briefing(self, now: datetime) -> tuple[list[Note], str, str]:
        """The notes, the briefing's title and the briefing as Markdown (a preview):
        what ``export_briefing`` writes to a .md file."""
        ...

    def export_briefing(
        self,
        path: Path,
        force: bool = False,
        title: str | None = None,
        fmt: Format | None = None,
    ) -> Path:
        """Write the briefing (Markdown; HTML or Word for ``fmt`` "html" or "docx", or a
        .html or .docx path); returns the path written. ``title`` defaults to the
        briefing's own."""
        ...
