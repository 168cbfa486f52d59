"""Exporting the register as CSV or XLSX that is safe to open in a spreadsheet.

No cell may ever become a formula (OWASP CSV injection). In CSV, any text starting with
= + - @ | % { or a tab, CR or LF gets a leading apostrophe, which spreadsheets show as text.
In XLSX every text cell is written with data_type 's' (a string, whatever it starts with)
and dates are real date cells. The file is written beside its final name and moved into place
with os.replace, so a reader sees the old file or the complete new one, never half of one.

Headers are QAM's own field names, so an export imports again unchanged; columns kept from
the original tracker follow, under their original headers, then the protective marking
(`qam.markings`): in a CSV as its last column, in an XLSX in its page header, footer and
document properties, and in the default file name.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from qam.errors import QamError
from qam.files import output_mode, write_atomic
from qam.files import spreadsheet_safe as neutralise
from qam.markings import csv_header, csv_row, default_path, mark_workbook, marking_of

if TYPE_CHECKING:
    from qam.store import Store

FIELDS = (
    ("ref", "ref"),
    ("text", "text"),
    ("type", "type"),
    ("scope", "scope"),
    ("status", "status"),
    ("report", "report_title"),
    ("published", "report_published"),
    ("url", "report_url"),
    ("theme", "theme"),
    ("owner", "owner"),
    ("action_lead", "action_lead"),
    ("due", "due"),
    ("risk", "risk"),
    ("impact", "impact"),
    ("objectives", "objectives"),
    ("timeframe", "timeframe"),
    ("checkpoints", "checkpoints"),
)
_DATES = ("report_published", "due")
# Characters the XLSX format cannot hold at all (openpyxl refuses them).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _records(items: list[dict]) -> tuple[list[str], list[list[object]]]:
    extra_headers: list[str] = []
    for item in items:
        for header in item["extra"]:
            if header not in extra_headers and header not in dict(FIELDS):
                extra_headers.append(header)
    headers = [h for h, _ in FIELDS] + extra_headers
    rows = []
    for item in items:
        row: list[object] = []
        for _, column in FIELDS:
            value = item.get(column)
            if column in _DATES and value:
                value = date.fromisoformat(value)
            elif isinstance(value, list):
                value = "; ".join(value) if value else None
            row.append(value)
        row.extend(item["extra"].get(h) for h in extra_headers)
        rows.append(row)
    return headers, rows


def _csv_bytes(headers: list[str], rows: list[list[object]], marking: str) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(csv_header([neutralise(h) for h in headers]))
    for row in rows:
        writer.writerow(
            csv_row(
                [
                    ""
                    if v is None
                    else v.isoformat()
                    if isinstance(v, date)
                    else neutralise(str(v))
                    for v in row
                ],
                marking,
            )
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel then reads UTF-8 correctly


def _xlsx_bytes(headers: list[str], rows: list[list[object]], marking: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Register"
    records: list[list[object]] = [list(headers), *rows]
    for record_index, record in enumerate(records, start=1):
        for column_index, value in enumerate(record, start=1):
            if value is None:
                continue
            cell = sheet.cell(row=record_index, column=column_index)
            if isinstance(value, date):
                cell.value = value
                cell.number_format = "DD/MM/YYYY"
            else:
                cell.value = _ILLEGAL.sub("\ufffd", str(value))
                cell.data_type = "s"  # never 'f', whatever the text starts with
            if record_index == 1:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    mark_workbook(workbook, marking, "Register of HMICFRS recommendations")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _marking(items: list[dict]) -> str:
    """OFFICIAL-SENSITIVE when an item names its owner or action lead, or keeps the tracker's
    own columns (which may hold notes); the recommendations alone are OFFICIAL."""
    return marking_of(
        any(i.get("owner") or i.get("action_lead") or any(i["extra"].values()) for i in items)
    )


def export_register(
    store: Store, path: Path | str | None = None, *, overwrite: bool = False
) -> dict:
    """Write the whole register to a .csv or .xlsx file (a folder, or none: here, as
    `register-MARKING.xlsx`); returns {"path", "items", "format", "marking"}."""
    from qam.store import register as sql

    items = sql.query_items(store)
    marking = _marking(items)
    path = default_path(path, "register", marking, ".xlsx")
    kind = path.suffix.lower()
    if kind not in (".csv", ".xlsx"):
        raise QamError(f"{path.name}: export to a file ending .csv or .xlsx (e.g. register.xlsx).")
    headers, rows = _records(items)
    data = (
        _csv_bytes(headers, rows, marking)
        if kind == ".csv"
        else _xlsx_bytes(headers, rows, marking)
    )
    write_atomic(path, data, mode=output_mode(store.path), overwrite=overwrite)
    return {"path": str(path), "items": len(items), "format": kind[1:], "marking": marking}
