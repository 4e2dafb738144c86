"""The index store: incremental updates, duplicates, rebuilds, one writer, batches."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from briefing.index import compact as compact_module
from briefing.index import manifest, merge_policy, pipeline, prepare, segment_merge, update, workers
from briefing.index import store as store_module
from briefing.index.library import Library, load_library
from briefing.index.locking import IndexBusy, writer_lock
from briefing.index.reports import IngestReport, Progress
from briefing.index.store import IndexStore
from tests.conftest import REPO, SAMPLE, write_files


def _library(folder: Path, name: str = "t") -> Library:
    library = load_library(name)
    library.add([folder])
    library.save()
    return library


def _article(n: int, extra: str = "") -> str:
    return f"Article number {n}\n\nThe body of article {n} mentions topic{n}. {extra}\n"


def test_sample_library_builds_and_second_run_only_stats(tmp_path: Path) -> None:
    folder = shutil.copytree(SAMPLE, tmp_path / "corpus")
    store = IndexStore(_library(folder))
    first = store.update()
    assert (first.added, first.files_read, first.total_articles) == (5, 5, 5)
    second = store.update()
    assert (second.added, second.updated, second.removed, second.files_read) == (0, 0, 0, 0)
    assert second.unchanged_files == 5
    assert len(store.articles()) == 5


def test_new_changed_and_deleted_files(tmp_path: Path) -> None:
    folder = write_files(tmp_path / "c", {f"a{n}.txt": _article(n) for n in range(3)})
    store = IndexStore(_library(folder))
    store.update()
    (folder / "a0.txt").write_text(_article(0, "Now edited with zebra."), encoding="utf-8")
    (folder / "a1.txt").unlink()
    (folder / "a9.txt").write_text(_article(9), encoding="utf-8")
    report = store.update()
    assert (report.added, report.updated, report.removed) == (1, 1, 1)
    assert report.files_read == 2
    ids = store.ids()
    assert sorted(ids) == ["c/a0.txt", "c/a2.txt", "c/a9.txt"]
    assert "zebra" in (store.article("c/a0.txt") or pytest.fail()).body


def test_duplicates_are_indexed_once_and_promoted_when_the_original_goes(tmp_path: Path) -> None:
    folder = write_files(tmp_path / "c", {"a.txt": _article(1), "b.txt": _article(1)})
    store = IndexStore(_library(folder))
    report = store.update()
    assert report.total_articles == 1
    assert report.duplicates == [("c/b.txt", "c/a.txt")]
    (folder / "a.txt").unlink()
    report = store.update()
    assert store.ids() == ["c/b.txt"]
    assert report.duplicates == []


def test_schema_version_change_rebuilds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_files(tmp_path / "c", {"a.txt": _article(1)})
    library = _library(folder)
    IndexStore(library).update()
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", 999)
    report = IndexStore(library).update()
    assert any("format changed" in n for n in report.notices)
    assert report.added == 1


def test_open_builds_a_missing_index(tmp_path: Path) -> None:
    folder = write_files(tmp_path / "c", {"a.txt": _article(1)})
    store = IndexStore(_library(folder))
    assert store.ids() == ["c/a.txt"]


def test_second_writer_waits_then_reports_busy(tmp_path: Path) -> None:
    folder = write_files(tmp_path / "c", {"a.txt": _article(1)})
    library = _library(folder)
    with writer_lock(library.lock_path, 1, library.name), pytest.raises(IndexBusy, match="busy"):
        IndexStore(library, lock_timeout=0.2).update()


def test_second_writer_cli_exits_nonzero_without_traceback(tmp_path: Path) -> None:
    folder = write_files(tmp_path / "c", {"a.txt": _article(1)})
    library = _library(folder)
    library.directory.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "BRIEFING_LOCK_TIMEOUT": "0.3"}
    with writer_lock(library.lock_path, 1, library.name):
        out = subprocess.run(
            [sys.executable, "-m", "briefing", "--library", "t", "index"],
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO,
        )
    assert out.returncode == 1
    assert "busy" in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_batches_are_searchable_early(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_files(tmp_path / "c", {f"a{n:02}.txt": _article(n) for n in range(12)})
    monkeypatch.setattr(update, "BATCH_ARTICLES", 4)
    library = _library(folder)
    seen: list[int] = []

    def progress(p: Progress) -> None:
        if p.done == 10:
            # Another reader, mid-build: the first two batches are committed.
            seen.append(len(IndexStore(library).ids()))

    IndexStore(library).update(progress)
    assert seen and seen[0] >= 8


def test_missing_folder_keeps_articles(tmp_path: Path) -> None:
    folder = write_files(tmp_path / "c", {"a.txt": _article(1)})
    library = _library(folder)
    IndexStore(library).update()
    folder.rename(tmp_path / "gone")
    report = IndexStore(library).update()
    assert report.removed == 0 and any("missing" in n for n in report.notices)
    assert IndexStore(library).ids() == ["c/a.txt"]


def test_library_settings_survive_and_labels_are_unique(tmp_path: Path) -> None:
    one = write_files(tmp_path / "x" / "news", {"a.txt": _article(1)})
    two = write_files(tmp_path / "y" / "news", {"b.txt": _article(2)})
    library = _library(one)
    library.add([two])
    library.save()
    again = load_library("t")
    assert [e.label for e in again.entries] == ["news", "news-2"]
    data = json.loads((again.directory / "library.json").read_text())
    assert data["name"] == "t"


# -- reading while the index changes (issue: first-run crash, self-lock) ------------------


def test_a_searcher_opened_on_an_empty_index_refreshes_after_the_first_commit(
    tmp_path: Path,
) -> None:
    """whoosh-reloaded 2.7.5 raised TypeError here (EmptyReader.segments() is None)."""
    from whoosh import index as whoosh_index
    from whoosh.fields import ID, Schema

    ix = whoosh_index.create_in(str(tmp_path), Schema(id=ID(stored=True, unique=True)))
    searcher = ix.searcher()
    assert searcher.doc_count() == 0
    writer = ix.writer()
    writer.add_document(id="a")
    writer.commit()
    searcher = searcher.refresh()
    assert searcher.doc_count() == 1
    assert searcher.document(id="a") == {"id": "a"}


def test_a_refreshed_searcher_counts_each_document_once_after_merges_and_deletes(
    tmp_path: Path,
) -> None:
    """whoosh-reloaded's reader reuse kept merged-away segments: every hit came twice."""
    from whoosh import index as whoosh_index
    from whoosh.fields import ID, Schema

    ix = whoosh_index.create_in(str(tmp_path), Schema(id=ID(stored=True, unique=True)))
    searcher = ix.searcher()
    for n in range(3):
        writer = ix.writer()
        writer.add_document(id=f"d{n}")
        writer.commit(merge=False)
    searcher = searcher.refresh()
    assert searcher.doc_count() == 3
    ix.writer().commit(optimize=True)
    searcher = searcher.refresh()
    assert (searcher.doc_count(), searcher.doc_count_all()) == (3, 3)
    writer = ix.writer()
    writer.delete_by_term("id", "d0")
    writer.commit(merge=False)
    searcher = searcher.refresh()
    assert searcher.doc_count() == 2
    assert searcher.document(id="d0") is None


def test_the_shared_searcher_sees_a_library_grow_from_empty(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    store = IndexStore(_library(folder))
    store.update()
    shared = store.shared()
    with shared.searcher() as s:
        assert s.doc_count() == 0
    write_files(folder, {"a.txt": _article(1), "b.txt": _article(2)})
    store.update()
    with shared.searcher() as s:
        assert s.doc_count() == 2
    (folder / "a.txt").unlink()
    store.update()
    with shared.searcher() as s:
        assert s.doc_count() == 2 - 1


def test_reading_while_another_writer_builds_returns_at_once(tmp_path: Path) -> None:
    """No index yet and a writer at work: reading must not wait for (or start) a build."""
    folder = write_files(tmp_path / "c", {"a.txt": _article(1)})
    library = _library(folder)
    library.directory.mkdir(parents=True, exist_ok=True)
    store = IndexStore(library, lock_timeout=30)
    with writer_lock(library.lock_path, 0, library.name):
        assert store.building()
        ix = store.open()
        with store.shared().searcher() as s:
            assert s.doc_count() == 0
        assert ix.doc_count() == 0
        assert not store.exists()  # nothing was built behind the writer's back
    assert not store.building()
    assert [a.id for a in store.articles()] == ["c/a.txt"]  # the writer gone, it builds


def test_a_store_that_must_not_build_reads_an_empty_index_until_built(tmp_path: Path) -> None:
    folder = write_files(tmp_path / "c", {"a.txt": _article(1)})
    library = _library(folder)
    reader = IndexStore(library, build_on_open=False)
    assert reader.articles() == []
    assert not reader.exists()
    IndexStore(library).update()
    assert [a.id for a in reader.articles()] == ["c/a.txt"]


def test_promotions_bind_no_sql_variable_per_changed_file(tmp_path: Path) -> None:
    """A first build changes every file: 40,000 is past SQLite's variable limit (32,766)."""
    import sqlite3

    from briefing.corpus.ingest import SourceFile

    folder = tmp_path / "c"
    folder.mkdir()
    library = _library(folder)
    db = sqlite3.connect(":memory:")
    # Stock SQLite's limit; some builds (this Python's, perhaps) allow more.
    db.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 32_766)
    db.executescript(manifest.MANIFEST_SQL)
    db.executemany(
        "INSERT INTO docs VALUES (?, ?, ?, ?, ?)",
        [("o", "/x/0.txt", "h", 1, None), ("d", "/x/dup.txt", "h", 0, "o")],
    )
    current = {
        f"/x/{n}.txt": (SourceFile(Path(f"/x/{n}.txt"), "x", f"{n}.txt"), 0, 0)
        for n in range(40_000)
    }
    current["/x/dup.txt"] = (SourceFile(Path("/x/dup.txt"), "x", "dup.txt"), 0, 0)
    updater = update.Updater(None, db, library, IngestReport(), None)
    changed = [sf for path, (sf, _, _) in current.items() if path != "/x/dup.txt"]
    again = updater._promotions([], changed, current)
    assert [str(sf.path) for sf in again] == ["/x/dup.txt"]


def test_indexing_writes_nothing_into_the_article_folder(tmp_path: Path) -> None:
    """The index holds Whoosh pickles: it lives in the data directory, never beside the
    articles (an index opened from an untrusted folder could run code)."""
    from briefing import locations

    folder = shutil.copytree(SAMPLE, tmp_path / "corpus")
    before = sorted(p.relative_to(folder) for p in folder.rglob("*"))
    store = IndexStore(_library(folder))
    store.update()
    assert sorted(p.relative_to(folder) for p in folder.rglob("*")) == before
    assert store.library.index_dir.is_relative_to(locations.data_dir())
    assert any(store.library.index_dir.glob("*.toc"))


def test_progress_says_when_a_batch_is_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_files(tmp_path / "c", {f"a{n:02}.txt": _article(n) for n in range(12)})
    monkeypatch.setattr(update, "BATCH_ARTICLES", 4)
    monkeypatch.setattr(update, "BATCH_SECONDS", 1e9)
    monkeypatch.setattr(update, "FIRST_BATCH_SECONDS", 1e9)
    library = _library(folder)
    landed: list[tuple[int, int, int]] = []

    def progress(p: Progress) -> None:
        if not landed or p.commits != landed[-1][0]:
            # What the app does when a batch lands: search again, and see it.
            landed.append((p.commits, p.committed, len(IndexStore(library).ids())))

    IndexStore(library).update(progress)
    assert landed[:4] == [(0, 0, 0), (1, 4, 4), (2, 8, 8), (3, 12, 12)]
    # Then the last commit merges the three small segments into one.
    assert landed[4:] == [(4, 12, 12)]


def test_a_build_in_worker_processes_matches_one_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {f"a{n:02}.txt": _article(n) for n in range(40)}
    files["copy.txt"] = _article(3)  # a duplicate
    files["broken.json"] = "{"
    folder = write_files(tmp_path / "c", files)
    reports, articles = [], []
    for name, threshold in (("workers", 1), ("serial", 10**9)):
        monkeypatch.setattr(pipeline, "MIN_PARALLEL_FILES", threshold)
        store = IndexStore(_library(folder, name))
        reports.append(store.update().to_json())
        articles.append(store.articles())
    for report in reports:
        report.pop("elapsed")
    assert reports[0] == reports[1]
    assert articles[0] == articles[1] and len(articles[0]) == 40
    assert reports[0]["duplicates"] == [{"id": "c/copy.txt", "duplicate_of": "c/a03.txt"}]


def _segments(store: IndexStore) -> int:
    return len(store.open()._segments())


def test_batch_segments_are_merged_in_bounded_steps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_files(tmp_path / "c", {f"a{n:02}.txt": _article(n) for n in range(20)})
    monkeypatch.setattr(update, "BATCH_ARTICLES", 1)
    monkeypatch.setattr(merge_policy, "SMALL_INDEX_DOCS", 0)
    store = IndexStore(_library(folder))
    merges: list[int] = []
    original = merge_policy._merge

    def counting(writer: Any, segments: list[Any], group: list[Any]) -> list[Any]:
        merges.append(len(group))
        return original(writer, segments, group)

    monkeypatch.setattr(merge_policy, "_merge", counting)
    store.update()
    # Twenty commits of one article: merged MERGE_FANOUT at a time, never more.
    assert merges and set(merges) == {merge_policy.MERGE_FANOUT}
    assert _segments(store) < 20 - merge_policy.MERGE_FANOUT
    assert store.ids() == sorted(f"c/a{n:02}.txt" for n in range(20))
    # A small index is merged whole by the last commit of an update.
    monkeypatch.setattr(merge_policy, "SMALL_INDEX_DOCS", 1000)
    (folder / "a00.txt").write_text(_article(0, "changed"), encoding="utf-8")
    store.update()
    assert _segments(store) == 1
    assert store.ids() == sorted(f"c/a{n:02}.txt" for n in range(20))


def _search_totals(store: IndexStore, queries: list[str]) -> list[int]:
    from briefing.search.searcher import search

    return [search(store.shared(), q).total for q in queries]


def test_workers_write_segments_that_index_what_the_main_process_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large update: workers write the batches as segments (here: many small ones,
    merged in the workers at the end); the index, the duplicates and the manifest are
    those of a build in this process."""
    files = {f"a{n:02}.txt": _article(n) for n in range(40)}
    files["copy-of-a03.txt"] = _article(3)  # a duplicate in a later batch
    files["a05-copy.txt"] = _article(5)
    files["bad.json"] = "{not json"
    folder = write_files(tmp_path / "c", files)
    queries = ["article", "topic3", "body OR number", "topic1*", "date:2024"]

    monkeypatch.setattr(pipeline, "MIN_PARALLEL_FILES", 10**6)
    monkeypatch.setattr(pipeline, "MIN_PARALLEL_BYTES", 10**9)
    here = IndexStore(_library(folder, "here"))
    expected = here.update()

    monkeypatch.setattr(pipeline, "MIN_PARALLEL_FILES", 1)
    monkeypatch.setattr(pipeline, "FIRST_BATCH_FILES", 2)
    monkeypatch.setattr(pipeline, "BATCH_BYTES", 1000)  # ten files or so a batch
    monkeypatch.setattr(compact_module, "TARGET_SEGMENTS", 2)
    monkeypatch.setattr(merge_policy, "SMALL_INDEX_DOCS", 0)  # no merge in this process
    progress: list[Progress] = []
    library = _library(folder, "workers")
    store = IndexStore(library)
    report = store.update(progress.append)

    assert report.total_articles == expected.total_articles == 40
    assert report.duplicates == expected.duplicates
    assert sorted(report.duplicates) == [
        ("c/a05.txt", "c/a05-copy.txt"),  # the first in file order is indexed
        ("c/copy-of-a03.txt", "c/a03.txt"),
    ]
    assert [p.path for p in report.skipped] == [p.path for p in expected.skipped]
    assert sorted(store.ids()) == sorted(here.ids())
    assert _search_totals(store, queries) == _search_totals(here, queries)
    assert max(p.commits for p in progress) >= 4  # a commit per batch, then the merges
    assert _segments(store) <= 2
    assert not (library.directory / update.STAGING_DIR).exists()
    assert sorted(p.name for p in folder.iterdir()) == sorted(files)  # nothing written there
    # An update with nothing changed reads nothing; one changed file is read again.
    assert store.update().files_read == 0
    (folder / "a07.txt").write_text(_article(7, "Now with zebra."), encoding="utf-8")
    again = store.update()
    assert (again.updated, again.files_read) == (1, 1)
    assert _search_totals(store, ["zebra", "article"]) == [1, 40]


def test_an_update_can_leave_merging_to_a_compaction_that_holds_the_lock_only_to_swap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`briefing index` returns once every article is searchable and leaves the merging
    of its segments to a compaction in the background: the same search results before
    and after it; one that cannot get the write lock changes nothing; only one runs."""
    files = {f"a{n:02}.txt": _article(n) for n in range(40)}
    folder = write_files(tmp_path / "c", files)
    monkeypatch.setattr(pipeline, "MIN_PARALLEL_FILES", 1)
    monkeypatch.setattr(pipeline, "FIRST_BATCH_FILES", 2)
    monkeypatch.setattr(pipeline, "BATCH_BYTES", 1000)
    monkeypatch.setattr(compact_module, "TARGET_SEGMENTS", 2)
    monkeypatch.setattr(merge_policy, "SMALL_INDEX_DOCS", 0)
    library = _library(folder)
    store = IndexStore(library, lock_timeout=0)
    queries = ["article", "topic3", "body OR number", "topic1*"]

    report = store.update(compact=False)
    left = _segments(store)
    assert report.total_articles == 40 and report.compaction_due and left > 2
    assert report.to_json()["compaction_due"] is True
    totals = _search_totals(store, queries)
    assert totals[0] == 40

    with writer_lock(library.lock_path, 0, library.name):  # a long update at work
        busy = store.compact()
    assert (busy.before, busy.merged) == (left, 0)
    assert _segments(store) == left and _search_totals(store, queries) == totals

    with compact_module._only_one(library):  # another compaction at work
        assert store.compact().busy

    done = store.compact()
    assert done.before == left and done.merged >= 1
    assert done.after == _segments(store) <= 2
    assert _search_totals(store, queries) == totals
    assert not (library.directory / compact_module.COMPACT_STAGING_DIR).exists()
    assert store.update().compaction_due is False
    assert store.compact().merged == 0


def test_the_cli_returns_when_every_article_is_searchable_and_merges_in_the_background(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from briefing import cli

    files = {f"a{n:03}.txt": _article(n) for n in range(100)}
    folder = write_files(tmp_path / "c", files)
    monkeypatch.setattr(pipeline, "MIN_PARALLEL_FILES", 1)
    monkeypatch.setattr(pipeline, "FIRST_BATCH_FILES", 2)
    monkeypatch.setattr(pipeline, "BATCH_BYTES", 400)  # a few files a batch
    monkeypatch.setattr(merge_policy, "SMALL_INDEX_DOCS", 0)
    monkeypatch.setattr(cli.commands, "INLINE_STORY_ARTICLES", 5)
    before = len(cli._BACKGROUND)
    assert cli.main(["index", str(folder), "--library", "bg"]) == 0
    err = capsys.readouterr().err
    assert "merging the index and grouping 100 articles into stories in the background" in err
    store = IndexStore(load_library("bg"))
    left = _segments(store)
    assert left > compact_module.TARGET_SEGMENTS
    queries = ["article", "topic42", "body OR number", "topic1*"]
    totals = _search_totals(store, queries)
    assert totals[0] == 100
    assert all(p.wait(120) == 0 for p in cli._BACKGROUND[before:])
    assert _segments(store) <= compact_module.TARGET_SEGMENTS
    assert _search_totals(store, queries) == totals
    assert not (store.library.directory / compact_module.COMPACT_STAGING_DIR).exists()
    # Then it grouped the stories: nothing is left to do.
    from briefing.engine.local import WhooshEngine

    assert not WhooshEngine(load_library("bg")).sync_stories().changed


def _dies_on_crash(source: Any) -> Any:
    """A reader that kills its worker process on one file (a segfault, the OOM killer)."""
    if "crash" in source.path.name:
        os._exit(70)
    return prepare.prepare_file(source)


def test_a_worker_that_dies_writing_a_batch_costs_only_its_file(tmp_path: Path) -> None:
    from briefing.corpus.ingest import Skip, walk

    files = {f"a{n:02}.txt": _article(n) for n in range(12)}
    files["a05-crash.txt"] = "Crash\n\nThis one takes its worker down.\n"
    folder = write_files(tmp_path / "c", files)
    sources = [s for s in walk(folder, "c") if not isinstance(s, Skip)]
    staging = tmp_path / "staging"
    with workers.Workers(2) as pool:
        batches = list(pipeline.write_batches(sources, pool, staging, 16, _dies_on_crash))
    written = [f for b in batches for f in b.files]
    assert [f.source for f in written] == sources  # in order, each once
    crashed = [f.source.path.name for f in written if f.skipped]
    assert crashed == ["a05-crash.txt"]
    assert sum(b.segment.doc_count_all() for b in batches if b.segment is not None) == 12
    assert all(Path(b.staged).is_file() for b in batches if b.staged)


def _term_stats(reader: Any, fieldname: str, text: bytes) -> tuple[Any, ...]:
    info = reader.term_info(fieldname, text)
    return (
        fieldname,
        text,
        info.weight(),
        info.doc_frequency(),
        info.min_length(),
        info.max_length(),
        info.max_weight(),
    )


def test_workers_merge_segments_as_whoosh_does(tmp_path: Path) -> None:
    """segment_merge.merge_segments writes the sorted postings of the segments directly:
    the same postings, lengths and stored fields as Whoosh's own merge, deleted
    documents left out."""
    from whoosh import index as whoosh_index

    from briefing.index.compact import replacing as _replacing
    from briefing.index.schema import build_schema, index_codec
    from tests.unit.test_search import article

    def build(where: Path) -> Any:
        ix = whoosh_index.create_in(str(where), build_schema())
        for part in range(3):
            writer = ix.writer(codec=index_codec())
            spell = prepare.SpellWords()
            # 60 documents a segment: "strikes" and "report" span several posting blocks.
            for n in range(part * 60, part * 60 + 60):
                body = f"Strikes near Deir ez-Zor, report {n}. " + "drones " * (n % 4)
                prepared = prepare.prepare_article(article(f"a{n}", f"Title {n}", body))
                prepare.add_prepared(writer, prepared, spell)
            spell.flush(writer)
            if part == 2:
                writer.delete_by_term("id", "a3")  # in the first segment
            writer.commit(merge=False)
        return ix

    def contents(ix: Any) -> tuple[Any, ...]:
        with ix.reader() as r:
            postings = sorted(  # no value reads as None or b"": the same to Whoosh
                (f, t, r.stored_fields(d)["id"], w, v or b"") for f, t, d, w, v in r.iter_postings()
            )
            docs = sorted(
                (fields["id"], r.doc_field_length(d, "body"), fields["title"])
                for d, fields in r.iter_docs()
            )
        with ix.reader() as r:
            infos = sorted(_term_stats(r, f, t) for f, t in r.all_terms())
        return postings, docs, infos

    (tmp_path / "ours").mkdir()
    (tmp_path / "theirs").mkdir()
    ours, theirs = build(tmp_path / "ours"), build(tmp_path / "theirs")
    segments = ours._segments()
    assert len(segments) == 3 and segments[0].has_deletions()
    merged, staged = segment_merge.merge_segments(
        str(tmp_path / "staging"), 16, str(tmp_path / "ours"), segments
    )
    os.replace(staged, tmp_path / "ours" / os.path.basename(staged))
    ours.writer().commit(mergetype=_replacing(segments, merged))
    theirs.optimize()
    assert len(ours._segments()) == len(theirs._segments()) == 1
    assert contents(ours) == contents(theirs)
    with ours.searcher() as s:
        assert s.doc_count() == 179 and s.document(id="a3") is None
        # A word of every document: its postings fill blocks, as Whoosh's do.
        assert s.reader().doc_frequency("body", "strike") == 179


def test_a_merge_keeps_the_spelling_words_of_a_segment_whose_first_article_went(
    tmp_path: Path,
) -> None:
    """A segment's spell_ words are postings of its document 0 (see SpellWords); a
    duplicate found after a worker wrote its batch deletes document 0, and the words
    of the rest of the batch must survive the merge."""
    from whoosh import index as whoosh_index

    from briefing.index.compact import replacing as _replacing
    from briefing.index.schema import build_schema, index_codec
    from tests.unit.test_search import article

    ix = whoosh_index.create_in(str(tmp_path), build_schema())
    for part, words in enumerate((("alpha", "zeppelin"), ("beta", "gamma"))):
        writer = ix.writer(codec=index_codec())
        spell = prepare.SpellWords()
        for n, word in enumerate(words):
            prepared = prepare.prepare_article(article(f"p{part}n{n}", "Title", f"Body {word}."))
            prepare.add_prepared(writer, prepared, spell)
        spell.flush(writer)
        writer.commit(merge=False)
    writer = ix.writer()
    writer.delete_by_term("id", "p0n0")  # document 0 of the first segment
    writer.commit(merge=False)
    segments = ix._segments()
    merged, staged = segment_merge.merge_segments(str(tmp_path / "st"), 16, str(tmp_path), segments)
    os.replace(staged, tmp_path / os.path.basename(staged))
    ix.writer().commit(mergetype=_replacing(segments, merged))
    with ix.reader() as reader:
        spelled = {t.decode() for t in reader.lexicon("spell_body")}
        assert reader.doc_count() == 3
    assert {"zeppelin", "beta", "gamma"} <= spelled


class _Seg:
    def __init__(self, docs: int) -> None:
        self.docs = docs

    def doc_count_all(self) -> int:
        return self.docs


def _merged(segments: list[Any], groups: list[list[Any]]) -> list[Any]:
    gone = {id(seg) for group in groups for seg in group}
    kept = [seg for seg in segments if id(seg) not in gone]
    return kept + [_Seg(sum(seg.docs for seg in group)) for group in groups]


@pytest.mark.parametrize("count", [9, 40, 69, 96, 130, 300])
def test_merge_groups_reach_the_target_in_bounded_merges(count: int) -> None:
    """However many segments a build left, rounds of merges bring them down to
    TARGET_SEGMENTS (one round when it can), no merge over its limits."""
    from briefing.index.compact import (
        BUILD_MERGE_FANOUT,
        MAX_MERGE_DOCS,
        MERGE_ROUNDS,
        TARGET_SEGMENTS,
        merge_groups,
    )

    # About 45,000 articles in all: the 42k library's size.
    segments: list[Any] = [_Seg(45_000 // count + 7 * (n % 11)) for n in range(count)]
    rounds = 0
    while groups := merge_groups(segments):
        assert all(2 <= len(g) <= BUILD_MERGE_FANOUT for g in groups)
        assert all(sum(seg.docs for seg in g) <= MAX_MERGE_DOCS for g in groups)
        segments = _merged(segments, groups)
        rounds += 1
    assert len(segments) <= TARGET_SEGMENTS
    assert rounds == (1 if count <= TARGET_SEGMENTS * BUILD_MERGE_FANOUT else 2)
    assert rounds <= MERGE_ROUNDS


@pytest.mark.parametrize(
    ("deferred", "expected"),
    [
        (0, ["stories(limit=3000)", "compact"]),
        (5000, ["stories(limit=3000)", "compact", "stories(limit=None)"]),
    ],
)
def test_the_background_update_groups_a_small_library_before_it_merges(
    monkeypatch: pytest.MonkeyPatch, deferred: int, expected: list[str]
) -> None:
    """`briefing stories` right after a build waits for the background process: a
    grouping of a few thousand articles goes before the merging, a larger one after."""
    import argparse

    from briefing.cli import commands
    from briefing.compare.model import SyncReport

    calls: list[str] = []

    class Recording:
        def compact(self) -> None:
            calls.append("compact")

        def sync_stories(self, limit: int | None = None) -> SyncReport:
            calls.append(f"stories(limit={limit})")
            return SyncReport(deferred=deferred if limit is not None else 0)

    monkeypatch.setattr(commands, "engine_for", lambda name: Recording())
    monkeypatch.setattr(os, "nice", lambda n: 0)
    args = argparse.Namespace(background=True, no_stories=False)
    assert commands._cmd_index(args, "lib") == 0
    assert calls == expected


def test_a_build_run_from_a_folder_with_another_briefing_package_uses_its_own_code(
    tmp_path: Path,
) -> None:
    """The build's worker processes import briefing as installed, not a ``briefing``
    folder that happens to be in the current folder (another checkout, the user's
    notes): with it first on their path, every worker died and every file was lost."""
    here = tmp_path / "elsewhere"
    (here / "briefing" / "index").mkdir(parents=True)
    for name in ("__init__.py", "index/__init__.py", "index/pipeline.py"):
        (here / "briefing" / name).write_text("# not the installed briefing\n", encoding="utf-8")
    folder = write_files(tmp_path / "wire", {f"{n:03}.txt": _article(n) for n in range(80)})
    command = Path(sys.executable).parent / "briefing"
    env = {**os.environ, "BRIEFING_HOME": str(tmp_path / "home")}
    env.pop("PYTHONSAFEPATH", None)
    done = subprocess.run(
        [str(command), "index", str(folder), "--library", "w", "--json", "--no-stories"],
        cwd=here,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["skipped"] == []
    assert report["total_articles"] == 80
