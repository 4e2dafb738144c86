"""Measures: a number with a unit (magnitude, km, tonnes, hectares, %, money, prison terms).

A measure is compared like a count, but on its unit and on what it measures: "a
magnitude 6.1 earthquake" and "the 6.3-magnitude quake" are one earthquake magnitude;
"35 km deep" a depth and "60 km north of" a distance; "$2.1 million" and "2.5 million
dollars" amounts in dollars. Currencies are recognised from the gazetteer's currency
names and codes ("euros", "zloty", "EUR") and the common signs.
"""

from __future__ import annotations

import re

from briefing.compare.facts_numbers import (
    MONEY_SCALE,
    NUMBER,
    QUALIFIERS,
    SCALE,
    Numbered,
    format_number,
    interval,
    number_of,
)
from briefing.compare.facts_places import is_currency, places_in
from briefing.compare.model import Fact

# A qualifier starts a word: inside words the engine skips the alternatives at once (and
# "moreover" is no "over").
_Q = rf"(?:(?<!\w)(?P<qualifier>{QUALIFIERS})\s+)?"
_SIGNS = {"$": "dollars", "€": "euros", "£": "pounds", "¥": "yen", "₹": "rupees"}
# Units after a number, longest first; each maps to the unit it is compared in.
_UNITS = {
    r"km an hour|km per hour|km/h|kph|kilometres an hour|kilometers an hour|"
    r"kilometres per hour|kilometers per hour": "km/h",
    r"miles an hour|miles per hour|mph": "mph",
    r"square kilometres|square kilometers|sq km|km2": "km²",
    r"kilometres|kilometers|kilometre|kilometer|km": "km",
    r"miles|mile": "miles",
    r"millimetres|millimeters|mm": "mm",
    r"centimetres|centimeters|cm": "cm",
    r"metres|meters|metre|meter": "metres",
    r"feet|ft": "feet",
    r"hectares|hectare|ha": "hectares",
    r"acres|acre": "acres",
    r"tonnes|tonne|tons|ton|metric tons": "tonnes",
    r"kilograms|kilogram|kilos|kg": "kg",
    r"barrels|barrel": "barrels",
    r"degrees Celsius|degrees C|°C|degrees Fahrenheit|°F|degrees": "degrees",
    r"percentage points|percentage point": "percentage points",
    r"%|percent|per cent": "%",
}
_UNIT = "|".join(f"(?:{u})" for u in _UNITS)
_UNIT_OF = {alias.lower(): name for u, name in _UNITS.items() for alias in u.split("|")}

# Each pattern names its number with NUMBER's groups (one alternative per pattern:
# a group name may appear once in a regular expression).
_MAGNITUDE = (
    re.compile(
        rf"\bmagnitude(?:\s+of)?[\s-]+{_Q}(?P<digits>\d(?:\.\d+)?)(?![\d.]\d)", re.IGNORECASE
    ),
    re.compile(rf"{_Q}(?<![\w.])(?P<digits>\d(?:\.\d+)?)[\s-]+magnitude\b", re.IGNORECASE),
)
_MONEY = (
    re.compile(rf"{_Q}(?P<sign>(?:[A-Z]{{1,2}})?[$€£¥₹])\s?(?:{NUMBER}){MONEY_SCALE}(?![\w.,]\d)"),
    re.compile(rf"{_Q}(?P<code>[A-Z]{{3}})\s(?:{NUMBER}){SCALE}(?![\w.,]\d)"),
    re.compile(
        rf"{_Q}(?<![\w$€£.,])(?:{NUMBER}){SCALE}\s+(?P<adjective>[A-Z][a-z]+\s+)?"
        r"(?P<currency>[A-Za-z]+)\b"
    ),
)
_PHYSICAL = re.compile(
    rf"{_Q}(?<![\w$€£.,-])(?:{NUMBER}){SCALE}\s?(?P<unit>{_UNIT})(?![\w/])",
    re.IGNORECASE,
)
_PRISON = (
    re.compile(
        rf"(?:sentenced to|jailed for|prison term of|sentence of|imprisoned for)\s+{_Q}"
        rf"(?:{NUMBER})\s+years?\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"{_Q}(?<![\w-])(?:{NUMBER})\s+years?\s+(?:in prison|in jail|behind bars|imprisonment)",
        re.IGNORECASE,
    ),
)

_SIGN = re.compile(r"[$€£¥₹]")
_PRISON_WORDS = re.compile(r"prison|jail|sentence|bars|imprison")
# Money and units need digits or a scale word ("2.1 million", "35 km").
_NUMERIC = re.compile(r"\d|million|billion|trillion|thousand")

# What a measure is of, from a word near it (only for units that measure many things).
_SUBJECTS = {
    "%": (
        ("turnout", "turnout"),
        ("vote", "share of the vote"),
        ("shares", "share price"),
        ("stock", "share price"),
        ("premium", "premium"),
        ("stake", "stake"),
        ("inflation", "inflation"),
        ("unemployment", "unemployment"),
        ("margin", "margin"),
        ("yield", "yield"),
        ("growth", "growth"),
        ("profit", "profit"),
        ("earnings", "profit"),
        ("revenue", "revenue"),
        ("sales", "revenue"),
        ("pay", "pay"),
        ("wage", "pay"),
        ("salar", "pay"),
        ("offer", "pay offered"),
        ("fatality", "fatality rate"),
        ("mortality", "fatality rate"),
        ("interest rate", "interest rate"),
        ("poll", "support in polls"),
        ("approval", "approval rating"),
    ),
    "km": (("depth of", "depth"), ("deep", "depth")),
    "mm": (("rain", "rainfall"), ("snow", "snowfall")),
    "hectares": (("burn", "area burned"), ("fire", "area burned"), ("flood", "area flooded")),
}
# One pattern per unit over its subject words, compiled once.
_SUBJECT_WORDS = {
    unit: re.compile(
        r"\b(?P<word>" + "|".join(re.escape(w) for w, _ in pairs) + r")\w*", re.IGNORECASE
    )
    for unit, pairs in _SUBJECTS.items()
}
_SUBJECT_OF = {unit: dict(pairs) for unit, pairs in _SUBJECTS.items()}
_DEFAULT_WHAT = {
    "km": "distance",
    "miles": "distance",
    "km/h": "speed",
    "mph": "speed",
    "hectares": "area",
    "acres": "area",
    "km²": "area",
    "tonnes": "weight",
    "kg": "weight",
    "degrees": "temperature",
    "%": "percentage",
}


# What a measure is of when no word near it says more: too broad to compare figures
# whose sentences differ.
GENERIC = frozenset(_DEFAULT_WHAT.values())


def measures(article_id: str, sentence: str, offset: int) -> list[Numbered]:
    """Measures in one sentence, at most one per stretch of text."""
    found: list[Numbered] = []
    spans: list[tuple[int, int]] = []
    for m, unit, what in _matches(sentence):
        if any(s < m.end() and m.start() < e for s, e in spans):
            continue
        number, qualifier = _value(m)
        if number is None:
            continue
        spans.append(m.span())
        text = sentence[m.start() : m.end()].strip()
        lead = len(sentence[m.start() : m.end()]) - len(sentence[m.start() : m.end()].lstrip())
        fact = Fact(
            article_id=article_id,
            kind="measure",
            value=f"{format_number(number)} {unit}".replace(" %", "%"),
            thing=what,
            text=text,
            sentence=sentence,
            start=offset + m.start() + lead,
            end=offset + m.start() + lead + len(text),
            number=number,
            qualifier=qualifier,
        )
        low, high = interval(number, qualifier)
        found.append(Numbered(fact, what, unit, "", places_in(sentence), low, high))
    return found


def _value(m: re.Match[str]) -> tuple[float | None, str]:
    if "vague" not in m.re.groupindex:  # a magnitude: digits only
        return float(m.group("digits")), (m.group("qualifier") or "").lower()
    return number_of(m)


def _all(patterns: tuple[re.Pattern[str], ...], sentence: str) -> list[re.Match[str]]:
    return [m for pattern in patterns for m in pattern.finditer(sentence)]


def _matches(sentence: str) -> list[tuple[re.Match[str], str, str]]:
    """Every candidate measure: its match, its unit and what it measures."""
    out: list[tuple[re.Match[str], str, str]] = []
    lower = sentence.lower()
    # Cheap tests first: most sentences hold no measure, and the patterns are costly.
    if "magnitude" in lower:
        out.extend(_magnitudes(sentence))
    if "year" in lower and _PRISON_WORDS.search(lower):
        out.extend((m, "years", "prison sentence") for m in _all(_PRISON, sentence))
    if not _NUMERIC.search(lower):
        return out
    money = _MONEY if _SIGN.search(sentence) else _MONEY[1:]
    for m in _all(money, sentence):
        unit = _currency(m)
        if unit:
            out.append((m, unit, f"amount in {unit}"))
    for m in _PHYSICAL.finditer(sentence):
        unit = _UNIT_OF[" ".join(m.group("unit").lower().split())]
        out.append((m, unit, _what(sentence, m, unit)))
    return out


def _magnitudes(sentence: str) -> list[tuple[re.Match[str], str, str]]:
    out = []
    for m in _all(_MAGNITUDE, sentence):
        before = sentence[max(0, m.start() - 30) : m.start()].lower()
        what = "aftershock magnitude" if "aftershock" in before else "earthquake magnitude"
        out.append((m, "magnitude", what))
    return out


def _currency(m: re.Match[str]) -> str:
    """The currency of a money match ("dollars", "euros", "Canadian dollars"), or ""."""
    groups = m.groupdict()
    if groups.get("sign"):
        sign = m.group("sign")
        name = _SIGNS[sign[-1]]
        return f"{sign[:-1]} {name}" if len(sign) > 1 and sign[:-1] != "US" else name
    if groups.get("code"):
        return m.group("code") if is_currency(m.group("code")) else ""
    word = m.group("currency")
    if not is_currency(word) or word.isupper():
        return ""
    name = word.lower()
    adjective = (m.group("adjective") or "").strip()
    return f"{adjective} {name}" if adjective else name


# A figure given for comparison: "turnout was 47%, below the 52% of the first round".
_EARLIER = re.compile(
    r"\b(?:up from|down from|from|below|above|compared with|compared to|than|against|versus)"
    r"\s+(?:(?:the|a|an|its)\s+(?:\w+\s+of\s+)?)?$",
    re.IGNORECASE,
)


def _what(sentence: str, m: re.Match[str], unit: str) -> str:
    """What a physical or percentage measure is of (a figure it is compared with apart)."""
    what = _subject(sentence, m, unit)
    if _EARLIER.search(sentence, max(0, m.start() - 32), m.start()):
        return f"{what}, earlier"
    return what


_CLAUSE_BREAK = re.compile(r"[,;:]|\b(?:while|whereas|but)\b")


def _subject(sentence: str, m: re.Match[str], unit: str) -> str:
    """The subject word nearest to a physical or percentage measure, or a default."""
    pattern = _SUBJECT_WORDS.get(unit)
    if pattern:
        best, distance = "", 10**6
        for w in pattern.finditer(sentence):
            word = w.group("word").lower()
            d = min(abs(w.start() - m.end()), abs(m.start() - w.end()))
            # "depth of 35 km" names the number right before it, not the next one.
            reach = 4 if " " in word or word == "deep" else 60
            # A subject after the figure across a comma is another clause's ("fell 15%,
            # while sales ..."); before it, a comma may set off the figure ("profit of
            # 2 billion, down 31%").
            after = w.start() >= m.end() and _CLAUSE_BREAK.search(sentence, m.end(), w.start())
            if d < distance and d <= reach and not after:
                best, distance = _SUBJECT_OF[unit][word], d
        if best:
            return best
    return _DEFAULT_WHAT.get(unit, unit)
