"""The briefing an analyst would send: clean Markdown from the sample, citations a reader
can follow, a Word file with real structure, and HTML that prints well."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import cmarkgfm
import docx
import pytest
from docx.document import Document as WordDocument
from markdown_it import MarkdownIt

from briefing.config import Config, load_config, save_config
from briefing.corpus.model import Article
from briefing.engine import Engine, load_library, open_engine, sentence_spans
from briefing.export.document import build_document, citation, library_path
from briefing.export.docx import render_docx
from briefing.export.html import render_html
from briefing.export.markdown import render_briefing
from briefing.export.writer import export_briefing
from briefing.notes.model import Anchor, Note, SourceValue
from tests.conftest import REPO
from tests.unit.test_export import (
    HOSTILE,
    WHEN,
    hostile_articles,
    hostile_notes,
    parse,
    source_items,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
CITATION = re.compile(r"\[\\\[\d+\\\]\]\(#source-\d+\)")
ANCHOR = re.compile(r'<a id="source-\d+"></a>')


# -- the sample's briefing ----------------------------------------------------------------


@pytest.fixture
def sample_engine() -> Iterator[Engine]:
    """The bundled sample, indexed, with notes of every kind written through the engine:
    the first two sentences of each article quoted, and a conflict pinned from a
    comparison, as an analyst would."""
    engine = open_engine(load_library("default"))
    notes = engine.notes()
    notes.set_title("Strikes in Syria and Iraq: how five outlets told it")
    notes.add(kind="summary", comment="US strikes followed the Jordan attack; tolls differ.")
    notes.add(kind="judgment", comment="More strikes are likely.", confidence="moderate")
    for prefix in ("000", "001", "002", "003", "004"):
        article = engine.article(engine.resolve(prefix))
        assert article is not None
        spans = sentence_spans(article.body)
        start, end = spans[0][0], spans[min(1, len(spans) - 1)][1]
        notes.add(
            kind="evidence",
            comment=f"What {article.source or 'this outlet'} leads with.",
            article_id=article.id,
            anchor=notes.anchor_for(article.body, start, end),
            tags=("first lines",),
        )
    comparison = engine.compare([engine.resolve("002"), engine.resolve("004")])
    group = next(g for g in comparison.facts if g.conflict)
    by_article: dict[str, list[str]] = {}
    sentences: dict[str, str] = {}
    for fact in group.facts:  # one value per source, as the app pins it
        by_article.setdefault(fact.article_id, []).append(fact.text)
        sentences.setdefault(fact.article_id, fact.sentence)
    notes.add(
        kind="discrepancy",
        comment=group.reason,
        what=group.key,
        values=[SourceValue(a, "; ".join(t), sentences[a]) for a, t in by_article.items()],
    )
    notes.add(kind="question", comment="Who fired first?", article_id=engine.resolve("003"))
    yield engine
    engine.close()


def _prose(markdown: str) -> str:
    """The briefing without its own citation links and anchors."""
    return ANCHOR.sub("", CITATION.sub("", markdown))


def test_the_sample_briefing_reads_as_plain_unescaped_prose(sample_engine: Engine) -> None:
    _, _, markdown = sample_engine.render_briefing(WHEN)
    assert "\\" not in _prose(markdown), [
        line for line in _prose(markdown).splitlines() if "\\" in line
    ]
    # Every source is cited by where it is in the library, never by a path on this machine.
    tokens, _ = parse(markdown)
    items = source_items(tokens)
    assert len(items) == 5
    assert all(re.search(r", sample_corpus/00\d_[0-9a-f]{16}\.txt$", item) for item in items)
    assert "site-packages" not in markdown and str(REPO) not in markdown


def test_the_sample_briefing_shows_the_same_on_github(sample_engine: Engine) -> None:
    """cmark-gfm (GitHub) and markdown-it-py (the HTML export, the app's preview) show
    the same text and the same links."""
    _, _, markdown = sample_engine.render_briefing(WHEN)
    github = cmarkgfm.github_flavored_markdown_to_html(markdown)
    ours = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)

    def text(page: str) -> str:
        return " ".join(re.sub(r"<[^>]*>", " ", page).split())

    def hrefs(page: str) -> list[str]:
        return re.findall(r'href="([^"]*)"', page)

    assert text(github) == text(ours)
    assert hrefs(github) == hrefs(ours)
    assert "<em>" not in github and "<del>" not in github and "<code>" not in github


def test_the_preview_is_what_the_export_writes(sample_engine: Engine, tmp_path: Path) -> None:
    target = tmp_path / "b.md"
    sample_engine.export_briefing(target)
    _, _, preview = sample_engine.render_briefing(datetime.now())
    written = target.read_text(encoding="utf-8")
    generated = re.compile(r"Generated \d{4}-\d\d-\d\d \d\d:\d\d")
    assert generated.sub("", written) == generated.sub("", preview)


# -- citations ------------------------------------------------------------------------------


def _article(**fields: object) -> Article:
    base: dict[str, object] = {
        "id": "reports/2024/feb/story.txt",
        "title": "Strikes hit 85 targets",
        "source": "Wire",
        "author": "A. Writer",
        "published": date(2024, 2, 3),
        "url": None,
        "body": "",
        "path": "/home/analyst/reports/2024/feb/story.txt",
    }
    base.update(fields)
    return Article(**base)  # type: ignore[arg-type]


def test_a_citation_gives_the_url_when_known() -> None:
    article = _article(url="https://wire.example/strikes")
    tokens, _ = parse(render_briefing("T", [_cited(article)], {article.id: article}, WHEN))
    assert source_items(tokens) == [
        "Wire, “Strikes hit 85 targets”, A. Writer, 2024-02-03, https://wire.example/strikes"
    ]


def test_a_citation_gives_the_path_in_the_library_otherwise() -> None:
    article = _article()
    assert library_path(article) == "reports/2024/feb/story.txt"
    tokens, _ = parse(render_briefing("T", [_cited(article)], {article.id: article}, WHEN))
    assert source_items(tokens)[0].endswith(", 2024-02-03, reports/2024/feb/story.txt")
    # A multi-article file: the file, not the item's key.
    item = _article(id="feeds/wire.rss#3f2a9c", path="/data/feeds/wire.rss")
    assert library_path(item) == "feeds/wire.rss"
    # A file name with a '#' of its own keeps it.
    odd = _article(id="notes/a#b.txt", path="/x/notes/a#b.txt")
    assert library_path(odd) == "notes/a#b.txt"


def test_a_web_page_is_cited_with_the_day_it_was_fetched() -> None:
    page = _article(
        id="web/pages/9f1c.html",
        path="/data/web/pages/9f1c.html",
        url="https://news.example/a",
        published=None,
        fetched=datetime(2026, 11, 30, 22, 5),
    )
    text = "".join(str(part) for part in citation(page, page.id))
    assert text.startswith("Wire, “Strikes hit 85 targets”, A. Writer, undated, ")
    tokens, _ = parse(render_briefing("T", [_cited(page)], {page.id: page}, WHEN))
    assert source_items(tokens)[0].endswith(", undated, https://news.example/a, fetched 2026-11-30")


def test_a_pdf_quote_is_cited_with_its_page() -> None:
    body = "First page text.\nSecond page: the strike hit 85 targets."
    pdf = _article(id="docs/report.pdf", path="/d/docs/report.pdf", body=body, pages=(0, 17))
    quote = "the strike hit 85 targets"
    start = body.index(quote)
    note = Note(1, "evidence", "Counted.", pdf.id, Anchor(quote, "", "", start, start + 25))
    markdown = render_briefing("T", [note], {pdf.id: pdf}, WHEN)
    assert "Counted. [\\[1\\]](#source-1), p. 2" in markdown
    tokens, _ = parse(markdown)
    assert source_items(tokens)[0].endswith(", docs/report.pdf")


def _cited(article: Article) -> Note:
    return Note(1, "question", "Is it right?", article.id)


# -- Word -----------------------------------------------------------------------------------


def _word(notes: list[Note], articles: dict[str, Article], author: str = "") -> WordDocument:
    data = render_docx(build_document("Strikes & <tolls>", notes, articles, WHEN, author))
    return docx.Document(io.BytesIO(data))


def _sample_notes_and_articles(engine: Engine) -> tuple[list[Note], dict[str, Article]]:
    notes = engine.notes().list()
    return notes, engine.articles_for(notes)


def test_word_has_heading_styles_quotes_and_properties(sample_engine: Engine) -> None:
    notes, articles = _sample_notes_and_articles(sample_engine)
    word = _word(notes, articles, author="Ana Diaz")
    styled = [(p.style.name, p.text) for p in word.paragraphs if p.style is not None]
    headings = [(s, t) for s, t in styled if s.startswith(("Heading", "Title"))]
    assert headings == [
        ("Title", "Strikes & <tolls>"),
        ("Heading 1", "Bottom line up front"),
        ("Heading 1", "Key judgments"),
        ("Heading 1", "Evidence"),
        ("Heading 2", "first lines"),
        ("Heading 1", "Discrepancies"),
        ("Heading 1", "Open questions"),
        ("Heading 1", "Sources"),
    ]
    quoted = " ".join(" ".join(t.split()) for s, t in styled if s == "Quote")
    for note in (n for n in notes if n.kind == "evidence"):
        assert note.anchor is not None
        for line in filter(str.strip, note.anchor.quote.splitlines()):
            assert " ".join(line.split()) in quoted
    assert ("List Bullet", "More strikes are likely. (moderate confidence)") in styled
    assert ("Subtitle", "Generated 2024-06-01 09:30 by Ana Diaz") in styled
    properties = word.core_properties
    assert properties.title == "Strikes & <tolls>"
    assert properties.author == "Ana Diaz"
    assert properties.created == WHEN.astimezone(UTC)


def test_word_discrepancies_are_a_table(sample_engine: Engine) -> None:
    notes, articles = _sample_notes_and_articles(sample_engine)
    word = _word(notes, articles)
    assert len(word.tables) == 1
    table = word.tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    pinned = next(n for n in notes if n.kind == "discrepancy")
    assert rows[0][0] == "What" and rows[0][-1] == "Sentences"
    columns = dict.fromkeys(v.article_id for v in pinned.values)
    assert rows[0][1:-1] == [articles[a].source or articles[a].title for a in columns]
    assert rows[1][0] == f"{pinned.what} — {pinned.comment}"
    assert [v.value for v in pinned.values] == rows[1][1:-1]
    assert all(f"“{v.sentence}”" in rows[1][-1] for v in pinned.values)
    assert table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None


def test_word_citations_link_to_bookmarked_numbered_sources(sample_engine: Engine) -> None:
    notes, articles = _sample_notes_and_articles(sample_engine)
    word = _word(notes, articles)
    body = word.element.body
    bookmarks = {b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")}
    anchors = [h.get(f"{W}anchor") for h in body.iter(f"{W}hyperlink")]
    assert bookmarks == {f"source_{n}" for n in range(1, 6)}
    assert anchors and set(anchors) == bookmarks
    texts = ["".join(t.text or "" for t in h.iter(f"{W}t")) for h in body.iter(f"{W}hyperlink")]
    assert all(re.fullmatch(r"\[\d\]", t) for t in texts)
    sources = [p.text for p in word.paragraphs if re.match(r"\d\. ", p.text)]
    assert [s.split(".")[0] for s in sources] == ["1", "2", "3", "4", "5"]
    assert all(re.search(r"sample_corpus/00\d_[0-9a-f]{16}\.txt$", s) for s in sources)


def test_word_keeps_hostile_text_as_text() -> None:
    word = _word(hostile_notes(), hostile_articles())
    headings = [p.text for p in word.paragraphs if p.style and p.style.name.startswith("Heading")]
    assert headings == [
        "Bottom line up front",
        "Key judgments",
        "Evidence",
        " ".join(HOSTILE.split()).replace("\x00", "").replace("\x1b", ""),
        "Other",
        "Discrepancies",
        "Open questions",
        "Sources",
    ]
    assert len(word.tables) == 1 and len(word.tables[0].rows) == 2
    external = [
        rel.target_ref for rel in word.part.rels.values() if rel.reltype.endswith("/hyperlink")
    ]
    assert external == ["https://example.org/a_(b)?q=1&r=[2]#frag"]


def test_word_export_writes_a_file_word_opens(tmp_path: Path) -> None:
    path = export_briefing([], {}, tmp_path / "b.docx", "T", "docx", force=False, author="Li")
    word = docx.Document(str(path))
    assert word.paragraphs[0].text == "T" and word.core_properties.author == "Li"


# -- HTML for print -------------------------------------------------------------------------


def test_html_prints_cleanly() -> None:
    article = _article(url="https://wire.example/strikes")
    markdown = render_briefing("T", [_cited(article)], {article.id: article}, WHEN)
    page = render_html(markdown, "T")
    css = page.split("@media print", 1)[1]
    assert "h2 ~ h2 { break-before: page;" in css  # each section after the first
    assert "blockquote, tr, li, p { break-inside: avoid;" in css  # no cut quotes
    assert 'content: " (" attr(href) ")"' in css  # the address after a link
    assert "thead { display: table-header-group; }" in css
    # A link that shows its own address is not followed by a second copy.
    assert 'href="https://wire.example/strikes" class="address"' in page


# -- the author, the command line -----------------------------------------------------------


def test_the_author_comes_from_the_config(sample_engine: Engine, tmp_path: Path) -> None:
    save_config(Config(author="Ana Diaz"))
    assert load_config().author == "Ana Diaz"
    _, _, markdown = sample_engine.render_briefing(WHEN)
    assert "\n\nGenerated 2024-06-01 09:30 by Ana Diaz\n\n" in markdown
    path = sample_engine.export_briefing(tmp_path / "b.docx")
    assert docx.Document(str(path)).core_properties.author == "Ana Diaz"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def test_cli_exports_word_by_format_and_by_name(tmp_path: Path) -> None:
    by_format = run("export", "--format", "docx", cwd=tmp_path)
    assert by_format.returncode == 0, by_format.stderr
    assert by_format.stdout.strip() == str(tmp_path / "briefing.docx")
    assert docx.Document(str(tmp_path / "briefing.docx")).paragraphs[0].text == "Briefing"
    by_name = run("export", "-o", "out/week.DOCX", "--title", "Week 23", cwd=tmp_path)
    assert by_name.returncode == 0, by_name.stderr
    word = docx.Document(str(tmp_path / "out" / "week.DOCX"))
    assert word.paragraphs[0].style is not None
    assert (word.paragraphs[0].style.name, word.paragraphs[0].text) == ("Title", "Week 23")
    assert word.core_properties.title == "Week 23"
