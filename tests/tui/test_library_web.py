"""The library screen takes a web address and updates the feeds (a local server only)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import DataTable, Input, Static

from briefing import locations
from briefing.engine import load_library, open_engine
from briefing.tui.app import make_app
from tests.tui.helpers import settle, until
from tests.tui.test_library import SIZE, add_by_typing, cells, open_library
from tests.web_server import Route, WebServer, article_page, rss

ITEMS = [
    ("g1", "Quokka census", "Rangers counted every zanzibarian quokka."),
    ("g2", "Harbour foghorn", "A xylophonic foghorn woke the harbour."),
]


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small home folder for the screen's folder picker."""
    folder = tmp_path / "user"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    return folder


async def test_typing_a_web_address_fetches_and_indexes_the_page(web_server: WebServer) -> None:
    web_server.routes["/story"] = Route(article_page("Quokka census", "zanzibarian quokka"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_library(app, pilot)
        await add_by_typing(pilot, web_server.url("/story"))
        await until(app, pilot, lambda: bool(app.engine.search("zanzibarian").hits))

        (hit,) = app.engine.search("zanzibarian").hits
        assert hit.url == web_server.url("/story") and hit.id.startswith("web/pages/")
        assert screen.query_one("#path", Input).value == ""
        assert "web" in str(screen.query_one("#folders", Static).render())


async def test_a_bad_address_is_one_line_and_adds_nothing(web_server: WebServer) -> None:
    web_server.routes["/pdf"] = Route(b"%PDF-1.7", "application/pdf")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_library(app, pilot)
        before = list(app.library.entries)
        await add_by_typing(pilot, web_server.url("/pdf"))
        await settle(app, pilot)
        status = str(screen.query_one("#status", Static).render())
        assert "not HTML (application/pdf)" in status and "\n" not in status
        assert app.library.entries == before


async def test_u_updates_the_feeds_and_indexes_the_new_items(web_server: WebServer) -> None:
    web_server.routes["/rss"] = Route(rss("Local Herald", ITEMS), "application/rss+xml")
    web_server.routes["/down"] = Route(b"no", status=500)
    web = open_engine(load_library()).web()
    web.add_feed(web_server.url("/rss"))
    web.add_feed(web_server.url("/down"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_library(app, pilot)
        table: DataTable[Text] = screen.query_one("#feeds", DataTable)
        assert cells(table, 2) == ["never fetched", "never fetched"]

        await pilot.press("u")
        await until(app, pilot, lambda: bool(app.engine.search("xylophonic").hits))

        report = app.feeds_report
        assert report is not None and report.new == 2 and len(report.failed) == 1
        await until(app, pilot, lambda: "Local Herald" in cells(table, 0))
        assert cells(table, 2) == ["ok", "HTTP 500 Internal Server Error"]
        assert cells(table, 3) == ["2", "0"]
        # The failure stays in the table (the status line moves on to the indexing).


async def test_feeds_update_on_launch_when_the_last_update_is_old(
    web_server: WebServer,
) -> None:
    web_server.routes["/rss"] = Route(rss("Local Herald", ITEMS), "application/rss+xml")
    locations.config_file().parent.mkdir(parents=True, exist_ok=True)
    locations.config_file().write_text(json.dumps({"update_feeds_every": 6}), encoding="utf-8")
    open_engine(load_library()).web().add_feed(web_server.url("/rss"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(app, pilot, lambda: bool(app.engine.search("zanzibarian").hits))
        assert len(web_server.asked("/rss")) == 1

    # Launched again within the interval: the feeds are not fetched.
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.feeds_report is None
    assert len(web_server.asked("/rss")) == 1


async def test_typing_a_feed_address_subscribes_and_updates(web_server: WebServer) -> None:
    web_server.routes["/rss"] = Route(rss("Local Herald", ITEMS), "application/rss+xml")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_library(app, pilot)
        await add_by_typing(pilot, web_server.url("/rss"))
        await until(app, pilot, lambda: bool(app.engine.search("xylophonic").hits))

        assert [f.url for f in app.engine.web().feeds()] == [web_server.url("/rss")]
        table: DataTable[Text] = screen.query_one("#feeds", DataTable)
        await until(app, pilot, lambda: "Local Herald" in cells(table, 0))
        assert screen.query_one("#path", Input).value == ""

        # Typed again (the box keeps the focus): already subscribed, nothing fetched twice.
        assert app.focused is screen.query_one("#path", Input)
        await pilot.press(*web_server.url("/rss"), "enter")
        await until(
            app,
            pilot,
            lambda: "Already subscribed" in str(screen.query_one("#status", Static).render()),
        )
        assert len(app.engine.web().feeds()) == 1
