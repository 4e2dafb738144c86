"""One incremental update of a library's index: walk the folders, diff against the
manifest, read the changed files (here, or in worker processes that write segments), drop
duplicates, commit in batches.

Work is committed in batches, the first within a second or so: a long build is searchable
early and a killed build loses at most the current batch; segments are merged a few at a
time as commits go. Whoosh commits first, then the manifest: a crash in between leaves
documents the manifest does not know, which the next update reads again or reconciles.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing.corpus.model import FileProblem
from briefing.index.compact import merge_rounds, needs_compaction, replacing
from briefing.index.library import Library
from briefing.index.merge_policy import (
    adding,
    merge_due,
    merge_final,
    merge_tier,
    no_merge,
    small_index,
)
from briefing.index.reports import IngestReport, Progress, ProgressCallback
from briefing.index.schema import index_codec

if TYPE_CHECKING:
    from briefing.corpus.ingest import Skip, SourceFile
    from briefing.index.prepare import PreparedFile

# Reading files (briefing.corpus.ingest, its format readers, the worker pipeline) is
# imported by the first update, not by every search: a cold `briefing search` starts
# faster without them.


BATCH_ARTICLES = 1000
BATCH_SECONDS = 3.0
# The first batch is committed sooner: a new library is searchable within a second or two.
FIRST_BATCH_SECONDS = 1.0
# The writer's posting pool (Whoosh's estimate; real use is about twice): what a build
# holds in memory besides one batch, whatever the size of the library.
POOL_MB = 48


# Where workers write segments before they are moved into the index and committed.
STAGING_DIR = "staging"


class Updater:
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
        from briefing.index.prepare import SpellWords

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
        from briefing.index.workers import Workers, worker_count

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
        from briefing.index.pipeline import worth_workers
        from briefing.index.workers import worker_count

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
        from briefing.index.prepare import prepare_file

        for n, source in enumerate(changed, 1):
            result = prepare_file(source)
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
        from briefing.index.pipeline import write_batches
        from briefing.index.workers import Workers, worker_count

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
        from briefing.index.prepare import add_prepared

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
        if final and self.writer is None and merge_due(self.ix):
            self._ensure_writer()
        if self.new_segments:
            self._ensure_writer()
        if self.writer is not None:
            self.spell.flush(self.writer)
            policy = merge_final if final else merge_tier
            if self.new_segments or self.in_workers:
                # Segments written by workers: merged by workers too (see
                # _merge_in_workers), never here, but for a small index at the end.
                policy = merge_final if final and small_index(self.ix) else no_merge
                policy = adding(policy, self.new_segments)
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
