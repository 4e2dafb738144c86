"""Watch a build from outside: wall time, memory of the whole process tree, and commits.

The build runs as a child process (the real ``briefing index``); this process samples
the resident memory of the child and all its workers every 100 ms and polls the index
folder for new commits (Whoosh writes one ``_MAIN_<generation>.toc`` per commit), so the
figures need no hook in the code being measured.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import resource
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from common import Figure, tree_rss_mb

COMPACTION_WAIT_SECONDS = 900

SAMPLE_SECONDS = 0.25
POLL_SECONDS = 0.1


@dataclass
class Commit:
    """One commit seen in the index folder."""

    at: float
    generation: int
    docs: int
    segments: int


@dataclass
class BuildRun:
    """What watching one build saw."""

    wall: float
    peak_tree_mb: float
    peak_single_mb: float
    commits: list[Commit] = field(default_factory=list)
    rss: list[tuple[float, float]] = field(default_factory=list)
    report: dict[str, object] = field(default_factory=dict)
    compacted: float | None = None
    """Seconds from the start until the merging the build left to a process in the
    background ended (None: it left none)."""
    peak_compact_mb: float = 0.0
    """That process's peak memory, with its workers."""
    returned: float | None = None
    """What ``on_return`` measured the moment the command returned (None: not asked)."""

    @property
    def first_commit(self) -> float | None:
        """Seconds from the start to the first commit holding articles."""
        first = next((c for c in self.commits if c.docs > 0), None)
        return None if first is None else first.at

    @property
    def all_searchable(self) -> float | None:
        """Seconds from the start to the first commit holding every article; what the
        build does after it (merging segments) changes no search's results."""
        final = max((c.docs for c in self.commits), default=0)
        if not final:
            return None
        return next(c.at for c in self.commits if c.docs == final)

    @property
    def longest_gap(self) -> float | None:
        """The longest time between two commits while articles were being added (from
        the first commit holding articles to the one holding them all)."""
        end = self.all_searchable
        if end is None:
            return None
        times = [c.at for c in self.commits if c.docs > 0 and c.at <= end]
        return max((b - a for a, b in itertools.pairwise(times)), default=0.0)

    @property
    def longest_merge_gap(self) -> float | None:
        """The longest time between commits after every article was searchable (or the
        end of the build): the merging of segments."""
        end = self.all_searchable
        if end is None:
            return None
        last = self.wall if self.compacted is None else self.compacted
        times = [end, *(c.at for c in self.commits if c.at > end), last]
        return max(b - a for a, b in itertools.pairwise(times))

    def rss_at(self, fraction: float) -> float | None:
        """Tree memory when the committed articles first reached ``fraction`` of the final
        count (the peak of the samples up to then, so a spike between samples counts)."""
        final = max((c.docs for c in self.commits), default=0)
        if not final:
            return None
        when = next((c.at for c in self.commits if c.docs >= fraction * final), self.wall)
        upto = [mb for at, mb in self.rss if at <= when + SAMPLE_SECONDS]
        return max(upto) if upto else None

    def final_segments(self) -> int | None:
        """Segments in the last commit seen."""
        return self.commits[-1].segments if self.commits else None


def read_commit(index_dir: Path) -> tuple[int, int, int] | None:
    """(generation, documents, segments) of the newest commit in an index folder."""
    from whoosh import index as whoosh_index
    from whoosh.filedb.filestore import FileStorage

    try:
        tocs = [p.name for p in index_dir.glob("_MAIN_*.toc")]
        if not tocs:
            return None
        storage = FileStorage(str(index_dir))
        ix = whoosh_index.FileIndex(storage, indexname="MAIN")
        toc = ix._read_toc()
        return toc.generation, sum(s.doc_count() for s in toc.segments), len(toc.segments)
    except Exception:  # a TOC being replaced under us: the next poll reads the new one
        return None


def watch_build(
    command: Sequence[str],
    env: dict[str, str],
    index_dir: Path,
    on_return: Callable[[], float] | None = None,
) -> BuildRun:
    """Run a build command to the end while sampling memory and commits.

    ``on_return`` runs the moment the command returns, before the merging it left to
    the background is followed (what a user does next, while that process works).
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.monotonic()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    rss: list[tuple[float, float]] = []
    commits: list[Commit] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            rss.append((time.monotonic() - started, tree_rss_mb(child.pid)))
            done.wait(SAMPLE_SECONDS)

    def poll() -> None:
        seen, listed = -1, ""
        while not done.is_set():
            # Listing the folder is cheap; the TOC is read only when a commit changed it.
            tocs = " ".join(sorted(p.name for p in index_dir.glob("_MAIN_*.toc")))
            if tocs != listed:
                found = read_commit(index_dir)
                if found is not None and found[0] != seen:
                    listed, seen = tocs, found[0]
                    commits.append(Commit(time.monotonic() - started, *found))
            done.wait(POLL_SECONDS)

    threads = [threading.Thread(target=sample), threading.Thread(target=poll)]
    for thread in threads:
        thread.start()
    out, _ = child.communicate()
    wall = time.monotonic() - started
    done.set()
    for thread in threads:
        thread.join()
    last = read_commit(index_dir)
    if last is not None and (not commits or commits[-1].generation != last[0]):
        commits.append(Commit(wall, *last))
    if child.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command)} exited {child.returncode}")
    single = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    report: dict[str, object] = {}
    with contextlib.suppress(ValueError):
        report = json.loads(out)
    compacted, peak_compact = None, 0.0
    background = _background_pid(command) if report.get("compaction_due") else None
    returned = on_return() if on_return is not None else None
    if background is not None:
        compacted, peak_compact = _follow(background, started, index_dir, commits)
    return BuildRun(
        wall=wall,
        peak_tree_mb=max((mb for _, mb in rss), default=0.0),
        # ru_maxrss is the largest single child seen so far, in kB; earlier children
        # (a smaller one) cannot hide this build's.
        peak_single_mb=max(single, before) / 1024,
        commits=commits,
        rss=rss,
        report=report,
        compacted=compacted,
        peak_compact_mb=peak_compact,
        returned=returned,
    )


def _background_pid(command: Sequence[str]) -> int | None:
    """The process a build left merging its segments (`briefing index --background`
    for the same library), if it is still running."""
    library = command[command.index("--library") + 1] if "--library" in command else None
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().decode(errors="replace").split("\0")
        except OSError:
            continue
        if "--background" in args and "index" in args and (library is None or library in args):
            return int(entry.name)
    return None


def _follow(
    pid: int, started: float, index_dir: Path, commits: list[Commit]
) -> tuple[float | None, float]:
    """Watch the background merging to its end (the index down to TARGET_SEGMENTS, or
    the process gone): its commits and its memory. Returns when it ended (seconds from
    the build's start) and its peak memory. The stories it may group next are not
    waited for."""
    from briefing.index.compact import TARGET_SEGMENTS

    peak = 0.0
    deadline = time.monotonic() + COMPACTION_WAIT_SECONDS
    seen = commits[-1].generation if commits else -1
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if (Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][:1]) == "Z":
                break
        peak = max(peak, tree_rss_mb(pid))
        found = read_commit(index_dir)
        if found is not None and found[0] != seen:
            seen = found[0]
            commits.append(Commit(time.monotonic() - started, *found))
            if found[2] <= TARGET_SEGMENTS:
                return commits[-1].at, peak
        time.sleep(POLL_SECONDS)
    else:
        if Path(f"/proc/{pid}").exists():
            return None, peak  # still going: no figure
    ended = time.monotonic() - started
    found = read_commit(index_dir)
    if found is not None and found[0] != seen:
        commits.append(Commit(ended, *found))
    return ended, peak


def live_figures(run: BuildRun, at_most: float | None = None) -> list[Figure]:
    """When a build's articles became searchable, and how it went on after that.

    ``at_most`` is the target on the longest gap between commits while articles are
    added ("every few seconds" read as at most that many). The merging that follows
    rewrites segments without changing what any search finds, in longer steps.
    """
    figures: list[Figure] = []
    if run.longest_gap is not None:
        figures.append(
            Figure(
                "build, longest gap between commits while articles are added",
                run.longest_gap,
                "s",
                at_most=at_most,
                note=f"“every few seconds” read as ≤ {at_most:g} s" if at_most else "",
            )
        )
    searchable, merge_gap = run.all_searchable, run.longest_merge_gap
    if searchable is not None and merge_gap is not None:
        figures.append(
            Figure(
                "build, every article searchable",
                searchable,
                "s",
                "the build's wall",
                run.wall,
            )
        )
        figures.append(
            Figure(
                "build, then merging segments: longest step (search finds the same)",
                merge_gap,
                "s",
            )
        )
    if run.compacted is not None:
        figures += [
            Figure(
                "merging left to the background: done, from the build's end",
                run.compacted - run.wall,
                "s",
                "the build's wall",
                run.wall,
            ),
            Figure(
                "merging in the background: peak RSS (process + workers)", run.peak_compact_mb, "MB"
            ),
        ]
    return figures
