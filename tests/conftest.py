"""Shared fixtures: every test runs against its own data directory.

Tests that bound how long something takes (a regex bomb, a huge file) measure CPU time
of their own thread (``time.thread_time()``), never wall-clock time: a loaded machine
cannot make them fail. Wall-clock figures are the benchmarks' job (``bench/``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from tests.web_server import WebServer
from tests.web_server import start as start_web_server
from tests.web_server import stop as stop_web_server

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPORA = SHARED / "corpora"
SAMPLE = REPO / "sample_corpus"


def pytest_sessionstart(session: pytest.Session) -> None:
    """In CI the corpus tests must run, not skip: fail early if the corpora are missing."""
    if os.environ.get("CI") and not CORPORA.is_dir():
        raise pytest.UsageError(f"CI needs the shared corpora at {CORPORA}")


@pytest.fixture(autouse=True)
def briefing_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Point briefing's data and config directories at a fresh folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("BRIEFING_HOME", str(home))
    monkeypatch.setenv("BRIEFING_LOCK_TIMEOUT", "2")
    return home


@pytest.fixture
def corpora() -> Path:
    """The shared real corpora (read in place, never copied into the project)."""
    if not CORPORA.is_dir():
        pytest.skip(f"shared corpora not found at {CORPORA}")
    return CORPORA


def write_files(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Create ``files`` (relative path → text or bytes) under ``root``."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def web_server() -> Iterator[WebServer]:
    """A web server on 127.0.0.1 (see tests/web_server.py): the fetching tests' internet."""
    web, server, thread = start_web_server()
    try:
        yield web
    finally:
        stop_web_server(web, server, thread)
