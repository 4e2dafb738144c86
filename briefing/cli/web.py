"""The web commands: ``add URL``, ``feeds`` (list, add, rm, import, export) and ``update``.

Each fetch that fails is one line and the rest goes on; what arrived is indexed as
``briefing index`` indexes (every article searchable when the command returns, stories
grouped, a large update's segments merged in the background). Addresses, titles and
error messages come from outside and are shown by the display rule.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any

from briefing.cli.background import after_update, update_library
from briefing.cli.rendering import (
    EXIT_FAILURE,
    EXIT_OK,
    fail,
    print_json,
    print_report,
    say,
)
from briefing.engine import (
    INLINE_STORY_ARTICLES,
    Engine,
    FeedError,
    IngestReport,
    load_library,
    open_engine,
    visible,
)
from briefing.web.model import Feed, FeedsReport, PageResult


def _cmd_add(args: argparse.Namespace, name: str) -> int:
    engine: Engine = open_engine(load_library(name))
    report = engine.web().add_urls(args.urls, _progress(args.json))
    fetched = [p for p in report.pages if p.error is None]
    ingest, engine = _index(name, args) if fetched else (None, engine)
    skipped = {p.path: p.reason for p in ingest.skipped} if ingest else {}
    pages: list[tuple[PageResult, str | None]] = []
    for page in report.pages:
        title = None
        if page.error is None and page.article_id is not None:
            article = engine.article(page.article_id)
            if article is None:
                reason = skipped.get(page.path or "", "no article found in the page")
                page = PageResult(page.url, page.final_url, path=page.path, error=reason)
            else:
                title = article.title
        pages.append((page, title))
    if args.json:
        print_json(
            {
                "library": name,
                "fetched": report.to_json()["fetched"],
                "pages": [{**p.to_json(), "title": t} for p, t in pages],
                "index": ingest.to_json() if ingest else None,
            }
        )
    else:
        for page, title in pages:
            if page.error is None:
                say(f"added {visible(page.url)} as {visible(page.article_id or '')}")
                say(f"    {visible(title or '')}")
        for page, _ in pages:
            if page.error is not None:
                print(f"briefing: {visible(page.url)}: {visible(page.error)}", file=sys.stderr)
        if ingest is not None:
            print_report(name, ingest, [])
    _after_index(engine, name, args, ingest)
    return EXIT_FAILURE if any(p.error for p, _ in pages) else EXIT_OK


def _cmd_feeds(args: argparse.Namespace, name: str) -> int:
    web = open_engine(load_library(name)).web()
    action = getattr(args, "action", None)
    try:
        if action == "add":
            feed, new = web.add_feed(args.url)
            state = "Subscribed to" if new else "Already subscribed to"
            say(f"{state} {visible(feed.url)}; `briefing update` fetches it.")
        elif action == "rm":
            feed = web.remove_feed(args.url)
            say(f"Unsubscribed from {visible(feed.url)} ({feed.items} articles stay).")
        elif action == "import":
            opml = web.import_opml(args.file)
            if args.json:
                print_json(opml.to_json())
            else:
                say(f"{_feeds(len(opml.added))} added, {len(opml.already)} already subscribed.")
                for problem in opml.problems:
                    print(f"briefing: skipped: {visible(problem)}", file=sys.stderr)
        elif action == "export":
            count = web.export_opml(args.file, force=args.force)
            say(f"{_feeds(count)} written to {visible(str(args.file))}.")
        elif args.json:
            print_json({"library": name, "feeds": [f.to_json() for f in web.feeds()]})
        else:
            _print_feeds(web.feeds())
    except (FeedError, FileExistsError) as exc:
        return fail(str(exc), EXIT_FAILURE)
    return EXIT_OK


def _print_feeds(feeds: list[Feed]) -> None:
    for feed in feeds:
        say(visible(feed.title or feed.url))
        when = _when(feed.last_fetch) or "never fetched"
        status = "" if feed.status == "never fetched" else f" · {visible(feed.status)}"
        say(f"    {visible(feed.url)} · {when}{status} · {feed.items} items")
    if not feeds:
        say("No feeds yet: subscribe with `briefing feeds add URL`.")
    else:
        say(_feeds(len(feeds)))


def _cmd_update(args: argparse.Namespace, name: str) -> int:
    engine: Engine = open_engine(load_library(name))
    web = engine.web()
    if not web.feeds():
        if args.json:
            print_json({"library": name, **FeedsReport().to_json(), "index": None})
        else:
            say("No feeds yet: subscribe with `briefing feeds add URL`.")
        return EXIT_OK
    report = web.update_feeds(_progress(args.json))
    ingest, engine = _index(name, args) if report.new else (None, engine)
    if args.json:
        print_json(
            {"library": name, **report.to_json(), "index": ingest.to_json() if ingest else None}
        )
    else:
        for result in report.feeds:
            label = visible(result.title or result.url)
            if result.error is None:
                detail = "not modified" if result.not_modified else f"{result.new} new"
                say(f"{label}: {detail}")
        for result in report.failed:
            shown = visible(result.title or result.url)
            print(f"briefing: {shown}: {visible(result.error or '')}", file=sys.stderr)
        if ingest is not None:
            print_report(name, ingest, [])
    _after_index(engine, name, args, ingest)
    return EXIT_FAILURE if report.failed else EXIT_OK


def _progress(quiet: bool) -> Any:
    """One line per address on a terminal's stderr (quiet when piped or for --json)."""
    if quiet or not sys.stderr.isatty():
        return None

    def progress(done: int, total: int, what: str) -> None:
        print(f"\r\x1b[K[{done}/{total}] {visible(what)[:70]}", end="", file=sys.stderr)
        if done == total:
            print(file=sys.stderr)

    return progress


def _index(name: str, args: argparse.Namespace) -> tuple[IngestReport, Engine]:
    """Index the library (its web folder among its folders), as `briefing index` does."""
    # Loaded again: fetching may have added the web folder to the library's settings.
    engine: Engine = open_engine(load_library(name))
    return update_library(engine, sys.stderr.isatty() and not args.json), engine


def _after_index(
    engine: Engine, name: str, args: argparse.Namespace, report: IngestReport | None
) -> None:
    if report is not None:
        after_update(engine, name, report, not args.no_stories, INLINE_STORY_ARTICLES)


def _feeds(count: int) -> str:
    return f"{count} feed" if count == 1 else f"{count} feeds"


def _when(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else None


WEB_COMMANDS = {"add": _cmd_add, "feeds": _cmd_feeds, "update": _cmd_update}
