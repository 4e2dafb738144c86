"""What the benchmarks share: finding the corpus to measure on."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"
NAMED = {"bbc": CORPORA / "bbc", "reuters": CORPORA / "reuters21578"}


def resolve_corpus(name: str) -> Path | None:
    """``bbc``, ``reuters`` or a folder: the folder, or None when it is not there."""
    corpus = NAMED.get(name, Path(name))
    return corpus if corpus.is_dir() else None
