"""Quarters as the force writes them, and which reviews fall in one."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from qam.errors import RefusedError
from qam.reports.quarter import Quarter, in_quarter, parse_quarter


@pytest.mark.parametrize("text", ["2027Q1", "2027q1", "2027-Q1", " 2027 Q1 ", "Q1 2027", "q1-2027"])
def test_a_quarter_is_read_however_it_is_written(text):
    assert parse_quarter(text) == Quarter(2027, 1)


@pytest.mark.parametrize("text", ["2027Q5", "2027Q0", "Q1", "2027", "27Q1", "", "2027Q1; DROP"])
def test_what_is_not_a_quarter_is_refused(text):
    with pytest.raises(RefusedError, match="is not a quarter; write it as 2027Q1"):
        parse_quarter(text)


@pytest.mark.parametrize(
    "q, start, end, words",
    [
        (Quarter(2027, 1), date(2027, 1, 1), date(2027, 3, 31), "quarter 4 of the financial year 2026/27"),
        (Quarter(2027, 2), date(2027, 4, 1), date(2027, 6, 30), "quarter 1 of the financial year 2027/28"),
        (Quarter(2027, 4), date(2027, 10, 1), date(2027, 12, 31), "quarter 3 of the financial year 2027/28"),
        (Quarter(2099, 4), date(2099, 10, 1), date(2099, 12, 31), "quarter 3 of the financial year 2099/00"),
    ],
)  # fmt: skip
def test_a_quarters_days_and_its_place_in_the_financial_year(q, start, end, words):
    assert (q.start, q.end) == (start, end) and words in q.words
    assert q.following.start == end + timedelta(days=1)


def test_a_review_is_in_a_quarter_when_its_window_has_a_day_in_it():
    q = Quarter(2027, 1)
    reviews = [
        {"id": "before", "start": "2026-12-01", "end": "2026-12-31"},
        {"id": "across-start", "start": "2026-12-28", "end": "2027-01-04"},
        {"id": "inside", "start": "2027-02-01", "end": "2027-02-03"},
        {"id": "last-day", "start": "2027-03-31", "end": "2027-04-02"},
        {"id": "after", "start": "2027-04-01", "end": "2027-04-09"},
        {"id": "no-end", "start": "2027-03-01", "end": None},
        {"id": "no-dates", "start": None, "end": None},
    ]
    assert [r["id"] for r in in_quarter(reviews, q)] == [
        "across-start",
        "inside",
        "last-day",
        "no-end",
    ]
