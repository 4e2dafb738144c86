"""Wildcard and fuzzy words: Whoosh queries that expand against the words as written,
with a bound on how far.

A pattern (``strik*``, ``*zor``) or a fuzzy word (``strikse~``) stands for every index
word it matches. Expanded against a stemmed field's lexicon it would match stems
("strikes*" as "strike*"), and unbounded it would OR together tens of thousands of
terms ("a*" on a large library): the queries here expand against the unstemmed
``spell_`` twin of a stemmed field, stop at :data:`MAX_EXPANSIONS` words and record
where they stopped, for a notice.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from itertools import islice
from typing import Any

from whoosh import query

# How many index words one wildcard or fuzzy term may expand to, per field: "a*"
# would otherwise OR together tens of thousands of terms on a large library.
MAX_EXPANSIONS = 200
# How many lexicon entries a pattern without a literal prefix ("*zor") may examine.
MAX_SCAN = 100_000
# The stemmed fields; each has an unstemmed twin "spell_<name>" (``spelling=True``)
# that wildcard and fuzzy terms expand against, since patterns and edit distances only
# make sense on the words as written ("strikes*" must not become "strike*").
STEMMED_FIELDS = ("title", "body")


class Bounded:
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


class BoundedPrefix(Bounded, query.Prefix):  # type: ignore[misc]
    """A bounded prefix: ``strik*``."""

    def _expand(self, ixreader: Any) -> Iterator[bytes | str]:
        return iter(ixreader.expand_prefix(self.source_field, self.text))


class BoundedWildcard(Bounded, query.Wildcard):  # type: ignore[misc]
    """A bounded wildcard: ``*zor``, ``str?ke``."""

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


class BoundedFuzzyTerm(Bounded, query.FuzzyTerm):  # type: ignore[misc]
    """A bounded fuzzy word: ``strikse~``."""

    def _expand(self, ixreader: Any) -> Iterator[bytes | str]:
        return iter(
            ixreader.terms_within(
                self.source_field, self.text, self.maxdist, prefix=self.prefixlength
            )
        )


def bounded(cls: type, fieldname: str, text: str, log: list[str], label: str, **kw: Any) -> Any:
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
    if isinstance(leaf, Bounded) and leaf.source_field != leaf.fieldname:
        return leaf.written_words(ixreader)
    return None


def is_expansion(q: Any) -> bool:
    """Whether ``q`` is one wildcard or fuzzy word of the parser (its ``_btexts(reader)``
    gives the terms it stands for in ``reader``, with a constant score)."""
    return isinstance(q, Bounded)
