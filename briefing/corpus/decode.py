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


def looks_binary(data: bytes) -> bool:
    """Whether the data is probably not text (NUL bytes outside a UTF-16/32 pattern)."""
    head = data[:8192]
    if not head or any(head.startswith(bom) for bom, _ in _BOMS):
        return False
    nul = head.count(0)
    if nul == 0:
        return False
    # UTF-16 text without a BOM has a NUL in every other byte; binary is patchier.
    even, odd = head[0::2].count(0), head[1::2].count(0)
    half = len(head) // 2
    return not (even >= half * 0.9 or odd >= half * 0.9)


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
    best = from_bytes(data[:1_000_000]).best()
    if best is not None and best.encoding:
        try:
            return data.decode(best.encoding), best.encoding
        except (LookupError, UnicodeDecodeError):
            pass
    return data.decode("cp1252", errors="replace"), "cp1252"
