"""The ``briefing`` command: the app with no subcommand, and a headless CLI for the rest.

Exit codes: 0 success (also a search with no hits), 2 usage errors, 1 other failures.
Every error is one line on stderr; no traceback reaches the user for anything they did.
"""

from __future__ import annotations

import argparse
import calendar
import gc
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, NoReturn

from briefing import __version__, locations
from briefing.compare.model import Comparison
from briefing.corpus.model import Article
from briefing.engine import (
    DEFAULT_LIBRARY,
    INLINE_STORY_ARTICLES,
    ArticleNotFound,
    Engine,
    IndexBusy,
    IndexUnavailable,
    IngestReport,
    LibraryError,
    NoteNotFound,
    Notes,
    NotesUnavailable,
    Progress,
    check_name,
    library_names,
    load_library,
    open_engine,
    visible,
    visible_json,
    visible_text,
)
from briefing.notes.model import CONFIDENCES, KINDS, Note
from briefing.search.model import Filters, Hit, SearchResult, Snippet

if TYPE_CHECKING:
    from briefing.compare.model import SyncReport

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


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
    p = sub.add_parser(
        "export",
        parents=[common],
        help="write the briefing (Markdown or HTML) from the library's notes",
        description="Write the notes as a sourced briefing: bottom line, key judgments, "
        "evidence, discrepancies, open questions and numbered sources.",
    )
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="where to write (default: briefing.md, or briefing.html, in this folder)",
    )
    p.add_argument("--title", metavar="T", help="the title (default: the notes' title)")
    p.add_argument(
        "--format",
        choices=("md", "html"),
        help="md or html (default: from FILE's extension, else md)",
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    argv, open_path = _split_path(list(sys.argv[1:] if argv is None else argv))
    args = parser.parse_args(argv)
    try:
        name = check_name(getattr(args, "library", DEFAULT_LIBRARY))
        if args.command is None:
            return _run_app(name, open_path, args.theme)
        handler = _COMMANDS[args.command]
        try:
            return handler(args, name)
        finally:
            _print_engine_notices()
    except (UsageError, LibraryError) as exc:
        return _fail(str(exc), EXIT_USAGE)
    except (IndexBusy, IndexUnavailable, ArticleNotFound) as exc:
        return _fail(str(exc), EXIT_FAILURE)
    except BrokenPipeError:
        # The reader of our output went away (`briefing list | head`): not an error.
        # Point stdout at /dev/null so that the flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:
        return _fail(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), EXIT_FAILURE)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)


def _fail(message: str, code: int) -> int:
    print(f"briefing: error: {visible(message)}", file=sys.stderr)
    return code


# Human output shows every string from outside (ids and paths are file names; titles,
# sources, notes, error messages) through the one display rule, ``visible``: each field
# is escaped where the line is built (so a newline in a file name cannot fake a line),
# and ``_out`` applies the rule once more to the whole line, keeping only the styles
# ``_Style`` adds. ``--json`` prints the real strings (``_print_json``).
_OWN_STYLES = re.compile(r"(\x1b\[(?:0|1|2|1;33)m)")


def _out(text: str = "") -> None:
    """Print a line (or lines) of human output to stdout."""
    parts = _OWN_STYLES.split(text)  # text, style, text, style, ..., text
    parts[::2] = [visible_text(part) for part in parts[::2]]
    print("".join(parts))


# -- commands ------------------------------------------------------------------------


def _split_path(argv: list[str]) -> tuple[list[str], Path | None]:
    """Take out a ``PATH`` given instead of a command (``briefing ~/news``)."""
    i = 0
    while i < len(argv):
        token = argv[i]
        if token in ("--library", "--theme"):
            i += 2
            continue
        if token.startswith("-"):
            i += 1
            continue
        if token in _COMMANDS or not Path(token).expanduser().exists():
            return argv, None  # a command, or a typo that argparse will name
        return argv[:i] + argv[i + 1 :], Path(token)
    return argv, None


def _run_app(name: str, path: Path | None, theme: str | None) -> int:
    # No garbage collection while Textual and the app are imported: they allocate
    # hundreds of thousands of objects and keep nearly all (the app's collector takes
    # over once it runs).
    gc.disable()
    try:
        # Imported here: the headless commands never load Textual.
        from briefing.tui.app import ThemeError, make_app

        try:
            app = make_app(library=name, path=path, theme=theme)
        except ThemeError as exc:
            raise UsageError(str(exc)) from exc
    finally:
        gc.enable()
    app.run()
    return EXIT_OK


def _cmd_index(args: argparse.Namespace, name: str) -> int:
    if args.background:
        # Started by _finish_in_background, detached: out of the way of what the user runs.
        os.nice(10)
        engine = _engine(name)
        engine.compact()
        if not args.no_stories:
            engine.sync_stories()
        return EXIT_OK
    library = load_library(name)
    added = library.add(list(args.paths))
    if added or not (library.directory / "library.json").exists():
        library.save()
    engine = open_engine(library)
    bar = _ProgressBar(sys.stderr) if sys.stderr.isatty() and not args.json else None
    try:
        # Every article is searchable when it returns; the merging of a large update's
        # segments goes on in the background.
        report = engine.update(bar, compact=False)
    finally:
        if bar:
            bar.close()
    if args.json:
        _print_json({"library": name, **report.to_json()})
    else:
        _print_report(name, report, [e.path for e in added])
    stories = None if args.no_stories else engine.sync_stories(limit=INLINE_STORY_ARTICLES)
    if report.compaction_due:
        _finish_in_background(name, stories)
    elif stories is not None:
        _group_stories(engine, name, stories)
    return EXIT_OK


def _finish_in_background(name: str, stories: SyncReport | None) -> None:
    """Merge the segments a large update wrote (and group its stories) in a process of
    its own, detached: searches go on meanwhile, and only get faster."""
    command = [sys.executable, "-m", "briefing", "index", "--library", name, "--background"]
    deferred = stories.deferred if stories is not None and not stories.busy else 0
    if not deferred:
        command.append("--no-stories")
    _start_detached(command)
    also = f" and grouping {deferred:,} articles into stories" if deferred else ""
    print(f"briefing: note: merging the index{also} in the background", file=sys.stderr)


def _cmd_search(args: argparse.Namespace, name: str) -> int:
    if args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    filters = Filters(
        sources=tuple(args.source),
        since=_parse_date(args.since, "--since", end=False),
        until=_parse_date(args.until, "--until", end=True),
    )
    query = " ".join(args.query)
    result = _engine(name).search(query, filters, limit=args.limit)
    if args.json:
        _print_json(_result_json(result))
    else:
        _print_result(result, _Style(sys.stdout))
    return EXIT_OK


def _cmd_list(args: argparse.Namespace, name: str) -> int:
    articles = _engine(name).articles()
    if args.source:
        wanted = args.source.casefold()
        articles = [a for a in articles if (a.source or "").casefold() == wanted]
    if args.json:
        _print_json({"articles": [_article_json(a, body=False) for a in articles]})
        return EXIT_OK
    style = _Style(sys.stdout)
    for a in articles:
        _out(f"{style.bold(a.id)}  {visible(a.title)}")
        _out(f"    {_byline(a)}")
    _out(f"{len(articles)} articles")
    return EXIT_OK


def _cmd_show(args: argparse.Namespace, name: str) -> int:
    engine = _engine(name)
    article = engine.article(engine.resolve(args.id))
    if article is None:
        raise ArticleNotFound(f"no article with id {args.id!r}")
    if args.json:
        _print_json(_article_json(article, body=True))
        return EXIT_OK
    style = _Style(sys.stdout)
    _out(style.bold(article.title))
    _out(_byline(article))
    _out(f"id: {visible(article.id)}")
    _out(f"path: {visible(article.path)}")
    if article.url:
        _out(f"url: {visible(article.url)}")
    if article.inferred:
        _out(f"inferred from the text: {', '.join(sorted(article.inferred))}")
    for warning in article.warnings:
        _out(f"warning: {visible(warning)}")
    _out()
    _out(visible_text(article.body))
    return EXIT_OK


def _cmd_related(args: argparse.Namespace, name: str) -> int:
    engine = _engine(name)
    article_id = engine.resolve(args.id)
    hits = engine.related(article_id, limit=args.limit)
    if engine.stories_report is not None:
        _group_stories(engine, name, engine.stories_report)
    if args.json:
        _print_json({"id": article_id, "related": [_hit_json(h) for h in hits]})
        return EXIT_OK
    style = _Style(sys.stdout)
    for n, hit in enumerate(hits, 1):
        _out(f"{n:>2}. {style.bold(hit.title)}")
        _out(f"    {_hit_byline(hit)}  {style.dim(hit.id)}")
    if not hits:
        _out("No related articles.")
    return EXIT_OK


def _cmd_compare(args: argparse.Namespace, name: str) -> int:
    if not 2 <= len(args.ids) <= 4:
        raise UsageError("compare takes 2 to 4 article ids")
    engine = _engine(name)
    ids = [engine.resolve(ref) for ref in args.ids]
    if len(set(ids)) != len(ids):
        raise UsageError("compare needs different articles")
    comparison = engine.compare(ids)
    articles = {i: engine.article(i) for i in ids}
    if args.json:
        _print_json(_comparison_json(comparison, articles))
        return EXIT_OK
    _print_comparison(comparison, articles, _Style(sys.stdout))
    return EXIT_OK


def _cmd_stories(args: argparse.Namespace, name: str) -> int:
    engine = _engine(name)
    if args.update_only:
        # Started by _group_stories, detached: out of the way of what the user runs.
        os.nice(10)
        engine.sync_stories()
        return EXIT_OK

    def waiting() -> None:
        print(
            "briefing: waiting for the stories being grouped in the background…",
            file=sys.stderr,
            flush=True,
        )

    stories = engine.stories(waiting)
    if args.json:
        _print_json(
            {
                "stories": [
                    {
                        "id": s.id,
                        "title": s.title,
                        "articles": list(s.article_ids),
                        "sources": list(s.sources),
                        "start": _iso(s.start),
                        "end": _iso(s.end),
                    }
                    for s in stories
                ]
            }
        )
        return EXIT_OK
    style = _Style(sys.stdout)
    for story in stories:
        span = " – ".join(dict.fromkeys(filter(None, (_iso(story.start), _iso(story.end)))))
        _out(f"{style.bold(story.title)}")
        count = len(story.article_ids)
        outlets = ", ".join(map(visible, story.sources)) or "unknown outlets"
        _out(f"    {count} article{'s' if count != 1 else ''} · {outlets} · {span or 'undated'}")
        for article_id in story.article_ids:
            _out(f"      {style.dim(article_id)}")
    _out(f"{len(stories)} stories")
    return EXIT_OK


def _cmd_sources(args: argparse.Namespace, name: str) -> int:
    counts = _engine(name).source_counts()
    if args.json:
        _print_json({"sources": counts})
        return EXIT_OK
    for source, count in counts.items():
        _out(f"{count:>6}  {visible(source)}")
    return EXIT_OK


def _cmd_paths(args: argparse.Namespace, name: str) -> int:
    names = sorted(set(library_names()) | {name})
    libraries = {}
    for lib_name in names:
        library = load_library(lib_name, create=True)
        libraries[lib_name] = {
            "directory": str(library.directory),
            "index": str(library.index_dir),
            "notes": str(library.notes_path),
            "folders": [str(e.resolved()) for e in library.entries],
        }
    data = {
        "data": str(locations.data_dir()),
        "config": str(locations.config_file()),
        "library": name,
        "libraries": libraries,
    }
    if args.json:
        _print_json(data)
        return EXIT_OK
    _out(f"data:    {visible(str(data['data']))}")
    _out(f"config:  {visible(str(data['config']))}")
    for lib_name, info in libraries.items():
        mark = " (current)" if lib_name == name else ""
        _out(f"library {visible(repr(lib_name))}{mark}:")
        _out(f"  index:   {visible(str(info['index']))}")
        _out(f"  notes:   {visible(str(info['notes']))}")
        for folder in info["folders"]:
            _out(f"  folder:  {visible(folder)}")
    return EXIT_OK


def _cmd_export(args: argparse.Namespace, name: str) -> int:
    fmt = args.format or (_format_for(args.output) if args.output else "md")
    path = Path.cwd() / (args.output.expanduser() if args.output else Path(f"briefing.{fmt}"))
    if path.exists() and not args.force:  # before any work; the write checks again
        return _fail(f"{path} exists; use --force to overwrite", EXIT_FAILURE)
    engine = open_engine(load_library(name, create=False))
    try:
        written = engine.export_briefing(path, args.force, title=args.title, fmt=fmt)
    except (NotesUnavailable, FileExistsError) as exc:
        return _fail(str(exc), EXIT_FAILURE)
    finally:
        engine.close()
    _out(visible(str(written)))
    return EXIT_OK


def _format_for(path: Path) -> Literal["md", "html"]:
    """The format a file name asks for: HTML for ``.html``/``.htm``, else Markdown."""
    return "html" if path.suffix.lower() in (".html", ".htm") else "md"


def _cmd_notes(args: argparse.Namespace, name: str) -> int:
    action = getattr(args, "action", None)
    if action == "add" and args.quote is not None and args.id is None:
        raise UsageError("--quote needs the article ID it is quoted from")
    if action == "add" and args.quote is None and not args.comment.strip():
        raise UsageError("a note needs --quote or --comment")
    if action == "add" and args.id is None and args.kind == "evidence":
        raise UsageError("evidence needs an article ID (or choose another --kind)")
    # The notes are the library's user data and never need the index; it is only
    # consulted to resolve an article id and find a quote.
    engine = open_engine(load_library(name, create=False))
    try:
        notes = engine.notes()
        if action == "add":
            return _notes_add(args, engine, notes)
        if action == "rm":
            note = notes.delete(args.note_id)
            _out(f"Deleted note {note.id}.")
            return EXIT_OK
        listed = notes.list()
        if args.json:
            _print_json({"title": notes.title(), "notes": [_note_json(n) for n in listed]})
        else:
            _print_notes(notes.title(), listed, _Style(sys.stdout))
        return EXIT_OK
    except (NotesUnavailable, NoteNotFound) as exc:
        return _fail(str(exc), EXIT_FAILURE)
    finally:
        engine.close()


def _notes_add(args: argparse.Namespace, engine: Engine, notes: Notes) -> int:
    article_id, anchor = None, None
    if args.id is not None:
        article_id = engine.resolve(args.id)
        if args.quote is not None:
            article = engine.article(article_id)
            if article is None:
                raise ArticleNotFound(f"no article with id {args.id!r}")
            span = notes.find_quote(article.body, args.quote)
            if span is None:
                return _fail(f"quote not found in {article_id}", EXIT_FAILURE)
            anchor = notes.anchor_for(article.body, *span)
    note = notes.add(
        args.kind,
        args.comment,
        article_id=article_id,
        anchor=anchor,
        confidence=args.confidence,
        tags=args.tags,
    )
    if args.json:
        _print_json(_note_json(note))
    else:
        _out(str(note.id))
    return EXIT_OK


_COMMANDS = {
    "index": _cmd_index,
    "search": _cmd_search,
    "list": _cmd_list,
    "show": _cmd_show,
    "related": _cmd_related,
    "compare": _cmd_compare,
    "stories": _cmd_stories,
    "sources": _cmd_sources,
    "paths": _cmd_paths,
    "notes": _cmd_notes,
    "export": _cmd_export,
}


# -- helpers -------------------------------------------------------------------------


_ENGINES: list[Engine] = []
"""The engines this command opened: what they did on their own is said at the end."""


def _engine(name: str) -> Engine:
    library = load_library(name, create=False)
    if not library.entries:
        raise LibraryError(f"library {name!r} is empty; add folders with `briefing index PATH`")
    engine = open_engine(library)
    _ENGINES.append(engine)
    return engine


def _group_stories(engine: Engine, name: str, report: SyncReport) -> None:
    """Group what a story update left undone in a process of its own, detached.

    A command that must answer at once (``index``, ``related``) groups a few hundred
    articles itself; the first grouping of a large library takes minutes, so it goes
    on in the background at a lower priority, and ``briefing stories`` waits for it.
    """
    if report.busy:
        print("briefing: note: stories are being grouped in the background", file=sys.stderr)
        return
    if not report.deferred:
        return
    command = [sys.executable, "-m", "briefing", "stories", "--library", name, "--update-only"]
    _start_detached(command)
    print(
        f"briefing: note: grouping {report.deferred:,} articles into stories in the "
        "background; related coverage shows similar articles meanwhile",
        file=sys.stderr,
    )


def _start_detached(command: list[str]) -> None:
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # not ended by a Ctrl-C meant for this command
    )
    _BACKGROUND.append(process)


_BACKGROUND: list[subprocess.Popen[bytes]] = []
"""Processes this command started in the background (kept: a test may wait for them)."""


def _print_engine_notices() -> None:
    """Say on stderr what reading had to do first (an index rebuilt from the articles)."""
    while _ENGINES:
        for notice in _ENGINES.pop().notices():
            print(f"briefing: note: {visible(notice)}", file=sys.stderr)


def _parse_date(text: str | None, option: str, end: bool) -> date | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; a partial date covers its whole span."""
    if text is None:
        return None
    parts = text.strip().split("-")
    try:
        numbers = [int(p) for p in parts]
        if len(numbers) == 3:
            return date(*numbers)
        if len(numbers) == 2:
            year, month = numbers
            day = calendar.monthrange(year, month)[1] if end else 1
            return date(year, month, day)
        if len(numbers) == 1:
            return date(numbers[0], 12, 31) if end else date(numbers[0], 1, 1)
    except (ValueError, calendar.IllegalMonthError):
        pass
    raise UsageError(f"{option}: {text!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")


def _print_json(data: Any) -> None:
    # The real strings, with what a terminal must not receive raw written as \u escapes.
    sys.stdout.write(visible_json(json.dumps(data, ensure_ascii=False, indent=2)) + "\n")


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _article_json(article: Article, body: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": article.id,
        "title": article.title,
        "source": article.source,
        "author": article.author,
        "published": _iso(article.published),
        "url": article.url,
        "path": article.path,
        "tags": list(article.tags),
        "inferred": sorted(article.inferred),
        "warnings": list(article.warnings),
    }
    if body:
        data["body"] = article.body
    return data


def _snippet_json(snippet: Snippet) -> dict[str, Any]:
    return {"text": snippet.text, "highlights": [list(span) for span in snippet.highlights]}


def _hit_json(hit: Hit) -> dict[str, Any]:
    return {
        "id": hit.id,
        "title": hit.title,
        "source": hit.source,
        "author": hit.author,
        "published": _iso(hit.published),
        "score": round(hit.score, 4),
        "path": hit.path,
        "url": hit.url,
        "snippets": [_snippet_json(s) for s in hit.snippets],
    }


def _result_json(result: SearchResult) -> dict[str, Any]:
    return {
        "query": result.query,
        "total": result.total,
        "hits": [_hit_json(h) for h in result.hits],
        "facets": result.facets,
        "suggestion": result.suggestion,
        "notices": list(result.notices),
        "variants": list(result.variants),
        "elapsed": round(result.elapsed, 4),
    }


def _byline(article: Article) -> str:
    def mark(field: str, value: str) -> str:
        value = visible(value)
        return f"{value}*" if field in article.inferred else value

    parts = [
        mark("source", article.source or "unknown source"),
        mark("author", article.author or "unknown author"),
        mark("published", _iso(article.published) or "undated"),
    ]
    return " · ".join(parts)


def _hit_byline(hit: Hit) -> str:
    return " · ".join([visible(hit.source or "unknown source"), _iso(hit.published) or "undated"])


@dataclass
class _Style:
    """ANSI styling on a terminal (unless NO_COLOR), plain text when piped."""

    stream: IO[str]

    def __post_init__(self) -> None:
        self.enabled = self.stream.isatty() and not os.environ.get("NO_COLOR")

    def _wrap(self, code: str, text: str) -> str:
        # What is styled is a title, an id, a snippet: shown by the display rule.
        text = visible(text)
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def mark(self, text: str) -> str:
        return self._wrap("1;33", text)


def _highlighted(snippet: Snippet, style: _Style) -> str:
    out, last = [], 0
    for start, end in snippet.highlights:
        out.append(visible(snippet.text[last:start]))
        out.append(style.mark(snippet.text[start:end]))
        last = end
    out.append(visible(snippet.text[last:]))
    return "".join(out)


def _print_result(result: SearchResult, style: _Style) -> None:
    for notice in result.notices:
        _out(style.dim(f"note: {notice}"))
    for n, hit in enumerate(result.hits, 1):
        _out(f"{n:>2}. {style.bold(hit.title)}")
        _out(f"    {_hit_byline(hit)}  {style.dim(hit.id)}")
        for snippet in hit.snippets:
            _out(f"    {_highlighted(snippet, style)}")
        _out()
    shown = len(result.hits)
    summary = f"{result.total} hits" + (f", showing {shown}" if shown < result.total else "")
    _out(f"{summary} ({result.elapsed * 1000:.0f} ms)")
    if result.total == 0 and result.suggestion:
        _out(f"Did you mean: {visible(result.suggestion)}")
    sources = result.facets.get("source", {})
    if sources:
        _out("Sources: " + ", ".join(f"{visible(s)} ({n})" for s, n in sources.items()))
    months = result.facets.get("month", {})
    if months:
        _out("Months:  " + ", ".join(f"{visible(m)} ({c})" for m, c in sorted(months.items())))


_MARKS = {"shared": "●", "partial": "◐", "unique": "○"}


def _comparison_json(comparison: Comparison, articles: dict[str, Article | None]) -> dict[str, Any]:
    return {
        "articles": [
            {
                "id": i,
                "title": a.title if a else None,
                "source": a.source if a else None,
                "published": _iso(a.published) if a else None,
            }
            for i, a in articles.items()
        ],
        "passages": {
            article_id: [
                {
                    "index": p.passage.index,
                    "start": p.passage.start,
                    "end": p.passage.end,
                    "text": p.passage.text,
                    "status": p.status,
                    "counterparts": [
                        {"id": c.article_id, "passage": c.passage, "score": round(c.score, 3)}
                        for c in p.counterparts
                    ],
                }
                for p in passages
            ]
            for article_id, passages in comparison.passages.items()
        },
        "facts": [
            {
                "key": g.key,
                "kind": g.kind,
                "conflict": g.conflict,
                "reason": g.reason,
                "values": {
                    article_id: [
                        {
                            "value": f.value,
                            "thing": f.thing,
                            "text": f.text,
                            "sentence": f.sentence,
                            "start": f.start,
                            "end": f.end,
                            "number": f.number,
                            "qualifier": f.qualifier,
                        }
                        for f in g.facts
                        if f.article_id == article_id
                    ]
                    for article_id in comparison.article_ids
                },
            }
            for g in comparison.facts
        ],
        "elapsed": round(comparison.elapsed, 4),
    }


def _print_comparison(
    comparison: Comparison, articles: dict[str, Article | None], style: _Style
) -> None:
    letters = {i: chr(ord("A") + n) for n, i in enumerate(comparison.article_ids)}
    for article_id, letter in letters.items():
        article = articles.get(article_id)
        title = article.title if article else article_id
        source = (article.source if article else None) or "unknown source"
        _out(f"[{letter}] {style.bold(title)}")
        _out(f"    {visible(source)} · {style.dim(article_id)}")
    _out()
    for article_id, passages in comparison.passages.items():
        counts = {status: sum(p.status == status for p in passages) for status in _MARKS}
        _out(
            f"[{letters[article_id]}] {len(passages)} passages: {counts['shared']} shared, "
            f"{counts['partial']} partly shared, {counts['unique']} only in this source"
        )
    first = comparison.article_ids[0]
    shared = [p for p in comparison.passages.get(first, ()) if p.counterparts]
    if shared:
        _out()
        _out(style.bold("Passages in common"))
        for aligned in shared:
            _out(
                f"  {_MARKS[aligned.status]} [{letters[first]}{aligned.passage.index + 1}] "
                f"{_clip(aligned.passage.text, 90)}"
            )
            for c in aligned.counterparts:
                other = comparison.passages[c.article_id][c.passage].passage
                _out(
                    f"      [{letters[c.article_id]}{c.passage + 1}] ({c.score:.2f}) "
                    f"{_clip(other.text, 80)}"
                )
    if comparison.facts:
        _out()
        _out(style.bold("Facts (conflicts first)"))
        for group in comparison.facts:
            mark = style.mark("!") if group.conflict else " "
            reason = f" — {visible(group.reason)}" if group.reason else ""
            _out(f"{mark} {visible(group.key)}{reason}")
            for fact in group.facts:
                _out(
                    f"    [{letters.get(fact.article_id, '?')}] {visible(fact.text)}: "
                    f"{style.dim(_clip(fact.sentence, 100))}"
                )
    _out()
    _out(f"({comparison.elapsed * 1000:.0f} ms)")


def _clip(text: str, width: int) -> str:
    """One line of at most ``width`` characters, shown by the display rule."""
    text = visible(" ".join(text.split()))
    return text if len(text) <= width else text[: width - 1] + "…"


def _note_json(note: Note) -> dict[str, Any]:
    a = note.anchor
    return {
        "id": note.id,
        "kind": note.kind,
        "article_id": note.article_id,
        "quote": a.quote if a else None,
        "prefix": a.prefix if a else None,
        "suffix": a.suffix if a else None,
        "start": a.start if a else None,
        "end": a.end if a else None,
        "comment": note.comment,
        "confidence": note.confidence,
        "tags": list(note.tags),
        "order": note.order,
        "created": note.created.isoformat() if note.created else None,
        "updated": note.updated.isoformat() if note.updated else None,
        "found": note.found,
        "what": note.what,
        "values": [
            {"article_id": v.article_id, "value": v.value, "sentence": v.sentence}
            for v in note.values
        ],
    }


def _print_notes(title: str, notes: list[Note], style: _Style) -> None:
    if title:
        _out(style.bold(title))
        _out()
    for note in notes:
        extras = [f"[{note.confidence}]"] if note.confidence else []
        extras += [f"#{visible(tag)}" for tag in note.tags]
        _out(f"{style.bold(f'{note.id:>3}.')} {note.kind}  {' '.join(extras)}".rstrip())
        if note.article_id:
            _out(f"     {style.dim(note.article_id)}")
        if note.anchor:
            missing = "" if note.found else style.mark("  (not found in the current text)")
            _out(f"     “{_clip(note.anchor.quote, 90)}”{missing}")
        if note.what:
            _out(f"     {visible(note.what)}: " + "; ".join(visible(v.value) for v in note.values))
        if note.comment:
            _out(f"     {_clip(note.comment, 200)}")
    _out(f"{len(notes)} note{'s' if len(notes) != 1 else ''}")


def _print_report(name: str, report: IngestReport, added_paths: list[str]) -> None:
    for path in added_paths:
        _out(f"Added {visible(str(path))} to library {visible(repr(name))}.")
    for notice in report.notices:
        _out(f"note: {visible(notice)}")
    _out(
        f"Library {visible(repr(name))}: {report.total_articles} articles. "
        f"This run: {report.added} added, {report.updated} updated, {report.removed} removed; "
        f"{report.files_read} files read, {report.unchanged_files} unchanged "
        f"({report.elapsed:.1f} s)."
    )
    if report.skipped:
        _out(f"Skipped {len(report.skipped)} files:")
        for problem in report.skipped[:50]:
            _out(f"  {visible(problem.path)}: {visible(problem.reason)}")
        if len(report.skipped) > 50:
            _out(f"  … and {len(report.skipped) - 50} more (see `briefing index --json`)")
    if report.duplicates:
        _out(f"Duplicates {len(report.duplicates)} (identical text, indexed once):")
        for dup, original in report.duplicates[:20]:
            _out(f"  {visible(dup)} = {visible(original)}")
        if len(report.duplicates) > 20:
            _out(f"  … and {len(report.duplicates) - 20} more (see `briefing index --json`)")


class _ProgressBar:
    """A one-line progress bar with ETA on a terminal's stderr."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.last = 0.0
        self.drawn = False

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        if progress.done < progress.total and now - self.last < 0.1:
            return
        self.last = now
        total = max(progress.total, 1)
        width = 30
        filled = int(width * progress.done / total)
        elapsed = now - self.started
        eta = ""
        if 0 < progress.done < progress.total:
            eta = f" ETA {elapsed / progress.done * (progress.total - progress.done):.0f}s"
        line = (
            f"\r[{'#' * filled}{'-' * (width - filled)}] {progress.done}/{progress.total} files"
            f" {progress.articles} articles{eta}"
        )
        self.stream.write(line.ljust(72))
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\r" + " " * 72 + "\r")
            self.stream.flush()
