"""Fetching one web address: http and https only, a timeout, a size cap, few redirects.

Everything that comes back is untrusted: the body is handed on as bytes to the
readers (which decode and sanitise it), and every error message is one sanitised line
that quotes nothing but a status line or a reason. The standard library's
``urllib.request`` does the work: a page or a feed needs one GET, conditional for
feeds, and no client of its own (see the README's Dependencies).
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from typing import IO
from urllib.parse import urlsplit

from briefing import __version__
from briefing.corpus.sanitize import sanitize_line

TIMEOUT_SECONDS = 20.0
"""The most a fetch may take, from connecting to the last byte."""
MAX_BYTES = 16 * 1024 * 1024
"""The most a page or a feed may weigh; a larger one is refused, not cut short."""
MAX_REDIRECTS = 5
SCHEMES = frozenset({"http", "https"})
USER_AGENT = f"briefing/{__version__} (news reader; +https://github.com/briefing)"
_CHUNK = 64 * 1024


class FetchError(Exception):
    """A web address that gave nothing usable; the message is one line for the user."""


class FeedNotPage(FetchError):
    """A page was asked for and the address gave a news feed: subscribe to it instead."""


@dataclass(frozen=True)
class Response:
    """What a GET gave: the address it ended at, the body and the validators.

    ``not_modified`` is a 304 to a conditional GET: the body is empty and the
    validators are those sent.
    """

    url: str
    status: int
    media_type: str
    charset: str | None
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


def check_url(url: str) -> str:
    """``url`` stripped, if it is an http or https address with a host.

    Raises:
        FetchError: anything else (another scheme, no host, spaces, control characters).
    """
    text = url.strip()
    shown = sanitize_line(text)[:200]
    if not text or text != shown or " " in text:
        raise FetchError(f"not a web address: {shown or '(empty)'}")
    try:
        parts = urlsplit(text)
        port = parts.port  # raises on a bad port
    except ValueError as exc:
        raise FetchError(f"not a web address: {shown}") from exc
    if parts.scheme.lower() not in SCHEMES:
        raise FetchError(f"not an http or https address: {shown}")
    if not parts.hostname or (port is not None and not 0 < port < 65536):
        raise FetchError(f"not a web address (no host): {shown}")
    return text


def fetch(
    url: str,
    accept: str = "*/*",
    timeout: float = TIMEOUT_SECONDS,
    max_bytes: int = MAX_BYTES,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Response:
    """GET ``url``; with ``etag`` or ``last_modified``, a conditional GET.

    Raises:
        FetchError: a bad address, unreachable, an HTTP error status, a refused or
            endless redirect, a timeout, or a body over ``max_bytes``.
    """
    url = check_url(url)
    headers = {"User-Agent": USER_AGENT, "Accept": accept, "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    request = urllib.request.Request(url, headers=headers, method="GET")
    deadline = time.monotonic() + timeout
    try:
        with _opener().open(request, timeout=timeout) as answer:
            body = _read(answer, deadline, max_bytes)
            info: Message = answer.headers
            final = answer.geturl()
            status = answer.status
    except urllib.error.HTTPError as exc:
        if exc.code == 304 and (etag or last_modified):
            return Response(url, 304, "", None, b"", etag, last_modified, not_modified=True)
        exc.close()
        raise FetchError(_status_error(exc)) from None
    except urllib.error.URLError as exc:
        raise FetchError(_reason(exc.reason)) from None
    except TimeoutError:
        raise FetchError(f"timed out after {timeout:g} s") from None
    except (http.client.HTTPException, OSError, ValueError) as exc:
        raise FetchError(_reason(exc)) from None
    return Response(
        url=final,
        status=status,
        media_type=info.get_content_type().lower() if info.get("Content-Type") else "",
        charset=info.get_content_charset(),
        body=body,
        etag=_header(info, "ETag"),
        last_modified=_header(info, "Last-Modified"),
    )


def _read(answer: http.client.HTTPResponse, deadline: float, max_bytes: int) -> bytes:
    """The body, refused as soon as it is known to be over ``max_bytes``."""
    length = answer.headers.get("Content-Length")
    if length and length.strip().isdigit() and int(length) > max_bytes:
        raise FetchError(f"too large ({_size(int(length))}; the limit is {_size(max_bytes)})")
    chunks: list[bytes] = []
    size = 0
    while True:
        # The socket's timeout bounds each read; this bounds them all together (a
        # server that sends a byte a second would otherwise never time out).
        if time.monotonic() > deadline:
            raise TimeoutError
        chunk = answer.read(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"too large (over {_size(max_bytes)})")
        chunks.append(chunk)


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows at most MAX_REDIRECTS redirects, and only to http and https."""

    max_redirections = MAX_REDIRECTS
    max_repeats = 2

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        scheme = urlsplit(newurl).scheme.lower()
        if scheme not in SCHEMES:
            # urllib itself would follow one to ftp.
            raise FetchError(f"redirected to a {sanitize_line(scheme)[:20]} address; refused")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener() -> urllib.request.OpenerDirector:
    # No file:, ftp: or data: handler: only the address checked above is opened, and
    # redirects are checked by _Redirects.
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(context=ssl.create_default_context()),
        urllib.request.HTTPDefaultErrorHandler(),
        _Redirects(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _status_error(exc: urllib.error.HTTPError) -> str:
    if 300 <= exc.code < 400:
        # urllib's words for a redirect loop, or a redirect to a scheme it refuses.
        if "infinite loop" in str(exc.msg):
            return f"too many redirects (more than {MAX_REDIRECTS})"
        return f"redirect refused (HTTP {exc.code})"
    reason = sanitize_line(str(exc.reason or ""))[:80]
    return f"HTTP {exc.code} {reason}".rstrip()


def _reason(reason: object) -> str:
    """A one-line reason for a failure to connect or read."""
    if isinstance(reason, FetchError):
        return str(reason)
    if isinstance(reason, TimeoutError):
        return "timed out"
    if isinstance(reason, socket.gaierror):
        return "unreachable (host not found)"
    if isinstance(reason, ConnectionRefusedError):
        return "unreachable (connection refused)"
    if isinstance(reason, ssl.SSLError):
        return f"secure connection failed ({sanitize_line(reason.reason or type(reason).__name__)})"
    if isinstance(reason, http.client.HTTPException):
        return f"bad answer from the server ({type(reason).__name__})"
    if isinstance(reason, OSError):
        detail = reason.strerror or type(reason).__name__
        return f"unreachable ({sanitize_line(str(detail))[:80]})"
    return f"unreachable ({sanitize_line(str(reason))[:80] or type(reason).__name__})"


def _header(info: Message, name: str) -> str | None:
    value = info.get(name)
    if value is None:
        return None
    # Sent back verbatim in the next request's headers: one line, no control characters.
    clean = sanitize_line(str(value))[:512]
    return clean if clean.isascii() and clean else None


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n // 1024} kB"
