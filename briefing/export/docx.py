"""The briefing document as a Word file with real Word structure (python-docx).

Headings in Word's heading styles (so the navigation pane and a table of contents see
them), quotes in the "Quote" style, the discrepancies as a Word table whose header row
repeats on each page, the sources as numbered paragraphs each holding a bookmark, and
every citation a hyperlink to its source's bookmark. The title, author and date are the
file's document properties too. All text goes in as text runs, never parsed: nothing in
an article can add structure, and only http, https and mailto addresses become links.
"""

from __future__ import annotations

import io
import re
from datetime import UTC

from docx import Document as new_word_document
from docx.document import Document as WordDocument
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph as WordParagraph

from briefing.export.document import (
    Block,
    Bullets,
    Cite,
    Document,
    Paragraph,
    Quote,
    Run,
    Sources,
    Subheading,
    Table,
    safe_url,
)

# What XML 1.0 cannot hold (lone surrogates, U+FFFE/U+FFFF); clean text has no controls.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")
_LINK_COLOUR = "0563C1"


def bookmark(n: int) -> str:
    """The Word bookmark of source ``n`` (bookmark names take no hyphen)."""
    return f"source_{n}"


def render_docx(document: Document) -> bytes:
    """``document`` as the bytes of a .docx file."""
    word = new_word_document()
    properties = word.core_properties
    properties.title = _xml(document.title)
    properties.author = _xml(document.author)
    properties.last_modified_by = _xml(document.author)
    # Word reads these dates as UTC; the briefing's own is local time.
    when = document.generated.astimezone(UTC)
    properties.created = when
    properties.modified = when
    properties.revision = 1
    properties.comments = ""
    word.add_paragraph(_xml(document.title), style="Title")
    word.add_paragraph(_xml(document.byline), style="Subtitle")
    for section in document.sections:
        word.add_heading(section.heading, level=1)
        for block in section.blocks:
            _block(word, block)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _block(word: WordDocument, block: Block) -> None:
    match block:
        case Paragraph(run):
            _add_run(word.add_paragraph(), run)
        case Quote(paragraphs):
            for lines in paragraphs:
                paragraph = word.add_paragraph(style="Quote")
                for i, line in enumerate(lines):
                    text_run = paragraph.add_run(_xml(line))
                    if i < len(lines) - 1:
                        text_run.add_break()
        case Bullets(items):
            for item in items:
                _add_run(word.add_paragraph(style="List Bullet"), item)
        case Table(header, rows):
            _table(word, header, rows)
        case Subheading(text):
            word.add_heading(_xml(text), level=2)
        case Sources(entries):
            for entry in entries:
                paragraph = word.add_paragraph()
                _bookmark(paragraph, entry.number, (f"{entry.number}. ", *entry.run))


def _table(word: WordDocument, header: tuple[str, ...], rows: tuple[tuple[Run, ...], ...]) -> None:
    table: WordTable = word.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    heading_row = table.rows[0]
    # The header row repeats at the top of each page the table runs over.
    heading_row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, name in zip(heading_row.cells, header, strict=True):
        cell.paragraphs[0].add_run(_xml(name)).bold = True
    for row, cells in zip(table.rows[1:], rows, strict=True):
        for cell, run in zip(row.cells, cells, strict=True):
            _add_run(cell.paragraphs[0], run)


def _add_run(paragraph: WordParagraph, run: Run) -> None:
    """A run's text as text, its citations as links to their sources' bookmarks, its
    addresses as links (only safe ones; others as text)."""
    for item in run:
        if isinstance(item, str):
            paragraph.add_run(_xml(item))
        elif isinstance(item, Cite):
            _hyperlink(paragraph, f"[{item.number}]", anchor=bookmark(item.number))
            if item.page:
                paragraph.add_run(f", {item.page}")
        else:
            url = safe_url(item.url)
            if url is None:
                paragraph.add_run(_xml(item.url))
            else:
                _hyperlink(paragraph, url, url=url)


def _bookmark(paragraph: WordParagraph, n: int, run: Run) -> None:
    """The paragraph's content, inside the bookmark a citation ``[n]`` points at."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(n))
    start.set(qn("w:name"), bookmark(n))
    paragraph._p.append(start)
    _add_run(paragraph, run)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(n))
    paragraph._p.append(end)


def _hyperlink(
    paragraph: WordParagraph, text: str, anchor: str | None = None, url: str | None = None
) -> None:
    """A hyperlink to a bookmark in the document (``anchor``) or to a web address."""
    link = OxmlElement("w:hyperlink")
    if anchor is not None:
        link.set(qn("w:anchor"), anchor)
    else:
        assert url is not None
        rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
        link.set(qn("r:id"), rel)
    text_run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), _LINK_COLOUR)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    properties.append(colour)
    properties.append(underline)
    text_run.append(properties)
    content = OxmlElement("w:t")
    content.set(qn("xml:space"), "preserve")
    content.text = _xml(text)
    text_run.append(content)
    link.append(text_run)
    paragraph._p.append(link)


def _xml(text: str) -> str:
    """``text`` as XML can hold it (what it cannot hold shown as U+FFFD)."""
    return _NOT_XML.sub("\ufffd", text)
