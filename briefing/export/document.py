"""The briefing as one format-neutral document, built once from the notes.

Which notes go in which section, in what order, and which number each source gets are
decided here and only here; ``markdown``, ``html`` and ``docx`` only render the
:class:`Document`. Every string in it is clean, one-line literal text (see
:func:`~briefing.export.escape.one_line`): each renderer makes it literal in its own
format, and only :class:`Cite` and :class:`Link` become links.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from urllib.parse import urlsplit

from briefing.corpus.model import Article
from briefing.corpus.pages import page_label
from briefing.export.escape import one_line, paragraphs, quote_paragraphs
from briefing.notes.model import Anchor, Kind, Note

MISSING_ARTICLE = "article no longer in the library"
QUOTE_NOT_FOUND = "(quote not found in the current text)"
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_UNSAFE_IN_URL = re.compile(r"[\s<>\\\"'`]|[\x00-\x1f\x7f]")


# -- inline ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cite:
    """A numbered citation of a source (``[2]``), with the quote's page for a PDF."""

    number: int
    page: str | None = None


@dataclass(frozen=True)
class Link:
    """A web or mail address that may be a link (see :func:`safe_url`)."""

    url: str


Inline = str | Cite | Link
"""Literal text, a citation or a link."""
Run = tuple[Inline, ...]
"""One line of inline content."""


# -- blocks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    """A paragraph."""

    run: Run


@dataclass(frozen=True)
class Quote:
    """A quote from an article: its paragraphs, each a tuple of its lines."""

    paragraphs: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Bullets:
    """A bulleted list, one run per item."""

    items: tuple[Run, ...]


@dataclass(frozen=True)
class Table:
    """The discrepancy table: a header row of names, then rows of cells."""

    header: tuple[str, ...]
    rows: tuple[tuple[Run, ...], ...]


@dataclass(frozen=True)
class Subheading:
    """A heading inside a section (an evidence tag)."""

    text: str


@dataclass(frozen=True)
class Source:
    """One numbered source: how to find it, as a run (outlet, title, ..., URL or path)."""

    number: int
    run: Run


@dataclass(frozen=True)
class Sources:
    """The numbered sources, in order of first citation."""

    entries: tuple[Source, ...]


Block = Paragraph | Quote | Bullets | Table | Subheading | Sources


@dataclass(frozen=True)
class Section:
    """A titled section of the briefing."""

    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    """The whole briefing: title, when it was made, by whom, and its sections."""

    title: str
    generated: datetime
    author: str
    sections: tuple[Section, ...]

    @property
    def byline(self) -> str:
        """The line under the title: ``Generated 2024-06-01 09:30`` (``by`` the author)."""
        line = f"Generated {self.generated.strftime('%Y-%m-%d %H:%M')}"
        return f"{line} by {self.author}" if self.author else line


def source_anchor(n: int) -> str:
    """The name a citation ``[n]`` points at (HTML id, Word bookmark)."""
    return f"source-{n}"


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


def library_path(article: Article) -> str:
    """Where the article's file is, relative to the library: its folder's label and the
    path inside it (the id without a multi-article file's item key), never the absolute
    path on this machine (the bundled sample as ``sample_corpus/001_….txt``)."""
    name = PurePath(article.path).name
    start = article.id.find(name) if name else -1
    while start >= 0:
        end = start + len(name)
        if end == len(article.id) or article.id[end] == "#":
            return article.id[:end]
        start = article.id.find(name, start + 1)
    return article.id


# -- building ---------------------------------------------------------------------------


class _Citations:
    """Source numbers, handed out in order of first use across the document."""

    def __init__(self, articles: Mapping[str, Article]) -> None:
        self.articles = articles
        self.numbers: dict[str, int] = {}

    def cite(self, article_id: str | None, anchor: Anchor | None = None) -> Run:
        """``(" ", Cite)`` for an article (the quote's page with it), or nothing."""
        if not article_id:
            return ()
        n = self.numbers.setdefault(article_id, len(self.numbers) + 1)
        return (" ", Cite(n, self.page(article_id, anchor)))

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


def build_document(
    title: str,
    notes: Sequence[Note],
    articles: Mapping[str, Article],
    generated: datetime,
    author: str = "",
) -> Document:
    """The briefing; empty sections are left out.

    Args:
        title: the briefing's title (untrusted; kept on one line).
        notes: every note; each kind goes to its section, in ``order`` then ``id``.
        articles: the cited articles by id; a missing one is cited by its id.
        generated: when the briefing was made.
        author: who made it (the config's ``author``), or ``""``.
    """
    by_kind: dict[Kind, list[Note]] = {}
    for note in sorted(notes, key=lambda n: (n.order, n.id)):
        by_kind.setdefault(note.kind, []).append(note)
    citations = _Citations(articles)
    # The sources come last: the other sections hand out the numbers.
    sections = [
        ("Bottom line up front", _summary(by_kind.get("summary", []), citations)),
        ("Key judgments", _judgments(by_kind.get("judgment", []), citations)),
        ("Evidence", _evidence(by_kind.get("evidence", []), citations)),
        ("Discrepancies", _discrepancies(by_kind.get("discrepancy", []), citations)),
        ("Open questions", _questions(by_kind.get("question", []), citations)),
    ]
    sections.append(("Sources", _sources(citations)))
    return Document(
        title=one_line(title) or "Briefing",
        generated=generated,
        author=one_line(author),
        sections=tuple(Section(h, tuple(blocks)) for h, blocks in sections if blocks),
    )


def _summary(notes: list[Note], citations: _Citations) -> list[Block]:
    blocks: list[Block] = []
    for note in notes:
        runs: list[Run] = [(p,) for p in paragraphs(note.comment)]
        cite = citations.cite(note.article_id, note.anchor)
        if cite:
            runs = runs or [()]
            runs[-1] = _trim(runs[-1] + cite)
        blocks.extend(Paragraph(run) for run in runs)
    return blocks


def _lost(note: Note) -> str:
    """The warning for a note whose quote is no longer in its article, else ``""``."""
    return QUOTE_NOT_FOUND if note.anchor is not None and not note.found else ""


def _judgments(notes: list[Note], citations: _Citations) -> list[Block]:
    items = []
    for note in notes:
        parts = [one_line(note.comment)]
        if note.confidence:
            parts.append(f"({note.confidence} confidence)")
        parts.append(_lost(note))
        text = " ".join(p for p in parts if p)
        run = _trim((text, *citations.cite(note.article_id, note.anchor)))
        items.append(run or ("(no comment)",))
    return [Bullets(tuple(items))] if items else []


def _evidence(notes: list[Note], citations: _Citations) -> list[Block]:
    # A note goes under its first tag only, so that it is not repeated (and cited) twice.
    groups: dict[str, list[Note]] = {}
    for note in notes:
        groups.setdefault(note.tags[0] if note.tags else "", []).append(note)
    untagged_only = list(groups) == [""]
    blocks: list[Block] = []
    for tag, members in sorted(groups.items(), key=lambda item: item[0] == ""):
        if not untagged_only:
            blocks.append(Subheading(one_line(tag) or "Other"))
        for note in members:
            if note.anchor is not None and note.anchor.quote.strip():
                quote = quote_paragraphs(note.anchor.quote)
                blocks.append(Quote(tuple(tuple(p) for p in quote)))
            comment = " ".join(paragraphs(note.comment))
            if not note.found:  # said even without an anchor: the store lost track of it
                comment = f"{comment} {QUOTE_NOT_FOUND}".strip()
            run = _trim((comment, *citations.cite(note.article_id, note.anchor)))
            if run:
                blocks.append(Paragraph(run))
    return blocks


def _discrepancies(notes: list[Note], citations: _Citations) -> list[Block]:
    if not notes:
        return []
    # One column per source involved, in order of first appearance.
    columns = list(dict.fromkeys(v.article_id for note in notes for v in note.values))
    header = ("What", *_column_names(columns, citations), "Sentences")
    rows: list[tuple[Run, ...]] = []
    for note in notes:
        what, comment = one_line(note.what), one_line(note.comment)
        if what and comment:
            what = f"{what} — {comment}"
        values = {v.article_id: v for v in note.values}
        cells: list[Run] = [(what or comment or "—",)]
        cells += [(one_line(values[c].value),) if c in values else ("—",) for c in columns]
        sentences: list[Run] = [
            (*citations.cite(v.article_id)[1:], f" “{one_line(v.sentence)}”") for v in note.values
        ]
        if not note.values and note.article_id:
            # A discrepancy noted by hand on one quote: cite where it was seen.
            cite = citations.cite(note.article_id, note.anchor)[1:]
            quote = one_line(note.anchor.quote) if note.anchor else ""
            sentences.append((*cite, f" “{quote}”") if quote else cite)
        joined: list[Inline] = []
        for i, sentence in enumerate(sentences):
            joined.extend(("; ", *sentence) if i else sentence)
        cells.append(tuple(joined))
        rows.append(tuple(cells))
    return [Table(header, tuple(rows))]


def _column_names(columns: list[str], citations: _Citations) -> list[str]:
    """Each column's outlet (or title); two articles of one outlet also get their titles."""
    labels = [citations.label(c) for c in columns]
    names = []
    for article_id, label in zip(columns, labels, strict=True):
        article = citations.articles.get(article_id)
        if labels.count(label) > 1 and article is not None and article.title != label:
            label = f"{label}: {article.title}"
        names.append(one_line(label) or "—")
    return names


def _questions(notes: list[Note], citations: _Citations) -> list[Block]:
    items = []
    for note in notes:
        text = " ".join(p for p in (one_line(note.comment), _lost(note)) if p)
        run = _trim((text, *citations.cite(note.article_id, note.anchor)))
        items.append(run or ("(no comment)",))
    return [Bullets(tuple(items))] if items else []


def _sources(citations: _Citations) -> list[Block]:
    entries = [
        Source(n, citation(citations.articles.get(article_id), article_id))
        for article_id, n in citations.numbers.items()
    ]
    return [Sources(tuple(entries))] if entries else []


def citation(article: Article | None, article_id: str) -> Run:
    """How a reader finds a source: outlet, “title”, author, date, then the URL when
    known (and when it was fetched), else the file's path relative to the library."""
    if article is None:
        return (f"{one_line(article_id)} — {MISSING_ARTICLE}",)
    parts: list[Run] = [
        (one_line(article.source or "") or "Unknown outlet",),
        (f"“{one_line(article.title)}”",) if one_line(article.title) else (),
        (one_line(article.author or ""),) if one_line(article.author or "") else (),
        (article.published.isoformat() if article.published else "undated",),
    ]
    url = safe_url(article.url)
    if url is not None:
        parts.append((Link(url),))
    elif article.url:
        parts.append((one_line(article.url),))
    else:
        parts.append((one_line(library_path(article)),))
    if article.fetched is not None and article.url:
        parts.append((f"fetched {article.fetched.date().isoformat()}",))
    run: list[Inline] = []
    for part in (p for p in parts if p):
        run.extend((", ", *part) if run else part)
    return tuple(run)


def _trim(run: Run) -> Run:
    """``run`` without blank text at its ends (a citation of an empty comment)."""
    items = list(run)
    while items and isinstance(items[0], str) and not items[0].strip():
        items.pop(0)
    while items and isinstance(items[-1], str) and not items[-1].strip():
        items.pop()
    if items and isinstance(items[0], str):
        items[0] = items[0].lstrip()
    return tuple(items)
