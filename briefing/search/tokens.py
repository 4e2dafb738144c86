"""The tokens of a stored text that can match a query's terms, found without analysing
the whole text.

A case-insensitive search finds the words that can match (those starting like a wanted
term, and capitalised or article-marked words for names), and only those are analysed.
Token boundaries and positions are read from the text around them, so the tokens are
those of a full analysis (the full analysis remains for analyzers of another shape,
and is what the tests compare with).
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from whoosh.analysis import CompositeAnalyzer, LowercaseFilter, RegexTokenizer, StemFilter
from whoosh.lang.porter import stem as porter_stem

from briefing.index.schema import NAME_ARTICLES, NAME_PART, fold_name
from briefing.search.terms import FieldTerms

# The last letters a Porter stem may have where its word has another letter: "e"
# ("hope" from "hoping", "relate" from "relational"), "i" ("poni" from "pony") and "l"
# ("possibl" from "possibility"). Any other stem is the start of each of its words, and
# a stem ending in one of these is, but for that letter: checked on the 655,098 words of
# the reference library (every corpus of ../shared/corpora and the 20 Newsgroups).
_STEM_REWRITTEN_ENDINGS = frozenset("eil")
_STEM_REWRITE = 1  # at most one letter, the last
# The shape of token expression the scan understands: ``X+(\.?X+)*``, X one character
# class (Whoosh's default ``\w+(\.?\w+)*`` and our ``[\w\*]+(\.?[\w\*]+)*``).
_TOKEN_SHAPE = re.compile(r"(\[[^\]]*\]|\\w)\+\(\\\.\?\1\+\)\*")
_NAME_APOSTROPHES = "'’ʼʻʿʾ‘"  # join the parts of a name part (see NAME_PART)
_WORD_CHAR = re.compile(r"\w")
# Characters whose lowercase is longer ("İ" is "i̇"): offsets of the lowercase text would
# not be those of the text, so such a text is analysed whole.
SLOW_TEXT = re.compile("\u0130")
# The ASCII letters a name part folds from when its folded form starts with "d" and
# the like: "Ezzor" is "zor", "Assad" is "sad" (see fold_name).
_FUSED_ARTICLE = ("dtsznrl", "AE")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Stems of words seen by past searches, per stemming function (bounded: cleared when full).
_STEMS: dict[Any, dict[str, str]] = {}
_STEMS_SIZE = 200_000
_SHAPES: dict[int, tuple[Any, TextShape | None]] = {}


@dataclass
class Token:
    """A token's position, analysed text, offsets and (if known) unstemmed text."""

    pos: int
    text: str
    start: int
    end: int
    word: str = ""


def _tokens(analyzer: Any, text: str, **kwargs: Any) -> list[Token]:
    """Tokens with positions and offsets (copied: analyzers reuse one Token object)."""
    stream = analyzer(text, positions=True, chars=True, mode="index", removestops=False, **kwargs)
    return [Token(t.pos, t.text, t.startchar, t.endchar, t.text) for t in stream]


def analyse(analyzer: Any, text: str, **kwargs: Any) -> list[Token]:
    """The tokens of the whole of ``text`` as ``analyzer`` makes them at index time."""
    try:
        return _tokens(analyzer, text, **kwargs)
    except (RuntimeError, KeyError):
        # Whoosh's stemming cache is not thread-safe while it evicts entries; a
        # private copy of the analyzer (with an empty cache) always works.
        return _tokens(copy.deepcopy(analyzer), text, **kwargs)


def stemmed(analyzer: Any, text: str, initials: set[str], memo: dict[str, str]) -> list[Token]:
    """The analyzer's tokens of ``text``, stemming only the words that may match.

    Stemming every word of every page hit is most of a search's time. The words are
    split without stemming, and only those whose initial is the initial of a wanted
    term are stemmed (one at a time, memoised across the page): stemmers only
    rewrite endings (checked on the whole BBC corpus vocabulary), so another word
    cannot stem to a wanted term.
    """
    has_morph = getattr(analyzer, "has_morph", None)
    if not (callable(has_morph) and has_morph()):
        return analyse(analyzer, text)  # nothing to stem: text and word agree
    tokens = analyse(analyzer, text, no_morph=True)
    for token in tokens:
        if token.text[:1] not in initials:
            continue
        stem = memo.get(token.text)
        if stem is None:
            stems = [t.text for t in analyzer(token.text, mode="index", removestops=False)]
            stem = memo[token.text] = stems[0] if len(stems) == 1 else token.text
        token.text = stem
    return tokens


@dataclass(frozen=True)
class TextShape:
    """What the scan needs of a text analyzer: its tokens and its stemmer."""

    token: re.Pattern[str]  # the tokenizer's expression
    char: re.Pattern[str]  # one character of a token
    stem: Callable[[str], str] | None
    rewrite: int  # trailing letters a stem may rewrite (see _STEM_REWRITE)


def text_shape(analyzer: Any) -> TextShape | None:
    """The shape of ``analyzer`` when it is regex words, lowercase, maybe a stemmer."""
    known = _SHAPES.get(id(analyzer))
    if known is not None and known[0] is analyzer:
        return known[1]
    shape = None
    items = list(getattr(analyzer, "items", ())) if isinstance(analyzer, CompositeAnalyzer) else []
    if (
        len(items) in (2, 3)
        and type(items[0]) is RegexTokenizer
        and not items[0].gaps
        and items[0].expression.flags == re.UNICODE
        and type(items[1]) is LowercaseFilter
        and (
            len(items) == 2
            or (type(items[2]) is StemFilter and not items[2].ignore and not items[2].lang)
        )
    ):
        found = _TOKEN_SHAPE.fullmatch(items[0].expression.pattern)
        if found:
            stem = items[2].stemfn if len(items) == 3 else None
            shape = TextShape(
                token=items[0].expression,
                char=re.compile(found.group(1)),
                stem=stem,
                # Other stemmers: only the initial is trusted, as stemmed() does.
                rewrite=_STEM_REWRITE if stem is porter_stem else 1_000,
            )
    _SHAPES[id(analyzer)] = (analyzer, shape)
    return shape


def _stem_of(stem: Callable[[str], str], word: str, memo: dict[str, str]) -> str:
    found = memo.get(word)
    if found is None:
        cache = _STEMS.setdefault(stem, {})
        found = cache.get(word)
        if found is None:
            if len(cache) >= _STEMS_SIZE:
                cache.clear()
            found = cache[word] = stem(word)
        memo[word] = found
    return found


def _occurrences(text: str, needles: Iterable[str]) -> list[int]:
    """Every offset where one of ``needles`` occurs in ``text``, in order.

    ``str.find`` skims a text far faster than a regular expression can step through
    it, and the words looked for are few.
    """
    found: set[int] = set()
    for needle in needles:
        at = text.find(needle)
        while at >= 0:
            found.add(at)
            at = text.find(needle, at + 1)
    return sorted(found)


# Prefixes this short are looked for at word starts by a regular expression: str.find
# would stop at every "s" of the text, and nearly all of them are inside words.
_SHORT_PREFIX = 2


@functools.lru_cache(maxsize=256)
def _word_starts(prefixes: frozenset[str], char: str) -> re.Pattern[str]:
    """Where one of ``prefixes`` starts a word (``char``: one character of a token)."""
    alternatives = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
    return re.compile(f"(?<!{char})(?=(?:{alternatives}))")


def _kept(stem: str, rewrite: int) -> int:
    """How many first letters of ``stem`` every word with that stem starts with: all of
    a Porter stem but a last letter it may have rewritten (_STEM_REWRITTEN_ENDINGS). With
    fewer, "sh" was looked for at every "s" of each hit's text: most of a search's time."""
    if rewrite >= 1_000:  # another stemmer: only the initial is trusted
        return 1
    if stem[-1:] in _STEM_REWRITTEN_ENDINGS:
        return max(1, len(stem) - rewrite)
    return len(stem)


def scan_text(text: str, terms: FieldTerms, shape: TextShape, memo: dict[str, str]) -> list[Token]:
    """The tokens of ``text`` that can be wanted terms, as the analyzer makes them.

    Only words starting like a wanted stem (or an expanded word) are looked at. Their
    positions are made up: consecutive for tokens with no other token in between, with
    a gap otherwise, which is all that phrases need.
    """
    wanted = terms.terms.union(*terms.phrases)
    prefixes = {t[: _kept(t, shape.rewrite)] for t in wanted if t}
    prefixes.update(w for w in terms.words if w)
    if not prefixes:
        return []
    initials = {t[:1] for t in wanted}  # as stemmed(): other words keep their spelling
    lowered = text.lower()  # as long as text: see SLOW_TEXT
    char = shape.char
    tokens: list[Token] = []
    pos = 0
    last_end = 0
    if min(map(len, prefixes)) <= _SHORT_PREFIX:
        pattern = _word_starts(frozenset(prefixes), char.pattern)
        starts: Iterable[int] = (m.start() for m in pattern.finditer(lowered))
    else:
        starts = _occurrences(lowered, prefixes)
    for start in starts:
        if start < last_end:
            continue  # inside the last token
        if start and char.match(text, start - 1):
            continue  # inside a word
        if start >= 2 and text[start - 1] == "." and char.match(text, start - 2):
            continue  # inside a token like "U.S": the tokenizer joins them
        token = shape.token.match(text, start)
        if token is None:
            continue
        end = token.end()
        word = text[start:end].lower()  # the token alone, as LowercaseFilter does
        term = word
        if shape.stem is not None and word[:1] in initials:
            term = _stem_of(shape.stem, word, memo)
        if tokens:
            pos += 1 if char.search(text, tokens[-1].end, start) is None else 2
        tokens.append(Token(pos, term, start, end, word))
        last_end = end
    return tokens


def _part_start(text: str, start: int) -> bool:
    """Whether a name part (NAME_PART) starts at ``start`` (a word character)."""
    if start == 0:
        return True
    before = text[start - 1]
    if _WORD_CHAR.match(before):
        return False
    return not (before in _NAME_APOSTROPHES and start >= 2 and _WORD_CHAR.match(text[start - 2]))


def _is_article(text: str, part: re.Match[str]) -> bool:
    end = part.end()
    return end < len(text) and text[end] == "-" and part.group().lower() in NAME_ARTICLES


def _name_starts(text: str, wanted: frozenset[str]) -> dict[int, bool]:
    """Where a name part that may fold to one of ``wanted`` can start, and whether it
    follows an article (and so is a name whatever its case)."""
    initials = {w[:1] for w in wanted}
    capitals = {i.upper() for i in initials if i.isascii() and i.isalpha()}
    if initials & set(_FUSED_ARTICLE[0]):
        capitals.update(_FUSED_ARTICLE[1])
    starts = dict.fromkeys(_occurrences(text, capitals), False)
    if not text.isascii():
        # Accented capitals fold to ASCII: every non-ASCII letter is a candidate.
        starts.update(dict.fromkeys((m.start() for m in _NON_ASCII.finditer(text)), False))
    for hyphen in _occurrences(text, "-"):
        for size in (2, 3):
            start = hyphen - size
            if start >= 0 and text[start:hyphen].lower() in NAME_ARTICLES:
                break
        else:
            continue
        article = NAME_PART.match(text, start)
        if article is None or article.end() != hyphen or not _part_start(text, start):
            continue
        after = NAME_PART.search(text, hyphen)
        while after is not None and _is_article(text, after):
            after = NAME_PART.search(text, after.end())
        if after is not None:
            starts[after.start()] = True
    return starts


def scan_names(text: str, wanted: frozenset[str]) -> list[Token]:
    """The ``names`` tokens of ``text`` (as NameTokenizer makes them at index time) whose
    folded text is in ``wanted``.

    Only capitalised parts and the parts after an article are looked at; positions are
    made up as in :func:`scan_text`.
    """
    starts = _name_starts(text, wanted)
    tokens: list[Token] = []
    pos = 0
    for start in sorted(starts):
        if not _part_start(text, start):
            continue
        part = NAME_PART.match(text, start)
        if part is None or _is_article(text, part):
            continue
        if not (starts[start] or part.group()[0].isupper()):
            continue
        folded = fold_name(part.group())
        if folded not in wanted:
            continue
        if tokens:
            between = NAME_PART.finditer(text, tokens[-1].end, start)
            pos += 2 if any(not _is_article(text, m) for m in between) else 1
        tokens.append(Token(pos, folded, start, part.end(), folded))
    return tokens
