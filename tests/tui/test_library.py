"""The library screen: folders, adding one, the ingest report, untrusted file names."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import DataTable, DirectoryTree, Input, Static

from briefing.corpus.model import FileProblem
from briefing.engine import IngestReport
from briefing.index.library import load_library
from briefing.tui.app import BriefingApp, make_app
from briefing.tui.screens.library import MAX_ROWS, LibraryCommands, LibraryScreen
from briefing.tui.screens.search import SearchScreen
from briefing.tui.widgets.index_status import IndexStatus
from tests.conftest import write_files
from tests.tui.helpers import settle

SIZE = (120, 40)


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small home folder: the picker starts there, and ``~`` expands to it."""
    folder = tmp_path / "user"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    return folder


def cells(table: DataTable[Text], column: int) -> list[str]:
    """The plain text of one column of a table."""
    return [str(table.get_row_at(row)[column]) for row in range(table.row_count)]


async def open_library(app: BriefingApp, pilot: Pilot[None]) -> LibraryScreen:
    """Let the start-up indexing finish, then open the library screen with ctrl+l."""
    await settle(app, pilot)
    await pilot.press("ctrl+l")
    await settle(app, pilot)
    assert isinstance(app.screen, LibraryScreen)
    return app.screen


async def add_by_typing(pilot: Pilot[None], path: str) -> None:
    """Focus the path box with ``a``, type the path, press enter."""
    await pilot.press("a")
    await pilot.press(*path)
    await pilot.press("enter")


async def test_ctrl_l_lists_the_sample_corpus_and_escape_goes_back() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_library(app, pilot)
        folders = str(screen.query_one("#folders", Static).render())
        assert "sample_corpus" in folders
        assert str(app.library.entries[0].resolved()) in folders
        assert "missing" not in folders
        summary = str(screen.query_one("#summary", Static).render())
        assert "5 articles" in summary
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)


async def test_adding_a_folder_indexes_it_and_reports_skipped_files(home: Path) -> None:
    folder = write_files(
        home / "news",
        {
            "a.txt": "Quokka census\n\nRangers counted every zanzibarian quokka on the isle.\n",
            "b.txt": "Harbour report\n\nA xylophonic foghorn woke the harbour.\n",
            "bad.json": "{not json",
            "img.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00",
        },
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_library(app, pilot)
        # ``~`` is expanded: the folder is typed as the user would.
        await add_by_typing(pilot, "~/news")
        # The app indexes in its worker; this screen shows the progress meanwhile.
        assert screen.query_one(IndexStatus).is_attached
        await settle(app, pilot)

        assert [e.path for e in app.library.entries][-1] == str(folder.resolve())
        assert str(folder.resolve()) in str(screen.query_one("#folders", Static).render())
        assert screen.query_one("#path", Input).value == ""

        report = app.last_report
        assert report is not None and report.added == 2
        skipped = screen.query_one("#skipped", DataTable)
        files = cells(skipped, 0)
        reasons = dict(zip(files, cells(skipped, 1), strict=True))
        assert str(folder.resolve() / "bad.json") in files
        assert str(folder.resolve() / "img.png") in files
        assert "JSON" in reasons[str(folder.resolve() / "bad.json")]
        assert ".png" in reasons[str(folder.resolve() / "img.png")]
        summary = str(screen.query_one("#summary", Static).render())
        assert "7 articles" in summary and "2 added" in summary

        hits = app.engine.search("zanzibarian").hits
        assert [h.id for h in hits] == ["news/a.txt"]


async def test_a_missing_path_is_an_error_and_adds_nothing(tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_library(app, pilot)
        before = list(app.library.entries)
        typed = str(tmp_path / "no-such-folder")
        await add_by_typing(pilot, typed)
        await settle(app, pilot)

        assert app.library.entries == before
        status = screen.query_one("#status", Static)
        assert status.has_class("-error")
        assert "No such file or folder" in str(status.render())
        # The typed path is kept, so that it can be corrected.
        assert screen.query_one("#path", Input).value == typed

        screen.query_one("#path", Input).value = "  "  # an empty box is an error too
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.library.entries == before
        assert "Type a folder" in str(status.render())


async def test_markup_in_a_file_name_is_shown_literally(home: Path) -> None:
    name = "[bold]x[@click=app.quit].txt"
    write_files(
        home / "odd",
        {name: b"\x00\x01\x02\xff\xfe\x00binary", "fine.txt": "Fine\n\nA plain article.\n"},
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_library(app, pilot)
        await add_by_typing(pilot, "~/odd")
        await settle(app, pilot)

        skipped = screen.query_one("#skipped", DataTable)
        files = cells(skipped, 0)
        assert any(f.endswith("/odd/" + name) for f in files), files
        # Clicking or hovering the row must not run the embedded action.
        await pilot.click(skipped, offset=(2, 1))
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, LibraryScreen)


async def test_picking_a_folder_in_the_tree_fills_the_path_box(home: Path) -> None:
    write_files(home / "picked", {"a.txt": "A\n\nText.\n"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_library(app, pilot)
        tree = screen.query_one(DirectoryTree)
        await tree.reload()  # the home folder's entries are loaded
        await pilot.pause()
        assert tree.has_focus
        await pilot.press("down", "enter")  # the first entry under the root: "picked"
        await pilot.pause()
        assert screen.query_one("#path", Input).value == str(home / "picked")


async def test_a_missing_folder_is_marked_and_the_notice_shown(home: Path) -> None:
    folder = write_files(home / "gone", {"a.txt": "Gone\n\nSoon gone.\n"})
    library = load_library()
    library.add([folder])
    library.save()
    shutil.rmtree(folder)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_library(app, pilot)
        lines = str(screen.query_one("#folders", Static).render()).splitlines()
        assert [line for line in lines if "missing" in line] == [
            f"gone  {folder.resolve()}  missing"
        ]
        notices = screen.query_one("#notices", Static)
        assert notices.display and "is missing" in str(notices.render())


async def test_keys_are_in_the_footer_and_the_palette() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_library(app, pilot)
        shown = {a.binding.action: a.binding.description for a in screen.active_bindings.values()}
        expected = {
            "back": "Back",
            "reindex": "Re-index",
            "focus_path": "Add",
            "update_feeds": "Update feeds",
        }
        assert expected.items() <= shown.items()
        provider = LibraryCommands(screen)
        names = [str(hit.text) async for hit in provider.discover()]
        assert "Library: add a folder" in names
        assert "Library: update feeds" in names
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert "Indexing finished" in str(screen.query_one("#status", Static).render())


async def test_long_reports_are_capped_with_a_count_of_the_rest() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_library(app, pilot)
        skipped = [FileProblem(f"/data/f{n:04}.bin", "binary file") for n in range(MAX_ROWS + 7)]
        app.last_report = IngestReport(skipped=skipped, duplicates=[("a/1.txt", "b/1.txt")])
        await pilot.pause()

        assert screen.query_one("#skipped", DataTable).row_count == MAX_ROWS
        more = str(screen.query_one("#skipped-more", Static).render())
        assert more.startswith("… and 7 more")
        assert cells(screen.query_one("#duplicates", DataTable), 1) == ["b/1.txt"]
