"""What a briefing can be written as, and which one a file name asks for."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

Format = Literal["md", "html", "docx"]
"""Markdown, a standalone HTML page, or a Word file."""

FORMATS: tuple[Format, ...] = ("md", "html", "docx")


def format_for(path: Path) -> Format:
    """The format a file name asks for: HTML for ``.html``/``.htm``, Word for ``.docx``,
    else Markdown."""
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        return "html"
    return "docx" if suffix == ".docx" else "md"
