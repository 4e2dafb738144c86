"""Query text to a Whoosh query: the query language of the search box.

Plain words must all match (in ``title``, ``body`` or the folded ``names`` field, so a
word also finds other transliterations of a name). On top of that: ``"phrases"``,
``OR``, ``NOT word`` / ``-word``, parentheses, wildcards ``strik*``, fuzzy words
``strikse~``, fields ``title:``, ``body:``, ``source:``, ``author:``, ``tag:``, ``month:``
and ``date:`` (``2024``, ``2024-02``, ``2024-02-04``, ``>2024-01-01``, ``<=2024-03``,
``[2024-01-01 TO 2024-03-01]``).

A query never raises: when it is malformed (unbalanced quotes or parentheses, a
dangling operator, a field without a value, a bad date, stray brackets...) the words
of the query are searched instead, with a notice saying so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from whoosh import query

from briefing.search.expansion import is_expansion
from briefing.search.parser import (
    DATE_CLAUSE,
    DATE_FIELDS,
    DEFAULT_FIELDS,
    MAX_PATTERNS,
    USER_FIELDS,
    SearchBoxParser,
)

MAX_QUERY_CHARS = 1000

OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})
_BINARY_OPERATORS = OPERATORS - {"NOT"}
_FIELD_NAMES = "|".join(sorted({*USER_FIELDS, *DATE_FIELDS}, key=len, reverse=True))
_QUOTED = re.compile(r'"[^"]*"')
_BOOST = re.compile(r"(?<=[^\s(^])\^\d+(?:\.\d+)?(?=[\s)]|$)")
_FUZZ = re.compile(r"(?<=[^\s(~])~\d?(?:/\d+)?(?=[\s)]|$)")
_EMPTY_FIELD = re.compile(rf"(?i)^(?:{_FIELD_NAMES}):$")
_FIELD_PREFIX = re.compile(rf"(?i)(?<![\w:])(?:{_FIELD_NAMES}):")
_WORD = re.compile(r"\w+(?:['’-]\w+)*")
_CURLY_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})
# Lone surrogates (undecodable bytes in a command-line argument become them) cannot be
# encoded to look a term up in the index.
_SURROGATES = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class ParsedQuery:
    """A parsed query.

    Attributes:
        text: the text that was parsed (after truncation, or the plain words when the
            query had to fall back to them); suggestions are edits of this text.
        query: the Whoosh query, or None when there is nothing to search for.
        notices: one-line messages for the user (fallback, truncation).
        fallback: True when the query was malformed and its plain words were searched.
        capped: filled during the search with the wildcard or fuzzy terms whose
            expansion hit :data:`~briefing.search.expansion.MAX_EXPANSIONS` (shared
            by every copy of their query).
    """

    text: str
    query: Any | None
    notices: tuple[str, ...] = ()
    fallback: bool = False
    capped: list[str] = field(default_factory=list, compare=False)


# -- Parsing ---------------------------------------------------------------------------


def parse_query(text: str, schema: Any, max_chars: int = MAX_QUERY_CHARS) -> ParsedQuery:
    """Parse the search box's text into a Whoosh query; never raises.

    Args:
        text: what the user typed.
        schema: the index schema (:func:`briefing.index.schema.build_schema`).
        max_chars: longer queries are cut to this length, with a notice.

    Returns:
        The query (None when there is nothing to search for), with notices.
    """
    notices: list[str] = []
    text = _SURROGATES.sub("\ufffd", text.translate(_CURLY_QUOTES))
    if len(text) > max_chars:
        cut = text[:max_chars]
        # Cut at a word boundary when one is near, not in the middle of a word.
        space = cut.rfind(" ")
        text = cut[:space] if space > max_chars * 0.8 else cut
        notices.append(f"The query was cut to its first {len(text)} characters.")
    text = text.strip()
    if not text:
        return ParsedQuery(text="", query=None, notices=tuple(notices))
    if not re.search(r"[^\W_]", text):
        if "*" in text or "?" in text:
            notices.append("A wildcard on its own matches everything: add some letters.")
        else:
            notices.append("The query has no words to search for.")
        return ParsedQuery(text=text, query=None, notices=tuple(notices))

    problems: list[str] = []
    capped: list[str] = []
    problem = syntax_problem(text)
    q: Any = None
    if problem is None:
        parser = SearchBoxParser(schema, problems, capped)
        try:
            q = parser.parse(text)
        except Exception as error:  # whoosh raises assorted errors on odd input
            problems.append(f"{type(error).__name__}: {error}")
        if q is not None and not problems and (_is_null(q) or _has_error(q)):
            problems.append("the parser found nothing to search for")
        if problems:
            q = None
        else:
            notices.extend(parser.notices)
            if parser.left_out:
                left_out = parser.left_out
                shown = ", ".join(left_out[:5]) + (" …" if len(left_out) > 5 else "")
                notices.append(
                    f"Only the first {MAX_PATTERNS} wildcard and fuzzy words were searched; "
                    f"left out: {shown}"
                )
    if q is not None:
        return ParsedQuery(text=text, query=q, notices=tuple(notices), capped=capped)

    words = plain_words(text)
    if not words:
        notices.append("Could not parse the query, and it has no plain words to search for.")
        return ParsedQuery(text=text, query=None, notices=tuple(notices), fallback=True)
    plain = " ".join(words)
    notices.append(f"Could not parse the query; searched for the words: {plain}")
    return ParsedQuery(
        text=plain,
        query=_plain_query(words, schema, capped),
        notices=tuple(notices),
        fallback=True,
        capped=capped,
    )


def syntax_problem(text: str) -> str | None:
    """Why ``text`` is not a well-formed query (None when it is).

    Whoosh silently drops or reinterprets much of what is wrong ("a AND" searches
    for the word "and", "(a b" for "a b"), so the usual mistakes are caught here.
    """
    if text.count('"') % 2:
        return "unbalanced quotes"
    rest = _QUOTED.sub("Q", text)
    rest = DATE_CLAUSE.sub("Q", rest)
    rest = _BOOST.sub("", rest)
    rest = _FUZZ.sub("", rest)
    for char in "[]{}^~":
        if char in rest:
            return f"a stray {char}"
    depth = 0
    for char in rest:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return "a ) without ("
    if depth:
        return "a ( without )"
    tokens = re.findall(r"[()]|[^\s()]+", rest)
    for i, token in enumerate(tokens):
        before = tokens[i - 1] if i else None
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if token in _BINARY_OPERATORS and (
            before in (None, "(", *OPERATORS) or after in (None, ")", *_BINARY_OPERATORS)
        ):
            return f"{token} without a word on each side"
        if token == "NOT" and after in (None, ")", *_BINARY_OPERATORS):
            return "NOT without a word after it"
        if token in ("-", "+"):
            return f"a stray {token}"
        if _EMPTY_FIELD.match(token) and after != "(":
            return f"{token} without a value"
    return None


def plain_words(text: str) -> list[str]:
    """The words of ``text`` without query syntax (operators, field names, symbols).

    Date clauses go entirely: "garbage" in a bad ``date:garbage`` is no word to look
    for in the articles.
    """
    stripped = _FIELD_PREFIX.sub(" ", DATE_CLAUSE.sub(" ", text))
    return [word for word in _WORD.findall(stripped) if word not in OPERATORS]


def typed_words(text: str) -> set[str]:
    """The words of a query as typed, lowercase, without field names ("ez-zor" stays one
    word): other spellings of a name are those that are not among them."""
    return {word.lower() for word in _WORD.findall(_FIELD_PREFIX.sub(" ", text))}


def _plain_query(words: list[str], schema: Any, capped: list[str]) -> Any:
    """All of ``words`` (each in any default field): the fallback for malformed queries."""
    parser = SearchBoxParser(schema, [], capped)
    clauses = []
    for word in words:
        options = [parser.term_query(name, word, query.Term) for name in DEFAULT_FIELDS]
        options = [q for q in options if q is not None]
        if options:
            clauses.append(query.Or(options))
    return query.And(clauses) if clauses else None


def _is_null(q: Any) -> bool:
    return q is None or q is query.NullQuery or isinstance(q, type(query.NullQuery))


def _has_error(q: Any) -> bool:
    if getattr(q, "error", None):
        return True
    return any(_has_error(child) for child in q.children())


def has_expansions(q: Any) -> bool:
    """Whether ``q`` has parts that expand to many terms (wildcard and fuzzy words, date
    ranges): Whoosh matches those best by reading them whole, and scores them
    differently depending on how it matches them."""
    if is_expansion(q) or isinstance(q, (query.MultiTerm, query.NumericRange, query.TermRange)):
        return True
    return any(has_expansions(child) for child in q.children())


def positive_leaves(q: Any) -> Iterator[Any]:
    """The leaf queries of ``q`` that a match satisfies (not those under NOT)."""
    if _is_null(q) or isinstance(q, query.Not):
        return
    if isinstance(q, query.AndNot):
        yield from positive_leaves(q.a)
        return
    if q.is_leaf():
        yield q
        return
    children: Iterable[Any] = q.children()
    for child in children:
        yield from positive_leaves(child)
