"""News feeds: RSS 2.0, RSS 1.0 (RDF) and Atom through feedparser; JSON Feed by hand.

Every item becomes one draft. The body is the item's full content when the feed
carries it, else its summary, with HTML turned into paragraphs.
"""

from __future__ import annotations

import io
import re
import xml.sax
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from briefing.corpus.decode import decode_bytes
from briefing.corpus.formats.common import (
    author_names,
    domain_of,
    html_to_text,
    import_library,
    join_authors,
    looks_like_html,
    one_line,
    parse_date,
    split_tags,
    unique_keys,
)
from briefing.corpus.model import Draft, FormatError

_JSON_FEED_VERSION = "https://jsonfeed.org/version/"
_FEED_ROOTS = frozenset({"rss", "feed", "rdf"})
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]{0,300}\?>")
_DECLARED_ENCODING = re.compile(
    rb"""\A\s{0,16}<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{1,40})"""
)
# The name of the root element, past the XML declaration, comments and a DOCTYPE
# (whose internal subset may hold ">" inside brackets).
_ROOT = re.compile(
    r"\A\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>\s*)*<([\w:.-]+)",
    re.DOTALL | re.IGNORECASE,
)


def read(data: bytes, path: Path) -> list[Draft]:
    """Read an RSS, RDF or Atom feed into one draft per item.

    Raises:
        FormatError: not a feed, or a feed with no items.
    """
    text = decode_feed(data)
    if not text.strip():
        raise FormatError("empty file")
    feedparser = import_library("feedparser", "News feeds")
    try:
        # A file-like object, never bytes or str: given those, feedparser may treat
        # the data as a file name or a URL and open or fetch it.
        parsed = feedparser.parse(io.BytesIO(_as_utf8_xml(text)))
    except Exception as exc:  # feedparser's lenient fallback parser can raise anything
        raise FormatError(f"could not parse the feed ({type(exc).__name__})") from exc
    entries = list(parsed.get("entries") or [])
    if not entries:
        if parsed.get("version"):
            raise FormatError("feed has no items")
        raise FormatError("not a news feed")
    channel = parsed.get("feed") or {}
    source = one_line(channel.get("title"))
    inferred: frozenset[str] = frozenset()
    if source is None and (source := domain_of(one_line(channel.get("link")))):
        inferred = frozenset({"source"})
    warnings: tuple[str, ...] = ()
    if parsed.get("bozo") and isinstance(parsed.get("bozo_exception"), xml.sax.SAXException):
        # feedparser's lenient parser recovers what it can from broken XML.
        warnings = ("feed is not well-formed XML; items may be missing or cut short",)
    drafts = []
    for n, entry in enumerate(entries, start=1):
        draft = _entry(entry, n, source, inferred)
        if draft is not None:
            drafts.append(draft)
    if not drafts:
        raise FormatError("feed items have no title or text")
    drafts[0] = replace(drafts[0], warnings=drafts[0].warnings + warnings)
    return unique_keys(drafts)


def decode_feed(data: bytes) -> str:
    """Decode a feed's bytes, trusting its XML declaration.

    Without a declaration, text that is not UTF-8 is read as Windows-1252, the
    usual real-world meaning (Latin-1 feeds such as ``uolNoticias.rss``), where a
    statistical guess can pick a Baltic or Cyrillic code page.
    """
    match = _DECLARED_ENCODING.match(data)
    declared = match.group(1).decode("ascii") if match else "cp1252"
    return decode_bytes(data, declared)[0]


def looks_like_feed(text: str) -> bool:
    """Whether XML text has an RSS, Atom or RDF root element."""
    match = _ROOT.match(text[:65536])
    if match is None:
        return False
    return match.group(1).rsplit(":", 1)[-1].lower() in _FEED_ROOTS


def _as_utf8_xml(text: str) -> bytes:
    # The text is decoded already: hand feedparser UTF-8 that says so, so that it
    # does not second-guess the encoding.
    body = _XML_DECLARATION.sub("", text, count=1).lstrip()
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode("utf-8", "replace")


def _entry(entry: Any, n: int, source: str | None, inferred: frozenset[str]) -> Draft | None:
    title = one_line(entry.get("title"))
    body = _entry_body(entry)
    if not title and not body:
        return None
    url = one_line(entry.get("link"))
    authors = author_names(entry.get("authors")) or author_names(entry.get("author"))
    tags = [tag.get("term") or tag.get("label") for tag in entry.get("tags") or []]
    return Draft(
        body=body,
        title=title,
        source=source,
        author=join_authors(authors),
        published=_entry_date(entry),
        url=url,
        tags=tuple(split_tags(tags)),
        key=one_line(entry.get("id")) or url or f"item-{n}",
        inferred=inferred,
    )


def _entry_body(entry: Any) -> str:
    """The longer of the item's full content and its summary, as text."""
    candidates = [(part.get("value"), part.get("type")) for part in entry.get("content") or []]
    detail = entry.get("summary_detail") or {}
    candidates.append((entry.get("summary"), detail.get("type")))
    texts = [_as_text(value, kind) for value, kind in candidates]
    return max(texts, key=len, default="")


def _as_text(value: object, kind: object) -> str:
    if not isinstance(value, str):
        return ""
    if (isinstance(kind, str) and "html" in kind) or looks_like_html(value):
        return html_to_text(value)
    return value.strip()


def _entry_date(entry: Any) -> date | None:
    # dict.get: feedparser's own get() maps a missing "updated" to "published" with
    # a DeprecationWarning each time.
    fields = dict(entry) if isinstance(entry, dict) else {}
    # The date as written first: feedparser's parsed tuples are converted to UTC.
    for name in ("published", "updated", "created"):
        found = parse_date(fields.get(name))
        if found is not None:
            return found
    for name in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = fields.get(name)
        if parsed:
            try:
                return date(parsed[0], parsed[1], parsed[2])
            except (TypeError, ValueError, IndexError):
                continue
    return None


# --- JSON Feed -------------------------------------------------------------------


def is_json_feed(value: dict[str, Any]) -> bool:
    """Whether a parsed JSON object is a JSON Feed (version 1 or 1.1)."""
    version = value.get("version")
    return isinstance(version, str) and version.startswith(_JSON_FEED_VERSION)


def from_json_feed(value: dict[str, Any]) -> list[Draft]:
    """One draft per item of a parsed JSON Feed.

    Raises:
        FormatError: the feed has no items.
    """
    items = value.get("items")
    if not isinstance(items, list) or not items:
        raise FormatError("feed has no items")
    source = one_line(value.get("title"))
    inferred: frozenset[str] = frozenset()
    if source is None and (source := domain_of(one_line(value.get("home_page_url")))):
        inferred = frozenset({"source"})
    # Version 1 has "author" (an object), version 1.1 "authors" (a list).
    feed_authors = author_names(value.get("authors")) or author_names(value.get("author"))
    drafts = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            continue
        title = one_line(item.get("title"))
        body = max(
            (
                _as_text(item.get("content_html"), "html"),
                _as_text(item.get("content_text"), "text"),
                _as_text(item.get("summary"), "text"),
            ),
            key=len,
        )
        if not title and not body:
            continue
        url = one_line(item.get("url")) or one_line(item.get("external_url"))
        authors = author_names(item.get("authors")) or author_names(item.get("author"))
        tags = item.get("tags")
        drafts.append(
            Draft(
                body=body,
                title=title,
                source=source,
                author=join_authors(authors or feed_authors),
                published=parse_date(item.get("date_published"))
                or parse_date(item.get("date_modified")),
                url=url,
                tags=tuple(split_tags(tags if isinstance(tags, list) else [])),
                key=one_line(item.get("id")) or url or f"item-{n}",
                inferred=inferred,
            )
        )
    if not drafts:
        raise FormatError("feed items have no title or text")
    return unique_keys(drafts)
