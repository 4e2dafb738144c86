"""A local web server for the fetching tests: 127.0.0.1, a free port, never the internet.

Each path answers as its :class:`Route` says: a page, a feed with ETag and
Last-Modified (a 304 to a matching conditional GET), a redirect, a slow answer, an
endless one, an error. Every request's path and headers are recorded.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Route:
    """How one path answers."""

    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    location: str | None = None
    slow: bool = False
    """Answer only once the test ends (a timeout)."""
    endless: bool = False
    """Send bytes until the client goes away, without a length (the size cap)."""
    length: int | None = None
    """A Content-Length to declare instead of the body's."""


@dataclass
class Request:
    """One request the server answered."""

    path: str
    headers: dict[str, str]


@dataclass
class WebServer:
    """The running server: its routes, what it was asked, its address."""

    port: int
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        """The full address of ``path`` on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    def asked(self, path: str) -> list[Request]:
        """The requests for ``path``, in order."""
        return [r for r in self.requests if r.path == path]


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests say what went wrong."""

    def do_GET(self) -> None:
        web: WebServer = self.server.web
        web.requests.append(Request(self.path, dict(self.headers.items())))
        route = web.routes.get(self.path)
        if route is None:
            self._answer(404, b"not found", "text/plain")
            return
        if route.slow:
            web.release.wait(30)
            return
        if route.location is not None:
            self.send_response(route.status)
            self.send_header("Location", route.location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self._unchanged(route):
            self.send_response(304)
            self.end_headers()
            return
        if route.endless:
            self.send_response(200)
            self.send_header("Content-Type", route.content_type)
            self.end_headers()
            chunk = b"<p>" + b"x" * 65536 + b"</p>"
            try:
                while not web.release.is_set():
                    self.wfile.write(chunk)
            except OSError:
                return  # the client hung up, as it should
            return
        extra = {}
        if route.etag:
            extra["ETag"] = route.etag
        if route.last_modified:
            extra["Last-Modified"] = route.last_modified
        self._answer(route.status, route.body, route.content_type, extra, route.length)

    def _unchanged(self, route: Route) -> bool:
        match = self.headers.get("If-None-Match")
        if route.etag and match is not None:
            return match == route.etag
        since = self.headers.get("If-Modified-Since")
        return bool(route.last_modified and since == route.last_modified)

    def _answer(
        self,
        status: int,
        body: bytes,
        content_type: str,
        extra: dict[str, str] | None = None,
        length: int | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False


def start() -> tuple[WebServer, _Server, threading.Thread]:
    """Start a server on 127.0.0.1 at a free port."""
    server = _Server(("127.0.0.1", 0), _Handler)
    web = WebServer(port=server.server_address[1])
    server.web = web  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, name="web-server", daemon=True)
    thread.start()
    return web, server, thread


def stop(web: WebServer, server: _Server, thread: threading.Thread) -> None:
    """Release the slow and endless answers and stop the server."""
    web.release.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


HTTP_DATE = formatdate(1_700_000_000, usegmt=True)


def article_page(title: str, words: str, canonical: str | None = None) -> bytes:
    """A small news page with a headline, a site name and a few paragraphs."""
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    paragraphs = "".join(
        f"<p>{words} Paragraph {n} of the report says more about {words.split()[0]}.</p>"
        for n in range(1, 6)
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{title}</title>{link}"
        "<meta property='og:site_name' content='Local Herald'></head>"
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>"
        f"{paragraphs}</article><footer>Copyright</footer></body></html>"
    ).encode()


def rss(title: str, items: list[tuple[str, str, str]]) -> bytes:
    """An RSS 2.0 feed: (guid, title, text) per item."""
    entries = "".join(
        f"<item><guid>{guid}</guid><title>{name}</title>"
        f"<link>https://news.example/{guid}</link>"
        f"<pubDate>Mon, 05 Feb 2024 10:00:00 GMT</pubDate>"
        f"<description>{text}</description></item>"
        for guid, name, text in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://news.example/</link>{entries}</channel></rss>"
    ).encode()
