"""Files briefing cannot use: a corrupt notes database, read-only notes, a read-only data
directory, a full disk during an export or a note save.

What must happen: the command that needs the file fails with exit code 1 and one
line on stderr that names the file and the cause, never a traceback; nothing is
overwritten, repaired, deleted or lost; commands that do not need the file still
work. Read-only cases drop root's power to ignore file modes (see helpers); a full
disk is a child process with a small ``RLIMIT_FSIZE`` and SIGXFSZ ignored, so that
its writes past the limit fail with EFBIG as on a full disk.
"""

from __future__ import annotations

import os
import random
import resource
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest

from briefing.engine.local import WhooshEngine
from briefing.index.library import Library
from briefing.notes.store import NoteStore, NotesUnavailable
from tests.conftest import REPO
from tests.fault.helpers import (
    SAMPLE_IDS,
    add_notes,
    files_of,
    listed_comments,
    one_line_error,
    read_only,
    run_cli,
    sample_library,
    without_root_rights,
    writable,
)


@pytest.fixture
def library(tmp_path: Path) -> Library:
    """The sample library, indexed, with four notes."""
    library = sample_library(tmp_path)
    WhooshEngine(library).update()
    add_notes(library, 4)
    return library


# -- a corrupt notes database ----------------------------------------------------------


def _garbage(path: Path) -> None:
    path.write_bytes(b"this is not a database \x00\xff" * 200)


def _pages_garbled(path: Path) -> None:
    # The header (first 100 bytes) stays valid: SQLite opens the file and only its
    # integrity check finds the damage.
    data = bytearray(path.read_bytes())
    rng = random.Random(8)
    data[4096:] = rng.randbytes(len(data) - 4096)
    path.write_bytes(bytes(data))


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


CORRUPTIONS: dict[str, Callable[[Path], None]] = {
    "garbage": _garbage,
    "pages garbled": _pages_garbled,
    "truncated": _truncated,
}


@pytest.mark.parametrize("name", sorted(CORRUPTIONS))
def test_corrupt_notes_are_refused_and_left_alone(
    library: Library, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Listing, adding and exporting notes from a corrupt database each fail with one
    line naming the file; the file keeps its bytes and gains no companion files; the
    index and search, which do not need the notes, still work."""
    path = library.notes_path
    CORRUPTIONS[name](path)
    before = files_of(library.directory)

    for args in (
        ["notes"],
        ["notes", "add", "--kind", "summary", "--comment", "x"],
        ["export", "-o", str(path.parent.parent / "out.md")],
    ):
        line = one_line_error(*run_cli(capsys, "--library", "t", *args)[::2])
        assert str(path) in line

    assert files_of(library.directory) == before
    assert not (path.parent.parent / "out.md").exists()
    code, out, _ = run_cli(capsys, "--library", "t", "search", "strikes")
    assert code == 0 and "hits" in out
    assert run_cli(capsys, "--library", "t", "index")[0] == 0


def test_store_refuses_a_corrupt_file_without_writing(tmp_path: Path) -> None:
    """NoteStore.open refuses a file that is not a notes database with one line naming
    it, and writes nothing: no -wal or -shm file, the same bytes."""
    path = tmp_path / "notes.sqlite3"
    _garbage(path)
    garbage = path.read_bytes()
    with pytest.raises(NotesUnavailable, match=str(path)) as info:
        NoteStore.open(path)
    assert "\n" not in str(info.value)
    assert path.read_bytes() == garbage
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite3"]


# -- read-only notes and data directory ------------------------------------------------


def test_read_only_notes_file_can_be_read_not_written(
    library: Library,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A notes file without write permission: listing and exporting work, adding and
    deleting fail with one line saying it is read-only, and every note is kept."""
    comments = listed_comments(library)
    path = library.notes_path
    before = path.read_bytes()
    monkeypatch.chdir(tmp_path)
    read_only(path)
    try:
        code, out, err = without_root_rights(lambda: run_cli(capsys, "--library", "t", "notes"))
        assert code == 0, err
        assert all(c in out for c in comments)
        for args in (["notes", "add", "--kind", "summary", "--comment", "x"], ["notes", "rm", "1"]):
            code, _, err = without_root_rights(partial(run_cli, capsys, "--library", "t", *args))
            line = one_line_error(code, err)
            assert str(path) in line and "read-only" in line
        code, out, err = without_root_rights(lambda: run_cli(capsys, "--library", "t", "export"))
        assert code == 0, err
        assert (tmp_path / "briefing.md").read_text(encoding="utf-8").count("note ") == 4
    finally:
        writable(path)
    assert path.read_bytes() == before
    assert listed_comments(library) == comments


def test_read_only_library_folder_fails_cleanly(
    library: Library, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the library's folder read-only (its files still writable), every command
    that writes there, and the notes (SQLite writes beside its file even to read),
    fails with one line; search still works; no file in the folder changes."""
    before = files_of(library.directory)
    library.directory.chmod(0o555)
    try:
        for args in (
            ["notes"],
            ["notes", "add", "--kind", "summary", "--comment", "x"],
            ["export", "-o", str(tmp_path / "out.md")],
            ["index"],
        ):
            code, _, err = without_root_rights(partial(run_cli, capsys, "--library", "t", *args))
            one_line_error(code, err)
        code, out, err = without_root_rights(
            lambda: run_cli(capsys, "--library", "t", "search", "strikes")
        )
        assert code == 0 and "hits" in out, err
    finally:
        writable(library.directory)
    assert files_of(library.directory) == before
    assert not (tmp_path / "out.md").exists()


def test_read_only_data_directory(
    library: Library, briefing_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A data directory that is read-only throughout: search, list and show work from
    the index; indexing and the notes fail with one line each; nothing changes."""
    data = briefing_home / "data"
    before = files_of(data)
    read_only(data)
    try:

        def cli(*args: str) -> tuple[int, str, str]:
            return without_root_rights(lambda: run_cli(capsys, "--library", "t", *args))

        assert cli("search", "strikes")[0] == 0
        code, out, _ = cli("list")
        assert code == 0 and all(i in out for i in SAMPLE_IDS)
        assert cli("show", "003")[0] == 0
        for args in (["index"], ["notes"], ["notes", "add", "--kind", "summary", "--comment", "x"]):
            code, _, err = cli(*args)
            one_line_error(code, err)
    finally:
        writable(data)
    assert files_of(data) == before


def test_read_only_empty_data_directory(
    briefing_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A first run on a read-only data directory cannot build anything: one line that
    names the directory, exit 1."""
    data = briefing_home / "data"
    data.mkdir()
    read_only(data)
    try:
        code, _, err = without_root_rights(lambda: run_cli(capsys, "search", "strikes"))
    finally:
        writable(data)
    assert str(data) in one_line_error(code, err)
    assert list(data.iterdir()) == []


# -- a full disk -------------------------------------------------------------------------

FILE_LIMIT = 64 * 1024  # SQLite's shared-memory file alone needs 32 KB


def _disk_full() -> None:
    # In the child, before exec: writes past FILE_LIMIT fail with EFBIG instead of
    # killing the process with SIGXFSZ (an ignored signal stays ignored across exec).
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))


def _cli_on_full_disk(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing", "--library", "t", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"},
        preexec_fn=_disk_full,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def long_notes(tmp_path: Path) -> Library:
    """A library whose briefing is larger than FILE_LIMIT."""
    library = sample_library(tmp_path)
    with NoteStore.open(library.notes_path) as store:
        for n in range(60):
            store.add("summary", f"Point {n}: " + "the counts differ between outlets. " * 40)
    return library


@pytest.mark.parametrize("previous", [True, False], ids=["replacing", "new"])
def test_export_on_a_full_disk_keeps_the_previous_file(
    long_notes: Library, tmp_path: Path, previous: bool
) -> None:
    """An export that runs out of space fails with one line naming the file; the
    previous briefing (if any) keeps its bytes, and no temporary file is left."""
    out = tmp_path / "out"
    out.mkdir()
    target = out / "briefing.md"
    if previous:
        target.write_text("# The previous briefing\n", encoding="utf-8")
    child = _cli_on_full_disk(out, "export", "--force")
    line = one_line_error(child.returncode, child.stderr)
    assert str(target) in line and "nothing was overwritten" in line
    assert sorted(p.name for p in out.iterdir()) == (["briefing.md"] if previous else [])
    if previous:
        assert target.read_text(encoding="utf-8") == "# The previous briefing\n"


def test_note_save_on_a_full_disk_keeps_the_notes(long_notes: Library, tmp_path: Path) -> None:
    """A note too large for the space left fails with one line naming the notes file;
    the notes already saved are all there, and the next save that fits succeeds."""
    comments = listed_comments(long_notes)
    child = _cli_on_full_disk(
        tmp_path, "notes", "add", "--kind", "summary", "--comment", "x" * 100_000
    )
    line = one_line_error(child.returncode, child.stderr)
    assert str(long_notes.notes_path) in line
    assert listed_comments(long_notes) == comments
    with sqlite3.connect(long_notes.notes_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    fits = _cli_on_full_disk(tmp_path, "notes", "add", "--kind", "summary", "--comment", "short")
    assert fits.returncode == 0, fits.stderr
    assert listed_comments(long_notes) == [*comments, "short"]
