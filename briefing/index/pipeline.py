"""A large update's files to the worker processes in batches, each written as one
segment; results in the order of the files.

Reading, decoding, cleaning and analysing (tokenising, stemming, name folding) take
most of a build's CPU and need nothing from the index, so for a large update they run in
worker processes (:mod:`briefing.index.workers`), each writing its batches as finished
segments (:mod:`briefing.index.staging`) for the update to commit; a small update reads
its files in the main process (starting workers costs more). Results come back in the
order of the files, through a bounded window of work in flight, so memory does not grow
with the library. A worker that dies (a segfault in a parser, the out-of-memory killer)
costs one file, reported with a reason, never the build.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Sequence
from pathlib import Path

from briefing.corpus.ingest import SourceFile
from briefing.index.apart import run_apart, stop_apart
from briefing.index.prepare import Task, prepare_file
from briefing.index.staging import Batch, WrittenFile, write_chunk
from briefing.index.workers import Workers

# run_apart and stop_apart were defined here before they had a module of their own; the
# engine imports them from here.
__all__ = [
    "BATCH_BYTES",
    "BATCH_FILES",
    "FIRST_BATCH_BYTES",
    "FIRST_BATCH_FILES",
    "MIN_PARALLEL_BYTES",
    "MIN_PARALLEL_FILES",
    "run_apart",
    "stop_apart",
    "worth_workers",
    "write_batches",
]

# Fewer files than this are read in the main process: starting workers costs more.
MIN_PARALLEL_FILES = 64
# Files of this many bytes in all are worth reading in workers even if they are few.
MIN_PARALLEL_BYTES = 1024 * 1024
# A build's batches, each written by a worker as one segment: the first small (the
# library is searchable within a second or two), then doubling up to BATCH_BYTES of
# files (a segment every few seconds per worker; fewer segments to search and merge).
FIRST_BATCH_FILES = 8
FIRST_BATCH_BYTES = 32 * 1024
BATCH_BYTES = 2 * 1024 * 1024
# ...and up to this many files: a batch of small files (a newsgroup post each) takes a
# worker as long as its articles, and the two workers' batches tend to land together,
# so this bounds the wait between commits (512 posts: 4.5-6 s on this 2-core machine).
BATCH_FILES = 256

# A lost worker takes the files of every task in flight with it; each is then tried
# alone to find the one that killed it.
_CRASHED = "could not be read: the reader process crashed (out of memory or a parser fault)"


def worth_workers(sources: Sequence[SourceFile]) -> bool:
    """Whether reading ``sources`` in worker processes pays for starting them: many
    files, or a few large ones (a newswire archive holds a thousand articles a file)."""
    if len(sources) >= MIN_PARALLEL_FILES:
        return True
    total = 0
    for source in sources:
        with contextlib.suppress(OSError):
            total += source.path.stat().st_size
        if total >= MIN_PARALLEL_BYTES:
            return True
    return False


def _chunks(
    sources: Sequence[SourceFile],
    files: int,
    nbytes: int,
    most_bytes: int | None = None,
    most_files: int | None = None,
) -> Iterator[tuple[list[SourceFile], int]]:
    """``sources`` in tasks of at most ``files`` files and ``nbytes`` bytes (at least one
    file), each with its size in bytes. With ``most_bytes``, the byte limit doubles
    from task to task up to it (and the file limit with it, up to ``most_files``): small
    first tasks, so the first results come quickly; and a file of half ``most_bytes`` or
    more is a task of its own (an archive of a thousand articles, as Reuters' files
    are: two of them in one task kept commits 7.6 s apart at 42k)."""
    chunk: list[SourceFile] = []
    size = 0
    for source in sources:
        try:
            length = source.path.stat().st_size
        except OSError:
            length = 0
        alone = most_bytes is not None and length >= most_bytes // 2
        if chunk and (alone or len(chunk) >= files or size + length > nbytes):
            yield chunk, size
            chunk, size = [], 0
            if most_bytes is not None and nbytes < most_bytes:
                nbytes, files = min(most_bytes, nbytes * 2), min(most_files or files * 2, files * 2)
        chunk.append(source)
        size += length
        if alone:
            yield chunk, size
            chunk, size = [], 0
    if chunk:
        yield chunk, size


def write_batches(
    sources: Sequence[SourceFile],
    workers: Workers,
    staging: Path,
    limitmb: int,
    task: Task = prepare_file,
) -> Iterator[Batch]:
    """Yield the sources written into segments by ``workers``, batch by batch, in order.

    Batches grow from FIRST_BATCH_BYTES to BATCH_BYTES: the first segment is ready in
    a second or so, later ones hold more (fewer segments to search and merge). Worker
    processes import the main module again (multiprocessing's fork server): a script
    that builds must guard its work with ``if __name__ == "__main__"``.
    """
    return workers.run(
        _chunks(sources, FIRST_BATCH_FILES, FIRST_BATCH_BYTES, BATCH_BYTES, BATCH_FILES),
        functools.partial(write_chunk, str(staging), limitmb, task),
        lambda source: [Batch((WrittenFile(source, skipped=_CRASHED),))],
    )
