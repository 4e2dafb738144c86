"""One policy for failed workers: a plain one-line notification, the app goes on."""

from __future__ import annotations

import ast
import contextlib
import errno
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Static
from textual.widgets._toast import Toast  # not exported by textual.widgets
from textual.worker import WorkerCancelled, WorkerFailed

from briefing.engine import ArticleNotFound, Progress
from briefing.index.locking import IndexBusy
from briefing.tui.app import BriefingApp, make_app
from briefing.tui.failures import MAX_MESSAGE, failure_message
from briefing.tui.screens.compare import CompareScreen
from briefing.tui.screens.help import HelpScreen
from briefing.tui.screens.search import SearchScreen

SIZE = (120, 40)
TUI = Path(__file__).resolve().parents[2] / "briefing" / "tui"
HOSTILE = "boom [b]markup[/b] \x1b]0;PWNED\x07 [@click=app.quit]x[/]"
BUSY = "the index of library 'default' is busy: another briefing is updating it"


class Faulty:
    """The app's engine, with some of its methods replaced (to raise, usually)."""

    def __init__(self, engine: Any, **methods: Callable[..., Any]) -> None:
        self._engine = engine
        self._methods = methods

    def __getattr__(self, name: str) -> Any:
        return self._methods.get(name) or getattr(self._engine, name)


def raises(error: BaseException) -> Callable[..., Any]:
    def method(*args: Any, **kwargs: Any) -> Any:
        raise error

    return method


async def until(app: App[Any], pilot: Pilot[Any], condition: Callable[[], bool]) -> None:
    """Let workers end (failed ones too: that is what is tested) until ``condition``."""
    for _ in range(50):
        if condition():
            return
        for worker in [w for w in app.workers if not w.is_finished]:
            with contextlib.suppress(WorkerFailed, WorkerCancelled):
                await worker.wait()
        await pilot.pause()
    raise AssertionError("the app never reached the expected state")


async def quiet(app: App[Any], pilot: Pilot[Any]) -> None:
    """Wait until no worker runs and what they posted has been handled."""
    await until(app, pilot, lambda: all(w.is_finished for w in app.workers))
    for _ in range(3):
        await pilot.pause()


def notifications(app: App[Any]) -> list[Any]:
    return list(app._notifications)


def status(app: App[Any], selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def calls(name: str) -> Iterator[tuple[str, ast.Call]]:
    """Every call of ``name`` (a function or a method) in briefing/tui, with where it is."""
    for path in sorted(TUI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called == name:
                    yield f"{path.relative_to(TUI)}:{node.lineno}", node


def keyword(call: ast.Call, name: str) -> object:
    found = next((k.value for k in call.keywords if k.arg == name), None)
    return found.value if isinstance(found, ast.Constant) else found


def test_every_worker_reports_to_the_policy_instead_of_ending_the_app() -> None:
    workers = [*calls("work"), *calls("run_worker")]
    assert len(workers) >= 14
    assert [where for where, call in workers if keyword(call, "exit_on_error") is not False] == []
    # The name is what the notification says was being done.
    assert [where for where, call in workers if not keyword(call, "name")] == []


def test_every_notification_is_plain_text() -> None:
    # Direct calls, and those passed to call_from_thread from a thread worker.
    notices = list(calls("notify")) + [
        (where, call)
        for where, call in calls("call_from_thread")
        if isinstance(call.args[0], ast.Attribute) and call.args[0].attr == "notify"
    ]
    assert len(notices) >= 10
    assert [where for where, call in notices if keyword(call, "markup") is not False] == []


def test_an_expected_error_is_its_message_with_what_failed() -> None:
    error = OSError(errno.ENOSPC, "No space left on device", "/tmp/briefing.md")
    assert failure_message("exporting the briefing", error) == (
        "Exporting the briefing failed: [Errno 28] No space left on device: '/tmp/briefing.md'"
    )
    assert failure_message("search", IndexBusy(BUSY)) == f"Search failed: {BUSY}"


def test_an_unexpected_error_names_its_type_and_the_job() -> None:
    assert failure_message("search", KeyError("x")) == "Unexpected error in search: KeyError: 'x'"
    assert failure_message("search", RuntimeError()) == "Unexpected error in search: RuntimeError"


def test_the_message_is_one_line_with_every_control_character_visible() -> None:
    message = failure_message("opening the article", ArticleNotFound("no id 'a\nb\u202e\x9bc'"))
    assert message == "Opening the article failed: no id 'a\\x0ab\\u202e\\x9bc'"
    long = failure_message("search", ValueError("x" * 10_000))
    assert len(long) == MAX_MESSAGE and long.endswith("…")


async def test_an_unexpected_error_in_a_worker_is_one_plain_notification_and_the_app_goes_on() -> (
    None
):
    app = make_app(update_on_start=False)
    app.engine = Faulty(app.engine, search=raises(RuntimeError(HOSTILE)))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await until(app, pilot, lambda: bool(notifications(app)))
        await quiet(app, pilot)
        (notice,) = notifications(app)
        expected = (
            "Unexpected error in search: RuntimeError: "
            "boom [b]markup[/b] \\x1b]0;PWNED\\x07 [@click=app.quit]x[/]"
        )
        assert (notice.message, notice.severity, notice.markup) == (expected, "error", False)
        # The toast shows it literally: no markup applied, no escape sent to the terminal.
        await until(app, pilot, lambda: bool(app.screen.query(Toast)))
        shown = str(app.screen.query_one(Toast).render())
        assert expected in shown and "\x1b" not in shown
        assert app.is_running and app.return_code is None
        assert isinstance(app.screen, SearchScreen)
        await pilot.press("escape", "question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_a_busy_index_while_searching_is_a_status_not_an_error() -> None:
    app = make_app(update_on_start=False)
    app.engine = Faulty(app.engine, search=raises(IndexBusy(BUSY)))
    async with app.run_test(size=SIZE) as pilot:
        await until(app, pilot, lambda: "Not searched" in status(app, "#status"))
        await quiet(app, pilot)
        assert status(app, "#status") == f"Not searched: {BUSY}"
        assert notifications(app) == []
        assert app.is_running


async def test_a_failed_update_says_why_once_and_takes_the_progress_down() -> None:
    app = make_app(update_on_start=False)
    shown: list[Progress | None] = []

    def update(progress: Callable[[Progress], None]) -> None:
        progress(Progress(done=1, total=10))
        shown.append(app.indexing)  # the bar is up: call_from_thread has run
        raise IndexBusy(BUSY)

    app.engine = Faulty(app.engine, update=update)
    async with app.run_test(size=SIZE) as pilot:
        await quiet(app, pilot)
        app.update_library()
        await until(app, pilot, lambda: bool(notifications(app)))
        await quiet(app, pilot)
        assert shown == [Progress(done=1, total=10)]
        assert app.indexing is None
        assert [(n.message, n.severity) for n in notifications(app)] == [
            (f"Indexing failed: {BUSY}", "error")
        ]


async def test_a_screen_worker_failure_reaches_the_app_and_the_screen_says_why() -> None:
    app: BriefingApp = make_app(update_on_start=False)
    gone = ArticleNotFound("no article with id 'lib/\x1b[2Jgone.txt'")
    app.engine = Faulty(app.engine, compare=raises(gone))
    async with app.run_test(size=SIZE) as pilot:
        await quiet(app, pilot)
        app.open_compare(["lib/a.txt", "lib/b.txt"])
        await until(app, pilot, lambda: bool(notifications(app)))
        await quiet(app, pilot)
        expected = "Comparing failed: no article with id 'lib/\\x1b[2Jgone.txt'"
        assert [(n.message, n.markup) for n in notifications(app)] == [(expected, False)]
        assert isinstance(app.screen, CompareScreen)
        assert status(app, "#compare-status") == expected  # not "Comparing…" for ever
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)


async def test_a_query_typed_while_a_search_fails_is_still_searched() -> None:
    """One search worker takes the queries in turn: if a search fails, the one typed
    meanwhile is searched by a new worker (the failure is still reported)."""
    from briefing.tui.widgets.result_list import ResultList

    app = make_app(update_on_start=False)
    real = app.engine

    def search(query: str, *args: Any, **kwargs: Any) -> Any:
        if query == "boom":
            screen = app.screen
            assert isinstance(screen, SearchScreen)

            def typed_meanwhile() -> None:
                screen.query_text = "syria"
                screen.search_now()

            app.call_from_thread(typed_meanwhile)
            raise RuntimeError("boom")
        return real.search(query, *args, **kwargs)

    app.engine = Faulty(real, search=search)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await quiet(app, pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        screen.query_text = "boom"
        screen.search_now()
        expected = real.search("syria").total
        assert expected > 0
        results = screen.query_one(ResultList)
        await until(app, pilot, lambda: bool(notifications(app)) and results.total == expected)
        assert "syria" in screen.query_text and "boom" in notifications(app)[0].message
