"""The one rule for invisible characters, end to end from a file through ingestion.

ZWJ and ZWNJ shape Persian and Arabic words and join emoji sequences: they stay in the
body and in every field. What can reorder or hide text (bidi controls, zero-width spaces,
word joiners, BOMs, soft hyphens, tag characters) goes from all of them alike, and the
display rule shows it escaped where it is not removed (ids and paths are file names).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefing.corpus.ingest import SourceFile, ingest_file
from briefing.corpus.model import Article
from briefing.corpus.sanitize import (
    sanitize_line,
    sanitize_text,
    shown_in_place,
    visible,
    visible_json,
    visible_spans,
    visible_text,
)

ZWNJ, ZWJ = "\u200c", "\u200d"
# What may hide in text, each inserted into the fields and bodies below.
ZWSP, WORD_JOINER, BOM, SOFT_HYPHEN = "\u200b", "\u2060", "\ufeff", "\u00ad"
RLO, PDF, RLM, ALM, LRI, PDI = "\u202e", "\u202c", "\u200f", "\u061c", "\u2066", "\u2069"
# "ignore" spelt in tag characters: invisible ASCII ("ASCII smuggling").
SMUGGLED = "".join(chr(0xE0000 + ord(char)) for char in "ignore")

# "I want" in Persian: the ZWNJ keeps "mi" apart from the verb without a space.
PERSIAN_WANT = f"می{ZWNJ}خواهم"
# Alireza, a Persian given name written with a ZWNJ.
PERSIAN_NAME = f"علی{ZWNJ}رضا محمدی"
# "News agencies": the plural suffix after a ZWNJ.
PERSIAN_SOURCE = f"خبرگزاری{ZWNJ}ها"
# Arabic with a ZWJ: the heh written in its joining form, as in the Hijri year "1445 هـ".
ARABIC_HIJRI = f"١٤٤٥ ه{ZWJ}"
ARABIC_NAME = "أحمد الشامي"
ARABIC_SOURCE = f"الجزيرة{ZWNJ}نت"
FAMILY = f"👨{ZWJ}👩{ZWJ}👧"
RAINBOW_FLAG = f"🏳\ufe0f{ZWJ}🌈"
HEART = "❤\ufe0f"
SCOTLAND = "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
KEYCAP_ONE = "1\ufe0f\u20e3"

# (title, source, author, a sentence of the body): what ingestion must give.
CASES = {
    "persian": (
        f"من {PERSIAN_WANT} به خانه بروم",
        PERSIAN_SOURCE,
        PERSIAN_NAME,
        f"او گفت که {PERSIAN_WANT} این گزارش را بخوانم و {PERSIAN_SOURCE} آن را منتشر کردند.",
    ),
    "arabic": (
        f"المتحدث يعلن الحصيلة في {ARABIC_HIJRI}",
        ARABIC_SOURCE,
        ARABIC_NAME,
        f"قال المتحدث إن الحصيلة بلغت ثلاثة قتلى في عام {ARABIC_HIJRI} وفق الجزيرة.",
    ),
    "emoji": (
        f"Families {FAMILY} march {RAINBOW_FLAG} in Glasgow {SCOTLAND}",
        f"Pride Daily {HEART}",
        f"Jane Doe {KEYCAP_ONE}{FAMILY}",
        f"Thousands of families {FAMILY} marched with flags {RAINBOW_FLAG} {SCOTLAND} today.",
    ),
}


def hide(text: str) -> str:
    """``text`` with a hostile invisible after each of its first words, and a bidi
    override around it: what a page or a pasted text may carry."""
    words = text.split(" ")
    hidden = [ZWSP, WORD_JOINER, SOFT_HYPHEN, BOM, SMUGGLED, RLM, ALM]
    for index, mark in enumerate(hidden[: len(words) - 1]):
        words[index] = words[index][:1] + mark + words[index][1:]
    return f"{RLO}{LRI}{' '.join(words)}{PDI}{PDF}"


def ingest_one(path: Path) -> Article:
    result = ingest_file(SourceFile(path, "lib", path.name))
    assert result.skipped is None, result.skipped
    (article,) = result.articles
    return article


def write_markdown(folder: Path, title: str, source: str, author: str, sentence: str) -> Path:
    path = folder / "article.md"
    front = f'---\ntitle: "{title}"\nsource: "{source}"\nauthor: "{author}"\n---\n\n'
    path.write_text(f"{front}{sentence}\n\n{sentence} {sentence}\n", encoding="utf-8")
    return path


def write_html(folder: Path, title: str, source: str, author: str, sentence: str) -> Path:
    path = folder / "article.html"
    paragraphs = "".join(f"<p>{sentence} {n}. {sentence}</p>" for n in range(4))
    path.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{title}</title>"
        f'<meta property="og:title" content="{title}">'
        f'<meta property="og:site_name" content="{source}">'
        f'<meta name="author" content="{author}">'
        f"</head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>",
        encoding="utf-8",
    )
    return path


def write_pasted(folder: Path, title: str, source: str, author: str, sentence: str) -> Path:
    # Pasted text names no author in a form that fits every script; the title line and
    # a "Source:" footer are read from the text.
    path = folder / "article.txt"
    path.write_text(f"{title}\n\n{sentence}\n\n{sentence} {sentence}\n\nSource: {source}\n")
    return path


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("hostile", [False, True], ids=["plain", "hostile"])
@pytest.mark.parametrize("write", [write_markdown, write_html], ids=["markdown", "html"])
def test_joiners_stay_and_hiders_go_in_every_field_and_the_body(
    tmp_path: Path, case: str, hostile: bool, write: object
) -> None:
    title, source, author, sentence = CASES[case]
    shown = [hide(value) if hostile else value for value in (title, source, author, sentence)]
    article = ingest_one(write(*(tmp_path, *shown)))  # type: ignore[operator]
    assert article.title == title
    assert article.source == source
    if write is write_html and case == "emoji":
        # trafilatura, which reads a page's bylines, drops emoji from names on purpose.
        author = "Jane Doe 1"
    assert article.author == author
    assert sentence in article.body
    for value in (article.title, article.source, article.author, article.body):
        assert not set(value or "") & set(ZWSP + WORD_JOINER + BOM + SOFT_HYPHEN + RLO + RLM)


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("hostile", [False, True], ids=["plain", "hostile"])
def test_pasted_text_keeps_joiners_in_title_source_and_body(
    tmp_path: Path, case: str, hostile: bool
) -> None:
    title, source, _, sentence = CASES[case]
    shown = [hide(value) if hostile else value for value in (title, source, sentence)]
    article = ingest_one(write_pasted(tmp_path, shown[0], shown[1], "", shown[2]))
    assert article.title == title
    assert article.source == source
    assert sentence in article.body
    assert SMUGGLED[0] not in article.body


def test_a_title_from_the_file_name_follows_the_same_rule(tmp_path: Path) -> None:
    # A text that starts with a URL line has no title line: the file name gives it.
    path = tmp_path / f"{ZWSP}{PERSIAN_WANT}_{FAMILY}{SMUGGLED}.txt"
    path.write_text("https://example.com/a\n\nThe article text, a sentence long.\n")
    article = ingest_one(path)
    assert article.title == f"{PERSIAN_WANT} {FAMILY}"
    assert "title" in article.inferred


def test_body_and_line_rules_agree_on_what_goes() -> None:
    clean = f"{PERSIAN_WANT} {ARABIC_HIJRI} {FAMILY} {HEART} {KEYCAP_ONE} word {SCOTLAND}"
    text = hide(clean)
    assert sanitize_text(text) == clean
    assert sanitize_line(text) == clean


def test_only_a_flag_keeps_tag_characters() -> None:
    # Tags after anything but the black flag, or without their cancel tag, are smuggled text.
    assert sanitize_text(f"a{SMUGGLED}b") == "ab"
    assert sanitize_text(f"🏴{SMUGGLED}") == "🏴"
    assert sanitize_text(f"x {SCOTLAND} y") == f"x {SCOTLAND} y"
    # A flag's tag sequence is a region code, a few letters long: not a hiding place.
    assert sanitize_text(f"🏴{SMUGGLED}{SCOTLAND[1:]}") == "🏴"


def test_display_escapes_what_hides_and_keeps_what_shapes() -> None:
    # File names are shown as they are, so what would hide in them is shown escaped.
    name = f"{PERSIAN_WANT}{ZWSP}{FAMILY}{SOFT_HYPHEN}{SCOTLAND}{SMUGGLED[0]}.txt"
    assert visible(name) == f"{PERSIAN_WANT}\\u200b{FAMILY}\\xad{SCOTLAND}\\U000e0069.txt"
    assert visible_text(f"{ARABIC_HIJRI}\n{RLM}") == f"{ARABIC_HIJRI}\n\\u200f"


def test_display_spans_move_past_escapes_and_flags() -> None:
    text = f"{SCOTLAND} a{ZWSP}b {PERSIAN_WANT}"
    start = text.index(PERSIAN_WANT)
    shown, spans = visible_spans(text, [(start, start + len(PERSIAN_WANT)), (0, len(SCOTLAND))])
    assert [shown[s:e] for s, e in spans] == [PERSIAN_WANT, SCOTLAND]


def test_json_output_escapes_hiders_and_decodes_to_the_real_string() -> None:
    name = f"{PERSIAN_WANT}{ZWSP}{SMUGGLED}{SCOTLAND}"
    out = visible_json(json.dumps({"id": name}, ensure_ascii=False))
    assert ZWSP not in out and SMUGGLED[0] not in out
    assert PERSIAN_WANT in out and SCOTLAND in out
    assert json.loads(out) == {"id": name}


def test_the_reader_shows_each_character_in_place_under_the_same_rule() -> None:
    """What the reader paints keeps every offset (a match, a note's quote) where it is:
    each character the display rule escapes is one replacement character, a tab a
    space; joiners and a flag's tag sequence are shown as themselves."""
    scotland = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    text = "a\x1b[2Jb\u202ec\u200bd\te\u200cf " + scotland + "\ud800\n"
    shown = shown_in_place(text)
    assert len(shown) == len(text)
    assert shown == "a\ufffd[2Jb\ufffdc\ufffdd e\u200cf " + scotland + "\ufffd\n"
