"""Files to ready-to-write index documents, read and analysed in worker processes.

Reading, decoding, cleaning and analysing (tokenising, stemming, name folding) take
most of a build's CPU and need nothing from the index, so they run in worker processes
while the one Whoosh writer in the main process only adds the prepared postings and
commits. Results come back in the order of the files, through a bounded window of work
in flight, so memory does not grow with the library. A worker that dies (a segfault in
a parser, the out-of-memory killer) costs one file, reported with a reason, never the
build.
"""

from __future__ import annotations

import contextlib
import functools
import heapq
import itertools
import multiprocessing
import os
import sys
import threading
import time
from array import array
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from whoosh.system import pack_uint

from briefing.corpus.ingest import SourceFile, ingest_file
from briefing.corpus.model import Article
from briefing.index.documents import article_to_doc
from briefing.index.schema import (
    NAMES_FIELD,
    TEXT_FIELDS,
    build_schema,
    index_codec,
    index_names,
    index_text,
)

R = TypeVar("R")

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
# Files per task: amortises the round trip to a worker; small enough to keep order cheap.
CHUNK_FILES = 8
# Bytes per task, at least one file: a task's prepared documents stay in memory until
# written, and one file of a newswire archive holds a thousand articles.
CHUNK_BYTES = 256 * 1024
# Tasks in flight per worker, at least: enough to keep the workers busy between results.
TASKS_PER_WORKER = 3
# Bytes of files in flight (sent, or prepared and not yet written), at most, beyond
# those tasks: lets the workers read on while the writer commits a batch (a second or
# more), and bounds the prepared documents waiting in memory (about ten times this).
IN_FLIGHT_BYTES = 4 * 1024 * 1024
WORKERS_ENV = "BRIEFING_WORKERS"
# How much lower than the app's the priority of a job run apart is (see run_apart).
APART_NICENESS = 5

_NO_COLUMN = None
# A lost worker takes the files of every task in flight with it; each is then tried
# alone to find the one that killed it.
_CRASHED = "could not be read: the reader process crashed (out of memory or a parser fault)"


@dataclass(frozen=True, slots=True)
class PreparedField:
    """One field of a document as the writer needs it: analysed, encoded, measured."""

    name: str
    postings: list[tuple[bytes, float, bytes | None]]
    """``(term, weight, encoded value)`` per distinct term (term frequency is in the value)."""
    length: int
    spell: tuple[bytes, ...]
    """Unstemmed words for the field's ``spell_`` twin, if it has one."""
    stored: Any
    column: Any
    """The value for the field's column, or None when it has none."""


@dataclass(frozen=True, slots=True)
class PreparedArticle:
    """An article ready for :func:`add_prepared`: its identity and analysed fields."""

    id: str
    content_hash: str
    fields: tuple[PreparedField, ...]
    pool_bytes: int
    """Whoosh's own estimate of the memory its postings take in the writer's pool."""


@dataclass(frozen=True, slots=True)
class PreparedFile:
    """What one file gave: prepared articles, or why it was skipped, and warnings."""

    source: SourceFile
    articles: tuple[PreparedArticle, ...] = ()
    skipped: str | None = None
    warnings: tuple[str, ...] = ()


_schema: Any = None


def _worker_schema() -> Any:
    global _schema
    if _schema is None:
        _schema = build_schema()
    return _schema


def prepare_file(source: SourceFile) -> PreparedFile:
    """Read ``source`` into articles and analyse each as the writer would."""
    try:
        result = ingest_file(source)
    except Exception as exc:  # ingest_file isolates parser bugs; this is the last net
        return PreparedFile(source, skipped=f"could not read ({type(exc).__name__})")
    warnings = list(result.warnings)
    articles: list[PreparedArticle] = []
    seen: set[str] = set()
    for n, article in enumerate(result.articles):
        if article.id in seen:
            warnings.append(f"two items share the id {article.id}; kept the first")
            continue
        seen.add(article.id)
        try:
            articles.append(prepare_article(article))
        except Exception as exc:  # one item that cannot be analysed, not the whole file
            warnings.append(f"item {n + 1} dropped: could not index ({type(exc).__name__})")
    return PreparedFile(source, tuple(articles), result.skipped, tuple(warnings))


Task = Callable[[SourceFile], PreparedFile]


def _prepare_chunk(task: Task, sources: Sequence[SourceFile]) -> list[PreparedFile]:
    """``task`` over a chunk of files: one round trip to a worker."""
    return [task(source) for source in sources]


def prepare_article(article: Article) -> PreparedArticle:
    """Analyse ``article``'s fields: everything ``SegmentWriter.add_document`` does
    before it touches the writer."""
    schema = _worker_schema()
    doc = article_to_doc(article)
    fields: list[PreparedField] = []
    pool_bytes = 0
    for name in sorted(doc):
        value = doc[name]
        if value is None:
            continue
        field = schema[name]
        postings: list[tuple[bytes, float, bytes | None]] = []
        length = 0
        spell: tuple[bytes, ...] = ()
        if name in TEXT_FIELDS:
            # The same postings and words as Whoosh's analysis, in one faster pass.
            text_postings, length, words = index_text(value, field.format.field_boost)
            postings.extend(text_postings)
            spell = tuple(words)
        elif name == NAMES_FIELD:
            name_postings, length = index_names(value, field.format.field_boost)
            postings.extend(name_postings)
        elif field.indexed:
            for term, freq, weight, encoded in field.index(value):
                postings.append((term, weight, encoded))
                if field.scorable:
                    length += freq
        for term, _, encoded in postings:
            # PostingPool.add's estimate of one posting's size.
            pool_bytes += 150 + len(name) + 2 * len(term) + len(encoded or b"")
        if field.separate_spelling() and name not in TEXT_FIELDS:
            spell = tuple(word.encode("utf-8") for word in field.spellable_words(value))
        column = field.to_column_value(value) if field.column_type else _NO_COLUMN
        stored = value if field.stored else None
        fields.append(PreparedField(name, postings, length, spell, stored, column))
    return PreparedArticle(article.id, article.content_hash, tuple(fields), pool_bytes)


class SpellWords:
    """The ``spell_`` words of the documents added since the last commit, counted.

    Whoosh adds one posting per document and word to a ``spell_`` field, all for
    document 0: more postings than the stemmed field itself, though only the words
    and their counts are ever read. One posting per word per commit, weighted by the
    number of documents that have it, keeps both (``reader.frequency`` counts
    documents; ``doc_frequency`` now counts commits).
    """

    def __init__(self) -> None:
        self._counts: dict[str, Counter[bytes]] = {}

    def add(self, fieldname: str, words: Iterable[bytes]) -> None:
        """Count ``words`` once for one document's ``fieldname``."""
        counts = self._counts.get(fieldname)
        if counts is None:
            counts = self._counts[fieldname] = Counter()
        counts.update(words)

    def flush(self, writer: Any) -> None:
        """Add the counted words to ``writer``'s postings; start counting afresh."""
        add_post = writer.pool.add
        for fieldname, counts in self._counts.items():
            spellname = writer.schema[fieldname].spelling_fieldname(fieldname)
            for word, count in counts.items():
                # The value is the count, as the spell field's Frequency format encodes it.
                add_post((spellname, word, 0, float(count), pack_uint(count)))
        self._counts = {}


def add_prepared(writer: Any, article: PreparedArticle, spell: SpellWords) -> None:
    """Add a prepared document to a Whoosh ``SegmentWriter``.

    This is the part of ``SegmentWriter.add_document`` (whoosh-reloaded 2.7.5, pinned)
    after analysis: postings into the pool, stored values, lengths and columns into
    the per-document writer. The postings go into the pool in one step rather than
    one checked call each.
    """
    writer._check_state()
    schema = writer.schema
    perdoc = writer.perdocwriter
    pool = writer.pool
    docnum = writer.docnum
    perdoc.start_doc(docnum)
    try:
        for f in article.fields:
            field = schema[f.name]
            if f.postings:
                name = f.name
                pool.current.extend([(name, t, docnum, w, v) for t, w, v in f.postings])
                pool.fieldnames.add(name)
            if f.spell:
                spell.add(f.name, f.spell)
            perdoc.add_field(f.name, field, f.stored, f.length)
            if f.column is not _NO_COLUMN:
                perdoc.add_column_value(f.name, field.column_type, f.column)
    except Exception:
        perdoc.cancel_doc()
        raise
    perdoc.finish_doc()
    pool.currentsize += article.pool_bytes
    if pool.currentsize > pool.limit or len(pool.current) >= pool.maxsize:
        pool.save()
    writer._added = True
    writer.docnum += 1


def worker_count() -> int:
    """Worker processes to use: the environment's ``BRIEFING_WORKERS``, else the CPUs."""
    try:
        wanted = int(os.environ.get(WORKERS_ENV, "0"))
    except ValueError:
        wanted = 0
    if wanted > 0:
        return wanted
    return max(1, min(4, os.cpu_count() or 1))


def prepared(
    sources: Sequence[SourceFile], workers: int | None = None, task: Task = prepare_file
) -> Iterator[PreparedFile]:
    """Yield ``task`` (:func:`prepare_file`) of each source, in order.

    With enough files, the work is spread over worker processes with a bounded number
    of tasks in flight; a worker that dies costs only the file it was reading. Worker
    processes import the main module again (multiprocessing's fork server): a script
    that builds must guard its work with ``if __name__ == "__main__"``.
    """
    workers = worker_count() if workers is None else workers
    if len(sources) < MIN_PARALLEL_FILES or workers < 1:
        for source in sources:
            yield task(source)
        return
    with Workers(workers) as pool:
        yield from pool.run(
            _chunks(sources, CHUNK_FILES, CHUNK_BYTES),
            functools.partial(_prepare_chunk, task),
            lambda source: [PreparedFile(source, skipped=_CRASHED)],
        )


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


# -- Segments written by the workers ---------------------------------------------------


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
        ix = _staging[staging] = whoosh_index.create_in(folder, _worker_schema())
    return ix


def _segment_writer(staging: str, limitmb: int) -> Any:
    from whoosh.writing import SegmentWriter

    # No lock: the build holds the library's; this writer never commits a TOC.
    return SegmentWriter(_staging_index(staging), _lk=False, limitmb=limitmb, codec=index_codec())


def _finish(writer: Any) -> tuple[Any, str]:
    """Finish ``writer``'s segment as one compound file; the segment and its path."""
    segment = writer._finalize_segment()
    writer._finish()
    return segment, os.path.join(writer.storage.folder, segment.make_filename(".seg"))


def _write_chunk(
    staging: str, limitmb: int, task: Task, sources: Sequence[SourceFile]
) -> list[Batch]:
    """Read, analyse and write ``sources`` into one new segment (in a worker)."""
    writer = _segment_writer(staging, limitmb)
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


def _merge_segments(staging: str, limitmb: int, index_dir: str, segments: list[Any]) -> Any:
    """Write ``segments`` of the index in ``index_dir`` as one new segment (in a worker):
    deleted documents are left out. Returns the segment and its staged file.

    Whoosh's own merge (``add_reader``) puts every posting through the posting pool,
    which sorts them again and spills them to disk: 120 articles a second. Each
    segment's postings are already in order and the segments' documents follow one
    another, so merging their sorted streams writes the same segment directly.
    """
    from whoosh.filedb.filestore import FileStorage
    from whoosh.reading import SegmentReader

    writer = _segment_writer(staging, limitmb)
    storage = FileStorage(index_dir)
    readers = [SegmentReader(storage, writer.schema, segment) for segment in segments]
    try:
        fieldnames = set(writer.schema.names())
        sources = []
        for reader in readers:
            base = writer.docnum
            docmap = writer.write_per_doc(fieldnames, reader)
            sources.append((reader, base, docmap))
        writer._added = True
        writer.perdocwriter.close()
        _write_merged_terms(writer.fieldwriter, writer.schema, sources)
        writer.fieldwriter.close()
        writer._close_segment()
        writer._assemble_segment()
        segment = writer.get_segment()
        writer._finish()
        return segment, os.path.join(writer.storage.folder, segment.make_filename(".seg"))
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    finally:
        for reader in readers:
            reader.close()


def _write_merged_terms(
    fieldwriter: Any, schema: Any, sources: list[tuple[Any, int, dict[int, int] | None]]
) -> None:
    """Write the postings of segments ``sources`` (``(reader, first new docnum, old to
    new docnums or None when none was deleted)``, in document order) term by term.

    A term's postings are read a block at a time from each segment and written in
    bulk (:meth:`briefing.index.codec.BlockCodec` writer's ``add_many``): a merge of
    postings one by one through Python spent most of a 42,000-article build's second
    half."""
    from operator import itemgetter

    from whoosh.util.numeric import byte_to_length

    from briefing.index.whoosh_fixes import length_bytes

    to_length = [byte_to_length(b) if b else 0 for b in range(256)]
    lengths: dict[tuple[int, str], Any] = {}

    def terms_of(i: int, reader: Any) -> Iterator[tuple[tuple[str, bytes], int, Any]]:
        for key, terminfo in reader._terms.items():
            if key[0] in schema:
                yield key, i, terminfo

    # Equal terms come in segment order (heapq.merge is stable), so their postings
    # stay in document order.
    streams = [terms_of(i, reader) for i, (reader, _, _) in enumerate(sources)]
    merged = heapq.merge(*streams, key=itemgetter(0))
    field = None
    for (fieldname, tbytes), group in itertools.groupby(merged, key=itemgetter(0)):
        parts = []
        for _, i, terminfo in group:
            reader, base, docmap = sources[i]
            if fieldname.startswith("spell_"):
                # One posting per word for the whole segment, on document 0 (see
                # SpellWords): kept even when document 0 was deleted (a duplicate
                # found after its batch was written), or the batch's words would
                # vanish. A segment with no live document has no words left to keep.
                if docmap is None or docmap:
                    ids, weights, values = _term_postings(reader, schema, fieldname, terminfo)
                    parts.append(([base] * len(ids), weights, values, [0] * len(ids)))
                continue
            ids, weights, values = _term_postings(reader, schema, fieldname, terminfo)
            if docmap is not None:
                keep = [k for k, d in enumerate(ids) if d in docmap]
                if len(keep) != len(ids):
                    if len(values) == len(ids):
                        values = [values[k] for k in keep]
                    ids = [ids[k] for k in keep]
                    weights = [weights[k] for k in keep]
                new_ids: Any = [docmap[d] for d in ids]
            else:
                new_ids = array("I", map(base.__add__, ids)) if base else ids
            key = (i, fieldname)
            if key not in lengths:
                lengths[key] = length_bytes(reader, fieldname)
            found = lengths[key]
            size = len(found)
            doc_lengths = [to_length[found[d]] if d < size else 0 for d in ids]
            if new_ids:
                parts.append((new_ids, weights, values, doc_lengths))
        if not parts:
            continue  # every document with the term was deleted
        if fieldname != field:
            if field is not None:
                fieldwriter.finish_field()
            fieldwriter.start_field(fieldname, schema[fieldname])
            field = fieldname
        fieldwriter.start_term(tbytes)
        add_many = fieldwriter._postwriter.add_many
        for new_ids, weights, values, doc_lengths in parts:
            add_many(new_ids, weights, values, doc_lengths)
        fieldwriter.finish_term()
    if field is not None:
        fieldwriter.finish_field()


def _term_postings(reader: Any, schema: Any, fieldname: str, terminfo: Any) -> tuple[Any, Any, Any]:
    """A term's document numbers, weights and values in one segment, read whole."""
    from whoosh.codec.whoosh3 import W3LeafMatcher

    terms = reader._terms
    m = terms._codec.postings_reader(terms._postfile, terminfo, schema[fieldname].format)
    if not isinstance(m, W3LeafMatcher):  # a few postings inlined in the term table
        ids, weights, values = terminfo.inlined_postings()
        return list(ids), list(weights or [1.0] * len(ids)), list(values or ())
    ids_out = array("I")
    weights_out = array("f")
    values_out: list[Any] = []
    for ids, weights, values in _blocks(m):
        ids_out.extend(ids)
        weights_out.extend(weights)
        values_out.extend(values)
    return ids_out, weights_out, values_out


def _blocks(m: Any) -> Iterator[tuple[Any, Any, Any]]:
    """A leaf matcher's blocks as (ids, weights, values), read whole."""
    while m.is_active():
        m._read_ids()
        m._read_weights()
        m._read_values()
        yield m._ids, m._weights, m._values
        m._next_block()


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
    a second or so, later ones hold more (fewer segments to search and merge).
    """
    return workers.run(
        _chunks(sources, FIRST_BATCH_FILES, FIRST_BATCH_BYTES, BATCH_BYTES, BATCH_FILES),
        functools.partial(_write_chunk, str(staging), limitmb, task),
        lambda source: [Batch((WrittenFile(source, skipped=_CRASHED),))],
    )


def _ready() -> None:
    """A worker's first task when warmed: import what a batch's writing imports."""
    import whoosh.reading
    import whoosh.writing  # noqa: F401


def _exit_with(main_pid: int) -> None:
    """Worker initializer: end this worker when the build's process is gone.

    A build killed outright (``kill -9``, the app closed mid-build) cannot stop its
    workers, and a worker waiting for its next task never learns of it otherwise.
    """

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(main_pid, 0)
            except ProcessLookupError:
                os._exit(0)
            except OSError:
                pass

    threading.Thread(target=watch, name="exit-with-build", daemon=True).start()


def _start_helpers_with_real_stderr() -> None:
    """Start multiprocessing's resource tracker with a real standard error.

    The tracker passes ``sys.stderr.fileno()`` to its process; inside the app, Textual
    has replaced ``sys.stderr`` with a capture whose ``fileno()`` is -1, and starting
    the first worker then fails ("bad value(s) in fds_to_keep"). Once running, the
    tracker is reused by every later pool.
    """
    from multiprocessing import resource_tracker

    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (OSError, ValueError):
        usable = False
    if usable or sys.__stderr__ is None:
        return
    captured, sys.stderr = sys.stderr, sys.__stderr__
    try:
        resource_tracker.ensure_running()
    finally:
        sys.stderr = captured


def _context() -> Any:
    """The multiprocessing context for helper processes, its helpers started."""
    # Not fork: the app builds from a thread, and forking a threaded process can
    # copy a lock another thread holds. The fork server starts clean once.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if "forkserver" in methods:
        context.set_forkserver_preload(["briefing.index.pipeline"])
    _start_helpers_with_real_stderr()
    return context


def _apart(fn: Callable[..., Any], environ: dict[str, str | None], args: tuple[Any, ...]) -> Any:
    os.nice(APART_NICENESS)
    for key, value in environ.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    return fn(*args)


def run_apart(fn: Callable[..., Any], *args: Any, environ: Sequence[str] = ()) -> Any:
    """``fn(*args)`` in a process of its own, at a lower priority, and its result.

    For long jobs of the app (grouping a large library into stories) that would take
    the app's memory and hold its interpreter lock: the app stays responsive, and the
    memory is returned when the job ends. ``environ`` names environment variables to
    pass on as they are now (the fork server keeps those of its start). ``fn`` and
    ``args`` must pickle; exceptions come back as raised.
    """
    values = {key: os.environ.get(key) for key in environ}
    with _apart_lock:
        stops = _apart_stops[0]
    executor = ProcessPoolExecutor(
        1, mp_context=_context(), initializer=_exit_with, initargs=(os.getpid(),)
    )
    with _apart_lock:
        _apart_running.add(executor)
    try:
        future = executor.submit(_apart, fn, values, args)
        with _apart_lock:
            stopped = _apart_stops[0] != stops
        if stopped:  # stop_apart came while this one was starting: end it too
            _terminate(executor)
        return future.result()
    finally:
        with _apart_lock:
            _apart_running.discard(executor)
        executor.shutdown(wait=False, cancel_futures=True)


_apart_lock = threading.Lock()
_apart_running: set[ProcessPoolExecutor] = set()
_apart_stops = [0]  # how many times stop_apart was called


def stop_apart() -> None:
    """End the jobs run apart now (the app is closing): a job's waiting thread then
    raises ``BrokenProcessPool``. Such jobs commit as they go (the story store does),
    so a killed one loses only its current step."""
    with _apart_lock:
        _apart_stops[0] += 1
        running = list(_apart_running)
    for executor in running:
        _terminate(executor)


def _terminate(executor: ProcessPoolExecutor) -> None:
    for process in list((executor._processes or {}).values()):
        with contextlib.suppress(OSError):
            process.terminate()


class Workers:
    """A pool of worker processes for one build (a context manager)."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.executor: ProcessPoolExecutor | None = None
        self._starting = threading.Lock()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop()

    def warm(self) -> None:
        """Start the workers now, in the background, each loading what writing a batch
        needs (starting them takes this process 0.4 s, and them half a second more),
        while this process walks the folders."""

        def start() -> None:
            executor = self._start()
            # Closed meanwhile (a small update after all): nothing to warm.
            with contextlib.suppress(RuntimeError):
                for _ in range(self.count):
                    executor.submit(_ready)

        threading.Thread(target=start, name="briefing-workers-start", daemon=True).start()

    def _start(self) -> ProcessPoolExecutor:
        with self._starting:
            if self.executor is None:
                self.executor = ProcessPoolExecutor(
                    self.count,
                    mp_context=_context(),
                    initializer=_exit_with,
                    initargs=(os.getpid(),),
                )
            return self.executor

    def close(self) -> None:
        """Stop the workers (idempotent)."""
        self._stop()

    def _stop(self) -> None:
        with self._starting:
            if self.executor is not None:
                self.executor.shutdown(wait=False, cancel_futures=True)
                self.executor = None

    def run(
        self,
        chunks: Iterator[tuple[list[SourceFile], int]],
        work: Callable[[list[SourceFile]], list[R]],
        crashed: Callable[[SourceFile], list[R]],
    ) -> Iterator[R]:
        """Yield ``work(chunk)`` of each chunk, in order, with a bounded number of tasks
        (and bytes) in flight. A worker that dies costs only the file it was reading:
        the files of every task lost with it are tried again one by one, and the one
        that kills its worker again gives ``crashed(source)``."""
        tasks = self.count * TASKS_PER_WORKER
        pending: deque[tuple[list[SourceFile], int, Future[list[R]]]] = deque()
        in_flight = 0
        executor = self._start()
        while True:
            while len(pending) < tasks or in_flight < IN_FLIGHT_BYTES:
                item = next(chunks, None)
                if item is None:
                    break
                chunk, size = item
                in_flight += size
                pending.append((chunk, size, executor.submit(work, chunk)))
            if not pending:
                return
            chunk, size, future = pending.popleft()
            in_flight -= size
            try:
                done = future.result()
            except BrokenProcessPool:
                # Every task in flight is lost with the pool: try each of their
                # files alone, in a fresh pool, then go on with the rest.
                suspects = chunk + [s for c, _, _ in pending for s in c]
                pending.clear()
                in_flight = 0
                self._stop()
                for source in suspects:
                    try:
                        yield from self._start().submit(work, [source]).result()
                    except BrokenProcessPool:
                        self._stop()
                        yield from crashed(source)
                executor = self._start()
                continue
            yield from done

    def merge(
        self, groups: list[list[Any]], index_dir: Path, staging: Path, limitmb: int
    ) -> Iterator[tuple[list[Any], Any, str] | tuple[list[Any], None, str]]:
        """Merge each group of the index's segments into one new segment, the groups in
        parallel; yield ``(group, segment, staged file)`` as each is done, or
        ``(group, None, why)`` for a merge that failed (the group stays as it was)."""
        executor = self._start()
        futures = {
            executor.submit(_merge_segments, str(staging), limitmb, str(index_dir), group): i
            for i, group in enumerate(groups)
        }
        for future in as_completed(futures):
            group = groups[futures[future]]
            try:
                segment, staged = future.result()
            except Exception as exc:  # a merge is an optimisation: the index stays valid
                if isinstance(exc, BrokenProcessPool):
                    self._stop()
                yield group, None, f"{type(exc).__name__}: {exc}"
                continue
            yield group, segment, staged
