"""Pasted plain text: its title, date and byline, read from the top of the text.

Users paste whole web pages: a title, a date line, a byline, the article, then reader
comments, related links and an author bio. :func:`parse_pasted` reads the metadata from
the top of such a text and leaves the rest to :mod:`briefing.corpus.boilerplate`.

Like the boilerplate rules, this leans one way: a line is metadata only when every part
of it is understood, so that a headline with a dash in it never becomes an author.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from briefing.corpus.boilerplate import (
    HEADER_MAX,
    SHORT_LINE_MAX,
    TERMINAL,
    boilerplate_kind,
    clean,
    fold,
    normalise,
)
from briefing.corpus.model import Draft
from briefing.corpus.sanitize import sanitize_line

# Metadata is looked for in the first non-empty lines or characters of the text only, so
# that dates and names quoted in the article are never taken for its own.
_TOP_LINES = 6
_TOP_CHARS = 600
# Only this much of a line is searched for an embedded date (a long line is prose).
_DATE_SEARCH_CHARS = 200
_TITLE_MAX = 300
_LETTER = re.compile(r"[^\W\d_]")
_UNDERLINE = re.compile(r"[=\-_~]{3,}")
_MD_HEADING = re.compile(r"#{1,6}\s+")
_SENTENCE_END = re.compile(r"[.!?]\s")
_URL_LINE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)

# --- dates -----------------------------------------------------------------------------

_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE = re.compile(
    rf"""
    \b(?P<mon1>{_MONTHS})\.?\s+(?P<day1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year1>(?:19|20)\d\d)\b
  | \b(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon2>{_MONTHS})\.?,?\s+
      (?P<year2>(?:19|20)\d\d)\b
  | \b(?P<year3>(?:19|20)\d\d)(?P<sep>[-/.])(?P<mon3>\d{{1,2}})(?P=sep)(?P<day3>\d{{1,2}})
      (?:[T\s]\d\d:\d\d(?::\d\d)?(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)?(?!\d)
    """,
    re.IGNORECASE | re.VERBOSE,
)
_MONTH_NUMBERS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
# What may surround a date on a line that is only a date: labels, weekday, time, zone.
_DATE_LEFTOVER = re.compile(
    r"""
    (?:[\s|•·,:;()\[\]–—-]
      | published|posted|updated|last|modified|on|date|at
      | (?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?
      | \d{1,2}[:.]\d\d(?:[:.]\d\d)?|[ap]\.?m\.?
      | gmt|utc|et|est|edt|pt|pst|pdt|ct|cst|cdt|bst|cet|cest|eet|eest|ist|msk|aest|jst
      | [+-]\d\d:?\d\d
    )*
    """,
    re.IGNORECASE | re.VERBOSE,
)
# Labels that make text before a date a metadata prefix ("Posted on February 4, 2024").
_DATE_LABEL = re.compile(
    r"(?:(?:first\s+)?(?:published|posted|updated|last\s+updated|modified)(?:\s+on)?|date)\W*",
    re.IGNORECASE,
)
# What may follow the date on a metadata line before the article text starts (sample 004:
# "… February 4, 2024 No Comments on <title><first sentence>").
_META_TOKEN = re.compile(
    r"""
    [\s|•·,;:–—-]+
  | \d{1,2}[:.]\d\d(?:\s*[ap]\.?m\.?)?
  | (?:no|one|\d+)\s+comments?(?:\s+on\b)?
  | leave\s+a\s+comment
  | \d+\s+min(?:ute)?s?\s+read
    """,
    re.IGNORECASE | re.VERBOSE,
)
_CATEGORY_PART = re.compile(r"[A-Z][A-Za-z&.'’-]*(?:\s+(?:[A-Z&][A-Za-z&.'’-]*|and|of)){0,3}")
_PREFIX_SPLIT = re.compile(r"\s*[,|/•·]\s*")
_PREFIX_SEPARATOR = re.compile(r"[,|/•·]")

# --- bylines ---------------------------------------------------------------------------

# Parts of a byline line are separated by bars, bullets or spaced dashes.
_BYLINE_SPLIT = re.compile(r"\s*[|•·]\s*|\s+[–—-]\s+|\s*[–—]\s*")
_BY = re.compile(
    r"(?:by|written\s+by|posted\s+by|words\s+by|story\s+by|reporting\s+by)\s+(?P<rest>.+)",
    re.IGNORECASE,
)
_SOURCE_LABEL = re.compile(r"source\s*:\s*(?P<value>\S.*)", re.IGNORECASE)
_AUTHOR_LABEL = re.compile(r"(?:author|writer)s?\s*:\s*(?P<value>\S.*)", re.IGNORECASE)
_IGNORABLE_PART = re.compile(
    r"(?:no|one|\d+)\s+comments?|leave\s+a\s+comment|\d+\s+min(?:ute)?s?\s+read|updated",
    re.IGNORECASE,
)
_NAME_SPLIT = re.compile(r"\s*(?:,|&|\band\b)\s*")
_NAME_PARTICLES = frozenset(
    ("al", "bin", "da", "de", "del", "della", "der", "di", "du", "el", "la", "le", "van", "von")
)
# Words that make "Middle East | Politics" a section label rather than "Name | Outlet".
_NOT_NAME_WORDS = frozenset(
    """\
    news world politics business opinion analysis middle east west north south sport
    sports tech technology health science home latest breaking live update updates video
    photos asia europe africa america americas us uk markets economy culture arts
    entertainment local national international global edition editorial comment features
    lifestyle travel weather climate environment money finance defense defence security
    military war staff desk team agency press service wire""".split()  # noqa: SIM905
)
_ROLE_WORDS = re.compile(
    r"\b(?:writer|reporter|correspondent|editor|contributor|columnist|staff|analyst|producer"
    r"|journalist|chief|special\s+to)\b",
    re.IGNORECASE,
)
# A line that names the site alone: "Reuters", "© 2024 Reuters. All rights reserved."
_SITE_LINE = re.compile(
    r"(?:©|\(c\)|copyright|source\s*:)?\s*(?:\d{4}\s*)?(?P<site>.+?)\.?"
    r"(?:\s+all\s+rights\s+reserved\.?)?"
)
_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ")


@dataclass
class _Meta:
    """What the top lines gave, and which lines it used up (or replaced by their rest)."""

    title: str | None = None
    title_line: str | None = None
    published: date | None = None
    source: str | None = None
    author: str | None = None
    consumed: set[int] = field(default_factory=set)
    replaced: dict[int, str] = field(default_factory=dict)


def parse_pasted(text: str) -> Draft:
    """Read metadata and a clean body from pasted plain text.

    The title, date and byline are inferred from the top of the text only, and the lines
    they came from leave the body. Never raises.

    Args:
        text: Pasted text, already decoded and sanitised.

    Returns:
        A :class:`Draft` whose ``inferred`` names the fields found in the text.
    """
    lines = normalise(text).split("\n")
    meta = _read_top(lines)
    body_lines: list[str] = []
    for index, line in enumerate(lines):
        if index in meta.replaced:
            body_lines.append(meta.replaced[index])
        elif index not in meta.consumed:
            body_lines.append(line)
    cleaned = clean("\n".join(body_lines))
    warnings = cleaned.warnings
    body = cleaned.body
    if not body and meta.title_line:
        # A one-line text: better a body that repeats the title than an empty article.
        body = " ".join(meta.title_line.split())
        warnings.append("text has only a title line")
    author = meta.author or (sanitize_line(cleaned.bio_name) if cleaned.bio_name else None)
    found = {
        "title": meta.title,
        "source": meta.source,
        "author": author,
        "published": meta.published,
    }
    return Draft(
        body=body,
        title=meta.title,
        source=meta.source,
        author=author,
        published=meta.published,
        inferred=frozenset(name for name, value in found.items() if value is not None),
        warnings=tuple(warnings),
        plain=False,
    )


# --- metadata ----------------------------------------------------------------------------


def _read_top(lines: list[str]) -> _Meta:
    """Find title, date and byline in the first lines; note which lines they used."""
    meta = _Meta()
    seen = 0
    offset = 0
    for index, raw in enumerate(lines):
        start, offset = offset, offset + len(raw) + 1
        line = raw.strip()
        if not line:
            continue
        seen += 1
        if seen > _TOP_LINES and start > _TOP_CHARS:
            break
        if _take_metadata_line(line, meta):
            meta.consumed.add(index)
            continue
        if boilerplate_kind(line, near_top=True) is not None:
            continue  # boilerplate: clean_body removes it
        found = _take_meta_prefix(line, meta.title_line or "")
        if meta.title is None and found is not None and not found[1] and found[2]:
            # "World | February 4, 2024" above the title.
            meta.published = meta.published or found[0]
            meta.consumed.add(index)
            continue
        if meta.title is None:
            if not _usable_title(line):
                break  # the text starts with prose: it has no title line
            meta.title_line = line
            meta.title = sanitize_line(_MD_HEADING.sub("", line, count=1))
            meta.consumed.add(index)
            continue
        if _repeats_title(line, meta.title_line or ""):
            meta.consumed.add(index)
            continue
        if found is not None:
            published, rest, _ = found
            meta.published = meta.published or published
            if rest:
                meta.replaced[index] = rest
                break  # the article text has started
            meta.consumed.add(index)
            continue
        if len(line) > SHORT_LINE_MAX or TERMINAL.search(line):
            break  # a paragraph of the article: metadata comes before it
    _read_source_footer(lines, meta)
    if meta.title is not None and meta.title_line is not None:
        meta.title = _strip_site(meta.title, meta.source, lines) or meta.title
    return meta


def _read_source_footer(lines: list[str], meta: _Meta) -> None:
    """Take a "Source: Reuters" line that ends the text, as pasted articles often do."""
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index].strip()
        if not line:
            continue
        label = _SOURCE_LABEL.fullmatch(line) if len(line) <= SHORT_LINE_MAX else None
        value = _source_value(label.group("value")) if label else None
        if value and index not in meta.consumed:
            meta.source = meta.source or value
            meta.consumed.add(index)
        return


def _usable_title(line: str) -> bool:
    return (
        len(line) <= _TITLE_MAX
        and len(_LETTER.findall(line[:_TITLE_MAX])) >= 2
        and not _URL_LINE.fullmatch(line)
        and not _UNDERLINE.fullmatch(line)
    )


def _take_metadata_line(line: str, meta: _Meta) -> bool:
    """Use a line that is only a date, or only a byline; return whether it was one."""
    if len(line) > HEADER_MAX:
        return False
    if meta.title_line is not None and _UNDERLINE.fullmatch(line):
        return True  # a setext underline below the title
    found = _date_only(line)
    if found is not None:
        meta.published = meta.published or found
        return True
    byline = _parse_byline(line, allow_bare=meta.title_line is not None)
    if byline is None:
        return False
    source, author, published = byline
    meta.source = meta.source or source
    meta.author = meta.author or author
    meta.published = meta.published or published
    return True


def _date_only(line: str) -> date | None:
    """The date of a line that holds nothing else but labels, a weekday and a time."""
    match = _DATE.search(line)
    if match is None:
        return None
    leftover = f"{line[: match.start()]} {line[match.end() :]}"
    if not _DATE_LEFTOVER.fullmatch(leftover):
        return None
    return _to_date(match)


def _to_date(match: re.Match[str]) -> date | None:
    groups = match.groupdict()
    try:
        if groups["year3"]:
            year, month, day = int(groups["year3"]), int(groups["mon3"]), int(groups["day3"])
        else:
            name = groups["mon1"] or groups["mon2"] or ""
            year = int(groups["year1"] or groups["year2"] or 0)
            month = _MONTH_NUMBERS[name[:3].lower()]
            day = int(groups["day1"] or groups["day2"] or 0)
        return date(year, month, day)
    except (KeyError, ValueError):
        return None


def _parse_byline(
    line: str, *, allow_bare: bool = True
) -> tuple[str | None, str | None, date | None] | None:
    """``(source, author, date)`` of a byline such as "Zero Hedge – by Tyler Durden".

    Every part of the line must be understood, otherwise it is not a byline: a headline
    with a dash in it must not become an author. ``allow_bare`` accepts "Jane Doe |
    Reuters", which is only told apart from "Headline | Site" by coming after the title.
    """
    parts = [part for part in _BYLINE_SPLIT.split(line) if part]
    if not parts or len(parts) > 6:
        return None
    source: str | None = None
    author: str | None = None
    published: date | None = None
    loose: list[str] = []
    for part in parts:
        by = _BY.fullmatch(part)
        label = _SOURCE_LABEL.fullmatch(part)
        author_label = _AUTHOR_LABEL.fullmatch(part)
        if by:
            by_author, by_source = _split_by(by.group("rest"))
            if by_author is None and by_source is None:
                return None
            author = author or by_author
            source = source or by_source
        elif label:
            source = source or _source_value(label.group("value"))
        elif author_label and _looks_like_names(author_label.group("value")):
            author = author or sanitize_line(author_label.group("value"))
        elif (found := _date_only(part)) is not None:
            published = published or found
        elif not _IGNORABLE_PART.fullmatch(part):
            loose.append(part)
    if author is not None and source is None and len(loose) == 1 and _looks_like_outlet(loose[0]):
        return sanitize_line(loose[0]), author, published
    if allow_bare and author is None and source is None and len(loose) == 2 and not published:
        # "Jane Doe | Reuters": a name, then an outlet, and nothing else on the line.
        name, outlet = loose
        if "|" in line and _looks_like_names(name) and _looks_like_outlet(outlet):
            return sanitize_line(outlet), sanitize_line(name), None
        return None
    if loose or (author is None and source is None):
        return None
    return source, author, published


def _split_by(rest: str) -> tuple[str | None, str | None]:
    """Author and source of what follows "By": "Jane Doe", "Jane Doe, Reuters"."""
    rest = rest.strip().rstrip(".")
    if _looks_like_names(rest):
        names, tail = rest, ""
    else:
        names, _, tail = rest.partition(", ")
        if " for " in names:
            names, _, tail = names.partition(" for ")
    if not _looks_like_names(names):
        words = names.split()
        if len(words) == 1 and names[:1].isupper() and not tail:
            # "By Reuters", "By AFP": an agency, not a person.
            return None, sanitize_line(names)
        return None, None
    source = None
    if tail and _looks_like_outlet(tail) and not _ROLE_WORDS.search(tail):
        source = sanitize_line(tail)
    return sanitize_line(names), source


def _source_value(value: str) -> str | None:
    value = value.strip()
    if _URL_LINE.fullmatch(value):
        host = urlsplit(value if "//" in value else f"//{value}").hostname or ""
        return host.removeprefix("www.") or None
    return sanitize_line(value) if len(value) <= 80 else None


def _looks_like_names(text: str) -> bool:
    """Whether ``text`` is one or more person names: "Jane Doe", "Jane Doe and J. Roe"."""
    names = [name for name in _NAME_SPLIT.split(text.strip()) if name]
    return bool(names) and len(names) <= 4 and all(_looks_like_name(name) for name in names)


def _looks_like_name(text: str) -> bool:
    words = text.split()
    if not 2 <= len(words) <= 5 or len(text) > 50:
        return False
    capitalised = 0
    for word in words:
        if word.lower() in _NAME_PARTICLES:
            continue
        if not word[0].isupper() or word.lower().strip(".") in _NOT_NAME_WORDS:
            return False
        if not all(char.isalpha() or char in ".'’-" for char in word):
            return False
        capitalised += 1
    return capitalised >= 2


def _looks_like_outlet(text: str) -> bool:
    words = text.split()
    return (
        1 <= len(words) <= 5
        and len(text) <= 40
        and text[:1].isupper()
        and not TERMINAL.search(text)
        and not any(char.isdigit() for char in text)
    )


def _repeats_title(line: str, title_line: str) -> bool:
    """A second copy of the title, or a breadcrumb that ends with it ("HomeWAR<title>")."""
    if not title_line:
        return False
    folded, title = fold(line), fold(title_line)
    if folded == title:
        return True
    prefix = folded[: len(folded) - len(title)]
    return folded.endswith(title) and len(prefix) <= 60 and not _SENTENCE_END.search(prefix)


def _take_meta_prefix(line: str, title: str) -> tuple[date, str, bool] | None:
    """Read a metadata line such as sample 004's, which runs into the article text.

    "Middle East, News, US February 4, 2024 No Comments on <title>The United States…"
    gives ``(date, "The United States…", separated)``: the rest is "" when the line held
    nothing else, and ``separated`` says the metadata had labels or separators, not just
    capitalised words before a date (which a headline can have too). None when the line
    does not start with metadata.
    """
    match = _DATE.search(line, 0, _DATE_SEARCH_CHARS)
    if match is None:
        return None
    found = _to_date(match)
    if found is None:
        return None
    prefix = line[: match.start()]
    is_meta, labelled = _meta_prefix_ok(prefix)
    if not is_meta:
        return None
    separated = labelled or bool(_PREFIX_SEPARATOR.search(prefix.strip()))
    rest = line[match.end() :]
    recognised = labelled
    while True:
        token = _META_TOKEN.match(rest)
        if token is None or not token.group():
            break
        recognised = recognised or bool(token.group().strip(" |•·,;:–—-"))
        rest = rest[token.end() :]
    # Compare slices, not casefolded strings: casefolding can change the length.
    if title and rest[: len(title)].casefold() == title.casefold():
        rest = rest[len(title) :]
        recognised = True
    rest = rest.strip(" |•·,;:–—-")
    if rest and not recognised:
        # A date at the start of a sentence ("February 4, 2024, will be…") is prose.
        return None
    return found, rest, separated


def _meta_prefix_ok(prefix: str) -> tuple[bool, bool]:
    """Whether text before a date is metadata, and whether it held an explicit label."""
    prefix = prefix.strip(" |•·,;:–—-")
    if not prefix:
        return True, False
    labelled = False
    for part in _PREFIX_SPLIT.split(prefix):
        if not part:
            continue
        by = _BY.fullmatch(part)
        if _DATE_LABEL.fullmatch(part) or (by and _looks_like_names(by.group("rest"))):
            labelled = True
        elif not _CATEGORY_PART.fullmatch(part):
            return False, False
    return True, labelled


def _strip_site(title: str, source: str | None, lines: list[str]) -> str | None:
    """Drop a site name from "Title | Site" or "Site - Title" when the site shows up again.

    The site must match the byline outlet or stand alone on another line ("Reuters",
    "© 2024 Reuters"): a headline like "Biden - Iran talks stall" keeps its first word.
    """
    for separator in _TITLE_SEPARATORS:
        if separator not in title:
            continue
        head, _, tail = title.rpartition(separator)
        first, _, after = title.partition(separator)
        for site, rest in ((tail, head), (first, after)):
            if (
                len(site.split()) <= 5
                and len(rest.split()) >= 2
                and _site_repeats(site, source, lines)
            ):
                return rest.strip()
    return None


def _site_repeats(site: str, source: str | None, lines: list[str]) -> bool:
    folded = fold(site)
    if not folded:
        return False
    if source and fold(source) == folded:
        return True
    for line in lines:
        candidate = fold(line)
        match = _SITE_LINE.fullmatch(candidate) if len(candidate) <= 80 else None
        if match is not None and match.group("site") in (folded, f"{folded}.com"):
            return True
    return False
