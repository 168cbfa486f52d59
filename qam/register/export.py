"""Exporting the register as CSV or XLSX that is safe to open in a spreadsheet.

No cell may ever become a formula (OWASP CSV injection). In CSV, any text starting with
= + - @ | % { or a tab, CR or LF gets a leading apostrophe, which spreadsheets show as text.
In XLSX every text cell is written with data_type 's' (a string, whatever it starts with)
and dates are real date cells. The file is written beside its final name and moved into place
with os.replace, so a reader sees the old file or the complete new one, never half of one.

Headers are QAM's own field names, so an export imports again unchanged; columns kept from
the original tracker follow, under their original headers.
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


def _csv_bytes(headers: list[str], rows: list[list[object]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        writer.writerow(
            [
                "" if v is None else v.isoformat() if isinstance(v, date) else neutralise(str(v))
                for v in row
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel then reads UTF-8 correctly


def _xlsx_bytes(headers: list[str], rows: list[list[object]]) -> bytes:
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
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_register(store: Store, path: Path | str) -> dict:
    """Write the whole register to a .csv or .xlsx file; returns {"path", "items", "format"}."""
    from qam.store import register as sql

    path = Path(path)
    kind = path.suffix.lower()
    if kind not in (".csv", ".xlsx"):
        raise QamError(f"{path.name}: export to a file ending .csv or .xlsx (e.g. register.xlsx).")
    items = sql.query_items(store)
    headers, rows = _records(items)
    data = _csv_bytes(headers, rows) if kind == ".csv" else _xlsx_bytes(headers, rows)
    write_atomic(path, data, mode=output_mode(store.path))
    return {"path": str(path), "items": len(items), "format": kind[1:]}
