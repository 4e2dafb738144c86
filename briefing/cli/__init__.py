"""The ``briefing`` command: parse the arguments, run a command, say what failed in one line.

The commands are in :mod:`briefing.cli.commands`, the parser in
:mod:`briefing.cli.parsing`, the output in :mod:`briefing.cli.rendering`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from briefing.cli.background import _BACKGROUND, print_engine_notices
from briefing.cli.commands import COMMANDS, run_app
from briefing.cli.parsing import UsageError, build_parser
from briefing.cli.rendering import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, fail
from briefing.engine import (
    DEFAULT_LIBRARY,
    ArticleNotFound,
    IndexBusy,
    IndexUnavailable,
    LibraryError,
    check_name,
)

__all__ = ["_BACKGROUND", "build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    argv, open_path = split_path(list(sys.argv[1:] if argv is None else argv))
    args = parser.parse_args(argv)
    try:
        name = check_name(getattr(args, "library", DEFAULT_LIBRARY))
        if args.command is None:
            return run_app(name, open_path, args.theme)
        handler = COMMANDS[args.command]
        try:
            return handler(args, name)
        finally:
            print_engine_notices()
    except (UsageError, LibraryError) as exc:
        return fail(str(exc), EXIT_USAGE)
    except (IndexBusy, IndexUnavailable, ArticleNotFound) as exc:
        return fail(str(exc), EXIT_FAILURE)
    except BrokenPipeError:
        # The reader of our output went away (`briefing list | head`): not an error.
        # Point stdout at /dev/null so that the flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:
        return fail(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), EXIT_FAILURE)
    except KeyboardInterrupt:
        return fail("interrupted", 130)


def split_path(argv: list[str]) -> tuple[list[str], Path | None]:
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
        if token in COMMANDS or not Path(token).expanduser().exists():
            return argv, None  # a command, or a typo that argparse will name
        return argv[:i] + argv[i + 1 :], Path(token)
    return argv, None
