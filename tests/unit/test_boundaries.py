"""The layers hold: the core never imports textual, and the import contracts are kept
(the wheel's tests are in test_install.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
    "briefing.engine.web",
    "briefing.web.updates",
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


def test_the_import_contracts_hold() -> None:
    """The layers of pyproject.toml's import-linter contracts: the core and the engine
    never import the UI, the CLI or Textual; the CLI and the UI reach the core only
    through ``briefing.engine`` and the models."""
    lint = Path(sys.executable).with_name("lint-imports")
    out = subprocess.run(
        [str(lint), "--no-cache"], capture_output=True, text=True, check=False, cwd=REPO
    )
    assert out.returncode == 0, out.stdout[-3000:]
    assert "Contracts: 2 kept, 0 broken." in out.stdout
