"""Boilerplate out of article bodies: reader comments, link lists, share and navigation
lines, author bios, repeated paragraphs.

Users paste whole web pages, and saved pages and feeds carry the same furniture in their
text: :func:`clean_body` strips it, and every format reader's body goes through it.

Everything here is heuristic, so it leans one way: losing a real paragraph of an article
is worse than keeping a stray line of boilerplate. Patterns match whole short lines,
never words inside sentences, and cutting a trailing section is refused when it would
take most of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefing.corpus.sanitize import one_space, strip_invisible

# A cut (comments, a trailing link list) that would take more than this share of the
# text is refused: a "comments" header that high up is more likely a stray link than the
# end of the article.
_MAX_CUT_SHARE = 0.6
HEADER_MAX = 250  # a section header or boilerplate line is short
SHORT_LINE_MAX = 160
_LINK_LINE_MAX = 300
_LINK_ITEM_MAX = 200  # an item of a "Related Posts" list is a headline, not a paragraph
_NAV_MAX = 80
_BIO_MAX = 1200
_DEDUPE_MIN = 60  # shorter repeats (separators, attributions) may be deliberate
_TOP_UNITS = 8  # breadcrumbs only count near the top

TERMINAL = re.compile(r"[.!?][\"'”’»)]*$")
_LIST_ITEM = re.compile(r"(?:[-*•·]|\d{1,3}[.)])\s")
# A full stop (or colon) at the end: sentences have one, headlines in link lists do not.
_SENTENCE_STOP = re.compile(r"[.:][\"'”’»)]*$")

# --- boilerplate lines -------------------------------------------------------------------

# Headers that start a reader-comment section; everything after them is comments.
_COMMENT_HEADER = re.compile(
    r"""
    (?:one|no|\d+)\s+(?:thoughts?|responses?|repl(?:y|ies)|comments?)\s+(?:on|to)\s*[“"‘'«].*
  | (?:one|no|\d+)\s+(?:thoughts?|responses?|repl(?:y|ies)|comments?)\s+(?:on|to)\s+[^.!?]*
  | (?:no|one|\d+)\s+comments?(?:\s+so\s+far)?\W*
  | (?:(?:show|view|load|read|see|hide)\s+(?:all\s+)?(?:\d+\s+)?)?(?:reader\s+)?comments?
      (?:\s*\(\d+\))?\W*
  | join\s+the\s+(?:conversation|discussion|debate)\W*
  | (?:leave|post|add|write|submit)\s+(?:a|your)\s+(?:comment|reply|response)(?:\s+below)?
      (?:\s+cancel\s+reply)?\W*
  | cancel\s+reply\W*
  | please\s+enter\s+your\s+(?:comment|name|e-?mail(?:\s+address)?)(?:\s+here)?\W*
  | your\s+e-?mail\s+address\s+will\s+not\s+be\s+published.*
  | comments\s+are\s+(?:closed|disabled|turned\s+off)\b.*
  | you\s+must\s+be\s+(?:logged|signed)\s+in\s+to\s+(?:post|leave|write)\s+a\s+comment.*
    """,
    re.IGNORECASE | re.VERBOSE,
)
# Headers of link lists that pages put after (or beside) the article.
_LINKS_STRONG = re.compile(
    r"""
    (?:related|similar|more|other|recommended|suggested|popular|latest|recent|top|trending
      |featured)\s+(?:posts?|articles?|stories|news|reads?|content|links|videos|coverage
      |headlines)
  | you\s+(?:may|might|could)\s+(?:also\s+)?(?:like|enjoy|be\s+interested\s+in)
  | (?:read|up|watch)\s+next
  | what\s+to\s+read\s+next
  | more\s+(?:from|on)\s+\S.{0,40}
  | most\s+(?:read|popular|viewed|shared|commented)
  | editors?['’]?\s*picks?
  | (?:don['’]t|do\s+not)\s+miss
  | in\s+case\s+you\s+missed\s+it
    """,
    re.IGNORECASE | re.VERBOSE,
)
# Ambiguous alone (a review may have a "Recommended" heading): cut only as a trailing list.
_LINKS_WEAK = re.compile(
    r"related|recommended(?:\s+for\s+you)?|popular(?:\s+now)?|trending(?:\s+now)?|latest"
    r"|see\s+also|further\s+reading",
    re.IGNORECASE,
)
_HEADER_TAIL = re.compile(r"[\s:»>.…]*$")
# One-line links to other articles inside the body.
_RELATED_LINE = re.compile(
    r"""
    >+\s*(?:related|read|see|also|more|watch|recommended|don['’]t\s+miss)\b.*
  | (?:related|read\s+more|read\s+also|also\s+read|see\s+also|more|must\s+read|recommended
      |suggested|don['’]t\s+miss|further\s+reading|read)
      (?:\s+(?:articles?|stories|story|news|posts?|content|reading|here))?\s*[:|»>]\s*\S.*
    """,
    re.IGNORECASE | re.VERBOSE,
)
_SHARE_LINE = re.compile(
    r"""
    share\s+(?:this|on|via|to|the|article|story|post|page|with)\b.*
  | share\W*
  | click\s+to\s+(?:share|email|print|tweet|post)\b.*
  | (?:tweet|pin\s+it|e-?mail|print|whatsapp|facebook|twitter|linkedin|reddit|telegram
      |copy\s+link|like)\W*
  | like\s+this\W*
  | like\s+loading\W*
  | loading(?:\.{3}|…)
  | (?:subscribe|sign\s+up)(?:\s+(?:to|for|now|today|here)\b.*|\W*)
  | get\s+(?:the\s+)?(?:latest|our|daily|weekly|free)\b.{0,80}\b(?:inbox|newsletter)\b.*
  | follow\s+us\b.*
  | follow\s+(?:\S+\s+){0,3}on\s+(?:twitter|x|facebook|instagram|telegram|linkedin|youtube
      |tiktok|threads|bluesky|mastodon|google\s+news)\b.*
    """,
    re.IGNORECASE | re.VERBOSE,
)
_NAV_LINE = re.compile(
    r"""
    skip\s+to\s+(?:the\s+)?(?:main\s+)?(?:content|navigation|search)
  | (?:toggle\s+)?(?:navigation|menu|search)
  | advertisements?|sponsored(?:\s+content)?
  | (?:story\s+)?continues?\s+(?:below|after)\s+(?:this\s+)?(?:advertisement|ad)
  | scroll\s+(?:down\s+)?to\s+continue(?:\s+(?:reading|with\s+content))?
  | continue\s+reading(?:\s+(?:below|the\s+main\s+story))?
  | read\s+(?:more|full\s+(?:article|story))|back\s+to\s+top|home
  | \d+\s+min(?:ute)?s?\s+read
    """,
    re.IGNORECASE | re.VERBOSE,
)
# "Home » World » Title", or the title glued to a "HomeWAR" breadcrumb (sample 002).
# Case-sensitive on purpose: "Home Secretary said…" and "Homeowners…" are prose.
_BREADCRUMB = re.compile(r"Home(?:[A-Z]|\s*[»›>/|]\s*\S)|(?:[^«»›\n]{1,40}[»›]\s*){2,}")
_ABOUT_AUTHOR = re.compile(
    r"(?:about\s+the\s+(?:authors?|writer)|author\s+bio(?:graphy)?|author\s+information)"
    r"(?P<inline>\s*:\s*\S.*)?",
    re.IGNORECASE,
)
# "Mezhar Alee is a prolific author who…": the paragraph of an author-bio block.
_BIO_SENTENCE = re.compile(
    r"(?P<name>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3})\s+(?:is|was)\s+(?:an?|the)\s+"
    r"(?:[\w,'’-]+\s+){0,8}?(?:author|writer|journalist|reporter|editor|correspondent"
    r"|contributor|columnist|analyst|blogger|commentator|freelancer|researcher|fellow)s?\b"
)
# Without a name line or "About the author" before it, a bio sentence is only trusted at
# the very end of the article and with one of these cues, so prose about a journalist stays.
_BIO_CUE = re.compile(
    r"\b(?:(?:his|her|their)\s+(?:website|blog|work|writing|articles)|follow\s+(?:him|her|them)"
    r"|can\s+be\s+reached|is\s+the\s+author\s+of|has\s+written\s+for|contributes?\s+to)\b",
    re.IGNORECASE,
)


@dataclass
class _Unit:
    """One paragraph of the body and, for a one-line paragraph, its boilerplate kind."""

    text: str
    kind: str | None = None


@dataclass
class Cleaned:
    """A body without its boilerplate, what was removed, and the name of a removed bio."""

    body: str
    warnings: list[str]
    bio_name: str | None


def clean_body(text: str) -> tuple[str, tuple[str, ...]]:
    """Remove boilerplate from an article body.

    Args:
        text: The body, one paragraph per line or paragraphs separated by blank lines.

    Returns:
        The clean text, paragraphs separated by a blank line, and one-line warnings
        saying what was removed or why something was kept.
    """
    cleaned = clean(text)
    return cleaned.body, tuple(cleaned.warnings)


def fold(text: str) -> str:
    """``text`` with its spacing collapsed and case folded, to compare lines."""
    return " ".join(text.split()).casefold()


# --- body --------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Newlines as ``\\n``, and no invisible characters: zero-width spaces and BOMs hide
    inside pasted words and defeat every pattern here (the rule is
    :func:`briefing.corpus.sanitize.strip_invisible`'s; ZWJ and ZWNJ stay)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return strip_invisible(text)


def boilerplate_kind(line: str, *, near_top: bool) -> str | None:
    """The boilerplate kind of a stripped line, or None for article text."""
    size = len(line)
    if size > _LINK_LINE_MAX:
        return None
    if size <= HEADER_MAX:
        header = _HEADER_TAIL.sub("", line) if size <= 60 else line
        if _COMMENT_HEADER.fullmatch(line):
            return "comments"
        if size <= 60 and _LINKS_STRONG.fullmatch(header):
            return "links"
        if size <= 60 and _LINKS_WEAK.fullmatch(header):
            return "links-weak"
        if _ABOUT_AUTHOR.fullmatch(line):
            return "about"
    if _RELATED_LINE.fullmatch(line):
        return "related"
    if size <= SHORT_LINE_MAX and _SHARE_LINE.fullmatch(line):
        return "share"
    if size <= _NAV_MAX and _NAV_LINE.fullmatch(line.strip(" .:»>")):
        return "nav"
    if near_top and size <= HEADER_MAX and _BREADCRUMB.match(line) and not line.endswith("."):
        return "nav"
    return None


def _units(text: str) -> list[_Unit]:
    """Split text into paragraphs: blank lines and, unless hard-wrapped, newlines too."""
    lines = [one_space(line).rstrip() for line in normalise(text).split("\n")]
    width = _wrap_width(lines)
    indented = _indent_paragraphs(lines)
    units: list[_Unit] = []
    previous = ""  # the previous line if it may continue into this one
    kinds: dict[tuple[str, bool], str | None] = {}  # pages repeat their boilerplate
    for raw in lines:
        line = raw.strip()
        if not line:
            previous = ""
            continue
        near_top = len(units) < _TOP_UNITS
        if (line, near_top) not in kinds:
            kinds[line, near_top] = boilerplate_kind(line, near_top=near_top)
        kind = kinds[line, near_top]
        if indented:
            continues = not raw.startswith(" ")
        else:
            # The wrapper broke the previous line only if this line's first word did not
            # fit on it; a shorter line was ended on purpose.
            continues = width is not None and len(previous) + len(line.split(" ", 1)[0]) >= width
        if previous and kind is None and continues and not _LIST_ITEM.match(line):
            units[-1].text = f"{units[-1].text} {line}"
        else:
            units.append(_Unit(line, kind))
        previous = line if kind is None and (indented or width is not None) else ""
    return units


def _wrap_width(lines: list[str]) -> int | None:
    """The column a hard-wrapped text (mail, wire copy) was wrapped at; None if not wrapped.

    Pasted web text has one paragraph per line, so each line is a paragraph; text wrapped
    at a fixed width has most lines close to the same length, and those lines are joined.
    """
    sizes = [len(line.strip()) for line in lines if line.strip()]
    if len(sizes) < 5:
        return None
    width = max(sizes)
    if not 40 <= width <= 100:
        return None
    # Wrapped lines end within a word's length of the width; one-line paragraphs of
    # varying length rarely do.
    full = sum(1 for size in sizes if size >= width - 15)
    return width if full >= 0.5 * len(sizes) else None


def _indent_paragraphs(lines: list[str]) -> bool:
    """Whether the text is wrapped wire copy whose paragraphs start with an indent.

    Some lines indented and others not, all of them short, and most lines ending
    mid-sentence: the indented ones start paragraphs and the others continue them.
    One-line paragraphs end with a full stop, so short pasted paragraphs are left alone.
    """
    text_lines = [line for line in lines if line.strip()]
    if len(text_lines) < 5 or any(len(line) > 100 for line in text_lines):
        return False
    indented = sum(1 for line in text_lines[1:] if line.startswith(" "))
    open_ended = sum(1 for line in text_lines if not TERMINAL.search(line))
    return 0 < indented < len(text_lines) - 1 and open_ended >= 0.5 * len(text_lines)


def clean(text: str) -> Cleaned:
    """:func:`clean_body`'s work, with the name of the author whose bio was removed."""
    units = _units(text)
    # after[i]: characters from unit i to the end, to price a cut without re-summing.
    after = [0] * (len(units) + 1)
    for index in range(len(units) - 1, -1, -1):
        after[index] = after[index + 1] + len(units[index].text)
    total = after[0] or 1
    warnings: list[str] = []
    drop: set[int] = set()

    bio = _find_bio(units)
    bio_name = None
    if bio is not None:
        first, last, bio_name = bio
        drop.update(range(first, last + 1))

    end = len(units)
    for index, unit in enumerate(units):
        if unit.kind != "comments":
            continue
        share = after[index] / total
        if share <= _MAX_CUT_SHARE:
            end = index
            warnings.append("removed reader comments")
            break
        drop.add(index)
        # A "12 Comments" link in the byline area is not worth a warning; one is enough.
        if index >= 3 and not any(w.startswith("kept text after") for w in warnings):
            warnings.append(
                f"kept text after {_quote(unit.text)}: cutting would remove {share:.0%} of it"
            )

    end = _cut_link_lists(units, end, total, drop, warnings)

    counts = {"related": 0, "share": 0, "nav": 0}
    for index, unit in enumerate(units[:end]):
        if unit.kind in counts:
            drop.add(index)
            counts[unit.kind] += 1
    if bio is not None:
        warnings.append("removed author bio")
    if counts["related"]:
        warnings.append(f"removed {_plural(counts['related'], 'related-link line')}")
    if counts["share"]:
        warnings.append(f"removed {_plural(counts['share'], 'share/subscribe line')}")
    if counts["nav"]:
        warnings.append(f"removed {_plural(counts['nav'], 'navigation line')}")

    paragraphs: list[str] = []
    seen: set[str] = set()
    repeats = 0
    for index, unit in enumerate(units[:end]):
        if index in drop:
            continue
        key = unit.text
        if len(key) >= _DEDUPE_MIN:
            if key in seen:
                repeats += 1
                continue
            seen.add(key)
        paragraphs.append(unit.text)
    if repeats:
        warnings.append(f"collapsed {_plural(repeats, 'repeated paragraph')}")
    return Cleaned("\n\n".join(paragraphs), warnings, bio_name)


def _cut_link_lists(
    units: list[_Unit], end: int, total: int, drop: set[int], warnings: list[str]
) -> int:
    """Remove "Related Posts"-style lists; return the new end of the article."""
    index = 0
    while index < end:
        kind = units[index].kind
        if kind not in ("links", "links-weak"):
            index += 1
            continue
        after = index + 1
        while after < end and (units[after].kind is not None or _is_link_item(units[after].text)):
            after += 1
        if after == end:
            share = sum(len(u.text) for u in units[index:]) / total
            if share <= _MAX_CUT_SHARE:
                warnings.append(f"removed {_quote(units[index].text)} section")
                return index
            warnings.append(
                f"kept text after {_quote(units[index].text)}: cutting would remove "
                f"{share:.0%} of it"
            )
            drop.add(index)
            return end
        if kind == "links":
            # A list in the middle of the article: only headline-like lines go with it.
            after = index + 1
            while after < end and _is_link_item(units[after].text) and after - index <= 10:
                after += 1
            drop.update(range(index, after))
            warnings.append(f"removed {_quote(units[index].text)} list")
        index = after
    return end


def _is_link_item(text: str) -> bool:
    """Whether a paragraph reads like an item of a link list: a headline, not a sentence."""
    return len(text) <= _LINK_ITEM_MAX and not _SENTENCE_STOP.search(text)


def _find_bio(units: list[_Unit]) -> tuple[int, int, str] | None:
    """``(first, last, name)`` of an author-bio block, or None.

    A bio paragraph ("Jane Doe is a writer who…") counts only after a line with the same
    name or an "About the author" header, or as the last paragraph with a bio cue: an
    article may well say that someone is a journalist.
    """
    last_content = len(units) - 1
    for index, unit in enumerate(units):
        if unit.kind in ("comments", "links", "links-weak"):
            last_content = index - 1
            break
    for index, unit in enumerate(units):
        if unit.kind == "about":
            inline = _ABOUT_AUTHOR.fullmatch(unit.text)
            match = _BIO_SENTENCE.search(unit.text)
            name = match.group("name") if match else None
            if inline is not None and inline.group("inline"):
                return index, index, name or ""
            nxt = index + 1
            if nxt < len(units) and units[nxt].kind is None and len(units[nxt].text) <= _BIO_MAX:
                match = _BIO_SENTENCE.match(units[nxt].text)
                return index, nxt, match.group("name") if match else ""
            continue
        if unit.kind is not None or len(unit.text) > _BIO_MAX:
            continue
        match = _BIO_SENTENCE.match(unit.text)
        if match is None:
            continue
        name = match.group("name")
        first = index
        while first > 0 and fold(units[first - 1].text) == fold(name):
            first -= 1
        if first < index or (index == last_content and _BIO_CUE.search(unit.text)):
            return first, index, name
    return None


def _quote(text: str) -> str:
    return f"'{text[:40]}…'" if len(text) > 40 else f"'{text}'"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
