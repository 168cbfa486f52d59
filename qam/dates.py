"""Reading dates the way a force writes them, in every file and at every prompt: day first.

06/02/2014 is 6 February 2014, never June 2. Also read: ISO dates (2014-02-06), written dates
("6 Feb 2014", "6th February 2014", "Thursday 6 February 2014", "February 6, 2014"), a month
and year ("September 2014", "Sep-14", "09/2014", "2014-09"), which is the 1st of that month,
and real date cells from a spreadsheet (an Excel serial number in a numeric cell too).
Anything else raises `DateError` saying which forms are read, so a caller can add the row,
column or option.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from qam.errors import ImportFileError

ACCEPTED = (
    "day first like 06/02/2014, ISO like 2014-02-06, written like 6 Feb 2014, "
    "or a month and year like September 2014"
)

_MONTH_NAMES = (
    ("jan", "january"),
    ("feb", "february"),
    ("mar", "march"),
    ("apr", "april"),
    ("may",),
    ("jun", "june"),
    ("jul", "july"),
    ("aug", "august"),
    ("sep", "sept", "september"),
    ("oct", "october"),
    ("nov", "november"),
    ("dec", "december"),
)
MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, 1) for name in names}
_WEEKDAY = re.compile(
    r"^(mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE
)
_TIME = r"(?:[t ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?z?)?"
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})" + _TIME + "$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME + "$")
_WRITTEN = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-]+([a-z]+)\.?,?[\s\-]+(\d{4}|\d{2})$")
_MONTH_FIRST = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
# "Sep-14" is Excel's mmm-yy; with a space only a four-digit year counts ("May 12" is a day).
_MONTH_YEAR = re.compile(r"^([a-z]+)\.?(?:\s+(\d{4})|\s*[\-/']\s*(\d{4}|\d{2}))$")
_NUMERIC_MONTH = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
# Excel counts days from 30 December 1899 (its 1900 leap-year bug folded in).
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_SERIALS = range(1, 2_958_466)  # 1900-01-01 to 9999-12-31


class DateError(ImportFileError):
    """A value that is not a date QAM can read."""


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def _build(year: int, month: int, day: int, raw: str) -> date:
    if not 1 <= month <= 12:
        raise DateError(f"'{raw}' has no month {month}; dates are read day first, like 06/02/2014")
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(
            f"'{raw}' is not a real date (day {day} of month {month} in {year})"
        ) from None


def _month(name: str, raw: str) -> int:
    month = MONTHS.get(name)
    if month is None:
        raise DateError(f"'{raw}' names no month QAM knows; write it {ACCEPTED}")
    return month


def _from_number(value: float, raw: str) -> date:
    if not float(value).is_integer() or int(value) not in _EXCEL_SERIALS:
        raise DateError(f"'{raw}' is a number, not a date; write it {ACCEPTED}")
    return _EXCEL_EPOCH + timedelta(days=int(value))


def _from_text(raw: str) -> date:
    text = _WEEKDAY.sub("", " ".join(raw.lower().split()))
    if m := _DAY_FIRST.match(text):
        return _build(_year(m[3]), int(m[2]), int(m[1]), raw)
    if m := _ISO.match(text):
        return _build(int(m[1]), int(m[2]), int(m[3]), raw)
    if m := _WRITTEN.match(text):
        return _build(_year(m[3]), _month(m[2], raw), int(m[1]), raw)
    if m := _MONTH_FIRST.match(text):
        return _build(int(m[3]), _month(m[1], raw), int(m[2]), raw)
    if m := _MONTH_YEAR.match(text):
        return _build(_year(m[2] or m[3]), _month(m[1], raw), 1, raw)
    if m := _NUMERIC_MONTH.match(text):
        return _build(int(m[2]), int(m[1]), 1, raw)
    if m := _ISO_MONTH.match(text):
        return _build(int(m[1]), int(m[2]), 1, raw)
    raise DateError(f"'{raw}' is not a date QAM can read; write it {ACCEPTED}")


def parse_date(value: object) -> date | None:
    """A date from a cell, a line or an option (text, a spreadsheet date, or an Excel serial
    number in a numeric cell); None when it is empty."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise DateError(f"'{value}' is not a date; write it {ACCEPTED}")
    if isinstance(value, int | float):
        return _from_number(value, str(value))
    raw = str(value).strip()
    if not raw:
        return None
    return _from_text(raw)


def parse_option_date(value: str | None, option: str) -> date | None:
    """A date typed on the command line or at a prompt, with the option named in any error."""
    if value is None:
        return None
    try:
        return parse_date(value)
    except DateError as err:
        raise DateError(f"{option}: {err}.") from None


def iso(value: object) -> str | None:
    """`parse_date` as an ISO string (None when empty)."""
    parsed = parse_date(value)
    return parsed.isoformat() if parsed else None
