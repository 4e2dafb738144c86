"""The plain data the compare stage produces: aligned passages, grouped facts, stories."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Status = Literal["shared", "partial", "unique"]
FactKind = Literal["count", "measure", "date", "attribution"]


@dataclass(frozen=True)
class Passage:
    """A sentence (or a short run of sentences) of one article; offsets index its body."""

    article_id: str
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Counterpart:
    """The best matching passage in another article, and how much of this passage it says.

    The score (0..1) is directed: a short sentence quoted inside a long one scores high
    from the short one's side (all of it is said) and lower from the long one's.
    """

    article_id: str
    passage: int
    score: float


@dataclass(frozen=True)
class AlignedPassage:
    """A passage and where its content appears in the other articles.

    ``shared``: a counterpart in every other article; ``partial``: in some of them, or
    only loosely; ``unique``: only in this source.
    """

    passage: Passage
    status: Status
    counterparts: tuple[Counterpart, ...] = ()


@dataclass(frozen=True)
class Fact:
    """One fact stated in one article.

    ``kind`` "count": ``value`` is the number as written for a reader ("12,400", "2.1
    million"; ``number`` holds it as a float, ``qualifier`` keeps "more than", "at
    least", "dozens"...), ``thing`` what it counts ("people killed", "targets",
    "troops"). "measure": the same, with the unit in ``value`` ("6.1 magnitude", "63%",
    "2.1 million dollars") and ``thing`` what is measured ("earthquake magnitude").
    "date": ``value`` is the ISO date or time text. "attribution": ``value`` is who said
    it ("CENTCOM", "the Iraqi government"), ``thing`` what was said (short).
    ``start``/``end`` locate ``text`` in the article body; ``sentence`` is the whole
    sentence, the evidence.
    """

    article_id: str
    kind: FactKind
    value: str
    thing: str
    text: str
    sentence: str
    start: int
    end: int
    number: float | None = None
    qualifier: str = ""


@dataclass(frozen=True)
class FactGroup:
    """Facts about the same thing across articles, and whether they disagree.

    ``key`` names what the facts are about ("people killed", "targets", "American
    troops killed near the Jordanian border"). ``conflict`` is True when sources give
    different numbers for the same thing, the same count with different nouns (troops
    vs. contractors), or one quotation to different speakers; ``reason`` says which, in
    one line (or, for counts and measures that agree, "agree: 42").
    """

    key: str
    kind: FactKind
    facts: tuple[Fact, ...]
    conflict: bool = False
    reason: str = ""


@dataclass(frozen=True)
class Comparison:
    """Two to four articles side by side: aligned passages per article, grouped facts."""

    article_ids: tuple[str, ...]
    passages: dict[str, tuple[AlignedPassage, ...]] = field(default_factory=dict)
    facts: tuple[FactGroup, ...] = ()
    elapsed: float = 0.0


@dataclass(frozen=True)
class Story:
    """A cluster of articles about one event."""

    id: str
    title: str
    article_ids: tuple[str, ...]
    sources: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class SyncReport:
    """What bringing the store up to date did (counts of work, for tests and benches)."""

    added: int = 0
    removed: int = 0
    vectorised: int = 0
    assigned: int = 0
    rebuilt: str | None = None
    busy: bool = False
    deferred: int = 0  # articles left for a later update (more than its ``limit``)

    @property
    def changed(self) -> bool:
        """Whether anything was (re)computed."""
        return bool(self.added or self.removed or self.vectorised or self.assigned)
