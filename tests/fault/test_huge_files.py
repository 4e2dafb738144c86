"""A 50 MB article and 10 MB of random words in a folder of ordinary files.

What must happen: indexing the folder takes bounded time and memory, the big files are
capped with a warning that says so (the text past 2 MB, the words past 50,000
distinct ones), the other files of the batch are indexed as usual, and searching,
or finding the matches in the capped article, stays fast.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefing.corpus.ingest import MAX_BODY_CHARS, MAX_DISTINCT_WORDS
from briefing.engine.local import WhooshEngine
from briefing.index.library import load_library
from tests.conftest import REPO
from tests.fault.helpers import run_child

# Measured on the 2-core machine (CPU time, so other load does not count): indexing
# 8.7 s with a peak of 190 MB resident for the whole briefing process; the search
# 0.06 s; the matches in the capped 2 MB article 0.9 s (it is analysed whole). The
# bounds are about three times that (half a second for the search): a return of the
# minute-long indexing of random words, or of the 270 s snippets, fails.
MAX_INDEX_CPU_SECONDS = 30
MAX_PEAK_MB = 600
MAX_SEARCH_CPU_SECONDS = 0.5
MAX_MATCHES_CPU_SECONDS = 3.0

# Runs the real `briefing` command, then reports its own CPU time and peak memory
# (a child's own figures: RUSAGE_CHILDREN of this process would mix in other tests).
_MEASURED = """
import json, resource, sys
from briefing import cli
code = cli.main(sys.argv[1:])
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"code": code, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_mb": usage.ru_maxrss / 1024}), file=sys.stderr)
"""

SMALL = {
    f"brief{n}.txt": f"Brief {n}\n\nA drone was seen over field {n} on Tuesday, officials said.\n"
    for n in range(3)
}


def _huge_article(path: Path, megabytes: int) -> None:
    """A long article of plausible words, every paragraph different."""
    rng = random.Random(50)
    vocabulary = [
        "".join(rng.choice("etaoinshrdlucmfwyp") for _ in range(rng.randint(2, 9)))
        for _ in range(3000)
    ]
    bodies = [" ".join(rng.choices(vocabulary, k=80)) for _ in range(64)]
    with path.open("w", encoding="utf-8") as out:
        out.write("A very long report\n\nMarch 4, 2024\n\n")
        written, n = 0, 0
        while written < megabytes * 1024 * 1024:
            paragraph = f"Paragraph {n}: the drone {bodies[n % 64]}.\n\n"
            out.write(paragraph)
            written += len(paragraph)
            n += 1


def _random_words(path: Path, megabytes: int) -> None:
    """Random letters in words of random length: nearly every word distinct."""
    letters = bytes(range(ord("a"), ord("z") + 1)) * 9  # 234 byte values → letters
    table = letters + b" " * 20 + b"\n" * 2
    data = random.Random(10).randbytes(megabytes * 1024 * 1024).translate(table)
    path.write_bytes(b"Random words\n\n" + data)


@pytest.mark.slow
def test_huge_files_are_capped_and_the_batch_goes_on(tmp_path: Path) -> None:
    """A folder with a 50 MB article, 10 MB of random words and three briefs indexes
    within the time and memory bounds; each big file becomes one capped article with
    its warning, the briefs are indexed whole, and search and matches stay fast."""
    folder = tmp_path / "big"
    folder.mkdir()
    _huge_article(folder / "huge.txt", 50)
    _random_words(folder / "random.txt", 10)
    for name, text in SMALL.items():
        (folder / name).write_text(text, encoding="utf-8")

    child = run_child(_MEASURED, "--library", "big", "index", str(folder), "--json")
    measured = json.loads(child.stderr.strip().splitlines()[-1])
    assert measured["code"] == 0, child.stderr
    assert measured["cpu"] < MAX_INDEX_CPU_SECONDS, measured
    assert measured["peak_mb"] < MAX_PEAK_MB, measured
    report = json.loads(child.stdout)
    assert (report["total_articles"], report["skipped"]) == (5, [])

    engine = WhooshEngine(load_library("big"))
    articles = {a.id.rsplit("/", 1)[-1]: a for a in engine.articles()}
    assert sorted(articles) == sorted(["huge.txt", "random.txt", *SMALL])
    huge, noise = articles["huge.txt"], articles["random.txt"]
    assert MAX_BODY_CHARS // 2 < len(huge.body) <= MAX_BODY_CHARS
    assert "text capped at 2 MB" in huge.warnings
    assert huge.title == "A very long report" and huge.published is not None
    assert len(set(noise.body.split())) <= MAX_DISTINCT_WORDS
    assert f"text capped at {MAX_DISTINCT_WORDS:,} distinct words" in noise.warnings
    for name, text in SMALL.items():
        assert articles[name].body in text and not articles[name].warnings

    started = time.thread_time()
    result = engine.search("drone")
    assert time.thread_time() - started < MAX_SEARCH_CPU_SECONDS
    assert {h.id.rsplit("/", 1)[-1] for h in result.hits} == {"huge.txt", *SMALL}
    started = time.thread_time()
    matches = engine.matches(huge.id, "drone")
    assert time.thread_time() - started < MAX_MATCHES_CPU_SECONDS
    assert len(matches.body) > 1000


def test_big_file_is_skipped_with_a_reason_and_the_batch_goes_on(tmp_path: Path) -> None:
    """A file over the 64 MB reading limit is skipped with a one-line reason, without
    being read; the rest of the folder is indexed."""
    folder = tmp_path / "big"
    folder.mkdir()
    with (folder / "enormous.txt").open("wb") as sparse:
        sparse.truncate(65 * 1024 * 1024)  # sparse: no time spent writing it
    for name, text in SMALL.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "briefing", "--library", "big", "index", str(folder), "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        # A guard against a hang only: what is bounded is the child's CPU time, which
        # a loaded machine does not change; its wall-clock time can be many times more.
        timeout=900,
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["total_articles"] == 3
    ((skip),) = report["skipped"]
    assert skip["path"].endswith("enormous.txt") and "larger than 64 MB" in skip["reason"]
