"""Build and keep a library's Whoosh index: incremental, one writer, never trusted blindly.

The index is a cache in the data directory; the articles are the truth. A manifest
(SQLite) records which file gave which articles at which size and mtime, so an
update of an unchanged folder only stats files. Files are read, cleaned and analysed
in worker processes (:mod:`briefing.index.pipeline`) for the one writer here. Work is
committed in batches, the first within a second or so: a long build is searchable
early and a killed build loses at most the current batch; segments are merged a few
at a time as commits go. An index whose schema version differs, or that raises
anything on open, is moved aside and rebuilt from the articles.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import shutil
import sqlite3
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from whoosh import index as whoosh_index
from whoosh.query import Every
from whoosh.sorting import Count, FieldFacet

from briefing.corpus.model import Article, FileProblem
from briefing.fileio import write_atomic
from briefing.index.compact import (
    MAX_MERGE_DOCS,
    CompactReport,
    compact,
    merge_rounds,
    needs_compaction,
    replacing,
)
from briefing.index.documents import doc_to_article
from briefing.index.library import Library
from briefing.index.locking import IndexBusy, writer_lock
from briefing.index.schema import SCHEMA_VERSION, build_schema, index_codec

if TYPE_CHECKING:
    from briefing.corpus.ingest import Skip, SourceFile
    from briefing.index.pipeline import PreparedFile

# Reading files (briefing.corpus.ingest, its format readers, the worker pipeline) is
# imported by the first update, not by every search: a cold `briefing search` starts
# faster without them.

LOCK_TIMEOUT_ENV = "BRIEFING_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 10.0
BATCH_ARTICLES = 1000
BATCH_SECONDS = 3.0
# The first batch is committed sooner: a new library is searchable within a second or two.
FIRST_BATCH_SECONDS = 1.0
# The writer's posting pool (Whoosh's estimate; real use is about twice): what a build
# holds in memory besides one batch, whatever the size of the library.
POOL_MB = 48
# Segments: each commit writes one. A commit merges the smallest MERGE_FANOUT of them
# when they are of a size (within MERGE_FANOUT times each other) and hold at most
# MAX_MERGE_DOCS articles together: no commit rewrites more than that (a merge in
# Whoosh runs at a few hundred articles a second), and a 42,000-article library ends
# in about a dozen segments instead of one per batch. The last commit of an update
# merges everything when the index is as small as SMALL_INDEX_DOCS.
MERGE_FANOUT = 8
SMALL_INDEX_DOCS = 1000
# Where workers write segments before they are moved into the index and committed.
STAGING_DIR = "staging"
_META_FILE = "briefing-index.json"


class IndexUnavailable(Exception):
    """The index cannot be opened or built; the message says why in one line."""


class IndexDamaged(IndexUnavailable):
    """A read failed on damaged index files; the index was moved aside for a rebuild."""


DAMAGE_ERRORS: tuple[type[BaseException], ...] = (
    zlib.error,
    struct.error,
    EOFError,
    pickle.UnpicklingError,
)
"""What reading garbled index files raises (Whoosh keeps no checksums, so a damaged
segment opens fine and fails only when a search reaches the bad bytes). Not OSError: a
segment file that another process merged away is a race, not damage."""


@dataclass(frozen=True)
class Progress:
    """How far an update has got, for progress bars."""

    done: int
    total: int
    path: str | None = None
    articles: int = 0
    commits: int = 0
    """Batches committed so far: when it changes, searches see more of the library."""
    committed: int = 0
    """Articles added by this update that are committed (searchable) so far."""


@dataclass
class IngestReport:
    """What an update did: counts, and every skipped file and duplicate with its reason."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged_files: int = 0
    files_read: int = 0
    total_articles: int = 0
    skipped: list[FileProblem] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[FileProblem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    compaction_due: bool = False
    """The update left more segments than searches should read: see
    :func:`briefing.index.compact.compact`."""

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged_files": self.unchanged_files,
            "files_read": self.files_read,
            "total_articles": self.total_articles,
            "skipped": [{"path": p.path, "reason": p.reason} for p in self.skipped],
            "duplicates": [{"id": d, "duplicate_of": o} for d, o in self.duplicates],
            "warnings": [{"path": p.path, "warning": p.reason} for p in self.warnings],
            "notices": list(self.notices),
            "elapsed": round(self.elapsed, 3),
            "compaction_due": self.compaction_due,
        }


ProgressCallback = Callable[[Progress], None]

_MANIFEST_SQL = """
CREATE TABLE IF NOT EXISTS files(
    path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL,
    skipped TEXT, warnings TEXT NOT NULL DEFAULT '[]');
CREATE TABLE IF NOT EXISTS docs(
    id TEXT PRIMARY KEY, path TEXT NOT NULL, hash TEXT NOT NULL,
    indexed INTEGER NOT NULL, dup_of TEXT);
CREATE INDEX IF NOT EXISTS docs_path ON docs(path);
CREATE INDEX IF NOT EXISTS docs_hash ON docs(hash);
"""


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
        with contextlib.closing(self._manifest()) as db:
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
        started = time.monotonic()
        self.library.directory.mkdir(parents=True, exist_ok=True)
        timeout = self.lock_timeout if wait else 0.0
        with writer_lock(self.library.lock_path, timeout, self.library.name):
            report = IngestReport()
            ix = self._open_or_rebuild(report)
            with contextlib.closing(self._manifest()) as db:
                _Updater(ix, db, self.library, report, progress, compact).run()
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

    def _manifest(self) -> sqlite3.Connection:
        path = self.library.manifest_path
        try:
            db = sqlite3.connect(path, timeout=30)
        except sqlite3.Error as exc:
            raise IndexUnavailable(f"cannot open the index manifest {path}: {exc}") from exc
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_MANIFEST_SQL)
        except sqlite3.Error as exc:
            # A read-only library folder, a full disk: one line, not a traceback.
            db.close()
            raise IndexUnavailable(f"cannot write the index manifest {path}: {exc}") from exc
        return db


def _merge_tier(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy: merge the smallest MERGE_FANOUT segments that are of a size.

    One merge at most per commit, so no commit waits for more than MERGE_FANOUT
    segments to be rewritten.
    """
    group = _tier(segments)
    return segments if group is None else _merge(writer, segments, group)


def _tier(segments: list[Any]) -> list[Any] | None:
    """The smallest MERGE_FANOUT segments within MERGE_FANOUT times each other's size."""
    by_size = sorted(segments, key=lambda seg: seg.doc_count_all())
    for start in range(len(by_size) - MERGE_FANOUT + 1):
        group = by_size[start : start + MERGE_FANOUT]
        if sum(seg.doc_count_all() for seg in group) > MAX_MERGE_DOCS:
            return None  # the larger groups only get larger
        if group[-1].doc_count_all() <= MERGE_FANOUT * max(group[0].doc_count_all(), 1):
            return group
    return None


def _merge_due(ix: Any) -> bool:
    """Whether the last commit of an update would merge segments of ``ix``."""
    segments = ix._segments()
    if len(segments) < 2:
        return False
    small = sum(seg.doc_count_all() for seg in segments) <= SMALL_INDEX_DOCS
    return small or _tier(segments) is not None


def _merge_final(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy of an update's last commit: all of a small index, else tiers."""
    if sum(seg.doc_count_all() for seg in segments) <= SMALL_INDEX_DOCS:
        return _merge(writer, segments, segments)
    return _merge_tier(writer, segments)


def _merge(writer: Any, segments: list[Any], group: list[Any]) -> list[Any]:
    from whoosh.reading import SegmentReader

    if len(group) < 2 and not any(seg.has_deletions() for seg in group):
        return segments
    for seg in group:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    merged = {id(seg) for seg in group}
    return [seg for seg in segments if id(seg) not in merged]


def _small(ix: Any) -> bool:
    return int(sum(seg.doc_count_all() for seg in ix._segments())) <= SMALL_INDEX_DOCS


def _keep(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy: no merge."""
    return segments


def _adding(policy: Callable[[Any, list[Any]], list[Any]], new: list[Any]) -> Any:
    """``policy``, then the segments workers wrote (see ``_Updater._write_in_workers``)."""
    added = list(new)

    def merge(writer: Any, segments: list[Any]) -> list[Any]:
        return policy(writer, segments) + added

    return merge


def _empty_index() -> Any:
    """An empty in-memory index of the current schema: what there is to read before the
    first batch of a build is committed."""
    from whoosh.filedb.filestore import RamStorage

    return RamStorage().create_index(build_schema())


class _Updater:
    """One incremental update: walk, diff against the manifest, ingest, commit in batches."""

    def __init__(
        self,
        ix: Any,
        db: sqlite3.Connection,
        library: Library,
        report: IngestReport,
        progress: ProgressCallback | None,
        compact: bool = True,
    ) -> None:
        self.ix = ix
        self.compact = compact
        self.db = db
        self.library = library
        self.report = report
        self.progress = progress
        from briefing.index.pipeline import SpellWords

        self.writer: Any = None
        self.spell = SpellWords()
        self.batch_articles = 0
        self.batch_started = time.monotonic()
        self.commits = 0
        self.committed = 0
        self.done = 0
        self.total = 0
        self.indexed_paths: set[bytes] = set()
        # Segments written by workers, moved into the index, for the next commit.
        self.new_segments: list[Any] = []
        self.in_workers = False

    def run(self) -> None:
        # Paths with documents in the index as the update starts (the manifest may not
        # know them all: a crash between the two commits). Only these need a deletion,
        # and a deletion opens a searcher on every segment.
        with self.ix.reader() as reader:
            if reader.doc_count_all():
                self.indexed_paths = set(reader.lexicon("path"))
        from briefing.index.pipeline import Workers, worker_count

        # A first build of a large library: the workers start as soon as the walk of
        # the folders has found enough to need them, while it goes on (a new library's
        # first articles are searchable a second sooner).
        workers = Workers(worker_count()) if not self.indexed_paths and worker_count() else None
        try:
            self._run(workers)
        finally:
            if workers is not None:
                workers.close()

    def _run(self, workers: Any) -> None:
        from briefing.corpus.ingest import needs_library
        from briefing.index.pipeline import worker_count, worth_workers

        current, walk_skips, missing_roots = self._walk(workers.warm if workers else None)
        # A file skipped for a missing library counts as changed (None): installing the
        # library must be all it takes to read it.
        known = {
            path: None if needs_library(skipped) else (mtime, size)
            for path, mtime, size, skipped in self.db.execute(
                "SELECT path, mtime_ns, size, skipped FROM files"
            )
        }
        changed = [
            sf for path, (sf, mtime, size) in current.items() if known.get(path) != (mtime, size)
        ]
        deleted = [
            p
            for p in known
            if p not in current and not any(Path(p).is_relative_to(r) for r in missing_roots)
        ]
        changed += self._promotions(deleted, changed, current)
        self.report.unchanged_files = len(current) - len(changed)
        self.total = len(changed)
        self._report_progress()
        for path in deleted:
            self._ensure_writer()
            self.report.removed += self._drop_file(path)
            self.db.execute("DELETE FROM files WHERE path = ?", (path,))
        started = time.monotonic()
        if worth_workers(changed) and worker_count() > 0:
            self._write_in_workers(changed, current, workers)
        else:
            if workers is not None:
                workers.close()
            self._write_here(changed, current, started)
        self._reconcile()
        commits = self.commits
        self._commit(final=True)
        if self.commits != commits:
            self._report_progress()
        self._finish_report(walk_skips)
        self.report.compaction_due = needs_compaction(self.ix._segments())

    def _write_here(
        self,
        changed: list[SourceFile],
        current: dict[str, tuple[SourceFile, int, int]],
        started: float,
    ) -> None:
        """A small update: files read here, written by this process's writer, committed
        every BATCH_SECONDS (the first batch after FIRST_BATCH_SECONDS)."""
        from briefing.index.pipeline import prepared

        for n, result in enumerate(prepared(changed, workers=0), 1):
            path = str(result.source.path)
            self._ingest(result, *current[path][1:])
            self.done = n
            self._report_progress(path)
            # The first batch counts from the start of the update.
            since = self.batch_started if self.commits else started
            wait = BATCH_SECONDS if self.commits else min(FIRST_BATCH_SECONDS, BATCH_SECONDS)
            if self.batch_articles >= BATCH_ARTICLES or (
                self.batch_articles and time.monotonic() - since >= wait
            ):
                self._commit(final=False)
                self._report_progress(path)

    def _write_in_workers(
        self,
        changed: list[SourceFile],
        current: dict[str, tuple[SourceFile, int, int]],
        started: Any = None,
    ) -> None:
        """A large update: worker processes read the files and each writes its batches
        as finished segments, in parallel; this process records them in the manifest,
        drops duplicates from them and commits each as it comes (the first within a
        second or two). Then the smallest segments are merged, in parallel too."""
        from briefing.index.pipeline import Workers, worker_count, write_batches

        self.in_workers = True
        staging = self.library.directory / STAGING_DIR
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True, exist_ok=True)
        try:
            with started or Workers(worker_count()) as workers:
                n = 0
                for batch in write_batches(changed, workers, staging, POOL_MB):
                    for written in batch.files:
                        n += 1
                        path = str(written.source.path)
                        articles = [(i, h) for i, h, _ in written.articles]
                        kept = self._record(
                            path, articles, written.skipped, written.warnings, *current[path][1:]
                        )
                        for (_, _, docnum), keep in zip(written.articles, kept, strict=True):
                            if not keep:  # a duplicate of an article already indexed
                                batch.segment.delete_document(docnum)
                        self.done = n
                        self._report_progress(path)
                    if batch.segment is not None and batch.staged is not None:
                        self._stage(batch.segment, batch.staged)
                    self._commit(final=False)
                    self._report_progress()
                if self.compact:
                    self._merge_in_workers(workers, staging)
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _stage(self, segment: Any, staged: str) -> None:
        """Move a worker's finished segment into the index, for the next commit."""
        if segment.doc_count() == 0:  # every article a duplicate
            os.unlink(staged)
            return
        os.replace(staged, self.library.index_dir / os.path.basename(staged))
        self.new_segments.append(segment)

    def _merge_in_workers(self, workers: Any, staging: Path) -> None:
        """Merge the smallest segments, in groups, in the workers; each merged segment
        replaces its group at a commit of its own (the lock is held throughout)."""
        index_dir = self.library.index_dir

        def swap(group: list[Any], segment: Any, staged: str) -> bool:
            os.replace(staged, index_dir / os.path.basename(staged))
            self._ensure_writer()
            self.writer.commit(mergetype=replacing(group, segment))
            self.writer = None
            self.commits += 1
            return True

        merge_rounds(workers, index_dir, staging, self.ix._segments, swap, POOL_MB)

    def _report_progress(self, path: str | None = None) -> None:
        if self.progress:
            self.progress(
                Progress(
                    self.done, self.total, path, self.report.added, self.commits, self.committed
                )
            )

    def _walk(
        self, when_large: Callable[[], None] | None = None
    ) -> tuple[dict[str, tuple[SourceFile, int, int]], list[Skip], list[Path]]:
        """Every file of the library with its modification time and size, the files
        skipped and the missing roots; ``when_large`` is called once the files found
        are enough for worker processes (see ``pipeline.worth_workers``)."""
        from briefing.corpus.ingest import Skip, walk
        from briefing.index.pipeline import MIN_PARALLEL_BYTES, MIN_PARALLEL_FILES

        found_bytes = 0
        current: dict[str, tuple[SourceFile, int, int]] = {}
        skips: list[Skip] = []
        missing: list[Path] = []
        for entry in self.library.entries:
            root = entry.resolved()
            if not root.exists():
                missing.append(root)
                self.report.notices.append(
                    f"{root} is missing; its articles stay indexed until it is back or removed"
                )
                continue
            for item in walk(root, entry.label):
                if isinstance(item, Skip):
                    skips.append(item)
                    continue
                if item.mtime_ns is not None and item.size is not None:
                    mtime_ns, size = item.mtime_ns, item.size  # the walk's own look
                else:
                    try:
                        info = item.path.stat()
                    except OSError as exc:
                        skips.append(Skip(item.path, f"cannot read: {exc.strerror or exc}"))
                        continue
                    mtime_ns, size = info.st_mtime_ns, info.st_size
                current.setdefault(str(item.path), (item, mtime_ns, size))
                found_bytes += size
                if when_large is not None and (
                    len(current) >= MIN_PARALLEL_FILES or found_bytes >= MIN_PARALLEL_BYTES
                ):
                    when_large()
                    when_large = None
        return current, skips, missing

    def _promotions(
        self,
        deleted: list[str],
        changed: list[SourceFile],
        current: dict[str, tuple[SourceFile, int, int]],
    ) -> list[SourceFile]:
        """Files holding duplicates of articles that are about to go: read them again."""
        leaving = set(deleted) | {str(sf.path) for sf in changed}
        if not leaving:
            return []
        # A temporary table, not one SQL parameter per path: a first build of a large
        # folder changes more files than SQLite allows variables (32,766).
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS leaving(path TEXT PRIMARY KEY)")
        self.db.execute("DELETE FROM leaving")
        self.db.executemany("INSERT OR IGNORE INTO leaving VALUES (?)", ((p,) for p in leaving))
        rows = self.db.execute(
            "SELECT DISTINCT d.path FROM docs d WHERE d.indexed = 0 AND d.hash IN "
            "(SELECT hash FROM docs WHERE indexed = 1 AND path IN (SELECT path FROM leaving))"
        ).fetchall()
        self.db.execute("DELETE FROM leaving")
        again = {p for (p,) in rows if p not in leaving and p in current}
        return [current[p][0] for p in sorted(again)]

    def _ensure_writer(self) -> None:
        if self.writer is None:
            self.writer = self.ix.writer(timeout=5.0, limitmb=POOL_MB, codec=index_codec())
            self.batch_started = time.monotonic()

    def _drop_file(self, path: str) -> int:
        indexed = self.db.execute(
            "SELECT COUNT(*) FROM docs WHERE path = ? AND indexed = 1", (path,)
        ).fetchone()[0]
        if path.encode("utf-8") in self.indexed_paths:
            self._ensure_writer()
            self.writer.delete_by_term("path", path)
        self.db.execute("DELETE FROM docs WHERE path = ?", (path,))
        return int(indexed)

    def _ingest(self, result: PreparedFile, mtime_ns: int, size: int) -> None:
        from briefing.index.pipeline import add_prepared

        self._ensure_writer()
        articles = [(a.id, a.content_hash) for a in result.articles]
        path = str(result.source.path)
        kept = self._record(path, articles, result.skipped, result.warnings, mtime_ns, size)
        for article, keep in zip(result.articles, kept, strict=True):
            if keep:
                add_prepared(self.writer, article, self.spell)

    def _record(
        self,
        path: str,
        articles: list[tuple[str, str]],
        skipped: str | None,
        warnings: tuple[str, ...],
        mtime_ns: int,
        size: int,
    ) -> list[bool]:
        """Record what a file gave in the manifest, and drop what it gave before.

        ``articles`` is ``(id, content hash)`` per article; returns, for each, whether
        it is to be indexed (False: a duplicate of an article already indexed, from
        another file or earlier in this update).
        """
        before = {
            i
            for (i,) in self.db.execute(
                "SELECT id FROM docs WHERE path = ? AND indexed = 1", (path,)
            )
        }
        self._drop_file(path)
        self.report.files_read += 1
        after: set[str] = set()
        kept: list[bool] = []
        for article_id, content_hash in articles:
            row = self.db.execute(
                "SELECT id FROM docs WHERE hash = ? AND indexed = 1 AND id != ? LIMIT 1",
                (content_hash, article_id),
            ).fetchone()
            if row is not None:
                self.db.execute(
                    "INSERT OR REPLACE INTO docs VALUES (?, ?, ?, 0, ?)",
                    (article_id, path, content_hash, row[0]),
                )
                kept.append(False)
                continue
            self.db.execute(
                "INSERT OR REPLACE INTO docs VALUES (?, ?, ?, 1, NULL)",
                (article_id, path, content_hash),
            )
            kept.append(True)
            after.add(article_id)
            self.batch_articles += 1
        self.report.added += len(after - before)
        self.report.updated += len(after & before)
        self.report.removed += len(before - after)
        self.db.execute(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)",
            (path, mtime_ns, size, skipped, json.dumps(list(warnings))),
        )
        return kept

    def _reconcile(self) -> None:
        """Drop index documents whose file the manifest does not know (a crash leftover)."""
        (indexed,) = self.db.execute("SELECT COUNT(*) FROM docs WHERE indexed = 1").fetchone()
        with self.ix.searcher() as searcher:
            if searcher.doc_count() == indexed:
                # As many documents as the manifest knows: no leftover (reading every
                # path of the index took 0.6 s of each no-change update at 42k).
                return
        known = {p for (p,) in self.db.execute("SELECT DISTINCT path FROM docs WHERE indexed = 1")}
        with self.ix.searcher() as searcher:
            # The term list keeps terms of deleted documents until a merge: check each.
            orphans = [
                path
                for path in (t.decode("utf-8") for t in searcher.reader().lexicon("path"))
                if path not in known and searcher.document_number(path=path) is not None
            ]
        for path in orphans:
            self._ensure_writer()
            self.writer.delete_by_term("path", path)

    def _commit(self, final: bool) -> None:
        if final and self.writer is None and _merge_due(self.ix):
            self._ensure_writer()
        if self.new_segments:
            self._ensure_writer()
        if self.writer is not None:
            self.spell.flush(self.writer)
            policy = _merge_final if final else _merge_tier
            if self.new_segments or self.in_workers:
                # Segments written by workers: merged by workers too (see
                # _merge_in_workers), never here, but for a small index at the end.
                policy = _merge_final if final and _small(self.ix) else _keep
                policy = _adding(policy, self.new_segments)
            # Whoosh first, then the manifest: a crash in between leaves documents the
            # manifest does not know, which the next update reads again or reconciles.
            self.writer.commit(mergetype=policy)
            self.writer = None
            self.new_segments = []
            self.commits += 1
            self.committed = self.report.added + self.report.updated
        self.db.commit()
        self.batch_articles = 0
        self.batch_started = time.monotonic()

    def _finish_report(self, walk_skips: list[Skip]) -> None:
        from briefing.corpus.ingest import library_notices

        report = self.report
        report.skipped = [FileProblem(str(s.path), s.reason) for s in walk_skips]
        for path, reason, warnings in self.db.execute(
            "SELECT path, skipped, warnings FROM files ORDER BY path"
        ):
            if reason is not None:
                report.skipped.append(FileProblem(path, reason))
            for warning in json.loads(warnings or "[]"):
                report.warnings.append(FileProblem(path, warning))
        report.skipped.sort(key=lambda p: p.path)
        report.notices.extend(library_notices(p.reason for p in report.skipped))
        report.duplicates = [
            (str(a), str(b))
            for a, b in self.db.execute("SELECT id, dup_of FROM docs WHERE indexed = 0 ORDER BY id")
        ]
        report.total_articles = self.db.execute(
            "SELECT COUNT(*) FROM docs WHERE indexed = 1"
        ).fetchone()[0]
