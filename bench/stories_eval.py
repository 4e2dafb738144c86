"""python bench/stories_eval.py [--bbc]

Story clustering: quality on labelled events, speed on a larger corpus.

Quality: ingests ``../shared/corpora/multi/data`` (119 news-please records from 23
events, the ``newsCluster`` field naming each one's event), clusters them with
``briefing.compare.stories.cluster`` and scores the stories against the events:

- pairwise precision / recall / F1 over all pairs of articles (a pair is positive when
  both are in the same event, predicted positive when both are in the same story);
- B-cubed precision / recall / F1 (per article: the share of its story that is in its
  event, and of its event that is in its story, averaged);
- the number of stories against the number of events, and the time taken;
- for reference, the gold events cut wherever two consecutive reports are more than 10
  days apart: the recall a date wall at 10 days would cap (the rule before
  ``SCORING_VERSION`` 2); several gold events gather follow-ups over weeks or months.

``story_scores()`` gives the headline figures (and whether the bundled sample gives
its three stories) to other benches, e.g. ``bench/analysis_eval.py``.

The same scores for the story store (``briefing/compare/story_store.py``), which
keeps stories on disk and updates them incrementally: built in one update (what a
first build does), and fed one article at a time in date order (the most incremental
it can be); and how far each is from the batch clustering (pairwise precision and
recall of the store's pairs against the batch's).

Speed (``--bbc``): clusters the BBC corpus (2,225 articles) in one batch and builds the
story store from it, then times what the commands do on a built store: an update with
nothing changed, one article added, reading every story and reading one article's
story. Times are also given as ratios to a reference measured in the same run
(ingesting the same files), since machines here are too noisy for absolute figures to
compare across runs.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from itertools import combinations
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"
MULTI = CORPORA / "multi" / "data"
BBC = CORPORA / "bbc"
SAMPLE = REPO / "sample_corpus"
# The bundled sample's events, by file-name prefix: two undated reports of one round
# of strikes, a dated and an undated report of another, and a third months later.
SAMPLE_EVENTS = ({"000", "001"}, {"003", "004"}, {"002"})
sys.path.insert(0, str(REPO))

from briefing.compare.model import Story  # noqa: E402
from briefing.compare.stories import cluster  # noqa: E402
from briefing.compare.story_store import StoryStore  # noqa: E402
from briefing.corpus.ingest import SourceFile, ingest_file, walk  # noqa: E402
from briefing.corpus.model import Article  # noqa: E402


def ingest(folder: Path, label: str) -> list[Article]:
    """Every article under ``folder``, through the project's ingestion pipeline."""
    return [
        a
        for sf in walk(folder, label)
        if isinstance(sf, SourceFile)
        for a in ingest_file(sf).articles
    ]


def gold_events(folder: Path, articles: Sequence[Article]) -> dict[str, str]:
    """Article id → event name, read from each record's ``newsCluster`` field.

    The field is a dict in some dumps and a Python-literal dict in a string in others;
    the string form is parsed with ``ast.literal_eval``, never ``eval``.
    """
    events: dict[str, str] = {}
    for article in articles:
        relpath = article.id.split("/", 1)[1]
        record: dict[str, Any] = json.loads((folder / relpath).read_text(encoding="utf-8"))
        raw = record["newsCluster"]
        label = ast.literal_eval(raw) if isinstance(raw, str) else raw
        events[article.id] = str(label.get("EventId", label.get("Event")))
    return events


def pairwise(gold: Mapping[str, str], predicted: Mapping[str, str]) -> tuple[float, float, float]:
    """Precision, recall and F1 over all pairs of articles."""
    tp = fp = fn = 0
    for a, b in combinations(sorted(gold), 2):
        same_gold = gold[a] == gold[b]
        same_pred = predicted[a] == predicted[b]
        tp += same_gold and same_pred
        fp += same_pred and not same_gold
        fn += same_gold and not same_pred
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, _f1(precision, recall)


def bcubed(gold: Mapping[str, str], predicted: Mapping[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1, averaged over articles."""
    both = Counter((gold[a], predicted[a]) for a in gold)
    gold_size = Counter(gold.values())
    pred_size = Counter(predicted.values())
    precision = sum(both[gold[a], predicted[a]] / pred_size[predicted[a]] for a in gold) / len(gold)
    recall = sum(both[gold[a], predicted[a]] / gold_size[gold[a]] for a in gold) / len(gold)
    return precision, recall, _f1(precision, recall)


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def evaluate(folder: Path = MULTI) -> dict[str, float]:
    """Cluster the labelled corpus and score it; the figures the unit tests also use."""
    articles = ingest(folder, "multi")
    gold = gold_events(folder, articles)
    started = time.perf_counter()
    stories = cluster(articles)
    elapsed = time.perf_counter() - started
    ceiling = date_ceiling(gold, articles)
    _, cr, cf = pairwise(gold, ceiling)
    return {
        **score(gold, stories),
        "articles": len(articles),
        "events": len(set(gold.values())),
        "seconds": elapsed,
        "ceiling_parts": len(set(ceiling.values())),
        "ceiling_recall": cr,
        "ceiling_f1": cf,
    }


def sample_stories() -> list[set[str]]:
    """The bundled sample's stories, each as its members' file-name prefixes."""
    stories = cluster(ingest(SAMPLE, "sample"))
    return [{m.rsplit("/", 1)[1][:3] for m in s.article_ids} for s in stories]


def story_scores(folder: Path = MULTI) -> dict[str, Any]:
    """The figures another bench reports: on the labelled corpus, pairwise and B-cubed
    precision / recall / F1 and stories against events; and whether the bundled
    sample gives its three stories.

    Returns:
        ``precision``, ``recall``, ``f1``, ``b3_precision``, ``b3_recall``, ``b3_f1``,
        ``stories``, ``events``, ``articles`` (floats) and ``sample_ok`` (bool).
    """
    m = evaluate(folder)
    keys = ("precision", "recall", "f1", "b3_precision", "b3_recall", "b3_f1")
    out: dict[str, Any] = {k: m[k] for k in (*keys, "stories", "events", "articles")}
    found = sample_stories()
    out["sample_ok"] = len(found) == len(SAMPLE_EVENTS) and all(s in found for s in SAMPLE_EVENTS)
    return out


def score(gold: Mapping[str, str], stories: Sequence[Story]) -> dict[str, float]:
    """Pairwise and B-cubed figures of ``stories`` against the gold events."""
    predicted = story_of(stories)
    p, r, f = pairwise(gold, predicted)
    bp, br, bf = bcubed(gold, predicted)
    return {
        "stories": len(stories),
        "precision": p,
        "recall": r,
        "f1": f,
        "b3_precision": bp,
        "b3_recall": br,
        "b3_f1": bf,
    }


def store_stories(articles: Sequence[Article], one_by_one: bool) -> tuple[list[Story], float]:
    """The story store's stories for ``articles``: in one update, or one article per
    update in date order; and the seconds it took."""
    by_id = {a.id: a for a in articles}

    def fetch(ids: Sequence[str]) -> list[Article]:
        return [by_id[i] for i in ids if i in by_id]

    ordered = sorted(articles, key=lambda a: (a.published or date.min, a.id))
    steps = [ordered[: i + 1] for i in range(len(ordered))] if one_by_one else [ordered]
    with tempfile.TemporaryDirectory() as folder:
        store = StoryStore(Path(folder) / "stories.sqlite3")
        started = time.perf_counter()
        for step in steps:
            store.sync({a.id: a.content_hash or a.id for a in step}, fetch, str(len(step)))
        return store.stories(), time.perf_counter() - started


def evaluate_store(folder: Path = MULTI) -> dict[str, dict[str, float]]:
    """The story store on the labelled corpus: scores, and agreement with the batch."""
    articles = ingest(folder, "multi")
    gold = gold_events(folder, articles)
    batch = story_of(cluster(articles))
    out: dict[str, dict[str, float]] = {}
    for name, one_by_one in (("one update", False), ("one article at a time", True)):
        stories, elapsed = store_stories(articles, one_by_one)
        vs_p, vs_r, _ = pairwise(batch, story_of(stories))
        out[name] = {**score(gold, stories), "seconds": elapsed, "vs_p": vs_p, "vs_r": vs_r}
    return out


def date_ceiling(gold: Mapping[str, str], articles: Sequence[Article]) -> dict[str, str]:
    """Gold events cut at every gap of more than 10 days between consecutive reports."""
    cut: dict[str, str] = {}
    by_event: dict[str, list[Article]] = {}
    for article in articles:
        by_event.setdefault(gold[article.id], []).append(article)
    for event, members in by_event.items():
        members.sort(key=lambda a: a.published or date.min)
        part, previous = 0, None
        for article in members:
            if previous and article.published and (article.published - previous).days > 10:
                part += 1
            previous = article.published or previous
            cut[article.id] = f"{event}/{part}"
    return cut


def story_of(stories: Sequence[Story]) -> dict[str, str]:
    """Article id → id of the story it is in."""
    return {m: s.id for s in stories for m in s.article_ids}


def bench_bbc(folder: Path = BBC) -> None:
    """Time clustering the BBC corpus and the story store against ingesting it."""
    started = time.perf_counter()
    articles = ingest(folder, "bbc")
    ingest_s = time.perf_counter() - started
    started = time.perf_counter()
    stories = cluster(articles)
    cluster_s = time.perf_counter() - started
    sizes = Counter(len(s.article_ids) for s in stories)
    multi = sum(n for size, n in sizes.items() if size > 1)
    print(f"bbc: {len(articles)} articles → {len(stories)} stories ({multi} with 2+ members)")
    print(f"  largest: {sorted(sizes, reverse=True)[:5]}")
    print(f"  batch cluster {cluster_s:.2f} s; reference ingest {ingest_s:.2f} s")
    print(f"  ratio cluster / ingest: {cluster_s / ingest_s:.2f}")

    by_id = {a.id: a for a in articles}
    reads: list[str] = []

    def fetch(ids: Sequence[str]) -> list[Article]:
        reads.extend(ids)
        return [by_id[i] for i in ids if i in by_id]

    hashes = {a.id: a.content_hash or a.id for a in articles}
    last = articles[-1].id
    with tempfile.TemporaryDirectory() as tmp:
        store = StoryStore(Path(tmp) / "stories.sqlite3")
        timed: dict[str, float] = {}

        def timing(name: str, run: Any) -> Any:
            started = time.perf_counter()
            result = run()
            timed[name] = time.perf_counter() - started
            return result

        without_last = {i: h for i, h in hashes.items() if i != last}
        timing("build (all but one)", lambda: store.sync(without_last, fetch, "1"))
        reads.clear()
        quiet = timing("update, nothing changed", lambda: store.sync(without_last, fetch, "1"))
        assert not quiet.changed and not reads, "an update with nothing changed did work"
        one = timing("update, one article added", lambda: store.sync(hashes, fetch, "2"))
        built = timing("read every story", store.stories)
        timing("read one article's story", lambda: store.story_of(articles[0].id))
        size = sum(f.stat().st_size for f in Path(tmp).iterdir())
    vs_p, vs_r, _ = pairwise(story_of(stories), story_of(built))
    print(f"  story store: {len(built)} stories, {size / 1e6:.1f} MB on disk")
    print(f"    vs the batch: pairwise P {vs_p:.3f}  R {vs_r:.3f}")
    print(f"    one article added: {one.assigned} articles regrouped, {one.vectorised} weighed")
    for name, seconds in timed.items():
        print(f"    {name}: {seconds * 1000:.1f} ms (ratio to ingest {seconds / ingest_s:.4f})")


def main() -> int:
    """Run the evaluation (and the BBC timing with ``--bbc``); print the figures."""
    parser = argparse.ArgumentParser(description="Story clustering: quality and speed.")
    parser.add_argument("--bbc", action="store_true", help="also time the BBC corpus")
    args = parser.parse_args()
    if not MULTI.is_dir():
        print(f"stories_eval: no corpus at {MULTI}", file=sys.stderr)
        return 2
    m = evaluate()
    print(f"multi/data: {m['articles']:.0f} articles, {m['events']:.0f} events")
    print(f"  stories: {m['stories']:.0f} (vs {m['events']:.0f} events)")
    print(f"  pairwise P {m['precision']:.3f}  R {m['recall']:.3f}  F1 {m['f1']:.3f}")
    print(f"  B-cubed  P {m['b3_precision']:.3f}  R {m['b3_recall']:.3f}  F1 {m['b3_f1']:.3f}")
    print(f"  time: {m['seconds'] * 1000:.0f} ms")
    found = sorted(sorted(s) for s in sample_stories())
    print(f"sample: {len(found)} stories {found}")
    print(
        f"  (a 10-day date wall would cap: {m['ceiling_parts']:.0f} parts, "
        f"pairwise R {m['ceiling_recall']:.3f}  F1 {m['ceiling_f1']:.3f})"
    )
    for name, s in evaluate_store().items():
        print(f"story store, {name}: {s['stories']:.0f} stories, {s['seconds']:.2f} s")
        print(f"  pairwise P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}")
        print(f"  B-cubed  P {s['b3_precision']:.3f}  R {s['b3_recall']:.3f}  F1 {s['b3_f1']:.3f}")
        print(f"  vs the batch: pairwise P {s['vs_p']:.3f}  R {s['vs_r']:.3f}")
    if args.bbc:
        if not BBC.is_dir():
            print(f"stories_eval: no corpus at {BBC}", file=sys.stderr)
            return 2
        bench_bbc()
    return 0


if __name__ == "__main__":
    sys.exit(main())
