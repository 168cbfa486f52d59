"""Reading the planner's CSV files: headers checked, rows numbered as a spreadsheet shows them.

Row numbers count the header as row 1, so "row 5" is the fifth line the person sees in Excel.
Every check collects its errors; the file is refused with the first few, and nothing is
written, so a half-imported pool or candidate list never exists.
"""

from __future__ import annotations

import csv
import difflib
import io
from datetime import date
from pathlib import Path

from qam.errors import ImportFileError

MAX_BYTES = 5_000_000
MAX_ERRORS_SHOWN = 5


def read_rows(path: Path, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> list[tuple[int, dict]]:
    """(row number, {column: stripped text}) for each non-blank row; refuses missing columns."""
    path = Path(path)
    if not path.is_file():
        raise ImportFileError(f"{path} does not exist or is not a file; check the path.")
    raw = path.read_bytes()
    if len(raw) > MAX_BYTES:
        raise ImportFileError(f"{path} is over {MAX_BYTES // 1_000_000} MB; is it the right file?")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            f"{path} is not UTF-8 text; in Excel use Save As > 'CSV UTF-8 (comma delimited)'."
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in headers]
    if missing:
        found = ", ".join(h for h in headers if h) or "none"
        raise ImportFileError(
            f"{path}: missing column(s) {', '.join(missing)} in the first row (found: {found}); "
            f"the file needs {', '.join(required)}"
            + (f" and may have {', '.join(optional)}." if optional else ".")
        )
    rows = []
    for n, raw_row in enumerate(reader, start=2):
        row = {}
        for key, value in raw_row.items():
            if key is None:  # more cells than headers
                continue
            row[key.strip().lower()] = (value or "").strip() if isinstance(value, str) else ""
        if any(row.values()):
            rows.append((n, row))
    return rows


def refuse(path: Path, errors: list[str], what: str) -> None:
    """Raise one ImportFileError listing the first errors; nothing has been written."""
    if not errors:
        return
    shown = "; ".join(errors[:MAX_ERRORS_SHOWN])
    more = f" (and {len(errors) - MAX_ERRORS_SHOWN} more)" if len(errors) > MAX_ERRORS_SHOWN else ""
    raise ImportFileError(f"{path}: {shown}{more}. Nothing was imported; fix the file and import the {what} again.")


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
            errors.append(f"row {n}: id {record['id']} is already used on row {seen[record['id']]}; ids must be unique")
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
