"""The headline of a saved web page: candidates weighed, the site's name cut."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.corpus.formats import html
from briefing.corpus.formats.common import parse_html
from briefing.corpus.formats.titles import PageTitles, choose_title, page_titles

STORY = (
    "<p>The tram line will run every six minutes at peak hours, the operator said, and the "
    "old buses on the route will be moved to the suburbs once drivers are trained.</p>"
    "<p>Shop owners along the street said the works had cost them customers for a year, "
    "and asked the city for help with the rents until trade picks up again.</p>"
)
HEADLINE = "New tram line opens on the east side"


def page(head: str, body: str, lang: str = "en") -> bytes:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{head}</head>'
        f"<body>{body}</body></html>"
    ).encode()


def title_of(data: bytes) -> str | None:
    (draft,) = html.read(data, Path("page.html"))
    return draft.title


SITE = '<meta property="og:site_name" content="City Observer">'


@pytest.mark.parametrize(
    "title",
    [
        f"{HEADLINE} - City Observer",
        f"City Observer | {HEADLINE}",
        f"{HEADLINE} « City Observer",
        f"{HEADLINE} — City Observer",
        f"{HEADLINE} – City Observer",
        f"{HEADLINE} | City Observer | 03.04.2021",
        f"{HEADLINE} :: CITY OBSERVER",
    ],
)
def test_site_name_cut_from_the_title(title: str) -> None:
    data = page(f"<title>{title}</title>{SITE}", f"<div>{STORY}</div>")
    assert title_of(data) == HEADLINE


def test_site_name_known_from_the_domain() -> None:
    head = (
        f"<title>Observer City | {HEADLINE}</title>"
        '<link rel="canonical" href="https://www.observercity.example/transport/tram">'
    )
    assert title_of(page(head, f"<div>{STORY}</div>")) == HEADLINE


def test_site_name_known_from_the_link_to_the_home_page() -> None:
    body = f'<header><a href="/">The Observer</a></header><div>{STORY}</div>'
    assert title_of(page(f"<title>The Observer - {HEADLINE}</title>", body)) == HEADLINE


def test_parts_another_candidate_leaves_out_are_cut() -> None:
    # Nothing names the site; the <h1> shows which part of the <title> is the headline.
    head = f"<title>{HEADLINE} ~ Trams ~ Observer Online</title>"
    body = f'<div class="entry"><h1>{HEADLINE}</h1>{STORY}</div>'
    (draft,) = html.read(page(head, body), Path("page.html"))
    root = parse_html(page(head, body).decode())
    # And without trafilatura's pick, which on this page is the <h1> too.
    assert choose_title(page_titles(root), None, None, ()) == HEADLINE
    assert draft.title == HEADLINE


def test_unknown_parts_of_a_title_are_kept() -> None:
    # A dash inside the headline, and a final part that nothing names as the site.
    headline = "Strike ends - but talks go on"
    root = parse_html(page(f"<title>{headline} | Harbour Voice</title>", STORY).decode())
    assert choose_title(page_titles(root), None, None, ()) == f"{headline} | Harbour Voice"
    # Named as the site: cut.
    assert choose_title(page_titles(root), None, "Harbour Voice", ()) == headline
    # Nor does trafilatura's pick of the first half make a headline of it.
    root = parse_html(page(f"<title>{headline}</title>", STORY).decode())
    assert choose_title(page_titles(root), "Strike ends", None, ()) == headline


def test_promo_heading_before_the_article_is_not_the_title() -> None:
    body = (
        '<div class="promo-box"><h1>Win a weekend for two in the mountains</h1></div>'
        f"<nav><a href='/a'>Transport</a></nav><article><h1>{HEADLINE}</h1>{STORY}</article>"
    )
    assert title_of(page(f"<title>{HEADLINE} | City Observer</title>", body)) == HEADLINE


def test_a_lone_promo_heading_loses_to_the_title() -> None:
    # trafilatura takes a page's only <h1>, wherever it is.
    body = (
        '<div class="sponsored"><h1>Save on your next flight with our partner</h1></div>'
        f'<div class="text">{STORY}</div>'
    )
    data = page(f"<title>{HEADLINE} - City Observer</title>{SITE}", body)
    assert title_of(data) == HEADLINE


def test_section_heading_loses_to_the_headline() -> None:
    # The section's name is an <h1> outside any menu, and ends the <title>.
    head = (
        f'<title>{HEADLINE} | Getting Around</title><meta property="og:title" content="{HEADLINE}">'
    )
    body = f"<section><h1>Getting Around</h1></section><div>{STORY}</div>"
    assert title_of(page(head, body)) == HEADLINE
    # An aside's heading ("Help and Resources") counts for little.
    body = f"<aside><h1>Help and Resources</h1></aside><main><h2>{HEADLINE}</h2>{STORY}</main>"
    assert title_of(page(f"<title>{HEADLINE}</title>", body)) == HEADLINE


def test_visible_headline_beats_a_shorter_social_title() -> None:
    # og:title and twitter:title carry a shorter line for sharing; the page's own
    # headline is what its <h1>, <title> and JSON-LD say.
    head = (
        f"<title>{HEADLINE} | City Observer</title>"
        '<meta property="og:title" content="Trams are back">'
        '<meta name="twitter:title" content="Trams are back">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": '
        '"New tram line opens on the east ..."}</script>'
    )
    body = f"<div><h1>{HEADLINE}</h1>{STORY}</div>"
    assert title_of(page(head, body)) == HEADLINE


def test_page_with_only_a_title() -> None:
    assert title_of(page(f"<title>{HEADLINE}</title>", f"<div>{STORY}</div>")) == HEADLINE


def test_page_with_only_an_og_title() -> None:
    head = f'<meta property="og:title" content="{HEADLINE}">'
    assert title_of(page(head, f"<div>{STORY}</div>")) == HEADLINE


def test_svg_titles_are_not_the_page_title() -> None:
    body = f"<svg><title>Menu</title></svg><div>{STORY}</div>"
    root = parse_html(page("", body).decode())
    assert page_titles(root).candidates == ()
    head = f"<title>{HEADLINE} | City Observer</title>{SITE}"
    assert title_of(page(head, body)) == HEADLINE


@pytest.mark.parametrize(
    ("lang", "title", "site", "headline", "text"),
    [
        (
            "de",
            "Abendkurier | Neue Straßenbahn fährt ab Montag durch die Altstadt",
            "Abendkurier",
            "Neue Straßenbahn fährt ab Montag durch die Altstadt",
            "Die neue Linie verbindet den Bahnhof mit dem Hafen und soll im Berufsverkehr "
            "alle sechs Minuten fahren, teilten die Verkehrsbetriebe am Freitag mit.",
        ),
        (
            "fr",
            "Le tramway arrive enfin dans les quartiers est « La Gazette de l'Ouest",
            "La Gazette de l'Ouest",
            "Le tramway arrive enfin dans les quartiers est",
            "La nouvelle ligne reliera la gare au port et passera toutes les six minutes "
            "aux heures de pointe, a annoncé l'exploitant vendredi.",
        ),
        (
            "zh",
            "东区有轨电车新线路周一通车_江城日报网",
            "江城日报网",
            "东区有轨电车新线路周一通车",
            "新线路连接火车站和港口，高峰时段每六分钟一班，运营方周五宣布了这一消息。"
            "沿线商户表示，施工期间客流减少，希望政府在租金方面提供帮助。",
        ),
        (
            "ar",
            "خط ترام جديد يربط المحطة بالميناء | جريدة الساحل",
            "جريدة الساحل",
            "خط ترام جديد يربط المحطة بالميناء",
            "أعلنت الشركة المشغلة يوم الجمعة أن الخط الجديد سيعمل كل ست دقائق في ساعات "
            "الذروة وأن الحافلات القديمة ستنقل إلى الضواحي.",
        ),
    ],
)
def test_non_english_pages(lang: str, title: str, site: str, headline: str, text: str) -> None:
    head = f'<title>{title}</title><meta property="og:site_name" content="{site}">'
    body = f"<article><h1>{headline}</h1><p>{text}</p></article>"
    assert title_of(page(head, body, lang)) == headline
    # With no <h1>: the site's name is still cut from the <title>.
    assert title_of(page(head, f"<div><p>{text}</p></div>", lang)) == headline


def test_choose_title_on_odd_input() -> None:
    assert choose_title(PageTitles((), (), ()), None, None, ()) is None
    assert choose_title(PageTitles((), (), ()), "  ", None, ()) is None
    assert choose_title(PageTitles((), (), ()), "| - |", None, ()) is None
    # A date after the headline is cut; separators alone are no headline.
    assert choose_title(page_titles(None), f"{HEADLINE} | 2021-04-03", None, ()) == HEADLINE
    huge = "<h1>" + "word " * 50_000 + "</h1>"
    root = parse_html(page("<title>" + "| " * 10_000 + "</title>", huge).decode())
    titles = page_titles(root)
    assert all(len(c.text) <= 500 for c in titles.candidates)
    assert choose_title(titles, None, None, ()) is not None
