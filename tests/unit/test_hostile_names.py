"""File names are untrusted: no human output may put one on the terminal as it is.

A library is built over a folder of hostile file names (an OSC title sequence ended by
BEL, CSI, a C1 CSI, a bidi override, a newline, bytes that are not UTF-8, a duplicate
pair, an empty file that is skipped) and every human command runs through
``briefing.cli.main``. Their stdout and stderr must hold no control character (C0 but
newline, DEL, C1), no bidi control and no lone surrogate, and must show each name with
visible escapes; ``--json`` must still carry the real names.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest

from briefing.cli import main

# What must never reach a terminal from a file name: C0 controls but the newline, DEL,
# C1 controls, bidi controls, line/paragraph separators and lone surrogates.
RAW = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff]"
)
# The only escape sequences briefing writes itself: bold, dim, yellow bold, reset.
OWN_STYLES = re.compile(r"\x1b\[(?:0|1|2|1;33)m")

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
    "twin-\x1b]2;DUP\x07.txt": 1,  # the same text as OSC: reported as a duplicate
}
UNDECODABLE = b"bytes-\xff\xfe.txt"
SKIPPED = "empty-\x1b]0;SKIP\x07.txt"
LIBRARY = ("--library", "hostile")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The hostile folder, indexed into the library ``hostile``."""
    root = tmp_path / "news"
    root.mkdir()
    for name, n in NAMES.items():
        (root / name).write_text(BODY.format(n=n), encoding="utf-8")
    (root / SKIPPED).write_bytes(b"")
    with open(os.fsencode(root) + b"/" + UNDECODABLE, "wb") as handle:
        handle.write(BODY.format(n=9).encode())
    return root


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``briefing --library hostile ARGS``: exit code, stdout, stderr.

    pytest's capture encodes strictly as UTF-8, as a terminal's stream does: a lone
    surrogate printed as it is would raise here.
    """
    try:
        code = main([*LIBRARY, *args])
    except SystemExit as exc:  # argparse's errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def assert_shown_safely(text: str) -> None:
    raw = sorted({f"U+{ord(c):04X}" for c in RAW.findall(text)})
    assert not raw, f"raw characters reached the terminal: {raw}\n{text!r}"


def assert_clean(code: int, out: str, err: str, expected: int = 0) -> None:
    assert code == expected, (out, err)
    assert "Traceback" not in err
    assert_shown_safely(out)
    assert_shown_safely(err)


def test_every_human_command_shows_hostile_names_escaped(
    folder: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = cli(capsys, "index", str(folder))
    assert_clean(code, out, err)
    assert "Skipped 2 files" in out and "Duplicates 1" in out
    assert "empty-\\x1b]0;SKIP\\x07.txt: empty file" in out
    assert "bytes-\\xff\\xfe.txt: file name is not valid UTF-8" in out
    assert "osc-\\x1b]0;FN-PWNED\\x07.txt" in out and "twin-\\x1b]2;DUP\\x07.txt" in out

    code, out, err = cli(capsys, "list")
    assert_clean(code, out, err)
    for shown in (
        "news/csi-\\x1b[31mred.txt",
        "news/c1-\\x9b31mx.txt",
        "news/bidi-\\u202etxt.exe.txt",
        "news/new\\x0aline.txt",
    ):
        assert shown in out
    assert "7 articles" in out

    for args in (
        ("search", "quokka"),
        ("search", "quokka\x1b]0;Q\x07 source:\u202eevil"),  # a hostile query, typed
        ("show", "news/new\nline.txt"),
        ("show", "csi-"),
        ("related", "c1-"),
        ("compare", "csi-", "bidi-"),
        ("stories",),
        ("sources",),
        ("paths",),
    ):
        code, out, err = cli(capsys, *args)
        assert_clean(code, out, err)
        assert out, args
    code, out, _ = cli(capsys, "show", "bidi-")
    assert "path: " in out and "bidi-\\u202etxt.exe.txt" in out

    code, out, err = cli(capsys, "show", "ambig")
    assert_clean(code, out, err, expected=1)
    assert "matches 2 articles" in err
    assert "ambig-\\x1b]0;A\\x07-1.txt" in err
    code, out, err = cli(capsys, "show", "no-\x1b]0;X\x07such")
    assert_clean(code, out, err, expected=1)
    assert "no-\\x1b]0;X\\x07such" in err


def test_notes_and_export_show_hostile_names_escaped(
    folder: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main([*LIBRARY, "index", str(folder), "--json"]) == 0
    capsys.readouterr()
    quote = "counted 2 zanzibarian quokkas"
    code, out, err = cli(
        capsys, "notes", "add", "csi-", "--quote", quote, "--comment", "see \x1b]0;C\x07 this"
    )
    assert_clean(code, out, err)
    code, out, err = cli(capsys, "notes", "add", "csi-", "--quote", "not \x1b[2J in it")
    assert_clean(code, out, err, expected=1)
    assert "quote not found in news/csi-\\x1b[31mred.txt" in err

    code, out, err = cli(capsys, "notes")
    assert_clean(code, out, err)
    assert "news/csi-\\x1b[31mred.txt" in out and quote in out
    assert "see \\x1b]0;C\\x07 this" in out

    target = tmp_path / "out-\x1b]0;E\x07.md"
    code, out, err = cli(capsys, "export", "-o", str(target))
    assert_clean(code, out, err)
    assert target.exists() and "out-\\x1b]0;E\\x07.md" in out
    code, out, err = cli(capsys, "export", "-o", str(target))  # exists: refused
    assert_clean(code, out, err, expected=1)
    assert "out-\\x1b]0;E\\x07.md exists" in err


@pytest.mark.parametrize(
    "args",
    [
        ("frob\x1b]0;X\x07nicate",),
        ("list", "stray\x1b]0;X\x07", "\u202e"),
        ("search", "x", "--since", "\x1b]0;D\x07"),
        ("index", "/no/such/\x1b]0;P\x07folder"),
    ],
)
def test_usage_errors_quote_input_escaped(
    args: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli(capsys, *args)
    assert_clean(code, out, err, expected=2)
    assert err.startswith("briefing: error:") and err.count("\n") == 1
    assert "\\x1b]0;" in err or "\\u202e" in err


def test_styled_output_keeps_only_its_own_styles(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main([*LIBRARY, "index", str(folder), "--json"]) == 0
    capsys.readouterr()
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    for args in (("list",), ("search", "quokka"), ("show", "csi-"), ("related", "osc-")):
        code, out, err = cli(capsys, *args)
        assert code == 0, err
        assert "\x1b[1m" in out  # styled, so the check below means something
        assert_clean(code, OWN_STYLES.sub("", out), err)


def test_json_keeps_the_real_names(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "index", str(folder), "--json")
    assert code == 0, err
    assert_shown_safely(out.replace("\n", ""))  # escaped by JSON, not raw
    report = json.loads(out)
    skipped = {os.fsencode(Path(p["path"]).name) for p in report["skipped"]}
    assert skipped == {UNDECODABLE, SKIPPED.encode()}

    code, out, err = cli(capsys, "list", "--json")
    assert code == 0, err
    assert_shown_safely(out.replace("\n", ""))
    articles = json.loads(out)["articles"]
    names = {Path(a["path"]).name for a in articles}
    assert names == set(NAMES) - {"twin-\x1b]2;DUP\x07.txt"}
    assert {a["id"] for a in articles} >= {"news/" + OSC, "news/new\nline.txt"}

    code, out, err = cli(capsys, "show", "news/" + OSC, "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["id"] == "news/" + OSC and Path(shown["path"]) == folder / OSC
