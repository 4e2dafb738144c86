"""The reading order of a PDF's text, from where its pieces sit on the page.

A PDF holds positioned runs of text, in whatever order its writer drew them (some draw
two columns line by line across the page). This module is plain geometry, no PDF
library: runs (:class:`Run`) become lines, lines become blocks (a paragraph, or a
column's stretch of lines), and blocks are put in reading order by the rule of
T. Breuel's "High performance document layout analysis" (2003): a block comes before
another below it that it overlaps horizontally, and before one to its right unless a
block between them in height spans both (a heading across the columns). Running heads,
running feet and page numbers, the lines repeated in a page's margins, are found
across the pages and dropped.

Coordinates are PDF points with y going up, as the PDF library reports them.
"""

from __future__ import annotations

import heapq
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field

# The top and bottom share of a page where running heads and feet live.
MARGIN_SHARE = 0.12
# A margin line repeated (digits aside) on this share of the pages, and on two at
# least, is a running head or foot.
REPEAT_SHARE = 0.3
# Above this many blocks on a page, the reading-order rule (cubic at worst) gives way
# to plain top-to-bottom, left-to-right order.
MAX_ORDERED_BLOCKS = 120
_PAGE_NUMBER = re.compile(
    r"(?:page|p\.|seite|página|pagina)?\s*[-–—(\[]?\s*"
    r"(?:\d{1,4}|[ivxlcdm]{1,7})\s*[-–—)\]]?"
    r"(?:\s*(?:of|/|von|de|sur)\s*\d{1,4})?",
    re.IGNORECASE,
)
# A running head or foot is short (a title, a date, "Page 3 of 12").
MAX_FURNITURE_CHARS = 120
# A line that ends a sentence this share of the block's width short of its edge ends
# a paragraph (ragged-right lines often end a fifth short).
SHORT_LINE_SHARE = 0.35
# A bullet or list number, which typesetters set apart from its item's text.
_MARKER = re.compile(r"[•·▪‣◦○●■□–—*-]|\(?(?:\d{1,3}|[a-zA-Z]|[ivx]{1,4})[.)]")
_MARKER_GAP = 4.0
_DIGITS = re.compile(r"\d+")
# A line-end hyphen: ASCII hyphen, pdfium's mark for a hyphen it judged to break a
# word (U+0002), the soft-hyphen marks U+FFFE and U+00AD.
_LINE_END_HYPHEN = ("-", "\x02", "\ufffe", "\u00ad")
_SOFT_HYPHENS = ("\x02", "\ufffe", "\u00ad")
_TERMINAL = re.compile(r"[.!?:;][\"'”’»)\]]*$")


@dataclass(frozen=True, slots=True)
class Run:
    """A piece of text on a page and its box (left, bottom, right, top)."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def height(self) -> float:
        """The box's height: the text's size, near enough."""
        return max(self.y1 - self.y0, 0.1)


@dataclass(slots=True)
class Line:
    """Runs on one baseline, close enough together to be read as one line."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    size: float


@dataclass(slots=True)
class Block:
    """Lines read one after another: a paragraph, or a column's stretch of lines."""

    lines: list[Line] = field(default_factory=list)
    x0: float = 0.0
    y0: float = 0.0
    x1: float = 0.0
    y1: float = 0.0

    def add(self, line: Line) -> None:
        """Append ``line`` and grow the box around it."""
        if not self.lines:
            self.x0, self.y0, self.x1, self.y1 = line.x0, line.y0, line.x1, line.y1
        else:
            self.x0, self.x1 = min(self.x0, line.x0), max(self.x1, line.x1)
            self.y0, self.y1 = min(self.y0, line.y0), max(self.y1, line.y1)
        self.lines.append(line)

    @property
    def size(self) -> float:
        """The block's text size: its lines' most common height."""
        return Counter(round(line.size, 1) for line in self.lines).most_common(1)[0][0]


def lines_of(runs: list[Run]) -> list[Line]:
    """Join runs on one baseline into lines, top to bottom; a wide gap (a gutter
    between columns) keeps two runs on separate lines, but not the gap after a bullet."""
    bands: list[list[Run]] = []
    boxes: list[tuple[float, float]] = []  # each band's bottom and top
    active: list[int] = []
    for run in sorted(runs, key=lambda r: -r.y1):
        if not run.text.strip():
            continue
        # Bands entirely above this run can take no more runs (runs come top first).
        active = [i for i in active if boxes[i][0] < run.y1]
        # The band it overlaps most (a taller run can touch two).
        home = max(
            (i for i in active if _overlap(boxes[i], run) >= 0.5 * run.height),
            key=lambda i: _overlap(boxes[i], run),
            default=None,
        )
        if home is None:
            active.append(len(bands))
            bands.append([run])
            boxes.append((run.y0, run.y1))
        else:
            bands[home].append(run)
            boxes[home] = (min(boxes[home][0], run.y0), max(boxes[home][1], run.y1))
    lines: list[Line] = []
    for band in bands:
        band.sort(key=lambda r: r.x0)
        parts = [band[0]]
        for before, run in itertools.pairwise(band):
            if run.x0 - before.x1 > _gap_limit(before, run) * max(before.height, run.height):
                lines.append(_line(parts))
                parts = []
            parts.append(run)
        lines.append(_line(parts))
    lines = [line for line in lines if line.text]
    lines.sort(key=lambda ln: (-round(ln.y1), ln.x0))
    return lines


def _overlap(box: tuple[float, float], run: Run) -> float:
    return min(box[1], run.y1) - max(box[0], run.y0)


def _gap_limit(before: Run, run: Run) -> float:
    """The widest gap, in text sizes, between two runs of one line."""
    return _MARKER_GAP if _MARKER.fullmatch(before.text.strip()) else 0.8


def _line(parts: list[Run]) -> Line:
    text = parts[0].text
    for before, run in itertools.pairwise(parts):
        tight = run.x0 - before.x1 < 0.1 or text.endswith(" ") or run.text.startswith(" ")
        text += run.text if tight else " " + run.text
    return Line(
        min(r.x0 for r in parts),
        min(r.y0 for r in parts),
        max(r.x1 for r in parts),
        max(r.y1 for r in parts),
        " ".join(text.split()),
        max(r.height for r in parts),
    )


def furniture(pages: list[list[Line]], heights: list[float]) -> list[set[int]]:
    """For each page, the indexes of its lines that are running heads, running feet or
    page numbers: on one of the page's two topmost or two lowest baselines, in its top
    or bottom margin, and either a page number alone or repeated (digits aside) on as
    many other pages."""
    keys: list[dict[int, str]] = []
    counts: Counter[str] = Counter()
    for lines, height in zip(pages, heights, strict=True):
        page_keys: dict[int, str] = {}
        for index in _outermost(lines, height):
            text = lines[index].text
            if len(text) <= MAX_FURNITURE_CHARS:
                key = _DIGITS.sub("#", text.casefold())
                page_keys[index] = f"{round(lines[index].size)}:{key}"
        keys.append(page_keys)
        counts.update(set(page_keys.values()))
    with_text = sum(1 for lines in pages if lines)
    needed = max(2, int(REPEAT_SHARE * with_text + 0.999))
    found: list[set[int]] = []
    for lines, page_keys in zip(pages, keys, strict=True):
        found.append(
            {
                index
                for index, key in page_keys.items()
                if counts[key] >= needed or _PAGE_NUMBER.fullmatch(lines[index].text.strip())
            }
        )
    return found


def _outermost(lines: list[Line], height: float) -> list[int]:
    """The lines on the page's two topmost and two lowest baselines that lie in its
    top or bottom margin."""
    baselines = sorted({round(line.y0) for line in lines})
    edges = set(baselines[:2]) | set(baselines[-2:])
    return [
        index
        for index, line in enumerate(lines)
        if round(line.y0) in edges
        and (line.y0 >= height * (1 - MARGIN_SHARE) or line.y1 <= height * MARGIN_SHARE)
    ]


def blocks_of(lines: list[Line]) -> list[Block]:
    """Group lines into blocks: each line joins the block whose last line is just above
    it, overlapping it horizontally and of the same size; otherwise it starts one."""
    blocks: list[Block] = []
    open_blocks: list[Block] = []
    for line in sorted(lines, key=lambda ln: (-ln.y1, ln.x0)):
        home = None
        for block in open_blocks:
            last = block.lines[-1]
            gap = last.y0 - line.y1
            if not -0.3 * line.size <= gap <= 0.8 * line.size:
                continue
            if abs(last.size - line.size) > 0.15 * max(last.size, line.size):
                continue
            overlap = min(last.x1, line.x1) - max(last.x0, line.x0)
            if overlap >= 0.5 * min(last.x1 - last.x0, line.x1 - line.x0):
                home = block
                break
        if home is None:
            home = Block()
            blocks.append(home)
            open_blocks.append(home)
        home.add(line)
        # A block more than a few lines above the current one can take no more lines.
        open_blocks = [b for b in open_blocks if b.y0 - line.y0 <= 3 * line.size]
    return blocks


def reading_order(blocks: list[Block]) -> list[Block]:
    """``blocks`` in reading order (see the module's docstring)."""
    count = len(blocks)
    if count > MAX_ORDERED_BLOCKS:
        return sorted(blocks, key=lambda b: (-b.y1, b.x0))
    after: list[list[int]] = [[] for _ in range(count)]
    waiting = [0] * count
    for i, a in enumerate(blocks):
        for j, b in enumerate(blocks):
            if i != j and _before(a, b, blocks):
                after[i].append(j)
                waiting[j] += 1
    ready = [(-blocks[i].y1, blocks[i].x0, i) for i in range(count) if waiting[i] == 0]
    heapq.heapify(ready)
    ordered: list[Block] = []
    done = [False] * count
    while len(ordered) < count:
        if not ready:  # a cycle (overlapping boxes): take the topmost block left
            i = min((i for i in range(count) if not done[i]), key=lambda k: -blocks[k].y1)
            ready.append((-blocks[i].y1, blocks[i].x0, i))
        _, _, i = heapq.heappop(ready)
        if done[i]:
            continue
        done[i] = True
        ordered.append(blocks[i])
        for j in after[i]:
            waiting[j] -= 1
            if waiting[j] == 0 and not done[j]:
                heapq.heappush(ready, (-blocks[j].y1, blocks[j].x0, j))
    return ordered


def _before(a: Block, b: Block, blocks: list[Block]) -> bool:
    if min(a.x1, b.x1) > max(a.x0, b.x0):  # they overlap horizontally
        return (a.y0 + a.y1) > (b.y0 + b.y1)
    if a.x1 > b.x0:  # a is right of b
        return False
    top, bottom = max(a.y1, b.y1), min(a.y0, b.y0)
    for c in blocks:
        if c is a or c is b:
            continue
        between = c.y1 <= top and c.y0 >= bottom and c.y1 < max(a.y0, b.y0)
        if between and c.x0 < a.x1 and c.x1 > b.x0:
            return False
    return True


def paragraphs_of(blocks: list[Block]) -> list[str]:
    """The blocks' text as paragraphs: a block's lines joined (line-end hyphens joined),
    and a block split before an indented line, or after a sentence that ends a line
    well short of the block's edge (paragraphs set without space between them)."""
    paragraphs: list[str] = []
    for block in blocks:
        current = ""
        width = block.x1 - block.x0
        lines = block.lines
        for index, line in enumerate(lines):
            current = join_line(current, line.text)
            following = lines[index + 1] if index + 1 < len(lines) else None
            if following is None:
                continue
            indented = following.x0 - block.x0 > 0.8 * following.size and (
                line.x0 - block.x0 < 0.3 * line.size
            )
            short = block.x1 - line.x1 > SHORT_LINE_SHARE * width
            if indented or (short and _TERMINAL.search(line.text)):
                paragraphs.append(current)
                current = ""
        if current:
            paragraphs.append(current)
    return paragraphs


def join_line(text: str, line: str) -> str:
    """``line`` added to ``text``: after a line-end hyphen before a lowercase letter the
    word is joined, else with a space."""
    if not text:
        return line
    if text.endswith(_SOFT_HYPHENS) and line[:1].isalpha():
        return text[:-1] + line
    if text.endswith(_LINE_END_HYPHEN) and not text.endswith(" -"):
        stem = text[:-1]
        if stem[-1:].isalpha() and line[:1].islower():
            return stem + line
        return text[:-1] + "-" + line if text.endswith(_SOFT_HYPHENS) else text + line
    return f"{text} {line}"


def continues(paragraph: str, following: str) -> bool:
    """Whether ``following`` (the first paragraph of a column or page) goes on with
    ``paragraph`` (the last of the one before): no sentence ends between them."""
    if not paragraph or not following:
        return False
    if paragraph.endswith(_LINE_END_HYPHEN):
        return following[:1].isalpha()
    # A capital after no full stop is more often a heading's end than a sentence's.
    return not _TERMINAL.search(paragraph) and (following[:1].islower() or paragraph[-1] == ",")
