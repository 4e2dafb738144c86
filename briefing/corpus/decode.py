"""Turn the bytes of a file into text, whatever its encoding: never raises."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


# Control bytes that text files do not contain (tab, newlines, form feed, ESC excepted).
_BINARY_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)])
# When several single-byte encodings fit equally well, the web's most common wins.
_PREFERRED = ("cp1252", "latin_1", "iso8859_15")


def looks_binary(data: bytes) -> bool:
    """Whether the data is probably not text.

    UTF-16/32 (with or without a BOM) has NUL bytes in a regular pattern; a stray NUL
    or escape in a text file is cleaned later; binary formats are full of control
    bytes (more than 5% of the head).
    """
    head = data[:8192]
    if not head or any(head.startswith(bom) for bom, _ in _BOMS):
        return False
    nul = head.count(0)
    if nul > len(head) // 4:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        half = len(head) // 2
        if even >= half * 0.9 or odd >= half * 0.9:
            return False
    controls = len(head) - len(head.translate(None, _BINARY_BYTES))
    return controls > len(head) * 0.05


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding)``.

    Order: a byte-order mark; strict UTF-8; an encoding the file declares; the
    charset-normalizer guess; cp1252 with replacement as the last resort.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace"), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return data.decode(declared), declared.lower()
        except (LookupError, UnicodeDecodeError):
            pass
    for encoding in _guesses(data):
        try:
            return data.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", errors="replace"), "cp1252"


def _guesses(data: bytes) -> list[str]:
    matches = list(from_bytes(data[:1_000_000]))
    if not matches:
        return []
    best = matches[0]
    tied = [
        m.encoding
        for m in matches
        if m.chaos <= best.chaos + 0.01 and m.coherence >= best.coherence - 0.01
    ]
    preferred = [e for e in _PREFERRED if e in tied]
    return preferred + [m.encoding for m in matches if m.encoding not in preferred]
