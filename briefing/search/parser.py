"""The search box's Whoosh parser: its fields, plugins and bounds.

Whoosh's ``QueryParser`` with the plugins changed for the search box: only the fields
users may type (case-insensitive, with aliases), ``+word`` / ``-word`` only at the
start of a word, fuzzy words and wildcards against the words as written (bounded, see
:mod:`briefing.search.expansion`), and ``date:`` clauses read by
:mod:`briefing.search.date_spans` and matched from the date column
(:mod:`briefing.search.dates`). :func:`briefing.search.query.parse_query` runs it.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from whoosh import qparser, query
from whoosh.qparser import syntax
from whoosh.qparser.common import attach

from briefing.index.schema import fold_name
from briefing.search.date_spans import parse_date_value
from briefing.search.dates import PublishedRange
from briefing.search.expansion import (
    STEMMED_FIELDS,
    BoundedFuzzyTerm,
    BoundedPrefix,
    BoundedWildcard,
    bounded,
)

# How many wildcard and fuzzy words one query may have: each one expands against up to
# three lexicons, and a 1,000-character query of them took seconds. Past this the
# words are left out, with a notice.
MAX_PATTERNS = 10
# The most edits a fuzzy word may ask for: the automaton grows fast with the distance
# ("escalation~9" took ten seconds), and past three edits most words match anything.
MAX_FUZZ_DISTANCE = 3

DEFAULT_FIELDS = ("title", "body", "names")
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
# A date clause: "date:2024-02", "date:>=2024-01-01", "date:[2024-01 TO 2024-03]".
DATE_CLAUSE = re.compile(
    rf"(?<![\w:])(?:{'|'.join(DATE_FIELDS)}):"
    r"(?P<value>[\[{][^\]}]*[\]}]|\"[^\"]*\"|[^\s()\"]*)",
    re.IGNORECASE,
)


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
        super().__init__(DATE_CLAUSE)
        self.problems = problems

    def create(self, parser: Any, match: re.Match[str]) -> Any:
        bounds = parse_date_value(match.group("value"))
        if bounds is None:
            self.problems.append(f"not a date: {match.group(0)}")
            return _DateNode(None, None)
        return _DateNode(*bounds)


class SearchBoxParser(qparser.QueryParser):  # type: ignore[misc]
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
            return bounded(BoundedPrefix, fieldname, text, self.capped, f"{text}*", boost=boost)
        return bounded(BoundedWildcard, fieldname, text, self.capped, text, boost=boost)

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
                bounded(
                    BoundedFuzzyTerm,
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
