"""The notes store: one SQLite database per library, user data that is never rebuilt.

Notes are keyed by article id only and never consult the index, so they survive index
rebuilds, re-indexing and article files being moved or deleted. Each write is one
transaction in WAL mode with ``synchronous=FULL``: a crash mid-save leaves the previous
state. A database that cannot be opened is never replaced, repaired or deleted.
"""

from __future__ import annotations

import builtins
import json
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

# Raised here; defined apart so that the app's failure policy names them without SQLite.
from briefing.notes.errors import NoteNotFound as NoteNotFound
from briefing.notes.errors import NotesUnavailable as NotesUnavailable
from briefing.notes.model import (
    CONFIDENCES,
    CONTEXT_CHARS,
    KINDS,
    Anchor,
    Confidence,
    Kind,
    Note,
    SourceValue,
)

BUSY_TIMEOUT_S = 5.0

# One tuple of statements per schema version: ``_MIGRATIONS[n]`` takes a database from
# version n to n + 1. To change the schema, append a step; never edit a shipped one.
_MIGRATIONS: list[tuple[str, ...]] = [
    (
        # AUTOINCREMENT: a deleted note's id is never reused, so undo can restore it.
        """CREATE TABLE notes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            comment TEXT NOT NULL DEFAULT '',
            article_id TEXT,
            quote TEXT,
            prefix TEXT,
            suffix TEXT,
            start INTEGER,
            "end" INTEGER,
            confidence TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            position INTEGER NOT NULL,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            what TEXT NOT NULL DEFAULT '',
            "values" TEXT NOT NULL DEFAULT '[]',
            found INTEGER NOT NULL DEFAULT 1
        )""",
        "CREATE INDEX notes_article ON notes (article_id)",
        "CREATE INDEX notes_position ON notes (position)",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ),
]
SCHEMA_VERSION = len(_MIGRATIONS)

_COLUMNS = (
    'id, kind, comment, article_id, quote, prefix, suffix, start, "end", confidence, '
    'tags, position, created, updated, what, "values", found'
)
_DATA_COLUMNS = _COLUMNS.removeprefix("id, ")
_UPDATABLE = frozenset(
    {"kind", "comment", "article_id", "anchor", "confidence", "tags", "what", "values", "found"}
)

_T = TypeVar("_T")


def anchor_for(body: str, start: int, end: int) -> Anchor:
    """The anchor of ``body[start:end]``: the quote and ``CONTEXT_CHARS`` either side.

    Raises:
        ValueError: if the span is empty or outside ``body``.
    """
    if not 0 <= start < end <= len(body):
        raise ValueError(f"quote span {start}-{end} is empty or outside the text")
    return Anchor(
        quote=body[start:end],
        prefix=body[max(0, start - CONTEXT_CHARS) : start],
        suffix=body[end : end + CONTEXT_CHARS],
        start=start,
        end=end,
    )


def find_quote(body: str, quote: str) -> tuple[int, int] | None:
    """The first place ``quote`` occurs in ``body``: exact, else whitespace-insensitive."""
    at = body.find(quote) if quote else -1
    if at >= 0:
        return at, at + len(quote)
    pattern = _loose_pattern(quote)
    match = pattern.search(body) if pattern else None
    return (match.start(), match.end()) if match else None


def locate(body: str, anchor: Anchor) -> tuple[int, int] | None:
    """Where ``anchor``'s quote is in ``body`` now, or None if it is gone.

    The quote at its old offsets wins; else the exact occurrence whose surroundings
    best match the remembered context; else the best whitespace-insensitive one (an
    edit may have re-wrapped the text).
    """
    if body[anchor.start : anchor.end] == anchor.quote and anchor.quote:
        return anchor.start, anchor.end
    spans = _exact_spans(body, anchor.quote)
    if not spans:
        pattern = _loose_pattern(anchor.quote)
        spans = [(m.start(), m.end()) for m in pattern.finditer(body)] if pattern else []
    if not spans:
        return None
    from rapidfuzz import fuzz  # on first use: most runs never re-anchor a note

    def score(span: tuple[int, int]) -> tuple[float, int]:
        start, end = span
        before = body[max(0, start - len(anchor.prefix)) : start]
        after = body[end : end + len(anchor.suffix)]
        context = fuzz.ratio(anchor.prefix, before) + fuzz.ratio(anchor.suffix, after)
        # On equal context, the occurrence nearest the old place is the likelier one.
        return context, -abs(start - anchor.start)

    return max(spans, key=score)


def _exact_spans(body: str, quote: str) -> list[tuple[int, int]]:
    spans, at = [], body.find(quote) if quote else -1
    while at >= 0:
        spans.append((at, at + len(quote)))
        at = body.find(quote, at + 1)
    return spans


def _loose_pattern(quote: str) -> re.Pattern[str] | None:
    words = quote.split()
    return re.compile(r"\s+".join(re.escape(w) for w in words)) if words else None


def _now() -> datetime:
    return datetime.now(UTC)


def _check_kind(kind: str) -> Kind:
    if kind not in KINDS:
        raise ValueError(f"unknown note kind {kind!r}; use one of {', '.join(KINDS)}")
    return kind


def _check_confidence(confidence: str | None) -> Confidence | None:
    if confidence is not None and confidence not in CONFIDENCES:
        raise ValueError(f"unknown confidence {confidence!r}; use one of {', '.join(CONFIDENCES)}")
    return confidence


class NoteStore:
    """An analyst's notes and the briefing's title, in one SQLite file.

    Safe to share between threads: every operation holds one lock around the single
    connection. Open it with :meth:`open`.
    """

    anchor_for = staticmethod(anchor_for)
    find_quote = staticmethod(find_quote)

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self._conn = conn
        self._lock = threading.RLock()

    # -- opening -------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> NoteStore:
        """Open (or create) the notes database at ``path``.

        Raises:
            NotesUnavailable: the file is not a usable notes database (corrupt, not a
                database, unreadable, or written by a newer briefing). It is left as is.
        """
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise NotesUnavailable(f"cannot create the notes folder {path.parent}: {exc}") from exc
        try:
            # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE), so a
            # write never has to upgrade a read lock and deadlock another process.
            conn = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise NotesUnavailable(f"cannot open notes {path}: {exc}") from exc
        try:
            _prepare(conn, path)
        except NotesUnavailable:
            conn.close()
            raise
        except sqlite3.Error as exc:
            conn.close()
            raise _unavailable("cannot use notes", path, exc) from exc
        return cls(path, conn)

    def close(self) -> None:
        """Close the connection (the store cannot be used afterwards)."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> NoteStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- reading -------------------------------------------------------------------

    def get(self, note_id: int) -> Note:
        """One note by id.

        Raises:
            NoteNotFound: no note has that id.
        """
        with self._lock:
            row = self._conn.execute(
                f"SELECT {_COLUMNS} FROM notes WHERE id = ?", (note_id,)
            ).fetchone()
        if row is None:
            raise NoteNotFound(f"no note with id {note_id}")
        return _note(row)

    def list(self) -> list[Note]:
        """Every note, in the briefing's order."""
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {_COLUMNS} FROM notes ORDER BY position, id"
            ).fetchall()
        return [_note(r) for r in rows]

    def title(self) -> str:
        """The briefing's title ('' until one is set)."""
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'title'").fetchone()
        return str(row[0]) if row else ""

    # -- writing -------------------------------------------------------------------

    def set_title(self, title: str) -> None:
        """Set the briefing's title."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('title', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (title,),
            )

    def add(
        self,
        kind: str,
        comment: str,
        article_id: str | None = None,
        anchor: Anchor | None = None,
        confidence: str | None = None,
        tags: Iterable[str] = (),
        what: str = "",
        values: Iterable[SourceValue] = (),
    ) -> Note:
        """Add a note at the end of the briefing and return it.

        Raises:
            ValueError: unknown kind or confidence, or an anchor without an article.
        """
        if anchor is not None and article_id is None:
            raise ValueError("a note with a quote needs the quote's article id")
        now = _now()
        note = Note(
            id=0,
            kind=_check_kind(kind),
            comment=comment,
            article_id=article_id,
            anchor=anchor,
            confidence=_check_confidence(confidence),
            tags=tuple(tags),
            created=now,
            updated=now,
            what=what,
            values=tuple(values),
        )
        with self._write() as conn:
            (position,) = conn.execute(
                "SELECT COALESCE(MAX(position) + 1, 0) FROM notes"
            ).fetchone()
            cursor = conn.execute(
                f"INSERT INTO notes ({_DATA_COLUMNS}) VALUES ({', '.join('?' * 16)})",
                _row(replace(note, order=int(position)), with_id=False),
            )
            new_id = cursor.lastrowid
        assert new_id is not None  # an INSERT into a rowid table always sets it
        return replace(note, id=new_id, order=int(position))

    def update(self, note_id: int, **changes: Any) -> Note:
        """Change some fields of a note and return it.

        ``changes`` may name: kind, comment, article_id, anchor, confidence, tags,
        what, values, found.

        Raises:
            NoteNotFound: no note has that id.
            ValueError: an unknown field, kind or confidence.
        """
        unknown = set(changes) - _UPDATABLE
        if unknown:
            raise ValueError(f"notes have no field(s) {', '.join(sorted(unknown))}")
        if "kind" in changes:
            _check_kind(changes["kind"])
        if "confidence" in changes:
            _check_confidence(changes["confidence"])
        for field in ("tags", "values"):
            if field in changes:
                changes[field] = tuple(changes[field])
        with self._write():
            note = replace(self.get(note_id), **changes, updated=_now())
            self._save(note)
        return note

    def delete(self, note_id: int) -> Note:
        """Delete a note; return it so that :meth:`restore` can undo the deletion.

        Raises:
            NoteNotFound: no note has that id.
        """
        with self._write() as conn:
            note = self.get(note_id)
            conn.execute("DELETE FROM notes WHERE id = ?", (note_id,))
        return note

    def restore(self, note: Note) -> Note:
        """Put a deleted note back with its id and at its place (undo).

        Raises:
            ValueError: a note with that id exists.
        """
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM notes WHERE id = ?", (note.id,)).fetchone():
                raise ValueError(f"note {note.id} exists already")
            # A note added since may have taken the position: make room, keep the order.
            taken = conn.execute("SELECT 1 FROM notes WHERE position = ?", (note.order,))
            if taken.fetchone():
                conn.execute(
                    "UPDATE notes SET position = position + 1 WHERE position >= ?", (note.order,)
                )
            conn.execute(
                f"INSERT INTO notes ({_COLUMNS}) VALUES ({', '.join('?' * 17)})", _row(note)
            )
        return note

    def move(self, note_id: int, delta: int) -> Note:
        """Move a note ``delta`` places (negative: up) in the order; return it.

        Only the notes between the old and new place change position, and they take
        each other's position values, so a deleted note restored later lands where it was.

        Raises:
            NoteNotFound: no note has that id.
        """
        with self._write() as conn:
            rows = conn.execute("SELECT id, position FROM notes ORDER BY position, id").fetchall()
            ids = [int(r[0]) for r in rows]
            if note_id not in ids:
                raise NoteNotFound(f"no note with id {note_id}")
            old = ids.index(note_id)
            new = max(0, min(len(ids) - 1, old + delta))
            if new != old:
                lo, hi = min(old, new), max(old, new)
                positions = [int(r[1]) for r in rows[lo : hi + 1]]
                moved = ids[lo : hi + 1]
                moved.remove(note_id)
                moved.insert(new - lo, note_id)
                conn.executemany(
                    "UPDATE notes SET position = ? WHERE id = ?",
                    list(zip(positions, moved, strict=True)),
                )
            return self.get(note_id)

    def reanchor(self, article_id: str, body: str) -> builtins.list[Note]:
        """Find each quote of an article again in its current ``body``; return those notes.

        A quote that moved gets its new offsets and context; a quote that is gone is
        marked ``found=False`` (the note is kept) and is found again if it comes back.
        """
        with self._write() as conn:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM notes WHERE article_id = ? AND quote IS NOT NULL "
                "ORDER BY position, id",
                (article_id,),
            ).fetchall()
            result = []
            for note in map(_note, rows):
                assert note.anchor is not None  # selected on quote IS NOT NULL
                span = locate(body, note.anchor)
                if span is None:
                    new = replace(note, found=False)
                else:
                    new = replace(note, anchor=anchor_for(body, *span), found=True)
                if new != note:
                    self._save(new)
                result.append(new)
        return result

    # -- internals -----------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """Hold the lock and run the block as one immediate transaction."""
        with self._lock:
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise _unavailable("cannot save notes", self.path, exc) from exc
            try:
                yield conn
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                # A read-only file or folder, a full disk: the transaction is undone and
                # the notes stay as they were; the caller gets one line, not a traceback.
                _rollback(conn)
                raise _unavailable("cannot save notes", self.path, exc) from exc
            except BaseException:
                _rollback(conn)
                raise

    def _save(self, note: Note) -> None:
        assignments = ", ".join(f"{c} = ?" for c in _DATA_COLUMNS.split(", "))
        values = _row(note, with_id=False)
        self._conn.execute(f"UPDATE notes SET {assignments} WHERE id = ?", (*values, note.id))


def _unavailable(what: str, path: Path, exc: sqlite3.Error) -> NotesUnavailable:
    """One line saying why the notes at ``path`` cannot be used, naming the likely cause."""
    code = getattr(exc, "sqlite_errorname", "")
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        # Another process held the write lock for the whole busy timeout.
        return NotesUnavailable(f"notes {path} are busy: {exc}")
    hint = ""
    if code.startswith("SQLITE_READONLY") or (code == "SQLITE_CANTOPEN" and path.exists()):
        # SQLite needs to write beside the file (its -wal and -shm files) even to read.
        hint = " (the file or its folder is read-only)"
    elif code == "SQLITE_FULL":
        hint = " (the disk is full)"
    elif code == "SQLITE_IOERR_WRITE":
        hint = " (is the disk full?)"
    return NotesUnavailable(f"{what} {path}: {exc}{hint}")


def _rollback(conn: sqlite3.Connection) -> None:
    """Undo the open transaction, if SQLite has not already undone it."""
    if conn.in_transaction:
        with suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def _prepare(conn: sqlite3.Connection, path: Path) -> None:
    """Check the database, switch it to WAL and bring its schema up to date.

    Everything that could refuse the file runs before anything is written to it.
    """
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    if version > SCHEMA_VERSION:
        raise NotesUnavailable(
            f"notes {path} were written by a newer briefing (schema {version}, this one "
            f"knows {SCHEMA_VERSION}); upgrade briefing to use them"
        )
    problems = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
    if problems != ["ok"]:
        raise NotesUnavailable(f"notes {path} are damaged: {problems[0]}")
    if version > 0:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not {"notes", "meta"} <= tables:
            raise NotesUnavailable(f"{path} is a database but not briefing's notes")
    elif conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone():
        # Someone else's database at our path: do not add our tables to it.
        raise NotesUnavailable(f"{path} is a database but not briefing's notes")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise NotesUnavailable(f"notes {path}: cannot switch to WAL mode ({mode})")
    conn.execute("PRAGMA synchronous = FULL")
    for step in range(version, SCHEMA_VERSION):
        _migrate(conn, step)


def _migrate(conn: sqlite3.Connection, step: int) -> None:
    """Apply ``_MIGRATIONS[step]`` and bump user_version, all in one transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have migrated while we waited for the write lock.
        (current,) = conn.execute("PRAGMA user_version").fetchone()
        if current == step:
            for statement in _MIGRATIONS[step]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {step + 1}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _row(note: Note, with_id: bool = True) -> tuple[Any, ...]:
    """The column values of ``note``, in ``_COLUMNS`` order."""
    a = note.anchor
    values = [
        {"article_id": v.article_id, "value": v.value, "sentence": v.sentence} for v in note.values
    ]
    row = (
        note.id,
        note.kind,
        note.comment,
        note.article_id,
        a.quote if a else None,
        a.prefix if a else None,
        a.suffix if a else None,
        a.start if a else None,
        a.end if a else None,
        note.confidence,
        json.dumps(list(note.tags), ensure_ascii=False),
        note.order,
        (note.created or _now()).isoformat(),
        (note.updated or _now()).isoformat(),
        note.what,
        json.dumps(values, ensure_ascii=False),
        int(note.found),
    )
    return row if with_id else row[1:]


def _note(row: Sequence[Any]) -> Note:
    """A :class:`Note` from a row in ``_COLUMNS`` order."""
    (
        note_id, kind, comment, article_id, quote, prefix, suffix, start, end,
        confidence, tags, position, created, updated, what, values, found,
    ) = row  # fmt: skip
    anchor = None
    if quote is not None:
        anchor = Anchor(quote, prefix or "", suffix or "", int(start), int(end))
    return Note(
        id=int(note_id),
        kind=kind,
        comment=comment,
        article_id=article_id,
        anchor=anchor,
        confidence=confidence,
        tags=tuple(_json_list(tags, str)),
        order=int(position),
        created=datetime.fromisoformat(created),
        updated=datetime.fromisoformat(updated),
        found=bool(found),
        what=what,
        values=tuple(
            _json_list(values, lambda v: SourceValue(v["article_id"], v["value"], v["sentence"]))
        ),
    )


def _json_list(text: str, make: Callable[[Any], _T]) -> list[_T]:
    return [make(item) for item in json.loads(text or "[]")]
