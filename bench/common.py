"""What the benchmarks share: corpora, process measurements, and the results files.

Every figure is written with its reference measured in the same run, the ratio between
them, and the target it is judged by. ``bench/results.json`` keeps one section per
benchmark (``bbc``, ``bbc-tui``, ``42k-build``, ``42k``), so that each can run alone and update only
its own rows; ``bench/results.md`` is rendered from all sections together.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
CORPORA = REPO.parent / "shared" / "corpora"
NAMED = {"bbc": CORPORA / "bbc", "reuters": CORPORA / "reuters21578"}
RESULTS_JSON = BENCH / "results.json"
RESULTS_MD = BENCH / "results.md"
SECTION_TITLES = {
    "bbc": "BBC (2,225 files): `make bench-bbc`",
    "bbc-tui": "BBC app event loop: `make bench-bbc`",
    "42k-build": "Building the 42k library (every corpus + 20 Newsgroups): `make bench-42k`",
    "42k": "Using the 42k library (every corpus + 20 Newsgroups): `make bench-42k`",
}


def resolve_corpus(name: str) -> Path | None:
    """``bbc``, ``reuters`` or a folder: the folder, or None when it is not there."""
    corpus = NAMED.get(name, Path(name))
    return corpus if corpus.is_dir() else None


def compile_package() -> None:
    """Compile briefing's modules to bytecode, as ``pip install .`` does when it installs
    them: ``make bench`` uses an editable install, and where PYTHONDONTWRITEBYTECODE is
    set (this machine sets it) every start would compile every module again, which a
    user's installed copy never does (0.3-0.4 s of each launch here)."""
    import compileall

    import briefing

    compileall.compile_dir(Path(briefing.__file__).parent, quiet=1)


def briefing_command() -> list[str]:
    """The ``briefing`` console script of this interpreter's environment."""
    script = Path(sys.executable).with_name("briefing")
    return [str(script)] if script.exists() else [sys.executable, "-m", "briefing"]


# -- figures -------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One measured figure, its reference from the same run, and its target.

    ``target`` is a limit on ``value`` (``at_most``) or, when ``target_ratio`` is set, on
    ``value / reference``. ``met`` is None when there is no target.
    """

    name: str
    value: float
    unit: str
    reference_name: str = ""
    reference: float | None = None
    at_most: float | None = None
    target_ratio: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        """The figure over its reference."""
        if self.reference is None or self.reference <= 0:
            return None
        return self.value / self.reference

    @property
    def met(self) -> bool | None:
        """Whether the target holds (None: no target)."""
        if self.target_ratio is not None:
            ratio = self.ratio
            return None if ratio is None else ratio <= self.target_ratio
        if self.at_most is not None:
            return self.value <= self.at_most
        return None

    def target_text(self) -> str:
        """The target as a table cell."""
        if self.target_ratio is not None:
            return f"≤ {self.target_ratio:g}× reference"
        if self.at_most is not None:
            return f"≤ {_number(self.at_most, self.unit)}"
        return "—"

    def to_json(self) -> dict[str, object]:
        """The figure with its derived ratio and verdict."""
        data: dict[str, object] = asdict(self)
        data["ratio"] = self.ratio
        data["met"] = self.met
        data["target"] = self.target_text()
        return data


def _number(value: float, unit: str) -> str:
    if unit == "ms":
        text = f"{value:.0f}" if value >= 100 else f"{value:.1f}"
    elif unit == "s":
        text = f"{value:.2f}" if value < 10 else f"{value:.1f}"
    elif unit == "count":
        return f"{value:,.0f}"
    elif unit == "MB":
        text = f"{value:,.0f}"
    else:
        text = f"{value:.3g}"
    return f"{text} {unit}".strip()


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank percentile (q in 0..1) of at least one value."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 1))))
    return ordered[rank - 1]


# -- the machine -----------------------------------------------------------------------


def machine() -> dict[str, object]:
    """CPU model, cores, RAM, Python, OS and the date: what the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    ram_mb = 0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_mb = int(line.split()[1]) // 1024
    except OSError:
        pass
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = -1.0
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_mb": ram_mb,
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "load_at_start": round(load, 2),
        "commit": _git_commit(),
    }


def _git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() or "unknown"


# -- process memory --------------------------------------------------------------------


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (worker processes count toward memory)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants together, in MB."""
    return sum(_status_kb(p, "VmRSS") for p in descendants(pid)) / 1024


def self_peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB."""
    return _status_kb(os.getpid(), "VmHWM") / 1024


def timed_run(
    command: Sequence[str], env: dict[str, str] | None = None, repeat: int = 1
) -> list[float]:
    """Wall-clock seconds of each of ``repeat`` runs of a command (which must succeed)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return times


# -- the results files -----------------------------------------------------------------


def write_section(section: str, figures: Sequence[Figure], details: dict[str, object]) -> None:
    """Replace one section of bench/results.json, keep the others, re-render results.md."""
    try:
        data = json.loads(RESULTS_JSON.read_text())
    except (OSError, ValueError):
        data = {}
    sections = data.get("sections", {})
    sections[section] = {
        "machine": machine(),
        "figures": [f.to_json() for f in figures],
        "details": details,
    }
    data = {"sections": dict(sorted(sections.items(), key=lambda kv: _order(kv[0])))}
    RESULTS_JSON.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    RESULTS_MD.write_text(render(data))
    print(f"bench: wrote section {section!r} to {RESULTS_JSON.name} and {RESULTS_MD.name}")


def _order(section: str) -> int:
    names = list(SECTION_TITLES)
    return names.index(section) if section in names else len(names)


def render(data: dict[str, object]) -> str:
    """bench/results.md: one table per section, each with the machine it ran on."""
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (both), `make bench-bbc` (BBC) and `make bench-42k` "
        "(the 42k library); do not edit.",
        "Every reference is measured in the same run; ratio = measured / reference.",
        "",
    ]
    sections = data.get("sections", {})
    assert isinstance(sections, dict)
    for name, section in sections.items():
        m = section["machine"]
        lines += [
            f"## {SECTION_TITLES.get(name, name)}",
            "",
            f"Run {m['date']} on {m['cpu']}, {m['cores']} cores, {m['ram_mb']:,} MB RAM, "
            f"Python {m['python']}, {m['os']}, load {m['load_at_start']} at start, "
            f"commit {m['commit']}.",
            "",
            "| figure | measured | target | reference (same run) | ratio | verdict |",
            "|---|---|---|---|---|---|",
        ]
        for f in section["figures"]:
            measured = _number(f["value"], f["unit"])
            if f["reference"] is not None:
                reference = f"{f['reference_name']}: {_number(f['reference'], f['unit'])}"
            else:
                reference = f["reference_name"] or "—"
            ratio = f"{f['ratio']:.2f}" if f["ratio"] is not None else "—"
            verdict = {True: "met", False: "**missed**", None: "—"}[f["met"]]
            if f["note"]:
                verdict += f" ({f['note']})"
            lines.append(
                f"| {f['name']} | {measured} | {f['target']} | {reference} | {ratio} | {verdict} |"
            )
        lines.append("")
    return "\n".join(lines)
