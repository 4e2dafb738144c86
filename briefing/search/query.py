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

import copy
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from whoosh import qparser, query
from whoosh.qparser import syntax
from whoosh.qparser.common import attach

from briefing.index.schema import fold_name
from briefing.search.dates import PublishedRange

MAX_QUERY_CHARS = 1000
# How many index words one wildcard or fuzzy term may expand to, per field: "a*"
# would otherwise OR together tens of thousands of terms on a large library.
MAX_EXPANSIONS = 200
# How many lexicon entries a pattern without a literal prefix ("*zor") may examine.
MAX_SCAN = 100_000
# How many wildcard and fuzzy words one query may have: each one expands against up to
# three lexicons, and a 1,000-character query of them took seconds. Past this the
# words are left out, with a notice.
MAX_PATTERNS = 10
# The most edits a fuzzy word may ask for: the automaton grows fast with the distance
# ("escalation~9" took ten seconds), and past three edits most words match anything.
MAX_FUZZ_DISTANCE = 3

DEFAULT_FIELDS = ("title", "body", "names")
# The stemmed fields; each has an unstemmed twin "spell_<name>" (``spelling=True``)
# that wildcard and fuzzy terms expand against, since patterns and edit distances only
# make sense on the words as written ("strikes*" must not become "strike*").
STEMMED_FIELDS = ("title", "body")
# Field names the user may type (lowercase) and the schema field each one means.
USER_FIELDS = {
    "title": "title",
    "body": "body",
    "source": "source",
    "author": "author",
    "tag": "tags",
    "tags": "tags",
    "month": "month",
    "name": "names",
    "names": "names",
}
DATE_FIELDS = ("date", "published")

OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})
_BINARY_OPERATORS = OPERATORS - {"NOT"}
_FIELD_NAMES = "|".join(sorted({*USER_FIELDS, *DATE_FIELDS}, key=len, reverse=True))
# A date clause: "date:2024-02", "date:>=2024-01-01", "date:[2024-01 TO 2024-03]".
_DATE_CLAUSE = re.compile(
    rf"(?<![\w:])(?:{'|'.join(DATE_FIELDS)}):"
    r"(?P<value>[\[{][^\]}]*[\]}]|\"[^\"]*\"|[^\s()\"]*)",
    re.IGNORECASE,
)
_DATE = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?")
_COMPARISON = re.compile(r"(>=|<=|>|<)\s*(.*)")
_RANGE = re.compile(r"([\[{])\s*(.*?)\s*\bTO\b\s*(.*?)\s*([\]}])")
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
            expansion hit :data:`MAX_EXPANSIONS` (shared by every copy of their query).
    """

    text: str
    query: Any | None
    notices: tuple[str, ...] = ()
    fallback: bool = False
    capped: list[str] = field(default_factory=list, compare=False)


# -- Bounded multi-term queries --------------------------------------------------------


class _Bounded:
    """Mixin for wildcard and fuzzy queries: expand against the words as written, cap the
    expansion, and log when it is capped.

    ``source_field`` is the lexicon to expand against: for the stemmed ``title`` and
    ``body`` it is their unstemmed ``spell_`` twin (patterns and edit distances only make
    sense on words as written: "strikes*" must not become "strike*"), and each
    expansion is then stemmed back into a term of the searched field. The ``spell_``
    fields only hold a word list (their postings do not point at the documents), so
    they cannot be searched themselves.
    """

    fieldname: str
    label: str
    source_field: str
    capped_log: list[str]
    # Expansions per reader: whoosh expands a query several times per search (size
    # estimate, matcher, highlighting) and a leading wildcard scans a whole lexicon.
    expansions: dict[int, list[str]]

    def written_words(self, ixreader: Any) -> list[str]:
        """The words as written that this query expands to (at most MAX_EXPANSIONS)."""
        key = id(ixreader)
        if key not in self.expansions:
            words = list(islice(self._expand(ixreader), MAX_EXPANSIONS + 1))
            if len(words) > MAX_EXPANSIONS:
                self.capped_log.append(self.label)
                words = words[:MAX_EXPANSIONS]
            self.expansions[key] = [
                w.decode("utf-8") if isinstance(w, bytes) else str(w) for w in words
            ]
        return self.expansions[key]

    def _btexts(self, ixreader: Any) -> list[str]:
        words = self.written_words(ixreader)
        if self.source_field == self.fieldname:
            return words
        fieldobj = ixreader.schema[self.fieldname]
        terms: dict[str, None] = {}
        for word in words:
            terms.update(dict.fromkeys(fieldobj.process_text(word, mode="index")))
        return list(terms)

    def _expand(self, ixreader: Any) -> Iterator[bytes | str]:
        raise NotImplementedError

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        # Whoosh deep-copies queries while normalising them; the attributes are
        # immutable except the log and the expansions, which every copy shares.
        return copy.copy(self)


class _BoundedPrefix(_Bounded, query.Prefix):  # type: ignore[misc]
    def _expand(self, ixreader: Any) -> Iterator[bytes | str]:
        return iter(ixreader.expand_prefix(self.source_field, self.text))


class _BoundedWildcard(_Bounded, query.Wildcard):  # type: ignore[misc]
    def _expand(self, ixreader: Any) -> Iterator[bytes | str]:
        # Like PatternQuery._btexts, but a pattern without a literal prefix ("*zor")
        # scans at most MAX_SCAN lexicon entries instead of the whole lexicon.
        fieldobj = ixreader.schema[self.source_field]
        pattern = re.compile(self._get_pattern())
        prefix = self._find_prefix(self.text)
        if prefix:
            candidates = ixreader.expand_prefix(self.source_field, prefix)
        else:
            candidates = islice(ixreader.lexicon(self.source_field), MAX_SCAN)
        for btext in candidates:
            if pattern.match(fieldobj.from_bytes(btext)):
                yield btext


class _BoundedFuzzyTerm(_Bounded, query.FuzzyTerm):  # type: ignore[misc]
    def _expand(self, ixreader: Any) -> Iterator[bytes | str]:
        return iter(
            ixreader.terms_within(
                self.source_field, self.text, self.maxdist, prefix=self.prefixlength
            )
        )


def _bounded(cls: type, fieldname: str, text: str, log: list[str], label: str, **kw: Any) -> Any:
    """A bounded ``cls`` query on ``fieldname``, expanded against its spell_ twin if any."""
    q = cls(fieldname, text, **kw)
    q.capped_log = log
    q.label = label
    q.source_field = f"spell_{fieldname}" if fieldname in STEMMED_FIELDS else fieldname
    q.expansions = {}
    return q


def written_expansions(leaf: Any, ixreader: Any) -> list[str] | None:
    """The unstemmed words a wildcard or fuzzy ``leaf`` on a stemmed field expands to.

    None for other queries. Highlighting uses these rather than their stems, so
    ``strikes*`` marks "strikes" and not every "strike" (the search itself can only
    match stems: the unstemmed ``spell_`` fields do not record documents).
    """
    if isinstance(leaf, _Bounded) and leaf.source_field != leaf.fieldname:
        return leaf.written_words(ixreader)
    return None


# -- Parser plugins --------------------------------------------------------------------


class _FieldsPlugin(qparser.FieldsPlugin):  # type: ignore[misc]
    """``field:`` prefixes, only for the fields users may type, case-insensitive, with aliases."""

    class FieldnameTagger(qparser.FieldsPlugin.FieldnameTagger):  # type: ignore[misc]
        def create(self, parser: Any, match: re.Match[str]) -> Any:
            name = USER_FIELDS[match.group("text").lower()]
            return syntax.FieldnameNode(name, match.group(0))

    def __init__(self) -> None:
        names = "|".join(sorted(USER_FIELDS, key=len, reverse=True))
        super().__init__(expr=rf"(?i)(?<![\w:])(?P<text>{names}):")


class _PlusMinusPlugin(qparser.PlusMinusPlugin):  # type: ignore[misc]
    """``+word`` / ``-word``, only at the start of a word (not "ez-Zor", "2024-02")."""

    def __init__(self) -> None:
        super().__init__(plusexpr=r"(?<![^\s(])\+(?=[^\s)])", minusexpr=r"(?<![^\s(])-(?=[^\s)])")

    def do_plusminus(self, parser: Any, group: Any) -> Any:
        for i, node in enumerate(group):
            if isinstance(node, syntax.GroupNode):
                group[i] = self.do_plusminus(parser, node)
        if not any(isinstance(node, (self.Plus, self.Minus)) for node in group):
            return group
        result = super().do_plusminus(parser, group)
        if isinstance(result, syntax.AndNotGroup) and not result[0]:
            # Only negative clauses ("-striking"): everything except them, like "NOT x".
            return syntax.NotGroup([result[1]])
        return result


class _FuzzyPlugin(qparser.FuzzyTermPlugin):  # type: ignore[misc]
    """``word~`` / ``word~2`` / ``word~2/3``, run against the words as written."""

    class FuzzyTermNode(qparser.FuzzyTermPlugin.FuzzyTermNode):  # type: ignore[misc]
        def query(self, parser: Any) -> Any:
            fieldname = self.fieldname or parser.fieldname
            q = parser.fuzzy_query(fieldname, self.text, self.maxdist, self.prefixlength)
            if q is not None and self.boost != 1.0:
                q = q.with_boost(self.boost)
            return attach(q, self)

    def create(self, parser: Any, match: re.Match[str]) -> Any:
        # 0 means "not given": the parser then picks the distance from the word's length.
        maxdist = int(match.group("maxdist") or 0)
        prefix = int(match.group("prefix") or 0)
        return self.FuzzinessNode(maxdist, prefix, match.group(0))


class _DateNode(syntax.SyntaxNode):  # type: ignore[misc]
    """A parsed ``date:`` clause."""

    has_fieldname = False

    def __init__(self, start: datetime | None, end: datetime | None) -> None:
        self.start = start
        self.end = end

    def r(self) -> str:
        return f"date {self.start}..{self.end}"

    def query(self, parser: Any) -> Any:
        if self.start is None and self.end is None:
            return attach(query.error_query("bad date"), self)
        return attach(PublishedRange(self.start, self.end), self)


class _DatePlugin(qparser.TaggingPlugin):  # type: ignore[misc]
    """``date:`` / ``published:`` clauses, parsed here: Whoosh's own date parser reads
    ``2024-02-03`` in ranges as the whole of 2024."""

    priority = -10  # before the field, range and word taggers see the clause

    def __init__(self, problems: list[str]) -> None:
        super().__init__(_DATE_CLAUSE)
        self.problems = problems

    def create(self, parser: Any, match: re.Match[str]) -> Any:
        bounds = parse_date_value(match.group("value"))
        if bounds is None:
            self.problems.append(f"not a date: {match.group(0)}")
            return _DateNode(None, None)
        return _DateNode(*bounds)


def _date_span(text: str) -> tuple[datetime, datetime] | None:
    """The first and last instant of ``2024``, ``2024-02`` or ``2024-02-04``."""
    match = _DATE.fullmatch(text.strip().strip('"'))
    if not match:
        return None
    year = int(match.group(1))
    month = int(match.group(2) or 0)
    day = int(match.group(3) or 0)
    try:
        if not month:
            start, after = datetime(year, 1, 1), datetime(year + 1, 1, 1)
        elif not day:
            start = datetime(year, month, 1)
            after = datetime(year + month // 12, month % 12 + 1, 1)
        else:
            start = datetime(year, month, day)
            after = start + timedelta(days=1)
    except ValueError:  # month 13, February 30, year 0...
        return None
    return start, after - timedelta(microseconds=1)


def parse_date_value(value: str) -> tuple[datetime | None, datetime | None] | None:
    """The inclusive bounds a ``date:`` value means, or None if it is not a date.

    Args:
        value: the text after ``date:``, e.g. ``2024-02``, ``>2024-01-01`` or
            ``[2024-01-01 TO 2024-03-01]`` (either end of a range may be left out).
    """
    value = value.strip()
    if value.startswith('"') and value.endswith('"') and len(value) > 1:
        value = value[1:-1].strip()
    comparison = _COMPARISON.fullmatch(value)
    if comparison:
        operator, operand = comparison.groups()
        span = _date_span(operand)
        if span is None:
            return None
        first, last = span
        one = timedelta(microseconds=1)
        return {
            ">": (last + one, None),
            ">=": (first, None),
            "<": (None, first - one),
            "<=": (None, last),
        }[operator]
    ranged = _RANGE.fullmatch(value)
    if ranged:
        opening, low, high, closing = ranged.groups()
        start = end = None
        if low:
            low_span = _date_span(low)
            if low_span is None:
                return None
            # "{" excludes the start period, "[" includes it.
            start = low_span[1] + timedelta(microseconds=1) if opening == "{" else low_span[0]
        if high:
            high_span = _date_span(high)
            if high_span is None:
                return None
            end = high_span[0] - timedelta(microseconds=1) if closing == "}" else high_span[1]
        if start is None and end is None:
            return None
        return start, end
    return _date_span(value)


class _Parser(qparser.QueryParser):  # type: ignore[misc]
    """The search box's parser: routes wildcard and fuzzy terms to unstemmed fields and
    bounds their expansion."""

    def __init__(self, schema: Any, problems: list[str], capped: list[str]) -> None:
        super().__init__(None, schema)
        self.add_plugin(qparser.MultifieldPlugin(list(DEFAULT_FIELDS)))
        self.capped = capped
        self.patterns: set[str] = set()  # the wildcard and fuzzy words kept
        self.left_out: list[str] = []  # and those past MAX_PATTERNS
        self.notices: list[str] = []  # what was searched differently from what was typed
        for plugin_class in (
            qparser.FieldsPlugin,  # replaced below: only user fields, with aliases
            qparser.SingleQuotePlugin,  # 'quoted' words would bypass analysis
            qparser.RangePlugin,  # ranges only make sense for dates, handled below
            qparser.EveryPlugin,  # "*:*" would match everything
        ):
            self.remove_plugin_class(plugin_class)
        self.add_plugin(_FieldsPlugin())
        self.add_plugin(_PlusMinusPlugin())
        self.add_plugin(_FuzzyPlugin())
        self.add_plugin(_DatePlugin(problems))

    def term_query(
        self,
        fieldname: str,
        text: str,
        termclass: Any,
        boost: float = 1.0,
        tokenize: bool = True,
        removestops: bool = True,
    ) -> Any:
        """Like the base method, but wildcards become bounded queries on words as written."""
        if not (isinstance(termclass, type) and issubclass(termclass, query.PatternQuery)):
            return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)
        if not text.strip("*?"):
            return None  # "*" alone: not a search for anything
        if not self._pattern_allowed(text):
            return None
        if fieldname == "names":
            text = fold_name(text) if issubclass(termclass, query.Prefix) else text.lower()
        else:
            text = text.lower()
        if not text.strip("*?"):
            return None
        if issubclass(termclass, query.Prefix):
            return _bounded(_BoundedPrefix, fieldname, text, self.capped, f"{text}*", boost=boost)
        return _bounded(_BoundedWildcard, fieldname, text, self.capped, text, boost=boost)

    def _pattern_allowed(self, text: str) -> bool:
        """Whether a wildcard or fuzzy word is within MAX_PATTERNS (each word counts once,
        however many fields it is searched in)."""
        key = text.lower()
        if key in self.patterns:
            return True
        if len(self.patterns) < MAX_PATTERNS:
            self.patterns.add(key)
            return True
        if key not in self.left_out:
            self.left_out.append(key)
        return False

    def multitoken_query(
        self, spec: str, texts: list[str], fieldname: str, termclass: Any, boost: float
    ) -> Any:
        """A word that analyses to several tokens ("ez-Zor", "U.S.-led") is a phrase, not
        an AND of its parts: "al-Zor" should not match any "al" anywhere."""
        fieldobj = self.schema[fieldname]
        if spec.lower() == "default" and fieldobj.format.supports("positions"):
            return self.phraseclass(fieldname, texts, boost=boost)
        return super().multitoken_query(spec, texts, fieldname, termclass, boost)

    def fuzzy_query(self, fieldname: str, text: str, maxdist: int, prefixlength: int) -> Any:
        """A bounded fuzzy query for ``text~`` in ``fieldname``; None if it has no words."""
        if fieldname not in self.schema or not self._pattern_allowed(f"{text}~"):
            return None
        fieldobj = self.schema[fieldname]
        if fieldname in STEMMED_FIELDS:
            # Compare with the words as written: stemming "strikse" gives "striks",
            # whose neighbours in the stemmed lexicon are a poor guide.
            words = [
                t.original.lower() for t in fieldobj.analyzer(text, keeporiginal=True, mode="query")
            ]
        elif fieldname == "names":
            words = [t.text for t in fieldobj.analyzer(text, mode="query")]
        else:
            words = list(fieldobj.process_text(text, mode="query"))
        if maxdist > MAX_FUZZ_DISTANCE:
            notice = f"{text}~{maxdist}: searched with {MAX_FUZZ_DISTANCE} edits, the most allowed."
            if notice not in self.notices:
                self.notices.append(notice)
            maxdist = MAX_FUZZ_DISTANCE
        queries = []
        for word in words:
            # One edit is too strict for longer words: a transposition ("strikse" for
            # "strikes") counts as two.
            distance = maxdist or (1 if len(word) <= 4 else 2)
            queries.append(
                _bounded(
                    _BoundedFuzzyTerm,
                    fieldname,
                    word,
                    self.capped,
                    f"{word}~",
                    maxdist=distance,
                    # A prefix longer than the word ("ab~2/9") fails in Whoosh.
                    prefixlength=min(prefixlength or 1, len(word)),
                )
            )
        if not queries:
            return None
        return queries[0] if len(queries) == 1 else query.And(queries)


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
        parser = _Parser(schema, problems, capped)
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
    rest = _DATE_CLAUSE.sub("Q", rest)
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
    stripped = _FIELD_PREFIX.sub(" ", _DATE_CLAUSE.sub(" ", text))
    return [word for word in _WORD.findall(stripped) if word not in OPERATORS]


def typed_words(text: str) -> set[str]:
    """The words of a query as typed, lowercase, without field names ("ez-zor" stays one
    word): other spellings of a name are those that are not among them."""
    return {word.lower() for word in _WORD.findall(_FIELD_PREFIX.sub(" ", text))}


def _plain_query(words: list[str], schema: Any, capped: list[str]) -> Any:
    """All of ``words`` (each in any default field): the fallback for malformed queries."""
    parser = _Parser(schema, [], capped)
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


def is_expansion(q: Any) -> bool:
    """Whether ``q`` is one wildcard or fuzzy word of the parser (its ``_btexts(reader)``
    gives the terms it stands for in ``reader``, with a constant score)."""
    return isinstance(q, _Bounded)


def has_expansions(q: Any) -> bool:
    """Whether ``q`` has parts that expand to many terms (wildcard and fuzzy words, date
    ranges): Whoosh matches those best by reading them whole, and scores them
    differently depending on how it matches them."""
    if isinstance(q, (_Bounded, query.MultiTerm, query.NumericRange, query.TermRange)):
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
