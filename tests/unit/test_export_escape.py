"""Context escaping: ordinary text stays as written, and no text can make structure.

Each escaped text is parsed again by markdown-it-py (what the HTML export and the app's
preview use) and by cmark-gfm (GitHub's own renderer): the text shown must be exactly
the text given, with no link, emphasis, code, HTML or block of its own.
"""

from __future__ import annotations

import html
import re

import cmarkgfm
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from briefing.export.escape import escape_blockquote, escape_pieces, escape_text, one_line

# Characters and pieces that mean something to a Markdown viewer, and ordinary ones.
PIECES = [
    *"\\`*_{}[]<>()#+-.!|~=&$:;'\"/?@^%,0123456789aZ ",
    "“",
    "”",
    "€",
    "©",
    "é",
    "http://",
    "HTTPS://",
    "ftp://",
    "www.",
    "example.org",
    "&amp;",
    "&#x3C;",
    "&#60;",
    "<!--",
    "-->",
    "]: ",
    "1. ",
    "2) ",
    "---",
    "===",
    "~~~",
    "```",
    "***",
    "_ _ _",
    "[^1]",
    "[ ] ",
    "$x$",
    "javascript:",
    "<a>",
    "</div>",
]
texts = st.lists(st.sampled_from(PIECES), min_size=1, max_size=16).map("".join).map(one_line)


def _inline_tokens(source: str) -> list[Token]:
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(source)
    return tokens


def _shown(inline: Token) -> str:
    assert inline.children is not None
    kinds = {child.type for child in inline.children}
    assert kinds <= {"text", "softbreak"}, kinds  # no emphasis, code, link, html, image
    return "".join(c.content if c.type == "text" else "\n" for c in inline.children)


def _github(source: str) -> str:
    """cmark-gfm's HTML, with the e-mail autolinks it makes whatever is escaped undone:
    a ``mailto:`` link showing the same address is the one link prose may get on GitHub."""
    rendered = cmarkgfm.github_flavored_markdown_to_html(source)
    return re.sub(r'<a href="(?:mailto:)?([^"]*@[^"]*)">\1</a>', r"\1", rendered)


def _as_html(text: str) -> str:
    return html.escape(text, quote=False).replace('"', "&quot;")


@settings(max_examples=400, deadline=None)
@given(texts)
def test_escaped_text_reads_exactly_as_given_on_both_parsers(text: str) -> None:
    if not text:
        return
    escaped = escape_text(text)
    tokens = _inline_tokens(escaped)
    assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"], escaped
    assert _shown(tokens[1]) == text, escaped
    assert _github(escaped) == f"<p>{_as_html(text)}</p>\n", escaped


@settings(max_examples=200, deadline=None)
@given(texts)
def test_escaped_text_stays_inside_its_list_item_heading_and_cell(text: str) -> None:
    if not text:
        return
    for wrap, opened, kwargs in (
        ("- {}", "bullet_list_open", {}),
        ("## {}", "heading_open", {}),
        ("| h |\n| --- |\n| {} |", "table_open", {"cell": True}),
    ):
        source = wrap.format(escape_text(text, **kwargs))
        tokens = _inline_tokens(source)
        assert tokens[0].type == opened, source
        inline = [t for t in tokens if t.type == "inline"]
        assert _shown(inline[-1]) == text, source
        gh = _github(source)
        assert _as_html(text) in gh, (source, gh)
        assert gh.count("<") == {"b": 4, "h": 2, "t": 14}[opened[0]], (source, gh)


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, min_size=1, max_size=4))
def test_a_quote_keeps_its_lines_and_nothing_leaves_it(lines: list[str]) -> None:
    source = escape_blockquote("\n".join(lines))
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if line:
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    expected = ["\n".join(p) for p in paragraphs if p]
    if not expected:
        assert source == ">"
        return
    tokens = _inline_tokens(source)
    assert tokens[0].type == "blockquote_open" and tokens[-1].type == "blockquote_close"
    inner = [t.type for t in tokens[1:-1]]
    assert inner == ["paragraph_open", "inline", "paragraph_close"] * len(expected), source
    assert [_shown(t) for t in tokens if t.type == "inline"] == expected, source
    body = "".join(f"<p>{_as_html(p)}</p>\n" for p in expected)
    assert _github(source) == f"<blockquote>\n{body}</blockquote>\n", source


@pytest.mark.parametrize(
    "text",
    [
        "sample_corpus/001_a5d3fec521d4c157.txt",
        "/tmp/x/python3.11/site-packages/briefing/_data/sample_corpus/001_a.txt",
        "The U.S. said 85 targets were hit - a first.",
        "snake_case and _private names",
        "Tyler Durden, 2024-02-04, 3 p.m. (local time)",
        "He said the “regime and [its] military” were to blame.",
        "C:\\Users\\analyst\\notes.txt",
        "costs $5 to $10, or (US) 3 * 4 = 12; 50% more & less",
        "a < b > c, 1.5 km, #5 of 10, e-mail: desk@example.org",
    ],
)
def test_ordinary_prose_paths_and_names_are_not_escaped(text: str) -> None:
    assert escape_text(text) == text


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("# heading", "\\# heading"),
        ("> quote", "\\> quote"),
        ("- item", "\\- item"),
        ("+ item", "\\+ item"),
        ("* item", "\\* item"),
        ("1. one", "1\\. one"),
        ("2) two", "2\\) two"),
        ("---", "\\---"),
        ("===", "\\==="),
        ("~~~", "\\~~~"),
        ("[1]: http://evil", "\\[1]: http\\://evil"),
        ("[click](javascript:x)", "\\[click\\](javascript:x)"),
        ("a *word* here", "a \\*word\\* here"),
        ("a _word_ here", "a \\_word\\_ here"),
        ("a ~~word~~ here", "a \\~\\~word\\~\\~ here"),
        ("`code`", "\\`code\\`"),
        ("<script>", "\\<script>"),
        ("&amp;", "\\&amp;"),
        ("see http://evil.example/x now", "see http\\://evil.example/x now"),
        ("see www.evil.example now", "see www\\.evil.example now"),
        ("a $x$ b", "a \\$x\\$ b"),
        ("trailing \\", "trailing \\\\"),
        ("Issue #", "Issue \\#"),
    ],
)
def test_what_would_be_markup_where_it_stands_is_escaped(text: str, escaped: str) -> None:
    assert escape_text(text) == escaped


def test_pipes_only_in_cells_and_delimiter_rows() -> None:
    assert escape_text("a | b") == "a | b"
    assert escape_text("a | b", cell=True) == "a \\| b"
    assert escape_text("--- | ---") == "\\--- \\| ---"


def test_mid_line_block_markers_stay() -> None:
    assert escape_text("# not a heading here", line_start=False) == "# not a heading here"


@settings(max_examples=200, deadline=None)
@given(texts, texts)
def test_pieces_around_a_citation_pair_nothing_across_it(first: str, second: str) -> None:
    """Emphasis could run from one piece over a citation into the next: judged together."""
    from briefing.export.document import Cite
    from briefing.export.markdown import cite

    a, b = escape_pieces([first, second])
    source = f"{a}{cite(Cite(1))}{b}"
    tokens = _inline_tokens(source)
    shown = [t for t in tokens if t.type == "inline"]
    assert len(shown) == 1, source
    children = shown[0].children or []
    kinds = [c.type for c in children]
    assert kinds.count("link_open") == 1 and set(kinds) <= {"text", "link_open", "link_close"}
    assert "".join(c.content for c in children) == f"{first}[1]{second}".strip(), source
    gh = _github(source)
    assert gh.count("<a ") == 1 and "<em>" not in gh and "<del>" not in gh, (source, gh)
