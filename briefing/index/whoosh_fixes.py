"""Fixes to whoosh-reloaded 2.7.5, applied when the index package is imported.

1. Column lookups while writing. While a segment is written, Whoosh looks up each
posting's field length. For fields without a length column (the ``spell_*`` fields
that ``spelling=True`` adds) it asks the file system whether the column exists again
for every posting, because only a found column is cached: ~100,000 ``stat`` calls per
500 BBC articles, an eighth of the build time. Caching the "no column" answer too
changes nothing else.

2. ``Searcher.refresh()``. whoosh-reloaded's ``FileIndex._reader(reuse=...)`` adds the
old reader's segments to the new ones: on a searcher opened on an empty index it raises
(``EmptyReader.segments()`` is None), and after a merge or a deletion the refreshed
searcher still counts the merged-away segments and the deleted documents (a search
returns every article twice). A refresh now opens a new searcher on the latest
generation; the old one is closed, as Whoosh documents.

3. Inlined postings. The codec can keep a term's few postings in the term table
instead of a block of their own (``W3Codec(inlinelimit=...)``), but its posting writer
calls ``set_inline`` where the term info defines ``set_inlined``; the default
(``inlinelimit=1``) never gets there. The writer's name is given to the method, and
the matcher over inlined postings without values gives ``b""``, as a block does, not a
Python 2 ``""`` (which a merge refuses).

5. Segment files read in place. A segment is one compound file, memory-mapped; each
file opened in it (the term table, the postings...) was wrapped in a ``BytesIO``, which
copies its buffer: every searcher opened copied most of the index into memory (a
quarter of a second and hundreds of megabytes at 42,000 articles). The file is now a
read-only view of the map.

4. Field lengths. Each lookup of a document's field length (once per posting while a
segment is written, once per hit while scoring) read one byte through the column's
file object: a sixth of the writer's time on BBC. A segment's length column, one byte
per document, is now read once into memory and indexed.
"""

from __future__ import annotations

from typing import Any

from whoosh import searching
from whoosh.codec import whoosh3
from whoosh.filedb import structfile
from whoosh.matching.mcore import ListMatcher


def _cached_reader(self: Any, fieldname: str, column: Any) -> Any:
    try:
        return self._readers[fieldname]
    except KeyError:
        pass
    reader = self.column_reader(fieldname, column) if self.has_column(fieldname) else None
    self._readers[fieldname] = reader
    return reader


_NO_LENGTHS: Any = object()  # the field has no length column


def _length_data(perdoc: Any, fieldname: str) -> Any:
    try:
        data = perdoc._length_bytes[fieldname]
    except AttributeError:
        perdoc._length_bytes = {}
        data = None
    except KeyError:
        data = None
    if data is None:
        reader = perdoc._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
        if reader is None:
            data = _NO_LENGTHS
        else:
            data = reader._dbfile.get(reader._basepos, reader._count) if reader._count else b""
        perdoc._length_bytes[fieldname] = data
    return data


def length_bytes(segment_reader: Any, fieldname: str) -> Any:
    """The length byte of ``fieldname`` for each document of a segment, by document
    number (Whoosh's ``byte_to_length`` gives the length; empty when none is kept)."""
    data = _length_data(segment_reader._perdoc, fieldname)
    return b"" if data is _NO_LENGTHS else data


def _doc_field_length(self: Any, docnum: int, fieldname: str, default: Any = 0) -> Any:
    data = _length_data(self, fieldname)
    if docnum > self._doccount:
        raise IndexError(f"Asked for docnum {docnum!r} of {self._doccount}")
    if data is _NO_LENGTHS:
        return default
    # As Whoosh: a document past the column's end has length byte 0, which gives None.
    lbyte = data[docnum] if docnum < len(data) else 0
    return whoosh3.byte_to_length(lbyte) if lbyte else None


class _View:
    """A read-only file over a memoryview, without the copy that ``BytesIO`` makes."""

    def __init__(self, buf: Any) -> None:
        self._buf = buf
        self._pos = 0

    def read(self, n: int | None = -1) -> bytes:
        start = self._pos
        size = len(self._buf)
        end = size if n is None or n < 0 else min(size, start + n)
        self._pos = max(end, start)
        return bytes(self._buf[start:end])

    def readline(self, limit: int = -1) -> bytes:
        start = self._pos
        data = self._buf[start:]
        found = bytes(data[: limit if limit >= 0 else len(data)])
        cut = found.find(b"\n")
        line = found if cut < 0 else found[: cut + 1]
        self._pos = start + len(line)
        return line

    def seek(self, pos: int, whence: int = 0) -> int:
        if whence == 1:
            pos += self._pos
        elif whence == 2:
            pos += len(self._buf)
        self._pos = pos
        return pos

    def tell(self) -> int:
        return self._pos

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


def _buffer_file_init(self: Any, buf: Any, name: str | None = None, onclose: Any = None) -> None:
    self._buf = buf
    self._name = name
    self.file = _View(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


def _buffer_file_subset(self: Any, position: int, length: int, name: str | None = None) -> Any:
    return structfile.BufferFile(self._buf[position : position + length], name=name or self._name)


def _refresh(self: Any) -> Any:
    ix = self._ix
    if ix is None:
        raise ValueError("this searcher has no index to refresh from")
    if ix.latest_generation() == self.reader().generation():
        return self
    fresh = ix.searcher(weighting=self.weighting)
    self.close()
    return fresh


_list_value = ListMatcher.value


def _bytes_value(self: Any) -> Any:
    value = _list_value(self)
    return b"" if value == "" else value


def apply() -> None:
    """Install the fixes (idempotent)."""
    whoosh3.W3PerDocReader._cached_reader = _cached_reader
    whoosh3.W3PerDocReader.doc_field_length = _doc_field_length
    structfile.BufferFile.__init__ = _buffer_file_init
    structfile.BufferFile.subset = _buffer_file_subset
    searching.Searcher.refresh = _refresh
    whoosh3.W3TermInfo.set_inline = whoosh3.W3TermInfo.set_inlined
    ListMatcher.value = _bytes_value
