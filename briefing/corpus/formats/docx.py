"""Word documents (``.docx``): core properties and the body's text in document order.

A ``.docx`` is a zip of XML parts (Office Open XML). Only the parts needed are read,
each decompressed up to a cap (a zip bomb stops there), and parsed by lxml without
DTDs, entities or network access: the standard library's zipfile and lxml, which the
project already has, do it all, where python-docx would load every part of the package
(images included) and still not say which paragraphs are list items.

Headings stay paragraphs of their own, list items become ``- item`` lines, and each
table row a line of its cells joined by `` | ``.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lxml import etree  # type: ignore[import-untyped]  # no stubs in the dev deps

from briefing.corpus.formats.common import author_names, join_authors, one_line, parse_date
from briefing.corpus.model import Draft, FormatError

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = {
    "w": _W,
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
}
_DOCUMENT = "word/document.xml"
_STYLES = "word/styles.xml"
_CORE = "docProps/core.xml"
# Decompressed sizes read at most: the body's XML is some ten times its text, and the
# text is capped at 2 MB later anyway.
MAX_DOCUMENT_XML = 32 * 1024 * 1024
MAX_PART_XML = 8 * 1024 * 1024
# Zip members listed at most (a central directory of a million entries is an attack).
MAX_MEMBERS = 10_000
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADING_NAME = re.compile(r"(?:heading\s*\d|title)", re.IGNORECASE)
_HEADING_ID = re.compile(r"(?:heading\d|title)", re.IGNORECASE)
_FILE_TITLE = re.compile(r".*\.(?:docx?|dotx?|rtf|odt|pdf)|untitled|document\d*", re.IGNORECASE)


def _tag(name: str) -> str:
    return f"{{{_W}}}{name}"


_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (
    _tag(n) for n in ("p", "tbl", "tr", "tc", "sdt", "sdtContent")
)
_T, _TAB, _BR, _CR, _DEL, _MOVE_FROM = (
    _tag(n) for n in ("t", "tab", "br", "cr", "del", "moveFrom")
)
_VAL = _tag("val")


def read(data: bytes, path: Path) -> list[Draft]:
    """Read a Word document into one draft.

    Raises:
        FormatError: not a readable ``.docx`` (not a zip, encrypted, a legacy ``.doc``,
            a part missing, too large or not well-formed XML).
    """
    if data.startswith(_OLE):
        # Encrypted OOXML is stored in an OLE compound file, as the old .doc format is.
        raise FormatError("encrypted Word document, or an old .doc: not readable")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise FormatError("not a Word document (not a zip archive)") from None
    with archive:
        if len(archive.infolist()) > MAX_MEMBERS:
            raise FormatError("not a Word document (too many parts in the archive)")
        document = _parse(archive, _DOCUMENT, MAX_DOCUMENT_XML, required=True)
        styles = _parse(archive, _STYLES, MAX_PART_XML)
        core = _parse(archive, _CORE, MAX_PART_XML)
    headings = _heading_styles(styles)
    units = list(_units(document, headings))
    title = _core_text(core, "dc:title")
    if title is not None and (_FILE_TITLE.fullmatch(title) or not any(c.isalpha() for c in title)):
        title = None
    inferred: set[str] = set()
    first_heading = next((text for kind, text in units if kind == "heading"), None)
    if title is None and first_heading is not None:
        title = first_heading
        inferred.add("title")
    if units and title is not None and units[0][0] == "heading" and _same(units[0][1], title):
        units = units[1:]  # the title is not part of the text
    author = join_authors(author_names(_core_text(core, "dc:creator")))
    published = parse_date(_core_text(core, "dcterms:created")) or parse_date(
        _core_text(core, "dcterms:modified")
    )
    body = "\n\n".join(text for _, text in units)
    if not body.strip() and title is None:
        raise FormatError("no text in the document")
    return [
        Draft(
            body=body,
            title=title,
            author=author,
            published=published,
            inferred=frozenset(inferred),
        )
    ]


def _parse(archive: zipfile.ZipFile, name: str, cap: int, required: bool = False) -> Any:
    try:
        with archive.open(name) as member:
            raw = member.read(cap + 1)
    except KeyError:
        if required:
            raise FormatError(f"not a Word document (no {name})") from None
        return None
    except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, ValueError) as exc:
        raise FormatError(f"damaged Word document ({name}: {type(exc).__name__})") from None
    if len(raw) > cap:
        raise FormatError(f"Word document part {name} over {cap // (1024 * 1024)} MB; not read")
    if b"<!DOCTYPE" in raw[:65536] or b"<!ENTITY" in raw[:65536]:
        # Office Open XML has no DTDs: one here can only be an entity attack.
        raise FormatError(f"Word document part {name} declares a DTD; not read")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        return etree.fromstring(raw, parser)
    except etree.XMLSyntaxError:
        if required:
            raise FormatError(f"damaged Word document ({name} is not well-formed XML)") from None
        return None


def _heading_styles(styles: Any) -> frozenset[str]:
    """The ids of the paragraph styles that are headings (by name or outline level)."""
    if styles is None:
        return frozenset()
    found = set()
    for style in styles.iterfind("w:style", _NS):
        style_id = style.get(_tag("styleId")) or ""
        name = style.find("w:name", _NS)
        name_value = name.get(_VAL) if name is not None else ""
        outline = style.find("w:pPr/w:outlineLvl", _NS)
        if (
            _HEADING_NAME.fullmatch(name_value or "")
            or _HEADING_ID.fullmatch(style_id)
            or (outline is not None and (outline.get(_VAL) or "9") < "9")
        ):
            found.add(style_id)
    return frozenset(found)


def _units(document: Any, headings: frozenset[str]) -> Iterator[tuple[str, str]]:
    """``(kind, text)`` of the body's paragraphs, list items and table rows, in order;
    kind is "heading", "item", "row" or "text"."""
    body = document.find("w:body", _NS)
    if body is None:
        return
    yield from _blocks(body, headings)


def _blocks(parent: Any, headings: frozenset[str]) -> Iterator[tuple[str, str]]:
    for child in parent:
        if child.tag == _P:
            unit = _paragraph(child, headings)
            if unit is not None:
                yield unit
        elif child.tag == _TBL:
            for row in child.iterfind("w:tr", _NS):
                cells = [_cell_text(cell, headings) for cell in row.iterfind("w:tc", _NS)]
                if any(cells):
                    yield "row", " | ".join(cells)
        elif child.tag in (_SDT, _SDT_CONTENT):  # content controls wrap ordinary blocks
            content = child.find("w:sdtContent", _NS) if child.tag == _SDT else child
            if content is not None:
                yield from _blocks(content, headings)


def _cell_text(cell: Any, headings: frozenset[str]) -> str:
    return " ".join(text for _, text in _blocks(cell, headings)).replace("|", "/")


def _paragraph(paragraph: Any, headings: frozenset[str]) -> tuple[str, str] | None:
    text = " ".join(_paragraph_text(paragraph).split())
    if not text:
        return None
    style = paragraph.find("w:pPr/w:pStyle", _NS)
    style_id = style.get(_VAL) if style is not None else None
    outline = paragraph.find("w:pPr/w:outlineLvl", _NS)
    if (style_id is not None and style_id in headings) or (
        outline is not None and (outline.get(_VAL) or "9") < "9"
    ):
        return "heading", text
    if paragraph.find("w:pPr/w:numPr", _NS) is not None or (style_id or "").startswith("List"):
        return "item", f"- {text}"
    return "text", text


def _paragraph_text(paragraph: Any) -> str:
    parts: list[str] = []
    for element in paragraph.iter(_T, _TAB, _BR, _CR, _P):
        if element is not paragraph and element.tag == _P:
            continue  # a text box's paragraph inside this one: its text comes with it
        if _inside(element, paragraph, (_DEL, _MOVE_FROM)):  # tracked deletions
            continue
        if element.tag == _T:
            parts.append(element.text or "")
        else:
            parts.append(" ")
    return "".join(parts)


def _inside(element: Any, stop: Any, tags: tuple[str, ...]) -> bool:
    parent = element.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False


def _core_text(core: Any, name: str) -> str | None:
    if core is None:
        return None
    element = core.find(name, _NS)
    if element is None:
        return None
    return one_line(element.text)


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
