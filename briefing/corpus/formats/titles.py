"""The headline of a saved web page: the page's title candidates weighed, the site's name cut.

A page offers its headline several times: ``og:title``, ``twitter:title``, the JSON-LD
``headline``, the ``<title>``, its ``<h1>`` headings, and trafilatura's own pick. Some
of them are wrong on real pages: the first ``<h1>`` is a promo ("Plan your next trip
with ...") or a section's name, and ``<title>``-style titles carry the site's name
("Headline | Site", "Site - Headline"). So every candidate is first cut of the site's
name, recognised from the page itself (``og:site_name``, the publisher in the JSON-LD,
the links to the home page, the domain, the parts that other candidates leave out),
and then each candidate votes, by its weight, for every title it agrees with; an
``<h1>`` weighs by where it sits (in the article, or in a menu or a promo).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from briefing.corpus.formats.common import domain_of, one_line
from briefing.corpus.formats.furniture import (
    attr,
    is_furniture_named,
    is_furniture_shell,
    tag_of,
)

# Between a headline and a site's or section's name. "|" and "_" (common in Chinese
# titles) need no spaces; dashes and the rest do, so that "late-night" stays whole.
_SEPARATOR = re.compile(r"\s*[|｜_]\s*|\s+(?:[-–—«»·•~/]|::)\s+")
# Letters and digits ("_" separates, in titles).
_WORD = re.compile(r"[^\W_]+")
_TRUNCATED = ("...", "…")
# A truncated headline ("The council votes to ...") agrees with the one it begins only
# when this much of it is left, so that a few words do not match many headlines.
_TRUNCATED_MIN = 20

# How much each candidate's vote weighs. The <h1> a reader sees at the top of the
# article is the best witness; one in a menu, promo or the page's header hardly counts.
# trafilatura's pick is mostly a copy of one of the others: a tie-breaker.
_WEIGHT_META = 1.0
_WEIGHT_TWITTER = 0.5
_WEIGHT_H1_ARTICLE = 1.5
_WEIGHT_H1 = 1.0
_WEIGHT_H1_FURNITURE = 0.2
_WEIGHT_ARTICLE_HEADING = 0.5
_WEIGHT_EXTRACTED = 0.25
# Which candidate's wording is shown when several agree: what the reader sees first.
_RANK_HEADING, _RANK_META, _RANK_DATA, _RANK_TWITTER, _RANK_TITLE, _RANK_EXTRACTED = range(6)

# A furniture-named element (class "promo", "sidebar") with this much paragraph text is
# a layout wrapper around the article, not a promo.
_PROSE_CHARS = 400
_MAX_HEADINGS = 20
# How far up from a heading its place is looked for (a bound on odd, deep pages).
_MAX_DEPTH = 60
_MAX_CHARS = 500
_MAX_HOME_LINKS = 50
_HOME_LINK_CHARS = 60
# Two names agree when one holds the other and the shorter is this share of the longer
# ("Guardian" and "theguardian"), so that a domain's "news" does not match a headline.
_NAME_SHARE = 0.4
_ORGANISATIONS = frozenset(
    {"organization", "newsmediaorganization", "website", "corporation", "localbusiness"}
)


@dataclass(frozen=True)
class Candidate:
    """One title the page offers, and how much its word counts."""

    text: str
    weight: float
    rank: int
    """Lower is preferred as the wording shown when candidates agree."""


@dataclass(frozen=True)
class PageTitles:
    """What a page says about its own title and site, read before the page is pruned."""

    candidates: tuple[Candidate, ...]
    site_names: tuple[str, ...]
    """``og:site_name``, ``application-name``, the publisher, the home page's links."""
    hosts: tuple[str, ...]
    """The domains of the page's ``og:url`` and canonical link."""


def page_titles(root: Any) -> PageTitles:
    """The title candidates and site names of a parsed page (an lxml tree, or None)."""
    if root is None:
        return PageTitles((), (), ())
    candidates: list[Candidate] = []
    names: list[str] = []
    hosts: list[str] = []
    title = _head_title(root)
    if title:
        candidates.append(Candidate(title, _WEIGHT_META, _RANK_TITLE))
    for meta in root.iter("meta"):
        key = attr(meta, "property") or attr(meta, "name")
        content = _line(meta.get("content"))
        if not content:
            continue
        if key == "og:title":
            candidates.append(Candidate(content, _WEIGHT_META, _RANK_META))
        elif key == "twitter:title":
            candidates.append(Candidate(content, _WEIGHT_TWITTER, _RANK_TWITTER))
        elif key in ("og:site_name", "application-name", "twitter:site"):
            names.append(content.lstrip("@"))
        elif key == "og:url":
            hosts.append(domain_of(content) or "")
    for link in root.iter("link"):
        if "canonical" in attr(link, "rel").split():
            hosts.append(domain_of(link.get("href")) or "")
    for headline, publisher in _structured(root):
        if headline:
            candidates.append(Candidate(headline, _WEIGHT_META, _RANK_DATA))
        if publisher:
            names.append(publisher)
    candidates.extend(_headings(root))
    names.extend(_home_links(root))
    return PageTitles(tuple(candidates), tuple(names), tuple(h for h in hosts if h))


def choose_title(
    page: PageTitles, extracted: str | None, site: str | None, hosts: tuple[str, ...]
) -> str | None:
    """The page's headline: the site's name cut from each candidate, then the best voted.

    ``extracted`` is trafilatura's title, ``site`` the site name it found and ``hosts``
    the domains it knows the page by (its URL's).
    """
    candidates = list(page.candidates)
    extracted = _line(extracted)
    if extracted:
        candidates.append(Candidate(extracted, _WEIGHT_EXTRACTED, _RANK_EXTRACTED))
    candidates = [c for c in candidates if _fold(c.text)]
    if not candidates:
        return None
    names = {_squash(n) for n in (*page.site_names, (site or "")[:_MAX_CHARS])} - {""}
    names |= {label for host in (*page.hosts, *hosts) for label in _domain_labels(host)}
    names |= _left_out(candidates, [_end_runs(c.text) for c in candidates])
    cores = [_core(c.text, lambda part: _is_affix(part, names)) for c in candidates]
    # A candidate that is the site's name and nothing else (a masthead's <h1>,
    # trafilatura's pick of the "Site" half of "Site | Headline") is no headline.
    voters = [
        (c, core) for c, core in zip(candidates, cores, strict=True) if not _is_name(core, names)
    ]
    voters = voters or list(zip(candidates, cores, strict=True))
    keys = [_fold(core) for _, core in voters]
    runs = [_end_runs(core) for _, core in voters]
    # trafilatura's pick tips the balance between titles the page states; alone, it
    # could make a headline of the first half of "Strike ends - but talks go on".
    stated = {k for (c, _), k in zip(voters, keys, strict=True) if c.rank != _RANK_EXTRACTED}
    best: tuple[float, int, int] | None = None
    chosen = None
    for index, key in enumerate(dict.fromkeys(keys)):
        if stated and key not in stated:
            continue
        votes = zip(voters, keys, runs, strict=True)
        score = sum(_support(c, k, r, key) for (c, _), k, r in votes)
        shown = min((i for i, k in enumerate(keys) if k == key), key=lambda i: voters[i][0].rank)
        rank = (score, -voters[shown][0].rank, -index)
        if best is None or rank > best:
            best, chosen = rank, voters[shown][1]
    return chosen


# --- Reading the candidates -------------------------------------------------------------


def _head_title(root: Any) -> str | None:
    # Not the <title>s of inline SVG icons, which some pages hold by the dozen.
    for element in root.iter("title"):
        if next(element.iterancestors("svg", "body"), None) is None:
            return _text(element)
    return None


def _headings(root: Any) -> Iterator[Candidate]:
    """The page's ``<h1>``s, weighed by where they sit; and the first heading of an
    article or main element that has no ``<h1>`` (some sites put the headline in an
    ``<h2>``).
    """
    for count, heading in enumerate(root.iter("h1")):
        if count == _MAX_HEADINGS:
            break
        text = _text(heading)
        if text:
            yield Candidate(text, _heading_weight(heading), _RANK_HEADING)
    for element in root.iter("article", "main"):
        if next(element.iter("h1"), None) is None:
            heading = next(element.iter("h2"), None)
            text = _text(heading) if heading is not None else None
            if text:
                yield Candidate(text, _WEIGHT_ARTICLE_HEADING, _RANK_HEADING)


def _heading_weight(heading: Any) -> float:
    # From the heading outwards: an article or main element is the article's own place,
    # whatever wraps it; a menu, aside, promo or the page's header before it is not.
    for depth, element in enumerate(heading.iterancestors()):
        if depth == _MAX_DEPTH:
            break
        if tag_of(element) in ("article", "main") or attr(element, "role") == "main":
            return _WEIGHT_H1_ARTICLE
        if is_furniture_shell(element) or (
            is_furniture_named(element) and _prose(element) < _PROSE_CHARS
        ):
            return _WEIGHT_H1_FURNITURE
    return _WEIGHT_H1


def _prose(element: Any) -> int:
    total = 0
    for paragraph in element.iter("p"):
        total += len(" ".join(paragraph.itertext()))
        if total >= _PROSE_CHARS:
            break
    return total


def _home_links(root: Any) -> Iterator[str]:
    """The text of links to the site's home page: the site's name, as its logo says."""
    count = 0
    for link in root.iter("a"):
        href = (link.get("href") or "").strip()
        if href != "/" and not re.fullmatch(r"https?://[^/?#]+/?", href):
            continue
        text = _text(link)
        if text and len(text) <= _HOME_LINK_CHARS:
            yield text
        count += 1
        if count == _MAX_HOME_LINKS:
            break


def _structured(root: Any) -> Iterator[tuple[str | None, str | None]]:
    """(headline, publisher or organisation name) of each JSON-LD node."""
    for script in root.iter("script"):
        if attr(script, "type") != "application/ld+json":
            continue
        try:
            value = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        for node in json_nodes(value):
            publisher = node.get("publisher")
            name = publisher.get("name") if isinstance(publisher, dict) else None
            types = node.get("@type")
            types = types if isinstance(types, list) else [types]
            if name is None and _ORGANISATIONS & {str(t).lower() for t in types}:
                name = node.get("name")
            yield _line(node.get("headline")), _line(name)


def json_nodes(value: object) -> Iterator[dict[str, Any]]:
    """The objects of a JSON-LD value, in lists and ``@graph`` arrays; no recursion."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                stack.extend(graph)


def _text(element: Any) -> str | None:
    # Joined without spaces: a kicker and its headline are often spans with the
    # punctuation between them in a (visually hidden) span of its own.
    return _line("".join(element.itertext()))


def _line(value: object) -> str | None:
    line = one_line(value)
    return line[:_MAX_CHARS] if line else None


# --- Cutting the site's name -------------------------------------------------------------


def _segments(text: str) -> list[tuple[int, int]]:
    """The spans of the text between separators, empty ones left out."""
    spans, start = [], 0
    for match in _SEPARATOR.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _core(text: str, affix: Callable[[str], bool]) -> str:
    """The text without the site's and section's names at either end (never all of it)."""
    spans = _segments(text)
    if len(spans) < 2:
        return text
    first, last = 0, len(spans)
    # The end first: "Headline | Section | Site" is the commoner order.
    while last - first > 1 and affix(text[slice(*spans[last - 1])]):
        last -= 1
    while last - first > 1 and affix(text[slice(*spans[first])]):
        first += 1
    return text[spans[first][0] : spans[last - 1][1]]


@dataclass(frozen=True)
class _Runs:
    """The folded runs of segments that begin and that end a title, short of the whole."""

    heads: frozenset[str]
    tails: frozenset[str]


def _end_runs(text: str) -> _Runs:
    spans = _segments(text)
    heads, tails = set(), set()
    for cut in range(1, len(spans)):
        heads.add(_fold(text[spans[0][0] : spans[cut - 1][1]]))
        tails.add(_fold(text[spans[cut][0] : spans[-1][1]]))
    return _Runs(frozenset(heads), frozenset(tails))


def _left_out(candidates: list[Candidate], runs: list[_Runs]) -> set[str]:
    """The parts after the headline that another candidate leaves out: when an ``<h1>``
    says "Headline" and the ``<title>`` "Headline | Section | Site", "Section" and
    "Site" are not the headline. Only after it: when an ``<h1>`` is the end of a
    "Headline | Section" title, it is as likely a section's name as the headline.
    """
    left: set[str] = set()
    whole = {_fold(c.text) for c in candidates if c.weight >= _WEIGHT_TWITTER}
    for candidate, ends in zip(candidates, runs, strict=True):
        if whole.isdisjoint(ends.heads):
            continue
        spans = _segments(candidate.text)
        for cut in range(1, len(spans)):
            if _fold(candidate.text[spans[0][0] : spans[cut - 1][1]]) in whole:
                left.update(_squash(candidate.text[slice(*s)]) for s in spans[cut:])
    return left - {""}


def _is_affix(part: str, names: set[str]) -> bool:
    """Whether a segment of a title is the site's name (or a date, or a section's name
    that another candidate leaves out) rather than part of the headline.
    """
    if not any(ch.isalpha() for ch in part):
        return True  # a date, a number
    squashed = _squash(part)
    for name in names:
        if squashed == name:
            return True
        shorter, longer = sorted((squashed, name), key=len)
        if len(shorter) >= 2 and shorter in longer and len(shorter) >= _NAME_SHARE * len(longer):
            return True
    return False


def _is_name(text: str, names: set[str]) -> bool:
    """Whether a whole title is a site's name (exactly: "Sun readers write" is not)."""
    return not any(ch.isalpha() for ch in text) or _squash(text) in names


def _domain_labels(host: str) -> Iterator[str]:
    # "www.valleytimes.example" -> "valleytimes"; the last label is the top-level domain.
    for label in host.lower().split(".")[:-1]:
        squashed = _squash(label)
        if squashed and squashed != "www":
            yield squashed


# --- Voting -----------------------------------------------------------------------------


def _support(candidate: Candidate, key: str, runs: _Runs, title: str) -> float:
    """How much a candidate (cut to ``key``) speaks for ``title``: all its weight when
    it says the same words, begins with them at a separator, or is ``title`` cut short
    with an ellipsis; half when it ends with them ("Headline | Section" is the commoner
    order, so the end of a title is as likely a section's name as the headline).
    """
    if key == title or title in runs.heads:
        return candidate.weight
    if title in runs.tails:
        return candidate.weight / 2
    text = candidate.text.rstrip()
    if text.endswith(_TRUNCATED):
        stem = _fold(text.rstrip(".…"))
        if len(stem) >= _TRUNCATED_MIN and title.startswith(stem):
            return candidate.weight
    return 0.0


def _fold(text: str) -> str:
    """Words only, in one case: "Germany′s" and "Germany's" agree."""
    return " ".join(_WORD.findall(text.casefold()))


def _squash(text: str) -> str:
    """Words run together: "Le Quotidien du Sud" as a domain spells it."""
    return "".join(_WORD.findall(text.casefold()))
