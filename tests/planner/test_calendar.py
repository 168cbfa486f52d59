"""Working days (weekdays that are not bank holidays in England and Wales) and financial years."""

from __future__ import annotations

from datetime import date

from qam.planner.calendar import Horizon, add_months, financial_year, fy_label, is_working_day


def test_bank_holidays_and_weekends_are_not_working_days():
    assert not is_working_day(date(2027, 12, 27))  # Christmas Day observed
    assert not is_working_day(date(2027, 5, 31))  # Spring bank holiday
    assert not is_working_day(date(2027, 1, 2))  # a Saturday
    assert is_working_day(date(2027, 1, 4))


def test_horizon_indexes_consecutive_working_days():
    hz = Horizon.build(date(2027, 12, 20), 1)
    assert date(2027, 12, 24) in hz.days and date(2027, 12, 29) in hz.days
    i = hz.index(date(2027, 12, 24))
    assert hz.days[i + 1] == date(2027, 12, 29)  # the weekend and two bank holidays skipped
    assert hz.end == date(2028, 1, 20)


def test_financial_years_start_on_the_given_day():
    assert financial_year(date(2027, 3, 31)) == 2026
    assert financial_year(date(2027, 4, 1)) == 2027
    assert financial_year(date(2027, 3, 31), (1, 1)) == 2027
    assert fy_label(2026) == "2026/27"
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
