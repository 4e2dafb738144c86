"""Libraries by name or by folder, and the engine that serves one.

A library is a named set of folders and files; its index, stories and notes live in
its data folder (see :mod:`briefing.index.library`).
"""

from __future__ import annotations

import re
from pathlib import Path

from briefing.engine.local import WhooshEngine
from briefing.index.library import (
    DEFAULT_LIBRARY,
    Library,
    LibraryError,
    library_names,
    load_library,
)


def open_engine(
    library: Library, lock_timeout: float | None = None, build_on_open: bool = True
) -> WhooshEngine:
    """The local engine of ``library``.

    Args:
        library: The library.
        lock_timeout: How long a write waits for another writer (None: the default).
        build_on_open: Whether a read builds a missing index first (the CLI); the app
            leaves building to its worker, so that no search waits for a build.
    """
    return WhooshEngine(library, lock_timeout=lock_timeout, build_on_open=build_on_open)


def library_for_path(path: Path) -> Library:
    """The library that holds exactly this folder, or a new one named after it.

    Raises:
        LibraryError: ``path`` does not exist.
    """
    path = path.expanduser()
    if not path.exists():
        raise LibraryError(f"no such file or folder: {path}")
    resolved = path.resolve()
    for name in library_names():
        library = load_library(name)
        # Its own folder of fetched pages and feed items aside.
        folders = [e.resolved().resolve() for e in library.entries if not e.is_web]
        if folders == [resolved]:
            return library
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", resolved.name).strip("-.") or "library"
    base = base[:48]
    taken = set(library_names()) | {DEFAULT_LIBRARY}
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    library = Library(name)
    library.add([resolved])
    library.save()
    return library
