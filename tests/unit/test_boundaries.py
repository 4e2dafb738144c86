"""The core never imports textual; the wheel ships the sample corpus and the themes."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO

CORE = [
    "briefing.corpus.ingest",
    "briefing.index.store",
    "briefing.search.engine",
    "briefing.search.searcher",
    "briefing.cli",
    "briefing.compare.engine",
    "briefing.compare.stories",
    "briefing.notes.store",
    "briefing.export.writer",
]


def test_core_never_imports_textual() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in CORE)
        + "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        + "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert out.stdout.strip() == ""


def test_core_sources_do_not_mention_textual() -> None:
    for package in ("corpus", "index", "search", "compare", "notes", "export"):
        folder = REPO / "briefing" / package
        for path in folder.rglob("*.py") if folder.is_dir() else []:
            text = path.read_text(encoding="utf-8")
            assert "import textual" not in text and "from textual" not in text, path


def test_wheel_ships_data_and_runs_from_elsewhere(tmp_path: Path) -> None:
    """A non-editable install finds the bundled corpus and themes from another directory."""
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(REPO)],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("briefing-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    samples = [n for n in names if n.startswith("briefing/_data/sample_corpus/")]
    themes = [n for n in names if n.startswith("briefing/_data/themes/")]
    assert len(samples) == 5
    assert len(themes) >= 3
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(target), "BRIEFING_HOME": str(tmp_path / "home")}
    out = subprocess.run(
        [sys.executable, "-m", "briefing", "search", '"precision strikes"', "--json"],
        capture_output=True,
        text=True,
        cwd="/tmp",
        env=env,
        check=True,
    )
    assert '"total": ' in out.stdout
    paths = subprocess.run(
        [sys.executable, "-c", "import briefing.locations as l; print(l.sample_corpus_dir())"],
        capture_output=True,
        text=True,
        cwd="/tmp",
        env=env,
        check=True,
    )
    assert paths.stdout.strip().startswith(str(target))
