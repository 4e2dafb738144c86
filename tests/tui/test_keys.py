"""Keys: no key bound twice, help read from the bindings, and `a` annotates in compare."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from typing import Any

from textual.app import App
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode
from textual.widgets import Static

import briefing.tui
from briefing.tui.app import make_app
from briefing.tui.screens.compare import CompareScreen, PickArticle
from briefing.tui.screens.help import HelpScreen, section_classes
from briefing.tui.screens.note_editor import NoteEditor
from briefing.tui.widgets.key_bar import KeyBar
from briefing.tui.widgets.passage_view import PassageView
from tests.tui.helpers import settle, until
from tests.tui.test_compare_screen import open_compare, views

SIZE = (120, 40)


def bound_classes() -> list[type[DOMNode]]:
    """Every class in briefing.tui that declares key bindings of its own."""
    found: dict[str, type[DOMNode]] = {}
    for module_info in pkgutil.walk_packages(briefing.tui.__path__, "briefing.tui."):
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, DOMNode)
                and cls.__module__ == module.__name__
                and cls.__dict__.get("BINDINGS")
            ):
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return list(found.values())


def test_the_classes_with_bindings_are_found() -> None:
    names = {cls.__name__ for cls in bound_classes()}
    assert {"BriefingApp", "SearchScreen", "CompareScreen", "ResultList", "HelpScreen"} <= names


def test_no_class_binds_one_key_to_two_actions() -> None:
    # Of two bindings for one key the first runs: the second would be a promise (in the
    # key bar, the help, the palette) that the key never keeps. `plus,a` before `a` did that.
    clashes = []
    for cls in bound_classes():
        for key, bindings in BindingsMap(cls.__dict__["BINDINGS"]).key_to_bindings.items():
            actions = {b.action for b in bindings}
            if len(actions) > 1:
                clashes.append(f"{cls.__qualname__}: {key} -> {sorted(actions)}")
    assert clashes == []


def test_every_class_with_bindings_has_a_place_in_the_help() -> None:
    in_help = {cls for _, classes in section_classes() for cls in classes}
    missing = [
        cls.__qualname__
        for cls in bound_classes()
        if cls not in in_help and not issubclass(cls, App)  # the app is "Anywhere"
    ]
    assert missing == []


_ROW = re.compile(r"^  (\S.*?) {2,}(\S.*)$")


def help_rows(text: str) -> list[tuple[list[str], str]]:
    """The help's key lines: the keys shown, and the text beside them."""
    rows = []
    for line in text.splitlines():
        match = _ROW.match(line)
        if match and not line.startswith("   "):
            rows.append((match.group(1).split(" / "), match.group(2)))
    return rows


async def test_help_lists_every_binding_of_every_screen_by_key_and_description() -> None:
    app = make_app(update_on_start=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text", Static).render())
        rows = help_rows(text)
        expected: list[tuple[str, Binding]] = []
        classes: list[type[DOMNode]] = [*bound_classes(), App]
        for cls in classes:
            for bindings in BindingsMap(cls.__dict__["BINDINGS"]).key_to_bindings.values():
                binding = bindings[0]  # the one that runs
                if binding.description and not binding.system:
                    expected.append((cls.__qualname__, binding))
        expected.append(("palette", Binding(app.COMMAND_PALETTE_BINDING, "command_palette")))
        assert len(expected) > 40
        missing = []
        for owner, binding in expected:
            shown = app.get_key_display(binding)
            if not any(
                shown in keys and (not binding.description or rest.startswith(binding.description))
                for keys, rest in rows
            ):
                missing.append(f"{owner}: {shown} {binding.description}")
        assert missing == []
        # The longer explanation (the binding's tooltip) is there too.
        assert any(
            "-" in keys and "x" in keys and rest == "Remove — Remove the focused column"
            for keys, rest in rows
        )
        # What the old, hand-written help promised and no key did.
        assert not any("a" in keys and rest.startswith("Add column") for keys, rest in rows)
        assert "Query syntax" in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_a_in_compare_annotates_the_selected_passage_and_plus_adds_a_column() -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_compare(app, pilot, "003", "004")
        bar = screen.query_one(KeyBar)
        assert "a Annotate" in str(bar.render())
        view = views(screen)["003"]
        view.focus()
        await pilot.press("j", "j")
        await pilot.pause()
        passage = view.passages[view.cursor].passage
        assert view.cursor == 2

        await pilot.press("a")
        await until(app, pilot, lambda: isinstance(app.screen, NoteEditor))
        editor = app.screen
        assert isinstance(editor, NoteEditor)
        article = screen.articles[view.article_id]
        assert article is not None
        assert editor.quote == article.body[passage.start : passage.end]
        assert editor.quote.strip()
        assert len(screen.query(PassageView)) == 2  # no column was added
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen

        await pilot.press("plus")
        await until(app, pilot, lambda: isinstance(app.screen, PickArticle))
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, CompareScreen)


def check_key_bar(app: App[Any], width: int) -> list[str]:
    """The current screen's key bar: each item a key and what that key runs now."""
    screen = app.screen
    text = str(screen.query_one(KeyBar).render())
    assert len(text) <= width
    items = re.split(r" {2,}", text.strip())
    assert items[-1] == "^p palette"  # never pushed out or cut by the other keys
    runs = {
        (app.get_key_display(active.binding), active.binding.description)
        for active in screen.active_bindings.values()
    }
    for item in items:
        key, _, description = item.partition(" ")
        assert (key, description) in runs, item
    return items


async def test_the_key_bar_shows_only_what_its_keys_run_and_keeps_the_palette_in_view() -> None:
    app = make_app()
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("escape")  # to the results
        await pilot.pause()
        assert "⏎ Open" in check_key_bar(app, 80)
        await open_compare(app, pilot, "003", "004")
        await pilot.pause()
        assert "a Annotate" in check_key_bar(app, 80)
        await pilot.press("b")
        await settle(app, pilot)
        assert "e Export" in check_key_bar(app, 80)
