"""Notes to a sourced briefing in CommonMark (plus GFM tables).

Everything that reaches the document from an article or from the analyst (quotes,
comments, tags, titles, outlets, URLs) is untrusted: it goes through ``escape_line``,
``escape_blockquote`` or ``link`` and so can never open a heading, a list, a code
block, a link definition, raw HTML or a new table row. Only this module's own
templates produce Markdown structure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from urllib.parse import urlsplit

from briefing.corpus.model import Article
from briefing.corpus.pages import page_label
from briefing.corpus.sanitize import strip_invisible
from briefing.notes.model import Anchor, Kind, Note

# Every ASCII punctuation character that can start or end Markdown structure, inline or
# at the start of a line. CommonMark lets any ASCII punctuation be backslash-escaped, so
# escaping one that would have been harmless is never wrong. ``$`` is there because
# GitHub renders ``$...$`` as math.
_SPECIAL = frozenset("\\`*_{}[]<>()#+-.!|~=&$")
_ESCAPES = {ord(c): "\\" + c for c in _SPECIAL}
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_UNSAFE_IN_URL = re.compile(r"[\s<>\\\"'`]|[\x00-\x1f\x7f]")
# Every line break (and the controls that move the cursor) a space, not nothing: words
# on two lines stay two words.
_BREAKS = str.maketrans(dict.fromkeys("\r\n\x0b\x0c\x85\u2028\u2029\t", " "))
MISSING_ARTICLE = "article no longer in the library"
QUOTE_NOT_FOUND = "(quote not found in the current text)"


# -- escaping --------------------------------------------------------------------------


def one_line(line: str) -> str:
    """One line's words with all whitespace collapsed, and what the one rule for
    invisible characters removes (controls, bidi controls, zero-width spaces...) gone:
    :func:`~briefing.corpus.sanitize.strip_invisible`.

    Collapsing matters for structure, not only looks: leading spaces would open an
    indented code block, trailing double spaces a hard break. A bidi override would make
    an editor or a viewer show the briefing's text in another order than it has.
    """
    return " ".join(strip_invisible(line.translate(_BREAKS)).split())


def escape_line(text: str) -> str:
    """Untrusted text as one line of literal inline Markdown.

    Every line break (``\\r``, ``\\u2028``, ...) becomes a space; Markdown punctuation is
    backslash-escaped, so the result is safe in a paragraph, a list item, a heading or a
    table cell (``|`` is escaped too).
    """
    return one_line(text).translate(_ESCAPES)


def escape_paragraphs(text: str) -> list[str]:
    """Untrusted text as literal paragraphs: one escaped line per run of non-blank lines."""
    paragraphs: list[list[str]] = [[]]
    for line in text.splitlines():
        cleaned = escape_line(line)
        if cleaned:
            paragraphs[-1].append(cleaned)
        elif paragraphs[-1]:
            paragraphs.append([])
    return [" ".join(p) for p in paragraphs if p]


def escape_blockquote(text: str) -> str:
    """Untrusted text as a literal blockquote: every line ``> `` + escaped content.

    Blank lines are kept (as a bare ``>``, at most one in a row) so the quote's
    paragraphs survive; every line carries the marker, so no line can escape the quote.
    """
    lines: list[str] = []
    for raw in text.splitlines():
        cleaned = escape_line(raw)
        if cleaned:
            lines.append(f"> {cleaned}")
        elif lines and lines[-1] != ">":
            lines.append(">")
    while lines and lines[-1] == ">":
        lines.pop()
    return "\n".join(lines) or ">"


def safe_url(url: str | None) -> str | None:
    """``url`` if it may become a link: http(s) with a host, or mailto; no odd characters."""
    if not url:
        return None
    url = url.strip()
    if _UNSAFE_IN_URL.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _LINK_SCHEMES or (scheme != "mailto" and not parts.netloc):
        return None
    return url


def link(url: str | None) -> str:
    """A URL as a clickable link if it is safe, else as escaped literal text."""
    safe = safe_url(url)
    if safe is None:
        return escape_line(url or "")
    # The <...> destination form needs no escaping of parentheses; safe_url ruled out
    # spaces, <, > and backslashes, the only characters that could end or bend it.
    return f"[{escape_line(safe)}](<{safe}>)"


# -- citations -------------------------------------------------------------------------


class _Citations:
    """Source numbers, handed out in order of first use across the document."""

    def __init__(self, articles: Mapping[str, Article]) -> None:
        self.articles = articles
        self.numbers: dict[str, int] = {}

    def number(self, article_id: str) -> int:
        return self.numbers.setdefault(article_id, len(self.numbers) + 1)

    def cite(self, article_id: str | None, anchor: Anchor | None = None) -> str:
        """`` [[n]](#source-n)`` for an article (with a leading space), or ``""``; for a
        quote of a paged article (a PDF) its page follows: `` [[n]](#source-n), p. 3``."""
        if not article_id:
            return ""
        n = self.number(article_id)
        page = self.page(article_id, anchor)
        return f" [\\[{n}\\]](#{source_anchor(n)})" + (f", {page}" if page else "")

    def page(self, article_id: str, anchor: Anchor | None) -> str | None:
        """ "p. 3" (or "pp. 3–4") for a quote of a paged article, where it is now."""
        article = self.articles.get(article_id)
        if article is None or not article.pages or anchor is None or not anchor.quote:
            return None
        start = anchor.start
        if article.body[start : anchor.end] != anchor.quote:
            start = article.body.find(anchor.quote)
            if start < 0:
                return None
        return page_label(article.pages, start, start + len(anchor.quote))

    def label(self, article_id: str) -> str:
        """A short name for a source: its outlet, else its title, else its id."""
        article = self.articles.get(article_id)
        if article is None:
            return article_id
        return article.source or article.title or article_id


def source_anchor(n: int) -> str:
    """The fragment a citation ``[n]`` points at (the HTML export gives it to item n)."""
    return f"source-{n}"


# -- the document ----------------------------------------------------------------------


def render_briefing(
    title: str, notes: Sequence[Note], articles: Mapping[str, Article], generated: datetime
) -> str:
    """The briefing as CommonMark + GFM tables; empty sections are left out.

    Args:
        title: the briefing's title (untrusted; kept on one line).
        notes: every note; each kind goes to its section, in ``order`` then ``id``.
        articles: the cited articles by id; a missing one is cited by its id.
        generated: when the briefing was made, shown under the title.
    """
    by_kind: dict[Kind, list[Note]] = {}
    for note in sorted(notes, key=lambda n: (n.order, n.id)):
        by_kind.setdefault(note.kind, []).append(note)
    citations = _Citations(articles)
    blocks = [
        f"# {escape_line(title) or 'Briefing'}",
        f"Generated {generated.strftime('%Y-%m-%d %H:%M')}",
    ]
    # The sources must be rendered last: the other sections hand out the numbers.
    sections = [
        ("Bottom line up front", _summary(by_kind.get("summary", []), citations)),
        ("Key judgments", _judgments(by_kind.get("judgment", []), citations)),
        ("Evidence", _evidence(by_kind.get("evidence", []), citations)),
        ("Discrepancies", _discrepancies(by_kind.get("discrepancy", []), citations)),
        ("Open questions", _questions(by_kind.get("question", []), citations)),
        ("Sources", _sources(citations)),
    ]
    for heading, body in sections:
        if body:
            blocks.append(f"## {heading}")
            blocks.extend(body)
    return "\n\n".join(blocks) + "\n"


def _summary(notes: list[Note], citations: _Citations) -> list[str]:
    blocks: list[str] = []
    for note in notes:
        paragraphs = escape_paragraphs(note.comment)
        cite = citations.cite(note.article_id, note.anchor)
        if cite:
            paragraphs = paragraphs or [""]
            paragraphs[-1] = (paragraphs[-1] + cite).strip()
        blocks.extend(paragraphs)
    return blocks


def _lost(note: Note) -> str:
    """The warning for a note whose quote is no longer in its article, else ``""``."""
    return QUOTE_NOT_FOUND if note.anchor is not None and not note.found else ""


def _judgments(notes: list[Note], citations: _Citations) -> list[str]:
    items = []
    for note in notes:
        parts = [escape_line(note.comment)]
        if note.confidence:
            parts.append(f"({note.confidence} confidence)")
        parts.append(_lost(note))
        text = " ".join(p for p in parts if p) + citations.cite(note.article_id, note.anchor)
        items.append(f"- {text.strip() or '(no comment)'}")
    return ["\n".join(items)] if items else []


def _evidence(notes: list[Note], citations: _Citations) -> list[str]:
    # A note goes under its first tag only, so that it is not repeated (and cited) twice.
    groups: dict[str, list[Note]] = {}
    for note in notes:
        groups.setdefault(note.tags[0] if note.tags else "", []).append(note)
    untagged_only = list(groups) == [""]
    blocks: list[str] = []
    for tag, members in sorted(groups.items(), key=lambda item: item[0] == ""):
        if not untagged_only:
            blocks.append(f"### {escape_line(tag) or 'Other'}")
        for note in members:
            if note.anchor is not None and note.anchor.quote.strip():
                blocks.append(escape_blockquote(note.anchor.quote))
            comment = " ".join(escape_paragraphs(note.comment))
            if not note.found:  # said even without an anchor: the store lost track of it
                comment = f"{comment} {QUOTE_NOT_FOUND}".strip()
            text = (comment + citations.cite(note.article_id, note.anchor)).strip()
            if text:
                blocks.append(text)
    return blocks


def _discrepancies(notes: list[Note], citations: _Citations) -> list[str]:
    if not notes:
        return []
    # One column per source involved, in order of first appearance.
    columns = list(dict.fromkeys(v.article_id for note in notes for v in note.values))
    headers = ["What", *_column_names(columns, citations), "Sentences"]
    rows = [headers, ["---"] * len(headers)]
    for note in notes:
        what = escape_line(note.what)
        comment = escape_line(note.comment)
        if what and comment:
            what = f"{what} — {comment}"
        values = {v.article_id: v for v in note.values}
        cells = [what or comment or "—"]
        cells += [escape_line(values[c].value) if c in values else "—" for c in columns]
        sentences = [
            f"{citations.cite(v.article_id).strip()} “{escape_line(v.sentence)}”"
            for v in note.values
        ]
        if not note.values and note.article_id:
            # A discrepancy noted by hand on one quote: cite where it was seen.
            cite = citations.cite(note.article_id, note.anchor).strip()
            quote = escape_line(note.anchor.quote) if note.anchor else ""
            sentences.append(f"{cite} “{quote}”" if quote else cite)
        cells.append("; ".join(sentences))
        rows.append(cells)
    return ["\n".join("| " + " | ".join(row) + " |" for row in rows)]


def _column_names(columns: list[str], citations: _Citations) -> list[str]:
    """Each column's outlet (or title); two articles of one outlet also get their titles."""
    labels = [citations.label(c) for c in columns]
    names = []
    for article_id, label in zip(columns, labels, strict=True):
        article = citations.articles.get(article_id)
        if labels.count(label) > 1 and article is not None and article.title != label:
            label = f"{label}: {article.title}"
        names.append(escape_line(label) or "—")
    return names


def _questions(notes: list[Note], citations: _Citations) -> list[str]:
    items = []
    for note in notes:
        text = " ".join(p for p in (escape_line(note.comment), _lost(note)) if p)
        text += citations.cite(note.article_id, note.anchor)
        items.append(f"- {text.strip() or '(no comment)'}")
    return ["\n".join(items)] if items else []


def _sources(citations: _Citations) -> list[str]:
    items = []
    for article_id, n in citations.numbers.items():
        article = citations.articles.get(article_id)
        if article is None:
            items.append(f"{n}. {source_target(n)}{escape_line(article_id)} — {MISSING_ARTICLE}")
            continue
        parts = [
            escape_line(article.source or "Unknown outlet"),
            f"“{escape_line(article.title)}”" if article.title else "",
            escape_line(article.author or ""),
            article.published.isoformat() if article.published else "undated",
            link(article.url) if article.url else escape_line(article.path),
        ]
        items.append(f"{n}. {source_target(n)}" + ", ".join(p for p in parts if p))
    return ["\n".join(items)] if items else []


def source_target(n: int) -> str:
    """Where citation ``[n]`` lands on a Markdown viewer.

    Our own fixed HTML: the only raw HTML in a briefing, since article text is escaped
    and can never produce a ``<``.
    """
    return f'<a id="{source_anchor(n)}"></a>'
