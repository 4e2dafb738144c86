"""The command line's grammar: commands, options, their one-line errors, dates."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from briefing import __version__
from briefing.cli.rendering import EXIT_USAGE
from briefing.engine import DEFAULT_LIBRARY, date_span, visible
from briefing.export.model import FORMATS
from briefing.notes.model import CONFIDENCES, KINDS


class UsageError(Exception):
    """A bad argument value; exits 2 with one line."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (argparse prints the whole usage by default)."""

    def error(self, message: str) -> NoReturn:
        # The message may quote what was typed (an unknown command, a stray argument).
        self.exit(EXIT_USAGE, f"briefing: error: {visible(message)} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    common = _Parser(add_help=False)
    common.add_argument(
        "--library",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help=f"the library to use (default: {DEFAULT_LIBRARY!r}, the bundled sample corpus)",
    )
    parser = _Parser(
        prog="briefing",
        usage="briefing [--library NAME] [--theme NAME] [PATH | COMMAND ...]",
        description="Search and compare how several outlets report the same events. "
        "With no command, open the app on the library (or on PATH, a folder opened as a "
        "library of its own).",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"briefing {__version__}")
    parser.add_argument(
        "--theme",
        metavar="NAME",
        help="the app's theme (remembered); e.g. briefing-dark, briefing-light, briefing-contrast",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser(
        "index",
        parents=[common],
        help="add folders or files to the library and (re)index it",
        description="Add folders or files to the library, then index what is new, changed "
        "or deleted, and group the articles into stories (a large update's in the "
        "background). With no PATH, re-index the library's folders.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", type=Path)
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument(
        "--no-stories",
        action="store_true",
        help="leave grouping stories to later (`briefing stories`, `related` or the app)",
    )
    # Internal: what `briefing index` starts in the background after a large update.
    p.add_argument("--background", action="store_true", help=argparse.SUPPRESS)

    p = sub.add_parser(
        "search",
        parents=[common],
        help="search the library",
        description='Search across every outlet. Query syntax: words (all must match), "a '
        'phrase", OR, NOT or -word, strik*, strikse~, title: source: author: tag: date:2024-02, '
        "date:>2024-01-01, date:[2024-01-01 TO 2024-03-01].",
    )
    p.add_argument("query", nargs="+", help="the query (quote it in the shell)")
    p.add_argument("--source", action="append", default=[], metavar="S", help="only this outlet")
    p.add_argument("--since", metavar="DATE", help="published on or after (YYYY[-MM[-DD]])")
    p.add_argument("--until", metavar="DATE", help="published on or before (YYYY[-MM[-DD]])")
    p.add_argument("--limit", type=int, default=10, metavar="N", help="hits to show (default 10)")
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("list", parents=[common], help="list every article")
    p.add_argument("--source", metavar="S", help="only articles from this outlet")
    p.add_argument("--json", action="store_true", help='print {"articles": [...]}')

    p = sub.add_parser("show", parents=[common], help="show one article with its text")
    p.add_argument("id", help="an article id, or its unique start (e.g. 002)")
    p.add_argument("--json", action="store_true", help="print the article as JSON")

    p = sub.add_parser(
        "related", parents=[common], help="articles like this one, other outlets first"
    )
    p.add_argument("id", help="an article id, or its unique start")
    p.add_argument("--limit", type=int, default=10, metavar="N")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser(
        "compare",
        parents=[common],
        help="line up 2-4 articles: shared passages and conflicting facts",
        description="Align the passages of 2 to 4 articles by meaning (shared, partly shared, "
        "only in one source) and list the facts they state, conflicts first.",
    )
    p.add_argument("ids", nargs="+", metavar="ID", help="article ids, or unique starts (003 004)")
    p.add_argument("--json", action="store_true", help="passages and grouped facts as JSON")

    p = sub.add_parser(
        "stories", parents=[common], help="the library's articles grouped into events"
    )
    p.add_argument("--json", action="store_true")
    # Internal: what `briefing index` and `related` start in the background.
    p.add_argument("--update-only", action="store_true", help=argparse.SUPPRESS)

    p = sub.add_parser("sources", parents=[common], help="the outlets and their article counts")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("paths", parents=[common], help="where briefing keeps its files")
    p.add_argument("--json", action="store_true")

    _add_notes_parser(sub, common)
    _add_web_parsers(sub, common)
    p = sub.add_parser(
        "export",
        parents=[common],
        help="write the briefing (Markdown, HTML or Word) from the library's notes",
        description="Write the notes as a sourced briefing: bottom line, key judgments, "
        "evidence, discrepancies, open questions and numbered sources.",
    )
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="where to write (default: briefing.md, .html or .docx, in this folder)",
    )
    p.add_argument("--title", metavar="T", help="the title (default: the notes' title)")
    p.add_argument(
        "--format",
        choices=FORMATS,
        help="md, html or docx (default: from FILE's extension, else md)",
    )
    p.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    return parser


def _add_notes_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """``notes`` lists the notes; ``notes add`` and ``notes rm`` change them."""
    p = sub.add_parser(
        "notes",
        parents=[common],
        help="list, add or delete the analyst's notes",
        description="The library's notes, in the briefing's order. With no action, list them.",
    )
    p.add_argument("--json", action="store_true", help='print {"title": ..., "notes": [...]}')
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    a = actions.add_parser(
        "add",
        parents=[common],
        help="add a note, optionally anchored to a quote of an article",
        description="Add a note on article ID (an id or its unique start), anchored to "
        "--quote if given (found exactly, else ignoring whitespace). Without ID, a note "
        "on no article (e.g. --kind summary). Prints the new note's id.",
    )
    a.add_argument("id", nargs="?", metavar="ID", help="the article the note is about")
    a.add_argument("--quote", metavar="TEXT", help="the passage of the article to anchor to")
    a.add_argument("--comment", metavar="TEXT", default="", help="what the analyst says")
    a.add_argument("--kind", choices=KINDS, default="evidence", help="default: evidence")
    a.add_argument("--confidence", choices=CONFIDENCES, help="for judgments")
    a.add_argument(
        "--tag", action="append", default=[], metavar="T", dest="tags", help="repeatable"
    )
    a.add_argument("--json", action="store_true", help="print the new note as JSON")
    r = actions.add_parser("rm", parents=[common], help="delete a note")
    r.add_argument("note_id", type=int, metavar="NOTE_ID", help="the note's number")


def _add_web_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """``add``, ``feeds`` and ``update``."""
    p = sub.add_parser(
        "add",
        parents=[common],
        help="fetch web pages (http or https) and index them as articles",
        description="Fetch each address, keep the page in the library's own web folder "
        "and index it with its address. A page that cannot be fetched is one line; the "
        "others are added.",
    )
    p.add_argument("urls", nargs="+", metavar="URL")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--no-stories", action="store_true", help=argparse.SUPPRESS)

    p = sub.add_parser(
        "feeds",
        parents=[common],
        help="list, add or remove feed subscriptions; OPML import and export",
        description="The library's feeds: title, last fetch, status and items. With no "
        "action, list them. `briefing update` fetches them.",
    )
    p.add_argument("--json", action="store_true", help='print {"feeds": [...]}')
    actions = p.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    a = actions.add_parser("add", parents=[common], help="subscribe to a feed (RSS, Atom, JSON)")
    a.add_argument("url", metavar="URL")
    a = actions.add_parser("rm", parents=[common], help="unsubscribe (its articles stay)")
    a.add_argument("url", metavar="URL")
    a = actions.add_parser("import", parents=[common], help="subscribe to an OPML file's feeds")
    a.add_argument("file", type=Path, metavar="FILE")
    a.add_argument("--json", action="store_true")
    a = actions.add_parser("export", parents=[common], help="write the feeds as an OPML file")
    a.add_argument("file", type=Path, metavar="FILE")
    a.add_argument("--force", action="store_true", help="overwrite FILE if it exists")

    p = sub.add_parser(
        "update",
        parents=[common],
        help="fetch every subscribed feed and index the new items",
        description="Fetch each feed with a conditional GET (an unchanged feed is not "
        "downloaded again), keep its new items and index them. A feed that fails is "
        "reported and the others go on.",
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--no-stories", action="store_true", help=argparse.SUPPRESS)


def parse_date(text: str | None, option: str, end: bool) -> date | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; a partial date covers its whole span."""
    if text is None:
        return None
    span = date_span(text)
    if span is None:
        raise UsageError(f"{option}: {text!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    return (span[1] if end else span[0]).date()
