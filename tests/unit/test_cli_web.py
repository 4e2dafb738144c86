"""`briefing add URL`, `briefing feeds ...` and `briefing update`, against a local server."""

from __future__ import annotations

import json
from pathlib import Path

from tests.unit.test_cli import run
from tests.web_server import Route, WebServer, article_page, rss

ITEMS = [
    ("g1", "Quokka census", "Rangers counted every zanzibarian quokka."),
    ("g2", "Harbour foghorn", "A xylophonic foghorn woke the harbour."),
]


def test_add_urls_indexes_pages_and_reports_failures_one_line_each(
    web_server: WebServer,
) -> None:
    web_server.routes["/a"] = Route(article_page("Quokka census", "zanzibarian quokka"))
    web_server.routes["/pdf"] = Route(b"%PDF-1.7", "application/pdf")
    web_server.routes["/\x1b]0;evil\x07"] = Route(b"x", status=500)
    urls = [web_server.url("/a"), web_server.url("/pdf"), "gopher://x", web_server.url("/nope")]
    out = run("add", *urls, "--library", "web", "--no-stories")
    assert out.returncode == 1
    errors = out.stderr.strip().splitlines()
    assert len(errors) == 3, out.stderr
    assert "not HTML (application/pdf)" in errors[0]
    assert "http or https" in errors[1]
    assert "HTTP 404" in errors[2]
    assert "added" in out.stdout and "Quokka census" in out.stdout

    found = run("search", "zanzibarian", "--library", "web", "--json")
    (hit,) = json.loads(found.stdout)["hits"]
    assert hit["url"] == web_server.url("/a")
    shown = json.loads(run("show", hit["id"], "--library", "web", "--json").stdout)
    assert shown["fetched"] is not None


def test_add_json_gives_each_page_its_id_and_title(web_server: WebServer) -> None:
    web_server.routes["/a"] = Route(article_page("Quokka census", "zanzibarian quokka"))
    out = run("add", web_server.url("/a"), "--library", "web", "--json", "--no-stories")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    (page,) = data["pages"]
    assert page["title"] == "Quokka census" and page["error"] is None
    assert page["id"].startswith("web/pages/") and data["index"]["added"] == 1


def test_feeds_add_list_update_rm_and_opml(web_server: WebServer, tmp_path: Path) -> None:
    web_server.routes["/rss"] = Route(rss("Local Herald", ITEMS), "application/rss+xml", etag='"1"')
    web_server.routes["/down"] = Route(b"no", status=500)
    lib = ("--library", "web")
    assert run("feeds", "add", web_server.url("/rss"), *lib).returncode == 0
    assert run("feeds", "add", web_server.url("/down"), *lib).returncode == 0
    bad = run("feeds", "add", "file:///etc/passwd", *lib)
    assert bad.returncode == 1 and len(bad.stderr.splitlines()) == 1

    update = run("update", "--json", "--no-stories", *lib)
    assert update.returncode == 1  # one feed failed; the other was fetched
    data = json.loads(update.stdout)
    assert data["new"] == 2 and data["failed"] == 1 and data["index"]["added"] == 2
    by_url = {f["url"]: f for f in data["feeds"]}
    assert by_url[web_server.url("/down")]["status"] == "HTTP 500 Internal Server Error"

    again = json.loads(run("update", "--json", "--no-stories", *lib).stdout)
    assert again["new"] == 0 and again["index"] is None
    assert {f["url"]: f["not_modified"] for f in again["feeds"]}[web_server.url("/rss")]

    listed = json.loads(run("feeds", "--json", *lib).stdout)["feeds"]
    herald = next(f for f in listed if f["url"] == web_server.url("/rss"))
    assert herald["title"] == "Local Herald" and herald["items"] == 2
    assert herald["status"] == "not modified" and herald["last_fetch"]
    text = run("feeds", *lib).stdout
    assert "Local Herald" in text and "2 items" in text

    opml = tmp_path / "feeds.opml"
    assert run("feeds", "export", str(opml), *lib).returncode == 0
    assert run("feeds", "export", str(opml), *lib).returncode == 1  # kept without --force
    assert run("feeds", "rm", web_server.url("/rss"), *lib).returncode == 0
    assert run("feeds", "rm", web_server.url("/rss"), *lib).returncode == 1
    imported = json.loads(run("feeds", "import", str(opml), "--json", *lib).stdout)
    assert imported["added"] == [web_server.url("/rss")]
    broken = tmp_path / "broken.opml"
    broken.write_text("<opml><body>", encoding="utf-8")
    failed = run("feeds", "import", str(broken), *lib)
    assert failed.returncode == 1 and len(failed.stderr.splitlines()) == 1
    # The articles stay when a feed is removed.
    assert len(json.loads(run("list", "--json", *lib).stdout)["articles"]) == 2


def test_update_without_feeds_says_how_to_subscribe() -> None:
    out = run("update", "--library", "web")
    assert out.returncode == 0 and "briefing feeds add" in out.stdout
