"""PDF and Word documents read as articles: metadata, reading order, pages, bad files."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from briefing.corpus.formats.pdf import SCANNED
from briefing.corpus.ingest import SourceFile, ingest_file
from briefing.corpus.model import Article, FileResult
from briefing.corpus.pages import mark_pages, page_label, page_of, unmark_pages
from briefing.export.markdown import render_briefing
from briefing.notes.model import Anchor, Note
from tests.documents import Page, make_docx, make_pdf, prose

HEADER = "The Daily Ledger · Analysis"


def ingest(tmp_path: Path, name: str, data: bytes) -> FileResult:
    path = tmp_path / name
    path.write_bytes(data)
    return ingest_file(SourceFile(path, "lib", name))


def article(result: FileResult) -> Article:
    assert result.skipped is None, result.skipped
    assert len(result.articles) == 1
    return result.articles[0]


def words(text: str) -> str:
    return " ".join(text.split())


def report(
    order: str = "column", title: str | None = "Floods displace thousands"
) -> tuple[bytes, dict[int, list[str]]]:
    """Three pages of two columns each, a heading on page 1, head, foot, metadata."""
    paragraphs = {p: [prose(p * 100 + i, 70) for i in range(8)] for p in range(1, 4)}
    pages = [
        Page(paragraphs[p], columns=2, heading="Floods in the north" if p == 1 else None)
        for p in range(1, 4)
    ]
    data = make_pdf(
        pages,
        title=title,
        author="Jane Roe",
        created=datetime(2024, 3, 5, 10, 30),
        header=HEADER,
        order=order,
    )
    return data, paragraphs


# --- PDF ------------------------------------------------------------------------------


@pytest.mark.parametrize("order", ["column", "row"])
def test_pdf_two_columns_read_in_order_without_running_heads(tmp_path: Path, order: str) -> None:
    """Drawn column by column or line by line across the page, the text reads column 1
    then column 2, page after page; hyphenated line ends are whole words again; the
    running head and the "Page N of M" foot are gone; metadata gives title, author, date."""
    data, paragraphs = report(order)
    found = article(ingest(tmp_path, "report.pdf", data))
    assert found.title == "Floods displace thousands"
    assert found.author == "Jane Roe"
    assert found.published == date(2024, 3, 5)
    assert found.inferred == frozenset()
    expected = [text for p in (1, 2, 3) for text in paragraphs[p]]
    # The heading differs from the metadata title, so it stays, first.
    assert words(found.body) == words("Floods in the north " + " ".join(expected))
    assert "Daily Ledger" not in found.body and "Page" not in found.body
    # The hyphenator split long words at line ends: each is whole again.
    assert "-" not in found.body
    assert len(found.pages) == 3 and found.pages[0] == 0
    for p in (2, 3):
        start = found.pages[p - 1]
        assert found.body[start:].startswith(paragraphs[p][0][:40])
        assert page_of(found.pages, start) == p
        assert page_of(found.pages, start - 5) == p - 1


def test_pdf_without_metadata_title_takes_its_heading(tmp_path: Path) -> None:
    """No title in the metadata: the large first line is the title (inferred) and leaves
    the text; reportlab's "anonymous" author is no author; one column, two pages."""
    paragraphs = [prose(i, 90) for i in range(6)]
    pages = [Page(paragraphs[:3], heading="Ceasefire talks resume in Doha"), Page(paragraphs[3:])]
    data = make_pdf(pages, header=HEADER)
    found = article(ingest(tmp_path, "note.pdf", data))
    assert found.title == "Ceasefire talks resume in Doha"
    assert "title" in found.inferred
    assert found.author is None
    assert words(found.body) == words(" ".join(paragraphs))


def test_scanned_pdf_is_reported_not_indexed_empty(tmp_path: Path) -> None:
    data = make_pdf([Page(scanned=True), Page(scanned=True)], title="Scan of a letter")
    result = ingest(tmp_path, "scan.pdf", data)
    assert result.skipped == SCANNED == "scanned PDF without a text layer (no OCR)"
    assert result.articles == []


def test_pdf_with_one_scanned_page_keeps_the_others_and_says_which(tmp_path: Path) -> None:
    first, last = prose(1, 40), prose(3, 40)
    data = make_pdf([Page([first]), Page(scanned=True), Page([last])], title="Mixed")
    found = article(ingest(tmp_path, "mixed.pdf", data))
    assert words(found.body) == words(f"{first} {last}")
    assert "page 2: no text layer (no OCR)" in found.warnings
    # Page 2 is empty: it starts where page 3 does, and no offset is on it.
    assert found.pages[1] == found.pages[2] > 0
    assert page_of(found.pages, found.pages[2]) == 3


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%PDF-1.4\n%garbage that is no PDF at all\n", "not a readable PDF"),
        (b"\x00\x01\x02 definitely not a pdf", "not a readable PDF"),
        (b"   \n", "empty file"),
    ],
)
def test_broken_pdf_is_one_line_reason(tmp_path: Path, data: bytes, reason: str) -> None:
    result = ingest(tmp_path, "broken.pdf", data)
    assert result.skipped is not None and result.skipped.startswith(reason)
    assert "\n" not in result.skipped


def test_truncated_pdf_does_not_crash(tmp_path: Path) -> None:
    data, _ = report()
    for cut in (len(data) // 3, len(data) // 2, len(data) - 40):
        result = ingest(tmp_path, f"cut{cut}.pdf", data[:cut])
        assert (result.skipped is None) != (not result.articles)
        if result.skipped is not None:
            assert "\n" not in result.skipped


def test_encrypted_pdf_is_reported(tmp_path: Path) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    path = tmp_path / "secret.pdf"
    pdf = canvas.Canvas(str(path), encrypt=StandardEncryption("user-pw", "owner-pw"))
    pdf.drawString(100, 700, "Classified text")
    pdf.save()
    result = ingest_file(SourceFile(path, "lib", "secret.pdf"))
    assert result.skipped == "encrypted PDF (a password is needed to read it)"


# --- pages ----------------------------------------------------------------------------


def test_page_marks_survive_cleaning_and_hostile_marks_are_removed() -> None:
    hostile = "\U000f0003"  # page 3's mark, typed into page 1's text
    body = f"Page one text{hostile}.\n\nPage two text."
    marked = mark_pages(body, (0, body.index("Page two")))
    text, starts = unmark_pages(marked.replace("\n\n", "\n\n\n"), 2)
    assert text == "Page one text.\n\n\nPage two text."
    assert starts == (0, text.index("Page two"))
    # A page whose mark was lost with its text starts where the next page found does.
    text, starts = unmark_pages("\U000f0001one\U000f0003three", 3)
    assert text == "onethree" and starts == (0, 3, 3)


def test_page_labels() -> None:
    starts = (0, 100, 250)
    assert page_label(starts, 10, 20) == "p. 1"
    assert page_label(starts, 90, 110) == "pp. 1–2"
    assert page_label(starts, 100, 250) == "p. 2"
    assert page_label(starts, 240, 300) == "pp. 2–3"
    assert page_label((), 0, 5) is None


def test_briefing_citation_gives_the_page_of_the_quote() -> None:
    body = "First page text here. " * 5 + "Second page words. " * 5
    second = body.index("Second")
    paged = Article("lib/r.pdf", "Report", None, None, None, None, body, "r.pdf", pages=(0, second))
    plain = Article("lib/a.txt", "Plain", None, None, None, None, body, "a.txt")

    def note(n: int, article_id: str, start: int, end: int) -> Note:
        anchor = Anchor(body[start:end], "", "", start, end)
        return Note(n, "evidence", f"comment {n}", article_id, anchor, order=n)

    notes = [
        note(1, paged.id, second + 2, second + 20),
        note(2, paged.id, second - 8, second + 6),
        note(3, plain.id, 0, 10),
        # Offsets gone stale: the quote is found again where it is now.
        Note(4, "evidence", "comment 4", paged.id, Anchor("Second page", "", "", 3, 14), order=4),
    ]
    markdown = render_briefing("B", notes, {paged.id: paged, plain.id: plain}, datetime(2024, 1, 1))
    assert "comment 1 [\\[1\\]](#source-1), p. 2" in markdown
    assert "comment 2 [\\[1\\]](#source-1), pp. 1–2" in markdown
    assert "comment 3 [\\[2\\]](#source-2)\n" in markdown
    assert "comment 4 [\\[1\\]](#source-1), p. 2" in markdown


# --- Word -----------------------------------------------------------------------------


def test_docx_core_properties_headings_lists_tables_in_order(tmp_path: Path) -> None:
    data = make_docx(
        [
            ("title", "Grain exports resume"),
            ("para", "Ships left Odesa on Tuesday."),
            ("heading", "What changed"),
            ("item", "Insurance costs fell"),
            ("item", "Two corridors reopened"),
            ("table", [["Port", "Ships"], ["Odesa", "12"], ["Pivdennyi", "4 | 5"]]),
            ("para", "Officials expect more sailings."),
        ],
        title="Grain exports resume",
        author="Ana Diaz; Li Wei",
        created=datetime(2023, 8, 16, 9, 0),
        deleted="This sentence was deleted.",
    )
    found = article(ingest(tmp_path, "memo.docx", data))
    assert found.title == "Grain exports resume"
    assert found.author == "Ana Diaz, Li Wei"
    assert found.published == date(2023, 8, 16)
    assert found.inferred == frozenset()
    assert found.pages == ()
    assert found.body.split("\n\n") == [
        "Ships left Odesa on Tuesday.",
        "What changed",
        "- Insurance costs fell",
        "- Two corridors reopened",
        "Port | Ships",
        "Odesa | 12",
        "Pivdennyi | 4 / 5",
        "Officials expect more sailings.",
    ]


def test_docx_without_core_title_takes_its_first_heading(tmp_path: Path) -> None:
    data = make_docx([("heading", "Talks stall in Geneva"), ("para", "Delegates left early.")])
    found = article(ingest(tmp_path, "talks.docx", data))
    assert found.title == "Talks stall in Geneva"
    assert "title" in found.inferred
    assert found.body == "Delegates left early."


def _zip(files: dict[str, str]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            # A fixed date: the bytes (and so the test ids pytest-xdist's workers compare)
            # must not depend on the minute the tests are collected in.
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


BOMB = (
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><d>&b;</d>'
)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"not a zip at all", "not a Word document (not a zip archive)"),
        (_zip({"word/other.xml": "<x/>"}), "not a Word document (no word/document.xml)"),
        (_zip({"word/document.xml": "<w:document"}), "damaged Word document"),
        (_zip({"word/document.xml": BOMB}), "Word document part word/document.xml declares"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "encrypted Word document"),
    ],
    ids=["not-zip", "no-document", "damaged", "dtd", "encrypted"],
)
def test_broken_docx_is_one_line_reason(tmp_path: Path, data: bytes, reason: str) -> None:
    result = ingest(tmp_path, "bad.docx", data)
    assert result.skipped is not None and result.skipped.startswith(reason), result.skipped
    assert "\n" not in result.skipped


def test_docx_zip_bomb_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A part that decompresses past the cap is refused, read no further than the cap."""
    from briefing.corpus.formats import docx

    monkeypatch.setattr(docx, "MAX_DOCUMENT_XML", 1024 * 1024)
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<a>" + " " * (8 * 1024 * 1024) + "</a>")
    assert len(buffer.getvalue()) < 64 * 1024
    result = ingest(tmp_path, "bomb.docx", buffer.getvalue())
    assert result.skipped == "Word document part word/document.xml over 1 MB; not read"


def test_other_formats_never_import_the_pdf_library(tmp_path: Path) -> None:
    """Indexing text, Markdown or HTML pays nothing for PDFs: pypdfium2 is imported only
    when a PDF is read."""
    import subprocess
    import sys

    from tests.conftest import REPO

    (tmp_path / "a.txt").write_text("A title\n\nSome text about zeppelins.", encoding="utf-8")
    code = (
        "import sys; from pathlib import Path\n"
        "from briefing.corpus.ingest import SourceFile, ingest_file\n"
        f"path = Path({str(tmp_path / 'a.txt')!r})\n"
        "assert ingest_file(SourceFile(path, 'lib', 'a.txt')).articles\n"
        "print('pypdfium2' in sys.modules, 'briefing.corpus.formats.pdf' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert out.stdout.split() == ["False", "False"]
