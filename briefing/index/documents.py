"""Articles to Whoosh documents and back."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from briefing.corpus.formats.common import parse_instant
from briefing.corpus.model import Article

UNKNOWN_SOURCE = "(unknown)"


def article_to_doc(article: Article) -> dict[str, Any]:
    """The fields of ``article`` as a Whoosh document of :func:`build_schema`."""
    doc: dict[str, Any] = {
        "id": article.id,
        "path": article.path,
        "title": article.title,
        "body": article.body,
        "names": f"{article.title}\n\n{article.body}",
        "source_facet": article.source or UNKNOWN_SOURCE,
        "inferred": ",".join(sorted(article.inferred)),
        "warnings": json.dumps(list(article.warnings)),
        "content_hash": article.content_hash,
    }
    if article.source:
        doc["source"] = article.source
    if article.author:
        doc["author"] = article.author
    if article.url:
        doc["url"] = article.url
    if article.fetched:
        doc["fetched"] = article.fetched.isoformat()
    if article.tags:
        doc["tags"] = ",".join(article.tags)
    if article.pages:
        doc["pages"] = ",".join(map(str, article.pages))
    if article.published:
        doc["published"] = datetime(
            article.published.year, article.published.month, article.published.day
        )
        doc["month"] = article.published.strftime("%Y-%m")
    return doc


def doc_to_article(fields: dict[str, Any]) -> Article:
    """An :class:`Article` from a document's stored fields."""
    published = fields.get("published")
    if isinstance(published, datetime):
        published = published.date()
    elif not isinstance(published, date):
        published = None
    tags = tuple(t for t in (fields.get("tags") or "").split(",") if t)
    inferred = frozenset(f for f in (fields.get("inferred") or "").split(",") if f)
    try:
        warnings = tuple(json.loads(fields.get("warnings") or "[]"))
    except ValueError:
        warnings = ()
    return Article(
        id=fields["id"],
        title=fields.get("title") or "",
        source=fields.get("source") or None,
        author=fields.get("author") or None,
        published=published,
        url=fields.get("url") or None,
        body=fields.get("body") or "",
        path=fields.get("path") or "",
        tags=tags,
        inferred=inferred,
        warnings=warnings,
        content_hash=fields.get("content_hash") or "",
        fetched=parse_instant(fields.get("fetched")),
        pages=_pages(fields.get("pages")),
    )


def _pages(value: Any) -> tuple[int, ...]:
    """The stored page starts (``"0,1534,3020"``); empty for an article without pages."""
    if not isinstance(value, str) or not value:
        return ()
    try:
        return tuple(int(start) for start in value.split(","))
    except ValueError:
        return ()
