"""What an update tells its caller: :class:`Progress` as it goes, :class:`IngestReport` at
the end."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from briefing.corpus.model import FileProblem


@dataclass(frozen=True)
class Progress:
    """How far an update has got, for progress bars."""

    done: int
    total: int
    path: str | None = None
    articles: int = 0
    commits: int = 0
    """Batches committed so far: when it changes, searches see more of the library."""
    committed: int = 0
    """Articles added by this update that are committed (searchable) so far."""


@dataclass
class IngestReport:
    """What an update did: counts, and every skipped file and duplicate with its reason."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged_files: int = 0
    files_read: int = 0
    total_articles: int = 0
    skipped: list[FileProblem] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[FileProblem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    compaction_due: bool = False
    """The update left more segments than searches should read: see
    :func:`briefing.index.compact.compact`."""

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged_files": self.unchanged_files,
            "files_read": self.files_read,
            "total_articles": self.total_articles,
            "skipped": [{"path": p.path, "reason": p.reason} for p in self.skipped],
            "duplicates": [{"id": d, "duplicate_of": o} for d, o in self.duplicates],
            "warnings": [{"path": p.path, "warning": p.reason} for p in self.warnings],
            "notices": list(self.notices),
            "elapsed": round(self.elapsed, 3),
            "compaction_due": self.compaction_due,
        }


ProgressCallback = Callable[[Progress], None]
