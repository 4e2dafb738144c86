"""Where a saved web page came from, written at its top: its address and when it was fetched.

Browsers that save a page write ``<!-- saved from url=(0023)https://example.com/a -->``
as its first line (the number is the address's length). ``briefing add`` writes the
same line, then ``<!-- fetched 2026-01-31T09:00:00+00:00 -->``, and, when the server
named the page's charset, a ``<meta charset>`` that the HTML reader finds before the
page's own (the server's word wins, as in a browser). The HTML reader takes the
address and the time from there.
"""

from __future__ import annotations

import codecs
import re
from datetime import datetime
from urllib.parse import quote

from briefing.corpus.formats.common import parse_instant

# Only at the top of the file (after a BOM or blank space), as browsers write it.
_SAVED_FROM = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s{0,16}<!--\s*saved from url=\(\d{1,5}\)(\S{1,4096}?)\s*-->"
)
_FETCHED = re.compile(rb"\s{0,4}<!--\s*fetched ([0-9T:+.\-Z ]{10,40}?)\s*-->")
_CHARSET = re.compile(r"[A-Za-z0-9_.:-]{1,40}")
# What may stay unescaped in the address written into the comment: no space, no ">",
# so that the comment cannot be closed early.
_SAFE = ":/?#[]@!$&'()*+,;=%~"


def saved_from(data: bytes) -> tuple[str | None, datetime | None]:
    """The http(s) address a saved page says it came from, and when it was fetched."""
    match = _SAVED_FROM.match(data[:8192])
    if match is None:
        return None, None
    url = match.group(1).decode("ascii", "replace")
    if not url.lower().startswith(("http://", "https://")):
        # "about:internet", the generic mark some browsers write, names no page.
        url = ""
    fetched = _FETCHED.match(data, match.end())
    moment = parse_instant(fetched.group(1).decode("ascii")) if fetched else None
    return url or None, moment


def with_header(page: bytes, url: str, fetched: datetime, charset: str | None) -> bytes:
    """``page`` as saved by ``briefing add``: the header above, then the page's bytes.

    A UTF-16 page is stored as UTF-8 (the header is ASCII and must stay readable).
    """
    if page.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        page = page.decode("utf-16", "replace").encode("utf-8")
        charset = "utf-8"
    elif page.startswith(codecs.BOM_UTF8):
        page = page[len(codecs.BOM_UTF8) :]
        charset = "utf-8"
    address = quote(url, safe=_SAFE)
    lines = [
        f"<!-- saved from url=({len(address):04d}){address} -->",
        f"<!-- fetched {fetched.isoformat(timespec='seconds')} -->",
    ]
    if charset and _CHARSET.fullmatch(charset):
        lines.append(f'<meta charset="{charset}">')
    return ("\n".join(lines) + "\n").encode("ascii") + page
