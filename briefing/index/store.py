"""A library's index: opened for reading (checked; moved aside and rebuilt when broken),
read (articles, ids, outlets), and updated under the write lock.

The index is a cache in the data directory; the articles are the truth. An update
(:mod:`briefing.index.update`) is incremental, against the manifest
(:mod:`briefing.index.manifest`), and commits in batches: a long build is searchable
early and a killed build loses at most the current batch. An index whose schema version
differs, or that raises anything on open, is moved aside and rebuilt from the articles.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.query import Every
from whoosh.sorting import Count, FieldFacet

from briefing.corpus.model import Article, FileProblem
from briefing.fileio import write_atomic
from briefing.index.compact import CompactReport, compact
from briefing.index.documents import doc_to_article
from briefing.index.errors import DAMAGE_ERRORS, IndexDamaged, IndexUnavailable
from briefing.index.library import Library
from briefing.index.locking import IndexBusy, writer_lock
from briefing.index.manifest import open_manifest
from briefing.index.reports import IngestReport, Progress, ProgressCallback
from briefing.index.schema import SCHEMA_VERSION, build_schema

# The errors and reports were defined here before they had modules of their own; the
# CLI, the engine and the app import them from here.
__all__ = [
    "DAMAGE_ERRORS",
    "DEFAULT_LOCK_TIMEOUT",
    "LOCK_TIMEOUT_ENV",
    "IndexDamaged",
    "IndexStore",
    "IndexUnavailable",
    "IngestReport",
    "Progress",
    "ProgressCallback",
    "SharedSearcher",
]

LOCK_TIMEOUT_ENV = "BRIEFING_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 10.0
_META_FILE = "briefing-index.json"


class SharedSearcher:
    """One open Whoosh searcher, reused across searches and replaced when the index changes.

    Opening a searcher reads every segment's files (about 20 ms on the BBC corpus), more
    than the search itself. Whoosh searchers are not meant for concurrent use, so calls
    take turns; each is short. Offers the two things the search functions use of an
    index: ``schema`` and ``searcher()``.
    """

    def __init__(self, ix: Any, searcher: Any = None) -> None:
        self.schema = ix.schema
        self._ix = ix
        self._lock = threading.Lock()
        self._searcher: Any = searcher

    @contextlib.contextmanager
    def searcher(self) -> Iterator[Any]:
        """The current searcher, held for the duration of the ``with`` block."""
        with self._lock:
            if self._searcher is None:
                self._searcher = self._ix.searcher()
            else:
                # A new searcher only if a commit happened since (a commit by this process
                # or another one): see whoosh_fixes for why this is not Whoosh's own reuse.
                self._searcher = self._searcher.refresh()
            yield self._searcher

    def close(self) -> None:
        """Close the searcher's files."""
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None


class IndexStore:
    """A library's index: open it for reading, update it from the library's folders."""

    def __init__(
        self, library: Library, lock_timeout: float | None = None, build_on_open: bool = True
    ) -> None:
        """Args:
        library: the library whose index this is.
        lock_timeout: how long a writer waits for another (default: the environment's
            ``BRIEFING_LOCK_TIMEOUT``, else 10 s).
        build_on_open: build a missing or broken index when it is first read (the
            CLI). The app says False: its indexing worker builds, with progress, and
            a search must never start a build of its own.
        """
        self.library = library
        self.build_on_open = build_on_open
        if lock_timeout is None:
            try:
                lock_timeout = float(os.environ.get(LOCK_TIMEOUT_ENV, DEFAULT_LOCK_TIMEOUT))
            except ValueError:
                lock_timeout = DEFAULT_LOCK_TIMEOUT
        self.lock_timeout = lock_timeout
        self._ix: Any = None
        self._shared: SharedSearcher | None = None
        self._checked_searcher: Any = None
        self._open_lock = threading.RLock()  # open() may build, and a build drops searchers
        self._notices: list[str] = []

    # -- reading ---------------------------------------------------------------------

    def exists(self) -> bool:
        """Whether an index of the current schema version is on disk."""
        return self._stored_version() == SCHEMA_VERSION and self._has_toc()

    def _has_toc(self) -> bool:
        # Whoosh's own exists_in() opens the index, which may raise on a broken one.
        return any(self.library.index_dir.glob("_MAIN_*.toc"))

    def open(self) -> Any:
        """The Whoosh index for searching.

        With no index on disk, or a broken one, it is built first (if ``build_on_open``),
        unless another writer (an indexing worker, another briefing) holds the lock:
        then that writer is building it, and reading must not wait for a whole build.
        What is returned then is an empty index, not kept, so that the next call opens
        the real one as soon as the writer's first batch is committed.
        """
        ix = self._ix
        if ix is not None:
            return ix
        with self._open_lock:
            if self._ix is not None:
                return self._ix
            if not self.exists() and not self._build_for_reading():
                return _empty_index()
            try:
                self._ix = self._open_checked()
            except Exception:
                # Broken between the check and now, or by another process: rebuild once.
                if not self._build_for_reading():
                    return _empty_index()
                try:
                    self._ix = self._open_checked()
                except Exception as exc:
                    raise IndexUnavailable(f"cannot open the index: {exc}") from exc
            return self._ix

    def _build_for_reading(self) -> bool:
        """Build or repair the index for a reader; False if that is someone else's job."""
        if not self.build_on_open:
            return False
        try:
            report = self.update(wait=False)
        except IndexBusy:
            return False
        self._notices.extend(report.notices)
        return True

    def take_notices(self) -> list[str]:
        """What builds started by reading had to say (an index rebuilt, say), once."""
        notices, self._notices = self._notices, []
        return notices

    def recover(self, error: BaseException) -> None:
        """A read failed on damaged index files: move the index aside, then rebuild it
        (if ``build_on_open``; the app's indexing worker rebuilds otherwise).

        Raises:
            IndexDamaged: the index was moved aside and this store may not rebuild it.
            IndexUnavailable: another writer holds the lock, or the rebuild failed.
        """
        kind = type(error).__name__
        with self._open_lock:
            try:
                with writer_lock(self.library.lock_path, 0, self.library.name):
                    self._drop_checked_searcher()
                    aside = self._move_aside() if self.library.index_dir.exists() else None
                    self._ix = None
                    self._shared = None
            except IndexBusy:
                raise IndexUnavailable(
                    f"the index could not be read ({kind}) while another briefing updates "
                    "it; try again when it is done"
                ) from error
            moved = f"; moved to {aside.name}" if aside is not None else ""
            if not self.build_on_open:
                raise IndexDamaged(
                    f"The index was damaged ({kind}){moved}; it is rebuilt from the articles"
                ) from error
            before = len(self._notices)
            if not self._build_for_reading():
                raise IndexUnavailable(
                    f"the index was damaged ({kind}); rebuild it with `briefing index`"
                ) from error
            # The rebuild's own notice ("the index was missing") would only confuse.
            del self._notices[before:]
            self._notices.append(
                f"The index was damaged ({kind}){moved} and rebuilt from the articles."
            )

    def building(self) -> bool:
        """Whether a writer (this process or another) is updating the index right now."""
        try:
            with writer_lock(self.library.lock_path, 0, self.library.name):
                return False
        except IndexBusy:
            return True
        except OSError:
            return False

    def generation(self) -> int:
        """The index's latest commit number: changes whenever articles are indexed."""
        return int(self.open().latest_generation())

    def shared(self) -> SharedSearcher:
        """A long-lived searcher for the search functions (see :class:`SharedSearcher`)."""
        shared = self._shared
        if shared is None:
            ix = self.open()
            if ix is not self._ix:  # the empty stand-in while a build starts: not kept
                return SharedSearcher(ix)
            with self._open_lock:
                searcher, self._checked_searcher = self._checked_searcher, None
            shared = self._shared = SharedSearcher(ix, searcher)
        return shared

    def articles(self) -> list[Article]:
        """Every indexed article, sorted by id."""
        ix = self.open()
        with ix.searcher() as searcher:
            found = [doc_to_article(fields) for fields in searcher.all_stored_fields()]
        return sorted(found, key=lambda a: a.id)

    def article(self, article_id: str) -> Article | None:
        """One article by exact id, or None (read with the shared searcher: opening
        one costs a quarter of a second at 42,000 articles)."""
        with self.shared().searcher() as searcher:
            fields = searcher.document(id=article_id)
        return doc_to_article(fields) if fields else None

    def has(self, article_id: str) -> bool:
        """Whether an article has exactly this id."""
        with self.shared().searcher() as searcher:
            return searcher.document_number(id=article_id) is not None

    def ids(self) -> list[str]:
        """Every indexed article id (read from the id column: no stored fields)."""
        with self.shared().searcher() as searcher:
            reader = searcher.reader()
            if not reader.doc_count_all():
                return []  # an index with no commit yet has no columns to read
            column = reader.column_reader("id")
            return sorted(str(column[docnum]) for docnum in reader.all_doc_ids())

    def source_counts(self) -> dict[str, int]:
        """Articles per outlet, most first."""
        with self.shared().searcher() as searcher:
            results = searcher.search(
                Every(),
                limit=None,
                scored=False,
                groupedby={"source": FieldFacet("source_facet")},
                maptype=Count,
            )
            counts = results.groups("source")
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]).casefold())))

    def stored_problems(self) -> tuple[list[FileProblem], list[tuple[str, str]]]:
        """Skipped files and duplicates as of the last update (for the ingest report)."""
        if not self.library.manifest_path.exists():
            return [], []
        with contextlib.closing(open_manifest(self.library.manifest_path)) as db:
            skipped = [
                FileProblem(p, r)
                for p, r in db.execute(
                    "SELECT path, skipped FROM files WHERE skipped IS NOT NULL ORDER BY path"
                )
            ]
            dups = list(
                db.execute("SELECT id, dup_of FROM docs WHERE indexed = 0 ORDER BY id").fetchall()
            )
        return skipped, [(str(a), str(b)) for a, b in dups]

    # -- writing ---------------------------------------------------------------------

    def update(
        self, progress: ProgressCallback | None = None, wait: bool = True, compact: bool = True
    ) -> IngestReport:
        """Bring the index up to date with the library's folders, under the write lock.

        Args:
            progress: called after each file and after each commit with how far the
                update has got (``Progress.commits`` changes when a batch lands).
            wait: wait up to the lock timeout for another writer; if False, raise
                :class:`IndexBusy` at once when one is at work.
            compact: merge the segments a large update wrote before returning; if
                False, the report's ``compaction_due`` says whether :meth:`compact`
                should follow (every article is searchable either way).
        """
        # The update's code is imported by the first update, not by every search (nor
        # what reading files needs, which it imports in turn): a cold `briefing search`
        # starts faster without them.
        from briefing.index.update import Updater

        started = time.monotonic()
        self.library.directory.mkdir(parents=True, exist_ok=True)
        timeout = self.lock_timeout if wait else 0.0
        with writer_lock(self.library.lock_path, timeout, self.library.name):
            report = IngestReport()
            ix = self._open_or_rebuild(report)
            with contextlib.closing(open_manifest(self.library.manifest_path)) as db:
                Updater(ix, db, self.library, report, progress, compact).run()
            # Reopen on next use. The old shared searcher is not closed here: a search in
            # another thread may still hold it; it closes when collected.
            self._ix = None
            self._shared = None
            with self._open_lock:
                self._drop_checked_searcher()
        report.elapsed = time.monotonic() - started
        return report

    def compact(self) -> CompactReport:
        """Merge the index's segments down to a few, in worker processes, holding the
        write lock only to swap each merged segment in (searches go on throughout)."""
        from briefing.index.update import POOL_MB

        report = compact(self.library, self.lock_timeout, POOL_MB)
        if report.merged:
            self._ix = None
            self._shared = None
            with self._open_lock:
                self._drop_checked_searcher()
        return report

    def _open_or_rebuild(self, report: IngestReport) -> Any:
        index_dir = self.library.index_dir
        version = self._stored_version()
        rebuilt = "rebuilt from the articles"
        if self._has_toc():
            if version == SCHEMA_VERSION:
                try:
                    return self._open_checked()
                except Exception as exc:
                    reason = f"The index could not be opened ({type(exc).__name__})"
            elif version is None:
                reason = "The index's version file is missing or unreadable"
            else:
                reason = f"The index format changed (version {version} → {SCHEMA_VERSION})"
            aside = self._move_aside()
            report.notices.append(f"{reason}; moved to {aside.name} and {rebuilt}.")
        elif index_dir.exists() and any(index_dir.iterdir()):
            aside = self._move_aside()
            report.notices.append(f"The index was incomplete; moved to {aside.name} and {rebuilt}.")
        elif self.library.manifest_path.exists():
            # Built before (the manifest says so), and the folder is gone or empty.
            report.notices.append(f"The index was missing; {rebuilt}.")
        self.library.manifest_path.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{self.library.manifest_path}{suffix}").unlink(missing_ok=True)
        index_dir.mkdir(parents=True, exist_ok=True)
        ix = whoosh_index.create_in(str(index_dir), build_schema())
        write_atomic(index_dir / _META_FILE, json.dumps({"schema_version": SCHEMA_VERSION}))
        return ix

    def _open_checked(self) -> Any:
        ix = whoosh_index.open_dir(str(self.library.index_dir))
        searcher = ix.searcher()
        try:
            searcher.doc_count()
            next(iter(searcher.reader().lexicon("id")), None)  # reads every segment's lexicon
            if set(ix.schema.names()) != set(build_schema().names()):
                raise ValueError("schema fields differ")
        except BaseException:
            searcher.close()
            raise
        # Kept for the shared searcher: opening every segment's files again costs a
        # cold `briefing search` as much as the search.
        self._checked_searcher = searcher
        return ix

    def _drop_checked_searcher(self) -> None:
        """Close the searcher kept from the open check (the caller holds _open_lock)."""
        searcher, self._checked_searcher = self._checked_searcher, None
        if searcher is not None:
            searcher.close()

    def _stored_version(self) -> int | None:
        try:
            meta = json.loads((self.library.index_dir / _META_FILE).read_text(encoding="utf-8"))
            return int(meta["schema_version"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _move_aside(self) -> Path:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = self.library.directory / f"index.broken-{stamp}"
        n = 1
        while aside.exists():
            n += 1
            aside = self.library.directory / f"index.broken-{stamp}-{n}"
        shutil.move(str(self.library.index_dir), str(aside))
        return aside


def _empty_index() -> Any:
    """An empty in-memory index of the current schema: what there is to read before the
    first batch of a build is committed."""
    from whoosh.filedb.filestore import RamStorage

    return RamStorage().create_index(build_schema())
