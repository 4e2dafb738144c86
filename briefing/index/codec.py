"""The index's codec: Whoosh's, with each posting block's document numbers and weights
kept apart from its positions.

Whoosh writes a block of up to 128 postings as one compressed pickle of its document
numbers, weights and positions (each a pickle of its own). Matching a word needs only
the numbers and weights, yet reading them unpickled every position of the block: four
fifths of the time of reading a common word at 42,000 articles. Here a block's data is
two compressed parts: the number deltas and the weights as raw arrays, then the
positions, which are read only when a phrase or the merge asks for them.

Segments name their codec in the index's table of contents, so changing this layout
means bumping ``schema.SCHEMA_VERSION`` (the index is then rebuilt).
"""

from __future__ import annotations

import struct
import sys
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Sequence
from itertools import accumulate
from pickle import dumps, loads
from typing import Any

from whoosh.codec.whoosh3 import (
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3LeafMatcher,
    W3PostingsWriter,
)
from whoosh.formats import Positions
from whoosh.matching.mcore import ReadTooFar
from whoosh.matching.wrappers import FilterMatcher
from whoosh.util.numeric import byte_to_length, length_to_byte

__all__ = ["BlockCodec", "block_positions", "block_postings"]

# A block's head: its length after this field (negative for a term's last block), its
# number of postings, last document number, highest weight, compression level, and
# shortest and longest field lengths (as Whoosh's length bytes), then the length of
# its first part. Whoosh pickles the same as a tuple, read with a call per byte or so.
_HEAD = struct.Struct("<iIIdBBBI")
_SWAP = sys.byteorder != "little"  # arrays are stored little-endian
_COUNT = 4  # Whoosh's position values start with their count (pack_uint)
_COMPRESS_FROM = 16  # postings in a block, below which it is stored uncompressed


def _packed(numbers: array) -> bytes:  # type: ignore[type-arg]
    if _SWAP:
        numbers = array(numbers.typecode, numbers)
        numbers.byteswap()
    return numbers.tobytes()


def _unpacked(typecode: str, data: Any) -> array:  # type: ignore[type-arg]
    numbers = array(typecode)
    numbers.frombytes(data)
    if _SWAP:
        numbers.byteswap()
    return numbers


class BlockCodec(W3Codec):  # type: ignore[misc]
    """Whoosh's W3 codec with split posting blocks (see the module's doc)."""

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> Any:
        if byteids:  # term vectors: Whoosh's own blocks (the index has none)
            return super().postings_writer(dbfile, byteids)
        return _BlockWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=False,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

    def postings_reader(
        self, dbfile: Any, terminfo: Any, format_: Any, term: Any = None, scorer: Any = None
    ) -> Any:
        if terminfo.is_inlined():
            return super().postings_reader(dbfile, terminfo, format_, term, scorer)
        offset, length = terminfo.extent()
        return _BlockMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)


class _BlockWriter(W3PostingsWriter):  # type: ignore[misc]
    _minlength: Any
    _maxlength: Any
    _maxweight: Any

    def add_many(
        self, ids: Sequence[int], weights: Sequence[float], values: Sequence[Any], lengths: Any
    ) -> None:
        """``add_posting`` of many postings (in document order) a block at a time: the
        same blocks and statistics, without a Python call per posting. ``values`` may
        be shorter than ``ids`` (or empty) where the field keeps none; ``lengths`` are
        the documents' field lengths (0: none)."""
        count = len(ids)
        limit = self._blocklimit
        start = 0
        while start < count:
            if len(self._ids) >= limit:
                self._write_block()
            end = min(count, start + limit - len(self._ids))
            block_weights = weights[start:end]
            self._ids.extend(ids[start:end])
            self._weights.extend(block_weights)
            heaviest = max(block_weights)
            if heaviest > self._maxweight:
                self._maxweight = heaviest
            self._values.extend(v for v in values[start:end] if v)
            known = [n for n in lengths[start:end] if n]
            if known:
                shortest, longest = min(known), max(known)
                if self._minlength is None or shortest < self._minlength:
                    self._minlength = shortest
                if longest > self._maxlength:
                    self._maxlength = longest
            start = end

    def _write_block(self, last: bool = False) -> None:
        if not self._blockcount:
            self._postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        ids = self._ids
        deltas = array("I", ids)
        for i in range(len(deltas) - 1, 0, -1):
            deltas[i] -= deltas[i - 1]
        numbers = _packed(deltas) + _packed(self._weights)
        values = dumps(self._mini_values(), 2)
        # Compressing a block of a few postings costs more than it saves.
        comp = self._compression if len(ids) >= _COMPRESS_FROM else 0
        if comp:
            numbers = zlib.compress(numbers, comp)
            values = zlib.compress(values, comp)
        blocklength = _HEAD.size - 4 + len(numbers) + len(values)
        head = _HEAD.pack(
            -blocklength if last else blocklength,
            len(ids),
            ids[-1],
            self._maxweight,
            comp,
            length_to_byte(self._minlength),
            length_to_byte(self._maxlength),
            len(numbers),
        )
        postfile = self._postfile
        postfile.write(head)
        postfile.write(numbers)
        postfile.write(values)
        self._blockcount += 1
        self._new_block()


class _BlockMatcher(W3LeafMatcher):  # type: ignore[misc]
    """Reads the numbers and weights of a block, and its positions only when asked."""

    _data: Any
    _ids: Any
    _weights: Any
    _values: Any
    _i: int

    def _goto(self, position: int) -> None:
        self._data = None
        self._ids = None
        self._weights = None
        self._values = None
        self._i = 0
        (
            length,
            self._blocklength,
            self._maxid,
            self._maxweight,
            self._compression,
            shortest,
            longest,
            self._numbers_size,
        ) = _HEAD.unpack(self._postfile.get(position, _HEAD.size))
        if length < 0:
            self._lastblock = True
            length = -length
        self._nextoffset = position + 4 + length
        self._dataoffset = position + _HEAD.size
        self._minlength = byte_to_length(shortest)
        self._maxlength = byte_to_length(longest)

    def _read_data(self) -> None:
        start = self._dataoffset
        size = self._numbers_size
        data = self._postfile.get(start, size)
        if self._compression:
            data = zlib.decompress(data)
        count = self._blocklength
        deltas = _unpacked("I", data[: 4 * count])
        weights = _unpacked("f", data[4 * count :])
        self._data = (array("I", accumulate(deltas)), weights, None)
        self._values_at = start + size

    def skip_to(self, targetid: int) -> None:
        # Whoosh steps through the block one posting at a time; its ids are an array.
        if not self.is_active():
            raise ReadTooFar
        if targetid <= self.id():
            return
        if targetid > self._maxid:
            self._skip_to_block(lambda: targetid > self._maxid)
            if not self.is_active():
                return
            if self._ids is None:
                self._read_ids()
        self._i = bisect_left(self._ids, targetid, self._i)

    def _read_ids(self) -> None:
        if self._data is None:
            self._read_data()
        self._ids = self._data[0]

    def _read_weights(self) -> None:
        if self._data is None:
            self._read_data()
        self._weights = self._data[1]

    def _read_values(self) -> None:
        if self._data is None:
            self._read_data()
        ids, weights, values = self._data
        if values is None:
            data = self._postfile.get(self._values_at, self._nextoffset - self._values_at)
            if self._compression:
                data = zlib.decompress(data)
            self._data = (ids, weights, loads(data))
        super()._read_values()  # Whoosh's own unpacking of fixed-size values


def block_postings(matcher: Any) -> tuple[Any, Any]:
    """All the document numbers and weights of a term's postings (``reader.postings``),
    block by block without stepping through them: two arrays (or sequences)."""
    if isinstance(matcher, FilterMatcher):  # a segment with deletions
        ids, weights = block_postings(matcher.child)
        dropped, exclude = matcher._ids, matcher._exclude
        kept = [(d, w) for d, w in zip(ids, weights, strict=True) if (d in dropped) != exclude]
        return array("I", (d for d, _ in kept)), array("f", (w for _, w in kept))
    if not isinstance(matcher, _BlockMatcher):  # inlined, or another codec's
        ids = list(matcher.all_ids())
        matcher.reset()
        weights = []
        while matcher.is_active():
            weights.append(matcher.weight())
            matcher.next()
        return ids, weights
    ids = array("I")
    weights = array("f")
    while matcher.is_active():
        matcher._read_data()
        block_ids, block_weights, _ = matcher._data
        ids.extend(block_ids)
        weights.extend(block_weights)
        matcher._next_block()
    return ids, weights


def block_positions(matcher: Any, docnums: Sequence[int]) -> dict[int, list[int]]:
    """The positions of a term (``reader.postings`` of a field with positions) in each
    of ``docnums`` (ascending; each one has the term): the blocks without any of them
    are skipped unread, the others unpickle their positions once."""
    found: dict[int, list[int]] = {}
    if not docnums:
        return found
    if not isinstance(matcher, _BlockMatcher) or type(matcher.format) is not Positions:
        for docnum in docnums:
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
            found[docnum] = list(matcher.value_as("positions"))
        return found
    i = 0
    count = len(docnums)
    while matcher.is_active() and i < count:
        if docnums[i] > matcher._maxid:
            matcher._next_block()
            continue
        matcher._read_values()
        ids, values = matcher._data[0], matcher._values
        start = 0
        while i < count and docnums[i] <= matcher._maxid:
            at = bisect_left(ids, docnums[i], start)
            # Whoosh's Positions value: their number (4 bytes), then their deltas
            # pickled, the pickle's final "." sometimes left out.
            pickled = values[at][_COUNT:]
            if not pickled.endswith(b"."):
                pickled += b"."
            found[docnums[i]] = list(accumulate(loads(pickled)))
            start = at
            i += 1
        matcher._next_block()
    return found
