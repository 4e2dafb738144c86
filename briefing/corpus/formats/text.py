"""Plain text files: the whole text is the body; its metadata is inferred later."""

from __future__ import annotations

from pathlib import Path

from briefing.corpus.decode import decode_bytes
from briefing.corpus.model import Draft, FormatError


def read(data: bytes, path: Path) -> list[Draft]:
    """Read a pasted-text file: the whole text is the body, metadata comes later.

    Raises:
        FormatError: the file holds only whitespace.
    """
    text, _ = decode_bytes(data)
    if not text.strip():
        raise FormatError("empty file")
    return [Draft(body=text, plain=True)]
