"""Segments of the index merged into one new segment in a worker, by writing their sorted
postings directly rather than through Whoosh's posting pool."""

from __future__ import annotations

import heapq
import itertools
import os
from array import array
from collections.abc import Iterator
from typing import Any

from briefing.index.staging import segment_writer


def merge_segments(staging: str, limitmb: int, index_dir: str, segments: list[Any]) -> Any:
    """Write ``segments`` of the index in ``index_dir`` as one new segment (in a worker):
    deleted documents are left out. Returns the segment and its staged file.

    Whoosh's own merge (``add_reader``) puts every posting through the posting pool,
    which sorts them again and spills them to disk: 120 articles a second. Each
    segment's postings are already in order and the segments' documents follow one
    another, so merging their sorted streams writes the same segment directly.
    """
    from whoosh.filedb.filestore import FileStorage
    from whoosh.reading import SegmentReader

    writer = segment_writer(staging, limitmb)
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
