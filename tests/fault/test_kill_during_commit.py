"""``kill -9`` in the middle of writing: the index's commits and the notes' saves.

What must happen: everything committed before the kill is intact and readable at
once (no repair step, no lost note, no duplicate article), and the next run
completes. Each kill happens at a fixed point: a child process replaces the step it
is about to take with SIGKILL to itself, so no test guesses a moment with a sleep.
"""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from briefing.engine.local import WhooshEngine
from briefing.index.library import Library, load_library
from briefing.index.store import IndexStore
from briefing.notes.store import NoteStore, anchor_for
from tests.conftest import write_files
from tests.fault.helpers import add_notes, listed_comments, run_child

# -- the index -------------------------------------------------------------------------

# Patches Whoosh inside the child so that it kills itself at one point of one commit.
# Generation n is the n-th commit of the build (create_in writes generation 0).
_INDEX_CHILD = """
import os, signal, sys
import whoosh.filedb.filestore, whoosh.index, whoosh.writing
from briefing.index import store, update
from briefing.index.library import load_library

point, batch, generation = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
update.BATCH_ARTICLES = batch
# Batches by count only: where the kill lands is fixed.
update.BATCH_SECONDS = update.FIRST_BATCH_SECONDS = 1e9

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def wrap(owner, name, when):
    original = getattr(owner, name)
    def patched(*args, **kwargs):
        if when(*args):
            die()
        return original(*args, **kwargs)
    setattr(owner, name, patched)

if point == "segment-written":  # the new segment is on disk, the table of contents not
    wrap(whoosh.index.TOC, "write", lambda toc, *_: toc.generation == generation)
elif point == "toc-not-renamed":  # the new table of contents is written under a temp name
    wrap(
        whoosh.filedb.filestore.FileStorage,
        "rename_file",
        lambda _, old, new, *rest: new.endswith(f"_{generation}.toc"),
    )
elif point == "toc-written":  # Whoosh committed; the manifest (SQLite) has not
    wrap(whoosh.index, "clean_files", lambda _, __, gen, *rest: gen == generation)
elif point == "merging":  # the final commit is merging the segments
    wrap(whoosh.writing.SegmentWriter, "add_reader", lambda *_: True)

def progress(p):
    if point == "between-commits" and p.done == generation:  # here: files read
        die()

store.IndexStore(load_library("t")).update(progress)
sys.exit(3)  # the kill point was never reached
"""


def _brief(n: int) -> str:
    return f"Brief number {n}\n\nA drone was seen over field{n} on Tuesday, officials said.\n"


def _library(tmp_path: Path, count: int) -> Library:
    folder = write_files(tmp_path / "c", {f"a{n:02}.txt": _brief(n) for n in range(count)})
    library = load_library("t")
    library.add([folder])
    library.save()
    return library


@pytest.mark.parametrize(
    ("point", "files", "batch", "generation", "committed"),
    [
        # Killed between two commits, after 10 files: the two batches of 4 stay.
        ("between-commits", 12, 4, 10, 8),
        # A first build killed in its first commit: nothing was committed.
        ("segment-written", 12, 4, 1, 0),
        # Killed in the second commit, at each step of it: the first batch stays.
        ("segment-written", 12, 4, 2, 4),
        ("toc-not-renamed", 12, 4, 2, 4),
        # Whoosh has the second batch, the manifest does not: both batches are there,
        # and the next run must not add the second one twice.
        ("toc-written", 12, 4, 2, 8),
        # Five segments of two, then the last file: the final commit merges them.
        ("merging", 11, 2, 0, 10),
    ],
)
def test_index_killed_in_a_commit_keeps_what_was_committed_and_recovers(
    tmp_path: Path, point: str, files: int, batch: int, generation: int, committed: int
) -> None:
    """A build killed at any step of a commit keeps every earlier commit searchable,
    leaves the notes alone, and the next update completes with each article once."""
    library = _library(tmp_path, files)
    comments = add_notes(library)
    notes_before = library.notes_path.read_bytes()

    child = run_child(_INDEX_CHILD, point, str(batch), str(generation))
    assert child.returncode == -signal.SIGKILL, child.stderr

    everything = [f"c/a{n:02}.txt" for n in range(files)]
    assert IndexStore(library).ids() == everything[:committed]
    report = IndexStore(library).update()
    assert report.total_articles == files
    engine = WhooshEngine(library)
    assert engine.store.ids() == everything  # each once: no duplicate from the kill
    assert engine.search("drone", limit=0).total == files
    assert library.notes_path.read_bytes() == notes_before
    assert listed_comments(library) == comments


def test_update_killed_while_replacing_changed_files_recovers(tmp_path: Path) -> None:
    """An update that rewrites changed files, killed as Whoosh commits them, leaves the
    old or the new text of each article (never neither, never both); the next run
    brings every article to its new text."""
    library = _library(tmp_path, 8)
    IndexStore(library).update()
    folder = tmp_path / "c"
    for n in range(8):
        (folder / f"a{n:02}.txt").write_text(_brief(n).replace("drone", "balloon"))
    # The update's first commit is generation 2; kill it once Whoosh has written it.
    child = run_child(_INDEX_CHILD, "toc-written", "4", "2")
    assert child.returncode == -signal.SIGKILL, child.stderr

    engine = WhooshEngine(load_library("t"))
    assert len(engine.store.ids()) == 8
    drones = engine.search("drone", limit=0).total
    balloons = engine.search("balloon", limit=0).total
    assert (drones, balloons) == (4, 4)
    IndexStore(library).update()
    engine = WhooshEngine(load_library("t"))
    assert engine.store.ids() == [f"c/a{n:02}.txt" for n in range(8)]
    assert engine.search("balloon", limit=0).total == 8
    assert engine.search("drone", limit=0).total == 0


# -- the notes -------------------------------------------------------------------------

# Opens the notes, then runs one operation whose COMMIT kills the process: SQLite's
# trace callback runs as a statement starts, so the transaction never commits.
_NOTES_CHILD = """
import os, signal, sys
from pathlib import Path
from briefing.notes.store import NoteStore

store = NoteStore.open(Path(sys.argv[1]))
commits = 0
def trace(sql):
    global commits
    if sql == "COMMIT":
        commits += 1
        if commits == int(sys.argv[3]):
            os.kill(os.getpid(), signal.SIGKILL)
store._conn.set_trace_callback(trace)
exec(sys.argv[2])
sys.exit(3)  # the kill point was never reached
"""

BODY = "Officials said 85 targets at seven facilities were hit overnight, a statement said."
QUOTE = "85 targets at seven facilities"

# One call of each kind of save; each changes what the store lists.
SAVES = {
    "add": "store.add('judgment', 'a new judgment', confidence='high')",
    "update": "store.update(1, comment='rewritten', tags=['x'])",
    "delete": "store.delete(2)",
    "move": "store.move(3, -2)",
    "title": "store.set_title('Another title')",
    "reanchor": "store.reanchor('a', 'UPDATE: ' + " + repr(BODY.replace("85", "eighty")) + ")",
}


def _state(path: Path) -> tuple[str, list[tuple[object, ...]]]:
    with NoteStore.open(path) as store:
        check = store._conn.execute("PRAGMA integrity_check").fetchone()[0]
        assert check == "ok"
        notes: list[tuple[object, ...]] = [
            (n.id, n.order, n.comment, n.tags, n.found, n.anchor) for n in store.list()
        ]
        return store.title(), notes


@pytest.mark.parametrize("save", sorted(SAVES))
def test_note_save_killed_at_commit_keeps_the_previous_notes(tmp_path: Path, save: str) -> None:
    """A save killed as it commits leaves the notes exactly as they were before it (an
    undamaged database, no half-applied move or reanchor), and the same save then
    succeeds."""
    path = tmp_path / "notes.sqlite3"
    with NoteStore.open(path) as store:
        store.set_title("Strikes")
        start = BODY.index(QUOTE)
        store.add("evidence", "count", article_id="a", anchor=anchor_for(BODY, start, start + 30))
        for n in range(4):
            store.add("question", f"question {n}")
    before = _state(path)

    child = run_child(_NOTES_CHILD, str(path), SAVES[save], "1")
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert _state(path) == before

    again = run_child(_NOTES_CHILD, str(path), SAVES[save], "0")  # 0: never killed
    assert again.returncode == 3, again.stderr
    assert _state(path) != before


def test_notes_killed_mid_batch_keep_every_committed_note(tmp_path: Path) -> None:
    """Of 100 notes added one by one, a kill as the 31st commits keeps exactly the 30
    before it; the next run adds to them."""
    path = tmp_path / "notes.sqlite3"
    adds = "for n in range(100):\n    store.add('evidence', f'note {n}', article_id='a')"
    child = run_child(_NOTES_CHILD, str(path), adds, "31")
    assert child.returncode == -signal.SIGKILL, child.stderr
    with NoteStore.open(path) as store:
        assert store._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [n.comment for n in store.list()] == [f"note {n}" for n in range(30)]
        store.add("summary", "after the crash")
        assert len(store.list()) == 31
