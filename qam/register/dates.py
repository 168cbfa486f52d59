"""Reading dates the way UK trackers write them: day first.

06/02/2014 is 6 February 2014, never June 2. ISO dates (2014-02-06), written dates
("6 Feb 2014", "6th February 2014") and real date cells from a spreadsheet are accepted too.
Anything else raises `DateError` (an `ImportFileError`) saying which forms are accepted, so
an importer can add the row and column.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from qam.errors import ImportFileError

ACCEPTED = "day first like 06/02/2014, ISO like 2014-02-06, or written like 6 Feb 2014"

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
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
        ],
        start=1,
    )
    for name in names
}
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_WRITTEN = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})$")


class DateError(ImportFileError):
    """A cell that is not a date QAM can read."""


def _build(year: int, month: int, day: int, raw: str) -> date:
    if not 1 <= month <= 12:
        raise DateError(f"'{raw}' has no month {month}; dates are read day first ({ACCEPTED})")
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(
            f"'{raw}' is not a real date (day {day} of month {month} in {year})"
        ) from None


def parse_uk_date(value: object) -> date | None:
    """A date from a cell (text or a spreadsheet date), or None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = str(value).strip()
    if not raw:
        return None
    text = " ".join(raw.lower().split())
    if m := _DAY_FIRST.match(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
        if len(m[3]) == 2:
            year += 2000
        return _build(year, month, day, raw)
    if m := _ISO.match(text):
        return _build(int(m[1]), int(m[2]), int(m[3]), raw)
    if m := _WRITTEN.match(text):
        month = _MONTHS.get(m[2])
        if month is None:
            raise DateError(f"'{raw}' names no month QAM knows; write it {ACCEPTED}")
        return _build(int(m[3]), month, int(m[1]), raw)
    raise DateError(f"'{raw}' is not a date QAM can read; write it {ACCEPTED}")


def parse_option_date(value: str | None, option: str) -> date | None:
    """A date given on the command line (`--since`), with the option named in any error."""
    if value is None:
        return None
    try:
        return parse_uk_date(value)
    except DateError as err:
        raise DateError(f"{option}: {err}.") from None
