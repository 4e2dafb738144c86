"""Snippets: stretches of a text around its best matches, with the matches as spans.

A snippet is cut at word boundaries, its whitespace runs made single spaces, with an
ellipsis where the text goes on; a highlighted name is never cut in two.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable

from briefing.search.highlight import Match
from briefing.search.model import Snippet

SNIPPET_CHARS = 200  # target length of a snippet; it ends up about 150-250 characters
LEAD_CHARS = 200
ELLIPSIS = "…"


def _snap_start(text: str, start: int, limit: int) -> int:
    """``start`` moved forward to the beginning of a word, but not past ``limit``."""
    if start <= 0:
        return 0
    if text[start - 1].isspace():
        return start
    space = re.compile(r"\s").search(text, start, limit)
    return space.end() if space else start


def _snap_end(text: str, end: int, limit: int) -> int:
    """``end`` moved back to the end of a word, but not before ``limit``."""
    if end >= len(text):
        return len(text)
    if text[end].isspace():
        return end
    cut = max((m.start() for m in re.finditer(r"\s", text[limit:end])), default=None)
    return limit + cut if cut is not None else end


def _window(text: str, start: int, end: int, width: int) -> tuple[int, int]:
    """A stretch of about ``width`` characters around ``start:end``, at word boundaries."""
    spare = max(0, width - (end - start))
    left = start - spare // 2
    right = end + (spare - spare // 2)
    if left < 0:
        right, left = min(len(text), right - left), 0
    if right > len(text):
        left, right = max(0, left - (right - len(text))), len(text)
    return _snap_start(text, left, start), _snap_end(text, right, end)


def _collapsed_at(segment: str, at: int) -> int:
    """Where ``segment[at]`` lands once whitespace runs are single spaces and leading
    whitespace is dropped."""
    before = segment[:at]
    words = before.split()
    return len(" ".join(words)) + (1 if words and before[-1].isspace() else 0)


def _clip(text: str, start: int, end: int, matches: Iterable[Match]) -> Snippet:
    """The snippet ``text[start:end]`` with whitespace runs as single spaces, ellipses at
    cut ends, and the matches that lie wholly inside as highlight offsets."""
    segment = text[start:end]
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    spans = tuple(
        (
            len(prefix) + _collapsed_at(segment, m.start - start),
            len(prefix) + _collapsed_at(segment, m.end - 1 - start) + 1,
        )
        for m in matches
        if m.start >= start and m.end <= end
    )
    return Snippet(prefix + " ".join(segment.split()) + suffix, spans)


def snippets(
    text: str, matches: tuple[Match, ...], count: int, width: int = SNIPPET_CHARS
) -> tuple[Snippet, ...]:
    """Up to ``count`` non-overlapping snippets of ``text`` around the best matches.

    Windows with the most distinct matched terms win, then those with the most
    matches; the snippets come back in text order.
    """
    if count <= 0 or not matches:
        return ()
    # Matches are disjoint and in text order (see highlight._merge), so the one match that may
    # straddle a window's edge is found by bisection: scanning them all for every
    # window took minutes on a 2 MB article with 15,000 matches.
    starts = [m.start for m in matches]

    def straddling(at: int) -> Match | None:
        i = bisect_left(starts, at) - 1
        return matches[i] if i >= 0 and matches[i].end > at else None

    candidates: list[tuple[tuple[int, int, int], int, int]] = []
    for i, first in enumerate(matches):
        keys: set[str] = set()
        total = 0
        last = i
        for j in range(i, len(matches)):
            if matches[j].end - first.start > width and j > i:
                break
            keys |= matches[j].keys
            total += matches[j].count
            last = j
        left, right = _window(text, first.start, matches[last].end, width)
        # Never cut through a highlighted name like "Deir ez-Zor": take it whole.
        if (cut := straddling(left)) is not None:
            left = cut.start
        if (cut := straddling(right)) is not None:
            right = cut.end
        candidates.append(((len(keys), total, -i), left, right))
    candidates.sort(reverse=True)
    chosen: list[tuple[int, int]] = []
    for _, left, right in candidates:
        if all(right <= a or left >= b for a, b in chosen):
            chosen.append((left, right))
            if len(chosen) == count:
                break
    return tuple(_clip(text, left, right, matches) for left, right in sorted(chosen))


def lead_snippet(text: str, width: int = LEAD_CHARS) -> Snippet:
    """The start of ``text`` as a snippet without highlights."""
    end = _snap_end(text, min(len(text), width), min(len(text), width // 2))
    return _clip(text, 0, end, ())
