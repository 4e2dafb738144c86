"""Calendar spans: the first and last instant that a date, or a ``date:`` value, stands for.

``2024`` is the whole year, ``2024-02`` the whole month, ``2024-02-04`` the day. The
search box's ``date:`` clauses, the filters' ``since`` and ``until`` days and the
command line's ``--since`` and ``--until`` are all read with :func:`date_span`, so a
partial date means the same span everywhere. This module imports no Whoosh: the
command line parses its options with it before it opens anything.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, time, timedelta
from typing import overload

_DATE = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?")
_COMPARISON = re.compile(r"(>=|<=|>|<)\s*(.*)")
_RANGE = re.compile(r"([\[{])\s*(.*?)\s*\bTO\b\s*(.*?)\s*([\]}])")
_INSTANT = timedelta(microseconds=1)  # the finest step of a datetime


@overload
def date_span(value: date) -> tuple[datetime, datetime]: ...


@overload
def date_span(value: str) -> tuple[datetime, datetime] | None: ...


def date_span(value: str | date) -> tuple[datetime, datetime] | None:
    """The first and last instant of a day, or of ``2024``, ``2024-02`` or ``2024-02-04``.

    Args:
        value: a day (a datetime stands for its whole day), or text: surrounding
            spaces and double quotes are ignored, the parts may also be separated by
            ``/`` or ``.``, and months and days may have one digit.

    Returns:
        ``(first, last)``, both inclusive (``last`` is 23:59:59.999999 of the span's
        last day); None when the text is not a date (month 0 or 13, February 30,
        year 0, a year without four digits...).
    """
    if isinstance(value, date):
        return datetime.combine(value, time.min), datetime.combine(value, time.max)
    match = _DATE.fullmatch(value.strip().strip('"'))
    if not match:
        return None
    year_text, month_text, day_text = match.groups()
    year = int(year_text)
    try:
        if month_text is None:
            first, last = date(year, 1, 1), date(year, 12, 31)
        elif day_text is None:
            first = date(year, int(month_text), 1)
            last = first.replace(day=calendar.monthrange(year, first.month)[1])
        else:
            first = last = date(year, int(month_text), int(day_text))
    except ValueError:  # month 13, February 30, year 0...
        return None
    return datetime.combine(first, time.min), datetime.combine(last, time.max)


def parse_date_value(value: str) -> tuple[datetime | None, datetime | None] | None:
    """The inclusive bounds a ``date:`` value means, or None if it is not a date.

    Args:
        value: the text after ``date:``, e.g. ``2024-02``, ``>2024-01-01`` or
            ``[2024-01-01 TO 2024-03-01]`` (either end of a range may be left out).
    """
    value = value.strip()
    if value.startswith('"') and value.endswith('"') and len(value) > 1:
        value = value[1:-1].strip()
    try:
        return _bounds(value)
    except OverflowError:  # after 9999-12-31, before 0001-01-01: no instant to search
        return None


def _bounds(value: str) -> tuple[datetime | None, datetime | None] | None:
    """:func:`parse_date_value` of an unquoted value (raises OverflowError past the
    calendar's ends)."""
    comparison = _COMPARISON.fullmatch(value)
    if comparison:
        operator, operand = comparison.groups()
        span = date_span(operand)
        if span is None:
            return None
        first, last = span
        if operator == ">":
            return last + _INSTANT, None
        if operator == ">=":
            return first, None
        if operator == "<":
            return None, first - _INSTANT
        return None, last
    ranged = _RANGE.fullmatch(value)
    if ranged:
        opening, low, high, closing = ranged.groups()
        start = end = None
        if low:
            low_span = date_span(low)
            if low_span is None:
                return None
            # "{" excludes the start period, "[" includes it.
            start = low_span[1] + _INSTANT if opening == "{" else low_span[0]
        if high:
            high_span = date_span(high)
            if high_span is None:
                return None
            end = high_span[0] - _INSTANT if closing == "}" else high_span[1]
        if start is None and end is None:
            return None
        return start, end
    return date_span(value)
