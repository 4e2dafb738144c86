"""JSON and JSON Lines article records: news-please output and common news-API shapes.

A ``.json`` file may hold one record, a list of records, an API envelope such as
``{"articles": [...]}`` or a JSON Feed (handed to the feed reader). A ``.jsonl`` or
``.ndjson`` file holds one record per line; a bad line is reported and skipped.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from briefing.corpus.decode import decode_bytes
from briefing.corpus.formats import feeds
from briefing.corpus.formats.common import (
    author_names,
    clean_domain,
    domain_of,
    html_to_text,
    join_authors,
    looks_like_html,
    one_line,
    parse_date,
    parse_instant,
    split_tags,
    unique_keys,
)
from briefing.corpus.model import Draft, FormatError

_LINE_SUFFIXES = frozenset({".jsonl", ".ndjson"})
_ENVELOPES = ("articles", "results", "data", "items", "entries", "posts", "docs", "stories")
_TITLE = ("title", "headline", "webTitle", "title_page", "title_rss")
_TEXT = (
    "text",
    "maintext",
    "content",
    "body",
    "articleBody",
    "bodyText",
    "full_text",
    "content_html",
    "content_text",
)
_SUMMARY = ("description", "summary", "abstract", "excerpt", "lead")
_URL = ("url", "link", "webUrl", "web_url", "canonical_url")
_DATE = (
    "date_publish",
    "date",
    "published_at",
    "publishedAt",
    "pubDate",
    "published",
    "datePublished",
    "webPublicationDate",
    "pub_date",
)
_SOURCE = ("source", "source_name", "publisher", "site_name", "sitename", "outlet")
_AUTHOR = ("authors", "author", "byline", "creator")
_TAGS = ("tags", "keywords", "categories")
_KEY = ("id", "guid", "_id", "uuid")
# When the record was fetched (news-please's name; briefing writes it for feed items).
_FETCHED = ("date_download", "fetched")
# NewsAPI cuts ``content`` short and says so with a marker such as "… [+2301 chars]".
_TRUNCATED = re.compile(r"\s*(?:…|\.\.\.)?\s*\[\+\d+ chars\]\s*$")
_MAX_LINE_WARNINGS = 20


def read(data: bytes, path: Path) -> list[Draft]:
    """Read a JSON or JSON Lines file into drafts.

    Raises:
        FormatError: the file is not valid JSON, or holds no article records.
    """
    text, _ = decode_bytes(data)
    if not text.strip():
        raise FormatError("empty file")
    if path.suffix.lower() in _LINE_SUFFIXES:
        return _read_lines(text)
    value = _loads(text)
    if isinstance(value, dict) and feeds.is_json_feed(value):
        return feeds.from_json_feed(value)
    records = _records_in(value)
    if records is None:
        return [_single(value)]
    return _many(records, [])


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except RecursionError as exc:
        raise FormatError("JSON nested too deeply") from exc
    except ValueError as exc:
        # JSONDecodeError, and ValueError for integers too long to convert.
        raise FormatError(f"not valid JSON ({_reason(exc)})") from exc


def _reason(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno}"
    return "number too long" if "digits" in str(exc) else "bad value"


def _records_in(value: Any) -> list[Any] | None:
    """The list of records a JSON value holds; None when it is one record itself."""
    if isinstance(value, list):
        return value
    if not isinstance(value, dict):
        raise FormatError("JSON holds no article records")
    # {"response": {"results": [...]}} (Guardian, New York Times APIs).
    inner = value.get("response")
    for holder in (value, inner if isinstance(inner, dict) else {}):
        for name in _ENVELOPES:
            if isinstance(holder.get(name), list):
                return list(holder[name])
    if any(_field(value, names) is not None for names in (_TITLE, _TEXT, _SUMMARY)):
        return None
    raise FormatError("JSON holds no article records")


def _single(value: dict[str, Any]) -> Draft:
    draft, problem = _record(value)
    if draft is None:
        raise FormatError(problem or "record has no title or text")
    return draft


def _many(records: list[Any], warnings: list[str]) -> list[Draft]:
    drafts: list[Draft] = []
    for n, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            warnings.append(f"item {n} is not a record; skipped")
            continue
        draft, problem = _record(record)
        if draft is None:
            warnings.append(f"item {n}: {problem}; skipped")
            continue
        drafts.append(replace(draft, key=_key(record, n)))
    if not drafts:
        raise FormatError("no article records found" + (f" ({warnings[0]})" if warnings else ""))
    return _with_file_warnings(unique_keys(drafts), warnings)


def _read_lines(text: str) -> list[Draft]:
    records: list[Any] = []
    warnings: list[str] = []
    # Split on "\n" only: JSON strings may hold U+2028, which str.splitlines() splits on.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except (ValueError, RecursionError):
            warnings.append(f"line {number} is not valid JSON; skipped")
    if not records:
        raise FormatError("no valid JSON lines")
    return _many(records, warnings)


def _with_file_warnings(drafts: list[Draft], warnings: list[str]) -> list[Draft]:
    # Problems with the file as a whole are reported once, on its first article.
    if not warnings:
        return drafts
    if len(warnings) > _MAX_LINE_WARNINGS:
        extra = len(warnings) - _MAX_LINE_WARNINGS
        warnings = [*warnings[:_MAX_LINE_WARNINGS], f"and {extra} more skipped"]
    first = drafts[0]
    return [replace(first, warnings=(*first.warnings, *warnings)), *drafts[1:]]


def _record(record: dict[str, Any]) -> tuple[Draft | None, str | None]:
    """One record as a draft, or None and the reason it holds no article."""
    warnings: list[str] = []
    inferred: set[str] = set()
    title = one_line(_field(record, _TITLE))
    body = _body(_field(record, _TEXT))
    if body and _TRUNCATED.search(body):
        body = _TRUNCATED.sub("", body)
        warnings.append("text cut short by the news service")
    if not body:
        body = _body(_field(record, _SUMMARY))
        if body:
            warnings.append("no full text; using the description")
    if not body and not title:
        return None, "no title or text"
    url = one_line(_field(record, _URL))
    source = _source(record)
    if source is None and (domain := domain_of(url)):
        source = domain
        inferred.add("source")
    tags = _field(record, _TAGS)
    return (
        Draft(
            body=body,
            title=title,
            source=source,
            author=join_authors(author_names(_field(record, _AUTHOR))),
            published=parse_date(_field(record, _DATE)),
            url=url,
            tags=tuple(split_tags(tags if isinstance(tags, list) else [tags])),
            inferred=frozenset(inferred),
            warnings=tuple(warnings),
            fetched=parse_instant(_field(record, _FETCHED)),
        ),
        None,
    )


def _field(record: dict[str, Any], names: tuple[str, ...]) -> Any:
    """The first of ``names`` that the record fills with a non-empty value."""
    for name in names:
        value = record.get(name)
        if value not in (None, "", [], {}):
            return value
    return None


def _body(value: object) -> str:
    if not isinstance(value, str):
        return ""
    if looks_like_html(value):
        return html_to_text(value)
    # Records hold one paragraph per line (news-please, most APIs); readers of this
    # package separate paragraphs with a blank line.
    lines = (" ".join(line.split()) for line in value.splitlines())
    return "\n\n".join(line for line in lines if line)


def _source(record: dict[str, Any]) -> str | None:
    for name in _SOURCE:
        value = record.get(name)
        if isinstance(value, dict):
            # NewsAPI: "source": {"id": ..., "name": "BBC News"}.
            value = value.get("name") or value.get("title")
        if name_text := one_line(value):
            return name_text
    domain = one_line(record.get("source_domain"))
    return clean_domain(domain) if domain else None


def _key(record: dict[str, Any], n: int) -> str:
    url = one_line(_field(record, _URL))
    if url:
        return url
    ident = one_line(_field(record, _KEY))
    return ident or f"item-{n}"
