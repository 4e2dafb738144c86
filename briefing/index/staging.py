"""Segments written by the workers: a batch of files read, analysed and written as one
finished Whoosh segment in the staging folder, for the update to move into the index."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from briefing.corpus.ingest import SourceFile
from briefing.index.prepare import SpellWords, Task, add_prepared, worker_schema
from briefing.index.schema import index_codec


@dataclass(frozen=True, slots=True)
class WrittenFile:
    """What a worker read of one file and wrote into its batch's segment."""

    source: SourceFile
    articles: tuple[tuple[str, str, int], ...] = ()
    """``(id, content hash, document number in the segment)`` per article."""
    skipped: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Batch:
    """A batch of files written by a worker as one finished Whoosh segment (a single
    compound file in the staging folder), not yet part of the index."""

    files: tuple[WrittenFile, ...]
    segment: Any = None
    """The Whoosh segment; None when the files gave no article."""
    staged: str | None = None
    """The segment's file, to move into the index folder before it is committed."""


_staging: dict[str, Any] = {}


def _staging_index(staging: str) -> Any:
    """This process's own scratch index in ``staging``: a writer there writes segments
    that no other writer's clean-up can delete before they are committed."""
    ix = _staging.get(staging)
    if ix is None:
        from whoosh import index as whoosh_index

        folder = os.path.join(staging, str(os.getpid()))
        os.makedirs(folder, exist_ok=True)
        ix = _staging[staging] = whoosh_index.create_in(folder, worker_schema())
    return ix


def segment_writer(staging: str, limitmb: int) -> Any:
    """A writer of one new segment in this process's scratch index in ``staging``."""
    from whoosh.writing import SegmentWriter

    # No lock: the build holds the library's; this writer never commits a TOC.
    return SegmentWriter(_staging_index(staging), _lk=False, limitmb=limitmb, codec=index_codec())


def _finish(writer: Any) -> tuple[Any, str]:
    """Finish ``writer``'s segment as one compound file; the segment and its path."""
    segment = writer._finalize_segment()
    writer._finish()
    return segment, os.path.join(writer.storage.folder, segment.make_filename(".seg"))


def write_chunk(
    staging: str, limitmb: int, task: Task, sources: Sequence[SourceFile]
) -> list[Batch]:
    """Read, analyse and write ``sources`` into one new segment (in a worker)."""
    writer = segment_writer(staging, limitmb)
    spell = SpellWords()
    files: list[WrittenFile] = []
    try:
        for source in sources:
            result = task(source)
            written = []
            for article in result.articles:
                written.append((article.id, article.content_hash, writer.docnum))
                add_prepared(writer, article, spell)
            files.append(WrittenFile(source, tuple(written), result.skipped, result.warnings))
        if writer.docnum == 0:
            writer.cancel()
            return [Batch(tuple(files))]
        spell.flush(writer)
        segment, staged = _finish(writer)
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    return [Batch(tuple(files), segment, staged)]
