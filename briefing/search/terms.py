"""What a query matched, per stored text field: the terms to look for in its text.

The terms are those the query actually matched in the index, wildcard and fuzzy
expansions included (as the words they were written as, see
:func:`briefing.search.expansion.written_expansions`), with phrases apart: they are
highlighted only where the whole phrase occurs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from whoosh import query

from briefing.search.expansion import written_expansions
from briefing.search.query import positive_leaves


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
