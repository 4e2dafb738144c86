"""Feed subscriptions: the list, OPML both ways, and updates with conditional GETs."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.engine import FeedError, load_library, open_engine
from briefing.engine.web import LocalWeb
from tests.web_server import HTTP_DATE, Route, WebServer, rss

ITEMS = [
    ("g1", "Quokka census", "Rangers counted every zanzibarian quokka."),
    ("g2", "Harbour foghorn", "A xylophonic foghorn woke the harbour."),
]


def web() -> LocalWeb:
    return open_engine(load_library("feeds-test")).web()


def test_add_list_and_remove_feeds() -> None:
    feeds = web()
    feed, new = feeds.add_feed(" https://news.example/rss ")
    assert new and feed.url == "https://news.example/rss" and feed.status == "never fetched"
    assert not feeds.add_feed("https://news.example/rss")[1]
    feeds.add_feed("http://other.example/atom")
    assert [f.url for f in feeds.feeds()] == [
        "https://news.example/rss",
        "http://other.example/atom",
    ]
    assert feeds.remove_feed("https://news.example/rss").url == "https://news.example/rss"
    assert [f.url for f in feeds.feeds()] == ["http://other.example/atom"]
    with pytest.raises(FeedError, match="no feed"):
        feeds.remove_feed("https://news.example/rss")
    with pytest.raises(FeedError, match="http or https"):
        feeds.add_feed("ftp://news.example/rss")


def test_opml_round_trip(tmp_path: Path) -> None:
    opml = tmp_path / "in.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>t</title></head><body>'
        '<outline text="News"><outline text="Herald" xmlUrl="https://herald.example/rss"/>'
        '<outline title="Gazette &amp; Co" xmlUrl="https://gazette.example/atom"/></outline>'
        '<outline text="Bad" xmlUrl="javascript:alert(1)"/></body></opml>',
        encoding="utf-8",
    )
    feeds = web()
    report = feeds.import_opml(opml)
    assert report.added == ("https://herald.example/rss", "https://gazette.example/atom")
    assert len(report.problems) == 1 and "http or https" in report.problems[0]
    assert feeds.import_opml(opml).already == report.added

    out = tmp_path / "out.opml"
    assert feeds.export_opml(out) == 2
    with pytest.raises(FileExistsError):
        feeds.export_opml(out)
    other = open_engine(load_library("other")).web()
    again = other.import_opml(out)
    assert again.added == report.added
    assert [f.title for f in other.feeds()] == ["Herald", "Gazette & Co"]


@pytest.mark.parametrize(
    "content",
    [
        "not xml at all <",
        "<html><body>hello</body></html>",
        '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        '<opml><body><outline xmlUrl="https://x.example/&b;"/></body></opml>',
    ],
)
def test_a_bad_opml_file_is_one_line(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.opml"
    path.write_text(content, encoding="utf-8")
    feeds = web()
    with pytest.raises(FeedError) as caught:
        feeds.import_opml(path)
    assert "\n" not in str(caught.value)
    assert feeds.feeds() == []


def test_update_uses_conditional_get_and_stores_no_duplicates(web_server: WebServer) -> None:
    web_server.routes["/rss"] = Route(
        rss("Local Herald", ITEMS), "application/rss+xml", etag='"v1"', last_modified=HTTP_DATE
    )
    engine = open_engine(load_library("feeds-test"))
    feeds = engine.web()
    feeds.add_feed(web_server.url("/rss"))

    first = feeds.update_feeds()
    assert [(f.new, f.error) for f in first.feeds] == [(2, None)]
    (feed,) = feeds.feeds()
    assert feed.title == "Local Herald" and feed.items == 2 and feed.status == "ok"
    assert feed.last_fetch is not None
    assert engine.update().added == 2

    second = feeds.update_feeds()
    assert second.feeds[0].not_modified and second.new == 0
    asked = web_server.asked("/rss")[-1].headers
    assert asked["If-None-Match"] == '"v1"'
    assert asked["If-Modified-Since"] == HTTP_DATE
    assert feeds.feeds()[0].status == "not modified"

    # A new version of the feed: one item new, one already held.
    web_server.routes["/rss"] = Route(
        rss("Local Herald", [*ITEMS[1:], ("g3", "Census again", "The quokkas recounted.")]),
        "application/rss+xml",
        etag='"v2"',
    )
    third = feeds.update_feeds()
    assert (third.feeds[0].new, third.feeds[0].seen) == (1, 1)
    assert engine.update().added == 1
    articles = engine.articles()
    assert len(articles) == 3
    census = next(a for a in articles if a.title == "Quokka census")
    assert census.url == "https://news.example/g1" and census.source == "Local Herald"
    assert census.fetched == first.fetched
    assert census.id.startswith("web/feeds/")
    # The ids are stable: the same item keeps its id across updates.
    assert census.id in {a.id for a in engine.articles()}


def test_a_failing_feed_is_reported_and_the_others_go_on(web_server: WebServer) -> None:
    web_server.routes["/good"] = Route(rss("Herald", ITEMS), "application/rss+xml")
    web_server.routes["/broken"] = Route(b"oops", status=500)
    web_server.routes["/page"] = Route(b"<html><body>no feed</body></html>")
    feeds = web()
    for path in ("/broken", "/page", "/good"):
        feeds.add_feed(web_server.url(path))
    seen: list[tuple[int, int]] = []
    report = feeds.update_feeds(lambda done, total, _: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
    broken, page, good = report.feeds
    assert broken.error == "HTTP 500 Internal Server Error"
    assert page.error is not None and "feed" in page.error
    assert good.new == 2 and good.error is None
    assert [f.ok for f in feeds.feeds()] == [False, False, True]
    assert len(report.failed) == 2 and report.new == 2
