"""Numbers as news copy writes them, and the numeric facts built on them.

A number is digits ("1,200", "6.1"), a number word ("forty", "a dozen"), or a vague
amount ("dozens"), with a qualifier before it ("more than", "about") and a scale word
after it ("2.1 million", "$4.6bn"). Its value is the full amount (2.1 million is
2100000.0); its interval is the range of values the qualifier allows, which is what
two sources are compared on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefing.compare.model import Fact

WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "a dozen": 12,
    "dozen": 12,
}
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
# Vague amounts: the number stored, and the qualifier that says it is vague.
_VAGUE = {"dozens": 12.0, "hundreds": 100.0, "thousands": 1000.0, "scores": 20.0}
_SCALES = {
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "m": 1e6,
    "mn": 1e6,
    "bn": 1e9,
    "b": 1e9,
    "tn": 1e12,
}
QUALIFIERS = (
    "more than|less than|fewer than|at least|at most|up to|over|nearly|almost|around|"
    "about|some|approximately|roughly|an estimated|as many as|close to|just over|"
    "just under|under"
)
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_WORDS = "|".join(
    sorted((w for w in WORD_NUMBERS if w != "a dozen"), key=len, reverse=True)  # longest first
)
NUMBER = (
    r"(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"|(?P<vague>dozens|hundreds|thousands|scores)"
    rf"|(?P<word>a dozen|(?:{_TENS})[-\s](?:{_UNITS})|{_WORDS})"
)
# "six hundred", "two hundred thousand" are one number ("hundreds" is a vague amount).
SCALE = r"(?:\s+(?P<hundred>hundred)\b)?(?:\s+(?P<scale>thousand|million|billion|trillion)\b)?"
# After an amount of money, abbreviations glued to the number also scale it ("$4.6bn").
MONEY_SCALE = r"(?:\s+(?P<scale>thousand|million|billion|trillion)\b|(?P<short>mn|bn|tn|m|b)\b)?"


@dataclass(frozen=True)
class Numbered:
    """A count or a measure, with what it is grouped and compared on.

    ``what`` is the class of the thing counted ("people", "military personnel") or the
    measure ("earthquake magnitude", "money (euro)"); ``noun`` how the article names it
    ("homes", "Palestinians"), for the group's label; ``event`` the casualty event
    ("killed", "injured"...), or ""; ``places`` where the sentence situates it;
    ``low``/``high`` the values the number allows, in the common unit ``scale``
    converts to (days, for durations: "two weeks" is 2 with scale 7).
    """

    fact: Fact
    what: str
    noun: str
    event: str
    places: frozenset[str]
    low: float
    high: float
    scale: float = 1.0

    @property
    def amount(self) -> float:
        """The value in the common unit (0 when the fact has no number)."""
        return (self.fact.number or 0.0) * self.scale


_DIGIT = re.compile(r"\d")
_LETTERS = re.compile(r"[a-z]+")
_NUMBER_WORDS = frozenset(w for key in WORD_NUMBERS for w in key.split()) | set(_VAGUE)


def has_number(sentence: str) -> bool:
    """Whether a sentence may hold a number at all (a cheap test before the patterns)."""
    if _DIGIT.search(sentence):
        return True
    return not _NUMBER_WORDS.isdisjoint(_LETTERS.findall(sentence.lower()))


def number_of(m: re.Match[str]) -> tuple[float | None, str]:
    """The value and qualifier of a NUMBER match (vague words keep their word as qualifier).

    The match may carry the groups ``qualifier`` and ``scale``.
    """
    groups = m.groupdict()
    qualifier = (groups.get("qualifier") or "").lower()
    qualifier = " ".join(qualifier.split())
    scale = _SCALES.get((groups.get("scale") or groups.get("short") or "").lower(), 1.0)
    if groups.get("hundred"):
        scale *= 100
    if m.group("digits"):
        return float(m.group("digits").replace(",", "")) * scale, qualifier
    if m.group("vague"):
        word = m.group("vague").lower()
        return _VAGUE[word], f"{qualifier} {word}".strip()
    word = m.group("word").lower()
    if word == "a dozen":
        return 12.0 * scale, f"{qualifier} a dozen".strip()
    parts = re.split(r"[-\s]", word)
    return float(sum(WORD_NUMBERS[p] for p in parts)) * scale, qualifier


def looks_like_year(digits: str) -> bool:
    """A bare four-digit 1900-2099 is a year ("in 2020", "the 2015 Iran nuclear deal")."""
    return len(digits) == 4 and digits.isdigit() and 1900 <= int(digits) <= 2099


def interval(number: float, qualifier: str) -> tuple[float, float]:
    """The range of values a qualified number allows (vague words are wide ranges)."""
    if "dozens" in qualifier:
        return 24.0, 99.0
    if "hundreds" in qualifier:
        return 200.0, 999.0
    if "thousands" in qualifier:
        return 2000.0, 9999.0
    if "scores" in qualifier:
        return 40.0, 99.0
    if qualifier in {"more than", "over", "at least", "just over"}:
        # Open-ended in logic, but in news copy "at least 16" means "16, maybe a few
        # more": an infinite range would make every larger toll agree with it.
        return number, number * 1.25
    if qualifier in {"less than", "fewer than", "at most", "up to", "under", "just under"}:
        return number * 0.8, number
    if qualifier in {"nearly", "almost", "close to"}:
        return number * 0.85, number
    if qualifier:  # around, about, some, roughly, "a dozen"...
        return number * 0.8, number * 1.2
    return number, number


def format_number(number: float) -> str:
    """A value as a reader writes it: 42, 6.1, 12,400, 2.1 million, 4.6 billion."""
    for word, size in (("trillion", 1e12), ("billion", 1e9), ("million", 1e6)):
        if abs(number) >= size:
            return f"{_plain(number / size)} {word}"
    if number.is_integer() and abs(number) >= 10000:
        return f"{int(number):,}"
    return _plain(number)


def _plain(number: float) -> str:
    rounded = round(number, 3)
    return str(int(rounded)) if float(rounded).is_integer() else f"{rounded:g}"
