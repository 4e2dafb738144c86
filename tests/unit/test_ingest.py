"""Ingestion: safe walking, ids, sanitising, caps, per-file failures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from briefing.corpus import ingest
from briefing.corpus.ingest import Skip, SourceFile, ingest_file, walk
from briefing.corpus.sanitize import sanitize_line, sanitize_text
from briefing.index import apart, pipeline, prepare
from tests.conftest import SAMPLE, write_files


def _walk(root: Path) -> tuple[list[SourceFile], list[Skip]]:
    files: list[SourceFile] = []
    skips: list[Skip] = []
    for item in walk(root, "lib"):
        if isinstance(item, Skip):
            skips.append(item)
        else:
            files.append(item)
    return files, skips


def test_sanitize_removes_controls_keeps_newlines_and_tabs() -> None:
    hostile = "a\x00b\x07c\x1b]0;pwned\x07d\x7fe\x85f\x9bg\u202eh\u2066i\tj\nk\rl"
    clean = sanitize_text(hostile)
    # The OSC and the C1 CSI go whole (no "]0;pwned" debris); NEL and CR become newlines.
    assert clean == "abcde\nfhi\tj\nk\nl"
    for ch in clean:
        assert ch in "\n\t" or (ord(ch) >= 0x20 and not 0x7F <= ord(ch) <= 0x9F)


def test_sanitize_removes_whole_escape_sequences() -> None:
    text = "Title \x1b]0;PWNED\x07now \x1b[2Jclear \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ end"
    assert sanitize_line(text) == "Title now clear link end"
    assert sanitize_text("red \x1b[31;1mtext\x1b[0m, \x1bc reset") == "red text,  reset"


def test_sanitize_line_is_one_line_without_invisibles() -> None:
    assert sanitize_line(" Tit\u200ble\r\nwith\u2028breaks\u202e  ") == "Title with breaks"


def test_walk_skips_hidden_unsupported_fifos_and_outside_links(tmp_path: Path) -> None:
    outside = write_files(tmp_path / "outside", {"secret.txt": "secret text"})
    root = write_files(
        tmp_path / "lib",
        {"a.txt": "A\n\nbody", "sub/b.md": "# B\n\nbody", ".hidden/c.txt": "x", "d.odt": "x"},
    )
    os.symlink(outside / "secret.txt", root / "link.txt")
    os.symlink(outside, root / "linkdir")
    os.symlink(root / "a.txt", root / "inside.txt")
    os.mkfifo(root / "pipe.txt")
    files, skips = _walk(root)
    assert [f.relpath for f in files] == ["a.txt", "inside.txt", "sub/b.md"]
    reasons = {Path(s.path).name: s.reason for s in skips}
    assert "outside" in reasons["link.txt"]
    assert "outside" in reasons["linkdir"]
    assert "not a regular file" in reasons["pipe.txt"]
    assert "unsupported" in reasons["d.odt"]


def test_ids_are_label_and_relative_path(tmp_path: Path) -> None:
    root = write_files(tmp_path / "lib", {"x/y.txt": "Title\n\nBody text here."})
    (sf,) = _walk(root)[0]
    result = ingest_file(sf)
    assert [a.id for a in result.articles] == ["lib/x/y.txt"]


def test_bad_files_give_one_line_reasons(tmp_path: Path) -> None:
    root = write_files(
        tmp_path / "lib",
        {
            "empty.txt": "",
            "binary.txt": bytes(range(256)) * 10,
            "broken.json": '{"title": "x", "text": ',
            "good.txt": "Good title\n\nGood body.",
        },
    )
    results = {Path(sf.path).name: ingest_file(sf) for sf in _walk(root)[0]}
    assert results["good.txt"].articles
    for name in ("empty.txt", "binary.txt", "broken.json"):
        assert not results[name].articles
        assert "\n" not in (results[name].skipped or "\n")


def test_huge_file_is_refused_and_long_body_capped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", 1000)
    root = write_files(tmp_path / "lib", {"big.txt": "Title\n\n" + "word " * 400})
    result = ingest_file(_walk(root)[0][0])
    assert not result.articles and "larger than" in (result.skipped or "")
    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", 10_000_000)
    monkeypatch.setattr(ingest, "MAX_BODY_CHARS", 500)
    result = ingest_file(_walk(root)[0][0])
    (article,) = result.articles
    assert len(article.body) <= 500
    assert any("capped" in w for w in article.warnings)


def test_encodings_are_detected(tmp_path: Path) -> None:
    text = "Café crème à Zürich\n\nLe président a déclaré que la situation était sérieuse."
    root = write_files(
        tmp_path / "lib",
        {
            "utf16.txt": text.encode("utf-16"),
            "bom.txt": b"\xef\xbb\xbf" + text.encode("utf-8"),
            "latin1.txt": text.encode("latin-1"),
            "cp1252.txt": (text + " \u201cquoted\u201d").encode("cp1252"),
        },
    )
    for sf in _walk(root)[0]:
        (article,) = ingest_file(sf).articles
        assert article.title == "Café crème à Zürich", sf.relpath
        assert "président" in article.body


def test_hostile_text_is_sanitised_everywhere(tmp_path: Path) -> None:
    root = write_files(
        tmp_path / "lib",
        {"evil.txt": "[bold]Evil\x1b]0;owned\x07 title\u202e\n\nBody \x1b[31mred\x1b[0m text\x00."},
    )
    (article,) = ingest_file(_walk(root)[0][0]).articles
    for value in (article.title, article.body):
        assert "\x1b" not in value and "\x07" not in value and "\x00" not in value
        assert "\u202e" not in value
    assert article.title == "[bold]Evil title"
    assert article.body == "Body red text."


def test_sample_corpus_ingests() -> None:
    files, skips = _walk(SAMPLE)
    assert not skips and len(files) == 5
    articles = [a for sf in files for a in ingest_file(sf).articles]
    assert len(articles) == 5
    by_prefix = {a.id.split("/")[-1][:3]: a for a in articles}
    assert by_prefix["001"].source == "Zero Hedge"
    assert by_prefix["001"].author == "Tyler Durden"
    assert str(by_prefix["002"].published) == "2024-05-23"
    assert str(by_prefix["004"].published) == "2024-02-04"
    assert "Global Communism" not in by_prefix["001"].body
    assert ">>Related" not in by_prefix["002"].body
    assert {"source", "author"} <= by_prefix["001"].inferred


# -- the worker pipeline ---------------------------------------------------------------


def _brief_files(count: int) -> dict[str, str]:
    return {
        f"a{n:02}.txt": f"Report {n} from Deir ez-Zor\n\nOfficials counted {n} drones.\n"
        for n in range(count)
    }


def test_files_are_prepared_as_the_writer_analyses_them(tmp_path: Path) -> None:
    files = _brief_files(3)
    files["bad.json"] = "{not json"
    sources, _ = _walk(write_files(tmp_path, files))
    results = [prepare.prepare_file(source) for source in sources]
    bad = next(p for p in results if p.source.path.name == "bad.json")
    assert bad.skipped and not bad.articles
    names = {f.name: f for f in results[0].articles[0].fields}
    assert {t for t, _, _ in names["names"].postings} == {b"report", b"deir", b"zor", b"oficials"}
    assert b"drones" in names["body"].spell


def test_worker_tasks_are_bounded_in_files_and_bytes(tmp_path: Path) -> None:
    most_files, most_bytes = 8, 256 * 1024
    files = {f"s{n}.txt": "x" * 100 for n in range(10)}
    files["big.sgm"] = "y" * (most_bytes + 1)  # a thousand-article archive
    sources, _ = _walk(write_files(tmp_path, files))
    sized = list(pipeline._chunks(sources, most_files, most_bytes))
    chunks = [chunk for chunk, _ in sized]
    assert [size for _, size in sized] == [most_bytes + 1, 800, 200]
    assert [s for chunk in chunks for s in chunk] == sources
    assert all(len(chunk) <= most_files for chunk in chunks)
    assert [s.path.name for s in chunks[0]] == ["big.sgm"]  # alone: its own task


def test_build_batches_start_small_and_double(tmp_path: Path) -> None:
    files = {f"s{n:03}.txt": "x" * 1000 for n in range(100)}
    sources, _ = _walk(write_files(tmp_path, files))
    sized = list(pipeline._chunks(sources, 2, 2000, most_bytes=16_000))
    assert [len(chunk) for chunk, _ in sized] == [2, 4, 8, 16, 16, 16, 16, 16, 6]
    assert [s for chunk, _ in sized for s in chunk] == sources
    # Small files: the bytes double on, the files stop at their own limit.
    capped = list(pipeline._chunks(sources, 2, 2000, most_bytes=64_000, most_files=8))
    assert [len(chunk) for chunk, _ in capped] == [2, 4, *[8] * 11, 6]
    assert [s for chunk, _ in capped for s in chunk] == sources


def test_a_job_run_apart_ends_at_once_when_stopped() -> None:
    """The app closing ends its long jobs (a first grouping of a large library) rather
    than wait minutes for them: the waiting thread gets BrokenProcessPool."""
    import threading
    import time
    from concurrent.futures.process import BrokenProcessPool

    outcome: dict[str, BaseException] = {}

    def job() -> None:
        try:
            apart.run_apart(time.sleep, 600)
        except BrokenProcessPool as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=job)
    thread.start()
    deadline = time.monotonic() + 60  # a guard against a hang, not a timing
    while time.monotonic() < deadline:
        with apart._apart_lock:
            started = any(e._processes for e in apart._apart_running)
        if started:
            break
        thread.join(0.05)
    apart.stop_apart()
    thread.join(60)
    assert not thread.is_alive()
    assert isinstance(outcome.get("error"), BrokenProcessPool)


def test_a_build_batch_holds_one_archive_at_most(tmp_path: Path) -> None:
    """A file of half the largest batch or more (an archive of a thousand articles) is
    a batch of its own, whatever the files around it: two in one batch kept the
    commits of a 42k build 7.6 s apart."""
    files = {
        "a0.txt": "x" * 100,
        "a1.sgm": "y" * 9_000,
        "a2.sgm": "y" * 8_000,
        "a3.txt": "x" * 100,
        "a4.txt": "x" * 100,
        "a5.sgm": "y" * 7_000,
    }
    sources, _ = _walk(write_files(tmp_path, files))
    sized = list(pipeline._chunks(sources, 64, 2_000, most_bytes=16_000))
    names = [[s.path.name for s in chunk] for chunk, _ in sized]
    assert names == [["a0.txt"], ["a1.sgm"], ["a2.sgm"], ["a3.txt", "a4.txt"], ["a5.sgm"]]
    assert [s for chunk, _ in sized for s in chunk] == sources
