"""PDF and Word documents through the command line: indexed, searched, cited by page."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from tests.documents import Page, make_docx, make_pdf, prose
from tests.unit.test_cli import run


def test_pdf_and_docx_are_searchable_with_titles_and_page_citations(tmp_path: Path) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    page_two = "The zeppelin hangar at Friedrichshafen was inspected by engineers."
    pages = [
        Page([prose(1, 120), prose(2, 80)], columns=2, heading="Airship report"),
        Page([page_two, prose(3, 80)], columns=2),
    ]
    (folder / "report.pdf").write_bytes(
        make_pdf(pages, title="Airship hangar inspection", author="Jane Roe", header="Ledger")
    )
    (folder / "memo.docx").write_bytes(
        make_docx(
            [("para", "The quokka census counted 412 animals."), ("item", "Rottnest Island")],
            title="Quokka census",
            author="Li Wei",
            created=datetime(2024, 5, 1),
        )
    )
    (folder / "scan.pdf").write_bytes(make_pdf([Page(scanned=True)], title="A scan"))

    out = run("--library", "docs", "index", str(folder), "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["added"] == 2
    reasons = {Path(s["path"]).name: s["reason"] for s in report["skipped"]}
    assert reasons == {"scan.pdf": "scanned PDF without a text layer (no OCR)"}

    for word, title in (("zeppelin", "Airship hangar inspection"), ("quokka", "Quokka census")):
        found = json.loads(run("--library", "docs", "search", word, "--json").stdout)
        assert [hit["title"] for hit in found["hits"]] == [title], word
    text = run("--library", "docs", "search", "Friedrichshafen").stdout
    assert "Airship hangar inspection" in text

    pdf_id = json.loads(run("--library", "docs", "search", "zeppelin", "--json").stdout)["hits"][0][
        "id"
    ]
    shown = json.loads(run("--library", "docs", "show", pdf_id, "--json").stdout)
    first, second = shown["pages"]
    assert first == 0 and shown["body"].index("zeppelin hangar") >= second
    assert "zeppelin" not in shown["body"][:second]
    added = run(
        "--library",
        "docs",
        "notes",
        "add",
        pdf_id,
        "--quote",
        "zeppelin hangar at Friedrichshafen",
        "--comment",
        "Hangar checked",
        "--kind",
        "evidence",
    )
    assert added.returncode == 0, added.stderr
    briefing = tmp_path / "briefing.md"
    out = run("--library", "docs", "export", "-o", str(briefing))
    assert out.returncode == 0, out.stderr
    assert "Hangar checked [\\[1\\]](#source-1), p. 2" in briefing.read_text(encoding="utf-8")
