"""The CLI as a user runs it: a subprocess, from another directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, write_files


def run(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing", *args],
        capture_output=True,
        text=True,
        cwd=cwd or Path("/tmp"),
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
    )


def test_phrase_search_json_highlights_cover_the_phrase() -> None:
    out = run("search", '"precision strikes"', "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) >= {"query", "total", "hits", "facets", "suggestion", "notices"}
    assert data["total"] >= 1
    for hit in data["hits"]:
        assert set(hit) >= {
            "id",
            "title",
            "source",
            "author",
            "published",
            "score",
            "path",
            "snippets",
        }
        covered = [s["text"][a:b] for s in hit["snippets"] for a, b in s["highlights"]]
        assert any(c.lower() == "precision strikes" for c in covered), covered
    ids = {h["id"].split("/")[-1][:3] for h in data["hits"]}
    assert "001" in ids


def test_list_and_show() -> None:
    data = json.loads(run("list", "--json").stdout)
    assert len(data["articles"]) == 5
    first = data["articles"][0]
    assert set(first) >= {
        "id",
        "title",
        "source",
        "author",
        "published",
        "path",
        "inferred",
        "warnings",
    }
    shown = json.loads(run("show", "002", "--json").stdout)
    assert shown["published"] == "2024-05-23" and "body" in shown
    assert ">>Related" not in shown["body"]
    text = run("show", "004").stdout
    assert "US launches retaliatory airstrikes in Iraq and Syria, killing dozens" in text


def test_reader_comment_is_not_found() -> None:
    data = json.loads(run("search", '"Global Communism"', "--json").stdout)
    assert data["total"] == 0
    data = json.loads(run("search", "Asia-Pacific Nikkei", "--json").stdout)
    assert data["total"] == 0


def test_related_sources_paths() -> None:
    related = json.loads(run("related", "003", "--json").stdout)
    assert related["related"] and all(
        not h["id"].endswith(related["id"]) for h in related["related"]
    )
    sources = json.loads(run("sources", "--json").stdout)["sources"]
    assert sources.get("Zero Hedge") == 1
    paths = json.loads(run("paths", "--json").stdout)
    assert set(paths) >= {"data", "config", "libraries"}
    assert "default" in paths["libraries"]


def test_piped_output_is_plain() -> None:
    out = run("search", "Deir ez-Zor")
    assert out.returncode == 0
    assert "\x1b[" not in out.stdout
    assert "hits" in out.stdout


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("search",), 2),
        (("search", "x", "--since", "yesterday"), 2),
        (("search", "x", "--limit", "-1"), 2),
        (("--library", "bad name!", "list"), 2),
        (("index", "/no/such/folder"), 2),
        (("show", "no-such-article"), 1),
        (("frobnicate",), 2),
    ],
)
def test_errors_are_one_line(args: tuple[str, ...], code: int) -> None:
    out = run(*args)
    assert out.returncode == code, out
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert out.stderr.startswith("briefing: error:")


def test_malformed_query_falls_back_with_a_notice() -> None:
    out = run("search", '(strikes AND "Syria', "--json")
    assert out.returncode == 0
    data = json.loads(out.stdout)
    assert data["total"] >= 1


def test_zero_hits_exit_zero_with_suggestion() -> None:
    data = json.loads(run("search", "precisoin", "--json").stdout)
    assert data["total"] == 0
    assert data["suggestion"] == "precision"


def test_index_a_folder_reports_skips_and_duplicates(tmp_path: Path) -> None:
    folder = write_files(
        tmp_path / "news",
        {
            "one.txt": "First title\n\nFirst body about zeppelins.",
            "copy.txt": "First title\n\nFirst body about zeppelins.",
            "bad.json": "{not json",
            "image.png": b"\x89PNG\r\n",
        },
    )
    out = run("--library", "mine", "index", str(folder), "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["added"] == 1 and report["total_articles"] == 1
    reasons = {Path(s["path"]).name: s["reason"] for s in report["skipped"]}
    assert set(reasons) == {"bad.json", "image.png"}
    assert len(report["duplicates"]) == 1
    again = json.loads(run("--library", "mine", "index", "--json").stdout)
    assert again["files_read"] == 0
    hits = json.loads(run("--library", "mine", "search", "zeppelins", "--json").stdout)
    assert hits["total"] == 1
    text = run("--library", "mine", "index").stdout
    assert "Skipped 2 files" in text and "Duplicates 1" in text


def test_version_and_help() -> None:
    assert run("--version").stdout.startswith("briefing ")
    for command in ("index", "search", "list", "show", "related", "sources", "paths"):
        out = run(command, "--help")
        assert out.returncode == 0 and "--library" in out.stdout, command


def test_unknown_theme_is_a_one_line_error_listing_the_names() -> None:
    out = run("--theme", "nosuch")
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1
    assert "nosuch" in out.stderr and "briefing-light" in out.stderr
    assert "briefing-contrast" in out.stderr and "textual-dark" in out.stderr


def test_a_missing_path_is_not_taken_for_a_folder() -> None:
    out = run("/no/such/folder")
    assert out.returncode == 2 and "invalid choice" in out.stderr


def test_empty_query_lists_every_article_newest_first_undated_last() -> None:
    data = json.loads(run("search", "", "--json").stdout)
    assert data["total"] == 5
    dates = [h["published"] for h in data["hits"]]
    assert dates[:2] == ["2024-05-23", "2024-02-04"]
    assert dates[2:] == [None, None, None]
