"""Newsgroup posts and single mail messages: RFC 822 headers, a blank line, the body.

Headers are read by a small lenient parser rather than :mod:`email`, whose strict
header parsing can raise on the malformed headers old Usenet archives are full of.
"""

from __future__ import annotations

import base64
import binascii
import email.errors
import email.header
import email.utils
import quopri
import re
from pathlib import Path

from briefing.corpus.decode import decode_bytes
from briefing.corpus.formats.common import one_line, parse_date, split_tags
from briefing.corpus.model import Draft, FormatError

_HEADER = re.compile(r"([A-Za-z][A-Za-z0-9-]{0,76}):[ \t]*(.*)")
_MBOX_FROM = re.compile(r"From \S+")
_MAIL_FIELDS = frozenset({"from", "subject", "newsgroups"})
_MAX_HEADER_LINES = 500
_CHARSET = re.compile(
    rb"""^Content-Type:[^\n]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.I | re.M
)


def read(data: bytes, path: Path) -> list[Draft]:
    """Read a newsgroup post or mail message into one draft.

    Raises:
        FormatError: the file does not start with mail headers.
    """
    charset = _declared_charset(data)
    # Without a declared charset, 8-bit Usenet text is nearly always Latin-1 or its
    # Windows superset; a statistical guess does worse on short posts.
    text, _ = decode_bytes(data, charset or "cp1252")
    headers, body = split_headers(text)
    if not _MAIL_FIELDS.intersection(headers):
        raise FormatError("no mail headers (From:, Subject:) found")
    body = _decode_transfer(body, headers.get("content-transfer-encoding", ""), charset)
    author = None
    if sender := headers.get("from"):
        try:
            name, address = email.utils.parseaddr(sender)
        except (ValueError, IndexError):
            name, address = "", ""
        author = one_line(name) or one_line(address) or one_line(sender)
    newsgroups = one_line(headers.get("newsgroups"))
    return [
        Draft(
            body=body.strip("\n"),
            title=one_line(headers.get("subject")),
            source=newsgroups,
            author=author,
            published=parse_date(headers.get("date")),
            tags=tuple(split_tags([newsgroups])) if newsgroups else (),
        )
    ]


def looks_like_mail(text: str) -> bool:
    """Whether text starts with mail headers naming a sender, subject or newsgroup."""
    headers, _ = split_headers(text[:65536])
    return bool(_MAIL_FIELDS.intersection(headers))


def split_headers(text: str) -> tuple[dict[str, str], str]:
    """Split a message into ``(headers, body)``; header names are lower case.

    Headers end at the first blank line, or at the first line that is neither a
    header nor a continuation (which then starts the body). Repeated headers keep
    their first value. Never raises.
    """
    lines = text.replace("\r\n", "\n").split("\n")
    start = 1 if lines and _MBOX_FROM.match(lines[0]) else 0
    limit = min(len(lines), start + _MAX_HEADER_LINES)
    headers: dict[str, str] = {}
    last: str | None = None
    body_start = limit
    for index in range(start, limit):
        line = lines[index]
        if not line.strip():
            body_start = index + 1
            break
        if line[:1] in (" ", "\t"):
            if last is not None:
                headers[last] += " " + line.strip()
            continue
        match = _HEADER.fullmatch(line)
        if match is None:
            body_start = index
            break
        name = match.group(1).lower()
        # A repeated header keeps its first value; its continuation lines go with it.
        last = None if name in headers else name
        if last is not None:
            headers[last] = match.group(2).strip()
    if not headers:
        return {}, text
    decoded = {name: _decode_words(value) for name, value in headers.items()}
    return decoded, "\n".join(lines[body_start:])


def _decode_words(value: str) -> str:
    # RFC 2047 encoded words ("=?utf-8?q?...?="); left as they are if malformed.
    if "=?" not in value:
        return value
    try:
        return str(email.header.make_header(email.header.decode_header(value)))
    except (ValueError, LookupError, UnicodeError, email.errors.HeaderParseError):
        return value


def _declared_charset(data: bytes) -> str | None:
    head = data[: data.find(b"\n\n") if b"\n\n" in data[:65536] else 65536]
    match = _CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def _decode_transfer(body: str, encoding: str, charset: str | None) -> str:
    """Undo a quoted-printable or base64 transfer encoding of a single-part message."""
    encoding = encoding.strip().lower()
    try:
        if encoding == "quoted-printable":
            raw = quopri.decodestring(body.encode("ascii", "replace"))
        elif encoding == "base64":
            raw = base64.b64decode(body.encode("ascii", "replace"))
        else:
            return body
    except (ValueError, binascii.Error):
        return body
    return decode_bytes(raw, charset or "cp1252")[0]
