"""The benchmark harness's bookkeeping: verdicts, percentiles, sections, build timelines.

No timings here: these check that the harness judges and records figures correctly.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import buildwatch
import common


def test_a_figure_is_judged_by_its_limit_or_by_its_ratio() -> None:
    absolute = common.Figure("search p95", 60.0, "ms", "bare", 20.0, at_most=50)
    assert absolute.ratio == pytest.approx(3.0)
    assert absolute.met is False
    relative = common.Figure("build", 12.0, "s", "bare", 10.0, target_ratio=1.3)
    assert relative.met is True
    assert relative.target_text() == "≤ 1.3× reference"
    assert common.Figure("segments", 3, "count").met is None
    assert common.Figure("x", 1.0, "s", "nothing", 0.0).ratio is None


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 21)]
    assert common.percentile(values, 0.95) == 19.0
    assert common.percentile(values, 0.5) == 10.0
    assert common.percentile([7.0], 0.95) == 7.0
    assert common.percentile(values, 1.0) == 20.0


def test_writing_a_section_keeps_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(common, "RESULTS_JSON", tmp_path / "results.json")
    monkeypatch.setattr(common, "RESULTS_MD", tmp_path / "results.md")
    common.write_section("42k", [common.Figure("search p95", 80.0, "ms", at_most=50)], {})
    common.write_section(
        "bbc", [common.Figure("build", 9.0, "s", "bare Whoosh", 10.0, target_ratio=1.0)], {}
    )
    common.write_section(
        "bbc", [common.Figure("build", 14.0, "s", "bare Whoosh", 10.0, target_ratio=1.0)], {}
    )
    data = json.loads((tmp_path / "results.json").read_text())
    assert list(data["sections"]) == ["bbc", "42k"]
    assert [f["value"] for f in data["sections"]["bbc"]["figures"]] == [14.0]
    assert data["sections"]["bbc"]["figures"][0]["met"] is False
    assert data["sections"]["42k"]["machine"]["cores"]
    text = (tmp_path / "results.md").read_text()
    assert "| build | 14.0 s | ≤ 1× reference | bare Whoosh: 10.0 s | 1.40 | **missed** |" in text
    assert "| search p95 | 80.0 ms | ≤ 50.0 ms | — | — | **missed** |" in text


def test_a_build_timeline_gives_first_commit_gaps_and_memory_by_progress() -> None:
    run = buildwatch.BuildRun(
        wall=10.0,
        peak_tree_mb=300.0,
        peak_single_mb=250.0,
        commits=[
            buildwatch.Commit(0.2, 1, 0, 0),  # the empty index: not a batch
            buildwatch.Commit(1.5, 2, 100, 1),
            buildwatch.Commit(2.5, 3, 250, 2),
            buildwatch.Commit(7.0, 4, 400, 2),
        ],
        rss=[(0.0, 50.0), (1.0, 120.0), (2.0, 200.0), (3.0, 180.0), (9.9, 300.0)],
    )
    assert run.first_commit == 1.5
    assert run.longest_gap == pytest.approx(4.5)
    assert run.rss_at(0.25) == 120.0  # 100 of 400 committed at 1.5 s
    assert run.rss_at(0.5) == 200.0  # 250 ≥ 200 at 2.5 s: the peak up to then
    assert run.rss_at(1.0) == 200.0
    assert run.final_segments() == 2


def test_a_commit_is_read_from_the_index_folder(tmp_path: Path) -> None:
    from whoosh import index
    from whoosh.fields import ID, Schema

    assert buildwatch.read_commit(tmp_path) is None
    ix = index.create_in(str(tmp_path), Schema(id=ID(stored=True)))
    for batch in (["a", "b"], ["c"]):
        writer = ix.writer()
        for name in batch:
            writer.add_document(id=name)
        writer.commit()
    generation, docs, segments = buildwatch.read_commit(tmp_path) or (0, 0, 0)
    assert (docs, segments) == (3, 2)
    assert generation == ix.latest_generation()
