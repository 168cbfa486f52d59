"""Working days and financial years: the planner's clock.

A working day is a weekday that is not a bank holiday in England and Wales. The `holidays`
library keeps England (`ENG`) and Wales (`WLS`) as separate subdivisions of the UK with the
same bank holidays, so England's list stands for both.
"""

from __future__ import annotations

import calendar as _calendar
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache


@lru_cache(maxsize=8)
def bank_holidays(first_year: int, last_year: int) -> frozenset[date]:
    import holidays

    return frozenset(holidays.UK(subdiv="ENG", years=range(first_year, last_year + 1)))


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clipped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def financial_year(day: date, year_start: tuple[int, int] = (4, 1)) -> int:
    """The calendar year in which `day`'s financial year began (2027-03-31 -> 2026 for April)."""
    return day.year if (day.month, day.day) >= year_start else day.year - 1


def fy_label(year: int, year_start: tuple[int, int] = (4, 1)) -> str:
    """'2026/27' for a year starting 1 April 2026; '2027' when the year starts on 1 January."""
    return str(year) if year_start == (1, 1) else f"{year}/{(year + 1) % 100:02d}"


@dataclass(frozen=True)
class Horizon:
    """The working days from `start` up to (not including) `end`; reviews start on an index."""

    start: date
    end: date  # exclusive
    days: tuple[date, ...]
    year_start: tuple[int, int] = (4, 1)

    @classmethod
    def build(cls, start: date, months: int, year_start: tuple[int, int] = (4, 1)) -> "Horizon":
        end = add_months(start, months)
        hols = bank_holidays(start.year, end.year)
        days = []
        day = start
        while day < end:
            if day.weekday() < 5 and day not in hols:
                days.append(day)
            day += timedelta(days=1)
        return cls(start=start, end=end, days=tuple(days), year_start=year_start)

    def __len__(self) -> int:
        return len(self.days)

    def first_on_or_after(self, day: date) -> int:
        """Index of the first working day on or after `day` (len(self) if none)."""
        return bisect_left(self.days, day)

    def last_on_or_before(self, day: date) -> int:
        """Index of the last working day on or before `day` (-1 if none)."""
        return bisect_right(self.days, day) - 1

    def index(self, day: date) -> int | None:
        i = bisect_left(self.days, day)
        return i if i < len(self.days) and self.days[i] == day else None

    def fy(self, i: int) -> int:
        return financial_year(self.days[i], self.year_start)

    def fy_ranges(self) -> dict[int, tuple[int, int]]:
        """Each financial year touched -> (first index, last index + 1)."""
        ranges: dict[int, tuple[int, int]] = {}
        for i in range(len(self.days)):
            y = self.fy(i)
            lo, _ = ranges.get(y, (i, i))
            ranges[y] = (lo, i + 1)
        return ranges


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year, day.year)


def working_days_between(first: date, last: date) -> list[date]:
    """The working days from `first` to `last`, both included."""
    hols = bank_holidays(first.year, last.year)
    out, day = [], first
    while day <= last:
        if day.weekday() < 5 and day not in hols:
            out.append(day)
        day += timedelta(days=1)
    return out


def parse_year_start(text: str) -> tuple[int, int]:
    """'04-01' -> (4, 1); the financial year's first month and day."""
    from qam.errors import QamError

    try:
        month, day = (int(p) for p in text.strip().split("-"))
        date(2001, month, day)
    except ValueError:
        raise QamError(
            f"--year-start '{text}' is not a month and day like 04-01 (1 April)."
        ) from None
    if (month, day) == (2, 29):
        raise QamError(
            "--year-start cannot be 29 February; choose a day every year has, e.g. 03-01."
        )
    return month, day
