"""What the fault tests share: a library to break, a child process to kill, the CLI
run in-process, and taking root's power to ignore file modes away.

The tests run as root here (and in CI). Root ignores file modes, so ``chmod 0444``
alone would prove nothing: :func:`without_root_rights` runs code in a thread whose
effective capabilities lack CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and CAP_FOWNER, so
the modes apply to it as to any user (capabilities are per thread on Linux; the
thread ends, the test process keeps its rights). As an ordinary user nothing needs
dropping. ``chattr +i`` would also work on ext4 but not on tmpfs or overlay file
systems, and a read-only bind mount needs privileges a container may lack.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from briefing import cli
from briefing.index.library import Library, load_library
from briefing.notes.store import NoteStore
from tests.conftest import REPO, SAMPLE

T = TypeVar("T")

SAMPLE_IDS = sorted(f"corpus/{p.name}" for p in SAMPLE.glob("*.txt"))


def sample_library(tmp_path: Path, name: str = "t") -> Library:
    """A library over a copy of the sample corpus (its articles can be changed freely)."""
    folder = shutil.copytree(SAMPLE, tmp_path / "corpus")
    library = load_library(name)
    library.add([folder])
    library.save()
    return library


def add_notes(library: Library, count: int = 3) -> list[str]:
    """Notes in the library's notes database; their comments."""
    comments = [f"note {n}: the count differs" for n in range(count)]
    with NoteStore.open(library.notes_path) as store:
        store.set_title("Strikes")
        for comment in comments:
            store.add("question", comment, tags=["fault"])
    return comments


def listed_comments(library: Library) -> list[str]:
    """The comments of the notes the store lists now."""
    with NoteStore.open(library.notes_path) as store:
        return [n.comment for n in store.list()]


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path → bytes): to prove nothing changed."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``briefing ARGS`` in this process: exit code, stdout, stderr."""
    capsys.readouterr()
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def run_child(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``script`` in a new Python process, with this test's data directory."""
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=REPO,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        # A guard against a hang only: what is bounded is the child's CPU time, which
        # a loaded machine does not change; its wall-clock time can be many times more.
        timeout=900,
    )


def one_line_error(code: int, err: str) -> str:
    """Assert the CLI failed with exit 1 and one line on stderr; return that line."""
    assert code == 1, err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("briefing: error: "), err
    return lines[0]


# -- file modes that apply to root too ------------------------------------------------

_CAP_VERSION_3 = 0x20080522
# CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER (linux/capability.h)
_FILE_MODE_CAPS = (1, 2, 3)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def _drop_file_mode_caps() -> None:
    """Make file modes apply to the calling thread, even as root (this thread only)."""
    libc = ctypes.CDLL(None, use_errno=True)
    header = _CapHeader(_CAP_VERSION_3, 0)
    data = (_CapData * 2)()
    if libc.capget(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capget failed")
    mask = 0xFFFFFFFF
    for cap in _FILE_MODE_CAPS:
        mask &= ~(1 << cap)
    data[0].effective &= mask
    data[0].permitted &= mask
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset failed")


def without_root_rights(call: Callable[[], T]) -> T:
    """``call()`` as a user whom file modes bind (see the module docstring)."""
    if os.geteuid() != 0:
        return call()
    result: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            _drop_file_mode_caps()
            result.append(call())
        except BaseException as exc:  # handed to the test's thread
            failure.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return result[0]


def read_only(*paths: Path) -> None:
    """Take the write permission away from ``paths`` (files and folders, recursively)."""
    for top in paths:
        for path in [top, *(top.rglob("*") if top.is_dir() else [])]:
            path.chmod(path.stat().st_mode & ~0o222)


def writable(*paths: Path) -> None:
    """Give the owner write permission back (so that pytest can clean up)."""
    for top in paths:
        for path in [top, *(top.rglob("*") if top.is_dir() else [])]:
            path.chmod(path.stat().st_mode | 0o200)
