"""Compaction: the many segments of a large build merged into a few, in worker processes.

A build by worker processes commits a segment per batch (dozens at 42,000 articles),
and every search reads every segment, so they are merged into at most TARGET_SEGMENTS.
Each merge reads segments, which never change once written, and writes a new one apart;
the library's write lock is held only to swap a merged segment in for its group. So
:func:`compact` can run after a build has returned (``briefing index`` leaves it to a
process in the background) without keeping any writer waiting, and a merge whose group
changed meanwhile (an article of it deleted) is dropped, not committed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.index.library import Library
from briefing.index.locking import IndexBusy, try_lock, writer_lock

# A large update ends with at most this many segments (or its compaction does).
TARGET_SEGMENTS = 8
MERGE_ROUNDS = 3
# At most this many segments are merged into one, and at most MAX_MERGE_DOCS articles
# (a merge runs at a few hundred articles a second: no step takes minutes).
BUILD_MERGE_FANOUT = 12
MAX_MERGE_DOCS = 16_000
# Where a compaction's workers write merged segments before they are swapped in (a
# build's own staging folder is emptied by each build).
COMPACT_STAGING_DIR = "staging-compact"
_COMPACT_LOCK = "compact.lock"


@dataclass(frozen=True)
class CompactReport:
    """What a compaction did."""

    before: int = 0
    """Segments when it started."""
    after: int = 0
    merged: int = 0
    """Merged segments swapped in."""
    busy: bool = False
    """Another compaction of the library was at work: this one did nothing."""


def needs_compaction(segments: list[Any]) -> bool:
    """Whether a compaction of an index with these segments would merge any."""
    return bool(merge_groups(segments))


def merge_groups(segments: list[Any]) -> list[list[Any]]:
    """Groups of the smallest segments to merge (in parallel) so that at most
    TARGET_SEGMENTS remain after one round: groups of at most BUILD_MERGE_FANOUT
    segments and MAX_MERGE_DOCS articles, of about equal size.

    One round rewrites each merged article once: merging eight at a time and then the
    results again (69 segments to 16, then to 9, then 8) rewrote most of a 42,000-article
    library twice, the last step 25 s for one merge of two large segments."""
    excess = len(segments) - TARGET_SEGMENTS
    if excess <= 0:
        return []
    by_size = sorted(segments, key=lambda seg: seg.doc_count_all())
    # As many groups as can be (at most TARGET_SEGMENTS): smaller merges, done in
    # parallel, each committed as it finishes.
    for count in range(len(by_size) - excess, 0, -1):
        chosen = by_size[: excess + count]  # merging them into `count` leaves the target
        if -(-len(chosen) // count) > BUILD_MERGE_FANOUT:
            continue
        groups = _balanced(chosen, count)
        if groups:
            return groups
    # Too many for one round: groups of BUILD_MERGE_FANOUT, as many as there are
    # segments for; the next round goes on from there.
    for n in range(len(by_size), 1, -1):
        groups = _balanced(by_size[:n], -(-n // BUILD_MERGE_FANOUT))
        if groups:
            return groups
    return []


def _balanced(segments: list[Any], count: int) -> list[list[Any]]:
    """``segments`` in ``count`` groups of about equal size (none of one segment), or
    none if a group would hold more than MAX_MERGE_DOCS articles."""
    groups: list[list[Any]] = [[] for _ in range(count)]
    sizes = [0] * count
    for seg in sorted(segments, key=lambda seg: -seg.doc_count_all()):
        i = sizes.index(min(sizes))  # the largest first, each into the smallest group
        groups[i].append(seg)
        sizes[i] += seg.doc_count_all()
    if max(sizes) > MAX_MERGE_DOCS:
        return []
    return [g for g in groups if len(g) > 1]


def replacing(group: list[Any], merged: Any) -> Any:
    """Whoosh merge policy: ``merged`` in place of the segments of ``group`` it was made
    from, if they are all still there as they were (no deletion since); else nothing
    changes and the merged segment is dropped."""
    wanted = {seg.segment_id(): seg.deleted_count() for seg in group}

    def merge(writer: Any, segments: list[Any]) -> list[Any]:
        present = {seg.segment_id(): seg.deleted_count() for seg in segments}
        if any(present.get(segid) != count for segid, count in wanted.items()):
            return segments  # Whoosh's clean-up then deletes the unused merged file
        return [seg for seg in segments if seg.segment_id() not in wanted] + [merged]

    return merge


Swap = Callable[[list[Any], Any, str], bool]
"""Swaps a merged segment (its staged file) in for its group; False: stop merging."""


def merge_rounds(
    workers: Any,
    index_dir: Path,
    staging: Path,
    segments: Callable[[], list[Any]],
    swap: Swap,
    limitmb: int,
) -> int:
    """Merge the smallest of ``segments()`` in groups, in the workers, in up to
    MERGE_ROUNDS rounds; ``swap`` each merged segment in as it is done. Returns how many
    were swapped in. A failed merge ends it: the index is as valid, only larger."""
    swapped = 0
    for _ in range(MERGE_ROUNDS):
        groups = merge_groups(segments())
        if not groups:
            break
        for group, segment, staged in workers.merge(groups, index_dir, staging, limitmb):
            if segment is None or not swap(group, segment, staged):
                return swapped
            swapped += 1
    return swapped


def compact(library: Library, lock_timeout: float, limitmb: int) -> CompactReport:
    """Merge the library's index down to TARGET_SEGMENTS segments, in worker processes,
    holding the write lock only to swap each merged segment in.

    A swap that cannot get the lock within ``lock_timeout`` (a long update at work)
    ends the compaction; the update's own end merges what it needs.
    """
    from whoosh import index as whoosh_index

    from briefing.index.schema import index_codec
    from briefing.index.workers import Workers, worker_count

    index_dir = library.index_dir

    def segments() -> list[Any]:
        return list(whoosh_index.open_dir(str(index_dir))._segments())

    def swap(group: list[Any], segment: Any, staged: str) -> bool:
        try:
            with writer_lock(library.lock_path, lock_timeout, library.name):
                ix = whoosh_index.open_dir(str(index_dir))
                # Moved in under the lock: another writer's commit deletes the files in
                # the folder that its segments do not name.
                os.replace(staged, index_dir / os.path.basename(staged))
                writer = ix.writer(timeout=5.0, limitmb=limitmb, codec=index_codec())
                writer.commit(mergetype=replacing(group, segment))
        except IndexBusy:
            return False
        return True

    with _only_one(library) as alone:
        if not alone:
            return CompactReport(busy=True)
        before = len(segments())
        if not needs_compaction(segments()):
            return CompactReport(before, before)
        staging = library.directory / COMPACT_STAGING_DIR
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True, exist_ok=True)
        try:
            with Workers(worker_count()) as workers:
                merged = merge_rounds(workers, index_dir, staging, segments, swap, limitmb)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return CompactReport(before, len(segments()), merged)


def _only_one(library: Library) -> contextlib.AbstractContextManager[bool]:
    """Hold the library's compaction lock if no other process does (yields whether)."""
    library.directory.mkdir(parents=True, exist_ok=True)
    return try_lock(library.directory / _COMPACT_LOCK)
