"""Fetching a web address, and a page kept as an article: against a local server only."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from briefing.corpus.formats import read_drafts
from briefing.corpus.formats.saved_page import saved_from, with_header
from briefing.engine import load_library, open_engine
from briefing.web.fetch import FetchError, check_url, fetch
from briefing.web.pages import save_page
from tests.web_server import HTTP_DATE, Route, WebServer, article_page, rss

NOW = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)


def test_a_page_is_fetched_with_its_type_charset_and_validators(web_server: WebServer) -> None:
    web_server.routes["/a"] = Route(article_page("Quokka census", "quokka"), etag='"v1"')
    response = fetch(web_server.url("/a"))
    assert response.status == 200
    assert response.media_type == "text/html" and response.charset == "utf-8"
    assert b"Quokka census" in response.body
    assert response.etag == '"v1"'
    assert web_server.asked("/a")[0].headers["User-Agent"].startswith("briefing/")


def test_a_redirect_is_followed_and_the_final_address_kept(web_server: WebServer) -> None:
    web_server.routes["/a"] = Route(article_page("Quokka census", "quokka"))
    web_server.routes["/short"] = Route(status=302, location="/a")
    response = fetch(web_server.url("/short"))
    assert response.url == web_server.url("/a")


def test_endless_redirects_stop_after_a_few(web_server: WebServer) -> None:
    web_server.routes["/loop"] = Route(status=302, location="/loop2")
    web_server.routes["/loop2"] = Route(status=302, location="/loop")
    for n in range(10):
        web_server.routes[f"/hop{n}"] = Route(status=301, location=f"/hop{n + 1}")
    with pytest.raises(FetchError, match="redirect"):
        fetch(web_server.url("/loop"))
    with pytest.raises(FetchError, match="too many redirects"):
        fetch(web_server.url("/hop0"))
    assert len(web_server.asked("/hop6")) == 0


@pytest.mark.parametrize("target", ["ftp://127.0.0.1/x", "file:///etc/passwd"])
def test_a_redirect_to_another_scheme_is_refused(web_server: WebServer, target: str) -> None:
    web_server.routes["/away"] = Route(status=302, location=target)
    with pytest.raises(FetchError, match="redirect") as caught:
        fetch(web_server.url("/away"))
    assert "\n" not in str(caught.value)


def test_a_slow_server_times_out(web_server: WebServer) -> None:
    web_server.routes["/slow"] = Route(slow=True)
    with pytest.raises(FetchError, match="timed out"):
        fetch(web_server.url("/slow"), timeout=0.3)


def test_a_huge_page_is_refused_by_its_length_or_as_it_streams(web_server: WebServer) -> None:
    web_server.routes["/declared"] = Route(b"x", length=50 * 1024 * 1024)
    web_server.routes["/endless"] = Route(endless=True)
    with pytest.raises(FetchError, match="too large"):
        fetch(web_server.url("/declared"))
    with pytest.raises(FetchError, match="too large"):
        fetch(web_server.url("/endless"), max_bytes=1024 * 1024)


def test_server_errors_and_unreachable_hosts_are_one_line(web_server: WebServer) -> None:
    web_server.routes["/error"] = Route(b"oops", status=500)
    with pytest.raises(FetchError, match="HTTP 500"):
        fetch(web_server.url("/error"))
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(web_server.url("/missing"))
    # A port nothing listens on: the server's own port, once it is closed, is not
    # guaranteed free, so port 9 (discard) on 127.0.0.1, which nothing serves here.
    with pytest.raises(FetchError, match="unreachable"):
        fetch("http://127.0.0.1:9/")


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "example.com",
        "http://",
        "http://exa mple.com/",
        "http://x.com/\x1b]0;t\x07",
        "",
    ],
)
def test_only_http_and_https_addresses_are_fetched(url: str) -> None:
    with pytest.raises(FetchError) as caught:
        check_url(url)
    assert "\x1b" not in str(caught.value) and "\n" not in str(caught.value)


def test_a_conditional_get_gets_a_304(web_server: WebServer) -> None:
    web_server.routes["/feed"] = Route(rss("F", []), "application/rss+xml", etag='"v1"')
    response = fetch(web_server.url("/feed"), etag='"v1"')
    assert response.not_modified and response.body == b""
    web_server.routes["/dated"] = Route(rss("F", []), last_modified=HTTP_DATE)
    assert fetch(web_server.url("/dated"), last_modified=HTTP_DATE).not_modified


def test_a_saved_page_carries_its_address_and_fetch_time() -> None:
    page = with_header(
        b"<html><body><p>x</p></body></html>", "https://a.example/x y>", NOW, "cp1252"
    )
    url, fetched = saved_from(page)
    assert url == "https://a.example/x%20y%3E"
    assert fetched == NOW
    assert b'<meta charset="cp1252">' in page.split(b"<html>")[0]
    # What browsers write is read too; their generic mark names no page.
    assert saved_from(b"<!-- saved from url=(0019)https://b.example/ -->\n<html>")[0] == (
        "https://b.example/"
    )
    assert saved_from(b"<!-- saved from url=(0014)about:internet -->\n<html>") == (None, None)


def test_a_fetched_page_becomes_an_article_with_its_url(
    web_server: WebServer, tmp_path: Path
) -> None:
    web_server.routes["/story"] = Route(
        article_page("Quokka census", "quokka", canonical="https://elsewhere.example/c")
    )
    path, final = save_page(tmp_path, web_server.url("/story"), NOW)
    assert path.parent == tmp_path / "pages" and path.name.endswith(".html")
    assert "story" not in path.name  # named by a hash, never by the address
    (draft,) = read_drafts(path.read_bytes(), path)
    assert draft.url == web_server.url("/story") == final
    assert draft.fetched == NOW
    assert draft.title == "Quokka census"


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        (Route(b"%PDF-1.7 ...", "application/pdf"), "not HTML"),
        (Route(rss("Herald", [("1", "t", "x")]), "application/rss+xml"), "news feed"),
        (Route(b"", "text/html"), "empty"),
    ],
)
def test_what_is_not_a_page_is_refused(
    web_server: WebServer, tmp_path: Path, route: Route, reason: str
) -> None:
    web_server.routes["/x"] = route
    with pytest.raises(FetchError, match=reason):
        save_page(tmp_path, web_server.url("/x"), NOW)
    assert not (tmp_path / "pages").exists()


def test_add_urls_keeps_going_after_a_failure_and_indexes_with_url_and_fetched(
    web_server: WebServer,
) -> None:
    web_server.routes["/a"] = Route(article_page("Quokka census", "quokka"))
    web_server.routes["/b"] = Route(article_page("Harbour foghorn", "xylophonic"))
    web_server.routes["/bad"] = Route(b"oops", status=500)
    library = load_library("web-test")
    engine = open_engine(library)
    urls = [web_server.url("/a"), web_server.url("/bad"), web_server.url("/b")]
    report = engine.web().add_urls(urls)
    assert [p.error is None for p in report.pages] == [True, False, True]
    assert "HTTP 500" in (report.pages[1].error or "")
    assert load_library("web-test").entries[0].is_web  # saved with the library
    ingest = engine.update()
    assert ingest.added == 2
    article = engine.article(report.pages[0].article_id or "")
    assert article is not None
    assert article.url == web_server.url("/a")
    assert article.fetched == report.fetched
    assert article.path.startswith(str(library.web_dir))
    # Fetched again: the same file, the same id; nothing duplicated.
    again = engine.web().add_urls([web_server.url("/a")])
    assert again.pages[0].article_id == report.pages[0].article_id
    engine.update()
    assert len(engine.articles()) == 2
