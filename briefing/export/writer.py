"""Writing the briefing to a file: shared by the ``export`` command and the app."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from briefing.corpus.model import Article
from briefing.export.document import Document, build_document
from briefing.export.html import render_html
from briefing.export.markdown import render_markdown
from briefing.export.model import Format, format_for
from briefing.fileio import write_atomic
from briefing.notes.model import Note

__all__ = ["Format", "export_briefing", "format_for", "render"]


def render(document: Document, fmt: Format) -> str | bytes:
    """``document`` in ``fmt``: Markdown text, an HTML page, or a Word file's bytes."""
    if fmt == "docx":
        from briefing.export.docx import render_docx  # python-docx only when asked for

        return render_docx(document)
    markdown = render_markdown(document)
    return render_html(markdown, document.title) if fmt == "html" else markdown


def export_briefing(
    notes: Sequence[Note],
    articles: Mapping[str, Article],
    path: Path,
    title: str,
    fmt: Format,
    force: bool,
    author: str = "",
) -> Path:
    """Render the briefing and write it to ``path`` atomically; return the path written.

    A failed export leaves any previous file as it was.

    Raises:
        FileExistsError: ``path`` exists and ``force`` is False (one-line message).
        OSError: the file could not be written (one-line message naming it).
    """
    text = render(build_document(title, notes, articles, datetime.now(), author), fmt)
    try:
        write_atomic(path, text, overwrite=force)
    except FileExistsError:
        raise FileExistsError(f"{path} exists; use --force to overwrite") from None
    except OSError as exc:
        # A full disk says only "No space left on device": name the file, and say that
        # nothing was replaced (write_atomic removed its temporary file).
        reason = exc.strerror or str(exc)
        raise OSError(f"cannot write {path}: {reason}; nothing was overwritten") from exc
    return path
