"""The Whoosh schema and its analyzers.

``title`` and ``body`` are stemmed with positions (phrase queries). ``names`` holds a
folded copy of the proper-noun-like words of title and body, so that outlets'
different transliterations ("Deir ez-Zor", "Deir al-Zor", "Deir el-Zour", "Deir
Ezzor") meet on one token sequence ("deir zor"). Bump ``SCHEMA_VERSION`` whenever
the schema or an analyzer changes: the index is then rebuilt from the articles.
"""

from __future__ import annotations

import functools
import itertools
import pickle
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from whoosh.analysis import (
    LowercaseFilter,
    RegexTokenizer,
    StemmingAnalyzer,
    Token,
    Tokenizer,
)
from whoosh.analysis.tokenizers import default_pattern
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.lang.porter import stem
from whoosh.system import pack_uint

# 3: the stored ``fetched`` field (when a web page or feed item was fetched), and
# ``pages``, where each page of a PDF starts in its text.
SCHEMA_VERSION = 3

# A word part for name folding: apostrophes stay inside ("Ba'ath"), hyphens split.
_PART = re.compile(r"\w+(?:['’ʼʻʿʾ‘]\w+)*")
# Arabic definite-article forms that outlets write before a hyphen: al-, el-, ez-, ad-...
_ARTICLES = frozenset(
    "al el ul il ad ed ud ar er as es ash esh at et az ez an en".split()  # noqa: SIM905
)
# Public for the highlighter, which finds name parts without running the tokenizer.
NAME_PART = _PART
NAME_ARTICLES = _ARTICLES
_ARTICLE_HYPHEN = re.compile(rf"^(?:{'|'.join(sorted(_ARTICLES))})-")
# The article fused into a doubled sun letter: "Ezzor", "Assad", "Arrashid".
_ARTICLE_FUSED = re.compile(r"^[ae]([dtsznrl])\1(?=\w{2,})")
_APOSTROPHES = re.compile("['’ʼʻʿʾ‘]")
_DOUBLED = re.compile(r"(\w)\1+")


@functools.lru_cache(maxsize=65536)
def fold_name(word: str) -> str:
    """Fold one (possibly hyphenated) word to its transliteration key.

    Lowercase, accents off, Arabic article prefix off, apostrophes and hyphens out,
    doubled letters single, "ou" as "o": "ez-Zor", "al-Zor", "el-Zour" and "Ezzor"
    all give "zor".
    """
    text = unicodedata.normalize("NFKD", word.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _ARTICLE_HYPHEN.sub("", text)
    text = _ARTICLE_FUSED.sub(r"\1", text)
    text = _APOSTROPHES.sub("", text).replace("-", "")
    text = _DOUBLED.sub(r"\1", text)
    return text.replace("ou", "o")


class NameTokenizer(Tokenizer):  # type: ignore[misc]
    """Tokens for ``names``: proper-noun-like words, folded by :func:`fold_name`.

    Hyphenated compounds are split; an Arabic article part ("ez" in "Deir-ez-Zor")
    is dropped and marks the next part as a name. At index time only capitalised or
    article-marked parts are kept (positions are preserved, so phrases still work);
    at query time every part is kept, since users type lowercase.
    """

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos
        after_article = False
        for match in _PART.finditer(value):
            part = match.group()
            end = match.end()
            if end < len(value) and value[end] == "-" and part.lower() in _ARTICLES:
                # "ez-" / "al-": not a word of its own, but the next part is a name.
                after_article = True
                continue
            keep = mode == "query" or after_article or part[:1].isupper()
            after_article = False
            position = pos
            pos += 1
            if not keep:
                continue
            folded = fold_name(part)
            if not folded:
                continue
            t.text = folded
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = part
            if positions:
                t.pos = position
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            yield t


def text_analyzer() -> Any:
    """The analyzer of ``title`` and ``body``: words, lowercase, stop words, stemming."""
    return StemmingAnalyzer(minsize=1, stoplist=None)


# The text analyzer's tokenizer pattern, without its capturing group (for findall).
_TEXT_TOKEN = re.compile(default_pattern.pattern.replace(r"(\.?", r"(?:\.?"))
_stems: dict[str, str] = {}
_STEMS_KEPT = 100_000


def _stem(word: str) -> str:
    found = _stems.get(word)
    if found is None:
        if len(_stems) >= _STEMS_KEPT:
            _stems.clear()
        found = _stems[word] = stem(word)
    return found


def index_text(
    value: str, field_boost: float
) -> tuple[list[tuple[bytes, float, bytes]], int, list[bytes]]:
    """What ``TEXT(analyzer=text_analyzer(), phrase=True).index(value)`` and its
    ``spellable_words(value)`` give, in one pass and about four times faster.

    Returns ``(term, weight, encoded positions)`` per distinct stem, the field length
    (the number of words) and the distinct unstemmed words, sorted. The equivalence
    with Whoosh's own analysis is a test (``tests/unit/test_index_text.py``).
    """
    words = [w.lower() for w in _TEXT_TOKEN.findall(value)]
    positions: dict[str, list[int]] = {}
    for pos, word in enumerate(words):
        stemmed = _stem(word)
        seen = positions.get(stemmed)
        if seen is None:
            positions[stemmed] = [pos]
        else:
            seen.append(pos)
    postings = _encode_positions(positions, field_boost)
    return postings, len(words), [w.encode("utf-8") for w in sorted(set(words))]


def index_names(value: str, field_boost: float) -> tuple[list[tuple[bytes, float, bytes]], int]:
    """What ``TEXT(analyzer=name_analyzer(), phrase=True).index(value)`` gives (see
    :class:`NameTokenizer`, mode "index"), in one pass: postings and field length."""
    positions: dict[str, list[int]] = {}
    pos = 0
    kept = 0
    after_article = False
    size = len(value)
    for match in _PART.finditer(value):
        part = match.group()
        end = match.end()
        if end < size and value[end] == "-" and part.lower() in _ARTICLES:
            after_article = True
            continue
        keep = after_article or part[:1].isupper()
        after_article = False
        position = pos
        pos += 1
        if not keep:
            continue
        folded = fold_name(part)
        if not folded:
            continue
        kept += 1
        seen = positions.get(folded)
        if seen is None:
            positions[folded] = [position]
        else:
            seen.append(position)
    return _encode_positions(positions, field_boost), kept


def _encode_positions(
    positions: dict[str, list[int]], field_boost: float
) -> list[tuple[bytes, float, bytes]]:
    """``(term, weight, value)`` as Whoosh's ``Positions`` format encodes them: the
    count, then the pickled gaps between positions."""
    postings = []
    for term, poslist in positions.items():
        deltas = [poslist[0]]
        deltas.extend(b - a for a, b in itertools.pairwise(poslist))
        encoded = pack_uint(len(deltas)) + pickle.dumps(deltas, 2)
        postings.append((term.encode("utf-8"), len(poslist) * field_boost, encoded))
    return postings


def name_analyzer() -> Any:
    """The analyzer of ``names``: hyphenated words kept whole, then folded."""
    return NameTokenizer()


def label_analyzer() -> Any:
    """The analyzer of ``source`` and ``author``: lowercase words, no stemming."""
    return RegexTokenizer(r"\w+(?:[.'’-]\w+)*") | LowercaseFilter()


# The fields analysed by text_analyzer() (stemmed, with positions and a spell_ twin):
# the build analyses them with index_text(), Whoosh's analysis in one faster pass.
TEXT_FIELDS = frozenset({"title", "body"})
# The field analysed by name_analyzer(): the build uses index_names().
NAMES_FIELD = "names"


def build_schema() -> Schema:
    """The schema of a library's index."""
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        path=ID(stored=True),
        title=TEXT(
            stored=True, analyzer=text_analyzer(), phrase=True, field_boost=2.5, spelling=True
        ),
        body=TEXT(stored=True, analyzer=text_analyzer(), phrase=True, spelling=True),
        names=TEXT(analyzer=name_analyzer(), phrase=True, field_boost=0.8),
        source=TEXT(stored=True, analyzer=label_analyzer(), phrase=True),
        source_facet=ID(sortable=True),
        author=TEXT(stored=True, analyzer=label_analyzer(), phrase=True),
        published=DATETIME(stored=True, sortable=True),
        month=ID(sortable=True),
        tags=KEYWORD(stored=True, commas=True, lowercase=True, scorable=True),
        url=STORED,
        inferred=STORED,
        warnings=STORED,
        content_hash=STORED,
        fetched=STORED,
        pages=STORED,
    )


# Terms with fewer postings than this keep them in the term table, without a block of
# their own: a merge of a 4,000-article segment wrote 55,000 blocks for its 125,000
# terms, most of them of two to seven postings, a third of its time.
INLINE_POSTINGS = 8


def index_codec() -> Any:
    """Our codec (:mod:`briefing.index.codec`: a block's numbers apart from its
    positions), with a term's single posting kept in the term table.

    Whoosh's default writes every term's postings as a separate pickled, compressed
    block; most terms of a news library's segment have a few postings (names, numbers,
    ids, every ``spell_`` word), and on BBC three blocks in four went (a quarter of a
    commit's time). Each term records where its postings are, so readers need only
    the fix to inlined postings in :mod:`briefing.index.whoosh_fixes`.
    """
    from briefing.index.codec import BlockCodec

    return BlockCodec(inlinelimit=INLINE_POSTINGS)
