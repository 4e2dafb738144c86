"""Format readers: the bytes of one file in, ``Draft``s out.

Each reader is ``read(data, path) -> list[Draft]`` and raises ``FormatError`` with a
one-line reason when the file cannot be read as its format; its ``MissingLibrary``
kind when a library the reader needs is not installed. Readers decode but do not
sanitise or clean: the ingest pipeline does that for every format alike.

PDF and Word files are binary: their readers are imported (and import their libraries)
only when such a file is read.
"""

from __future__ import annotations

import codecs
import importlib
from collections.abc import Callable
from pathlib import Path

from briefing.corpus.decode import decode_bytes, looks_binary
from briefing.corpus.formats import feeds, html, mail, markdown, records, reuters, text
from briefing.corpus.formats.common import MissingLibrary, is_missing_library
from briefing.corpus.model import Draft, FormatError

__all__ = [
    "SUPPORTED_SUFFIXES",
    "MissingLibrary",
    "Reader",
    "is_missing_library",
    "is_supported",
    "read_drafts",
]

Reader = Callable[[bytes, Path], list[Draft]]

_READERS: dict[str, Reader] = {
    ".txt": text.read,
    ".text": text.read,
    ".md": markdown.read,
    ".markdown": markdown.read,
    ".html": html.read,
    ".htm": html.read,
    ".xhtml": html.read,
    ".json": records.read,
    ".jsonl": records.read,
    ".ndjson": records.read,
    ".rss": feeds.read,
    ".atom": feeds.read,
    ".rdf": feeds.read,
    ".sgm": reuters.read,
    ".sgml": reuters.read,
}

# Binary formats, by the module that reads them (imported when such a file is read).
_BINARY_READERS: dict[str, str] = {
    ".pdf": "briefing.corpus.formats.pdf",
    ".docx": "briefing.corpus.formats.docx",
}

SUPPORTED_SUFFIXES: frozenset[str] = frozenset({*_READERS, *_BINARY_READERS, ".xml", ""})
"""File suffixes (lower case) that have a reader; ``""`` is a file with no extension."""

_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def is_supported(path: Path) -> bool:
    """Whether a file's suffix has a reader (files without one are sniffed)."""
    return path.suffix.lower() in SUPPORTED_SUFFIXES


def read_drafts(data: bytes, path: Path) -> list[Draft]:
    """Read a file's bytes into drafts, choosing the reader by suffix.

    ``.xml`` files and files without an extension are sniffed: a feed goes to the
    feed reader, mail headers to the mail reader, other text to the text reader.

    Raises:
        FormatError: the file is empty, binary, of an unsupported type, or not
            readable as its format.
    """
    suffix = path.suffix.lower()
    if suffix in _BINARY_READERS:
        if not data.strip():
            raise FormatError("empty file")
        binary_reader: Reader = importlib.import_module(_BINARY_READERS[suffix]).read
        return binary_reader(data, path)
    if not _without_bom(data).strip():
        raise FormatError("empty file")
    if looks_binary(data):
        raise FormatError("binary file")
    data = _with_utf16_bom(data)
    reader = _READERS.get(suffix)
    if reader is None:
        if suffix == ".xml":
            reader = _sniff_xml(data)
        elif suffix == "":
            reader = _sniff(data)
        else:
            raise FormatError(f"unsupported file type {suffix}")
    try:
        return reader(data, path)
    except RecursionError as exc:
        raise FormatError("file too deeply nested to read") from exc


def _sniff_xml(data: bytes) -> Reader:
    if feeds.looks_like_feed(_head_text(data)):
        return feeds.read
    raise FormatError("not a news feed")


def _sniff(data: bytes) -> Reader:
    head = _head_text(data)
    if mail.looks_like_mail(head):
        return mail.read
    if feeds.looks_like_feed(head):
        return feeds.read
    return text.read


def _head_text(data: bytes) -> str:
    # Sniffing needs only the ASCII markup at the top; a cut through a multi-byte
    # character must not send 64 KB to the slow statistical decoder.
    head = data[:65536]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_bytes(head)[0]
    return head.decode("utf-8", "replace").lstrip("\ufeff")


def _without_bom(data: bytes) -> bytes:
    for bom in _BOMS:
        if data.startswith(bom):
            data = data[len(bom) :]
            # UTF-16 whitespace is still whitespace once its NULs are gone.
            return data.replace(b"\x00", b"") if bom != codecs.BOM_UTF8 else data
    return data


def _with_utf16_bom(data: bytes) -> bytes:
    # UTF-16 without a byte-order mark is valid UTF-8 (NULs and ASCII), so the
    # decoder would take it as such: recognise it by its NUL pattern and add the mark.
    if data.startswith(_BOMS):
        return data
    head = data[:4096]
    half = len(head) // 2
    if half < 2 or head.count(0) < half * 0.9:
        return data
    if head[1::2].count(0) >= half * 0.9:
        return codecs.BOM_UTF16_LE + data
    if head[0::2].count(0) >= half * 0.9:
        return codecs.BOM_UTF16_BE + data
    return data
