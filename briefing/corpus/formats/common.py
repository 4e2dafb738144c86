"""The text and metadata helpers every format reader shares.

Every format is reduced to plain text and a few metadata values: an HTML fragment
becomes paragraphs, a date string a ``date``, a list of bylines one author string.
"""

from __future__ import annotations

import email.utils
import html
import importlib
import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, date, datetime
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from lxml import etree  # type: ignore[import-untyped]  # no stubs in the dev deps

from briefing.corpus.model import Draft, FormatError

# --- The libraries readers need --------------------------------------------------

# Import names whose package on the package index is called otherwise.
_PACKAGES = {"yaml": "PyYAML", "dateutil": "python-dateutil", "justext": "jusText"}
_MISSING_LIBRARY = re.compile(
    r"[^:]{1,60} cannot be read: (?:the package \S+ is missing|\S+ does not load)"
)
# Import failures seen in this process, by module: the message to repeat.
_failed_imports: dict[str, str] = {}


class MissingLibrary(FormatError):
    """A reader's library, or one it imports, is not installed or does not load.

    The message is one line naming the package and how to install it.
    """


def import_library(module: str, what: str) -> ModuleType:
    """Import the library a reader needs; ``what`` names the files it reads ("HTML pages").

    A failure is remembered for the rest of the process, so that a thousand pages do
    not each run the library's imports again up to the same failure.

    Raises:
        MissingLibrary: the library, or one it imports, cannot be imported.
    """
    reason = _failed_imports.get(module)
    if reason is None:
        try:
            return importlib.import_module(module)
        except ImportError as exc:
            reason = _failed_imports[module] = str(missing_library(exc, module, what))
    raise MissingLibrary(reason)


def is_missing_library(reason: str) -> bool:
    """Whether a skip reason is a :class:`MissingLibrary` message."""
    return _MISSING_LIBRARY.match(reason) is not None


def missing_library(exc: ImportError, module: str, what: str) -> MissingLibrary:
    """The one-line error for a failed import of ``module`` or of a library it imports."""
    missing = _missing_module(exc)
    if missing is not None:
        package = _PACKAGES.get(missing, missing)
        return MissingLibrary(
            f"{what} cannot be read: the package {package} is missing (pip install {package})"
        )
    # Installed but broken or of a mismatched version ("cannot import name ...").
    package = _PACKAGES.get(module, module)
    detail = " ".join(str(exc).split())[:200] or type(exc).__name__
    fix = f"pip install --upgrade {package}"
    return MissingLibrary(f"{what} cannot be read: {package} does not load ({detail}; {fix})")


def _missing_module(exc: BaseException) -> str | None:
    """The top-level name of the module whose absence caused an import failure."""
    # Libraries re-raise their own ImportError ("lxml.html.clean module is now a
    # separate project"), often "from None": the missing module is in the context.
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ModuleNotFoundError) and current.name:
            return current.name.partition(".")[0]
        current = current.__cause__ or current.__context__
    return None


# --- HTML to text --------------------------------------------------------------

# HTML elements whose content never belongs in article text.
SKIP_HTML = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "title",
        "iframe",
        "object",
        "embed",
        "svg",
        "math",
        "button",
        "select",
        "textarea",
    }
)
# HTML elements that start and end a paragraph.
HTML_BLOCKS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "caption",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tr",
        "ul",
    }
)
_CELLS = frozenset({"td", "th", "cell"})
_LINE_BREAKS = frozenset({"br", "lb"})
_PARAGRAPH, _LINE = "\n\n", "\n"
# Marks the start of a table cell until the text is assembled; empty cells are then
# dropped, and the rest joined with " | ".
_CELL = "\x1f"
_SPACES = re.compile(r"\s+")
# Common HTML tags only, so that "a <b> c" in prose is not mistaken for markup.
_TAG = re.compile(
    r"</?(?:a|b|i|u|p|br|hr|em|strong|span|div|img|ul|ol|li|dl|dt|dd|h[1-6]|table|tr|td|th"
    r"|blockquote|figure|figcaption|iframe|script|style|section|article|pre|code|sup|sub"
    r"|small|font|center|header|footer|nav|aside|picture|source|video)(?:\s[^<>]*)?/?>",
    re.I,
)
_ENTITY = re.compile(r"&(?:[A-Za-z]{2,8}|#\d{1,7}|#x[0-9A-Fa-f]{1,6});")


def looks_like_html(text: str) -> bool:
    """Whether a string carries HTML tags rather than being plain text."""
    return _TAG.search(text) is not None


def html_to_text(markup: str) -> str:
    """Turn an HTML fragment or page into plain text, paragraphs separated by blank lines.

    Scripts, styles and other non-text elements are dropped; block elements become
    paragraphs and ``<br>`` a line break. Never raises on malformed markup.
    """
    root = parse_html(markup)
    if root is None:
        return ""
    return tree_to_text(root, HTML_BLOCKS)


def parse_html(markup: str) -> Any:
    """Parse HTML leniently with lxml; None when there is nothing to parse."""
    if not markup.strip():
        return None
    # Comments must go at parse time: lxml's tree walk does not visit them, so the
    # text after a comment would be lost. Bytes, because lxml refuses a str that
    # carries its own encoding declaration.
    parser = etree.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True
    )
    try:
        return etree.fromstring(markup.encode("utf-8", "replace"), parser)
    except (etree.LxmlError, ValueError):
        return None


def tree_to_text(root: Any, blocks: frozenset[str], skip: frozenset[str] = SKIP_HTML) -> str:
    """Text of an lxml tree, one paragraph per element whose tag is in ``blocks``.

    Elements named in ``skip`` are left out with their content. The walk is
    iterative, so deeply nested markup cannot exhaust the stack.
    """
    pieces: list[str] = []
    pre = 0
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = _local_name(element)
        if event == "start":
            if tag in skip:
                walker.skip_subtree()
                continue
            if tag in blocks:
                pieces.append(_PARAGRAPH)
            elif tag in _LINE_BREAKS:
                pieces.append(_LINE)
            elif tag in _CELLS:
                pieces.append(_CELL)
            if tag == "pre":
                pre += 1
            pieces.append(_flatten(element.text, pre > 0))
        else:
            # A skipped element still gets its "end": only its tail is text.
            if tag == "pre":
                pre -= 1
            if tag in blocks:
                pieces.append(_PARAGRAPH)
            if element is not root:
                pieces.append(_flatten(element.tail, pre > 0))
    return _assemble("".join(pieces))


def _local_name(element: Any) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def _flatten(text: str | None, keep_lines: bool) -> str:
    if not text:
        return ""
    text = text.replace(_CELL, "")
    if keep_lines:
        # Inside <pre> the line breaks are the content.
        return "\n".join(text.splitlines())
    return _SPACES.sub(" ", text)


def _assemble(raw: str) -> str:
    paragraphs = []
    for block in re.split(r"\n{2,}", raw):
        lines = (_cells(line) for line in block.split("\n"))
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


def _cells(line: str) -> str:
    return " | ".join(cell for cell in (" ".join(c.split()) for c in line.split(_CELL)) if cell)


def one_line(value: object) -> str | None:
    """A string field as one tidy line (markup removed), or None if empty or not text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    if looks_like_html(value):
        value = html_to_text(value)
    elif _ENTITY.search(value):
        value = html.unescape(value)
    line = " ".join(value.split())
    return line or None


# --- Metadata ------------------------------------------------------------------

_ISO_DATE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})(?:$|[T\s_])")
_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d", "%b. %d, %Y")


def parse_date(value: object) -> date | None:
    """A publication date from a date object or a common date string; None if unreadable.

    ISO 8601 and RFC 822 strings keep the date as written there (no conversion to
    UTC), so an article dated late in the evening keeps its own day.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        return None
    text = value.strip()
    match = _ISO_DATE.match(text)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


# Byline entries that are job titles, page furniture or scraping noise rather than
# names: trivially recognisable ones only.
_JOB_TITLE = re.compile(
    r"\b(?:correspondent|editor|reporter|writer|columnist|contributor|journalist)s?\.?$", re.I
)
_NOISE_PREFIX = re.compile(
    r"^(?:published|updated|more stories|about the author|written by)\b", re.I
)
_NOISE = frozenset({"image", "images", "getty", "getty images", "opinion", "min read", "staff"})
_MONTH = re.compile(r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?$", re.I)
_BY = re.compile(r"^by\s+", re.I)


def parse_instant(value: object) -> datetime | None:
    """A moment (when a page was fetched) from an ISO 8601 string, in UTC; None if
    unreadable. A time without a zone is taken as UTC (news-please's ``date_download``)."""
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def author_names(value: object) -> list[str]:
    """Names from an author field: a string, a list of strings, or objects with a ``name``."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items[:100]:
        if isinstance(item, dict):
            item = item.get("name")
        if isinstance(item, str):
            # Some extractors join several bylines with ";".
            names.extend(item.split(";"))
    return names


def join_authors(names: Iterable[str]) -> str | None:
    """One author string: names tidied, junk entries and repeats dropped, joined with ", "."""
    kept: dict[str, str] = {}
    for raw in names:
        name = _BY.sub("", " ".join(raw.split())).strip(" ,;")
        folded = name.casefold()
        if (
            not name
            or folded in _NOISE
            or _JOB_TITLE.search(name)
            or _NOISE_PREFIX.match(name)
            or _MONTH.match(name)
            or "://" in name
            or "@" in name
            or " is a " in folded
            or " is an " in folded
        ):
            continue
        kept.setdefault(folded, name)
    return ", ".join(kept.values()) or None


def clean_domain(value: str) -> str:
    """A host name as a source label: lower case, without a leading ``www.``."""
    host = value.strip().lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def domain_of(url: str | None) -> str | None:
    """The cleaned host name of a web address, or None if it has none."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return clean_domain(host) if host and "." in host else None


def split_tags(values: Iterable[object]) -> list[str]:
    """Tags from strings that may each hold several comma-separated tags."""
    tags: list[str] = []
    for value in values:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str):
            tags.extend(part.strip() for part in value.split(",") if part.strip())
    return list(dict.fromkeys(tags))[:100]


def unique_keys(drafts: list[Draft]) -> list[Draft]:
    """The drafts with repeated item keys made unique, since keys become article ids."""
    seen: dict[str, int] = {}
    unique: list[Draft] = []
    for draft in drafts:
        key = draft.key
        if key is not None:
            count = seen.get(key, 0) + 1
            seen[key] = count
            if count > 1:
                draft = replace(draft, key=f"{key}#{count}")
        unique.append(draft)
    return unique
