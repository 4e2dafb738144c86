"""The plain data of notes: what an analyst wrote, and the quote it is anchored to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Kind = Literal["summary", "judgment", "evidence", "discrepancy", "question"]
Confidence = Literal["low", "moderate", "high"]
KINDS: tuple[Kind, ...] = ("summary", "judgment", "evidence", "discrepancy", "question")
CONFIDENCES: tuple[Confidence, ...] = ("low", "moderate", "high")
CONTEXT_CHARS = 32


@dataclass(frozen=True)
class Anchor:
    """Where a quote sits in an article: the exact text, ~32 characters either side, offsets.

    The context lets the quote be found again after the article file changes; the
    offsets are where it was last seen.
    """

    quote: str
    prefix: str
    suffix: str
    start: int
    end: int


@dataclass(frozen=True)
class SourceValue:
    """One source's side of a pinned discrepancy: its value and the sentence saying it."""

    article_id: str
    value: str
    sentence: str


@dataclass(frozen=True)
class Note:
    """An analyst's note.

    ``article_id`` and ``anchor`` are None for notes without a quote (e.g. the summary).
    ``found`` is False when the quote could not be found in the article's current text
    (the note is kept, never dropped). A ``discrepancy`` note pinned from the compare
    facts table carries ``what`` (what the sources disagree on) and every source's
    ``values``. ``confidence`` is for judgments.
    """

    id: int
    kind: Kind
    comment: str
    article_id: str | None = None
    anchor: Anchor | None = None
    confidence: Confidence | None = None
    tags: tuple[str, ...] = ()
    order: int = 0
    created: datetime | None = None
    updated: datetime | None = None
    found: bool = True
    what: str = ""
    values: tuple[SourceValue, ...] = ()
