"""Pasted plain text: metadata from the top of the text, boilerplate out of the body.

Users paste whole web pages: a title, a date line, a byline, the article, then reader
comments, related links and an author bio. :func:`parse_pasted` reads the metadata from
the top of such a text; :func:`clean_body` strips the boilerplate, and every format
reader uses it on its bodies.

Everything here is heuristic, so it leans one way: losing a real paragraph of an article
is worse than keeping a stray line of boilerplate. Patterns match whole short lines,
never words inside sentences, and cutting a trailing section is refused when it would
take most of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from briefing.corpus.model import Draft
from briefing.corpus.sanitize import sanitize_line

# A cut (comments, a trailing link list) that would take more than this share of the
# text is refused: a "comments" header that high up is more likely a stray link than the
# end of the article.
_MAX_CUT_SHARE = 0.6
# Metadata is looked for in the first non-empty lines or characters of the text only, so
# that dates and names quoted in the article are never taken for its own.
_TOP_LINES = 6
_TOP_CHARS = 600
# Only this much of a line is searched for an embedded date (a long line is prose).
_DATE_SEARCH_CHARS = 200
_TITLE_MAX = 300
_HEADER_MAX = 250  # a section header or boilerplate line is short
_SHORT_LINE_MAX = 160
_LINK_LINE_MAX = 300
_LINK_ITEM_MAX = 200  # an item of a "Related Posts" list is a headline, not a paragraph
_NAV_MAX = 80
_BIO_MAX = 1200
_DEDUPE_MIN = 60  # shorter repeats (separators, attributions) may be deliberate
_TOP_UNITS = 8  # breadcrumbs only count near the top

# Horizontal whitespace, including no-break and typographic spaces, becomes one space.
_HSPACE = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
# Zero-width spaces and BOMs hide inside pasted words and defeat every pattern below.
# (ZWJ/ZWNJ stay: they shape Persian, Arabic and emoji.)
_ZERO_WIDTH = re.compile("[\u200b\u2060\ufeff]")
_TERMINAL = re.compile(r"[.!?][\"'”’»)]*$")
_LIST_ITEM = re.compile(r"(?:[-*•·]|\d{1,3}[.)])\s")
_LETTER = re.compile(r"[^\W\d_]")
_UNDERLINE = re.compile(r"[=\-_~]{3,}")
_MD_HEADING = re.compile(r"#{1,6}\s+")
# A full stop (or colon) at the end: sentences have one, headlines in link lists do not.
_SENTENCE_STOP = re.compile(r"[.:][\"'”’»)]*$")
_SENTENCE_END = re.compile(r"[.!?]\s")
_URL_LINE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)

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
class _Unit:
    """One paragraph of the body and, for a one-line paragraph, its boilerplate kind."""

    text: str
    kind: str | None = None


@dataclass
class _Cleaned:
    body: str
    warnings: list[str]
    bio_name: str | None


@dataclass
class _Meta:
    title: str | None = None
    title_line: str | None = None
    published: date | None = None
    source: str | None = None
    author: str | None = None
    consumed: set[int] = field(default_factory=set)
    replaced: dict[int, str] = field(default_factory=dict)


def clean_body(text: str) -> tuple[str, tuple[str, ...]]:
    """Remove boilerplate from an article body.

    Args:
        text: The body, one paragraph per line or paragraphs separated by blank lines.

    Returns:
        The clean text, paragraphs separated by a blank line, and one-line warnings
        saying what was removed or why something was kept.
    """
    cleaned = _clean(text)
    return cleaned.body, tuple(cleaned.warnings)


def parse_pasted(text: str) -> Draft:
    """Read metadata and a clean body from pasted plain text.

    The title, date and byline are inferred from the top of the text only, and the lines
    they came from leave the body. Never raises.

    Args:
        text: Pasted text, already decoded and sanitised.

    Returns:
        A :class:`Draft` whose ``inferred`` names the fields found in the text.
    """
    lines = _normalise(text).split("\n")
    meta = _read_top(lines)
    body_lines: list[str] = []
    for index, line in enumerate(lines):
        if index in meta.replaced:
            body_lines.append(meta.replaced[index])
        elif index not in meta.consumed:
            body_lines.append(line)
    cleaned = _clean("\n".join(body_lines))
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
        if _classify(line, near_top=True) is not None:
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
        if len(line) > _SHORT_LINE_MAX or _TERMINAL.search(line):
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
        label = _SOURCE_LABEL.fullmatch(line) if len(line) <= _SHORT_LINE_MAX else None
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
    if len(line) > _HEADER_MAX:
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
        and not _TERMINAL.search(text)
        and not any(char.isdigit() for char in text)
    )


def _repeats_title(line: str, title_line: str) -> bool:
    """A second copy of the title, or a breadcrumb that ends with it ("HomeWAR<title>")."""
    if not title_line:
        return False
    folded, title = _fold(line), _fold(title_line)
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
    folded = _fold(site)
    if not folded:
        return False
    if source and _fold(source) == folded:
        return True
    for line in lines:
        candidate = _fold(line)
        match = _SITE_LINE.fullmatch(candidate) if len(candidate) <= 80 else None
        if match is not None and match.group("site") in (folded, f"{folded}.com"):
            return True
    return False


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


# --- body --------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _ZERO_WIDTH.sub("", text)


def _classify(line: str, *, near_top: bool) -> str | None:
    """The boilerplate kind of a stripped line, or None for article text."""
    size = len(line)
    if size > _LINK_LINE_MAX:
        return None
    if size <= _HEADER_MAX:
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
    if size <= _SHORT_LINE_MAX and _SHARE_LINE.fullmatch(line):
        return "share"
    if size <= _NAV_MAX and _NAV_LINE.fullmatch(line.strip(" .:»>")):
        return "nav"
    if near_top and size <= _HEADER_MAX and _BREADCRUMB.match(line) and not line.endswith("."):
        return "nav"
    return None


def _units(text: str) -> list[_Unit]:
    """Split text into paragraphs: blank lines and, unless hard-wrapped, newlines too."""
    lines = [_HSPACE.sub(" ", line).rstrip() for line in _normalise(text).split("\n")]
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
            kinds[line, near_top] = _classify(line, near_top=near_top)
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
    open_ended = sum(1 for line in text_lines if not _TERMINAL.search(line))
    return 0 < indented < len(text_lines) - 1 and open_ended >= 0.5 * len(text_lines)


def _clean(text: str) -> _Cleaned:
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
    return _Cleaned("\n\n".join(paragraphs), warnings, bio_name)


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
        while first > 0 and _fold(units[first - 1].text) == _fold(name):
            first -= 1
        if first < index or (index == last_content and _BIO_CUE.search(unit.text)):
            return first, index, name
    return None


def _quote(text: str) -> str:
    return f"'{text[:40]}…'" if len(text) > 40 else f"'{text}'"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
