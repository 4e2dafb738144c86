"""PDF documents: the text layer in reading order, the page of every passage.

pypdfium2 (PDFium, the PDF engine of Chromium: Apache-2.0/BSD) gives the positioned
runs of text on each page; :mod:`briefing.corpus.formats.pdf_layout` puts them in
reading order and finds the running heads and feet. The title is the document's own
(its metadata) unless that is missing or a file name, else the first large line of
page 1; the author and date come from the metadata, else the top of the text.

A PDF is untrusted: work is capped (pages read, runs per page, CPU seconds), a file
that PDFium cannot open is one line of reason, and a PDF whose pages hold no text (a
scan) is refused rather than indexed empty. The library is imported only when a PDF is
read, so indexing other formats never pays for it.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

from briefing.corpus.formats.common import author_names, import_library, join_authors, one_line
from briefing.corpus.formats.pdf_layout import (
    Block,
    Line,
    Run,
    blocks_of,
    continues,
    furniture,
    join_line,
    lines_of,
    paragraphs_of,
    reading_order,
)
from briefing.corpus.metadata import parse_pasted
from briefing.corpus.model import Draft, FormatError

SCANNED = "scanned PDF without a text layer (no OCR)"
MAX_PAGES = 1000
MAX_RUNS_PER_PAGE = 20_000
# CPU seconds one PDF may take; the pages after are left out with a warning.
MAX_SECONDS = 60.0
# A heading is this much larger than the page's body text.
_HEADING_RATIO = 1.2
_MAX_TITLE = 300
_WHAT = "PDF documents"
# Titles that are not a document's title: a word processor's file name, "untitled".
_FILE_TITLE = re.compile(
    r"(?:microsoft\s+(?:word|powerpoint|excel)\s+-\s+.*|.*\.(?:docx?|pdf|indd|odt|rtf|tex|txt)"
    r"|untitled(?:\s+document)?|document\d*|slide\s*\d+|\(?anonymous\)?)",
    re.IGNORECASE,
)
# What writers put when nobody is named.
_PLACEHOLDER_AUTHOR = re.compile(r"anonymous|unknown|user|admin(?:istrator)?|owner", re.I)
_PDF_DATE = re.compile(r"(?:D:)?\s*(\d{4})(\d{2})?(\d{2})?")
# PDFium is not safe to use from two threads at once (the app indexes in a thread).
_lock = threading.Lock()


def read(data: bytes, path: Path) -> list[Draft]:
    """Read a PDF's text layer into one draft, with the offset of each page's start.

    Raises:
        FormatError: the file is not a PDF PDFium can open, is encrypted, or has no
            text layer (a scan).
        MissingLibrary: pypdfium2 is not installed.
    """
    pdfium = import_library("pypdfium2", _WHAT)
    with _lock:
        pages, heights, metadata, warnings = _extract(pdfium, data)
    if not any(pages):
        raise FormatError(SCANNED)
    blank = [str(n) for n, runs in enumerate(pages, 1) if not runs]
    if blank:
        shown = ", ".join(blank[:8]) + (", ..." if len(blank) > 8 else "")
        warnings.append(f"page{'s' if len(blank) > 1 else ''} {shown}: no text layer (no OCR)")
    return [_draft(pages, heights, metadata, warnings)]


def _extract(
    pdfium: Any, data: bytes
) -> tuple[list[list[Run]], list[float], dict[str, str], list[str]]:
    """Every page's runs of text and height, the metadata, and warnings."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise FormatError(_open_problem(exc)) from None
    warnings: list[str] = []
    pages: list[list[Run]] = []
    heights: list[float] = []
    try:
        metadata = {k: v for k, v in document.get_metadata_dict().items() if isinstance(v, str)}
        count = len(document)
        if count > MAX_PAGES:
            warnings.append(f"read the first {MAX_PAGES:,} of {count:,} pages")
        started = time.thread_time()
        for index in range(min(count, MAX_PAGES)):
            if time.thread_time() - started > MAX_SECONDS:
                warnings.append(f"read the first {index:,} pages: the rest took too long")
                break
            runs, height = _page_runs(document, index, warnings)
            pages.append(runs)
            heights.append(height)
    except pdfium.PdfiumError as exc:
        raise FormatError(f"broken PDF: {_reason(exc)}") from None
    finally:
        document.close()
    return pages, heights, metadata, warnings


def _page_runs(document: Any, index: int, warnings: list[str]) -> tuple[list[Run], float]:
    page = document[index]
    try:
        _, height = page.get_size()
        textpage = page.get_textpage()
        try:
            count = textpage.count_rects()
            if count > MAX_RUNS_PER_PAGE:
                warnings.append(f"page {index + 1}: read {MAX_RUNS_PER_PAGE:,} runs of text")
            runs = []
            for n in range(min(count, MAX_RUNS_PER_PAGE)):
                left, bottom, right, top = textpage.get_rect(n)
                text = textpage.get_text_bounded(left, bottom, right, top)
                if text.strip():
                    runs.append(Run(left, bottom, right, top, text))
        finally:
            textpage.close()
    finally:
        page.close()
    return runs, float(height)


def _open_problem(exc: Exception) -> str:
    reason = _reason(exc)
    if "password" in reason.lower():
        return "encrypted PDF (a password is needed to read it)"
    return f"not a readable PDF ({reason})"


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    match = re.search(r"\(PDFium: ([^)]{1,80})\)", text)
    return (match.group(1) if match else text[:80]).rstrip(".") or type(exc).__name__


def _draft(
    pages: list[list[Run]], heights: list[float], metadata: dict[str, str], warnings: list[str]
) -> Draft:
    page_lines = [lines_of(runs) for runs in pages]
    dropped = furniture(page_lines, heights)
    ordered: list[list[Block]] = []
    for lines, drop in zip(page_lines, dropped, strict=True):
        kept = [line for index, line in enumerate(lines) if index not in drop]
        ordered.append(reading_order(blocks_of(kept)))
    inferred: set[str] = set()
    title = _metadata_title(metadata)
    heading = _first_heading(ordered[0] if ordered else [], page_lines)
    if heading is not None:
        text = _block_text(heading)
        if title is None:
            title = text[:_MAX_TITLE]
            inferred.add("title")
        if title is not None and _same(text, title) and ordered:
            ordered[0] = [block for block in ordered[0] if block is not heading]
    body, starts = _assemble([paragraphs_of(blocks) for blocks in ordered])
    author = join_authors(author_names(metadata.get("Author")))
    if author is not None and _PLACEHOLDER_AUTHOR.fullmatch(author):
        author = None
    published = _pdf_date(metadata.get("CreationDate")) or _pdf_date(metadata.get("ModDate"))
    if author is None or published is None:
        top = parse_pasted(f"{title or ''}\n\n{body[:2000]}")
        if author is None and top.author:
            author = top.author
            inferred.add("author")
        if published is None and top.published:
            published = top.published
            inferred.add("published")
    return Draft(
        body=body,
        title=title,
        author=author,
        published=published,
        inferred=frozenset(inferred),
        warnings=tuple(warnings),
        pages=starts,
    )


def _metadata_title(metadata: dict[str, str]) -> str | None:
    title = one_line(metadata.get("Title"))
    if title is None or _FILE_TITLE.fullmatch(title) or not any(c.isalpha() for c in title):
        return None
    return title[:_MAX_TITLE]


def _first_heading(blocks: list[Block], pages: list[list[Line]]) -> Block | None:
    """Page 1's first block set larger than the document's body text, among its first
    few blocks; None when page 1 opens with body text."""
    sizes: dict[float, int] = {}
    for lines in pages[:10]:
        for line in lines:
            key = round(line.size, 1)
            sizes[key] = sizes.get(key, 0) + len(line.text)
    if not sizes or not blocks:
        return None
    body_size = max(sizes, key=lambda size: sizes[size])
    for block in blocks[:4]:
        if block.size >= _HEADING_RATIO * body_size and len(block.lines) <= 4:
            return block
    return None


def _block_text(block: Block) -> str:
    text = ""
    for line in block.lines:
        text = join_line(text, line.text)
    return text


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _assemble(pages: list[list[str]]) -> tuple[str, tuple[int, ...]]:
    """The body (paragraphs apart by a blank line) and where each page starts in it.

    A paragraph that goes on in the next column or on the next page is joined again;
    the next page then starts inside it.
    """
    parts: list[str] = []
    size = 0
    starts: list[int] = []
    last = ""
    for paragraphs in pages:
        starts.append(size + (2 if parts else 0))
        for n, paragraph in enumerate(paragraphs):
            if parts and continues(last, paragraph):
                joined = join_line(last, paragraph)
                if n == 0:
                    # The page starts at the first character this page added.
                    starts[-1] = size - len(last) + _common_prefix(joined, last)
                parts[-1] = joined
                size += len(joined) - len(last)
                last = joined
                continue
            if parts:
                parts.append("\n\n")
                size += 2
            parts.append(paragraph)
            size += len(paragraph)
            last = paragraph
    body = "".join(parts)
    return body, tuple(min(start, len(body)) for start in starts)


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _pdf_date(value: str | None) -> date | None:
    """A PDF date string (``D:20240305101500+01'00'``) as a date; None if unreadable."""
    match = _PDF_DATE.match(value or "")
    if match is None:
        return None
    try:
        day = date(int(match[1]), int(match[2] or 1), int(match[3] or 1))
    except ValueError:
        return None
    # A writer's placeholder ("D:19700101", "D:00000101") is no date.
    return day if 1980 <= day.year <= 2100 else None
