"""Format readers: real corpora and small hostile or odd inputs, per format and dispatch."""

from __future__ import annotations

import codecs
import json
import logging
import socket
import tarfile
import time
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from briefing.corpus.formats import SUPPORTED_SUFFIXES, html, is_supported, read_drafts
from briefing.corpus.formats.common import html_to_text, join_authors, parse_date
from briefing.corpus.ingest import SourceFile, ingest_file
from briefing.corpus.model import Draft, FormatError

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"
needs_corpora = pytest.mark.skipif(
    not CORPORA.is_dir(), reason=f"shared corpora not found at {CORPORA}"
)
NEWSGROUPS_TARBALL = "20newsgroups-bydate.tar.gz"
NEWSGROUP_POSTS = 50


def read(tmp_path: Path, name: str, content: str | bytes) -> list[Draft]:
    """Write ``content`` to ``tmp_path/name`` and read it back through the dispatcher."""
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return read_drafts(path.read_bytes(), path)


def read_real(rel: str) -> list[Draft]:
    path = CORPORA / rel
    return read_drafts(path.read_bytes(), path)


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any attempt to open a network connection fail the test."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a reader tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture(scope="module")
def newsgroup_posts(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The first posts of the 20 Newsgroups tarball, extracted safely."""
    tarball = CORPORA / NEWSGROUPS_TARBALL
    if not tarball.is_file():
        pytest.skip(f"{tarball} not found")
    target = tmp_path_factory.mktemp("newsgroups")
    posts: list[Path] = []
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive:
            name = PurePosixPath(member.name)
            # Regular files only, and never a path that could leave the target.
            if not member.isfile() or name.is_absolute() or ".." in name.parts:
                continue
            handle = archive.extractfile(member)
            if handle is None:
                continue
            # "<group>/<number>": two plain path components, checked above.
            path = target / name.parent.name / name.name
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(handle.read())
            posts.append(path)
            if len(posts) >= NEWSGROUP_POSTS:
                break
    return posts


# --- dispatch ----------------------------------------------------------------------


def test_supported_suffixes() -> None:
    for suffix in (".txt", ".md", ".html", ".json", ".jsonl", ".rss", ".atom", ".xml", ".sgm"):
        assert suffix in SUPPORTED_SUFFIXES
    assert "" in SUPPORTED_SUFFIXES
    assert is_supported(Path("a/B.TXT"))
    assert is_supported(Path("a/12345"))
    assert is_supported(Path("a/b.pdf")) and is_supported(Path("a/b.DOCX"))
    assert not is_supported(Path("a/b.odt"))
    assert not is_supported(Path("a/b.tar.gz"))


@pytest.mark.parametrize("name", ["a.txt", "a.md", "a.html", "a.json", "a.rss", "a.sgm", "a"])
@pytest.mark.parametrize(
    "content",
    [b"", b"  \n\t\r\n", codecs.BOM_UTF8 + b"\n", codecs.BOM_UTF16_LE + " \n".encode("utf-16-le")],
)
def test_empty_files(tmp_path: Path, name: str, content: bytes) -> None:
    with pytest.raises(FormatError, match="empty file"):
        read(tmp_path, name, content)


@pytest.mark.parametrize("name", ["a.txt", "a.md", "a.html", "a.json", "a.xml", "a.sgm", "a"])
def test_binary_junk(tmp_path: Path, name: str) -> None:
    junk = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    with pytest.raises(FormatError, match="binary file"):
        read(tmp_path, name, junk)


def test_unsupported_suffix(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match=r"unsupported file type \.odt"):
        read(tmp_path, "a.odt", b"PK text")


def test_xml_that_is_not_a_feed(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="not a news feed"):
        read(tmp_path, "a.xml", '<?xml version="1.0"?><catalog><book>x</book></catalog>')
    (draft,) = read(tmp_path, "b.xml", '<?xml version="1.0"?>\n<!-- hi -->\n' + RSS_ONE_ITEM)
    assert draft.title == "Only item"


def test_extensionless_files_are_sniffed(tmp_path: Path) -> None:
    (post,) = read(tmp_path, "1001", "From: Ann <ann@example.org>\nSubject: Hello\n\nBody.\n")
    assert (post.title, post.author, post.plain) == ("Hello", "Ann", False)
    (item,) = read(tmp_path, "feed", RSS_ONE_ITEM)
    assert item.title == "Only item"
    (text,) = read(tmp_path, "notes", "Just some pasted text.\n\nSecond paragraph.\n")
    assert text.plain and text.body.startswith("Just some pasted text.")


# --- plain text ----------------------------------------------------------------------


@needs_corpora
def test_bbc_text_file() -> None:
    (draft,) = read_real("bbc/tech/132.txt")
    assert draft.plain
    assert draft.title is None and draft.key is None
    assert draft.body.startswith("US duo in first spam conviction\n")
    assert "convicted of sending hundreds of thousands of unsolicited e-mail" in draft.body


GERMAN = (
    "Die Bürger in Köln äußerten große Sorge über die Straßenbahn. "
    "Der Bürgermeister erklärte, die Verträge würden geprüft."
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-16-le", "utf-16-be", "latin-1"])
def test_text_encodings(tmp_path: Path, encoding: str) -> None:
    (draft,) = read(tmp_path, "a.txt", GERMAN.encode(encoding))
    assert draft.body == GERMAN


# --- Markdown --------------------------------------------------------------------------


def test_markdown_front_matter(tmp_path: Path) -> None:
    (draft,) = read(
        tmp_path,
        "a.md",
        "---\n"
        "title: Strikes in Syria\n"
        "source: The Guardian\n"
        "authors: [Jane Doe, John Roe, Technology Correspondent]\n"
        "date: 2024-02-03\n"
        "url: https://www.theguardian.com/world/x\n"
        "tags: [Syria, US]\n"
        "---\n"
        "First paragraph.\n\nSecond *paragraph*.\n",
    )
    assert draft.title == "Strikes in Syria"
    assert draft.source == "The Guardian"
    assert draft.author == "Jane Doe, John Roe"
    assert draft.published == date(2024, 2, 3)
    assert draft.url == "https://www.theguardian.com/world/x"
    assert draft.tags == ("Syria", "US")
    assert draft.body == "First paragraph.\n\nSecond *paragraph*.\n"
    assert not draft.plain and not draft.inferred and not draft.warnings


def test_markdown_front_matter_without_title_is_plain(tmp_path: Path) -> None:
    (draft,) = read(
        tmp_path,
        "a.md",
        "---\nauthor: Jane Doe\ntags: 'a, b'\nurl: https://www.thetimes.co.uk/x\n---\nText.\n",
    )
    assert draft.plain and draft.title is None
    assert draft.author == "Jane Doe" and draft.tags == ("a", "b")
    assert draft.source == "thetimes.co.uk" and draft.inferred == {"source"}


def test_markdown_heading_title(tmp_path: Path) -> None:
    (draft,) = read(tmp_path, "a.md", "# The Headline\n\nBody text.\n")
    assert draft.title == "The Headline"
    assert draft.inferred == {"title"}
    assert draft.plain
    assert draft.body == "# The Headline\n\nBody text.\n"


def test_markdown_without_front_matter(tmp_path: Path) -> None:
    (draft,) = read(tmp_path, "a.md", "Some text\n---\nmore text: here\n")
    assert draft.title is None and draft.plain and not draft.warnings
    assert draft.body == "Some text\n---\nmore text: here\n"
    # Rules above and below prose are not front matter either.
    (ruled,) = read(tmp_path, "b.md", "---\nJust prose here.\n---\nMore prose.\n")
    assert ruled.body.startswith("---\nJust prose here.") and not ruled.warnings


def test_markdown_python_tag_is_not_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    hostile = (
        f"---\ntitle: !!python/object/apply:os.system ['touch {marker}']\n"
        "date: !!python/object/apply:time.sleep [10]\n---\nBody.\n"
    )
    (draft,) = read(tmp_path, "a.md", hostile)
    assert not marker.exists()
    assert draft.title is None and draft.body == "Body.\n"
    assert draft.warnings == ("front matter is not valid YAML; ignored",)


def test_markdown_alias_bomb_does_not_hang(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    bomb = "---\n" + "\n".join(lines) + "\ntitle: *i\ntags: *i\n---\nBody.\n"
    started = time.thread_time()
    (draft,) = read(tmp_path, "a.md", bomb)
    assert time.thread_time() - started < 2
    assert draft.title is None and draft.tags == ()
    assert draft.warnings == ("front matter uses YAML aliases; ignored",)


def test_markdown_deep_or_huge_front_matter(tmp_path: Path) -> None:
    started = time.thread_time()
    (deep,) = read(tmp_path, "a.md", "---\ntitle: " + "[" * 20000 + "]" * 20000 + "\n---\nB\n")
    assert time.thread_time() - started < 2
    assert deep.warnings == ("front matter is nested too deeply; ignored",)
    (huge,) = read(tmp_path, "b.md", "---\ntitle: x\n" + "k: v\n" * 20000 + "---\nBody.\n")
    assert huge.title is None and "64 KB" in huge.warnings[0]
    (unclosed,) = read(tmp_path, "c.md", "---\ntitle: x\n\nBody.\n")
    assert unclosed.title is None and "closing" in unclosed.warnings[0]


def test_markdown_bad_values(tmp_path: Path) -> None:
    (draft,) = read(tmp_path, "a.md", "---\n- a list\n- not a mapping\n---\nBody.\n")
    assert draft.title is None
    (dated,) = read(tmp_path, "b.md", "---\ntitle: T\ndate: 2024-02-30\n---\nBody.\n")
    assert dated.warnings == ("front matter holds an impossible date or number; ignored",)
    (odd,) = read(tmp_path, "c.md", "---\ntitle: {a: 1}\nauthor: 42\ndate: soon\n---\nB\n")
    assert (odd.title, odd.published) == (None, None)


# --- HTML ------------------------------------------------------------------------------

# (file, title, source, author, date, a sentence of the article, page chrome that must go)
HTML_PAGES = [
    (
        "dw.com.colonial.html",
        "Berlin confronts Germany's colonial past",
        "DW.COM",
        "Deutsche Welle",
        date(2020, 1, 19),
        'five-year project named "Postcolonial Remembrance in the City"',
        ["Choose from 30 Languages", "Send us your feedback.", "Follow @dwnews on Twitter"],
    ),
    (
        "reuters.com.parasite.html",
        "'Parasite' scores historic upset at SAG awards",
        "Reuters",
        "Jill Serjeant",
        date(2020, 1, 20),
        "was the first film in a foreign language to win the top prize of best cast ensemble",
        ["Do Not Sell My Personal Information", "Advertising Guidelines", "Directory of sites"],
    ),
    (
        "scmp.com.playbook.html",
        # The headline on the page (its <h1>, <title> and JSON-LD agree), not the
        # shorter social-media one of its og:title.
        "Taiwanese President Tsai Ing-wen’s political playbook",
        "South China Morning Post",
        "Alice Wu",
        date(2020, 1, 20),
        "Tsai Ing-wen’s spectacular re-election was no easy feat.",
        ["Why you can trust SCMP", "READ FULL ARTICLE"],
    ),
    (
        "theguardian.com.academics.html",
        "Thousands of UK academics 'treated as second-class citizens'",
        "The Guardian",
        "Richard Adams",
        date(2020, 1, 20),
        "the “alarming rise of mass casualised labour” in higher education",
        ["Skip to main content", "Share on Facebook", "Support The Guardian"],
    ),
    (
        "vancouversun.com.microsoft.html",
        "Microsoft moves to erase its carbon footprint",
        "Vancouver Sun",
        "Reuters",
        date(2020, 1, 16),
        "it aims to remove more carbon from the atmosphere than it emits by 2030",
        ["Skip to navigation", "Postmedia Network Inc. All rights reserved", "Browse Classifieds"],
    ),
    (
        "zeit.de.zugverkehr.html",
        "Zugverkehr: Im ICE von Frankfurt nach Barcelona",
        "ZEIT ONLINE",
        "Caspar Schwietering",
        date(2020, 1, 14),
        "36 Stunden. So lange dauert die schnellste Zugverbindung von Madrid nach Stockholm.",
        ["Zum Inhalt springen", "Bitte melden Sie sich an, um zu kommentieren.", "Cookies"],
    ),
]


@needs_corpora
@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize(
    ("name", "title", "source", "author", "published", "sentence", "chrome"), HTML_PAGES
)
def test_real_html_pages(
    name: str,
    title: str,
    source: str,
    author: str,
    published: date,
    sentence: str,
    chrome: list[str],
) -> None:
    (draft,) = read_real(f"html/trafilatura/{name}")
    assert draft.title is not None and draft.title.startswith(title)
    assert (draft.source, draft.author, draft.published) == (source, author, published)
    assert draft.url is not None and draft.url.startswith("http")
    assert sentence in draft.body
    for text in chrome:
        assert text not in draft.body
    assert "\n\n" in draft.body or len(draft.body) > 2000
    assert "<" not in draft.body.replace("<SRD>", "")
    assert draft.key is None and not draft.plain


@needs_corpora
def test_html_falls_back_to_structured_data() -> None:
    # scmp.com renders the story with JavaScript; trafilatura finds only a caption.
    (draft,) = read_real("html/trafilatura/scmp.com.playbook.html")
    assert draft.warnings == ("article text taken from the page's structured data",)
    assert "Taiwanese President Tsai Ing-wen speaks during a televised" not in draft.body
    assert len(draft.body) > 4000


@needs_corpora
def test_html_keeps_headings_as_paragraphs() -> None:
    (draft,) = read_real("html/trafilatura/zeit.de.zugverkehr.html")
    assert "\n\nNationale Egoismen\n\n" in draft.body


ARTICLE_PAGE = """<!DOCTYPE html>
<html><head><meta charset="iso-8859-1"><title>Ação no Brasil | Jornal</title>
<meta property="og:site_name" content="O Jornal">
<meta name="author" content="Maria Souza">
<meta property="article:published_time" content="2023-05-04T10:00:00-03:00">
<link rel="canonical" href="https://www.jornal.example/acao">
<script>var tracking = "SCRIPT-TEXT";</script><style>.x{}</style></head>
<body><nav><a href="/">Início</a> <a href="/mundo">Mundo</a>
<a href="/login">Entrar na conta</a></nav>
<article><h1>Ação no Brasil</h1>
<p>A população de São Paulo reagiu com cautela às notícias da inflação, que caiu pela
terceira vez consecutiva segundo o instituto nacional de estatística.</p>
<p>Os preços da habitação também recuaram, e as ações das empresas da região subiram
durante a tarde, disseram analistas ouvidos pela reportagem.</p>
<p>O governo deve anunciar novas medidas na próxima semana, incluindo cortes de impostos
para famílias de baixa renda e incentivos à construção.</p>
<script>document.write("INLINE-SCRIPT")</script>
</article>
<footer>© 2023 O Jornal. Todos os direitos reservados. Política de cookies.</footer>
</body></html>"""


@pytest.mark.usefixtures("no_network")
def test_synthetic_latin1_page(tmp_path: Path) -> None:
    (draft,) = read(tmp_path, "a.html", ARTICLE_PAGE.encode("latin-1"))
    assert draft.title is not None and draft.title.startswith("Ação no Brasil")
    assert draft.source == "O Jornal"
    assert draft.author == "Maria Souza"
    assert draft.published == date(2023, 5, 4)
    assert draft.url == "https://www.jornal.example/acao"
    assert "A população de São Paulo reagiu com cautela" in draft.body
    assert "estatística.\n\nOs preços da habitação" in draft.body
    for chrome in ("SCRIPT-TEXT", "INLINE-SCRIPT", "Entrar na conta", "direitos reservados"):
        assert chrome not in draft.body


def test_html_article_only_in_structured_data(tmp_path: Path) -> None:
    story = " ".join(f"Sentence number {n} of the story rendered by script." for n in range(20))
    ld = json.dumps({"@graph": [{"@type": "NewsArticle", "articleBody": story}]})
    # Like scmp.com: the page shows a photo caption; the story is in JSON-LD only.
    caption = "The president speaks during a televised debate in the capital on Monday. Photo: AP"
    page = (
        '<html><head><title>Scripted story</title><meta name="author" content="Ann Lee">'
        f'<script type="application/ld+json">{ld}</script></head>'
        f'<body><div id="app"><p>{caption}</p></div></body></html>'
    )
    (draft,) = read(tmp_path, "a.html", page)
    # trafilatura's own fallback or this reader's may find it: either way, the story.
    assert draft.body == story
    assert (draft.title, draft.author) == ("Scripted story", "Ann Lee")


# A wire brief: one short paragraph in its <article>, amid the page's menus, ads,
# sharing links, scripts, comments and footer, none of which is article text.
BRIEF = "A magnitude 6.1 earthquake struck off the northern coast on Monday, officials said."
BRIEF_PAGE = f"""<!DOCTYPE html>
<html><head><title>Quake hits northern coast | The Wire</title>
<meta property="og:site_name" content="The Wire">
<script>var tracking = "SCRIPT-TEXT";</script></head>
<body><header class="site-header"><a href="/">The Wire</a>
<nav><ul>{"".join(f'<li><a href="/s{n}">NAV-TEXT section {n}</a></li>' for n in range(20))}</ul>
</nav></header>
<div class="ad-slot">ADVERT-TEXT: compare mortgage rates now</div>
<article><h1>Quake hits northern coast</h1>
<p>{BRIEF}</p>
<div class="share-tools"><a href="/share">SHARE-TEXT on social media</a></div>
<script>document.write("INLINE-SCRIPT")</script></article>
<section id="comments"><p>COMMENT-TEXT: first!</p></section>
<footer><p>FOOTER-TEXT © 2024 The Wire. All rights reserved.</p></footer>
</body></html>"""
BRIEF_NOISE = ("NAV-TEXT", "ADVERT-TEXT", "SHARE-TEXT", "SCRIPT", "COMMENT-TEXT", "FOOTER-TEXT")


def test_short_article_page_keeps_its_brief(tmp_path: Path) -> None:
    (draft,) = read(tmp_path, "brief.html", BRIEF_PAGE)
    assert draft.title is not None and draft.title.startswith("Quake hits northern coast")
    assert draft.source == "The Wire"
    assert draft.body == BRIEF
    # And through the whole pipeline: indexed, not skipped as "no article text found".
    result = ingest_file(SourceFile(tmp_path / "brief.html", "t", "brief.html"))
    assert result.skipped is None
    (article,) = result.articles
    assert article.body == BRIEF


def test_short_article_page_when_trafilatura_finds_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Some trafilatura versions return nothing below their minimum size: the page's
    # own main element is read instead, and the metadata from its <head>.
    monkeypatch.setattr(html, "_extract", lambda text: None)
    (draft,) = read(tmp_path, "brief.html", BRIEF_PAGE)
    assert draft.body == BRIEF
    assert draft.title is not None and draft.title.startswith("Quake hits northern coast")
    for noise in BRIEF_NOISE:
        assert noise not in draft.body
    # Without an <article> or <main>: the body's largest block of paragraphs.
    page = BRIEF_PAGE.replace("<article>", "<div class='story'>").replace("</article>", "</div>")
    (draft,) = read(tmp_path, "plain.html", page)
    assert draft.body == BRIEF


def test_short_article_card_does_not_replace_the_story(tmp_path: Path) -> None:
    # A story in plain <div>s, with short teaser cards for other stories in <article>s:
    # trafilatura's text (the story) stays.
    story = "".join(
        f"<p>Paragraph {n} of the story tells of the flood in the valley and of the damage "
        "to homes that officials counted on Monday.</p>"
        for n in range(6)
    )
    page = (
        "<html><head><title>Flood in the valley</title></head><body>"
        f'<nav><a href="/">Home</a></nav><div class="story-body">{story}</div>'
        "<section><article><h3>Other</h3><p>A teaser for another story.</p></article>"
        "</section></body></html>"
    )
    (draft,) = read(tmp_path, "story.html", page)
    assert "Paragraph 5 of the story" in draft.body
    assert len(draft.body) > 500


def test_html_without_article(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="no article text found"):
        read(tmp_path, "a.html", "<html><head><script>x()</script></head><body></body></html>")
    with pytest.raises(FormatError):
        read(tmp_path, "b.html", "<div>" * 100_000 + "</div>" * 100_000)


def test_trafilatura_stays_quiet(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    with caplog.at_level(logging.DEBUG), pytest.raises(FormatError):
        read(tmp_path, "a.html", "<html><body><p></p></body></html>")
    assert not [r for r in caplog.records if r.name.split(".")[0] in ("trafilatura", "htmldate")]
    assert capsys.readouterr() == ("", "")


def test_html_to_text() -> None:
    markup = (
        "<div>Intro <b>bold</b><script>evil()</script><style>p{}</style> text"
        "<!-- a comment --> after comment<p>One<br>line two</p>"
        "<ul><li>first</li><li>second</li></ul>"
        "<table><tr><td><img src=x></td><td>a</td><td>b</td></tr></table>"
        "&amp; &eacute;</div>"
    )
    assert html_to_text(markup) == (
        "Intro bold text after comment\n\nOne\nline two\n\nfirst\n\nsecond\n\na | b\n\n& é"
    )
    assert html_to_text("") == ""
    assert html_to_text("<div>" * 50_000 + "deep" + "</div>" * 50_000) in ("deep", "")


# --- JSON records ----------------------------------------------------------------------


@needs_corpora
def test_news_please_record() -> None:
    (draft,) = read_real("multi/data/0393cb165c6961e71e19b291855af4135213d5ac2da9a43196c1c83b.json")
    assert draft.title == "Apple removes Telegram app accused of being haven for terrorists"
    assert draft.source == "thetimes.co.uk"
    assert draft.author == "Mark Bridge"  # "Technology Correspondent" dropped
    assert draft.published == date(2018, 2, 1)
    assert draft.url is not None and draft.url.startswith("https://www.thetimes.co.uk/article/")
    assert draft.key is None and not draft.inferred and not draft.warnings
    assert draft.body.startswith("The Telegram app was removed from the Apple store")
    assert "\n\nTelegram, the messaging app, has been removed" in draft.body


@needs_corpora
def test_all_news_please_records() -> None:
    files = sorted((CORPORA / "multi" / "data").glob("*.json"))
    assert len(files) == 119
    for path in files:
        (draft,) = read_drafts(path.read_bytes(), path)
        assert draft.title and draft.body and draft.published and draft.source
        assert not draft.source.startswith("www.")


def test_newsapi_envelope(tmp_path: Path) -> None:
    envelope = {
        "status": "ok",
        "totalResults": 2,
        "articles": [
            {
                "source": {"id": "bbc-news", "name": "BBC News"},
                "author": "By Jane Doe",
                "title": "Strikes hit targets",
                "description": "Short description.",
                "url": "https://www.bbc.co.uk/news/1",
                "publishedAt": "2024-02-03T23:30:00Z",
                "content": "The strikes hit 85 targets overnight… [+2301 chars]",
            },
            {
                "source": {"id": None, "name": None},
                "title": "No text here",
                "description": "<p>Only a <b>description</b>.</p><p>Two.</p>",
                "url": "https://www.reuters.com/world/2",
                "publishedAt": "2024-02-04T01:00:00+00:00",
            },
        ],
    }
    first, second = read(tmp_path, "a.json", json.dumps(envelope))
    assert (first.source, first.author, first.published) == (
        "BBC News",
        "Jane Doe",
        date(2024, 2, 3),
    )
    assert first.body == "The strikes hit 85 targets overnight"
    assert first.warnings == ("text cut short by the news service",)
    assert first.key == "https://www.bbc.co.uk/news/1"
    assert second.body == "Only a description.\n\nTwo."
    assert second.warnings == ("no full text; using the description",)
    assert second.source == "reuters.com" and second.inferred == {"source"}


@pytest.mark.parametrize("envelope", ["results", "data", "items"])
def test_other_envelopes_and_keys(tmp_path: Path, envelope: str) -> None:
    records = [
        {"title": "A", "text": "Body A", "id": 7},
        {"title": "B", "body": "Body B", "link": "https://example.org/b"},
        {"title": "C", "content": "Body C"},
        {"title": "D", "content": "Body D", "guid": "same"},
        {"title": "E", "content": "Body E", "guid": "same"},
        "not a record",
    ]
    drafts = read(tmp_path, "a.json", json.dumps({envelope: records}))
    assert [d.key for d in drafts] == ["7", "https://example.org/b", "item-3", "same", "same#2"]
    assert [d.body for d in drafts] == ["Body A", "Body B", "Body C", "Body D", "Body E"]
    assert drafts[0].warnings == ("item 6 is not a record; skipped",)


def test_single_record_and_list(tmp_path: Path) -> None:
    record = {
        "headline": "One",
        "articleBody": "Line one.\nLine two.",
        "authors": [{"name": "Ann Lee"}, "Bo Chan", "bo chan"],
        "publisher": {"name": "The Paper"},
        "pubDate": "Wed, 31 Jan 2018 07:26:05 GMT",
        "keywords": "x, y",
    }
    (single,) = read(tmp_path, "a.json", json.dumps(record))
    assert single.key is None
    assert single.body == "Line one.\n\nLine two."
    assert (single.author, single.source, single.published, single.tags) == (
        "Ann Lee, Bo Chan",
        "The Paper",
        date(2018, 1, 31),
        ("x", "y"),
    )
    (listed,) = read(tmp_path, "b.json", json.dumps([record]))
    assert listed.key == "item-1"


def test_jsonl_with_a_bad_line(tmp_path: Path) -> None:
    lines = [
        json.dumps({"title": "One", "text": "First", "url": "https://a.example/1"}),
        '{"title": "Broken", "text": ',
        "",
        json.dumps({"title": "Two", "text": "Second"}),
        json.dumps({"nothing": "useful"}),
    ]
    drafts = read(tmp_path, "a.jsonl", "\n".join(lines))
    assert [(d.title, d.key) for d in drafts] == [("One", "https://a.example/1"), ("Two", "item-2")]
    assert drafts[0].warnings == (
        "line 2 is not valid JSON; skipped",
        "item 3: no title or text; skipped",
    )
    with pytest.raises(FormatError, match="no valid JSON lines"):
        read(tmp_path, "b.ndjson", "{bad\n[also bad\n")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"title": "x", "text": "abc', "not valid JSON"),
        ('[{"title": "x"}, ', "not valid JSON"),
        ("[1, 2, 3]", "no article records"),
        ("[]", "no article records"),
        ('{"foo": 1}', "no article records"),
        ('"just a string"', "no article records"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"title": 1' + "1" * 5000 + "}", "number too long"),
        ('{"articles": []}', "no article records"),
    ],
)
def test_bad_json(tmp_path: Path, content: str, reason: str) -> None:
    with pytest.raises(FormatError, match=reason):
        read(tmp_path, "a.json", content)


def test_json_utf16(tmp_path: Path) -> None:
    data = json.dumps({"title": "Köln", "text": "Straße"}, ensure_ascii=False)
    (draft,) = read(tmp_path, "a.json", data.encode("utf-16"))
    assert (draft.title, draft.body) == ("Köln", "Straße")


# --- feeds -----------------------------------------------------------------------------

RSS_ONE_ITEM = """<rss version="2.0"><channel><title>Feed</title>
<item><title>Only item</title><description>Text</description></item></channel></rss>"""

RSS2 = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>The Daily Example</title><link>https://www.example.com/</link>
<item>
  <title>Full story &amp; more</title>
  <link>https://www.example.com/a</link>
  <guid isPermaLink="false">urn:example:1</guid>
  <dc:creator>Jane Doe</dc:creator>
  <category>World</category><category>Syria</category>
  <pubDate>Sat, 03 Feb 2024 23:30:00 -0500</pubDate>
  <description>Short summary.</description>
  <content:encoded><![CDATA[<p>First paragraph of the story.</p>
    <script>alert("x")</script><p>Second <em>paragraph</em>.</p>]]></content:encoded>
</item>
<item><title>Summary only</title><link>https://www.example.com/b</link>
  <description>&lt;p&gt;Escaped &lt;b&gt;HTML&lt;/b&gt; summary.&lt;/p&gt;</description></item>
<item><description>No title, no link</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom News</title><id>urn:feed</id><updated>2024-01-02T00:00:00Z</updated>
  <entry>
    <title type="html">Atom &lt;i&gt;entry&lt;/i&gt;</title>
    <id>urn:entry:1</id><link href="https://atom.example/1"/>
    <updated>2024-01-02T10:00:00+01:00</updated>
    <author><name>Ann One</name></author><author><name>Bob Two</name></author>
    <category term="politics"/>
    <summary>Summary text.</summary>
    <content type="html">&lt;p&gt;Para one.&lt;/p&gt;&lt;p&gt;Para two.&lt;/p&gt;</content>
  </entry>
</feed>"""

RDF = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rdf.example/"><title>RDF Channel</title>
    <link>https://rdf.example/</link><description>d</description></channel>
  <item rdf:about="https://rdf.example/1"><title>RDF item</title>
    <link>https://rdf.example/1</link><description>RDF body.</description>
    <dc:date>2017-06-15T10:29:47-07:00</dc:date><dc:creator>Hines, P. J.</dc:creator></item>
</rdf:RDF>"""


def test_rss2_synthetic(tmp_path: Path) -> None:
    full, summary, untitled = read(tmp_path, "a.rss", RSS2)
    assert full.title == "Full story & more"
    assert full.source == "The Daily Example" and not full.inferred
    assert full.author == "Jane Doe"
    assert full.published == date(2024, 2, 3)  # the date as written, not UTC
    assert full.tags == ("World", "Syria")
    assert full.key == "urn:example:1"
    assert full.url == "https://www.example.com/a"
    assert full.body == "First paragraph of the story.\n\nSecond paragraph."
    assert summary.body == "Escaped HTML summary."
    assert summary.key == "https://www.example.com/b"
    assert untitled.title is None and untitled.key == "item-3"


def test_atom_synthetic(tmp_path: Path) -> None:
    (entry,) = read(tmp_path, "a.atom", ATOM)
    assert entry.title == "Atom entry"
    assert entry.author == "Ann One, Bob Two"
    assert entry.published == date(2024, 1, 2)
    assert entry.body == "Para one.\n\nPara two."
    assert (entry.key, entry.url, entry.tags) == (
        "urn:entry:1",
        "https://atom.example/1",
        ("politics",),
    )


def test_rss1_synthetic(tmp_path: Path) -> None:
    (item,) = read(tmp_path, "a.rdf", RDF)
    assert (item.title, item.source, item.body) == ("RDF item", "RDF Channel", "RDF body.")
    assert item.author == "Hines, P. J." and item.published == date(2017, 6, 15)


def test_json_feed(tmp_path: Path) -> None:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JSON News",
        "authors": [{"name": "Desk"}],
        "items": [
            {
                "id": "1",
                "url": "https://j.example/1",
                "title": "First",
                "content_html": "<p>One.</p><p>Two.</p>",
                "date_published": "2024-03-01T08:00:00-05:00",
                "tags": ["a", "b"],
                "authors": [{"name": "Ann"}],
            },
            {"id": "2", "content_text": "Plain body.", "date_modified": "2024-03-02T00:00:00Z"},
            {"id": "3"},
        ],
    }
    first, second = read(tmp_path, "a.json", json.dumps(feed))
    assert (first.title, first.body, first.author, first.source) == (
        "First",
        "One.\n\nTwo.",
        "Ann",
        "JSON News",
    )
    assert (first.key, first.published, first.tags) == ("1", date(2024, 3, 1), ("a", "b"))
    assert (second.body, second.author, second.published) == (
        "Plain body.",
        "Desk",
        date(2024, 3, 2),
    )
    version1 = {
        "version": "https://jsonfeed.org/version/1",
        "title": "Old",
        "items": [{"id": "x", "summary": "S", "author": {"name": "Solo"}}],
    }
    (old,) = read(tmp_path, "b.json", json.dumps(version1))
    assert (old.author, old.body) == ("Solo", "S")
    with pytest.raises(FormatError, match="feed has no items"):
        read(tmp_path, "c.json", json.dumps({**version1, "items": []}))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.rss", '<rss version="2.0"><channel><title>Empty</title></channel></rss>'),
        ("a.atom", '<feed xmlns="http://www.w3.org/2005/Atom"><title>E</title></feed>'),
    ],
)
def test_feed_without_items(tmp_path: Path, name: str, content: str) -> None:
    with pytest.raises(FormatError, match="feed has no items"):
        read(tmp_path, name, content)


def test_truncated_feeds(tmp_path: Path) -> None:
    with pytest.raises(FormatError):
        read(tmp_path, "a.rss", '<?xml version="1.0"?><rss version="2.0"><channel><tit')
    cut = RSS2[: RSS2.index("<item><description>No title")]
    drafts = read(tmp_path, "b.rss", cut)
    assert [d.title for d in drafts][:2] == ["Full story & more", "Summary only"]
    assert "not well-formed" in drafts[0].warnings[0]


@pytest.mark.usefixtures("no_network")
def test_hostile_feeds(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><title>T</title>'
        "<item><title>a&xxe;b</title><description>x&xxe;</description></item></channel></rss>"
    )
    drafts = read(tmp_path, "a.rss", xxe)
    assert all("TOP-SECRET" not in (d.title or "") + d.body for d in drafts)
    entities = "".join(f'<!ENTITY e{i} "' + f"&e{i - 1};" * 10 + '">' for i in range(1, 12))
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY e0 "lol">{entities}]>'
        '<rss version="2.0"><channel><title>T</title>'
        "<item><title>&e11;</title><description>x</description></item></channel></rss>"
    )
    started = time.thread_time()
    (item,) = read(tmp_path, "b.rss", bomb)
    assert time.thread_time() - started < 2
    assert len(item.title or "") < 1000
    # Data that looks like a file name or a URL is data, never opened or fetched.
    for content in (str(secret), "https://example.com/feed.xml"):
        with pytest.raises(FormatError, match="not a news feed"):
            read(tmp_path, "c.rss", content)


def test_feed_encodings(tmp_path: Path) -> None:
    latin = RSS_ONE_ITEM.replace("Only item", "Notícias de São Paulo: ação e reação")
    (undeclared,) = read(tmp_path, "a.rss", latin.encode("latin-1"))
    assert undeclared.title == "Notícias de São Paulo: ação e reação"
    declared = '<?xml version="1.0" encoding="ISO-8859-1"?>\n' + latin
    (item,) = read(tmp_path, "b.rss", declared.encode("latin-1"))
    assert item.title == "Notícias de São Paulo: ação e reação"
    (wide,) = read(
        tmp_path, "c.rss", ('<?xml version="1.0" encoding="UTF-16"?>' + latin).encode("utf-16")
    )
    assert wide.title == "Notícias de São Paulo: ação e reação"


@needs_corpora
@pytest.mark.parametrize(
    ("name", "count", "source"),
    [
        ("encoding.rss", 40, "Jornal de Notícias - Últimas Notícias"),
        ("guardian.rss", 55, "The Guardian"),
        ("heise.atom", 15, "heise developer neueste Meldungen"),
        ("reddit.rss", 24, "reddit: the front page of the internet"),
        ("rss-1.rss", 69, "Science twis"),
        ("uolNoticias.rss", 15, "UOL Noticias"),
    ],
)
def test_real_feeds(name: str, count: int, source: str) -> None:
    drafts = read_real(f"feeds/rss-parser/{name}")
    assert len(drafts) == count
    assert {d.source for d in drafts} == {source}
    assert len({d.key for d in drafts}) == count
    for draft in drafts:
        assert draft.title
        assert "<" not in draft.body and "Ã" not in (draft.title + draft.body)


@needs_corpora
def test_latin1_feeds_keep_their_accents() -> None:
    jn = read_real("feeds/rss-parser/encoding.rss")
    assert jn[0].title == "Mãe de utente é a nova presidente da Raríssimas"
    assert jn[0].body.startswith("Sónia Laygue, profissional na área da Recursos Humanos")
    assert jn[0].published == date(2018, 1, 3) and jn[0].tags == ("Nacional",)
    uol = read_real("feeds/rss-parser/uolNoticias.rss")
    assert (
        uol[0].title == "Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações de 2º turno"
    )
    titles = " ".join(d.title or "" for d in uol)
    assert "ç" in titles and "ã" in titles


@needs_corpora
def test_real_feed_fields() -> None:
    guardian = read_real("feeds/rss-parser/guardian.rss")[0]
    assert (
        guardian.title == "Trump State of the Union address promised unity but emphasized discord"
    )
    assert guardian.author == "David Smith in Washington"
    assert guardian.published == date(2018, 1, 31)
    assert "Donald Trump" in guardian.tags
    assert guardian.body.startswith("The president’s ‘new American moment’ speech stirred")
    assert "\n\nDonald Trump has promised a “new American moment”" in guardian.body
    heise = read_real("feeds/rss-parser/heise.atom")[0]
    assert heise.key == "http://heise.de/-3088438"
    assert heise.published == date(2016, 2, 1)
    assert "Version 10 des Enterprise-Java-Servers" in heise.body
    science = read_real("feeds/rss-parser/rss-1.rss")[0]
    assert (science.title, science.author) == ("Food for fungi", "Hines, P. J.")
    assert science.tags == ("Botany", "Microbiology")


# --- Reuters SGML ----------------------------------------------------------------------


@needs_corpora
def test_reuters_records() -> None:
    drafts = read_real("reuters21578/reut2-000.sgm")
    assert len(drafts) == 1000
    by_key = {d.key: d for d in drafts}
    cocoa = by_key["1"]
    assert cocoa.title == "BAHIA COCOA REVIEW"
    assert cocoa.source == "Reuters" and cocoa.published == date(1987, 2, 26)
    assert cocoa.body.startswith("SALVADOR, Feb 26 - Showers continued throughout the week in the")
    assert "\n\nThe dry period means the temporao will be late this year.\n\n" in cocoa.body
    assert set(cocoa.tags) == {"cocoa", "el-salvador", "usa", "uruguay"}
    assert by_key["2"].title == "STANDARD OIL <SRD> TO FORM FINANCIAL UNIT"
    brief = by_key["30"]
    assert brief.body == brief.title
    assert brief.warnings == ("record has no story text; the headline stands in for it",)
    for draft in drafts:
        assert "&#" not in draft.body and "&lt;" not in draft.body
        assert "\x03" not in draft.body and "\x02" not in draft.body


@needs_corpora
def test_reuters_latin1_file() -> None:
    drafts = read_real("reuters21578/reut2-017.sgm")
    assert len(drafts) == 1000
    lawson = next(d for d in drafts if d.key == "17980")
    assert "growth.ü" in lawson.body


def test_reuters_synthetic(tmp_path: Path) -> None:
    sgml = (
        '<!DOCTYPE lewis SYSTEM "lewis.dtd">\n'
        '<REUTERS NEWID="7"><DATE>31-MAR-1987 09:00:00.00</DATE><TEXT>&#2;\n'
        "<TITLE>A &amp; B MERGE</TITLE><DATELINE>  NEW YORK, March 31 - </DATELINE>"
        "<BODY>A and B said\nthey would merge.\n    Terms were not disclosed.\n Reuter\n&#3;"
        "</BODY></TEXT></REUTERS>\n"
        '<REUTERS NEWID="8"><DATE>bad date</DATE><TEXT TYPE="BRIEF">&#2;'
        "</TEXT></REUTERS>\n"
    )
    (draft,) = read(tmp_path, "a.sgm", sgml.encode("latin-1"))
    assert draft.title == "A & B MERGE" and draft.key == "7"
    assert draft.published == date(1987, 3, 31)
    assert draft.body == (
        "NEW YORK, March 31 - A and B said they would merge.\n\nTerms were not disclosed.\nReuter"
    )
    assert draft.warnings == ("1 record(s) with no title or text skipped (NEWID 8)",)
    with pytest.raises(FormatError, match="no Reuters records"):
        read(tmp_path, "b.sgm", "<REUTERS NEWID='1'>\n")


# --- mail and newsgroup posts ----------------------------------------------------------


@needs_corpora
def test_newsgroup_posts(newsgroup_posts: list[Path]) -> None:
    assert len(newsgroup_posts) == NEWSGROUP_POSTS
    for path in newsgroup_posts:
        (draft,) = read_drafts(path.read_bytes(), path)
        assert draft.title and draft.author and draft.body.strip()
        assert not draft.plain
        assert "From:" not in draft.body.split("\n", 1)[0]
    first = newsgroup_posts[0]
    (post,) = read_drafts(first.read_bytes(), first)
    header = first.read_text("latin-1").split("\n\n", 1)[0]
    assert f"Subject: {post.title}" in header


def test_mail_synthetic(tmp_path: Path) -> None:
    message = (
        "From news@host Mon Apr  5 10:00:00 1993\n"
        "Path: host!news\n"
        "From: frank@d012s658.uucp (Frank O'Dwyer)\n"
        "Newsgroups: alt.atheism, talk.religion.misc\n"
        "Subject: =?iso-8859-1?q?Re:_Caf=E9?=\n"
        "  continued\n"
        "Date: Mon, 5 Apr 1993 23:10:00 -0700\n"
        "Content-Type: text/plain; charset=iso-8859-1\n"
        "Malformed header line without colon\n"
        "\n"
        "Body with café.\n"
    )
    (draft,) = read(tmp_path, "4242", message.encode("latin-1"))
    assert draft.title == "Re: Café continued"
    assert draft.author == "Frank O'Dwyer"
    assert draft.source == "alt.atheism, talk.religion.misc"
    assert draft.tags == ("alt.atheism", "talk.religion.misc")
    assert draft.published == date(1993, 4, 5)
    assert draft.body == "Malformed header line without colon\n\nBody with café."
    (bare,) = read(tmp_path, "4243", "From: ann@example.org\nSubject: Hi\n\n\nText\n")
    assert (bare.author, bare.body) == ("ann@example.org", "Text")
    qp = (
        "From: A <a@b.c>\nSubject: Q\nContent-Transfer-Encoding: quoted-printable\n\n"
        "Caf=C3=A9 =\nok\n"
    )
    (quoted,) = read(tmp_path, "4244", qp)
    assert quoted.body == "Café ok"


# --- helpers ---------------------------------------------------------------------------


def test_parse_date() -> None:
    assert parse_date("2018-02-01T17:00:00") == date(2018, 2, 1)
    assert parse_date("2024-02-03T23:30:00-05:00") == date(2024, 2, 3)
    assert parse_date("Wed, 31 Jan 2018 07:26:05 GMT") == date(2018, 1, 31)
    assert parse_date("January 31, 2018") == date(2018, 1, 31)
    assert parse_date("2024-02-30") is None
    assert parse_date("Seg, 24 Set 2018 19:42:40 -0300") is None
    assert parse_date(None) is None and parse_date(12) is None


def test_join_authors() -> None:
    names = [
        "By Jane Doe",
        "Technology Correspondent",
        "jane doe",
        "Published P.M. Et Dec.",
        "More Stories Jane Doe",
        "Dec.",
        "https://twitter.com/x",
        "Alex Horton Is A General Assignment Reporter",
        "John Roe",
    ]
    assert join_authors(names) == "Jane Doe, John Roe"
    assert join_authors([]) is None


# --- every real file --------------------------------------------------------------------


@needs_corpora
def test_every_real_file_reads_or_fails_cleanly(newsgroup_posts: list[Path]) -> None:
    """Every file gives drafts or a FormatError, never another exception; quickly."""
    started = time.thread_time()
    files = [
        path
        for path in sorted(CORPORA.rglob("*"))
        if path.is_file() and path.name != NEWSGROUPS_TARBALL
    ]
    assert len(files) > 2000
    counts = {"drafts": 0, "refused": 0}
    for path in [*files, *newsgroup_posts]:
        try:
            drafts = read_drafts(path.read_bytes(), path)
        except FormatError as exc:
            assert str(exc) and "\n" not in str(exc)
            counts["refused"] += 1
            continue
        assert drafts and all(isinstance(d, Draft) for d in drafts)
        assert all(d.body or d.title for d in drafts)
        counts["drafts"] += len(drafts)
    assert counts["drafts"] > 20_000
    assert counts["refused"] <= 2  # lewis.dtd (unsupported type), and nothing else
    assert time.thread_time() - started < 60
