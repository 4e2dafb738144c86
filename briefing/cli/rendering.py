"""What the commands print: plain text for a terminal (styled when it is one) and JSON."""

from __future__ import annotations

import json
import os
import re
import sys
import time
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from briefing.compare.model import Comparison
from briefing.corpus.model import Article
from briefing.engine import (
    IngestReport,
    Progress,
    visible,
    visible_json,
    visible_text,
)
from briefing.notes.model import Note
from briefing.search.model import Hit, SearchResult, Snippet

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


def fail(message: str, code: int) -> int:
    print(f"briefing: error: {visible(message)}", file=sys.stderr)
    return code


# Human output shows every string from outside (ids and paths are file names; titles,
# sources, notes, error messages) through the one display rule, ``visible``: each field
# is escaped where the line is built (so a newline in a file name cannot fake a line),
# and ``say`` applies the rule once more to the whole line, keeping only the styles
# ``Style`` adds. ``--json`` prints the real strings (``print_json``).
_OWN_STYLES = re.compile(r"(\x1b\[(?:0|1|2|1;33)m)")


def say(text: str = "") -> None:
    """Print a line (or lines) of human output to stdout."""
    parts = _OWN_STYLES.split(text)  # text, style, text, style, ..., text
    parts[::2] = [visible_text(part) for part in parts[::2]]
    print("".join(parts))


def print_json(data: Any) -> None:
    # The real strings, with what a terminal must not receive raw written as \u escapes.
    sys.stdout.write(visible_json(json.dumps(data, ensure_ascii=False, indent=2)) + "\n")


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def article_json(article: Article, body: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": article.id,
        "title": article.title,
        "source": article.source,
        "author": article.author,
        "published": iso(article.published),
        "url": article.url,
        "path": article.path,
        "tags": list(article.tags),
        "inferred": sorted(article.inferred),
        "warnings": list(article.warnings),
        "fetched": article.fetched.isoformat() if article.fetched else None,
    }
    if body:
        data["body"] = article.body
        # Where each page of a PDF starts in the body (character offsets); [] otherwise.
        data["pages"] = list(article.pages)
    return data


def _snippet_json(snippet: Snippet) -> dict[str, Any]:
    return {"text": snippet.text, "highlights": [list(span) for span in snippet.highlights]}


def hit_json(hit: Hit) -> dict[str, Any]:
    return {
        "id": hit.id,
        "title": hit.title,
        "source": hit.source,
        "author": hit.author,
        "published": iso(hit.published),
        "score": round(hit.score, 4),
        "path": hit.path,
        "url": hit.url,
        "snippets": [_snippet_json(s) for s in hit.snippets],
    }


def result_json(result: SearchResult) -> dict[str, Any]:
    return {
        "query": result.query,
        "total": result.total,
        "hits": [hit_json(h) for h in result.hits],
        "facets": result.facets,
        "suggestion": result.suggestion,
        "notices": list(result.notices),
        "variants": list(result.variants),
        "elapsed": round(result.elapsed, 4),
    }


def byline(article: Article) -> str:
    def mark(field: str, value: str) -> str:
        value = visible(value)
        return f"{value}*" if field in article.inferred else value

    parts = [
        mark("source", article.source or "unknown source"),
        mark("author", article.author or "unknown author"),
        mark("published", iso(article.published) or "undated"),
    ]
    return " · ".join(parts)


def hit_byline(hit: Hit) -> str:
    return " · ".join([visible(hit.source or "unknown source"), iso(hit.published) or "undated"])


@dataclass
class Style:
    """ANSI styling on a terminal (unless NO_COLOR), plain text when piped."""

    stream: IO[str]

    def __post_init__(self) -> None:
        self.enabled = self.stream.isatty() and not os.environ.get("NO_COLOR")

    def _wrap(self, code: str, text: str) -> str:
        # What is styled is a title, an id, a snippet: shown by the display rule.
        text = visible(text)
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def mark(self, text: str) -> str:
        return self._wrap("1;33", text)


def _highlighted(snippet: Snippet, style: Style) -> str:
    out, last = [], 0
    for start, end in snippet.highlights:
        out.append(visible(snippet.text[last:start]))
        out.append(style.mark(snippet.text[start:end]))
        last = end
    out.append(visible(snippet.text[last:]))
    return "".join(out)


def print_result(result: SearchResult, style: Style) -> None:
    for notice in result.notices:
        say(style.dim(f"note: {notice}"))
    for n, hit in enumerate(result.hits, 1):
        say(f"{n:>2}. {style.bold(hit.title)}")
        say(f"    {hit_byline(hit)}  {style.dim(hit.id)}")
        for snippet in hit.snippets:
            say(f"    {_highlighted(snippet, style)}")
        say()
    shown = len(result.hits)
    summary = f"{result.total} hits" + (f", showing {shown}" if shown < result.total else "")
    say(f"{summary} ({result.elapsed * 1000:.0f} ms)")
    if result.total == 0 and result.suggestion:
        say(f"Did you mean: {visible(result.suggestion)}")
    sources = result.facets.get("source", {})
    if sources:
        say("Sources: " + ", ".join(f"{visible(s)} ({n})" for s, n in sources.items()))
    months = result.facets.get("month", {})
    if months:
        say("Months:  " + ", ".join(f"{visible(m)} ({c})" for m, c in sorted(months.items())))


_MARKS = {"shared": "●", "partial": "◐", "unique": "○"}


def comparison_json(comparison: Comparison, articles: dict[str, Article | None]) -> dict[str, Any]:
    return {
        "articles": [
            {
                "id": i,
                "title": a.title if a else None,
                "source": a.source if a else None,
                "published": iso(a.published) if a else None,
            }
            for i, a in articles.items()
        ],
        "passages": {
            article_id: [
                {
                    "index": p.passage.index,
                    "start": p.passage.start,
                    "end": p.passage.end,
                    "text": p.passage.text,
                    "status": p.status,
                    "counterparts": [
                        {"id": c.article_id, "passage": c.passage, "score": round(c.score, 3)}
                        for c in p.counterparts
                    ],
                }
                for p in passages
            ]
            for article_id, passages in comparison.passages.items()
        },
        "facts": [
            {
                "key": g.key,
                "kind": g.kind,
                "conflict": g.conflict,
                "reason": g.reason,
                "values": {
                    article_id: [
                        {
                            "value": f.value,
                            "thing": f.thing,
                            "text": f.text,
                            "sentence": f.sentence,
                            "start": f.start,
                            "end": f.end,
                            "number": f.number,
                            "qualifier": f.qualifier,
                        }
                        for f in g.facts
                        if f.article_id == article_id
                    ]
                    for article_id in comparison.article_ids
                },
            }
            for g in comparison.facts
        ],
        "elapsed": round(comparison.elapsed, 4),
    }


def print_comparison(
    comparison: Comparison, articles: dict[str, Article | None], style: Style
) -> None:
    letters = {i: chr(ord("A") + n) for n, i in enumerate(comparison.article_ids)}
    for article_id, letter in letters.items():
        article = articles.get(article_id)
        title = article.title if article else article_id
        source = (article.source if article else None) or "unknown source"
        say(f"[{letter}] {style.bold(title)}")
        say(f"    {visible(source)} · {style.dim(article_id)}")
    say()
    for article_id, passages in comparison.passages.items():
        counts = {status: sum(p.status == status for p in passages) for status in _MARKS}
        say(
            f"[{letters[article_id]}] {len(passages)} passages: {counts['shared']} shared, "
            f"{counts['partial']} partly shared, {counts['unique']} only in this source"
        )
    first = comparison.article_ids[0]
    shared = [p for p in comparison.passages.get(first, ()) if p.counterparts]
    if shared:
        say()
        say(style.bold("Passages in common"))
        for aligned in shared:
            say(
                f"  {_MARKS[aligned.status]} [{letters[first]}{aligned.passage.index + 1}] "
                f"{_clip(aligned.passage.text, 90)}"
            )
            for c in aligned.counterparts:
                other = comparison.passages[c.article_id][c.passage].passage
                say(
                    f"      [{letters[c.article_id]}{c.passage + 1}] ({c.score:.2f}) "
                    f"{_clip(other.text, 80)}"
                )
    if comparison.facts:
        say()
        say(style.bold("Facts (conflicts first)"))
        for group in comparison.facts:
            mark = style.mark("!") if group.conflict else " "
            reason = f" — {visible(group.reason)}" if group.reason else ""
            say(f"{mark} {visible(group.key)}{reason}")
            for fact in group.facts:
                say(
                    f"    [{letters.get(fact.article_id, '?')}] {visible(fact.text)}: "
                    f"{style.dim(_clip(fact.sentence, 100))}"
                )
    say()
    say(f"({comparison.elapsed * 1000:.0f} ms)")


def _clip(text: str, width: int) -> str:
    """One line of at most ``width`` characters, shown by the display rule."""
    text = visible(" ".join(text.split()))
    return text if len(text) <= width else text[: width - 1] + "…"


def note_json(note: Note) -> dict[str, Any]:
    a = note.anchor
    return {
        "id": note.id,
        "kind": note.kind,
        "article_id": note.article_id,
        "quote": a.quote if a else None,
        "prefix": a.prefix if a else None,
        "suffix": a.suffix if a else None,
        "start": a.start if a else None,
        "end": a.end if a else None,
        "comment": note.comment,
        "confidence": note.confidence,
        "tags": list(note.tags),
        "order": note.order,
        "created": note.created.isoformat() if note.created else None,
        "updated": note.updated.isoformat() if note.updated else None,
        "found": note.found,
        "what": note.what,
        "values": [
            {"article_id": v.article_id, "value": v.value, "sentence": v.sentence}
            for v in note.values
        ],
    }


def print_notes(title: str, notes: list[Note], style: Style) -> None:
    if title:
        say(style.bold(title))
        say()
    for note in notes:
        extras = [f"[{note.confidence}]"] if note.confidence else []
        extras += [f"#{visible(tag)}" for tag in note.tags]
        say(f"{style.bold(f'{note.id:>3}.')} {note.kind}  {' '.join(extras)}".rstrip())
        if note.article_id:
            say(f"     {style.dim(note.article_id)}")
        if note.anchor:
            missing = "" if note.found else style.mark("  (not found in the current text)")
            say(f"     “{_clip(note.anchor.quote, 90)}”{missing}")
        if note.what:
            say(f"     {visible(note.what)}: " + "; ".join(visible(v.value) for v in note.values))
        if note.comment:
            say(f"     {_clip(note.comment, 200)}")
    say(f"{len(notes)} note{'s' if len(notes) != 1 else ''}")


def print_report(name: str, report: IngestReport, added_paths: list[str]) -> None:
    for path in added_paths:
        say(f"Added {visible(str(path))} to library {visible(repr(name))}.")
    for notice in report.notices:
        say(f"note: {visible(notice)}")
    say(
        f"Library {visible(repr(name))}: {report.total_articles} articles. "
        f"This run: {report.added} added, {report.updated} updated, {report.removed} removed; "
        f"{report.files_read} files read, {report.unchanged_files} unchanged "
        f"({report.elapsed:.1f} s)."
    )
    if report.skipped:
        say(f"Skipped {len(report.skipped)} files:")
        for problem in report.skipped[:50]:
            say(f"  {visible(problem.path)}: {visible(problem.reason)}")
        if len(report.skipped) > 50:
            say(f"  … and {len(report.skipped) - 50} more (see `briefing index --json`)")
    if report.duplicates:
        say(f"Duplicates {len(report.duplicates)} (identical text, indexed once):")
        for dup, original in report.duplicates[:20]:
            say(f"  {visible(dup)} = {visible(original)}")
        if len(report.duplicates) > 20:
            say(f"  … and {len(report.duplicates) - 20} more (see `briefing index --json`)")


class ProgressBar:
    """A one-line progress bar with ETA on a terminal's stderr."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.last = 0.0
        self.drawn = False

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        if progress.done < progress.total and now - self.last < 0.1:
            return
        self.last = now
        total = max(progress.total, 1)
        width = 30
        filled = int(width * progress.done / total)
        elapsed = now - self.started
        eta = ""
        if 0 < progress.done < progress.total:
            eta = f" ETA {elapsed / progress.done * (progress.total - progress.done):.0f}s"
        line = (
            f"\r[{'#' * filled}{'-' * (width - filled)}] {progress.done}/{progress.total} files"
            f" {progress.articles} articles{eta}"
        )
        self.stream.write(line.ljust(72))
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r" + " " * 72 + "\r")
            self.stream.flush()
