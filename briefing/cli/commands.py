"""One function per command: each reads its arguments, asks the engine, prints."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path

from briefing import locations
from briefing.cli.background import after_update, engine_for, group_stories, update_library
from briefing.cli.parsing import UsageError, parse_date
from briefing.cli.rendering import (
    EXIT_FAILURE,
    EXIT_OK,
    Style,
    article_json,
    byline,
    comparison_json,
    fail,
    hit_byline,
    hit_json,
    iso,
    note_json,
    print_comparison,
    print_json,
    print_notes,
    print_report,
    print_result,
    result_json,
    say,
)
from briefing.cli.web import WEB_COMMANDS
from briefing.engine import (
    INLINE_STORY_ARTICLES,
    ArticleNotFound,
    Engine,
    NoteNotFound,
    Notes,
    NotesUnavailable,
    library_names,
    load_library,
    open_engine,
    visible,
    visible_text,
)
from briefing.export.model import format_for
from briefing.search.model import Filters

# A background update groups at most this many articles into stories before it merges
# the index's segments (about 10 s of work on this machine); more, after.
GROUP_BEFORE_MERGE = 3000


def run_app(name: str, path: Path | None, theme: str | None) -> int:
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
        # Started by finish_in_background, detached: out of the way of what the user runs.
        os.nice(10)
        engine = engine_for(name)
        # A grouping of a few thousand articles goes first: `briefing stories` waits for
        # it, and searches at that size are fast without the merging. A larger one (ten
        # minutes and more at 42,000 articles) waits for the merging, which makes every
        # search faster meanwhile.
        grouped = None if args.no_stories else engine.sync_stories(limit=GROUP_BEFORE_MERGE)
        engine.compact()
        if grouped is not None and (grouped.deferred or grouped.busy):
            engine.sync_stories()
        return EXIT_OK
    library = load_library(name)
    added = library.add(list(args.paths))
    if added or not (library.directory / "library.json").exists():
        library.save()
    engine = open_engine(library)
    report = update_library(engine, sys.stderr.isatty() and not args.json)
    if args.json:
        print_json({"library": name, **report.to_json()})
    else:
        print_report(name, report, [e.path for e in added])
    after_update(engine, name, report, not args.no_stories, INLINE_STORY_ARTICLES)
    return EXIT_OK


def _cmd_search(args: argparse.Namespace, name: str) -> int:
    if args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    filters = Filters(
        sources=tuple(args.source),
        since=parse_date(args.since, "--since", end=False),
        until=parse_date(args.until, "--until", end=True),
    )
    query = " ".join(args.query)
    result = engine_for(name).search(query, filters, limit=args.limit)
    if args.json:
        print_json(result_json(result))
    else:
        print_result(result, Style(sys.stdout))
    return EXIT_OK


def _cmd_list(args: argparse.Namespace, name: str) -> int:
    articles = engine_for(name).articles()
    if args.source:
        wanted = args.source.casefold()
        articles = [a for a in articles if (a.source or "").casefold() == wanted]
    if args.json:
        print_json({"articles": [article_json(a, body=False) for a in articles]})
        return EXIT_OK
    style = Style(sys.stdout)
    for a in articles:
        say(f"{style.bold(a.id)}  {visible(a.title)}")
        say(f"    {byline(a)}")
    say(f"{len(articles)} articles")
    return EXIT_OK


def _cmd_show(args: argparse.Namespace, name: str) -> int:
    engine = engine_for(name)
    article = engine.article(engine.resolve(args.id))
    if article is None:
        raise ArticleNotFound(f"no article with id {args.id!r}")
    if args.json:
        print_json(article_json(article, body=True))
        return EXIT_OK
    style = Style(sys.stdout)
    say(style.bold(article.title))
    say(byline(article))
    say(f"id: {visible(article.id)}")
    say(f"path: {visible(article.path)}")
    if article.url:
        say(f"url: {visible(article.url)}")
    if article.fetched:
        say(f"fetched: {article.fetched.isoformat(timespec='seconds')}")
    if article.inferred:
        say(f"inferred from the text: {', '.join(sorted(article.inferred))}")
    for warning in article.warnings:
        say(f"warning: {visible(warning)}")
    say()
    say(visible_text(article.body))
    return EXIT_OK


def _cmd_related(args: argparse.Namespace, name: str) -> int:
    engine = engine_for(name)
    article_id = engine.resolve(args.id)
    hits = engine.related(article_id, limit=args.limit)
    if engine.stories_report is not None:
        group_stories(engine, name, engine.stories_report)
    if args.json:
        print_json({"id": article_id, "related": [hit_json(h) for h in hits]})
        return EXIT_OK
    style = Style(sys.stdout)
    for n, hit in enumerate(hits, 1):
        say(f"{n:>2}. {style.bold(hit.title)}")
        say(f"    {hit_byline(hit)}  {style.dim(hit.id)}")
    if not hits:
        say("No related articles.")
    return EXIT_OK


def _cmd_compare(args: argparse.Namespace, name: str) -> int:
    if not 2 <= len(args.ids) <= 4:
        raise UsageError("compare takes 2 to 4 article ids")
    engine = engine_for(name)
    ids = [engine.resolve(ref) for ref in args.ids]
    if len(set(ids)) != len(ids):
        raise UsageError("compare needs different articles")
    comparison = engine.compare(ids)
    articles = {i: engine.article(i) for i in ids}
    if args.json:
        print_json(comparison_json(comparison, articles))
        return EXIT_OK
    print_comparison(comparison, articles, Style(sys.stdout))
    return EXIT_OK


def _cmd_stories(args: argparse.Namespace, name: str) -> int:
    engine = engine_for(name)
    if args.update_only:
        # Started by group_stories, detached: out of the way of what the user runs.
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
        print_json(
            {
                "stories": [
                    {
                        "id": s.id,
                        "title": s.title,
                        "articles": list(s.article_ids),
                        "sources": list(s.sources),
                        "start": iso(s.start),
                        "end": iso(s.end),
                    }
                    for s in stories
                ]
            }
        )
        return EXIT_OK
    style = Style(sys.stdout)
    for story in stories:
        span = " – ".join(dict.fromkeys(filter(None, (iso(story.start), iso(story.end)))))
        say(f"{style.bold(story.title)}")
        count = len(story.article_ids)
        outlets = ", ".join(map(visible, story.sources)) or "unknown outlets"
        say(f"    {count} article{'s' if count != 1 else ''} · {outlets} · {span or 'undated'}")
        for article_id in story.article_ids:
            say(f"      {style.dim(article_id)}")
    say(f"{len(stories)} stories")
    return EXIT_OK


def _cmd_sources(args: argparse.Namespace, name: str) -> int:
    counts = engine_for(name).source_counts()
    if args.json:
        print_json({"sources": counts})
        return EXIT_OK
    for source, count in counts.items():
        say(f"{count:>6}  {visible(source)}")
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
        print_json(data)
        return EXIT_OK
    say(f"data:    {visible(str(data['data']))}")
    say(f"config:  {visible(str(data['config']))}")
    for lib_name, info in libraries.items():
        mark = " (current)" if lib_name == name else ""
        say(f"library {visible(repr(lib_name))}{mark}:")
        say(f"  index:   {visible(str(info['index']))}")
        say(f"  notes:   {visible(str(info['notes']))}")
        for folder in info["folders"]:
            say(f"  folder:  {visible(folder)}")
    return EXIT_OK


def _cmd_export(args: argparse.Namespace, name: str) -> int:
    fmt = args.format or (format_for(args.output) if args.output else "md")
    path = Path.cwd() / (args.output.expanduser() if args.output else Path(f"briefing.{fmt}"))
    if path.exists() and not args.force:  # before any work; the write checks again
        return fail(f"{path} exists; use --force to overwrite", EXIT_FAILURE)
    engine = open_engine(load_library(name, create=False))
    try:
        written = engine.export_briefing(path, args.force, title=args.title, fmt=fmt)
    except (NotesUnavailable, FileExistsError) as exc:
        return fail(str(exc), EXIT_FAILURE)
    finally:
        engine.close()
    say(visible(str(written)))
    return EXIT_OK


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
            say(f"Deleted note {note.id}.")
            return EXIT_OK
        listed = notes.list()
        if args.json:
            print_json({"title": notes.title(), "notes": [note_json(n) for n in listed]})
        else:
            print_notes(notes.title(), listed, Style(sys.stdout))
        return EXIT_OK
    except (NotesUnavailable, NoteNotFound) as exc:
        return fail(str(exc), EXIT_FAILURE)
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
                return fail(f"quote not found in {article_id}", EXIT_FAILURE)
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
        print_json(note_json(note))
    else:
        say(str(note.id))
    return EXIT_OK


COMMANDS = {
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
    **WEB_COMMANDS,
}
