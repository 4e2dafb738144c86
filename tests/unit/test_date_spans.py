"""Calendar spans (briefing.search.date_spans): what a date, or a ``date:`` value, covers."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from briefing.search.date_spans import date_span, parse_date_value

LAST = time.max  # 23:59:59.999999


def _day(year: int, month: int, day: int, at: time = time.min) -> datetime:
    return datetime.combine(date(year, month, day), at)


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2024", _day(2024, 1, 1), _day(2024, 12, 31, LAST)),
        ("2024-02", _day(2024, 2, 1), _day(2024, 2, 29, LAST)),  # leap year
        ("2023-02", _day(2023, 2, 1), _day(2023, 2, 28, LAST)),
        ("1900-02", _day(1900, 2, 1), _day(1900, 2, 28, LAST)),  # a century: not leap
        ("2000-02", _day(2000, 2, 1), _day(2000, 2, 29, LAST)),  # every 400 years: leap
        ("2024-12", _day(2024, 12, 1), _day(2024, 12, 31, LAST)),  # into the next year
        ("2024-04", _day(2024, 4, 1), _day(2024, 4, 30, LAST)),
        ("2024-02-29", _day(2024, 2, 29), _day(2024, 2, 29, LAST)),
        ("2024-12-31", _day(2024, 12, 31), _day(2024, 12, 31, LAST)),
        ("2024-2-5", _day(2024, 2, 5), _day(2024, 2, 5, LAST)),
        ("2024/02/05", _day(2024, 2, 5), _day(2024, 2, 5, LAST)),
        ("2024.02", _day(2024, 2, 1), _day(2024, 2, 29, LAST)),
        (' "2024-02" ', _day(2024, 2, 1), _day(2024, 2, 29, LAST)),
        ("9999", _day(9999, 1, 1), _day(9999, 12, 31, LAST)),  # the last year there is
        ("9999-12", _day(9999, 12, 1), _day(9999, 12, 31, LAST)),
        ("0001-01-01", _day(1, 1, 1), _day(1, 1, 1, LAST)),
    ],
)
def test_a_date_covers_its_whole_span(text: str, first: datetime, last: datetime) -> None:
    assert date_span(text) == (first, last)


@pytest.mark.parametrize(
    "text",
    [
        "2024-13",  # no month 13
        "2024-00",  # nor month 0 (not "the whole year")
        "2024-02-30",
        "2023-02-29",  # not a leap year
        "2024-04-31",
        "2024-02-00",  # no day 0 (not "the whole month")
        "0000",  # no year 0
        "24",
        "20240",
        "2024-",
        "2024-02-04-01",
        "2024-02-04T10:00",
        "next year",
        "",
    ],
)
def test_what_is_not_a_date_has_no_span(text: str) -> None:
    assert date_span(text) is None


def test_a_day_covers_itself() -> None:
    assert date_span(date(2024, 2, 29)) == (_day(2024, 2, 29), _day(2024, 2, 29, LAST))
    # A datetime stands for its whole day, whatever its time.
    assert date_span(datetime(2024, 3, 1, 15, 30)) == (_day(2024, 3, 1), _day(2024, 3, 1, LAST))
    # The last day there is: its end does not overflow.
    assert date_span(date.max)[1] == datetime.max


def test_a_span_in_text_is_the_span_of_its_days() -> None:
    first, last = date_span("2024-02") or (None, None)
    assert first == date_span(date(2024, 2, 1))[0]
    assert last == date_span(date(2024, 2, 29))[1]


def test_comparisons_and_ranges_at_the_ends_of_the_calendar() -> None:
    assert parse_date_value("<=9999") == (None, datetime.max)
    assert parse_date_value(">=0001") == (datetime.min, None)
    # Nothing lies after the last instant or before the first: not a searchable date.
    assert parse_date_value(">9999-12-31") is None
    assert parse_date_value("<0001-01-01") is None
    assert parse_date_value("[2024-12 TO 2025-01}") == (_day(2024, 12, 1), _day(2024, 12, 31, LAST))


def test_the_filters_days_are_whole_days() -> None:
    from briefing.search.dates import PublishedRange
    from briefing.search.model import Filters
    from briefing.search.prepared import filter_query

    day = date(2024, 2, 29)
    assert filter_query(Filters(since=day, until=day)) == PublishedRange(
        _day(2024, 2, 29), _day(2024, 2, 29, LAST)
    )
    # The last day there is: "until" it is everything from "since" on.
    assert filter_query(Filters(since=day, until=date.max)) == PublishedRange(
        _day(2024, 2, 29), datetime.max
    )
