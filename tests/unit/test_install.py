"""What an install can get wrong: the wheel's contents, a stock-pip install, a missing library.

The wheel is built once per session; the stock-pip test installs it, with its real
dependencies, into a fresh venv whose pip is the one Python bundles, never upgraded.
"""

from __future__ import annotations

import ensurepip
import fcntl
import importlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from briefing.cli import main
from briefing.corpus.formats import MissingLibrary, common, read_drafts
from briefing.index.library import load_library
from briefing.index.store import IndexStore
from tests.conftest import REPO, write_files

HTML_CLEAN = "lxml_html_clean"
MISSING_HTML_CLEAN = (
    "HTML pages cannot be read: the package lxml_html_clean is missing "
    "(pip install lxml_html_clean)"
)
PAGE = (
    "<html><head><title>Quake hits northern coast</title></head><body><article>"
    "<p>A magnitude 6.1 earthquake struck off the northern coast on Monday.</p>"
    "</article></body></html>"
)
FEED = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
    "<item><title>One</title><description>Text one.</description></item></channel></rss>"
)
# A saved page of the shared corpus, its title and a sentence of its article.
SAVED_PAGE = "html/trafilatura/reuters.com.parasite.html"
SAVED_TITLE = "'Parasite' scores historic upset at SAG awards"
SAVED_SENTENCE = "was the first film in a foreign language to win the top prize"


# --- the wheel -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built once per session, by one xdist worker for all."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # this session's folder, shared by its workers
    folder = root / "wheel"
    folder.mkdir(exist_ok=True)
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not list(folder.glob("briefing-*.whl")):
            subprocess.run(
                [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(folder), REPO],
                check=True,
                capture_output=True,
            )
    (built,) = folder.glob("briefing-*.whl")
    return built


def _clean_env(**extra: str) -> dict[str, str]:
    # The test's own venv and import path must not leak into the installed command.
    env = {
        k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
    }
    return {**env, **extra}


def test_wheel_ships_data_and_runs_from_elsewhere(wheel: Path, tmp_path: Path) -> None:
    """A non-editable install finds the bundled corpus and themes from another directory."""
    names = zipfile.ZipFile(wheel).namelist()
    samples = [n for n in names if n.startswith("briefing/_data/sample_corpus/")]
    themes = [n for n in names if n.startswith("briefing/_data/themes/")]
    assert len(samples) == 5
    assert len(themes) >= 3
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", target, wheel],
        check=True,
        capture_output=True,
    )
    env = _clean_env(PYTHONPATH=str(target), BRIEFING_HOME=str(tmp_path / "home"))
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


@pytest.mark.slow
def test_stock_pip_install_reads_a_saved_web_page(
    request: pytest.FixtureRequest, corpora: Path, tmp_path: Path
) -> None:
    """`python -m venv` and its bundled pip, not upgraded: the HTML reader has what it needs.

    Slow (20 to 45 s, nearly all of it the old pip resolving the real dependencies from
    the package index, link by link): it is the one test of what pipx users and
    packagers get, which an upgraded pip would hide.
    """
    venv = tmp_path / "venv"
    # The venv (with its bundled pip) is made while the wheel is built.
    making = subprocess.Popen(
        [sys.executable, "-m", "venv", venv], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    wheel: Path = request.getfixturevalue("wheel")
    _, err = making.communicate(timeout=300)
    assert making.returncode == 0, err.decode(errors="replace")
    python, env = venv / "bin" / "python", _clean_env(BRIEFING_HOME=str(tmp_path / "home"))

    def run(*args: str | Path) -> str:
        done = subprocess.run(
            args, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    # The pip that Python bundles (ensurepip's), as `python -m venv` installs it.
    assert run(python, "-m", "pip", "--version").startswith(f"pip {ensurepip.version()} ")
    run(python, "-m", "pip", "install", "-q", "--no-compile", wheel)
    pages = tmp_path / "pages"
    pages.mkdir()
    shutil.copy(corpora / SAVED_PAGE, pages)
    briefing = venv / "bin" / "briefing"
    report = json.loads(run(briefing, "index", "--library", "wire", pages, "--json"))
    assert (report["added"], report["skipped"], report["notices"]) == (1, [], [])
    (article,) = json.loads(run(briefing, "list", "--library", "wire", "--json"))["articles"]
    assert article["title"].startswith(SAVED_TITLE)
    assert SAVED_SENTENCE in run(briefing, "show", "--library", "wire", article["id"])


# --- a reader's library missing ---------------------------------------------------------


class Modules:
    """Hides installed modules from the import system, and puts them back."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._saved = dict(sys.modules)
        self._monkeypatch = monkeypatch
        self.forget_failures()

    def forget_failures(self) -> None:
        """As a new process would: import failures are remembered per process."""
        self._monkeypatch.setattr(common, "_failed_imports", {})

    def uninstall(self, package: str, *dependents: str) -> None:
        """Make ``package`` look uninstalled, and its ``dependents`` not imported yet."""
        for name in list(sys.modules):
            if name.partition(".")[0] in (package, *dependents) or name in dependents:
                del sys.modules[name]
        sys.modules[package] = None  # type: ignore[assignment]  # what import takes for absent

    def uninstall_html_clean(self) -> None:
        """What a stock pip 23.2 install of briefing 0.1.0 lacked."""
        self.uninstall(HTML_CLEAN, "trafilatura", "justext", "lxml.html.clean")

    def restore(self) -> None:
        """Every module as it was before the test (new ones dropped)."""
        for name in [n for n in sys.modules if n not in self._saved]:
            del sys.modules[name]
        sys.modules.update(self._saved)
        self.forget_failures()


@pytest.fixture
def modules(monkeypatch: pytest.MonkeyPatch) -> Iterator[Modules]:
    hider = Modules(monkeypatch)
    try:
        yield hider
    finally:
        hider.restore()


def test_missing_html_library_is_one_line_naming_the_package(
    tmp_path: Path, modules: Modules, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The real failure: justext's `from lxml.html.clean import Cleaner` raises lxml's own
    # ImportError ("now a separate project"), which hides the missing module's name.
    modules.uninstall_html_clean()
    page = write_files(tmp_path, {"a.html": PAGE}) / "a.html"
    imports: list[str] = []
    real_import = importlib.import_module

    def counting(name: str, package: str | None = None) -> Any:
        imports.append(name)
        return real_import(name, package)

    monkeypatch.setattr(importlib, "import_module", counting)
    for _ in range(3):
        with pytest.raises(MissingLibrary) as caught:
            read_drafts(page.read_bytes(), page)
        assert str(caught.value) == MISSING_HTML_CLEAN
    # Tried once: a thousand pages do not each import trafilatura again.
    assert imports == ["trafilatura"]


def test_missing_feed_library_names_the_package(tmp_path: Path, modules: Modules) -> None:
    modules.uninstall("feedparser")
    feed = write_files(tmp_path, {"a.rss": FEED}) / "a.rss"
    with pytest.raises(MissingLibrary, match=r"^News feeds cannot be read: the package "):
        read_drafts(feed.read_bytes(), feed)
    with pytest.raises(MissingLibrary) as caught:
        read_drafts(feed.read_bytes(), feed)
    assert str(caught.value) == (
        "News feeds cannot be read: the package feedparser is missing (pip install feedparser)"
    )


def test_broken_library_says_what_failed(
    tmp_path: Path, modules: Modules, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Installed but of a mismatched version: not "missing", and the cause is kept.
    def broken(name: str, package: str | None = None) -> Any:
        raise ImportError("cannot import name 'x' from 'sgmllib'", name="sgmllib")

    monkeypatch.setattr(importlib, "import_module", broken)
    feed = write_files(tmp_path, {"a.rss": FEED}) / "a.rss"
    with pytest.raises(MissingLibrary) as caught:
        read_drafts(feed.read_bytes(), feed)
    assert str(caught.value) == (
        "News feeds cannot be read: feedparser does not load (cannot import name 'x' from "
        "'sgmllib'; pip install --upgrade feedparser)"
    )


def test_index_reports_a_missing_library_once_and_reads_the_pages_once_installed(
    tmp_path: Path, modules: Modules, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_files(
        tmp_path / "pages",
        {
            "a.html": PAGE,
            "b.html": PAGE.replace("Monday", "Tuesday"),
            "c.txt": "A title\n\nThe text of a plain article, read without any library.\n",
        },
    )
    library = load_library("wire")
    library.add([folder])
    library.save()
    store = IndexStore(library)
    modules.uninstall_html_clean()
    report = store.update()
    assert report.notices == [f"{MISSING_HTML_CLEAN}; 2 files skipped"]
    assert [(Path(p.path).name, p.reason) for p in report.skipped] == [
        ("a.html", MISSING_HTML_CLEAN),
        ("b.html", MISSING_HTML_CLEAN),
    ]
    assert report.added == 1
    # The command line says it once, as a note, and never a bare exception name.
    assert main(["index", "--library", "wire"]) == 0
    out = capsys.readouterr().out
    assert out.count(f"note: {MISSING_HTML_CLEAN}; 2 files skipped\n") == 1
    assert "ImportError" not in out
    # Once the library is installed, the next run reads the pages, unchanged as they are.
    modules.restore()
    report = store.update()
    assert (report.added, report.skipped, report.notices) == (2, [], [])
    assert report.total_articles == 3
