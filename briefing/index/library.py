"""Libraries: a named set of folders (and files) with its own index cache and notes.

A library's settings live in ``<data>/libraries/<name>/library.json``. The default
library holds the bundled sample corpus, so search works right after install.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from briefing import locations
from briefing.fileio import write_atomic

DEFAULT_LIBRARY = "default"
SAMPLE_MARKER = "@sample"
WEB_MARKER = "@web:"
"""An entry's path ``@web:NAME`` is library NAME's folder of fetched pages and feed items."""
WEB_LABEL = "web"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class LibraryError(Exception):
    """A user-caused library problem (bad name, missing path); the message is one line."""


@dataclass(frozen=True)
class Entry:
    """One folder or file of a library; ``label`` prefixes the ids of its articles."""

    path: str
    label: str

    def resolved(self) -> Path:
        """The entry's path on this machine (the sample marker follows the install)."""
        if self.path == SAMPLE_MARKER:
            return locations.sample_corpus_dir()
        if self.path.startswith(WEB_MARKER):
            return locations.library_dir(self.path[len(WEB_MARKER) :]) / WEB_LABEL
        return Path(self.path)

    @property
    def is_web(self) -> bool:
        """Whether this is the library's own folder of what was fetched from the web."""
        return self.path.startswith(WEB_MARKER)


@dataclass
class Library:
    """A named library and where its files live."""

    name: str
    entries: list[Entry] = field(default_factory=list)

    @property
    def directory(self) -> Path:
        """The library's own directory in the data directory."""
        return locations.library_dir(self.name)

    @property
    def index_dir(self) -> Path:
        """The Whoosh index: a cache, rebuilt from the articles whenever needed."""
        return self.directory / "index"

    @property
    def manifest_path(self) -> Path:
        """What was indexed from which file, for incremental updates."""
        return self.directory / "manifest.sqlite3"

    @property
    def lock_path(self) -> Path:
        """The lock that keeps indexing to one writer at a time."""
        return self.directory / "index.lock"

    @property
    def notes_path(self) -> Path:
        """The analyst's notes: user data, never rebuilt."""
        return self.directory / "notes.sqlite3"

    @property
    def web_dir(self) -> Path:
        """Pages and feed items fetched from the web: a folder of the library's own,
        in its data folder (never anywhere else), indexed like any other."""
        return self.directory / WEB_LABEL

    def web_entry(self) -> Entry:
        """The entry of :attr:`web_dir`, added (not saved) if the library has none yet."""
        for entry in self.entries:
            if entry.is_web:
                return entry
        entry = Entry(WEB_MARKER + self.name, self._free_label(WEB_LABEL))
        self.entries.append(entry)
        return entry

    def add(self, paths: list[Path]) -> list[Entry]:
        """Add folders or files; return the entries that are new. Paths must exist."""
        added = []
        for raw in paths:
            path = raw.expanduser()
            if not path.exists():
                raise LibraryError(f"no such file or folder: {raw}")
            path = path.resolve()
            if path.is_relative_to(locations.data_dir()) or locations.data_dir().is_relative_to(
                path
            ):
                raise LibraryError(
                    f"{raw} holds briefing's own data folder; add a folder of articles"
                )
            if any(e.resolved().resolve() == path for e in self.entries):
                continue
            entry = Entry(str(path), self._free_label(path.name or "root"))
            self.entries.append(entry)
            added.append(entry)
        return added

    def _free_label(self, wanted: str) -> str:
        taken = {e.label for e in self.entries}
        label, n = wanted, 2
        while label in taken:
            label, n = f"{wanted}-{n}", n + 1
        return label

    def save(self) -> None:
        """Write the settings atomically."""
        self.directory.mkdir(parents=True, exist_ok=True)
        data = {"name": self.name, "entries": [e.__dict__ for e in self.entries]}
        write_atomic(self.directory / "library.json", json.dumps(data, indent=2) + "\n")


def check_name(name: str) -> str:
    """Return ``name`` if it is a valid library name, else raise :class:`LibraryError`."""
    if not _NAME.fullmatch(name):
        raise LibraryError(
            f"invalid library name {name!r}: use letters, digits, '.', '_' or '-' (64 at most)"
        )
    return name


def load_library(name: str = DEFAULT_LIBRARY, create: bool = True) -> Library:
    """Load a library's settings; the default library is created on first use."""
    check_name(name)
    settings = locations.library_dir(name) / "library.json"
    try:
        data = json.loads(settings.read_text(encoding="utf-8"))
        entries = [Entry(str(e["path"]), str(e["label"])) for e in data.get("entries", [])]
        return Library(name, entries)
    except FileNotFoundError:
        pass
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise LibraryError(f"library {name!r} settings are unreadable ({settings}): {exc}") from exc
    if name == DEFAULT_LIBRARY:
        library = Library(name, [Entry(SAMPLE_MARKER, "sample_corpus")])
        library.save()
        return library
    if not create:
        raise LibraryError(f"no library named {name!r}; list them with `briefing paths`")
    return Library(name)


def library_names() -> list[str]:
    """The names of every library that has settings on disk."""
    root = locations.libraries_dir()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "library.json").is_file())
