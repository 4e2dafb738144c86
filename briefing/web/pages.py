"""A web address becomes a saved page in the library's own web folder.

The page is kept as fetched, under a name made from a hash of its address (so that no
address can choose a file name), with a header that carries the address and the
fetch time (:mod:`briefing.corpus.formats.saved_page`): the HTML reader reads it like
any saved page, and re-indexing and citations work from the file.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

from briefing.corpus.formats.feeds import looks_like_feed
from briefing.corpus.formats.saved_page import with_header
from briefing.fileio import write_atomic
from briefing.web.fetch import FeedNotPage, FetchError, Response, fetch

PAGES_FOLDER = "pages"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
# Served without a useful type: looked at before being refused.
_UNTYPED = frozenset({"", "application/octet-stream", "text/plain"})


def page_name(url: str) -> str:
    """The file name of the page fetched from ``url``: a hash, never the address."""
    return hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()[:24] + ".html"


def save_page(folder: Path, url: str, now: datetime) -> tuple[Path, str]:
    """Fetch ``url`` and keep it in ``folder``/pages; the file and the final address.

    Fetching the same address again replaces its file (the article keeps its id).

    Raises:
        FetchError: the address gave no HTML page (unreachable, too large, not HTML).
        OSError: the page could not be written.
    """
    response = fetch(url, accept=_ACCEPT)
    check_html(response)
    path = folder / PAGES_FOLDER / page_name(response.url)
    write_atomic(path, with_header(response.body, response.url, now, response.charset))
    return path, response.url


def check_html(response: Response) -> None:
    """Refuse what is not a web page, with a one-line reason.

    Raises:
        FetchError: a feed, a PDF, an image, or anything else that is not HTML.
    """
    head = response.body[:2048].lstrip().lower()
    if not response.body.strip():
        raise FetchError("empty page")
    if looks_like_feed(response.body[:65536].decode("utf-8", "replace")):
        raise FeedNotPage("a news feed, not a page: subscribe with `briefing feeds add URL`")
    if response.media_type in HTML_TYPES:
        return
    if response.media_type in _UNTYPED and (
        head.startswith((b"<!doctype html", b"<html")) or b"<html" in head
    ):
        return
    raise FetchError(f"not HTML ({response.media_type or 'no content type'})")
