"""Deadlines written into a recommendation's words: "Within six months, the force should…",
"By March 2027, chief constables should…", "by 31 March 2027", "by the end of 2026".

A date read from the words is shown with the phrase it came from. A phrase that sets a time
but cannot be read as one date ("by the autumn", "as soon as possible", "by Q3 2027", "within
six months" of a report with no publication date) is returned as unreadable, for a person to
set the due date: it is never guessed. Words with no deadline in them give nothing.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
NUMBERS = {
    "a": 1,
    "an": 1,
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
    "eighteen": 18,
    "twenty-four": 24,
    "twenty four": 24,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_NUMBER = r"\d{1,2}|" + "|".join(sorted(NUMBERS, key=len, reverse=True))
_ORDINAL = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"

# Each readable form, tried in this order at every place a deadline word appears.
_WITHIN = re.compile(
    rf"\bwithin\s+(?:the\s+next\s+)?(?P<n>{_NUMBER})\s+(?P<unit>months?|weeks?|days?|years?)\b",
    re.I,
)
_BY_DAY = re.compile(
    rf"\b(?:by|before|no later than|not later than)\s+(?:the\s+)?{_ORDINAL}\s+(?:of\s+)?"
    rf"(?P<month>{_MONTH})\.?,?\s+(?P<year>\d{{4}})\b",
    re.I,
)
_BY_NUMERIC = re.compile(
    r"\b(?:by|before|no later than)\s+(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})\b", re.I
)
_BY_MONTH = re.compile(
    rf"\b(?:by|before|no later than|not later than)\s+(?:the\s+end\s+of\s+)?"
    rf"(?P<month>{_MONTH})\.?,?\s+(?P<year>\d{{4}})\b",
    re.I,
)
_BY_YEAR_END = re.compile(
    r"\b(?:by|before)\s+the\s+end\s+of\s+(?:calendar\s+year\s+)?(?P<year>\d{4})\b", re.I
)
_BY_FINANCIAL_YEAR = re.compile(
    r"\b(?:by|before)\s+the\s+end\s+of\s+(?:the\s+)?(?:financial\s+year\s+|fy\s*)"
    r"(?P<first>\d{4})\s*[/-]\s*(?P<second>\d{2}|\d{4})\b",
    re.I,
)
# Words that set a time without one date: listed for a person, never read as a date.
_VAGUE = re.compile(
    r"\b(?:immediately|as soon as (?:possible|practicable|reasonably practicable)|without delay|"
    r"(?:by|before|within|no later than|in)\s+(?:the\s+)?(?:end\s+of\s+(?:the\s+)?)?"
    r"(?:next\s+|coming\s+|current\s+)?(?:[a-z0-9/-]+\s+){0,2}?"
    r"(?:spring|summer|autumn|winter|year|quarter|q[1-4]|months?|weeks?|days?|"
    r"financial\s+year|(?:next\s+)?inspection|" + _MONTH + r")\b(?:\s+\d{4})?)",
    re.I,
)


@dataclass(frozen=True)
class Reading:
    """What a recommendation's words say about its deadline."""

    date: date | None  # the deadline read, or None
    phrase: str | None  # the words it was read from (or the unreadable words)
    why: str = ""  # for an unreadable phrase: why no date was read

    @property
    def unreadable(self) -> bool:
        return self.phrase is not None and self.date is None


NOTHING = Reading(None, None)


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day where it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _within(match: re.Match, published: date | None) -> Reading:
    phrase = match.group(0)
    if published is None:
        return Reading(None, phrase, "no publication date to count from")
    raw = match.group("n").lower()
    n = int(raw) if raw.isdigit() else NUMBERS[raw]
    unit = match.group("unit").lower().rstrip("s")
    if unit == "month":
        return Reading(add_months(published, n), phrase)
    if unit == "year":
        return Reading(add_months(published, 12 * n), phrase)
    from datetime import timedelta

    return Reading(published + timedelta(days=n * (7 if unit == "week" else 1)), phrase)


def _on_day(match: re.Match, month: int) -> Reading:
    year, day = int(match.group("year")), int(match.group("day"))
    try:
        return Reading(date(year, month, day), match.group(0))
    except ValueError:
        return Reading(None, match.group(0), "not a real date")


def _financial_year(match: re.Match) -> Reading:
    first, second = int(match.group("first")), match.group("second")
    end = int(second) if len(second) == 4 else first // 100 * 100 + int(second)
    if end != first + 1:
        return Reading(None, match.group(0), "the two years are not one financial year")
    return Reading(date(end, 3, 31), match.group(0))


def _read_at(text: str, start: int, published: date | None) -> Reading | None:
    """The readable form starting at `start`, if any."""
    for pattern in (_BY_FINANCIAL_YEAR, _BY_YEAR_END, _BY_DAY, _BY_NUMERIC, _BY_MONTH, _WITHIN):
        match = pattern.match(text, start)
        if not match:
            continue
        if pattern is _WITHIN:
            return _within(match, published)
        if pattern is _BY_YEAR_END:
            return Reading(date(int(match.group("year")), 12, 31), match.group(0))
        if pattern is _BY_FINANCIAL_YEAR:
            return _financial_year(match)
        raw_month = match.group("month").lower()
        month = int(raw_month) if raw_month.isdigit() else MONTHS[raw_month]
        if not 1 <= month <= 12:
            return Reading(None, match.group(0), "not a real date")
        if pattern is _BY_MONTH:
            return Reading(_month_end(int(match.group("year")), month), match.group(0))
        return _on_day(match, month)
    return None


_STARTS = re.compile(r"\b(?:by|before|within|no later than|not later than)\b", re.I)


def read(text: str | None, published: date | None = None) -> Reading:
    """The deadline a recommendation's words set, counted from its publication where it says
    "within"; the earliest where it sets more than one. An unreadable phrase (and nothing
    readable) is returned with its words and why; no deadline words give `NOTHING`."""
    if not text:
        return NOTHING
    found: list[Reading] = []
    for start in _STARTS.finditer(text):
        reading = _read_at(text, start.start(), published)
        if reading is not None:
            found.append(reading)
    dated = [r for r in found if r.date is not None]
    if dated:
        return min(dated, key=lambda r: r.date or date.max)
    if found:
        return found[0]
    vague = _VAGUE.search(text)
    if vague:
        return Reading(None, vague.group(0), "these words set no one date")
    return NOTHING
