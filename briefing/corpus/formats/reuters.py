"""Reuters-21578 SGML files: one draft per ``<REUTERS>`` record, keyed by its NEWID.

The files are SGML, not XML (bare ``&`` and control-character references abound),
so records and fields are found with regular expressions rather than an XML parser.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

from briefing.corpus.decode import decode_bytes
from briefing.corpus.formats.common import split_tags, unique_keys
from briefing.corpus.model import Draft, FormatError

_RECORD = re.compile(r"<REUTERS\b([^>]*)>(.*?)</REUTERS>", re.DOTALL | re.IGNORECASE)
_NEWID = re.compile(r"""\bNEWID\s*=\s*["']?(\d{1,12})""", re.IGNORECASE)
_DATE = re.compile(r"(\d{1,2})-([A-Za-z]{3})-(\d{4})")
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
_TAG_LIST = re.compile(r"<D>(.*?)</D>", re.DOTALL | re.IGNORECASE)
_HEADER_FIELDS = re.compile(r"<(TITLE|DATELINE)\b[^>]*>.*?</\1>", re.DOTALL | re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^<>]{1,200}>")
# The placeholder text of headline-only ("BRIEF") records.
_PLACEHOLDER = "blah blah blah."


def read(data: bytes, path: Path) -> list[Draft]:
    """Read a Reuters-21578 ``.sgm`` file.

    Raises:
        FormatError: the file holds no ``<REUTERS>`` records with text.
    """
    # The corpus is ASCII with a few Latin-1 bytes (reut2-017.sgm): Latin-1 is the
    # declared fallback when the bytes are not UTF-8, and it never fails.
    text, _ = decode_bytes(data, "latin-1")
    drafts: list[Draft] = []
    skipped: list[str] = []
    for n, match in enumerate(_RECORD.finditer(text), start=1):
        newid = _NEWID.search(match.group(1))
        key = newid.group(1) if newid else f"item-{n}"
        draft = _record(match.group(2), key)
        if draft is None:
            skipped.append(key)
        else:
            drafts.append(draft)
    if not drafts:
        raise FormatError("no Reuters records with text found")
    if skipped:
        shown = ", ".join(skipped[:10]) + (" …" if len(skipped) > 10 else "")
        first = drafts[0]
        message = f"{len(skipped)} record(s) with no title or text skipped (NEWID {shown})"
        drafts[0] = replace(first, warnings=(*first.warnings, message))
    return unique_keys(drafts)


def _record(record: str, key: str) -> Draft | None:
    title = _line(_field(record, "TITLE"))
    dateline = _line(_field(record, "DATELINE"))
    body = _paragraphs(_field(record, "BODY"))
    warnings: list[str] = []
    inferred: set[str] = set()
    if not body:
        # Unprocessed records keep their text directly inside <TEXT TYPE="UNPROC">.
        raw = _HEADER_FIELDS.sub(" ", _field(record, "TEXT") or "")
        body = _paragraphs(_ANY_TAG.sub(" ", raw)).lstrip("* ")
        if body.casefold() in (_PLACEHOLDER, (title or "").casefold()):
            body = ""
        if body and not title:
            title = body.split("\n", 1)[0][:200]
            inferred.add("title")
    elif dateline:
        # Wire copy opens with its dateline: "SALVADOR, Feb 26 - Showers continued…"
        body = f"{dateline.rstrip(' -')} - {body}"
    if not body:
        if not title:
            return None
        body = title
        warnings.append("record has no story text; the headline stands in for it")
    topics = _TAG_LIST.findall(_field(record, "TOPICS") or "")
    places = _TAG_LIST.findall(_field(record, "PLACES") or "")
    return Draft(
        body=body,
        title=title,
        source="Reuters",
        published=_date(_field(record, "DATE")),
        tags=tuple(split_tags(html.unescape(tag) for tag in (*topics, *places))),
        key=key,
        inferred=frozenset(inferred),
        warnings=tuple(warnings),
    )


def _field(record: str, name: str) -> str | None:
    match = re.search(rf"<{name}\b[^>]*>(.*?)</{name}>", record, re.DOTALL | re.IGNORECASE)
    return match.group(1) if match else None


def _line(raw: str | None) -> str | None:
    if raw is None:
        return None
    line = " ".join(html.unescape(raw).split())
    return line or None


def _paragraphs(raw: str | None) -> str:
    """Reflow the wire text: an indented or blank-line-led line starts a paragraph."""
    if not raw:
        return ""
    # html.unescape drops references to control characters (&#2; &#3; ...).
    lines = html.unescape(raw).replace("\r\n", "\n").split("\n")
    paragraphs: list[list[str]] = []
    new = True
    for line in lines:
        if not line.strip():
            new = True
            continue
        if new or line[:1] in (" ", "\t"):
            paragraphs.append([])
        paragraphs[-1].append(" ".join(line.split()))
        new = False
    # A run of one-line paragraphs is a table or a list of figures: it stays one
    # block of lines rather than a paragraph per row.
    blocks: list[tuple[bool, list[str]]] = []
    for lines_of in paragraphs:
        one_line = len(lines_of) == 1
        if one_line and blocks and blocks[-1][0]:
            blocks[-1][1].append(lines_of[0])
        else:
            blocks.append((one_line, [" ".join(lines_of)]))
    return "\n\n".join("\n".join(rows) for _, rows in blocks)


def _date(raw: str | None) -> date | None:
    match = _DATE.search(raw or "")
    if match is None:
        return None
    month = _MONTHS.get(match.group(2).lower())
    if month is None:
        return None
    try:
        return date(int(match.group(3)), month, int(match.group(1)))
    except ValueError:
        return None
