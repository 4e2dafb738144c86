"""The installed ``briefing`` command in a real terminal: tmux at 120x40, keys in, screen out."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

BRIEFING = Path(sys.executable).parent / "briefing"


def _need_tmux() -> None:
    if shutil.which("tmux") is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is required in CI (.ci/run installs it)")
        pytest.skip("tmux is not installed")
    if not BRIEFING.exists():
        pytest.fail(f"the briefing command is not installed at {BRIEFING}")


class Terminal:
    """A tmux session on its own server socket, running one command."""

    def __init__(self, home: Path) -> None:
        self.socket = f"briefing-e2e-{uuid.uuid4().hex[:8]}"
        self.home = home

    def tmux(self, *args: str) -> str:
        out = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return out.stdout

    def start(self, *args: str, cwd: Path | None = None) -> None:
        env = f"BRIEFING_HOME={self.home}"
        # COLUMNS/LINES from the test runner's environment would override the pane's size.
        prefix = ["env", "-u", "COLUMNS", "-u", "LINES", env, "TERM=xterm-256color"]
        command = " ".join([*prefix, str(BRIEFING), *map(_quote, args)])
        where = ["-c", str(cwd)] if cwd is not None else []
        self.tmux("new-session", "-d", "-s", "e2e", *where, "-x", "120", "-y", "40", command)
        self.tmux("set-option", "-t", "e2e", "remain-on-exit", "on")
        self.tmux("select-pane", "-t", "e2e", "-T", "untouched-title")

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "e2e")

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.tmux("send-keys", "-t", "e2e", *(["-l"] if literal else []), *keys)

    def wait_for(self, predicate: Callable[[str], bool], what: str, timeout: float = 20) -> str:
        """Poll the screen until ``predicate`` holds: the only way to wait on a terminal."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if predicate(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; the screen was:\n{screen}")

    def dead(self) -> bool:
        return self.tmux("display-message", "-p", "-t", "e2e", "#{pane_dead}").strip() == "1"

    def title(self) -> str:
        return self.tmux("display-message", "-p", "-t", "e2e", "#{pane_title}").strip()

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def to_results(terminal: Terminal) -> None:
    """Enter in the query box: wait until the results have the focus (their keys show)."""
    terminal.keys("Enter")
    terminal.wait_for(lambda s: "⏎ Open" in s, "the results to take the focus")


def _quote(arg: str) -> str:
    return "'" + arg.replace("'", "'\\''") + "'"


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    _need_tmux()
    term = Terminal(tmp_path / "home")
    yield term
    term.close()


def test_search_open_read_and_quit(terminal: Terminal) -> None:
    terminal.start()
    terminal.wait_for(lambda s: "5 articles" in s, "the home screen")
    terminal.keys('"Deir ez-Zor"', literal=True)
    screen = terminal.wait_for(lambda s: "2 hits" in s, "the search results")
    assert "Deir al-Zor" in screen  # the other spelling, in a snippet or the notice
    to_results(terminal)
    terminal.keys("Enter")  # open the selected article
    screen = terminal.wait_for(lambda s: "hit 1/" in s, "the reader")
    assert "2nd Round Of US Airstrikes Over Syria" in screen
    assert "Zero Hedge" in screen
    terminal.keys("n")
    terminal.wait_for(lambda s: "hit 2/" in s, "the next hit")
    terminal.keys("Escape")
    terminal.wait_for(lambda s: "2 hits" in s, "the results again")
    terminal.keys("q")
    deadline = time.monotonic() + 10
    while not terminal.dead() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert terminal.dead(), terminal.screen()


def test_hostile_titles_and_escape_sequences_stay_inert(terminal: Terminal, tmp_path: Path) -> None:
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "evil.txt").write_bytes(
        b"[@click=app.quit]x[/] [bold]Hostile\x1b]2;PWNED-TITLE\x07 headline\n\n"
        b"Body text with \x1b]0;PWNED-AGAIN\x07 a window-title sequence, \x1b[2J a clear, "
        b"and markup [red]red[/red] in it. Zebrafish.\n"
    )
    (folder / "plain.txt").write_text("A plain title\n\nAbout zebrafish too.\n", encoding="utf-8")
    terminal.start(str(folder))
    screen = terminal.wait_for(lambda s: "Hostile" in s, "the hostile article in the list")
    assert "[@click=app.quit]x[/] [bold]Hostile headline" in screen
    terminal.keys("markup", literal=True)
    terminal.wait_for(lambda s: "1 hit " in s, "the search results")
    to_results(terminal)
    terminal.keys("Enter")
    screen = terminal.wait_for(lambda s: "hit 1/" in s, "the reader")
    assert "[red]red[/red]" in screen
    assert terminal.title() == "untouched-title"
    assert not terminal.dead()
    terminal.keys("Escape")
    # Wait for the results: an escape followed at once by q reads as alt+q.
    terminal.wait_for(lambda s: "1 hit " in s and "hit 1/" not in s, "the results again")
    terminal.keys("q")
    deadline = time.monotonic() + 10
    while not terminal.dead() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert terminal.dead()
    assert terminal.title() == "untouched-title"


def test_compare_two_outlets_side_by_side(terminal: Terminal) -> None:
    terminal.start()
    terminal.wait_for(lambda s: "5 articles" in s, "the home screen")
    terminal.keys("title:retaliatory", literal=True)
    terminal.wait_for(lambda s: "2 hits" in s, "the search results")
    to_results(terminal)
    terminal.keys("Space")  # mark the first
    terminal.keys("Down")
    terminal.keys("Space")  # and the second
    terminal.keys("c")
    screen = terminal.wait_for(lambda s: "conflicting fact" in s, "the comparison")
    assert "[A]" in screen and "[B]" in screen
    assert "●" in screen  # a passage both outlets share
    assert "85 targets" in screen
    terminal.keys("Escape")
    terminal.wait_for(lambda s: "2 hits" in s and "[A]" not in s, "the results again")
    terminal.keys("q")
    deadline = time.monotonic() + 10
    while not terminal.dead() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert terminal.dead()


def test_annotate_and_export_a_briefing(terminal: Terminal, tmp_path: Path) -> None:
    target = tmp_path / "briefing.md"
    terminal.start(cwd=tmp_path)
    terminal.wait_for(lambda s: "5 articles" in s, "the home screen")
    terminal.keys("title:retaliatory", literal=True)
    terminal.wait_for(lambda s: "2 hits" in s, "the search results")
    to_results(terminal)
    terminal.keys("Enter")
    terminal.wait_for(lambda s: ("Annotate" in s and "no hits" in s) or "hit 1/" in s, "reader")
    terminal.keys("j")
    terminal.keys("a")
    terminal.wait_for(lambda s: "Save (ctrl+s)" in s, "the note editor")
    terminal.keys("Checked against the other outlet.", literal=True)
    terminal.keys("C-s")
    terminal.wait_for(lambda s: "✎" in s, "the note mark in the gutter")
    terminal.keys("b")
    terminal.wait_for(lambda s: "EVIDENCE" in s and "Checked against" in s, "the notes screen")
    terminal.keys("e")
    # The prompt offers briefing.md in the app's working folder (here tmp_path): enter
    # takes it, as a user would, with no long path to type into a prompt just drawn.
    terminal.wait_for(
        lambda s: "Export the briefing" in s and "briefing.md" in s, "the export prompt"
    )
    terminal.keys("Enter")
    # The file is what matters; its toast lasts a few seconds and a slow poll on a busy
    # machine can miss it, so wait for the file (or a failure, to show it).
    screen = terminal.wait_for(
        lambda s: target.exists() or "failed" in s or "rror" in s, "the export", timeout=120
    )
    assert target.exists(), screen
    text = target.read_text(encoding="utf-8")
    assert "## Evidence" in text and "Checked against the other outlet" in text
    assert "](#source-1)" in text


def test_a_new_folder_searched_while_its_first_build_runs(
    terminal: Terminal, tmp_path: Path
) -> None:
    """`briefing PATH` on a new folder, a query typed at once: no crash, no "busy", and
    every article found once the build is done (the first-run crash and the self-lock)."""
    folder = tmp_path / "wire"
    folder.mkdir()
    for n in range(300):
        (folder / f"{n:03}.txt").write_text(
            f"Brief {n}\n\nA zeppelin was seen over field {n} with {n * 7} passengers.\n",
            encoding="utf-8",
        )
    terminal.start(str(folder))
    terminal.keys("zeppelin", literal=True)
    seen: list[str] = []

    def done(screen: str) -> bool:
        seen.append(screen)
        return "300 hits" in screen or terminal.dead()

    screen = terminal.wait_for(done, "every article found", timeout=60)
    assert not terminal.dead(), screen
    assert not [s for s in seen if "busy" in s or "Traceback" in s], seen[-1]
    terminal.keys("C-q")
    deadline = time.monotonic() + 10
    while not terminal.dead() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert terminal.dead()
