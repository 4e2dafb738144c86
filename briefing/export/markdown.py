"""The briefing document as CommonMark (plus GFM tables) that reads clean as plain text.

Everything that reaches the file from an article or from the analyst (quotes, comments,
tags, titles, outlets, URLs) is untrusted: it goes through the context escaper
(:mod:`briefing.export.escape`), and so can never open a heading, a list, a code block,
a link definition, raw HTML or a new table row. Only this module's own templates
produce Markdown structure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from briefing.corpus.model import Article
from briefing.export.document import (
    MISSING_ARTICLE,
    QUOTE_NOT_FOUND,
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
    build_document,
    safe_url,
    source_anchor,
)
from briefing.export.escape import (
    escape_blockquote,
    escape_line,
    escape_lines,
    escape_pieces,
    escape_text,
    one_line,
)
from briefing.notes.model import Note

__all__ = [
    "MISSING_ARTICLE",
    "QUOTE_NOT_FOUND",
    "escape_blockquote",
    "escape_line",
    "link",
    "one_line",
    "render_briefing",
    "render_markdown",
    "safe_url",
    "source_anchor",
    "source_target",
]


def render_briefing(
    title: str,
    notes: Sequence[Note],
    articles: Mapping[str, Article],
    generated: datetime,
    author: str = "",
) -> str:
    """The briefing as CommonMark + GFM tables (see :func:`build_document`)."""
    return render_markdown(build_document(title, notes, articles, generated, author))


def render_markdown(document: Document) -> str:
    """``document`` as CommonMark + GFM tables; blocks apart by a blank line."""
    blocks = [f"# {escape_text(document.title)}", escape_text(document.byline)]
    for section in document.sections:
        blocks.append(f"## {section.heading}")
        blocks.extend(_block(block) for block in section.blocks)
    return "\n\n".join(blocks) + "\n"


def _block(block: Block) -> str:
    match block:
        case Paragraph(run):
            return _run(run)
        case Quote(paragraphs):
            quoted = ["\n".join(f"> {line}" for line in escape_lines(p)) for p in paragraphs]
            return "\n>\n".join(quoted) or ">"
        case Bullets(items):
            return "\n".join(f"- {_run(item)}" for item in items)
        case Table(header, rows):
            head = [escape_text(name, cell=True) for name in header]
            lines = [head, ["---"] * len(head)]
            lines += [[_run(cell, cell=True) for cell in row] for row in rows]
            return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)
        case Subheading(text):
            return f"### {escape_text(text)}"
        case Sources(entries):
            return "\n".join(
                f"{s.number}. {source_target(s.number)}{_run(s.run, after_markup=True)}"
                for s in entries
            )
    raise TypeError(f"not a block: {block!r}")


def _run(run: Run, cell: bool = False, after_markup: bool = False) -> str:
    """A run as one line: its texts escaped together (see :func:`escape_pieces`), so that
    each character is judged by what really stands around it."""
    texts: list[str] = []
    markup: list[str] = []
    current: list[str] = []
    for item in run:
        if isinstance(item, str):
            current.append(item)
            continue
        texts.append("".join(current))
        current = []
        markup.append(cite(item) if isinstance(item, Cite) else link(item.url))
    texts.append("".join(current))
    escaped = escape_pieces(texts, cell=cell, opaque_start=after_markup)
    return "".join(t + m for t, m in zip(escaped, [*markup, ""], strict=True))


def cite(item: Cite) -> str:
    """``[[n]](#source-n)``, and the page of a PDF's quote: ``[[n]](#source-n), p. 3``."""
    n = item.number
    return f"[\\[{n}\\]](#{source_anchor(n)})" + (f", {item.page}" if item.page else "")


def link(url: str | None) -> str:
    """A URL as a clickable link if it is safe, else as escaped literal text."""
    safe = safe_url(url)
    if safe is None:
        return escape_line(url or "")
    # The <...> destination form needs no escaping of parentheses; safe_url ruled out
    # spaces, <, > and backslashes, the only characters that could end or bend it.
    return f"[{escape_text(safe, line_start=False, cell=True, link_text=True)}](<{safe}>)"


def source_target(n: int) -> str:
    """Where citation ``[n]`` lands on a Markdown viewer.

    Our own fixed HTML: the only raw HTML in a briefing, since article text is escaped
    and can never produce a ``<`` that opens a tag.
    """
    return f'<a id="{source_anchor(n)}"></a>'
