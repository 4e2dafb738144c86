"""Saved web pages: the main article text and its metadata, found by trafilatura."""

from __future__ import annotations

import html
import json
import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from lxml import etree  # type: ignore[import-untyped]  # no stubs in the dev deps

from briefing.corpus.decode import decode_bytes
from briefing.corpus.formats.common import (
    HTML_BLOCKS,
    SKIP_HTML,
    author_names,
    clean_domain,
    domain_of,
    html_to_text,
    import_library,
    join_authors,
    looks_like_html,
    missing_library,
    one_line,
    parse_date,
    parse_html,
    split_tags,
    tree_to_text,
)
from briefing.corpus.formats.furniture import attr, is_furniture, tag_of
from briefing.corpus.formats.saved_page import saved_from
from briefing.corpus.formats.titles import PageTitles, choose_title, json_nodes, page_titles
from briefing.corpus.model import Draft, FormatError
from briefing.corpus.sanitize import sanitize_text

# The block elements of trafilatura's own XML body.
_TRAFILATURA_BLOCKS = frozenset(
    {"p", "head", "list", "item", "quote", "code", "table", "row", "div"}
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE
)
_XML_ENCODING = re.compile(
    rb"""\A\s{0,16}<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{1,40})"""
)
# Some sites render the article with JavaScript and the saved page holds it only in
# its JSON-LD ``articleBody``: that copy wins when trafilatura's text is much shorter.
_LD_BODY_RATIO = 0.5
_LD_BODY_MIN = 200
_QUIET_LOGGERS = ("trafilatura", "htmldate", "courlan", "justext")
_WHAT = "HTML pages"

# trafilatura's own minimum (MIN_EXTRACTED_SIZE): below it, it falls back to cruder
# extractors, which on a short page return the menus around it, or nothing.
_SHORT_ARTICLE = 250
# The share of trafilatura's extra words that may come from outside the page furniture
# before its text is taken as the better one.
_FOREIGN_SHARE = 0.2
# A furniture element with this much paragraph text (comments, a long aside) does not
# count as evidence that trafilatura took in furniture.
_PROSE_CHARS = 400
# The headline is the title, not part of the text (as in trafilatura's).
_SKIP_MAIN = SKIP_HTML | {"h1"}
_WORD = re.compile(r"\w+")
# ZWNJ and ZWJ, as characters or as entities, between any two characters of a value.
_JOINERS = r"(?:[\u200c\u200d]|&(?:zwn?j|#[xX]200[cCdD]|#820[45]);)*"
_JOINER_IN_PAGE = re.compile(r"[\u200c\u200d]|&(?:zwn?j|#[xX]200[cCdD]|#820[45]);")


def read(data: bytes, path: Path) -> list[Draft]:
    """Read a saved web page into one draft holding the page's main article.

    trafilatura finds the article; on a short page (a wire brief), where it falls
    back to cruder extractors, the text of the page's own main element is preferred.

    Raises:
        FormatError: no article text could be found in the page.
        MissingLibrary: trafilatura, or a library it needs, is not installed.
    """
    # The one rule for invisible characters, before any parser sees the page: what hides
    # in a site name or byline would steer trafilatura (it title-cases a site name whose
    # first character is not a capital, a bidi override included).
    text = sanitize_text(decode_bytes(data, declared_charset(data))[0])
    if not text.strip():
        raise FormatError("empty file")
    document = _extract(text)
    body = ""
    if document is not None and document.body is not None:
        # Its body holds no scripts, and its headings are called <head>.
        body = tree_to_text(document.body, _TRAFILATURA_BLOCKS, skip=frozenset())
    warnings: list[str] = []
    root = parse_html(text)
    # Read before _main_element prunes the tree: a promo heading is told apart by
    # where it sits.
    titles = page_titles(root)
    # Only worth looking for when the extracted text is short. Read before
    # _main_element prunes the tree: a JSON-LD block may sit in a pruned footer.
    structured = _structured_body(root) if len(body) < 10 * _LD_BODY_MIN else None
    main = _main_element(root)
    if main is not None and main.better_than(body):
        body = main.text
    if structured and len(body) < _LD_BODY_RATIO * len(structured):
        body = structured
        warnings.append("article text taken from the page's structured data")
    if not body:
        raise FormatError("no article text found")
    if document is None:
        # The article came from the structured data or the main element alone; the
        # metadata is still in the page's <head>.
        document = _metadata(text)
    draft = _draft(document, body, warnings, titles, text)
    return [_with_address(draft, data)]


def _with_address(draft: Draft, data: bytes) -> Draft:
    """The draft with the address the page was saved from (the one fetched and cited,
    over the page's own canonical link) and when it was fetched, if the page says."""
    url, fetched = saved_from(data)
    if url is None:
        return draft
    changes: dict[str, Any] = {"url": url, "fetched": fetched}
    if draft.source is None and (domain := domain_of(url)):
        changes["source"] = domain
        changes["inferred"] = draft.inferred | {"source"}
    return replace(draft, **changes)


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its XML declaration or a ``<meta>`` tag."""
    head = data[:4096]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def _extract(text: str) -> Any:
    """Run trafilatura on the page text; None when it finds no article."""
    # Imported here: trafilatura takes a while to load and only web pages need it.
    trafilatura = import_library("trafilatura", _WHAT)
    for name in _QUIET_LOGGERS:
        # It logs every page it discards; in a terminal app that would print over
        # the screen, and this reader reports problems itself.
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    try:
        # The page text alone is passed, never a URL, so nothing is fetched.
        return trafilatura.bare_extraction(
            text,
            with_metadata=True,
            include_comments=False,
            include_images=False,
            include_links=False,
            deduplicate=False,
        )
    except ImportError as exc:  # of a library it loads only when a page needs it
        raise missing_library(exc, "trafilatura", _WHAT) from exc
    except Exception as exc:  # trafilatura and htmldate can fail in many ways on odd pages
        raise FormatError(f"could not parse the page ({type(exc).__name__})") from exc


def _metadata(text: str) -> Any:
    trafilatura = import_library("trafilatura", _WHAT)
    try:
        return trafilatura.extract_metadata(text)
    except ImportError as exc:
        raise missing_library(exc, "trafilatura", _WHAT) from exc
    except Exception as exc:  # as above
        raise FormatError(f"could not parse the page ({type(exc).__name__})") from exc


def _with_joiners(value: str | None, page: str) -> str | None:
    """``value`` as the page writes it, with the ZWNJs and ZWJs trafilatura removed.

    trafilatura drops from its metadata every character that ``str.isprintable()``
    refuses, and so the joiners of Persian and Arabic words and of emoji sequences.
    """
    if not value or not _JOINER_IN_PAGE.search(page):
        return value
    match = re.search(_JOINERS.join(map(re.escape, value)), page)
    return html.unescape(match.group()) if match else value


def _draft(document: Any, body: str, warnings: list[str], titles: PageTitles, page: str) -> Draft:
    inferred: set[str] = set()
    source = one_line(_with_joiners(document.sitename, page))
    hostname = clean_domain(one_line(document.hostname) or "")
    # When the page names no site, trafilatura falls back to the host name as the
    # URL spells it: that source is a guess.
    if source is None or (clean_domain(source) == hostname and source == source.lower()):
        source = hostname or None
        if source:
            inferred.add("source")
    tags = [*_strings(document.categories), *_strings(document.tags)]
    url = domain_of(one_line(document.url))
    return Draft(
        body=body,
        title=choose_title(titles, one_line(document.title), source, (hostname, url or "")),
        source=source,
        author=join_authors(
            _with_joiners(name, page) or "" for name in author_names(document.author)
        ),
        published=parse_date(document.date),
        url=one_line(document.url),
        tags=tuple(split_tags(tags)),
        inferred=frozenset(inferred),
        warnings=tuple(warnings),
    )


def _structured_body(root: Any) -> str | None:
    """The longest ``articleBody`` in the page's JSON-LD blocks, if a long one exists."""
    if root is None:
        return None
    best = ""
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            value = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        for node in json_nodes(value):
            candidate = node.get("articleBody")
            if isinstance(candidate, str) and len(candidate) > len(best):
                best = candidate
    best = html_to_text(best) if looks_like_html(best) else best.strip()
    return best if len(best) >= _LD_BODY_MIN else None


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


# --- The page's own main element ----------------------------------------------------


@dataclass(frozen=True)
class _MainText:
    """The text of a page's main element, and the words that tell page furniture apart."""

    text: str
    furniture: frozenset[str]
    """Words of the navigation, ads, footers and links around the main element."""
    titles: frozenset[str]
    """Words of the page's ``<title>`` and ``<h1>`` headings (neither side's extra)."""

    def better_than(self, extracted: str) -> bool:
        """Whether this text should replace trafilatura's ``extracted`` text."""
        if not self.text:
            return False
        if not extracted:
            return True
        if len(self.text) >= _SHORT_ARTICLE:
            # A full-size article: trafilatura's judgement is the better one.
            return False
        found, own = _words(extracted), _words(self.text)
        extra = found - own - self.titles
        if not extra:
            # trafilatura kept the main element, or only part of it.
            return len(own - found) > _FOREIGN_SHARE * len(own)
        # What trafilatura has beyond the main element is the menus and footers that
        # its fallbacks take in on a short page: the wire brief alone is the article.
        return len(extra - self.furniture) <= _FOREIGN_SHARE * len(extra)


def _main_element(root: Any) -> _MainText | None:
    """The text of the page's main element: its largest ``<article>``, else its ``<main>``,
    else the body's largest block of paragraphs; navigation, ads, sharing, comments and
    scripts left out. Prunes the tree.
    """
    body = None if root is None else next(root.iter("body"), None)
    if body is None:
        return None
    titles = _words(" ".join(" ".join(e.itertext()) for e in root.iter("title", "h1")))
    articles = [e for e in body.iter("article") if next(e.iterancestors("article"), None) is None]
    mains = [e for e in body.iter() if tag_of(e) == "main" or attr(e, "role") == "main"]
    furniture = _prune(body, {a for c in (*articles, *mains) for a in (c, *c.iterancestors())})
    chosen, text = None, ""
    for tier in (articles, mains):
        texts = [(tree_to_text(e, HTML_BLOCKS, _SKIP_MAIN), e) for e in tier]
        best = max(texts, key=lambda pair: len(pair[0]), default=("", None))
        if best[0]:
            text, chosen = best
            break
    else:
        chosen = _largest_block(body)
        text = tree_to_text(chosen, HTML_BLOCKS, _SKIP_MAIN)
    # Links outside the main element are the page's navigation, wherever they sit.
    inside = set(chosen.iter()) if chosen is not None else set()
    links = (" ".join(a.itertext()) for a in body.iter("a") if a not in inside)
    furniture |= _words(" ".join(links))
    return _MainText(text, frozenset(furniture), titles)


def _prune(body: Any, keep: set[Any]) -> set[str]:
    """Remove the page furniture outside ``keep``; the words of what was removed."""
    found = []
    walker = etree.iterwalk(body, events=("start",))
    for _, element in walker:
        if element is not body and element not in keep and is_furniture(element):
            found.append(element)
            walker.skip_subtree()
    words: set[str] = set()
    for element in found:
        prose = sum(len(" ".join(p.itertext())) for p in element.iter("p"))
        if prose < _PROSE_CHARS:
            words |= _words(" ".join(element.itertext()))
        _remove(element)
    return words


def _largest_block(body: Any) -> Any:
    """The element holding the most paragraph text directly; the body when it has none."""
    sizes: dict[Any, int] = {}
    for paragraph in body.iter("p", "pre", "blockquote"):
        parent = paragraph.getparent()
        if parent is not None:
            sizes[parent] = sizes.get(parent, 0) + len(" ".join(paragraph.itertext()).strip())
    return max(sizes, key=lambda e: sizes[e]) if sizes else body


def _remove(element: Any) -> None:
    # The text after an element (its tail) belongs to the parent's flow: keep it.
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(text.casefold()))
