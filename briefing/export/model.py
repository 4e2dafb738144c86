"""What a briefing can be written as, and which one a file name asks for."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

Format = Literal["md", "html"]
"""Markdown, or a standalone HTML page."""


def format_for(path: Path) -> Format:
    """The format a file name asks for: HTML for ``.html``/``.htm``, else Markdown."""
    return "html" if path.suffix.lower() in (".html", ".htm") else "md"
