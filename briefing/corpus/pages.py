"""Pages of paged documents (PDF): where each page starts in an article's final text.

A reader gives the page starts as offsets into its draft's body, but ingestion then
sanitises and cleans that body (control characters out, boilerplate out, spacing
collapsed), which moves every offset. So each page start is marked in the text by a
character of its own, the marks ride through the cleaning, and their positions in the
final text are the page starts: :func:`mark_pages` before, :func:`unmark_pages` after.

The marks are private-use characters of plane 15 (U+F0001 for page 1, ...): no reader
gives them (they are removed from the page text first), sanitising keeps them, and
they are neither word characters nor spaces, so no pattern of the cleaning sees them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

MAX_PAGES = 60_000
"""More pages than marks would run out of (a reader caps far lower)."""
_FIRST_MARK = 0xF0000
_MARKS = re.compile("[\U000f0000-\U000fffff]")


def mark_pages(body: str, starts: Sequence[int]) -> str:
    """``body`` with a mark at each page start (``starts``: offsets, ascending).

    Marks already in the text (hostile input) are removed first, page by page.
    """
    bounds = [min(max(0, s), len(body)) for s in starts[:MAX_PAGES]]
    parts: list[str] = []
    for number, start in enumerate(bounds, 1):
        end = bounds[number] if number < len(bounds) else len(body)
        parts.append(chr(_FIRST_MARK + number))
        parts.append(_MARKS.sub("", body[start : max(start, end)]))
    head = _MARKS.sub("", body[: bounds[0]]) if bounds else _MARKS.sub("", body)
    return head + "".join(parts)


def unmark_pages(body: str, count: int) -> tuple[str, tuple[int, ...]]:
    """``body`` without its page marks, and the offset where each of ``count`` pages
    starts in it.

    A page whose mark the cleaning removed (its first paragraph was boilerplate) starts
    where the next page found does, so that no offset points into the wrong page.
    """
    found: dict[int, int] = {}
    pieces: list[str] = []
    last = 0
    for removed, match in enumerate(_MARKS.finditer(body)):
        pieces.append(body[last : match.start()])
        number = ord(match.group()) - _FIRST_MARK
        # Each mark before this one was one character, gone from the text.
        found.setdefault(number, match.start() - removed)
        last = match.end()
    pieces.append(body[last:])
    text = "".join(pieces)
    starts = [0] * count
    following = len(text)
    for number in range(count, 0, -1):
        following = min(found.get(number, following), following)
        starts[number - 1] = following
    if starts:
        starts[0] = 0
    return text, tuple(starts)


def strip_paged(body: str, starts: tuple[int, ...]) -> tuple[str, tuple[int, ...]]:
    """``body.strip()``, with the page starts moved onto the stripped text."""
    lead = len(body) - len(body.lstrip())
    text = body.strip()
    return text, clamp_pages(tuple(start - lead for start in starts), len(text))


def clamp_pages(starts: tuple[int, ...], size: int) -> tuple[int, ...]:
    """Page starts within a text of ``size`` characters (a capped text ends sooner)."""
    return tuple(min(max(0, start), size) for start in starts)


def page_of(starts: Sequence[int], offset: int) -> int | None:
    """The page (1-based) the character at ``offset`` is on; None when not paged."""
    if not starts:
        return None
    return max(1, bisect_right(starts, max(0, offset)))


def page_label(starts: Sequence[int], start: int, end: int) -> str | None:
    """``"p. 3"`` for a passage ``[start, end)`` on one page, ``"pp. 3–4"`` for one
    across pages; None when the article has no pages."""
    first = page_of(starts, start)
    if first is None:
        return None
    last = page_of(starts, max(start, end - 1)) or first
    return f"p. {first}" if last == first else f"pp. {first}–{last}"
