"""Reading the planner's CSV or XLSX files: headers checked, rows numbered as a spreadsheet shows them.

Row numbers count the header as row 1, so "row 5" is the fifth line the person sees in Excel.
Every check collects its errors; the file is refused with the first few, and nothing is
written, so a half-imported pool or candidate list never exists.
"""

from __future__ import annotations

import difflib
from datetime import date, datetime
from pathlib import Path

from qam.errors import ImportFileError
from qam.tables import read_table

MAX_ERRORS_SHOWN = 5


def _cell_text(value: object) -> str:
    """A cell as the text the parsers read: dates as ISO, whole numbers without '.0'."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if value is not None else ""


def read_rows(
    path: Path, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> list[tuple[int, dict]]:
    """(row number, {column: stripped text}) for each non-blank row of a CSV or XLSX file.

    HR and the liaison office send spreadsheets as often as CSV, so both are read (through
    `qam.tables`); a blank row with rows after it is refused rather than quietly ending the table.
    """
    table = read_table(path)
    if table.ignored_rows:
        raise ImportFileError(
            f"{path}: row {table.ignored_after} is blank but {table.ignored_rows} row(s) follow it; "
            "remove the blank row so that no row is left out, then import again."
        )
    headers = [h.strip().lower() for h in table.headers]
    missing = [c for c in required if c not in headers]
    if missing:
        found = ", ".join(h for h in headers if h) or "none"
        raise ImportFileError(
            f"{path}: missing column(s) {', '.join(missing)} in the first row (found: {found}); "
            f"the file needs {', '.join(required)}"
            + (f" and may have {', '.join(optional)}." if optional else ".")
        )
    rows = []
    for n, cells in table.rows:
        row = {h: "" for h in headers if h}
        for header, value in zip(headers, cells, strict=False):
            if header:
                row[header] = _cell_text(value)
        if any(row.values()):
            rows.append((n, row))
    return rows


def refuse(path: Path, errors: list[str], what: str) -> None:
    """Raise one ImportFileError listing the first errors; nothing has been written."""
    if not errors:
        return
    shown = "; ".join(errors[:MAX_ERRORS_SHOWN])
    more = f" (and {len(errors) - MAX_ERRORS_SHOWN} more)" if len(errors) > MAX_ERRORS_SHOWN else ""
    raise ImportFileError(
        f"{path}: {shown}{more}. Nothing was imported; fix the file and import the {what} again."
    )


def parse_rows(path: Path, rows: list[tuple[int, dict]], parse_one, what: str) -> list[dict]:
    """Parse every row with `parse_one(n, row)` (which raises ValueError naming the row), refuse
    repeated ids, and raise one ImportFileError for the whole file if any row is bad."""
    errors, out, seen = [], [], {}
    for n, row in rows:
        try:
            record = parse_one(n, row)
        except ValueError as err:
            errors.append(str(err))
            continue
        if record["id"] in seen:
            errors.append(
                f"row {n}: id {record['id']} is already used on row {seen[record['id']]}; ids must be unique"
            )
            continue
        seen[record["id"]] = n
        out.append(record)
    refuse(path, errors, what)
    return out


def parse_date(text: str, where: str) -> date:
    """An ISO date (2027-05-03); the message says what was wrong with anything else."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    parts = text.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        raise ValueError(f"{where} '{text}' is not a real date (check the day and month)")
    raise ValueError(f"{where} '{text}' is not a date written year first, like 2027-05-03")


def parse_int(text: str, where: str, low: int | None = None, high: int | None = None) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{where} '{text}' is not a whole number") from None
    if low is not None and value < low or high is not None and value > high:
        if high is None:
            raise ValueError(f"{where} is {value}; it must be at least {low}")
        raise ValueError(f"{where} is {value}; it must be from {low} to {high}")
    return value


def split_list(text: str) -> list[str]:
    return [p.strip() for p in text.split(";") if p.strip()]


def check_slug(value: str, choices, where: str, noun: str, listing: str) -> str:
    """A known slug, or a ValueError that suggests the nearest one (or where the list is)."""
    if value in choices:
        return value
    close = difflib.get_close_matches(value.lower(), list(choices), n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else f"; the {noun}s are listed in {listing}"
    raise ValueError(f"{where} '{value}' is not a known {noun}{hint}")
