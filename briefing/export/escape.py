"""Untrusted text as literal Markdown, escaped by context rather than by character.

A character gets a backslash only where a CommonMark or GitHub viewer would otherwise
read it as structure or inline markup *where it stands*: a ``#``, ``>``, ``-``, ``+``,
``1.`` or fence at the start of a line, a line that would be a rule, a setext underline
or a table's delimiter row, ``[`` and ``]``, a ``<`` that could open a tag or an
autolink, ``*``, ``_`` and ``~`` runs that could open or close emphasis or
strikethrough, a backtick, a backslash before punctuation, an entity, ``|`` in a table
cell, a ``$`` that could delimit GitHub math, and the ``:`` of a bare ``http://`` (or
the dot of ``www.``) that GitHub would turn into a link. Everything else (sentences,
paths, dotted names, hyphens, snake_case) stays as written, so the file reads clean.

The tests prove it by parsing the output again, with markdown-it-py and with GitHub's
own cmark-gfm, for arbitrary text: the text shown is the text given, and nothing else.
"""

from __future__ import annotations

import re
import string
import unicodedata

from briefing.corpus.sanitize import strip_invisible

_ASCII_PUNCT = frozenset(string.punctuation)
# Every line break (and the controls that move the cursor) a space, not nothing: words
# on two lines stay two words.
_BREAKS = str.maketrans(dict.fromkeys("\r\n\x0b\x0c\x85\u2028\u2029\t", " "))

# -- what opens a block at the start of a line (the text is already on one line) --------
_HEADING = re.compile(r"#{1,6}(?= |$)")
_BULLET = re.compile(r"[-+*](?= |$)")
_ORDERED = re.compile(r"\d{1,9}([.)])(?= |$)")
_RULE = re.compile(r"([-*_])(?: *\1){2,} *$")
_SETEXT = re.compile(r"(?:=+|-+) *$")
_FENCE = re.compile(r"~{3,}|`{3,}")
# A GFM table's delimiter row (``--- | :-:``): with the header line above it, a table.
_DELIMITER_ROW = re.compile(r"\|? *:?-+:? *(?:\| *:?-+:? *)*\|? *$")
# ``Issue #`` as a heading's text would lose its ``#`` as a closing sequence.
_CLOSING_HASHES = re.compile(r"(?:^| )(#+) *$")

# -- inline ---------------------------------------------------------------------------
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")
# GitHub links bare ``http://``, ``https://``, ``ftp://`` and ``www.`` addresses; one
# backslash in the right place keeps them text (e-mail addresses it links whatever is
# escaped: they become mailto links, which the briefing allows).
_BARE_URL = re.compile(r"(?<![A-Za-z0-9])(?:https?|ftp)(:)//", re.IGNORECASE)
_BARE_WWW = re.compile(r"(?<![A-Za-z0-9])www(\.)", re.IGNORECASE)
_DELIMITERS = frozenset("*_~")


def one_line(line: str) -> str:
    """One line's words with all whitespace collapsed, and what the one rule for
    invisible characters removes (controls, bidi controls, zero-width spaces...) gone:
    :func:`~briefing.corpus.sanitize.strip_invisible`.

    Collapsing matters for structure, not only looks: leading spaces would open an
    indented code block, trailing double spaces a hard break. A bidi override would make
    an editor or a viewer show the briefing's text in another order than it has.
    """
    return " ".join(strip_invisible(line.translate(_BREAKS)).split())


def escape_text(
    text: str, *, line_start: bool = True, cell: bool = False, link_text: bool = False
) -> str:
    """``text`` (one clean line, see :func:`one_line`) as literal inline Markdown.

    Args:
        text: what must read exactly as given.
        line_start: the text starts a line (a paragraph, a list item, a quote's line),
            where block markers count.
        cell: the text is in a table cell, where ``|`` ends the cell.
        link_text: the text is a link's text, where no address becomes a link.
    """
    marked = [False] * len(text)
    if line_start:
        _mark_line_start(text, marked)
    _mark_inline(text, marked, cell)
    if not link_text:
        _mark_bare_urls(text, marked)
    if not any(marked):
        return text
    return "".join("\\" + c if m else c for c, m in zip(text, marked, strict=True))


def escape_line(text: str, cell: bool = True) -> str:
    """Untrusted text as one line of literal inline Markdown, safe at a line start, in a
    heading, a list item or (with ``cell``, the default) a table cell."""
    return escape_text(one_line(text), cell=cell)


def escape_paragraphs(text: str) -> list[str]:
    """Untrusted text as literal paragraphs: one escaped line per run of non-blank lines."""
    return [escape_text(p) for p in paragraphs(text)]


def paragraphs(text: str) -> list[str]:
    """``text``'s paragraphs (runs of non-blank lines), each on one clean line."""
    found: list[list[str]] = [[]]
    for line in text.splitlines():
        cleaned = one_line(line)
        if cleaned:
            found[-1].append(cleaned)
        elif found[-1]:
            found.append([])
    return [" ".join(p) for p in found if p]


def quote_paragraphs(text: str) -> list[list[str]]:
    """A quote's paragraphs, each a list of its clean lines (a quote keeps its lines)."""
    found: list[list[str]] = [[]]
    for line in text.splitlines():
        cleaned = one_line(line)
        if cleaned:
            found[-1].append(cleaned)
        elif found[-1]:
            found.append([])
    return [p for p in found if p]


def escape_blockquote(text: str) -> str:
    """Untrusted text as a literal blockquote: every line ``> `` + escaped content.

    Blank lines are kept (as a bare ``>``, one between paragraphs) so the quote's
    paragraphs survive; every line carries the marker, so no line can escape the quote.
    """
    blocks = ["\n".join(f"> {escape_text(line)}" for line in p) for p in quote_paragraphs(text)]
    return "\n>\n".join(blocks) or ">"


# -- the rules ----------------------------------------------------------------------------


def _mark_line_start(text: str, marked: list[bool]) -> None:
    if not text:
        return
    if (
        text[0] == ">"
        or _HEADING.match(text)
        or _BULLET.match(text)
        or _RULE.match(text)
        or _SETEXT.match(text)
        or _FENCE.match(text)
    ):
        marked[0] = True
    ordered = _ORDERED.match(text)
    if ordered:
        marked[ordered.start(1)] = True
    if _DELIMITER_ROW.match(text):
        marked[0] = True
        for i, c in enumerate(text):
            if c == "|":
                marked[i] = True


def _mark_inline(text: str, marked: list[bool], cell: bool) -> None:
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c in _DELIMITERS:
            j = i
            while j < n and text[j] == c:
                j += 1
            if _delimiter_run_acts(text, i, j):
                for k in range(i, j):
                    marked[k] = True
            i = j
            continue
        after = text[i + 1] if i + 1 < n else ""
        if (
            c in "`[]"
            or (c == "\\" and (not after or after in _ASCII_PUNCT))
            or (c == "<" and (not after or after.isascii() and (after.isalpha() or after in "/!?")))
            or (c == "&" and _ENTITY.match(text, i))
            or (c == "|" and cell)
            or (c == "$" and not _plain_dollar(text, i))
        ):
            marked[i] = True
        i += 1
    closing = _CLOSING_HASHES.search(text)
    if closing:
        marked[closing.start(1)] = True


def _mark_bare_urls(text: str, marked: list[bool]) -> None:
    for pattern in (_BARE_URL, _BARE_WWW):
        for match in pattern.finditer(text):
            marked[match.start(1)] = True


def _delimiter_run_acts(text: str, start: int, end: int) -> bool:
    """Whether the run ``text[start:end]`` of ``*``, ``_`` or ``~`` could open or close
    emphasis (strikethrough) by CommonMark's flanking rules.

    A run at either end of the text is escaped whatever its neighbours: what stands
    beside it in the document (a quotation mark, a citation) is not known here.
    """
    if start == 0 or end == len(text):
        return True
    before, after = text[start - 1], text[end]
    if _ambiguous(before) or _ambiguous(after):
        return True
    left = not after.isspace() and (
        not _punct(after) or before.isspace() or _punct(before)
    )
    right = not before.isspace() and (not _punct(before) or after.isspace() or _punct(after))
    if text[start] == "_":
        return (left and (not right or _punct(before))) or (right and (not left or _punct(after)))
    return left or right


def _punct(c: str) -> bool:
    return c in _ASCII_PUNCT or unicodedata.category(c)[0] in "PS"


def _ambiguous(c: str) -> bool:
    """A symbol outside ASCII: punctuation to CommonMark 0.31, not to older parsers."""
    return not c.isascii() and unicodedata.category(c)[0] == "S"


def _plain_dollar(text: str, i: int) -> bool:
    """A ``$`` that cannot delimit GitHub math: a price (``$5``, ``($10)``) or one
    standing alone between spaces."""
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before == "(") and (after.isspace() or after.isdigit())
