"""The quick benchmark: the BBC corpus, every figure against a reference in the same run.

Machines here are noisy, so every figure is reported with a reference measured in the
same run, and as a ratio to it:

- build (`briefing index`, a process of its own) vs. a bare Whoosh loop over the same
  files (stemmed title and body, id stored, one writer; also a process of its own);
  with the build's peak memory (the process and its workers), the time to its first
  commit and the longest gap between commits, seen from outside;
- no-change update vs. the full build: what "only stats files" buys;
- search (20 queries: hits, snippets, facets for 20 hits) vs. a linear scan of the same
  bodies in memory (casefolded substring test): what the index buys;
- `briefing related ID` and `briefing stories` from cold processes, the first call after
  the build and the next ones, vs. `python -c "import briefing"`. The first `stories` runs
  the moment the build returns: the build left the grouping to a process of its own,
  which it waits for (so its time is when the stories are ready, from the build's end);
  the first `related` runs once the background merging is done.

Writes the ``bbc`` section of bench/results.json and bench/results.md.

Usage: python bench/run.py [--corpus bbc|reuters|PATH] [--queries N] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from buildwatch import live_figures, watch_build
from common import (
    BENCH,
    Figure,
    briefing_command,
    compile_package,
    percentile,
    resolve_corpus,
    timed_run,
    write_section,
)

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
LIBRARY = "bench"


def bare_build(files: list[Path], tmp: Path) -> float:
    """Wall seconds of the bare Whoosh reference process over ``files``."""
    listing = tmp / "bare-files.txt"
    listing.write_text("\n".join(str(p) for p in files))
    where = Path(tempfile.mkdtemp(dir=tmp))
    started = time.monotonic()
    subprocess.run(
        [sys.executable, str(BENCH / "bare_whoosh.py"), str(where), str(listing)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.monotonic() - started


def import_reference(env: dict[str, str], repeat: int = 5) -> float:
    """Median wall seconds of ``python -c "import briefing"``: Python and imports."""
    return statistics.median(
        timed_run([sys.executable, "-c", "import briefing.cli"], env=env, repeat=repeat)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="bbc", help="bbc, reuters, or a folder")
    parser.add_argument("--queries", type=int, default=len(QUERIES))
    parser.add_argument("--repeat", type=int, default=1, help="builds to time (best is kept)")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    compile_package()
    corpus = resolve_corpus(args.corpus)
    if corpus is None:
        print(f"bench: no corpus at {args.corpus}", file=sys.stderr)
        return 2
    briefing = briefing_command()
    figures: list[Figure] = []
    details: dict[str, object] = {"corpus": str(corpus)}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        files = sorted(p for p in corpus.rglob("*") if p.is_file())
        env = dict(os.environ)

        # -- build, alternating with its reference so that load hits both alike --------
        bares, builds = [], []

        def stories_now() -> float:
            return timed_run([*briefing, "stories", "--library", LIBRARY], env=env)[0]

        for attempt in range(args.repeat):
            bares.append(bare_build(files, tmp))
            home = tmp / f"home{attempt}"
            env["BRIEFING_HOME"] = str(home)
            index_dir = home / "data" / "libraries" / LIBRARY / "index"
            command = [*briefing, "index", str(corpus), "--library", LIBRARY, "--json"]
            # `briefing stories` the moment the build returns: it waits for the grouping
            # the build left to the background, as a user's next command would.
            builds.append(watch_build(command, env, index_dir, stories_now))
            print(f"build {attempt + 1}: {builds[-1].wall:.2f} s, bare {bares[-1]:.2f} s")
        run = min(builds, key=lambda r: r.wall)
        bare = min(bares)
        articles = int(str(run.report.get("total_articles", 0)))
        details |= {
            "files": len(files),
            "articles": articles,
            "builds": [r.wall for r in builds],
            "bare": bares,
            "commits": [(round(c.at, 2), c.docs, c.segments) for c in run.commits],
        }
        figures += [
            Figure(
                "build (`briefing index`), wall",
                run.wall,
                "s",
                "bare Whoosh, same files",
                bare,
                target_ratio=1.0,
                note="issue's floor 1.3×",
            ),
            Figure("build, peak RSS (process + workers)", run.peak_tree_mb, "MB"),
        ]
        if run.first_commit is not None:
            figures.append(
                Figure("build, start to first commit", run.first_commit, "s", at_most=2.0)
            )
        figures += live_figures(run)
        segments = run.final_segments()
        if segments is not None:
            figures.append(Figure("segments after the build and its merging", segments, "count"))

        # -- related and stories right after the build, cold processes --------------------
        # The build grouped nothing itself (more than a few hundred articles): it left a
        # process of its own grouping them. `related` answers meanwhile; `stories` waits.
        listing = subprocess.run(
            [*briefing, "list", "--library", LIBRARY, "--json"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        ids = [a["id"] for a in json.loads(listing.stdout)["articles"]]
        some_id = ids[len(ids) // 3]
        related = [*briefing, "related", some_id, "--library", LIBRARY]
        stories = [*briefing, "stories", "--library", LIBRARY]
        first_related = timed_run(related, env=env)[0]
        first_stories = builds[-1].returned or 0.0

        # -- no-change update ------------------------------------------------------------
        noop = statistics.median(
            timed_run([*briefing, "index", "--library", LIBRARY], env=env, repeat=3)
        )
        figures.append(
            Figure("no-change update, wall", noop, "s", "full build", run.wall, target_ratio=0.1)
        )

        # -- related and stories, cold processes ------------------------------------------
        reference = import_reference(env)
        ref_name = "`python -c 'import briefing.cli'`"
        # The first `stories` waits for the first grouping of the new library, which is
        # a cost of the build (done in the background after it, like the merging); the
        # 2 s target is for the stories kept on disk, which every later call reads.
        for label, command, first, first_limit, limit, note in (
            ("`briefing related ID`", related, first_related, 1.0, 1.0, ""),
            (
                "`briefing stories`",
                stories,
                first_stories,
                None,
                2.0,
                "run the moment the build returns: waits for the first grouping of the "
                "new library, which the build left to a process of its own",
            ),
        ):
            again = statistics.median(timed_run(command, env=env, repeat=3))
            figures.append(
                Figure(
                    f"{label}, first after the build",
                    first,
                    "s",
                    ref_name,
                    reference,
                    first_limit,
                    note=note,
                )
            )
            figures.append(
                Figure(f"{label}, next calls (median)", again, "s", ref_name, reference, limit)
            )

        # -- search in process -------------------------------------------------------------
        os.environ["BRIEFING_HOME"] = env["BRIEFING_HOME"]
        from briefing.engine.local import WhooshEngine
        from briefing.index.library import load_library

        engine = WhooshEngine(load_library(LIBRARY))
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
        scan_ms = statistics.median(scan) * 1000
        figures += [
            Figure(
                f"search p50, {len(queries)} queries, 20 hits + snippets + facets",
                statistics.median(ours) * 1000,
                "ms",
                "linear scan in memory, p50",
                scan_ms,
            ),
            Figure(
                "search p95",
                percentile(ours, 0.95) * 1000,
                "ms",
                "linear scan, p95",
                percentile(scan, 0.95) * 1000,
            ),
        ]

    print(f"corpus: {corpus} ({len(files)} files, {articles} articles indexed)")
    for f in figures:
        ref = f"{f.reference_name} {f.reference:.3g}" if f.reference is not None else ""
        ratio = f"ratio {f.ratio:.2f}" if f.ratio is not None else ""
        verdict = {True: "met", False: "MISSED", None: ""}[f.met]
        print(f"{f.name:<58} {f.value:9.3g} {f.unit:<5} {ref:<44} {ratio:<11} {verdict}")
    if not args.no_write and corpus == resolve_corpus("bbc"):
        write_section("bbc", figures, details)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
