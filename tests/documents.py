"""PDF and Word documents for the tests, made here (no file from outside, no network).

PDFs are drawn with reportlab line by line, as a typesetter places them: one or two
columns, words hyphenated at line ends, a running head, a "Page N of M" foot, a
heading set large, metadata; a "scanned" page is an image and no text. Word documents
are written as the zip of XML parts a word processor saves.
"""

from __future__ import annotations

import io
import random
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

FONT, SIZE, LEADING = "Helvetica", 10, 13
_WORDS = (  # noqa: SIM905
    "ministry officials confirmed reconstruction damaged infrastructure would continue "
    "through winter international observers documented extraordinary displacement across "
    "northern provinces neighbouring municipalities emergency shelters remained overcrowded "
    "while regional authorities requested additional assistance from humanitarian agencies "
    "engineers inspected bridges railways reservoirs before evacuation orders were lifted "
    "residents described flooding that destroyed harvests livestock warehouses schools"
).split()


def prose(seed: int, words: int = 60) -> str:
    """Sentences of newsy words, the same for the same seed."""
    rng = random.Random(seed)
    out: list[str] = []
    sentence: list[str] = []
    for _ in range(words):
        sentence.append(rng.choice(_WORDS))
        if len(sentence) >= rng.randint(8, 16):
            out.append(" ".join(sentence).capitalize() + ".")
            sentence = []
    if sentence:
        out.append(" ".join(sentence).capitalize() + ".")
    return " ".join(out)


@dataclass
class Page:
    """One page: paragraphs in one or two columns, or an image only (a scan)."""

    paragraphs: list[str] = field(default_factory=list)
    columns: int = 1
    heading: str | None = None
    scanned: bool = False


def wrap(text: str, width: float) -> list[str]:
    """Lines of at most ``width`` points; a long word that does not fit is hyphenated."""
    lines: list[str] = []
    line = ""
    words = text.split()
    i = 0
    while i < len(words):
        word = words[i]
        candidate = f"{line} {word}" if line else word
        if stringWidth(candidate, FONT, SIZE) <= width:
            line = candidate
            i += 1
            continue
        if len(word) >= 8 and word.isalpha():
            cut = len(word) // 2
            head = f"{line} {word[:cut]}-" if line else f"{word[:cut]}-"
            if stringWidth(head, FONT, SIZE) <= width:
                lines.append(head)
                words[i] = word[cut:]
                line = ""
                continue
        lines.append(line)
        line = ""
    if line:
        lines.append(line)
    return lines


def make_pdf(
    pages: list[Page],
    title: str | None = None,
    author: str | None = None,
    created: datetime | None = None,
    header: str | None = None,
    footer: bool = True,
    order: str = "column",
) -> bytes:
    """A PDF of ``pages``; ``order="row"`` draws two columns line by line across the
    page, as some writers do, so that drawing order is not reading order."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    if title:
        pdf.setTitle(title)
    if author:
        pdf.setAuthor(author)
    stamp = (created or datetime(2000, 1, 1)).strftime("D:%Y%m%d%H%M%S+00'00'")
    pdf.setDateFormatter(lambda *_: stamp)
    width, height = A4
    margin = 60
    for number, page in enumerate(pages, 1):
        if page.scanned:
            from PIL import Image

            image = Image.new("L", (200, 280), 200)
            pdf.drawImage(ImageReader(image), margin, margin, width - 2 * margin, height / 2)
            pdf.showPage()
            continue
        if header:
            pdf.setFont(FONT, 8)
            pdf.drawString(margin, height - 35, header)
        if footer:
            pdf.setFont(FONT, 8)
            pdf.drawCentredString(width / 2, 30, f"Page {number} of {len(pages)}")
        y = height - 70
        if page.heading:
            pdf.setFont("Helvetica-Bold", 18)
            pdf.drawString(margin, y, page.heading)
            y -= 30
        gap = 20
        column_width = (width - 2 * margin - gap * (page.columns - 1)) / page.columns
        column = 0
        top = y
        placed: list[tuple[float, float, str]] = []
        for paragraph in page.paragraphs:
            for line in wrap(paragraph, column_width):
                if y < 60:
                    column += 1
                    y = top
                placed.append((margin + column * (column_width + gap), y, line))
                y -= LEADING
            y -= LEADING / 2
        if order == "row":
            placed.sort(key=lambda p: (-p[1], p[0]))
        pdf.setFont(FONT, SIZE)
        for x, y_pos, line in placed:
            pdf.drawString(x, y_pos, line)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


# --- Word -----------------------------------------------------------------------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_OOXML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Types xmlns="{_PACKAGE}/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/word/document.xml" ContentType="{_OOXML}.document.main+xml"/>'
    f'<Override PartName="/word/styles.xml" ContentType="{_OOXML}.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_PACKAGE}/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/>'
    f'<Relationship Id="rId2" Type="{_PACKAGE}/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    "</Relationships>"
)
_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{_W}">
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/>
<w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/>
<w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="ListParagraph"><w:name w:val="List Paragraph"/></w:style>
</w:styles>"""


def _runs(text: str) -> str:
    # Two runs, as a word processor splits text at a change of formatting.
    half = len(text) // 2
    return "".join(
        f'<w:r><w:t xml:space="preserve">{escape(part)}</w:t></w:r>'
        for part in (text[:half], text[half:])
        if part
    )


def _paragraph(text: str, style: str | None = None, numbered: bool = False) -> str:
    props = ""
    if style or numbered:
        inner = f'<w:pStyle w:val="{style}"/>' if style else ""
        if numbered:
            inner += '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'
        props = f"<w:pPr>{inner}</w:pPr>"
    return f"<w:p>{props}{_runs(text)}</w:p>"


def make_docx(
    blocks: list[tuple[str, object]],
    title: str | None = None,
    author: str | None = None,
    created: datetime | None = None,
    deleted: str | None = None,
) -> bytes:
    """A ``.docx`` of ``blocks``: ("title" | "heading" | "para" | "item", text) or
    ("table", rows of cells); ``deleted`` is a tracked deletion inside the first
    paragraph (text that is no longer in the document)."""
    body: list[str] = []
    for kind, value in blocks:
        if kind == "table":
            assert isinstance(value, list)
            rows = "".join(
                "<w:tr>"
                + "".join(f"<w:tc>{_paragraph(str(cell))}</w:tc>" for cell in row)
                + "</w:tr>"
                for row in value
            )
            body.append(f"<w:tbl>{rows}</w:tbl>")
            continue
        text = str(value)
        style = {"title": "Title", "heading": "Heading1", "item": "ListParagraph"}.get(kind)
        paragraph = _paragraph(text, style, numbered=kind == "item")
        if deleted and kind == "para":
            removed = f'<w:del w:id="1"><w:r><w:t>{escape(deleted)}</w:t></w:r></w:del>'
            paragraph = paragraph.replace("</w:p>", f"{removed}</w:p>")
            deleted = None
        body.append(paragraph)
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{_W}"><w:body>{"".join(body)}<w:sectPr/></w:body></w:document>'
    )
    core_fields = []
    if title:
        core_fields.append(f"<dc:title>{escape(title)}</dc:title>")
    if author:
        core_fields.append(f"<dc:creator>{escape(author)}</dc:creator>")
    if created:
        stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
        core_fields.append(f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>')
    core = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"{''.join(core_fields)}</cp:coreProperties>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("word/document.xml", document)
        archive.writestr("word/styles.xml", _STYLES)
        archive.writestr("docProps/core.xml", core)
    return buffer.getvalue()
