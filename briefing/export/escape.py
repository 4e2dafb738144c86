"""Untrusted text as literal Markdown, escaped by context rather than by character.

A character gets a backslash only where a CommonMark or GitHub viewer would otherwise
read it as structure or inline markup *where it stands*: at the start of a line a
``#``, ``>``, ``[``, ``-``, ``+``, ``1.`` or fence, or a line that would be a rule, a
setext underline or a table's delimiter row; anywhere a ``]`` that could close a link
(the briefing defines no link references, so a lone ``[its]`` stays as it is), a ``!``
before a link of ours, a ``<`` that could open a tag or an autolink, ``*``, ``_`` and
``~`` runs that could pair into emphasis or strikethrough, a backtick, a backslash
before punctuation, an entity, ``|`` in a table cell, a ``$`` that could delimit GitHub
math, and the ``:`` of a bare ``http://`` (or the dot of ``www.``) that GitHub would
turn into a link. Everything else (sentences, paths, dotted names, hyphens, snake_case)
stays as written, so the file reads clean. One thing escaping cannot stop: GitHub links
an e-mail address (``mailto:``, or ``xmpp:`` after that prefix) however it is escaped.

The tests prove it by parsing the output again, with markdown-it-py and with GitHub's
own cmark-gfm, for arbitrary text: the text shown is the text given, and nothing else.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Sequence

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
_BARE_URL = re.compile(r"(?:https?|ftp)(:)//", re.IGNORECASE)
_BARE_WWW = re.compile(r"www(\.)", re.IGNORECASE)
_DELIMITERS = frozenset("*_~")
_INLINE_SPECIAL = frozenset("`[]!\\<&|$")
# Stands for markup of ours between the pieces of one inline; clean text has no NUL.
_OPAQUE = "\x00"


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
    return escape_pieces([text], line_start=line_start, cell=cell, link_text=link_text)[0]


def escape_pieces(
    pieces: Sequence[str],
    *,
    line_start: bool = True,
    cell: bool = False,
    link_text: bool = False,
    opaque_start: bool = False,
) -> list[str]:
    """The texts of one inline (a paragraph, an item, a cell) that stand apart, with
    markup of ours (a citation, a link) between them, each escaped.

    They are judged together: emphasis can pair a ``_`` of one piece with a ``_`` of
    the next across a citation, so a delimiter is escaped when it has a partner anywhere
    in the inline, and left alone when it has none (``sample_corpus/001_a.txt``).
    ``opaque_start``: markup of ours stands before the first piece too.
    """
    joined = _OPAQUE.join(pieces)
    if opaque_start:
        joined = _OPAQUE + joined
    marked = _marks(joined, [int(opaque_start)] if line_start else [], cell, link_text)
    if opaque_start:
        joined, marked = joined[1:], marked[1:]
    out, at = [], 0
    for piece in pieces:
        out.append(_apply(piece, marked[at : at + len(piece)]))
        at += len(piece) + 1
    return out


def escape_lines(lines: Sequence[str]) -> list[str]:
    """The lines of one paragraph (a quote's), each starting a line, each escaped; judged
    together, since emphasis can run from one line into the next."""
    joined = "\n".join(lines)
    starts, at = [], 0
    for line in lines:
        starts.append(at)
        at += len(line) + 1
    marked = _marks(joined, starts, cell=False, link_text=False)
    return [_apply(line, marked[s : s + len(line)]) for line, s in zip(lines, starts, strict=True)]


def _marks(text: str, line_starts: list[int], cell: bool, link_text: bool) -> list[bool]:
    """Which characters of ``text`` need a backslash."""
    marked = [False] * len(text)
    for start in line_starts:
        end = text.find("\n", start)
        _mark_line_start(text[start : end if end >= 0 else len(text)], marked, start)
    _mark_inline(text, marked, cell, link_text)
    _mark_emphasis(text, marked)
    if not link_text:
        _mark_bare_urls(text, marked)
    return marked


def _apply(text: str, marked: list[bool]) -> str:
    if not any(marked):
        return text
    return "".join("\\" + c if m else c for c, m in zip(text, marked, strict=True))


def escape_line(text: str, cell: bool = True) -> str:
    """Untrusted text as one line of literal inline Markdown, safe at a line start, in a
    heading, a list item or (with ``cell``, the default) a table cell."""
    return escape_text(one_line(text), cell=cell)


def paragraphs(text: str) -> list[str]:
    """``text``'s paragraphs (runs of non-blank lines), each on one clean line."""
    return [" ".join(lines) for lines in quote_paragraphs(text)]


def quote_paragraphs(text: str) -> list[list[str]]:
    """``text``'s paragraphs, each a list of its clean lines (a quote keeps its lines)."""
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
    blocks = ["\n".join(f"> {line}" for line in escape_lines(p)) for p in quote_paragraphs(text)]
    return "\n>\n".join(blocks) or ">"


# -- the rules ----------------------------------------------------------------------------


def _mark_line_start(line: str, marked: list[bool], offset: int) -> None:
    if not line:
        return
    if (
        line[0] in ">["  # a quote; a link definition, a footnote's or a task list's box
        or _HEADING.match(line)
        or _BULLET.match(line)
        or _RULE.match(line)
        or _SETEXT.match(line)
        or _FENCE.match(line)
    ):
        marked[offset] = True
    ordered = _ORDERED.match(line)
    if ordered:
        marked[offset + ordered.start(1)] = True
    if _DELIMITER_ROW.match(line):
        marked[offset] = True
        for i, c in enumerate(line):
            if c == "|":
                marked[offset + i] = True


def _mark_inline(text: str, marked: list[bool], cell: bool, link_text: bool) -> None:
    for i, c in enumerate(text):
        if c not in _INLINE_SPECIAL:
            continue
        after = text[i + 1] if i + 1 < len(text) else ""
        # What follows is ours (a citation, a link) or unknown: assume the worst.
        unknown = not after or after in (_OPAQUE, "\n")  # or a line break
        if (
            c == "`"
            or (c == "[" and link_text)
            or (c == "]" and (link_text or unknown or after in "(["))
            or (c == "!" and (unknown or after == "["))  # an image, with a link after it
            or (c == "\\" and (unknown or after in _ASCII_PUNCT))
            or (c == "<" and (unknown or (after.isascii() and (after.isalpha() or after in "/!?"))))
            or (c == "&" and _ENTITY.match(text, i))
            or (c == "|" and cell)
            or (c == "$" and not _plain_dollar(text, i))
        ):
            marked[i] = True
    closing = _CLOSING_HASHES.search(text)
    if closing:
        marked[closing.start(1)] = True


def _mark_bare_urls(text: str, marked: list[bool]) -> None:
    for pattern in (_BARE_URL, _BARE_WWW):
        for match in pattern.finditer(text):
            marked[match.start(1)] = True


def _mark_emphasis(text: str, marked: list[bool]) -> None:
    """Escape each run of ``*``, ``_`` or ``~`` that could pair with another run of its
    character (an opener before a closer), by CommonMark's flanking rules; a run with no
    possible partner cannot make emphasis and is left as written."""
    runs: list[tuple[str, int, int, bool, bool]] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c not in _DELIMITERS or marked[i]:
            i += 1
            continue
        # A character already escaped (a fence's first tilde) is text: the run is what
        # follows it, with it as its neighbour.
        j = i
        while j < len(text) and text[j] == c and not marked[j]:
            j += 1
        runs.append((c, i, j, *_flanking(text, i, j)))
        i = j
    for n, (c, start, end, opens, closes) in enumerate(runs):
        later = any(r[0] == c and r[4] for r in runs[n + 1 :])
        earlier = any(r[0] == c and r[3] for r in runs[:n])
        if (opens and later) or (closes and earlier):
            for k in range(start, end):
                marked[k] = True


def _flanking(text: str, start: int, end: int) -> tuple[bool, bool]:
    """Whether the run ``text[start:end]`` can open and whether it can close emphasis
    (strikethrough for ``~``). The ends of the text are the ends of the line (whitespace
    to CommonMark); markup of ours beside it is taken to allow both."""
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    if _ambiguous(before) or _ambiguous(after):
        return True, True
    left = not after.isspace() and (not _punct(after) or before.isspace() or _punct(before))
    right = not before.isspace() and (not _punct(before) or after.isspace() or _punct(after))
    if text[start] == "_":
        return left and (not right or _punct(before)), right and (not left or _punct(after))
    return left, right


def _punct(c: str) -> bool:
    return c in _ASCII_PUNCT or unicodedata.category(c)[0] in "PS"


def _ambiguous(c: str) -> bool:
    """Markup of ours, a ``~``, or a symbol outside ASCII (punctuation to CommonMark
    0.31, not to older parsers): either reading may hold."""
    return (
        c == _OPAQUE
        # With its strikethrough on, cmark-gfm does not count "~" as punctuation here.
        or c == "~"
        or (not c.isascii() and unicodedata.category(c)[0] == "S")
    )


def _plain_dollar(text: str, i: int) -> bool:
    """A ``$`` that cannot delimit GitHub math: a price (``$5``, ``($10)``) or one
    standing alone between spaces."""
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before == "(") and (after.isspace() or after.isdigit())
