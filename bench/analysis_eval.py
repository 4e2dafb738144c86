"""python bench/analysis_eval.py [--json]

How well the analysis holds beyond the sample, in one report (the README's "Analysis"
table comes from it). Each part is measured by its own script, which can be run alone
for details:

- stories (``bench/stories_eval.py``): pairwise and B-cubed precision / recall of the
  stories on ``../shared/corpora/multi/data`` (119 articles, 23 labelled events), and
  whether the bundled sample gives its three stories {000, 001}, {003, 004}, {002};
- facts (``bench/eval_facts.py``): precision and recall of the conflicts and of the
  agreements the comparison flags, on ``bench/labels/facts`` (13 pairs of reports of
  one event each, of 6 kinds, with the conflicts a careful reader would flag), and on the
  held-out ``bench/labels/facts_heldout`` (6 pairs) and ``bench/labels/facts_heldout2``
  (8 pairs of other kinds of event), written before the rounds of rules they test;
- passages (``bench/eval_passages.py``): precision of "shared" and "partly shared"
  on ``bench/labels/passages`` (115 labelled passage pairs from the sample and
  ``multi/data``), weighing words by the compared articles alone and by a library;
- titles (``bench/eval_titles.py``): the headline chosen for the saved pages of
  ``../shared/corpora/html`` and for the hand-written pages of ``tests/data/titles``.

The targets are the issue's: stories pairwise precision ≥ 0.95 and recall ≥ 0.85 and
the sample's three stories; the other parts report their figures against what the
code did before (the scripts print both).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import eval_facts
import eval_passages
import eval_titles
import stories_eval


def evaluate() -> dict[str, Any]:
    """Every part's figures (the details each script gives are left out)."""
    passages = eval_passages.passage_scores()
    titles = eval_titles.title_scores()
    return {
        "stories": stories_eval.story_scores(),
        "facts": eval_facts.fact_scores(),
        "facts_heldout": eval_facts.fact_scores(eval_facts.LABELS.parent / "facts_heldout"),
        "facts_heldout2": eval_facts.fact_scores(eval_facts.LABELS.parent / "facts_heldout2"),
        "passages": {
            name: {k: v for k, v in result.items() if k not in ("errors", "confusion")}
            for name, result in passages.items()
        },
        "titles": {
            name: {k: result[k] for k in ("right", "right_before", "total")}
            for name, result in titles.items()
        },
    }


def report(figures: dict[str, Any]) -> list[str]:
    """The figures as lines of text, with the targets met or missed."""
    s = figures["stories"]
    met = s["precision"] >= 0.95 and s["recall"] >= 0.85 and s["sample_ok"]
    lines = [
        f"stories on multi/data ({s['articles']:.0f} articles, {s['events']:.0f} events): "
        f"pairwise P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f}; "
        f"B-cubed P {s['b3_precision']:.3f} R {s['b3_recall']:.3f} F1 {s['b3_f1']:.3f}; "
        f"{s['stories']:.0f} stories",
        f"  the sample's three stories: {'yes' if s['sample_ok'] else 'NO'}; "
        f"targets (P ≥ 0.95, R ≥ 0.85, the sample): {'met' if met else 'MISSED'}",
    ]
    held_out = {"facts": "", "facts_heldout": "held-out ", "facts_heldout2": "second held-out "}
    for name, label in held_out.items():
        f = figures[name]
        lines.append(
            f"facts on {f['pairs']} {label}labelled pairs ({f['conflicts']} conflicts, "
            f"{f['agreements']} agreements): conflicts P {f['conflict_precision']:.2f} "
            f"R {f['conflict_recall']:.2f}; agreements P {f['agreement_precision']:.2f} "
            f"R {f['agreement_recall']:.2f}"
        )
    for name, p in figures["passages"].items():
        lines.append(
            f"passages, {name} word weights ({p['pairs']} labelled pairs): shared P "
            f"{p['shared_precision']:.2f} R {p['shared_recall']:.2f}; partly shared P "
            f"{p['partial_precision']:.2f} (shares content: {p['partial_shares_content']:.2f}) "
            f"R {p['partial_recall']:.2f}"
        )
    for name, t in figures["titles"].items():
        lines.append(
            f"titles, {name}: {t['right']}/{t['total']} headlines right "
            f"(trafilatura's title: {t['right_before']}/{t['total']})"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    figures = evaluate()
    if args.json:
        print(json.dumps(figures, indent=2, default=str))
    else:
        print("\n".join(report(figures)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
