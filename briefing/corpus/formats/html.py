"""Saved web pages: the main article text and its metadata, found by trafilatura."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from briefing.corpus.decode import decode_bytes
from briefing.corpus.formats.common import (
    author_names,
    clean_domain,
    html_to_text,
    join_authors,
    looks_like_html,
    one_line,
    parse_date,
    parse_html,
    split_tags,
    tree_to_text,
)
from briefing.corpus.model import Draft, FormatError

# The block elements of trafilatura's own XML body.
_TRAFILATURA_BLOCKS = frozenset(
    {"p", "head", "list", "item", "quote", "code", "table", "row", "div"}
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE
)
_XML_ENCODING = re.compile(
    rb"""\A\s{0,16}<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{1,40})"""
)
# Some sites render the article with JavaScript and the saved page holds it only in
# its JSON-LD ``articleBody``: that copy wins when trafilatura's text is much shorter.
_LD_BODY_RATIO = 0.5
_LD_BODY_MIN = 200
_QUIET_LOGGERS = ("trafilatura", "htmldate", "courlan", "justext")


def read(data: bytes, path: Path) -> list[Draft]:
    """Read a saved web page into one draft holding the page's main article.

    Raises:
        FormatError: no article text could be found in the page.
    """
    text, _ = decode_bytes(data, declared_charset(data))
    if not text.strip():
        raise FormatError("empty file")
    document = _extract(text)
    body = ""
    if document is not None and document.body is not None:
        # Its body holds no scripts, and its headings are called <head>.
        body = tree_to_text(document.body, _TRAFILATURA_BLOCKS, skip=frozenset())
    warnings: list[str] = []
    # Only worth a second parse when the extracted text is short.
    structured = _structured_body(text) if len(body) < 10 * _LD_BODY_MIN else None
    if structured and len(body) < _LD_BODY_RATIO * len(structured):
        body = structured
        warnings.append("article text taken from the page's structured data")
    if not body:
        raise FormatError("no article text found")
    if document is None:
        # The article came from the structured data alone; the metadata is still
        # in the page's <head>.
        document = _metadata(text)
    return [_draft(document, body, warnings)]


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its XML declaration or a ``<meta>`` tag."""
    head = data[:4096]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def _extract(text: str) -> Any:
    """Run trafilatura on the page text; None when it finds no article."""
    # Imported here: trafilatura takes a while to load and only web pages need it.
    import trafilatura

    for name in _QUIET_LOGGERS:
        # It logs every page it discards; in a terminal app that would print over
        # the screen, and this reader reports problems itself.
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    try:
        # The page text alone is passed, never a URL, so nothing is fetched.
        return trafilatura.bare_extraction(
            text,
            with_metadata=True,
            include_comments=False,
            include_images=False,
            include_links=False,
            deduplicate=False,
        )
    except Exception as exc:  # trafilatura and htmldate can fail in many ways on odd pages
        raise FormatError(f"could not parse the page ({type(exc).__name__})") from exc


def _metadata(text: str) -> Any:
    import trafilatura

    try:
        return trafilatura.extract_metadata(text)
    except Exception as exc:  # as above
        raise FormatError(f"could not parse the page ({type(exc).__name__})") from exc


def _draft(document: Any, body: str, warnings: list[str]) -> Draft:
    inferred: set[str] = set()
    source = one_line(document.sitename)
    hostname = clean_domain(one_line(document.hostname) or "")
    # When the page names no site, trafilatura falls back to the host name as the
    # URL spells it: that source is a guess.
    if source is None or (clean_domain(source) == hostname and source == source.lower()):
        source = hostname or None
        if source:
            inferred.add("source")
    tags = [*_strings(document.categories), *_strings(document.tags)]
    return Draft(
        body=body,
        title=one_line(document.title),
        source=source,
        author=join_authors(author_names(document.author)),
        published=parse_date(document.date),
        url=one_line(document.url),
        tags=tuple(split_tags(tags)),
        inferred=frozenset(inferred),
        warnings=tuple(warnings),
    )


def _structured_body(text: str) -> str | None:
    """The longest ``articleBody`` in the page's JSON-LD blocks, if a long one exists."""
    root = parse_html(text)
    if root is None:
        return None
    best = ""
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            value = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        for node in _json_nodes(value):
            candidate = node.get("articleBody")
            if isinstance(candidate, str) and len(candidate) > len(best):
                best = candidate
    best = html_to_text(best) if looks_like_html(best) else best.strip()
    return best if len(best) >= _LD_BODY_MIN else None


def _json_nodes(value: object) -> Iterator[dict[str, Any]]:
    # JSON-LD nests articles in lists and "@graph" arrays; walked without recursion.
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                stack.extend(graph)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []
