"""Snippets with highlight spans: where a query's matched terms occur in a stored text.

A text is re-analysed with its field's analyzer (stemmed words with character
offsets) and with the ``names`` analyzer (folded names), and the tokens are compared
with the terms the query actually matched in the index, wildcard and fuzzy
expansions included. Phrases are highlighted only where the whole phrase occurs.
Adjacent matches separated only by whitespace or hyphens become one span, so
``"precision strikes"`` and "Deir ez-Zor" are each one span.

A text is not tokenised whole: a case-insensitive regular expression finds the words
that can match (those starting like a wanted term, and capitalised or article-marked
words for names), and only those are analysed. Token boundaries and positions are read
from the text around them, so the spans are those of a full analysis (the full
analysis remains for analyzers of another shape, and is what the tests compare with).
"""

from __future__ import annotations

import copy
import functools
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from whoosh import query
from whoosh.analysis import CompositeAnalyzer, LowercaseFilter, RegexTokenizer, StemFilter
from whoosh.lang.porter import stem as porter_stem

from briefing.index.schema import NAME_ARTICLES, NAME_PART, NameTokenizer, fold_name
from briefing.search.expansion import written_expansions
from briefing.search.model import Snippet
from briefing.search.query import positive_leaves, typed_words

SNIPPET_CHARS = 200  # target length of a snippet; it ends up about 150-250 characters
LEAD_CHARS = 200
ELLIPSIS = "…"

# An Arabic article written before a hyphen ("ez-" in "ez-Zor"): the names analyzer
# drops it, but it belongs to the highlighted name.
_ARTICLE_BEFORE = re.compile(
    r"(?:^|(?<=[^\w'’]))(?:al|el|ul|il|ad|ed|ud|ar|er|as|es|ash|esh|at|et|az|ez|an|en)-$",
    re.IGNORECASE,
)
_JOINER = re.compile(r"[\s\-‐‑]*")  # whitespace and hyphens (not dashes)
_SPACES = re.compile(r"\s+")

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
_SLOW_TEXT = re.compile("\u0130")
# The ASCII letters a name part folds from when its folded form starts with "d" and
# the like: "Ezzor" is "zor", "Assad" is "sad" (see fold_name).
_FUSED_ARTICLE = ("dtsznrl", "AE")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Stems of words seen by past searches, per stemming function (bounded: cleared when full).
_STEMS: dict[Any, dict[str, str]] = {}
_STEMS_SIZE = 200_000
_SHAPES: dict[int, tuple[Any, _TextShape | None]] = {}


@dataclass(frozen=True)
class FieldTerms:
    """What to look for in one stored text field and in its ``names`` copy.

    Attributes:
        terms: analysed (stemmed) terms the query matched in the text field.
        words: words as written (lowercase) that wildcard and fuzzy terms expanded to.
        phrases: analysed phrases (word tuples) the query asked for in the text field;
            proximity phrases (``"a b"~3``) are in ``terms`` word by word instead.
        names: folded ``names`` terms the query matched.
        name_phrases: folded phrases the query asked for in ``names``.
        typed_names: the ``names`` terms that stand for words the user typed (not
            wildcard or fuzzy expansions): the ones that can reveal other spellings.
    """

    terms: frozenset[str] = frozenset()
    words: frozenset[str] = frozenset()
    phrases: tuple[tuple[str, ...], ...] = ()
    names: frozenset[str] = frozenset()
    name_phrases: tuple[tuple[str, ...], ...] = ()
    typed_names: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.terms or self.words or self.phrases or self.names or self.name_phrases)


@dataclass(frozen=True)
class Match:
    """A highlighted stretch of a text; ``keys`` are the query terms it stands for."""

    start: int
    end: int
    keys: frozenset[str]
    count: int = 1


@dataclass(frozen=True)
class Highlighted:
    """The matches in one text, and the other spellings of typed names found in it."""

    matches: tuple[Match, ...]
    variants: tuple[str, ...] = ()


def field_terms(q: Any, reader: Any, fieldname: str) -> FieldTerms:
    """The terms of ``q`` to highlight in ``fieldname`` (``"title"`` or ``"body"``).

    Args:
        q: the Whoosh query that was searched.
        reader: the searcher's reader (expansions are looked up in it).
        fieldname: the stored text field the snippet is cut from.
    """
    terms: set[str] = set()
    words: set[str] = set()
    phrases: list[tuple[str, ...]] = []
    names: set[str] = set()
    name_phrases: list[tuple[str, ...]] = []
    typed: set[str] = set()
    for leaf in positive_leaves(q):
        leaf_field = leaf.field()
        if leaf_field not in (fieldname, "names"):
            continue
        if isinstance(leaf, query.Phrase):
            phrase = tuple(str(w) for w in leaf.words)
            if leaf.slop > 1:
                # A proximity search: the words need not be adjacent, mark each one.
                (names if leaf_field == "names" else terms).update(phrase)
            elif leaf_field == "names":
                name_phrases.append(phrase)
                typed.update(phrase)
            else:
                phrases.append(phrase)
            continue
        written = written_expansions(leaf, reader)
        if written is not None:
            words.update(written)
            continue
        found = {
            text.decode("utf-8") if isinstance(text, bytes) else str(text)
            for _, text in leaf.existing_terms(reader, phrases=False, expand=True)
        }
        if leaf_field == "names":
            names.update(found)
            if isinstance(leaf, query.Term):
                typed.update(found)
        else:
            terms.update(found)
    return FieldTerms(
        terms=frozenset(terms),
        words=frozenset(words),
        phrases=tuple(dict.fromkeys(phrases)),
        names=frozenset(names),
        name_phrases=tuple(dict.fromkeys(name_phrases)),
        typed_names=frozenset(typed),
    )


@dataclass
class _Token:
    """A token's position, analysed text, offsets and (if known) unstemmed text."""

    pos: int
    text: str
    start: int
    end: int
    word: str = ""


def _tokens(analyzer: Any, text: str, **kwargs: Any) -> list[_Token]:
    """Tokens with positions and offsets (copied: analyzers reuse one Token object)."""
    stream = analyzer(text, positions=True, chars=True, mode="index", removestops=False, **kwargs)
    return [_Token(t.pos, t.text, t.startchar, t.endchar, t.text) for t in stream]


def _analyse(analyzer: Any, text: str, **kwargs: Any) -> list[_Token]:
    try:
        return _tokens(analyzer, text, **kwargs)
    except (RuntimeError, KeyError):
        # Whoosh's stemming cache is not thread-safe while it evicts entries; a
        # private copy of the analyzer (with an empty cache) always works.
        return _tokens(copy.deepcopy(analyzer), text, **kwargs)


def _stemmed(analyzer: Any, text: str, initials: set[str], memo: dict[str, str]) -> list[_Token]:
    """The analyzer's tokens of ``text``, stemming only the words that may match.

    Stemming every word of every page hit is most of a search's time. The words are
    split without stemming, and only those whose initial is the initial of a wanted
    term are stemmed (one at a time, memoised across the page): stemmers only
    rewrite endings (checked on the whole BBC corpus vocabulary), so another word
    cannot stem to a wanted term.
    """
    has_morph = getattr(analyzer, "has_morph", None)
    if not (callable(has_morph) and has_morph()):
        return _analyse(analyzer, text)  # nothing to stem: text and word agree
    tokens = _analyse(analyzer, text, no_morph=True)
    for token in tokens:
        if token.text[:1] not in initials:
            continue
        stem = memo.get(token.text)
        if stem is None:
            stems = [t.text for t in analyzer(token.text, mode="index", removestops=False)]
            stem = memo[token.text] = stems[0] if len(stems) == 1 else token.text
        token.text = stem
    return tokens


def _phrase_hits(tokens: list[_Token], phrase: tuple[str, ...]) -> Iterator[tuple[int, int]]:
    """Start and end offsets of the occurrences of ``phrase`` at consecutive positions."""
    size = len(phrase)
    for i in range(len(tokens) - size + 1):
        if all(
            tokens[i + j].text == phrase[j] and tokens[i + j].pos == tokens[i].pos + j
            for j in range(size)
        ):
            yield tokens[i].start, tokens[i + size - 1].end


def _name_start(text: str, start: int) -> int:
    """``start`` moved back over an article prefix: "Zor" in "ez-Zor" starts at "ez-"."""
    before = _ARTICLE_BEFORE.search(text, max(0, start - 5), start)
    return before.start() if before else start


def _joined(text: str, end: int, start: int) -> bool:
    """Whether only whitespace or hyphens lie between ``end`` and ``start``."""
    return start <= end or _JOINER.fullmatch(text, end, start) is not None


@dataclass(frozen=True)
class _TextShape:
    """What the scan needs of a text analyzer: its tokens and its stemmer."""

    token: re.Pattern[str]  # the tokenizer's expression
    char: re.Pattern[str]  # one character of a token
    stem: Callable[[str], str] | None
    rewrite: int  # trailing letters a stem may rewrite (see _STEM_REWRITE)


def _text_shape(analyzer: Any) -> _TextShape | None:
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
            shape = _TextShape(
                token=items[0].expression,
                char=re.compile(found.group(1)),
                stem=stem,
                # Other stemmers: only the initial is trusted, as _stemmed does.
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


def _scan_text(
    text: str, terms: FieldTerms, shape: _TextShape, memo: dict[str, str]
) -> list[_Token]:
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
    initials = {t[:1] for t in wanted}  # as _stemmed: other words keep their spelling
    lowered = text.lower()  # as long as text: see _SLOW_TEXT
    char = shape.char
    tokens: list[_Token] = []
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
        tokens.append(_Token(pos, term, start, end, word))
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


def _scan_names(text: str, wanted: frozenset[str]) -> list[_Token]:
    """The ``names`` tokens of ``text`` (as NameTokenizer makes them at index time) whose
    folded text is in ``wanted``.

    Only capitalised parts and the parts after an article are looked at; positions are
    made up as in :func:`_scan_text`.
    """
    starts = _name_starts(text, wanted)
    tokens: list[_Token] = []
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
        tokens.append(_Token(pos, folded, start, part.end(), folded))
    return tokens


def highlight(
    text: str,
    terms: FieldTerms,
    text_analyzer: Any,
    name_analyzer: Any,
    typed: Iterable[str] = (),
    memo: dict[str, str] | None = None,
) -> Highlighted:
    """Find the query's matches in ``text``.

    Args:
        text: a stored title or body.
        terms: what the query matched (:func:`field_terms` for the same field).
        text_analyzer: the field's analyzer (stemming).
        name_analyzer: the ``names`` field's analyzer (folding).
        typed: the query's words as typed, lowercase: a name matched through folding
            whose spelling is not among them is reported in ``variants``.
        memo: stems of words already seen, to share between the texts of a page.

    Returns:
        The merged matches in text order, and the other spellings found.
    """
    if not text or not terms:
        return Highlighted(())
    # (start, end, key, is_name)
    raw: list[tuple[int, int, str, bool]] = []
    memo = {} if memo is None else memo
    shape = None if _SLOW_TEXT.search(text) else _text_shape(text_analyzer)
    if terms.terms or terms.words or terms.phrases:
        if shape is not None:
            tokens = _scan_text(text, terms, shape, memo)
        else:
            wanted = terms.terms.union(*terms.phrases)
            initials = {term[:1] for term in wanted}
            tokens = _stemmed(text_analyzer, text, initials, memo)
        raw.extend(
            (t.start, t.end, t.text, False)
            for t in tokens
            if t.text in terms.terms or t.word in terms.words
        )
        for phrase in terms.phrases:
            key = " ".join(phrase)
            raw.extend((s, e, key, False) for s, e in _phrase_hits(tokens, phrase))
    typed_spans: list[tuple[int, int]] = []
    if terms.names or terms.name_phrases:
        if shape is not None and type(name_analyzer) is NameTokenizer:
            tokens = _scan_names(text, terms.names.union(*terms.name_phrases))
        else:
            tokens = _analyse(name_analyzer, text)
        for t in tokens:
            if t.text in terms.names:
                start = _name_start(text, t.start)
                raw.append((start, t.end, t.text, True))
                if t.text in terms.typed_names:
                    typed_spans.append((start, t.end))
        for phrase in terms.name_phrases:
            key = " ".join(phrase)
            for s, e in _phrase_hits(tokens, phrase):
                raw.append((_name_start(text, s), e, key, True))
                typed_spans.append((_name_start(text, s), e))
    matches = _merge(text, raw)
    typed_keys = {_spelling(w) for w in typed}
    variants = _variants(text, typed_spans, typed_keys) if typed_keys else ()
    return Highlighted(matches, variants)


def _merge(text: str, raw: list[tuple[int, int, str, bool]]) -> tuple[Match, ...]:
    """Overlapping matches into one, then neighbours joined by whitespace or hyphens.

    A word found both as a stemmed term and as a folded name counts once, under its
    stemmed key, so the "distinct terms" of a snippet are not inflated.
    """
    raw.sort()
    words: list[tuple[int, int, set[str], set[str]]] = []  # start, end, text keys, name keys
    for start, end, key, is_name in raw:
        if words and start < words[-1][1]:
            last = words[-1]
            words[-1] = (last[0], max(last[1], end), last[2], last[3])
        else:
            words.append((start, end, set(), set()))
        (words[-1][3] if is_name else words[-1][2]).add(key)
    merged: list[Match] = []
    for start, end, text_keys, name_keys in words:
        keys = frozenset(text_keys or name_keys)
        if merged and _joined(text, merged[-1].end, start):
            before = merged[-1]
            merged[-1] = Match(
                before.start, max(before.end, end), before.keys | keys, before.count + 1
            )
        else:
            merged.append(Match(start, end, keys))
    return tuple(merged)


def _spelling(word: str) -> str:
    """A word's spelling for comparison: case and apostrophes do not make a variant
    ("Game's" is not another spelling of "games")."""
    return re.sub("['’]", "", word.lower())


def _variants(text: str, spans: list[tuple[int, int]], typed: set[str]) -> tuple[str, ...]:
    """Spellings of typed names as written in ``text`` that differ from what was typed."""
    groups: list[list[tuple[int, int]]] = []
    for start, end in sorted(set(spans)):
        if groups and _joined(text, groups[-1][-1][1], start):
            groups[-1].append((start, end))
        else:
            groups.append([(start, end)])
    found: dict[str, str] = {}
    for group in groups:
        surface = _SPACES.sub(" ", text[group[0][0] : max(e for _, e in group)])
        if {_spelling(w) for w in typed_words(surface)} <= typed:
            continue
        found.setdefault(surface.casefold(), surface)
    return tuple(found.values())


# -- Snippets ----------------------------------------------------------------------------


def _snap_start(text: str, start: int, limit: int) -> int:
    """``start`` moved forward to the beginning of a word, but not past ``limit``."""
    if start <= 0:
        return 0
    if text[start - 1].isspace():
        return start
    space = re.compile(r"\s").search(text, start, limit)
    return space.end() if space else start


def _snap_end(text: str, end: int, limit: int) -> int:
    """``end`` moved back to the end of a word, but not before ``limit``."""
    if end >= len(text):
        return len(text)
    if text[end].isspace():
        return end
    cut = max((m.start() for m in re.finditer(r"\s", text[limit:end])), default=None)
    return limit + cut if cut is not None else end


def _window(text: str, start: int, end: int, width: int) -> tuple[int, int]:
    """A stretch of about ``width`` characters around ``start:end``, at word boundaries."""
    spare = max(0, width - (end - start))
    left = start - spare // 2
    right = end + (spare - spare // 2)
    if left < 0:
        right, left = min(len(text), right - left), 0
    if right > len(text):
        left, right = max(0, left - (right - len(text))), len(text)
    return _snap_start(text, left, start), _snap_end(text, right, end)


def _collapsed_at(segment: str, at: int) -> int:
    """Where ``segment[at]`` lands once whitespace runs are single spaces and leading
    whitespace is dropped."""
    before = segment[:at]
    words = before.split()
    return len(" ".join(words)) + (1 if words and before[-1].isspace() else 0)


def _clip(text: str, start: int, end: int, matches: Iterable[Match]) -> Snippet:
    """The snippet ``text[start:end]`` with whitespace runs as single spaces, ellipses at
    cut ends, and the matches that lie wholly inside as highlight offsets."""
    segment = text[start:end]
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(text) else ""
    spans = tuple(
        (
            len(prefix) + _collapsed_at(segment, m.start - start),
            len(prefix) + _collapsed_at(segment, m.end - 1 - start) + 1,
        )
        for m in matches
        if m.start >= start and m.end <= end
    )
    return Snippet(prefix + " ".join(segment.split()) + suffix, spans)


def snippets(
    text: str, matches: tuple[Match, ...], count: int, width: int = SNIPPET_CHARS
) -> tuple[Snippet, ...]:
    """Up to ``count`` non-overlapping snippets of ``text`` around the best matches.

    Windows with the most distinct matched terms win, then those with the most
    matches; the snippets come back in text order.
    """
    if count <= 0 or not matches:
        return ()
    # Matches are disjoint and in text order (see _merge), so the one match that may
    # straddle a window's edge is found by bisection: scanning them all for every
    # window took minutes on a 2 MB article with 15,000 matches.
    starts = [m.start for m in matches]

    def straddling(at: int) -> Match | None:
        i = bisect_left(starts, at) - 1
        return matches[i] if i >= 0 and matches[i].end > at else None

    candidates: list[tuple[tuple[int, int, int], int, int]] = []
    for i, first in enumerate(matches):
        keys: set[str] = set()
        total = 0
        last = i
        for j in range(i, len(matches)):
            if matches[j].end - first.start > width and j > i:
                break
            keys |= matches[j].keys
            total += matches[j].count
            last = j
        left, right = _window(text, first.start, matches[last].end, width)
        # Never cut through a highlighted name like "Deir ez-Zor": take it whole.
        if (cut := straddling(left)) is not None:
            left = cut.start
        if (cut := straddling(right)) is not None:
            right = cut.end
        candidates.append(((len(keys), total, -i), left, right))
    candidates.sort(reverse=True)
    chosen: list[tuple[int, int]] = []
    for _, left, right in candidates:
        if all(right <= a or left >= b for a, b in chosen):
            chosen.append((left, right))
            if len(chosen) == count:
                break
    return tuple(_clip(text, left, right, matches) for left, right in sorted(chosen))


def lead_snippet(text: str, width: int = LEAD_CHARS) -> Snippet:
    """The start of ``text`` as a snippet without highlights."""
    end = _snap_end(text, min(len(text), width), min(len(text), width // 2))
    return _clip(text, 0, end, ())
