"""The notes store (SQLite, user data) and the ``briefing notes`` commands."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from briefing.engine.local import WhooshEngine
from briefing.index.library import load_library
from briefing.notes.model import CONTEXT_CHARS, SourceValue
from briefing.notes.store import (
    SCHEMA_VERSION,
    NoteNotFound,
    NoteStore,
    NotesUnavailable,
    anchor_for,
)
from tests.conftest import REPO

BODY = (
    "Officials met on Monday. The ministry said 85 targets at seven separate facilities "
    "were hit overnight, according to a statement released in the capital."
)
QUOTE = "85 targets at seven separate facilities"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """``briefing ARGS`` as a user runs it: a subprocess, from another directory."""
    return subprocess.run(
        [sys.executable, "-m", "briefing", *args],
        capture_output=True,
        text=True,
        cwd="/tmp",
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


@pytest.fixture
def store(tmp_path: Path) -> NoteStore:
    return NoteStore.open(tmp_path / "deep" / "folder" / "notes.sqlite3")


def _anchored(store: NoteStore, body: str = BODY, quote: str = QUOTE, nth: int = 0) -> int:
    start = -1
    for _ in range(nth + 1):
        start = body.index(quote, start + 1)
    anchor = anchor_for(body, start, start + len(quote))
    return store.add("evidence", "count", article_id="a", anchor=anchor).id


# -- store ---------------------------------------------------------------------------


def test_add_get_list_update(store: NoteStore) -> None:
    first = _anchored(store)
    second = store.add(
        "discrepancy",
        "death toll differs",
        what="deaths",
        values=[SourceValue("a", "40", "40 died."), SourceValue("b", "45", "45 died.")],
        tags=["toll"],
    )
    note = store.get(first)
    assert note.anchor is not None and note.anchor.quote == QUOTE
    assert note.anchor.prefix == BODY[note.anchor.start - CONTEXT_CHARS : note.anchor.start]
    assert note.anchor.suffix == BODY[note.anchor.end : note.anchor.end + CONTEXT_CHARS]
    assert note.created is not None and note.found
    assert [n.id for n in store.list()] == [first, second.id]
    assert store.get(second.id).values[1] == SourceValue("b", "45", "45 died.")
    updated = store.update(first, kind="judgment", confidence="high", tags=("x", "y"))
    assert (updated.kind, updated.confidence, updated.tags) == ("judgment", "high", ("x", "y"))
    assert store.get(first) == updated
    assert updated.updated is not None and note.updated is not None
    assert updated.updated >= note.updated
    store.set_title("Strikes in Iraq and Syria")
    assert store.title() == "Strikes in Iraq and Syria"


def test_invalid_values_are_refused(store: NoteStore) -> None:
    with pytest.raises(ValueError, match="kind"):
        store.add("opinion", "x")
    with pytest.raises(ValueError, match="confidence"):
        store.add("judgment", "x", confidence="certain")
    note = store.add("judgment", "x")
    with pytest.raises(ValueError):
        store.update(note.id, colour="red")
    with pytest.raises(NoteNotFound):
        store.get(999)
    with pytest.raises(NoteNotFound):
        store.delete(999)


def test_delete_and_restore_keep_id_and_order(store: NoteStore) -> None:
    ids = [store.add("question", f"q{n}").id for n in range(4)]
    deleted = store.delete(ids[1])
    assert [n.id for n in store.list()] == [ids[0], ids[2], ids[3]]
    newer = store.add("question", "added after the delete")
    assert newer.id not in ids  # a deleted id is never reused
    assert store.restore(deleted) == deleted
    assert [n.id for n in store.list()] == [ids[0], ids[1], ids[2], ids[3], newer.id]
    with pytest.raises(ValueError):
        store.restore(deleted)


def test_restore_of_the_last_note_after_an_add_keeps_order(store: NoteStore) -> None:
    a, b = store.add("question", "a"), store.add("question", "b")
    gone = store.delete(b.id)
    c = store.add("question", "c")  # takes the deleted note's position
    store.restore(gone)
    assert [n.id for n in store.list()] == [a.id, b.id, c.id]


def test_move(store: NoteStore) -> None:
    a, b, c = (store.add("question", x).id for x in "abc")
    store.move(c, -1)
    assert [n.id for n in store.list()] == [a, c, b]
    store.move(a, 5)  # clamped at the end
    assert [n.id for n in store.list()] == [c, b, a]
    store.move(a, -2)
    assert [n.id for n in store.list()] == [a, c, b]
    store.move(a, -1)  # already first
    assert [n.id for n in store.list()] == [a, c, b]


def test_worker_threads_share_the_store(store: NoteStore) -> None:
    def add_many(worker: int) -> None:
        for n in range(25):
            store.add("question", f"{worker}-{n}")
            store.list()

    threads = [threading.Thread(target=add_many, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    notes = store.list()
    assert len(notes) == 100 and len({n.order for n in notes}) == 100


def test_pragmas_and_schema_version(store: NoteStore) -> None:
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 1
    conn.close()
    # synchronous is per connection: read the store's own.
    assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_reopen_keeps_notes(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    with NoteStore.open(path) as store:
        note = store.add("summary", "bottom line")
        store.set_title("T")
    with NoteStore.open(path) as store:
        assert store.list() == [note] and store.title() == "T"


# -- re-anchoring --------------------------------------------------------------------


def test_reanchor_after_text_inserted_before(store: NoteStore) -> None:
    note_id = _anchored(store)
    body = "BREAKING. Updated at 10:00 with new details.\n" + BODY
    (note,) = store.reanchor("a", body)
    assert note.found and note.anchor is not None
    assert body[note.anchor.start : note.anchor.end] == QUOTE
    assert note.anchor.start == BODY.index(QUOTE) + body.index(BODY)
    assert store.get(note_id) == note


def test_reanchor_picks_the_occurrence_whose_context_matches(store: NoteStore) -> None:
    body = (
        "The army said the rate rose 5 percent in March, citing its own figures. "
        "Later the central bank reported the rate rose 5 percent in April, after a review."
    )
    quote = "the rate rose 5 percent"
    note_id = _anchored(store, body, quote, nth=1)
    # The context changes and everything shifts; the second occurrence's context
    # still matches best.
    edited = "Update: " + body.replace("Later the central bank", "Later the bank")
    (note,) = store.reanchor("a", edited)
    second = edited.index(quote, edited.index(quote) + 1)
    assert note.anchor is not None and note.anchor.start == second
    assert store.get(note_id).anchor == note.anchor


def test_reanchor_ignores_rewrapped_whitespace(store: NoteStore) -> None:
    _anchored(store)
    body = BODY.replace("at seven separate", "at seven\n  separate")
    (note,) = store.reanchor("a", body)
    assert note.found and note.anchor is not None
    assert body[note.anchor.start : note.anchor.end] == "85 targets at seven\n  separate facilities"


def test_reanchor_lost_quote_is_kept_and_found_again(store: NoteStore) -> None:
    note_id = _anchored(store)
    other = store.add("evidence", "another article", article_id="b", anchor=anchor_for(BODY, 0, 9))
    (lost,) = store.reanchor("a", BODY.replace(QUOTE, "many targets"))
    assert not lost.found
    assert [n.id for n in store.list()] == [note_id, other.id]
    assert not store.get(note_id).found and store.get(other.id).found
    (back,) = store.reanchor("a", "A new first line.\n" + BODY)
    assert back.found and back.anchor is not None
    assert back.anchor.start == BODY.index(QUOTE) + len("A new first line.\n")


# -- files that cannot be used -------------------------------------------------------


def test_newer_schema_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    NoteStore.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(NotesUnavailable, match="newer"):
        NoteStore.open(path)
    assert path.read_bytes() == before


def test_someone_elses_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(NotesUnavailable):
        NoteStore.open(path)
    assert path.read_bytes() == before


def test_notes_survive_an_index_rebuild() -> None:
    library = load_library()
    engine = WhooshEngine(library)
    engine.update()
    article = engine.article(engine.resolve("003"))
    assert article is not None
    start = article.body.index(QUOTE)
    with NoteStore.open(library.notes_path) as store:
        note = store.add(
            "evidence",
            "US count",
            article_id=article.id,
            anchor=anchor_for(article.body, start, start + len(QUOTE)),
        )
    shutil.rmtree(library.index_dir)
    library.manifest_path.unlink(missing_ok=True)
    WhooshEngine(library).update()
    with NoteStore.open(library.notes_path) as store:
        assert store.list() == [note]


# -- the CLI -------------------------------------------------------------------------


def test_cli_add_list_rm() -> None:
    out = run("notes", "add", "003", "--quote", QUOTE, "--comment", "US count", "--tag", "strikes")
    assert out.returncode == 0, out.stderr
    note_id = int(out.stdout.strip())
    data = json.loads(run("notes", "--json").stdout)
    assert data["title"] == ""
    (note,) = data["notes"]
    assert note["id"] == note_id and note["kind"] == "evidence"
    assert note["article_id"].startswith("sample_corpus/003")
    assert note["quote"] == QUOTE and note["tags"] == ["strikes"] and note["found"] is True
    assert note["prefix"].endswith("confirmed that ") and note["suffix"].startswith(" were hit")
    assert note["end"] - note["start"] == len(QUOTE)
    assert set(note) >= {"comment", "confidence", "order", "created", "updated", "what", "values"}
    assert QUOTE in run("notes").stdout

    removed = run("notes", "rm", str(note_id))
    assert removed.returncode == 0, removed.stderr
    assert json.loads(run("notes", "--json").stdout)["notes"] == []
    unknown = run("notes", "rm", str(note_id))
    assert unknown.returncode == 1
    assert unknown.stderr.count("\n") == 1 and f"no note with id {note_id}" in unknown.stderr


def test_cli_quote_not_in_the_article() -> None:
    out = run("notes", "add", "003", "--quote", "troops landed on the moon", "--comment", "x")
    assert out.returncode == 1
    assert out.stderr.count("\n") == 1 and "quote not found in sample_corpus/003" in out.stderr
    assert json.loads(run("notes", "--json").stdout)["notes"] == []


def test_cli_whitespace_insensitive_quote_and_summary_without_article() -> None:
    out = run("notes", "add", "003", "--quote", "85 targets  at\nseven", "--comment", "c")
    assert out.returncode == 0, out.stderr
    summary = run("notes", "add", "--kind", "summary", "--comment", "The US struck back.")
    assert summary.returncode == 0, summary.stderr
    notes = json.loads(run("notes", "--json").stdout)["notes"]
    assert notes[0]["quote"] == "85 targets at seven"
    assert notes[1]["kind"] == "summary" and notes[1]["article_id"] is None
    assert notes[1]["quote"] is None and notes[1]["order"] > notes[0]["order"]


def test_cli_usage_errors() -> None:
    no_article = run("notes", "add", "--quote", "x", "--comment", "y")
    assert no_article.returncode == 2 and no_article.stderr.count("\n") == 1
    bad_kind = run("notes", "add", "--kind", "rumour", "--comment", "y")
    assert bad_kind.returncode == 2 and bad_kind.stderr.count("\n") == 1
    assert run("notes", "--help").returncode == 0
    assert run("notes", "add", "--help").returncode == 0
