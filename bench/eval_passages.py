"""python bench/eval_passages.py [-v]

Passage alignment quality on labelled pairs: does "shared" mean the same content, and
does "partly shared" mean a fact, quote or claim in common?

Reads ``bench/labels/passages/pairs.json`` (passage pairs from the sample corpus and
from ``../shared/corpora/multi/data``, each labelled shared, partial or unrelated by
reading) and the held-out ``heldout.json`` (labelled the same way, before the rules were
tuned again), aligns each pair's two articles with ``briefing.compare.align.align`` and
reads what the comparison pane would show for the pair: "shared" when each passage lists
the other as its counterpart with a strong score, "partial" when either lists the other
otherwise, "unrelated" when neither lists the other. Then, against the labels:

- precision and recall of "shared";
- precision of "partial", strictly (labelled partial) and as "shares content"
  (labelled partial or shared: a shared pair shown as partly shared is under-called,
  not wrong), and its recall;
- precision and recall of "listed" (shared or partial) against "has content in common".

Two weightings, as the app has: ``own`` (IDF over the compared passages, what a library
under 20 articles gets) and ``library`` (IDF over every article of the sample and the
multi corpus, the engine's formula over body tokens).
"""

from __future__ import annotations

import json
import math
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"
if not CORPORA.is_dir():  # a worktree outside the checkout's parent
    CORPORA = Path("/work/shared/corpora")
MULTI = CORPORA / "multi" / "data"
SAMPLE = REPO / "sample_corpus"
LABELS = REPO / "bench" / "labels" / "passages" / "pairs.json"
# Written after pairs.json and before the rules were tuned again: figures on it show
# whether a rule generalises beyond the set it was tuned on.
HELDOUT = REPO / "bench" / "labels" / "passages" / "heldout.json"
sys.path.insert(0, str(REPO))

from briefing.compare import align as aligner  # noqa: E402
from briefing.compare.model import AlignedPassage  # noqa: E402
from briefing.corpus.ingest import SourceFile, ingest_file, walk  # noqa: E402
from briefing.corpus.model import Article  # noqa: E402

LABELS_ORDER = ("shared", "partial", "unrelated")


def _articles() -> dict[str, Article]:
    """Articles keyed as the label file names them: ``sample_corpus/<f>``, ``multi/<f>``."""
    out: dict[str, Article] = {}
    for folder, label, prefix in ((SAMPLE, "sample", "sample_corpus"), (MULTI, "multi", "multi")):
        for sf in walk(folder, label):
            if isinstance(sf, SourceFile):
                for article in ingest_file(sf).articles:
                    out[f"{prefix}/{article.id.split('/', 1)[1]}"] = article
    return out


def library_idf(articles: Sequence[Article]) -> dict[str, float]:
    """IDF over whole articles, as ``Engine._idf`` reads it from the index."""
    df: Counter[str] = Counter()
    for article in articles:
        df.update(set(aligner.tokens(f"{article.title}\n{article.body}")))
    n = len(articles)
    return {t: math.log((n + 1) / (count + 0.5)) for t, count in df.items()}


def _find(passages: Sequence[AlignedPassage], text: str) -> int | None:
    """The passage whose text is ``text``, or else the one holding (or held by) it."""
    for p in passages:
        if p.passage.text == text:
            return p.passage.index
    for p in passages:
        if text in p.passage.text or p.passage.text in text:
            return p.passage.index
    return None


def predict(
    one: Article, two: Article, text_one: str, text_two: str, idf: Mapping[str, float] | None
) -> str:
    """What the comparison pane shows for this pair: shared, partial or unrelated."""
    aligned = aligner.align([one, two], idf)
    i = _find(aligned[one.id], text_one)
    j = _find(aligned[two.id], text_two)
    if i is None or j is None:
        raise LookupError(f"labelled passage not found in {one.id} / {two.id}")
    forward = [c.score for c in aligned[one.id][i].counterparts if c.passage == j]
    backward = [c.score for c in aligned[two.id][j].counterparts if c.passage == i]
    if not forward and not backward:
        return "unrelated"
    # Shared means each passage says what the other does: each lists the other as
    # strong. A short passage inside a longer one is shared in its own row only.
    both = forward + backward
    return "shared" if len(both) == 2 and min(both) >= aligner.STRONG else "partial"


def _ratio(hit: int, total: int) -> float:
    return round(hit / total, 3) if total else 1.0


def score(pairs: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Precision and recall from (label, predicted) pairs."""
    n = Counter(pairs)

    def count(labels: Sequence[str], predicted: Sequence[str]) -> int:
        return sum(n[x, y] for x in labels for y in predicted)

    content = ("shared", "partial")
    return {
        "pairs": len(pairs),
        "shared_precision": _ratio(count(["shared"], ["shared"]), count(LABELS_ORDER, ["shared"])),
        "shared_recall": _ratio(count(["shared"], ["shared"]), count(["shared"], LABELS_ORDER)),
        "partial_precision": _ratio(
            count(["partial"], ["partial"]), count(LABELS_ORDER, ["partial"])
        ),
        "partial_shares_content": _ratio(
            count(content, ["partial"]), count(LABELS_ORDER, ["partial"])
        ),
        "partial_recall": _ratio(count(["partial"], ["partial"]), count(["partial"], LABELS_ORDER)),
        "listed_precision": _ratio(count(content, content), count(LABELS_ORDER, content)),
        "listed_recall": _ratio(count(content, content), count(content, LABELS_ORDER)),
        "accuracy": _ratio(sum(n[x, x] for x in LABELS_ORDER), len(pairs)),
        "confusion": {x: {y: n[x, y] for y in LABELS_ORDER} for x in LABELS_ORDER},
    }


def passage_scores(labels: Path = LABELS) -> dict[str, Any]:
    """Score the aligner on the labelled pairs, with both weightings; also the errors."""
    records = json.loads(labels.read_text(encoding="utf-8"))["pairs"]
    articles = _articles()
    idf = library_idf(list(articles.values()))
    out: dict[str, Any] = {}
    for name, weights in (("own", None), ("library", idf)):
        results = []
        errors = []
        for r in records:
            got = predict(articles[r["a"]], articles[r["b"]], r["text_a"], r["text_b"], weights)
            results.append((r["label"], got))
            if got != r["label"]:
                errors.append({"label": r["label"], "got": got, "a": r["text_a"], "b": r["text_b"]})
        out[name] = score(results) | {"errors": errors}
    return out


def main() -> None:
    """Print the figures for both weightings and both label sets (``-v``: also every error)."""
    verbose = "-v" in sys.argv[1:]
    for labels in (LABELS, HELDOUT):
        print(f"== {labels.name}")
        _report(passage_scores(labels), verbose)


def _report(figures: Mapping[str, Any], verbose: bool) -> None:
    """Print one label set's figures."""
    for name, result in figures.items():
        print(f"{name} IDF, {result['pairs']} labelled pairs")
        for key, value in result.items():
            if key not in ("pairs", "confusion", "errors"):
                print(f"  {key:24} {value}")
        print("  confusion (label -> shown):")
        for label, row in result["confusion"].items():
            print(f"    {label:10} " + "  ".join(f"{k} {v:3}" for k, v in row.items()))
        if verbose:
            for e in result["errors"]:
                print(f"  [{e['label']} shown {e['got']}]")
                print(f"    A: {e['a'][:160]}\n    B: {e['b'][:160]}")


if __name__ == "__main__":
    main()
