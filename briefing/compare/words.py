"""The words of the compare stage: one tokeniser, one normal form, one IDF.

Comparison (passages, facts, evidence) and stories read a text the same way: split into
dotted acronyms ("U.S."), numbers with separators ("1,000") and words; lowercased,
stop words and one-letter words left out, number words written as digits ("seven" →
"7"), the forms of the United States made one ("usa"), every other word reduced to its
Porter stem. The stems are the form of the index's ``body`` terms, so an IDF table read
from the index applies directly (see ``briefing/engine/local.py``).
"""

from __future__ import annotations

import math
import re
from collections import Counter

from whoosh.lang.porter import stem

# Dotted acronyms ("U.S."), numbers with separators ("1,000", "2.5"), words (with an
# apostrophe inside: "Iran's", "don't"). ``\w`` takes every script's letters and digits;
# the joiners ZWJ and ZWNJ are not word characters, so a Persian word written with a
# ZWNJ is read as its two parts.
# Possessive: none of the parts ever gives back what it took (a fifth faster on BBC News).
TOKEN = re.compile(r"[A-Za-z](?:\.[A-Za-z])++\.?|\d++(?:[.,]\d+)*+|\w++(?:['’]\w+)*+")
_NUMBER_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "dozen": "12",
    "twenty": "20",
    "hundred": "100",
    "thousand": "1000",
}
# Function words, and the verbs of reporting ("said"): every report is full of them.
_STOP_WORDS = """
    a an the and or but if of at by for with about against between into through during
    before after above below to from up down in out on off over under again further then
    once here there when where why how all any both each few more most other some such no
    nor not only own same so than too very s t can will just don should now is are was were
    be been being have has had having do does did doing i me my we our ours you your he him
    his she her it its they them their what which who whom this that these those am would
    could also as while said says say
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
# Words that say nothing about which event a report is of: more function words, page
# furniture, the calendar. Stories leave them out (:func:`briefing.compare.stories.terms`;
# without them the sample's two rounds of strikes merged); the comparison keeps them,
# since "last week" or "Monday" can be what two passages share (as stop words they cost
# passages "shared" precision 0.96 -> 0.92).
_FILLER_WORDS = """
    almost although among another became because either else even ever every however
    last least less like made make many may might much must near neither often others
    perhaps rather see seen several since still though thus told toward towards until
    upon via well whatever whether whose within without yet yours yourself yourselves
    mr mrs ms dr get got go going went new news according including around time times
    year years day days week weeks monday tuesday wednesday thursday friday saturday
    sunday today yesterday tomorrow image images photo photos copyright getty caption
    read share click
"""
# "U.S.", "US", "USA" and "United States" are one entity; "us" the pronoun is a stop word.
_US_FORMS = frozenset({"U.S.", "U.S", "US", "USA", "U.S.A."})


# Word as written → its key: the same few thousand words make up most of every text,
# and normalising each occurrence anew was a third of the time spent reading articles
# for stories. Bounded (some 10 MB): cleared when full.
_KEY_OF: dict[str, str] = {}
_KEYS_KEPT = 100_000


def normalise(word: str) -> str:
    """One surface token (as :func:`split` gives it) as a key: "" for a word left out.

    Args:
        word: A token, as written.

    Returns:
        Its Porter stem, lowercased; a number without separators; or "".
    """
    key = _KEY_OF.get(word)
    if key is None:
        if len(_KEY_OF) >= _KEYS_KEPT:
            _KEY_OF.clear()
        key = _KEY_OF[word] = _key(word)
    return key


def _key(word: str) -> str:
    if word in _US_FORMS:
        return "usa"
    lower = word.lower().replace("’", "'")
    if lower[0].isdigit():
        return lower.replace(",", "")
    if lower.endswith("'s"):
        lower = lower[:-2]
    if lower in _NUMBER_WORDS:
        return _NUMBER_WORDS[lower]
    if lower in STOP_WORDS or len(lower) < 2:
        return ""
    return str(stem(lower))


# The filler words as keys (what :func:`normalise` makes of them).
FILLER = frozenset(normalise(word) for word in _FILLER_WORDS.split()) - {""}


def tokens(text: str) -> list[str]:
    """The normalised tokens of ``text``, in order, words left out dropped.

    Args:
        text: Any text.

    Returns:
        Lowercased Porter stems and digits, as :func:`normalise` makes them.
    """
    key_of = _KEY_OF
    out = []
    for word in TOKEN.findall(_us(text)):
        key = key_of.get(word)
        if key is None:
            key = normalise(word)
        if key:
            out.append(key)
    return out


def distinct(text: str) -> list[tuple[str, str, int]]:
    """Each distinct token of ``text`` as written, with its key and how many times it
    occurs, in order of first occurrence; words left out dropped (each normalised once,
    for callers that count tokens or read how they are written)."""
    key_of = _KEY_OF
    out = []
    for word, count in Counter(TOKEN.findall(_us(text))).items():
        key = key_of.get(word)
        if key is None:
            key = normalise(word)
        if key:
            out.append((word, key, count))
    return out


def _us(text: str) -> str:
    return text.replace("United States", "US")


def inverse_df(df: int, n: int, floor: float = 0.0) -> float:
    """The weight of a token in ``df`` of ``n`` texts (passages, or articles).

    Args:
        df: How many of the texts hold the token.
        n: How many texts there are.
        floor: Added to every weight. The comparison adds nothing: a word every passage
            holds says nothing about which passages match (with a floor of 1, passages
            "shared" precision fell from 0.96 to 0.92 on the labelled pairs). Stories
            add :data:`briefing.compare.stories.IDF_FLOOR`: in a cosine of whole
            articles, the words every report of a small library shares still tell
            reports of one topic from the rest (without it the sample's stories came
            apart, or multi/data's precision fell to 0.94, whatever the threshold).

    Returns:
        ``log((n + 1) / (df + 0.5)) + floor``.
    """
    return math.log((n + 1) / (df + 0.5)) + floor


def singular(word: str) -> str:
    """The singular of a simple English plural: facilities -> facility, troops -> troop.

    Deliberately light (no stemmer): names and short words are left alone by callers.
    """
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word
