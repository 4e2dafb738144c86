"""What screens ask of the app: typed messages, handled in one place (``app.py``).

A screen never calls the app by attribute: it posts one of these, which bubbles up to
:class:`~briefing.tui.app.BriefingApp` (the app's ``on_*`` handlers route them), so that
the seam between screens and app is typed and checked like the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from textual.message import Message

from briefing.compare.model import FactGroup
from briefing.corpus.model import Article


@dataclass
class OpenArticle(Message):
    """Open an article in the reader, the query's matches highlighted."""

    article_id: str
    query: str = ""
    related: bool = False  # with the cursor on its related coverage


@dataclass
class OpenCompare(Message):
    """Compare two to four articles side by side."""

    article_ids: Sequence[str]


@dataclass
class Annotate(Message):
    """Write a note on a quote of an article (``span``) or on the whole article."""

    article: Article
    span: tuple[int, int] | None
    saved: Callable[[], object] | None = None  # called once the note is stored


@dataclass
class PinFact(Message):
    """Keep a group of conflicting facts as a discrepancy note."""

    group: FactGroup


@dataclass
class FocusSearch(Message):
    """Back to the search screen, the cursor in the query box."""


@dataclass
class PrepareReader(Message):
    """Make the kept reader now (the user is about to open an article)."""


@dataclass
class UpdateLibrary(Message):
    """Index the library's new, changed and deleted files in a worker."""


class UpdateFeeds(Message):
    """Fetch every subscribed feed in a worker, then index what arrived."""
