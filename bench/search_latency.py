"""Search latency on an existing library, against Whoosh's bare search of the same queries.

For each query of a query file (one per line): ``engine.search(query, limit=20)`` (hits,
snippets, facets) with the prepared-query cache emptied first (as when a new query is
typed), then the next page and the reader's matches for the first hit (these may reuse
the prepared query), and the reference: Whoosh's ``searcher.search(q, limit=20)`` of
the same parsed query on the same searcher, in the same run.

Usage: BRIEFING_HOME=... python bench/search_latency.py --library NAME
    [--queries bench/queries42k.txt] [--rounds 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p * len(ordered)) - 1))] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", required=True)
    parser.add_argument("--queries", default=str(HERE / "queries42k.txt"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", default=None)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    queries = [q for q in Path(args.queries).read_text().splitlines() if q.strip()]

    started = time.perf_counter()
    from briefing.engine.local import WhooshEngine
    from briefing.index.library import load_library
    from briefing.search import searcher as search_module
    from briefing.search.query import parse_query

    engine = WhooshEngine(load_library(args.library), build_on_open=False)
    first = engine.search(queries[0], limit=20)
    cold = time.perf_counter() - started
    forget = getattr(search_module, "forget_prepared", lambda: None)

    ours: list[float] = []
    page2: list[float] = []
    reader: list[float] = []
    bare: list[float] = []
    per_query: dict[str, list[float]] = {q: [] for q in queries}
    shared = engine.store.shared()
    for _ in range(args.rounds):
        for query in queries:
            forget()
            t0 = time.perf_counter()
            result = engine.search(query, limit=20)
            ours.append(time.perf_counter() - t0)
            per_query[query].append(ours[-1])
            t0 = time.perf_counter()
            engine.search(query, limit=20, offset=20)
            page2.append(time.perf_counter() - t0)
            if result.hits:
                t0 = time.perf_counter()
                engine.matches(result.hits[0].id, query)
                reader.append(time.perf_counter() - t0)
            with shared.searcher() as s:
                t0 = time.perf_counter()
                q: Any = parse_query(query, s.schema).query
                if q is not None:
                    len(s.search(q, limit=20).top_n)
                bare.append(time.perf_counter() - t0)
    with shared.searcher() as s:
        docs, segments = s.doc_count(), len(s.reader().leaf_readers())
    rows = {
        "library": args.library,
        "documents": docs,
        "segments": segments,
        "queries": len(queries),
        "rounds": args.rounds,
        "open_and_first_search_s": round(cold, 3),
        "first_total": first.total,
        "search_p50_ms": round(_pct(ours, 0.5), 1),
        "search_p95_ms": round(_pct(ours, 0.95), 1),
        "search_max_ms": round(max(ours) * 1000, 1),
        "next_page_p50_ms": round(_pct(page2, 0.5), 1),
        "next_page_p95_ms": round(_pct(page2, 0.95), 1),
        "reader_matches_p50_ms": round(_pct(reader, 0.5), 1) if reader else None,
        "reader_matches_p95_ms": round(_pct(reader, 0.95), 1) if reader else None,
        "bare_whoosh_p50_ms": round(_pct(bare, 0.5), 1),
        "bare_whoosh_p95_ms": round(_pct(bare, 0.95), 1),
    }
    rows["ratio_p50"] = round(rows["search_p50_ms"] / max(rows["bare_whoosh_p50_ms"], 0.01), 2)
    rows["ratio_p95"] = round(rows["search_p95_ms"] / max(rows["bare_whoosh_p95_ms"], 0.01), 2)
    for key, value in rows.items():
        print(f"{key:<26} {value}")
    if args.verbose:
        for query, times in per_query.items():
            print(f"  {statistics.median(times) * 1000:8.1f} ms  {query}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
