"""Hostile file names in the app: every screen shows them with visible escapes.

The app opens on a folder whose file names hold an OSC title sequence (ended by BEL),
a CSI, a C1 CSI, a bidi override, a newline and bytes that are not UTF-8. What the
screen would send to the terminal (the compositor's lines) must hold no control
character, bidi control or lone surrogate, and must show the names' visible escapes.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from rich.text import Text
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from briefing.tui.app import BriefingApp, make_app
from briefing.tui.screens.library import FolderPicker, LibraryScreen
from briefing.tui.screens.reader import ReaderScreen
from briefing.tui.widgets.result_list import ResultList
from tests.tui.helpers import settle, until

SIZE = (160, 50)
RAW = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
BODY = (
    "Harbour report {n}\n\n"
    "The quokka census on the isle counted {n} zanzibarian quokkas near the harbour. "
    "Rangers said the foghorn woke every quokka before dawn.\n"
)
OSC = "osc-\x1b]0;FN-PWNED\x07.txt"
NAMES = {
    OSC: 1,
    "csi-\x1b[31mred.txt": 2,
    "c1-\x9b31mx.txt": 3,
    "bidi-\u202etxt.exe.txt": 4,
    "new\nline.txt": 5,
    "ambig-\x1b]0;A\x07-1.txt": 6,
    "ambig-\x1b]0;A\x07-2.txt": 7,
    "twin-\x1b]2;DUP\x07.txt": 1,  # the same text as OSC: a duplicate
}
PICKED = "pick-\x1b]0;DIR\x07"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder (where the library screen's picker starts) holding the hostile
    folder ``news`` and a hostile-named folder to pick."""
    home = tmp_path / "h"
    news = home / "news"
    news.mkdir(parents=True)
    for name, n in NAMES.items():
        (news / name).write_text(BODY.format(n=n), encoding="utf-8")
    (news / "empty-\x1b]0;SKIP\x07.txt").write_bytes(b"")
    with open(os.fsencode(news) + b"/bytes-\xff\xfe.txt", "wb") as handle:
        handle.write(BODY.format(n=9).encode())
    picked = home / PICKED
    picked.mkdir()
    (picked / "a.txt").write_text(BODY.format(n=11), encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    return home


def screen_lines(app: App[None]) -> list[str]:
    """The text of every line the screen would send to the terminal, toasts included."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def assert_shown_safely(app: App[None]) -> str:
    text = "\n".join(screen_lines(app))
    raw = sorted({f"U+{ord(c):04X}" for c in RAW.findall(text.replace("\n", ""))})
    assert not raw, f"raw characters on screen: {raw}\n{text}"
    return text


def cells(table: DataTable[Text], column: int) -> list[str]:
    return [str(table.get_row_at(row)[column]) for row in range(table.row_count)]


async def open_results(app: BriefingApp, pilot: Pilot[None]) -> ResultList:
    results = app.screen.query_one(ResultList)
    await until(app, pilot, lambda: results.total == len(NAMES) - 1)
    return results


async def test_results_and_reader_show_escaped_names(home: Path) -> None:
    app = make_app(path=home / "news")
    async with app.run_test(size=SIZE) as pilot:
        results = await open_results(app, pilot)
        text = assert_shown_safely(app)
        for shown in (
            "news/osc-\\x1b]0;FN-PWNED\\x07.txt",
            "news/csi-\\x1b[31mred.txt",
            "news/c1-\\x9b31mx.txt",
            "news/bidi-\\u202etxt.exe.txt",
            "news/new\\x0aline.txt",
        ):
            assert shown in text

        # The reader's header shows the file's path on its metadata line.
        results.cursor = next(
            i for i in range(results.total) if results._hits[i].id == "news/" + OSC
        )
        results.focus()
        await pilot.press("enter")
        await until(app, pilot, lambda: getattr(app.screen, "article", None) is not None)
        assert isinstance(app.screen, ReaderScreen)
        text = assert_shown_safely(app)
        assert str(home / "news" / "osc-\\x1b]0;FN-PWNED\\x07.txt") in text


async def test_an_ambiguous_id_in_the_reader_is_escaped(home: Path) -> None:
    app = make_app(path=home / "news")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_results(app, pilot)
        app.open_article("ambig", "")  # the engine's error lists both ids
        await until(app, pilot, lambda: "Article not available" in "".join(screen_lines(app)))
        await until(app, pilot, lambda: bool(app.screen.query("Toast")))
        text = assert_shown_safely(app)  # the view and the notification
        assert text.count("'ambig' matches 2 articles") == 2, text
        assert "news/ambig-\\x1b]0;A\\x07-1.txt" in text


async def test_library_screen_shows_escaped_names_and_adds_the_real_one(home: Path) -> None:
    app = make_app(path=home / "news")
    async with app.run_test(size=SIZE) as pilot:
        await open_results(app, pilot)
        await pilot.press("ctrl+l")
        await until(app, pilot, lambda: isinstance(app.screen, LibraryScreen))
        screen = app.screen
        skipped: DataTable[Text] = screen.query_one("#skipped", DataTable)
        await until(app, pilot, lambda: skipped.row_count == 2)
        news = home.resolve() / "news"
        assert sorted(cells(skipped, 0)) == [
            str(news / "bytes-\\xff\\xfe.txt"),
            str(news / "empty-\\x1b]0;SKIP\\x07.txt"),
        ]
        duplicates: DataTable[Text] = screen.query_one("#duplicates", DataTable)
        assert cells(duplicates, 0) == ["news/twin-\\x1b]2;DUP\\x07.txt"]
        text = assert_shown_safely(app)
        assert "pick-\\x1b]0;DIR\\x07" in text  # in the folder picker

        # Picking the hostile folder shows it escaped in the box, and adds the real one.
        picker = screen.query_one(FolderPicker)
        picker.focus()
        await until(app, pilot, lambda: len(picker.root.children) > 0)
        node = next(n for n in picker.root.children if n.data and n.data.path.name == PICKED)
        assert str(node.label) == "pick-\\x1b]0;DIR\\x07"
        picker.move_cursor(node)
        await pilot.press("enter")
        await pilot.pause()
        box = screen.query_one("#path", Input)
        assert box.value == str(home / "pick-\\x1b]0;DIR\\x07")
        assert_shown_safely(app)
        box.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert [e.path for e in app.library.entries][-1] == str((home / PICKED).resolve())
        assert_shown_safely(app)
