"""Durations and ages: how long something lasted and how old someone is.

A duration is a number of hours, days, weeks, months or years that says how long
something lasts: "a three-week strike", "a month-long siege", "held for 14 months",
"lasted 31 days", "closed for another three weeks". A compound names what lasts ("the
length of the strike"), for the label; durations are grouped as one kind, and figures
that differ are paired when their sentences are alike. They are compared in days, so
"two weeks" agrees with "14 days" and "a month-long" strike conflicts with "a
three-week" one; the value keeps the article's own number and unit.

An age is "aged 34", "a 34-year-old", or a name followed by a number between commas
("Marco Bellini, 34, ..."), the way news copy gives it.
"""

from __future__ import annotations

import re

from briefing.compare.facts_numbers import (
    NUMBER,
    QUALIFIERS,
    Numbered,
    format_number,
    interval,
    number_of,
)
from briefing.compare.facts_places import places_in
from briefing.compare.model import Fact


def _words(text: str) -> frozenset[str]:
    """A set of words written as one space-separated string (easier to read and edit)."""
    return frozenset(text.split())


# What a duration is of when no compound names it.
DURATION = "duration"
# Days in each unit of time (a month and a year on average).
_DAYS = {"hour": 1 / 24, "day": 1.0, "week": 7.0, "fortnight": 14.0, "month": 30.44, "year": 365.25}
_UNIT = r"(?P<unit>hour|day|week|fortnight|month|year)"
# Adjectives between a compound and what lasts ("a five-year suspended sentence").
_COMPOUND_WORDS = _words("suspended prison jail")
_THEN_NOUN = r"(?:(?:(?<=suspended)|(?<=\bprison)|(?<=\bjail))\s+[a-z]+)?"
# "a three-week strike", "the 14-month trial", "a 7-hour siege" (not "a 34-year-old").
_COMPOUND = re.compile(
    rf"(?<![\w.,-])(?:{NUMBER})-{_UNIT}(?:-long)?\s+(?P<noun>(?!old\b)[a-z]+{_THEN_NOUN})",
    re.IGNORECASE,
)
# "a month-long strike", "a week-long visit": one unit.
_ONE_UNIT = re.compile(
    rf"\b(?:a|an|the)\s+{_UNIT}-long\s+(?P<noun>[a-z]+{_THEN_NOUN})", re.IGNORECASE
)
# "for 14 months", "lasted 31 days", "after 15 months in captivity", "by two weeks".
_SPAN = re.compile(
    r"\b(?:for|lasted|lasting|after|within|by)\s+(?:another\s+|a further\s+|an extra\s+)?"
    rf"(?:(?P<qualifier>{QUALIFIERS})\s+)?(?:{NUMBER}|(?P<one>an?))\s+{_UNIT}s?\b"
    r"(?!\s+(?:ago|old|earlier))",
    re.IGNORECASE,
)
# Words after a compound that are not what lasts ("a two-year high", "a 12-month period").
_NOT_A_THING = _words(
    "high low period window record span time stretch old and or to in of for from at"
)

_AGE = re.compile(
    r"(?<![\w.,-])(?P<digits>\d{1,3})[-\s]year[-\s]old\b"
    r"|\baged\s+(?P<list>\d{1,3}(?:(?:,\s*|\s+and\s+)\d{1,3})*)\b"
    r"|(?P<name>\b[A-Z][\w’'-]+),\s+(?P<after>\d{1,3}),",
)
# What every duration or age needs, found fast: most sentences have none.
_MAYBE = re.compile(r"hour|day|week|fortnight|month|year|aged|, \d")
_MONTHS_AND_DAYS = _words(
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday No Article"
)


def durations(
    article_id: str, sentence: str, offset: int, taken: list[tuple[int, int]]
) -> list[Numbered]:
    """Durations and ages in one sentence, skipping the ``taken`` spans (dates, measures)."""
    lower = sentence.lower()
    if not _MAYBE.search(lower):
        return []
    found: list[Numbered] = []
    spans = list(taken)

    def add(start: int, end: int, number: float, qualifier: str, unit: str, what: str) -> None:
        if any(s < end and start < e for s, e in spans):
            return
        spans.append((start, end))
        scale = 1.0 if what == "age" else _DAYS[unit]
        shown = "" if what == "age" else f" {unit}s" if number != 1 else f" {unit}"
        fact = Fact(
            article_id=article_id,
            kind="measure",
            value=f"{format_number(number)}{shown}" if shown else f"aged {format_number(number)}",
            thing=what,
            text=sentence[start:end],
            sentence=sentence,
            start=offset + start,
            end=offset + end,
            number=number,
            qualifier=qualifier,
        )
        low, high = interval(number, qualifier)
        # Durations are grouped as one kind ("the 30-hour siege" and "30 hours" are one
        # length); what lasts stays in the fact's ``thing``, for the label.
        kind, noun = ("age", "age") if what == "age" else (DURATION, "time")
        found.append(
            Numbered(fact, kind, noun, "", places_in(sentence), low * scale, high * scale, scale)
        )

    for start, end, age in _ages(sentence):
        add(start, end, age, "", "year", "age")
    for m in _COMPOUND.finditer(sentence):
        number, qualifier = number_of(m)
        what = _what_lasts(m.group("noun"))
        if number is not None and what:
            add(m.start(), m.end(), number, qualifier, m.group("unit").lower(), what)
    for m in _ONE_UNIT.finditer(sentence):
        what = _what_lasts(m.group("noun"))
        if what:
            add(m.start(), m.end(), 1.0, "", m.group("unit").lower(), what)
    for m in _SPAN.finditer(sentence):
        number, qualifier = (1.0, "") if m.group("one") else number_of(m)
        if number is not None:
            start = m.start("qualifier") if m.group("qualifier") else _number_start(m)
            add(start, m.end(), number, qualifier, m.group("unit").lower(), DURATION)
    return found


def _number_start(m: re.Match[str]) -> int:
    for name in ("digits", "vague", "word", "one"):
        if m.group(name):
            return m.start(name)
    return m.start()


def _what_lasts(noun: str) -> str:
    """What a compound's duration is the length of ("strike" -> "length of the strike")."""
    words = [w.lower() for w in noun.split()]
    if words[0] in _NOT_A_THING:
        return ""
    # "a five-year suspended sentence": the noun after the adjective.
    head = words[1] if len(words) > 1 and words[0] in _COMPOUND_WORDS else words[0]
    if head in _NOT_A_THING:
        return ""
    return f"length of the {head}"


def _ages(sentence: str) -> list[tuple[int, int, float]]:
    """Each age as its span and value: "aged 34, 41 and 58" gives three."""
    out = []
    for m in _AGE.finditer(sentence):
        if m.group("digits"):
            out.append((m.start(), m.end(), float(m.group("digits"))))
        elif m.group("list"):
            for n in re.finditer(r"\d{1,3}", m.group("list")):
                out.append(
                    (m.start("list") + n.start(), m.start("list") + n.end(), float(n.group()))
                )
        elif m.group("name") not in _MONTHS_AND_DAYS:
            out.append((m.start("after"), m.end("after"), float(m.group("after"))))
    return [(s, e, age) for s, e, age in out if 0 < age < 120]
