"""The empty query's first page, kept on disk per index state: what the app shows at launch.

At launch the app shows every article, newest first, with the facets of the whole
library. At 42,000 articles computing that took some 80 ms (opening the index's segments,
counting the facets, ranking by date) between the app's start and its first paint. The
result changes only when the index does, so it is kept in ``first-page.json`` beside the
index, with the index state it was computed from: the name, size and modification time
of the index's latest table of contents. Whoosh writes a new one at every commit (a
deletion too), and a rebuilt index's has another modification time, so a page kept for
an older state is never shown.

It is a cache: JSON (never a pickle: the file holds article text), rewritten whole and
read only if it parses and its state matches; anything else is a miss.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from briefing.search.model import Hit, SearchResult, Snippet

FILE_NAME = "first-page.json"
_FORMAT = 1


def index_state(index_dir: Path) -> str | None:
    """What identifies the index's current contents, or None if it has none yet."""
    try:
        tocs = [entry for entry in os.scandir(index_dir) if _toc_generation(entry.name) >= 0]
        if not tocs:
            return None
        latest = max(tocs, key=lambda entry: _toc_generation(entry.name))
        stat = latest.stat()
    except OSError:
        return None
    return f"{latest.name}:{stat.st_size}:{stat.st_mtime_ns}"


def load(path: Path, state: str, limit: int) -> SearchResult | None:
    """The kept page if it was computed for ``state`` and holds ``limit`` hits (or all)."""
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        if kept.get("format") != _FORMAT or kept.get("state") != state:
            return None
        result = _result(kept["result"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if len(result.hits) < limit and len(result.hits) < result.total:
        return None
    return SearchResult(
        query=result.query, total=result.total, hits=result.hits[:limit], facets=result.facets
    )


def save(path: Path, state: str, result: SearchResult) -> None:
    """Keep ``result`` for ``state`` (best effort: a cache that cannot be written is none)."""
    data = {"format": _FORMAT, "state": state, "result": _plain(result)}
    with contextlib.suppress(OSError):
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False)
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)


def _toc_generation(name: str) -> int:
    # Whoosh's table of contents: _MAIN_<generation>.toc
    if not (name.startswith("_MAIN_") and name.endswith(".toc")):
        return -1
    number = name[len("_MAIN_") : -len(".toc")]
    return int(number) if number.isdigit() else -1


def _plain(result: SearchResult) -> dict[str, Any]:
    return {
        "query": result.query,
        "total": result.total,
        "facets": result.facets,
        "hits": [
            {
                "id": hit.id,
                "title": hit.title,
                "source": hit.source,
                "author": hit.author,
                "published": hit.published.toordinal() if hit.published else None,
                "score": hit.score,
                "path": hit.path,
                "url": hit.url,
                "snippets": [[s.text, [list(span) for span in s.highlights]] for s in hit.snippets],
            }
            for hit in result.hits
        ],
    }


def _result(data: dict[str, Any]) -> SearchResult:
    hits = tuple(
        Hit(
            id=str(item["id"]),
            title=str(item["title"]),
            source=_text_or_none(item["source"]),
            author=_text_or_none(item["author"]),
            published=date.fromordinal(item["published"]) if item["published"] else None,
            score=float(item["score"]),
            path=str(item["path"]),
            url=_text_or_none(item["url"]),
            snippets=tuple(
                Snippet(str(text), tuple((int(a), int(b)) for a, b in spans))
                for text, spans in item["snippets"]
            ),
        )
        for item in data["hits"]
    )
    facets = {
        str(name): {str(value): int(count) for value, count in counts.items()}
        for name, counts in data["facets"].items()
    }
    return SearchResult(
        query=str(data["query"]), total=int(data["total"]), hits=hits, facets=facets
    )


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)
