"""Benchmarks: indexing and search on a real corpus, against references run alongside.

Machines here are noisy, so every figure is reported with a reference measured in the
same run, and as a ratio to it:

- full build vs. a bare Whoosh index of the same files (raw text, standard analyzer,
  nothing stored): what our cleaning, name folding and stored fields cost;
- no-change update vs. the full build: what "only stats files" buys;
- search (query, facets, snippets for 20 hits) vs. a linear scan of the same bodies in
  memory (casefolded substring test): what the index buys.

Usage: python bench/run.py [--corpus bbc|reuters|PATH] [--queries N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import resolve_corpus

QUERIES = [
    "oil prices",
    '"prime minister"',
    "election labour",
    "champions league",
    "mobile phone",
    "film award",
    "interest rates",
    "microsoft software",
    "world cup",
    "budget deficit",
    "music",
    "chelsea",
    "bank",
    "tax",
    "games",
    "court",
    "iraq",
    "growth",
    "internet",
    "broadband",
]


def _bare_index(files: list[Path], where: Path) -> float:
    from whoosh import index
    from whoosh.fields import ID, TEXT, Schema

    started = time.perf_counter()
    ix = index.create_in(str(where), Schema(id=ID(unique=True), body=TEXT()))
    writer = ix.writer(limitmb=128)
    for path in files:
        writer.add_document(id=str(path), body=path.read_bytes().decode("utf-8", "replace"))
    writer.commit()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="bbc", help="bbc, reuters, or a folder")
    parser.add_argument("--queries", type=int, default=len(QUERIES))
    args = parser.parse_args()
    corpus = resolve_corpus(args.corpus)
    if corpus is None:
        print(f"bench: no corpus at {args.corpus}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["BRIEFING_HOME"] = tmp
        from briefing.index.library import load_library
        from briefing.search.engine import WhooshEngine

        files = sorted(p for p in corpus.rglob("*") if p.is_file())
        bare = _bare_index(files, Path(tempfile.mkdtemp(dir=tmp)))

        library = load_library("bench")
        library.add([corpus])
        library.save()
        engine = WhooshEngine(library)
        started = time.perf_counter()
        report = engine.update()
        build = time.perf_counter() - started
        started = time.perf_counter()
        engine.update()
        noop = time.perf_counter() - started

        bodies = [a.body.casefold() for a in engine.articles()]
        queries = QUERIES[: args.queries]
        engine.search(queries[0])  # warm the caches once, as a user's first query does
        ours, scan = [], []
        for query in queries:
            started = time.perf_counter()
            engine.search(query, limit=20)
            ours.append(time.perf_counter() - started)
            words = query.strip('"').casefold().split()
            started = time.perf_counter()
            [b for b in bodies if all(w in b for w in words)]
            scan.append(time.perf_counter() - started)

    ours_ms, scan_ms = statistics.median(ours) * 1000, statistics.median(scan) * 1000
    p95 = sorted(ours)[max(0, int(len(ours) * 0.95) - 1)] * 1000
    print(f"corpus: {corpus} ({len(files)} files, {report.total_articles} articles indexed)")
    rows = [
        ("full build", f"{build:.2f} s", "bare Whoosh index", f"{bare:.2f} s", build / bare),
        ("no-change update", f"{noop:.2f} s", "full build", f"{build:.2f} s", noop / build),
        (
            "search, median",
            f"{ours_ms:.1f} ms",
            "linear scan",
            f"{scan_ms:.1f} ms",
            ours_ms / scan_ms,
        ),
    ]
    for name, value, ref_name, ref_value, ratio in rows:
        print(f"{name:<18} {value:>10}   {ref_name:<18} {ref_value:>10}   ratio {ratio:6.3f}")
    print(f"search p95: {p95:.1f} ms over {len(ours)} queries")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
