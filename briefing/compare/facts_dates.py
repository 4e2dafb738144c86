"""Dates in article text: "February 2, 2024", "15 August 2023", "last Monday (8/15)"."""

from __future__ import annotations

import re

from briefing.compare.model import Fact

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_NUMBER = {m: i for i, m in enumerate(_MONTHS.split("|"), start=1)}
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"

# Dates: "February 2, 2024", "January 28", "15 August 2023", "January 2020", "8/15".
DATE = re.compile(
    rf"\b(?P<month>{_MONTHS})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{{4}}))?"
    rf"|\b(?P<day2>\d{{1,2}})\s+(?P<month2>{_MONTHS})\b(?:,?\s+(?P<year2>\d{{4}}))?"
    rf"|\b(?P<month3>{_MONTHS})\s+(?P<year3>\d{{4}})\b"
    rf"|\b(?:last\s+|this\s+|on\s+|late\s+|early\s+)?(?P<weekday>{_WEEKDAYS})\b"
    r"(?:\s*\((?P<md>\d{1,2}/\d{1,2})\))?"
)
_EVENTS = re.compile(
    r"\b(drone attack|airstrikes?|strikes?|attacks?|rockets?|killed|killing|deaths|"
    r"press conference|bombardments?|explosion|war|offensive|earthquake|quake|floods?|"
    r"election|vote|verdict|ruling|summit|talks)\b",
    re.IGNORECASE,
)


def dates(article_id: str, sentence: str, offset: int) -> list[Fact]:
    """Explicit dates and weekdays, with the event they date when one is named nearby."""
    out = []
    for m in DATE.finditer(sentence):
        month = m.group("month") or m.group("month2") or m.group("month3")
        day = m.group("day") or m.group("day2")
        year = m.group("year") or m.group("year2") or m.group("year3")
        if m.group("weekday"):
            value = m.group("weekday") + (f" ({m.group('md')})" if m.group("md") else "")
        elif month and day and year:
            value = f"{int(year):04d}-{_MONTH_NUMBER[month]:02d}-{int(day):02d}"
        elif month and day:
            value = f"--{_MONTH_NUMBER[month]:02d}-{int(day):02d}"
        else:
            value = f"{year}-{_MONTH_NUMBER[month or 'January']:02d}"
        out.append(
            Fact(
                article_id=article_id,
                kind="date",
                value=value,
                thing=_dated_event(sentence),
                text=m.group().strip(),
                sentence=sentence,
                start=offset + m.start() + (len(m.group()) - len(m.group().lstrip())),
                end=offset + m.end(),
            )
        )
    return out


_ISO_DATE = re.compile(r"(?P<year>\d{4}|-)-(?P<month>\d{2})(?:-(?P<day>\d{2}))?")


def date_label(value: str) -> str:
    """A date fact's value as a reader says it: "2024-01-28" → "January 28, 2024",
    "--02-02" → "February 2", "2024-02" → "February 2024"; a weekday as it is."""
    m = _ISO_DATE.fullmatch(value)
    if m is None or not 1 <= int(m.group("month")) <= 12:
        return value
    month = _MONTHS.split("|")[int(m.group("month")) - 1]
    year = "" if m.group("year") == "-" else m.group("year")
    if m.group("day") is None:
        return f"{month} {year}".strip()
    day = f"{month} {int(m.group('day'))}"
    return f"{day}, {year}" if year else day


def _dated_event(sentence: str) -> str:
    """The first event word of the sentence ("drone attack", "strikes"), or ""."""
    m = _EVENTS.search(sentence)
    return m.group().lower() if m else ""
