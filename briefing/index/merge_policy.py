"""Which segments a commit of an update merges: the Whoosh merge policies of this process's
writer (tiers of a size as commits go, all of a small index at the end)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from briefing.index.compact import MAX_MERGE_DOCS

# Segments: each commit writes one. A commit merges the smallest MERGE_FANOUT of them
# when they are of a size (within MERGE_FANOUT times each other) and hold at most
# MAX_MERGE_DOCS articles together: no commit rewrites more than that (a merge in
# Whoosh runs at a few hundred articles a second), and a 42,000-article library ends
# in about a dozen segments instead of one per batch. The last commit of an update
# merges everything when the index is as small as SMALL_INDEX_DOCS.
MERGE_FANOUT = 8
SMALL_INDEX_DOCS = 1000


def merge_tier(writer: Any, segments: list[Any]) -> list[Any]:
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


def merge_due(ix: Any) -> bool:
    """Whether the last commit of an update would merge segments of ``ix``."""
    segments = ix._segments()
    if len(segments) < 2:
        return False
    small = sum(seg.doc_count_all() for seg in segments) <= SMALL_INDEX_DOCS
    return small or _tier(segments) is not None


def merge_final(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy of an update's last commit: all of a small index, else tiers."""
    if sum(seg.doc_count_all() for seg in segments) <= SMALL_INDEX_DOCS:
        return _merge(writer, segments, segments)
    return merge_tier(writer, segments)


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


def small_index(ix: Any) -> bool:
    """Whether ``ix`` holds no more than SMALL_INDEX_DOCS documents (merged whole)."""
    return int(sum(seg.doc_count_all() for seg in ix._segments())) <= SMALL_INDEX_DOCS


def no_merge(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy: no merge."""
    return segments


def adding(policy: Callable[[Any, list[Any]], list[Any]], new: list[Any]) -> Any:
    """``policy``, then the segments workers wrote (see ``Updater._write_in_workers``)."""
    added = list(new)

    def merge(writer: Any, segments: list[Any]) -> list[Any]:
        return policy(writer, segments) + added

    return merge
