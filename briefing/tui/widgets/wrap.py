"""Word-wrapping an article's text by character offsets, for the views that page it.

Each wrapped line is a ``(start, end)`` pair of offsets into the text, so that a match
or a sentence maps to a line and back; the text itself is never copied line by line.
"""

from __future__ import annotations

import re

from rich.cells import cell_len, get_character_cell_size

_SPACE_RUN = re.compile(r"[ \t]+")
# Characters that are one cell wide (checked against rich's width tables). A paragraph made
# only of these wraps by counting characters with str.rfind, which keeps re-wrapping a 2 MB
# article on resize in the tens of milliseconds; anything else (CJK, combining marks,
# emoji) goes through the slower per-character path.
_NOT_NARROW = re.compile(
    "[^\t\x20-\x7e\xa0-\xac\xae-\u02ff\u0370-\u0482\u2010-\u2027\u2030-\u205e\u20a0-\u20c0]"
)


def wrap_offsets(text: str, width: int) -> list[tuple[int, int]]:
    """Word-wrap ``text`` to ``width`` cells, as character offsets.

    Every ``"\\n"`` ends a line (so ``"\\n\\n"`` between paragraphs gives a blank line);
    a paragraph breaks after a run of spaces, or inside a word that is wider than
    the line. The spans partition the text: every offset falls in exactly one span,
    a line's span includes the spaces it breaks at and the newline that ends it, and
    what is left once those are stripped fits in ``width`` cells (a single character
    wider than ``width`` gets a line of its own).

    Args:
        text: The text, with newlines between lines and paragraphs.
        width: The width in terminal cells (at least 1 is used).

    Returns:
        One ``(start, end)`` span per wrapped line; ``[(0, 0)]`` for an empty text.
    """
    width = max(1, width)
    lines: list[tuple[int, int]] = []
    pos, length = 0, len(text)
    while pos < length:
        newline = text.find("\n", pos)
        end = length if newline < 0 else newline
        if _NOT_NARROW.search(text, pos, end) is None:
            _wrap_narrow(text, pos, end, width, lines)
        else:
            _wrap_wide(text, pos, end, width, lines)
        if newline < 0:
            break
        # The newline belongs to the line it ends, so that every offset has a line.
        lines[-1] = (lines[-1][0], newline + 1)
        pos = newline + 1
    return lines or [(0, 0)]


def _wrap_narrow(text: str, start: int, end: int, width: int, out: list[tuple[int, int]]) -> None:
    """Wrap ``text[start:end]``, where every character is one cell wide."""
    pos = start
    # A paragraph's leading indent is not a place to break: it would leave a blank line.
    indent = _SPACE_RUN.match(text, pos, end)
    floor = indent.end() if indent else pos
    while end - pos > width:
        limit = pos + width  # the first character that does not fit
        if text[limit] in " \t":
            run = _SPACE_RUN.match(text, limit, end)
            assert run is not None
            cut = run.end()  # the spaces hang past the edge, as in any word processor
        else:
            space = max(text.rfind(" ", floor, limit), text.rfind("\t", floor, limit))
            cut = space + 1 if space >= 0 else limit
        if cut >= end:
            break
        out.append((pos, cut))
        pos = floor = cut
    out.append((pos, end))


def _wrap_wide(text: str, start: int, end: int, width: int, out: list[tuple[int, int]]) -> None:
    """Wrap ``text[start:end]`` character by character, with real cell widths."""
    pos = start
    cells = 0  # cells used on the current line up to ``i``
    brk = -1  # where the next line may start: after the last run of spaces
    i = start
    while i < end:
        char = text[i]
        if char in " \t":
            run = _SPACE_RUN.match(text, i, end)
            assert run is not None
            cells += run.end() - i
            if i > pos:  # not the paragraph's indent
                brk = run.end()
            i = run.end()
            continue
        char_cells = get_character_cell_size(char)
        # A loop: after breaking at the last space, the carried word plus a wide
        # character may still not fit, and then the word is folded where it stands.
        while cells + char_cells > width and i > pos:
            cut = brk if pos < brk <= i else i
            out.append((pos, cut))
            cells = cell_len(text[cut:i])
            pos, brk = cut, -1
        cells += char_cells
        i += 1
    out.append((pos, end))
