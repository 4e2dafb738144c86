"""python bench/eval_facts.py [--verbose] [--labels DIR]

The facts table against labelled pairs of articles (``bench/labels/facts/*.json``): two
invented outlets reporting one invented event each, written before the extractor was
tuned, with the conflicts and agreements a careful reader would flag (see the README there).

For each pair, ``briefing.compare.facts.group`` runs on the two articles. Only groups
that hold facts from both articles and are of a labelled kind (counts, measures,
attributions; dates are not labelled) are scored:

- a group flagged ``conflict`` is a predicted conflict; any other is a predicted agreement.
- a predicted group **matches** a labelled conflict or agreement when its kind agrees
  (counts and measures are one numeric kind: the labels do not decide whether "3,000
  people" is a count or a measure) and, for each of the two articles, the group holds a
  fact of that article with the labelled value: the same number (to a relative 1e-6:
  "$2.1 million" is 2100000) or, for attributions, the labelled speaker (its last word
  equals the last word of the fact's speaker, ignoring case: "Costa" = "Helena Costa").
  For an agreement the value is the same for both articles.
- matching is one to one, in label order: a labelled item is matched by at most one
  predicted group, and a group matches at most one item. A second group for the same
  labelled item is a false positive (the table shows the thing twice).
- precision = matched predicted groups / predicted groups; recall = matched labelled
  items / labelled items; for conflicts and for agreements separately.

A predicted conflict matching a labelled agreement (or the reverse) is wrong on both
counts: a false positive for its own side and a miss for the label.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
LABELS = REPO / "bench" / "labels" / "facts"
sys.path.insert(0, str(REPO))

from briefing.compare.facts import group  # noqa: E402
from briefing.compare.model import Fact, FactGroup  # noqa: E402
from briefing.corpus.model import Article  # noqa: E402

SCORED = frozenset({"count", "measure", "attribution"})


def load_pairs(folder: Path = LABELS) -> list[dict[str, Any]]:
    """The labelled pairs, in file order, each with its file name under ``name``."""
    pairs = []
    for path in sorted(folder.glob("*.json")):
        pair = json.loads(path.read_text(encoding="utf-8"))
        pair["name"] = path.stem
        pairs.append(pair)
    return pairs


def _article(item: dict[str, Any]) -> Article:
    return Article(
        id=item["id"],
        title=item["id"],
        source=item["source"],
        author=None,
        published=None,
        url=None,
        body=item["body"],
        path=item["id"],
    )


def _family(kind: str) -> str:
    return "number" if kind in {"count", "measure"} else kind


def _same_value(fact: Fact, value: object) -> bool:
    if isinstance(value, str):
        said = fact.value.split()
        return bool(said) and said[-1].lower() == value.split()[-1].lower()
    if fact.number is None or not isinstance(value, int | float):
        return False
    return abs(fact.number - value) <= 1e-6 * max(1.0, abs(value))


def _matches(found: FactGroup, label: dict[str, Any], article_ids: Sequence[str]) -> bool:
    if _family(found.kind) != _family(label["kind"]):
        return False
    values = label.get("values") or {a: label["value"] for a in article_ids}
    return all(
        any(f.article_id == a and _same_value(f, values[a]) for f in found.facts)
        for a in article_ids
    )


def _score(
    predicted: list[FactGroup], labels: list[dict[str, Any]], article_ids: Sequence[str]
) -> tuple[int, list[FactGroup], list[dict[str, Any]]]:
    """One-to-one matches: their number, the unmatched groups, the unmatched labels."""
    left = list(predicted)
    missed = []
    for label in labels:
        hit = next((g for g in left if _matches(g, label, article_ids)), None)
        if hit is None:
            missed.append(label)
        else:
            left.remove(hit)
    return len(labels) - len(missed), left, missed


def _ratio(num: int, den: int) -> float:
    return num / den if den else 1.0


def fact_scores(folder: Path = LABELS, verbose: bool = False) -> dict[str, Any]:
    """Precision and recall of conflicts and of agreements over the labelled pairs."""
    totals = {k: 0 for k in ("conflicts", "agreements", "pred_conflicts", "pred_agreements")}
    hits = {"conflicts": 0, "agreements": 0}
    pairs = load_pairs(folder)
    for pair in pairs:
        articles = [_article(a) for a in pair["articles"]]
        ids = [a.id for a in articles]
        groups = [
            g
            for g in group(articles)
            if g.kind in SCORED and {f.article_id for f in g.facts} >= set(ids)
        ]
        conflicts = [g for g in groups if g.conflict]
        agreements = [g for g in groups if not g.conflict]
        c_hits, c_extra, c_missed = _score(conflicts, pair["conflicts"], ids)
        a_hits, a_extra, a_missed = _score(agreements, pair["agreements"], ids)
        totals["conflicts"] += len(pair["conflicts"])
        totals["agreements"] += len(pair["agreements"])
        totals["pred_conflicts"] += len(conflicts)
        totals["pred_agreements"] += len(agreements)
        hits["conflicts"] += c_hits
        hits["agreements"] += a_hits
        if verbose:
            _explain(pair["name"], c_extra, c_missed, a_extra, a_missed)
    return {
        "pairs": len(pairs),
        "conflicts": totals["conflicts"],
        "agreements": totals["agreements"],
        "predicted_conflicts": totals["pred_conflicts"],
        "predicted_agreements": totals["pred_agreements"],
        "conflict_precision": _ratio(hits["conflicts"], totals["pred_conflicts"]),
        "conflict_recall": _ratio(hits["conflicts"], totals["conflicts"]),
        "agreement_precision": _ratio(hits["agreements"], totals["pred_agreements"]),
        "agreement_recall": _ratio(hits["agreements"], totals["agreements"]),
    }


def _explain(
    name: str,
    c_extra: list[FactGroup],
    c_missed: list[dict[str, Any]],
    a_extra: list[FactGroup],
    a_missed: list[dict[str, Any]],
) -> None:
    print(f"== {name}")
    for g in c_extra:
        print(f"  wrong conflict: {g.key}: {g.reason}")
    for label in c_missed:
        print(f"  missed conflict: {label['about']} {label['values']}")
    for g in a_extra:
        print(f"  unlabelled agreement: {g.key}: {[f.text for f in g.facts]}")
    for label in a_missed:
        print(f"  missed agreement: {label['about']} = {label['value']}")


def main() -> None:
    """Print the scores (and with --verbose, every error, pair by pair)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every error")
    parser.add_argument(
        "--labels",
        type=Path,
        default=LABELS,
        help="folder of labelled pairs (default bench/labels/facts; "
        "the held-out set is bench/labels/facts_heldout)",
    )
    args = parser.parse_args()
    scores = fact_scores(args.labels, verbose=args.verbose)
    print(
        f"{scores['pairs']} pairs: {scores['conflicts']} labelled conflicts, "
        f"{scores['agreements']} labelled agreements"
    )
    print(
        f"conflicts:  precision {scores['conflict_precision']:.2f}, "
        f"recall {scores['conflict_recall']:.2f} ({scores['predicted_conflicts']} predicted)"
    )
    print(
        f"agreements: precision {scores['agreement_precision']:.2f}, "
        f"recall {scores['agreement_recall']:.2f} ({scores['predicted_agreements']} predicted)"
    )


if __name__ == "__main__":
    main()
