"""The briefing export: section order, citations, and untrusted text that stays text.

Every Markdown export is parsed again with markdown-it-py, and its structure (headings,
link definitions, links, block types) is compared with exactly what the notes should give.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from briefing.corpus.ingest import SourceFile, ingest_file, walk
from briefing.corpus.model import Article
from briefing.export.html import render_html
from briefing.export.markdown import (
    MISSING_ARTICLE,
    QUOTE_NOT_FOUND,
    escape_blockquote,
    escape_line,
    link,
    one_line,
    render_briefing,
)
from briefing.export.writer import export_briefing
from briefing.notes.model import Anchor, Note, SourceValue
from tests.conftest import REPO, SAMPLE

WHEN = datetime(2024, 6, 1, 9, 30)
SECTIONS = [
    "Bottom line up front",
    "Key judgments",
    "Evidence",
    "Discrepancies",
    "Open questions",
    "Sources",
]

# Everything that could open structure if it were not escaped.
NASTY = [
    "# Heading",
    "## Sources",
    "---",
    "Title\n===",
    "Title\n---",
    "```\ncode\n```",
    "~~~",
    "<script>alert(1)</script>",
    '<a id="source-1"></a>',
    "<!-- comment",
    "[1]: http://evil",
    "[x]: <http://evil> 'title'",
    "![img](http://x/y.png)",
    "[click](javascript:alert(1))",
    "<http://auto.link>",
    "line one\rline two",
    "para\u2028next\u2029last\x85end\x0bv\x0cf",
    "    indented",
    "\tindented by a tab",
    "- item",
    "* star",
    "+ plus",
    "1. one",
    "2) two",
    "> quoted",
    "| a | b |",
    "a | b\n--- | ---",
    "back\\slash\\",
    "hard break  \nnext",
    "*emph* _emph_ **strong** ~~strike~~ `code`",
    "&amp; &#60; &lt;script&gt;",
    "<div>block</div>",
    "***",
    "___",
    "[[1]](#source-1)",
    "$x$ and $$y$$",
    "nul\x00byte and \x1b[31mansi",
]
HOSTILE = "\n".join(NASTY)


# -- helpers ---------------------------------------------------------------------------


def parse(text: str) -> tuple[list[Token], dict[str, Any]]:
    """Tokens and env of ``text`` as a CommonMark + GFM tables viewer reads it."""
    env: dict[str, Any] = {}
    tokens = MarkdownIt("commonmark").enable("table").parse(text, env)
    return tokens, env


def walk_tokens(tokens: list[Token]) -> list[Token]:
    """Every token, inline children included."""
    out: list[Token] = []
    for token in tokens:
        out.append(token)
        if token.children:
            out.extend(walk_tokens(token.children))
    return out


def headings(tokens: list[Token]) -> list[tuple[int, str]]:
    return [
        (int(tok.tag[1]), plain(tokens[i + 1]))
        for i, tok in enumerate(tokens)
        if tok.type == "heading_open"
    ]


def plain(inline: Token) -> str:
    """The literal text a viewer shows for an inline token (soft breaks as newlines)."""
    parts = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)


def links(tokens: list[Token]) -> list[tuple[str, str]]:
    """(href, text) of every link, in document order."""
    found = []
    everything = walk_tokens(tokens)
    for i, tok in enumerate(everything):
        if tok.type == "link_open":
            text = []
            for nxt in everything[i + 1 :]:
                if nxt.type == "link_close":
                    break
                text.append(nxt.content)
            found.append((str(tok.attrGet("href")), "".join(text)))
    return found


def citations(tokens: list[Token]) -> list[int]:
    """The numbers of the ``[n]`` citations, in document order; each must link to #source-n."""
    numbers = []
    for href, text in links(tokens):
        if href.startswith("#source-"):
            n = int(href.removeprefix("#source-"))
            assert text == f"[{n}]"
            numbers.append(n)
    return numbers


def source_items(tokens: list[Token]) -> list[str]:
    """The text of each entry of the Sources list, in order."""
    start = next(
        i
        for i, t in enumerate(tokens)
        if t.type == "heading_open" and t.tag == "h2" and tokens[i + 1].content == "Sources"
    )
    items, depth = [], 0
    for tok in tokens[start:]:
        if tok.type == "list_item_open":
            depth += 1
            items.append("")
        elif tok.type == "list_item_close":
            depth -= 1
        elif tok.type == "inline" and depth:
            items[-1] += plain(tok)
    return items


def table(tokens: list[Token]) -> list[list[str]]:
    """The first table's rows of cell texts (header row first)."""
    rows: list[list[str]] = []
    inside = False
    for tok in tokens:
        if tok.type == "table_open":
            inside = True
        elif tok.type == "table_close":
            break
        elif inside and tok.type == "tr_open":
            rows.append([])
        elif inside and tok.type == "inline":
            rows[-1].append(plain(tok))
    return rows


def blockquotes(tokens: list[Token]) -> list[str]:
    """Each blockquote's literal text, paragraphs separated by a blank line."""
    quotes: list[list[str]] = []
    depth = 0
    for tok in tokens:
        if tok.type == "blockquote_open":
            depth += 1
            if depth == 1:
                quotes.append([])
        elif tok.type == "blockquote_close":
            depth -= 1
        elif tok.type == "inline" and depth:
            quotes[-1].append(plain(tok))
    return ["\n\n".join(q) for q in quotes]


def expected_quote(text: str) -> str:
    """What a quote should read as: its lines, whitespace collapsed, blank runs kept once."""
    paragraphs: list[list[str]] = [[]]
    for line in text.splitlines():
        cleaned = one_line(line)
        if cleaned:
            paragraphs[-1].append(cleaned)
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n\n".join("\n".join(p) for p in paragraphs if p)


def assert_inert(tokens: list[Token], env: dict[str, Any]) -> None:
    """No raw HTML, images, code, rules or link definitions came out of the text.

    The only raw HTML is the exporter's own: one empty anchor per source, in order,
    where the citations land on a Markdown viewer.
    """
    every = walk_tokens(tokens)
    types = {t.type for t in every}
    forbidden = {"html_block", "image", "fence", "code_block", "hr"}
    assert not types & forbidden, types & forbidden
    raw = [t.content for t in every if t.type == "html_inline"]
    count = len(raw) // 2
    expected = [x for n in range(1, count + 1) for x in (f'<a id="source-{n}">', "</a>")]
    assert raw == expected, raw
    assert env.get("references", {}) == {}


# -- fixtures --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> dict[str, Article]:
    """The sample corpus through the real ingestion pipeline."""
    found: dict[str, Article] = {}
    for item in walk(SAMPLE, "sample_corpus"):
        if isinstance(item, SourceFile):
            for article in ingest_file(item).articles:
                found[article.id] = article
    assert len(found) == 5
    return found


def ids(sample: dict[str, Article]) -> list[str]:
    return sorted(sample)


def anchor(quote: str) -> Anchor:
    return Anchor(quote=quote, prefix="", suffix="", start=0, end=len(quote))


def briefing_notes(sample: dict[str, Article]) -> list[Note]:
    """One or more notes of each kind, citing the sample articles in a known order."""
    a0, a1, a2, a3, a4 = ids(sample)
    body1 = sample[a1].body
    return [
        Note(1, "summary", "The sources agree on the strikes.\n\nThey differ on the toll."),
        Note(2, "judgment", "Strikes were retaliatory.", a3, confidence="moderate", order=1),
        Note(3, "judgment", "More strikes will follow.", confidence="low", order=2),
        Note(11, "judgment", "Lost.", a3, anchor("gone"), "high", found=False, order=2),
        Note(4, "evidence", "Claims a second round.", a1, anchor(body1[:60]), tags=("strikes",)),
        Note(5, "evidence", "Base attacked.", a2, anchor("quote gone"), found=False),
        Note(6, "evidence", "Same outlet again.", a3, anchor("x"), tags=("strikes",), order=3),
        Note(
            7,
            "discrepancy",
            "",
            what="Death toll",
            values=(
                SourceValue(a4, "dozens", "Strikes killed dozens."),
                SourceValue(a1, "18", "Eighteen were killed."),
            ),
            order=4,
        ),
        Note(8, "discrepancy", "Dates of the attack differ.", order=5),
        Note(9, "question", "Who fired the rockets?", a0, order=6),
        Note(10, "question", "Was the file deleted?", "sample_corpus/gone.txt", order=7),
    ]


# -- the document ----------------------------------------------------------------------


def test_sections_in_order_with_tag_subheadings(sample: dict[str, Article]) -> None:
    text = render_briefing("Syria strikes", briefing_notes(sample), sample, WHEN)
    tokens, env = parse(text)
    assert headings(tokens) == [
        (1, "Syria strikes"),
        (2, "Bottom line up front"),
        (2, "Key judgments"),
        (2, "Evidence"),
        (3, "strikes"),
        (3, "Other"),
        (2, "Discrepancies"),
        (2, "Open questions"),
        (2, "Sources"),
    ]
    assert "Generated 2024-06-01 09:30" in text
    assert_inert(tokens, env)
    paragraphs = [plain(t) for t in tokens if t.type == "inline"]
    assert "The sources agree on the strikes." in paragraphs
    assert "They differ on the toll." in paragraphs


def test_citations_numbered_by_first_use_and_resolve(sample: dict[str, Article]) -> None:
    a0, a1, a2, a3, a4 = ids(sample)
    text = render_briefing("T", briefing_notes(sample), sample, WHEN)
    tokens, _ = parse(text)
    numbers = citations(tokens)
    # First use: judgments a3 (twice); evidence a1 ("strikes"), a3 again, a2 ("Other");
    # the table's a4 and a1; then the questions' a0 and the missing article.
    assert numbers == [1, 1, 2, 1, 3, 4, 2, 5, 6]
    order = [a3, a1, a2, a4, a0]
    items = source_items(tokens)
    assert len(items) == 6
    for n, article_id in enumerate(order, 1):
        article = sample[article_id]
        assert article.title in items[n - 1], (n, items[n - 1])
        assert (article.source or "Unknown outlet") in items[n - 1]
    assert items[5] == f"sample_corpus/gone.txt — {MISSING_ARTICLE}"
    # The dated article shows its date; the source list is a numbered list from 1.
    assert "2024-02-04" in items[order.index(a4)]
    assert "1. " in text.split("## Sources")[1]


def test_judgments_say_confidence_in_words(sample: dict[str, Article]) -> None:
    tokens, _ = parse(render_briefing("T", briefing_notes(sample), sample, WHEN))
    texts = [plain(t) for t in tokens if t.type == "inline"]
    assert "Strikes were retaliatory. (moderate confidence) [1]" in texts
    assert "More strikes will follow. (low confidence)" in texts
    assert f"Lost. (high confidence) {QUOTE_NOT_FOUND} [1]" in texts


def test_evidence_quotes_and_missing_quotes(sample: dict[str, Article]) -> None:
    notes = briefing_notes(sample)
    tokens, _ = parse(render_briefing("T", notes, sample, WHEN))
    quotes = blockquotes(tokens)
    assert quotes == [expected_quote(sample[ids(sample)[1]].body[:60]), "x", "quote gone"]
    texts = [plain(t) for t in tokens if t.type == "inline"]
    assert f"Base attacked. {QUOTE_NOT_FOUND} [3]" in texts


def test_untagged_evidence_has_no_subheading(sample: dict[str, Article]) -> None:
    a1 = ids(sample)[1]
    notes = [Note(1, "evidence", "e", a1, anchor("q"))]
    tokens, _ = parse(render_briefing("T", notes, sample, WHEN))
    assert headings(tokens) == [(1, "T"), (2, "Evidence"), (2, "Sources")]


def test_discrepancy_table_columns_and_values(sample: dict[str, Article]) -> None:
    a4 = ids(sample)[4]
    tokens, _ = parse(render_briefing("T", briefing_notes(sample), sample, WHEN))
    rows = table(tokens)
    # The column of an article without an outlet is headed by its title.
    assert rows[0] == ["What", sample[a4].title, "Zero Hedge", "Sentences"]
    assert rows[1] == [
        "Death toll",
        "dozens",
        "18",
        "[4] “Strikes killed dozens.”; [2] “Eighteen were killed.”",
    ]
    assert rows[2] == ["Dates of the attack differ.", "—", "—", ""]
    assert all(len(r) == 4 for r in rows)


def test_two_articles_of_one_outlet_get_distinct_columns() -> None:
    def art(i: str, title: str) -> Article:
        return Article(i, title, "Outlet", None, None, None, "", i)

    articles = {"a": art("a", "First"), "b": art("b", "Second")}
    note = Note(
        1,
        "discrepancy",
        "c",
        what="w",
        values=(SourceValue("a", "1", "s1"), SourceValue("b", "2", "s2")),
    )
    tokens, _ = parse(render_briefing("T", [note], articles, WHEN))
    assert table(tokens)[0] == ["What", "Outlet: First", "Outlet: Second", "Sentences"]
    assert table(tokens)[1][0] == "w — c"


def test_empty_briefing_is_just_the_title() -> None:
    text = render_briefing("Nothing yet", [], {}, WHEN)
    tokens, env = parse(text)
    assert headings(tokens) == [(1, "Nothing yet")]
    assert text == "# Nothing yet\n\nGenerated 2024-06-01 09:30\n"
    assert_inert(tokens, env)


# -- untrusted text --------------------------------------------------------------------


def hostile_articles() -> dict[str, Article]:
    return {
        "evil/1": Article(
            "evil/1",
            title="Title\n# Injected heading\r===\n[1]: http://evil",
            source="<script>alert(1)</script> | Outlet",
            author="- author\n    code",
            published=date(2024, 1, 2),
            url="javascript:alert(1)",
            body="",
            path="evil/1.txt",
        ),
        "evil/2": Article(
            "evil/2",
            title="![img](http://x/y.png) `tick`",
            source="Pipe | Outlet\n---",
            author=None,
            published=None,
            url="https://example.org/a_(b)?q=1&r=[2]#frag",
            body="",
            path="evil/2.txt",
        ),
        "evil/3": Article(
            "evil/3",
            title="Data",
            source=None,
            author=None,
            published=None,
            url="data:text/html,<script>alert(1)</script>",
            body="",
            path="evil/3.txt",
        ),
    }


def hostile_notes() -> list[Note]:
    return [
        Note(1, "summary", HOSTILE),
        Note(2, "judgment", HOSTILE, "evil/1", anchor(HOSTILE), confidence="high", order=1),
        Note(3, "evidence", HOSTILE, "evil/1", anchor(HOSTILE), tags=(HOSTILE,), order=2),
        Note(4, "evidence", "ok", "evil/2", anchor("> already quoted\n\n\n- x"), order=3),
        Note(
            5,
            "discrepancy",
            HOSTILE,
            what=HOSTILE,
            values=(
                SourceValue("evil/1", "| a | b |", HOSTILE),
                SourceValue("evil/2", "1\n2", "`|`"),
                SourceValue("evil/3", "\\|", "x"),
            ),
            order=4,
        ),
        Note(6, "question", HOSTILE, "evil/3", order=5),
    ]


def test_hostile_text_cannot_change_the_structure() -> None:
    title = "Briefing\n# Not a heading\r\n---\n<script>x</script>"
    text = render_briefing(title, hostile_notes(), hostile_articles(), WHEN)
    tokens, env = parse(text)
    assert headings(tokens) == [
        (1, one_line(title)),
        *[(2, s) for s in SECTIONS[:3]],
        (3, one_line(HOSTILE)),
        (3, "Other"),
        *[(2, s) for s in SECTIONS[3:]],
    ]
    assert_inert(tokens, env)
    # Links: only the citations and the one safe URL; javascript: and data: stay text.
    hrefs = {href for href, _ in links(tokens)}
    assert hrefs == {
        "#source-1",
        "#source-2",
        "#source-3",
        "https://example.org/a_(b)?q=1&r=%5B2%5D#frag",
    }
    assert citations(tokens) == [1, 1, 2, 1, 2, 3, 3]
    # Lists: the judgment, the question and the sources, one item per entry.
    items = [t for t in tokens if t.type == "list_item_open"]
    assert len(items) == 1 + 1 + 3
    assert sum(t.type == "table_open" for t in tokens) == 1
    assert sum(t.type == "blockquote_open" for t in tokens) == 2


def test_hostile_text_survives_literally() -> None:
    text = render_briefing("T", hostile_notes(), hostile_articles(), WHEN)
    tokens, _ = parse(text)
    assert blockquotes(tokens) == [expected_quote(HOSTILE), "> already quoted\n\n- x"]
    inline = [plain(t) for t in tokens if t.type == "inline"]
    flat = one_line(HOSTILE)
    assert f"{flat} (high confidence) [1]" in inline  # the judgment
    assert f"{flat} [3]" in inline  # the question
    rows = table(tokens)
    assert len(rows) == 2 and all(len(r) == 5 for r in rows)
    assert rows[0][1:4] == [
        "<script>alert(1)</script> | Outlet",
        "Pipe | Outlet ---",
        "Data",
    ]
    assert rows[1][:4] == [f"{flat} — {flat}", "| a | b |", "1 2", "\\|"]
    assert rows[1][4] == f"[1] “{flat}”; [2] “`|`”; [3] “x”"
    sources = source_items(tokens)
    assert sources[0].startswith("<script>alert(1)</script> | Outlet, “Title # Injected")
    assert sources[0].endswith("2024-01-02, javascript:alert(1)")
    assert sources[2].endswith("data:text/html,<script>alert(1)</script>")
    # Rendered, the markup shows as text.
    html = render_html(text, "T")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html
    assert "&lt;!-- comment" in html
    assert "[1]: http://evil" in html
    assert "![img](http://x/y.png)" in html
    assert 'href="javascript' not in html and 'href="data' not in html


def test_escape_line_round_trips_random_hostile_text() -> None:
    """Whatever the characters, one escaped line parses back as exactly that text."""
    alphabet = [
        *"\\`*_{}[]<>()#+-.!|~=&$:;'\"/?@^%,0123456789aZ \t\r\n",
        "\u2028",
        "\x00",
        "&amp;",
        "&#x3C;",
        "http://x",
        "javascript:",
        "<!--",
        "-->",
        "]: ",
    ]
    rng = random.Random(1234)
    for _ in range(800):
        raw = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 24)))
        if not one_line(raw):
            continue
        for wrap in ("{}", "- {}", "# {}", "| {} |\n| --- |\n| {} |"):
            tokens, env = parse(wrap.format(escape_line(raw), escape_line(raw)))
            assert_inert(tokens, env)
            inline = [plain(t) for t in tokens if t.type == "inline"]
            assert inline == [one_line(raw)] * len(inline) and inline, (raw, wrap)
        tokens, env = parse(escape_blockquote(raw))
        assert_inert(tokens, env)
        if expected_quote(raw):
            assert blockquotes(tokens) == [expected_quote(raw)], raw


def test_only_web_and_mail_urls_become_links() -> None:
    assert link("https://a.example/x") == "[https://a.example/x](<https://a.example/x>)"
    assert link("mailto:desk@example.org").startswith("[mailto:")
    for bad in (
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,x",
        "vbscript:x",
        "file:///etc/passwd",
        "http://a b",
        "http://a>b",
        "http:no-host",
        "//example.org",
    ):
        tokens, _ = parse(link(bad))
        assert links(tokens) == [], bad
        assert plain(tokens[1]) == bad


# -- HTML --------------------------------------------------------------------------------


def test_html_is_standalone_and_citations_resolve(sample: dict[str, Article]) -> None:
    text = render_briefing("Syria & <strikes>", briefing_notes(sample), sample, WHEN)
    html = render_html(text, "Syria & <strikes>")
    assert html.startswith("<!DOCTYPE html>\n<html")
    assert '<meta charset="utf-8">' in html
    assert "<title>Syria &amp; &lt;strikes&gt;</title>" in html
    assert "<style>" in html and "border" in html
    assert "<script" not in html and "src=" not in html
    assert "<table>" in html and "<blockquote>" in html
    for n in range(1, 7):
        assert f'href="#source-{n}"' in html
        assert html.count(f'id="source-{n}"') == 1
    assert 'id="source-7"' not in html


def test_html_of_hostile_notes_has_no_script() -> None:
    title = "</title><script>alert(1)</script>"
    html = render_html(render_briefing(title, hostile_notes(), hostile_articles(), WHEN), title)
    assert "<script" not in html.lower()
    assert "<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>" in html
    assert "<img" not in html and "<!--" not in html


# -- writing the file ------------------------------------------------------------------


def test_export_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "briefing.md"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(FileExistsError, match=r"exists; use --force to overwrite$"):
        export_briefing([], {}, path, "New", "md", force=False)
    assert path.read_text(encoding="utf-8") == "old"
    assert export_briefing([], {}, path, "New", "md", force=True) == path
    assert path.read_text(encoding="utf-8").startswith("# New\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["briefing.md"]


def test_export_writes_new_files_and_html(tmp_path: Path) -> None:
    md = export_briefing([], {}, tmp_path / "sub" / "b.md", "T", "md", force=False)
    assert md.read_text(encoding="utf-8").startswith("# T\n")
    page = export_briefing([], {}, tmp_path / "b.html", "T", "html", force=False)
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("force", [True, False])
def test_failed_export_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, force: bool
) -> None:
    path = tmp_path / "briefing.md"
    if force:
        path.write_text("previous briefing", encoding="utf-8")

    def broken(*args: object) -> None:
        raise OSError(28, "No space left on device")

    # The data is written and synced; the final rename (or link) fails.
    monkeypatch.setattr(os, "replace", broken)
    monkeypatch.setattr(os, "link", broken)
    with pytest.raises(OSError, match="No space left"):
        export_briefing([], {}, path, "New", "md", force=force)
    if force:
        assert path.read_text(encoding="utf-8") == "previous briefing"
    else:
        assert not path.exists()
    assert [p.name for p in tmp_path.iterdir()] == (["briefing.md"] if force else [])


def test_failed_write_before_rename_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "briefing.md"
    path.write_text("previous briefing", encoding="utf-8")

    def broken(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError, match="Input/output"):
        export_briefing([], {}, path, "New", "md", force=True)
    assert path.read_text(encoding="utf-8") == "previous briefing"
    assert [p.name for p in tmp_path.iterdir()] == ["briefing.md"]


# -- the command -----------------------------------------------------------------------


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # BRIEFING_HOME comes from the autouse fixture through os.environ.
    return subprocess.run(
        [sys.executable, "-m", "briefing", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def test_cli_export_on_empty_notes(tmp_path: Path) -> None:
    out = run("export", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    path = tmp_path / "briefing.md"
    assert out.stdout.strip() == str(path)
    tokens, env = parse(path.read_text(encoding="utf-8"))
    assert headings(tokens) == [(1, "Briefing")]
    assert_inert(tokens, env)

    again = run("export", cwd=tmp_path)
    assert again.returncode == 1
    assert again.stderr == f"briefing: error: {path} exists; use --force to overwrite\n"

    forced = run("export", "--force", "--title", "Week 23", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert path.read_text(encoding="utf-8").startswith("# Week 23\n")

    page = run("export", "--format", "html", "-o", "out/b.html", cwd=tmp_path)
    assert page.returncode == 0, page.stderr
    assert (tmp_path / "out" / "b.html").read_text(encoding="utf-8").startswith("<!DOCTYPE")
    html = run("export", "--format", "html", cwd=tmp_path)
    assert html.returncode == 0 and (tmp_path / "briefing.html").exists()


def test_cli_export_cites_library_articles(tmp_path: Path) -> None:
    from briefing.index.library import load_library
    from briefing.notes.store import NoteStore

    library = load_library("default")
    with NoteStore.open(library.notes_path) as store:
        store.set_title("Syria | strikes")
        store.add(
            kind="evidence",
            comment="Second round.",
            article_id="sample_corpus/001_a5d3fec521d4c157.txt",
        )
        store.add(kind="question", comment="Deleted?", article_id="sample_corpus/gone.txt")
    out = run("export", "-o", "b.md", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    tokens, _ = parse((tmp_path / "b.md").read_text(encoding="utf-8"))
    assert headings(tokens) == [
        (1, "Syria | strikes"),
        (2, "Evidence"),
        (2, "Open questions"),
        (2, "Sources"),
    ]
    items = source_items(tokens)
    assert items[0].startswith("Zero Hedge, “2nd Round Of US Airstrikes")
    assert items[1] == f"sample_corpus/gone.txt — {MISSING_ARTICLE}"


def test_an_export_is_readable_by_others_like_any_document(tmp_path: Path) -> None:
    from briefing.fileio import write_atomic

    target = tmp_path / "briefing.md"
    write_atomic(target, "# Briefing\n")
    assert target.stat().st_mode & 0o777 == 0o644
    target.chmod(0o600)  # the user made it private: replacing it keeps that
    write_atomic(target, "# Briefing again\n")
    assert target.stat().st_mode & 0o777 == 0o600


def test_bidi_controls_never_reach_the_briefing() -> None:
    """A right-to-left override in a note or a title would show the briefing's text in
    another order than it has, in an editor or a viewer: dropped, like control
    characters."""
    from briefing.notes.model import Note

    note = Note(id=1, kind="summary", comment="paid \u202etnuocca\u202c in \u2066full\u2069")
    text = render_briefing("Title \u202eevil", [note], {}, WHEN)
    assert not set(text) & set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2069")
    assert "paid tnuocca in full" in text
