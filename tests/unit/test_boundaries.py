"""The core never imports textual (the wheel's tests are in test_install.py)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO

CORE = [
    "briefing.corpus.ingest",
    "briefing.index.store",
    "briefing.engine.local",
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
