"""The manifest (SQLite beside the index): which file gave which articles at which size and
mtime, so that an update of an unchanged folder only stats files; its tables, opened."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from briefing.index.errors import IndexUnavailable

MANIFEST_SQL = """
CREATE TABLE IF NOT EXISTS files(
    path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL,
    skipped TEXT, warnings TEXT NOT NULL DEFAULT '[]');
CREATE TABLE IF NOT EXISTS docs(
    id TEXT PRIMARY KEY, path TEXT NOT NULL, hash TEXT NOT NULL,
    indexed INTEGER NOT NULL, dup_of TEXT);
CREATE INDEX IF NOT EXISTS docs_path ON docs(path);
CREATE INDEX IF NOT EXISTS docs_hash ON docs(hash);
"""


def open_manifest(path: Path) -> sqlite3.Connection:
    """The manifest at ``path``, its tables created if missing (WAL journal).

    Raises:
        IndexUnavailable: it cannot be opened or written.
    """
    try:
        db = sqlite3.connect(path, timeout=30)
    except sqlite3.Error as exc:
        raise IndexUnavailable(f"cannot open the index manifest {path}: {exc}") from exc
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(MANIFEST_SQL)
    except sqlite3.Error as exc:
        # A read-only library folder, a full disk: one line, not a traceback.
        db.close()
        raise IndexUnavailable(f"cannot write the index manifest {path}: {exc}") from exc
    return db
