"""Markdown files, with optional YAML front matter between ``---`` lines.

Front matter is untrusted: it is read with ``yaml.safe_load`` only (no Python
objects are ever built from it), capped in size, and refused when it uses
aliases, which are how "billion laughs" documents blow up. Any problem with it
becomes a warning and the file is read as if it had none.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from briefing.corpus.decode import decode_bytes
from briefing.corpus.formats.common import (
    author_names,
    domain_of,
    join_authors,
    one_line,
    parse_date,
    split_tags,
)
from briefing.corpus.model import Draft, FormatError

MAX_FRONT_MATTER = 64 * 1024
MAX_FLOW_DEPTH = 50
_BRACKETS = re.compile(r"[\[\]{}]")
_OPENING = re.compile(r"\A---[ \t]*\r?\n")
_CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.MULTILINE)
_HEADING = re.compile(r"\A\s*#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


def read(data: bytes, path: Path) -> list[Draft]:
    """Read a Markdown file into one draft; front-matter fields fill the metadata.

    Without a front-matter title the draft is ``plain``: its title (a leading
    ``# Heading`` aside), date and byline are still to be found in the text.

    Raises:
        FormatError: the file holds only whitespace.
    """
    text, _ = decode_bytes(data)
    meta, body, warnings = split_front_matter(text)
    if not body.strip() and not meta:
        raise FormatError("empty file")
    inferred: set[str] = set()
    title = one_line(meta.get("title"))
    plain = title is None
    if title is None and (heading := _HEADING.match(body)):
        title = one_line(heading.group(1))
        inferred.add("title")
    url = one_line(meta.get("url") or meta.get("link"))
    source = one_line(meta.get("source") or meta.get("publisher") or meta.get("site"))
    if source is None and (source := domain_of(url)):
        inferred.add("source")
    authors = author_names(meta.get("authors")) or author_names(meta.get("author"))
    tags = meta.get("tags") or meta.get("keywords") or meta.get("categories")
    published = meta.get("date") or meta.get("published")
    return [
        Draft(
            body=body,
            title=title,
            source=source,
            author=join_authors(authors),
            published=parse_date(published),
            url=url,
            tags=tuple(split_tags(tags if isinstance(tags, list) else [tags])),
            inferred=frozenset(inferred),
            warnings=tuple(warnings),
            plain=plain,
        )
    ]


def split_front_matter(text: str) -> tuple[dict[str, Any], str, list[str]]:
    """Split Markdown into ``(front matter, body, warnings)``; never raises.

    The front matter is ``{}`` when absent or unusable (with a warning saying why).
    """
    opening = _OPENING.match(text)
    if opening is None:
        return {}, text, []
    closing = _CLOSING.search(text, opening.end(), opening.end() + MAX_FRONT_MATTER + 8)
    if closing is None:
        if len(text) > MAX_FRONT_MATTER:
            return {}, text, ["front matter missing its closing '---' or over 64 KB; ignored"]
        return {}, text, ["front matter has no closing '---'; ignored"]
    block, body = text[opening.end() : closing.start()], text[closing.end() :]
    if len(block) > MAX_FRONT_MATTER:
        return {}, body, ["front matter over 64 KB; ignored"]
    meta, problem = _load(block)
    if problem == "not a mapping":
        # A Markdown rule ("---") above and below some prose, not front matter.
        return {}, text, []
    return meta, body, [f"front matter {problem}; ignored"] if problem else []


def _load(block: str) -> tuple[dict[str, Any], str | None]:
    if _flow_depth(block) > MAX_FLOW_DEPTH:
        # PyYAML's scanner slows quadratically with "[[[[..." nesting.
        return {}, "is nested too deeply"
    try:
        # Scanning is cheap and builds nothing; an alias stops us before any
        # structure that could expand exponentially is composed.
        for token in yaml.scan(block, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.AliasToken):
                return {}, "uses YAML aliases"
        value = yaml.safe_load(block)
    except yaml.YAMLError:
        return {}, "is not valid YAML"
    except (ValueError, TypeError, OverflowError):
        # safe_load builds dates and numbers as it goes, and raises these on
        # impossible ones ("2024-02-30").
        return {}, "holds an impossible date or number"
    except RecursionError:
        return {}, "is nested too deeply"
    if value is None:
        return {}, None
    if not isinstance(value, dict):
        return {}, "not a mapping"
    return {str(key).lower(): item for key, item in value.items()}, None


def _flow_depth(block: str) -> int:
    """The deepest nesting of ``[`` and ``{`` (quotes ignored: an upper bound is enough)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(block):
        depth = depth + 1 if bracket in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest
