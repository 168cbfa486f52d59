"""Reading a spreadsheet table, CSV or XLSX, as published files really are.

A table is a header row and the rows under it. It ends at its first blank row: whatever
follows (a summary block, notes, a "Source:" line) is not data, so it is counted and handed
back for a warning rather than imported or silently dropped. Row numbers are the ones a user
sees in a spreadsheet: the header is row 1.

Every failure raises `ImportFileError` naming the file and what to do; nothing here writes.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from qam.errors import ImportFileError

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 10_000
_SAVE_AS = "save it from the spreadsheet as 'CSV UTF-8 (comma delimited)' or .xlsx"


@dataclass
class Table:
    """The header row and the data rows (row number, cells as text or dates) of one sheet."""

    source: str
    headers: list[str]
    rows: list[tuple[int, list[object]]]
    ignored_after: int | None = None  # the blank row the table ended at, if rows followed it
    ignored_rows: int = 0
    warnings: list[str] = field(default_factory=list)


def _blank(cells: list[object]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _decode(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFileError(
                f"{name} says it is UTF-16 but cannot be read as such; {_SAVE_AS}."
            ) from None
    if b"\x00" in data:
        raise ImportFileError(f"{name} is a binary file, not a CSV or XLSX table; {_SAVE_AS}.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ImportFileError(
            f"{name} is not UTF-8 text (byte {err.start + 1} cannot be read; an older 'CSV (comma "
            f"delimited)' save uses another encoding); {_SAVE_AS}."
        ) from None


def _read_csv(path: Path, data: bytes) -> list[tuple[int, list[object]]]:
    text = _decode(data, path.name)
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    rows = []
    try:
        for number, record in enumerate(reader, start=1):
            rows.append((number, list(record)))
            if number > MAX_ROWS + 1:
                raise ImportFileError(
                    f"{path.name} has more than {MAX_ROWS} rows; split it into smaller files."
                )
    except csv.Error as err:
        raise ImportFileError(
            f"{path.name} row {len(rows) + 1} is not valid CSV ({err}); {_SAVE_AS}."
        ) from None
    return rows


def _read_xlsx(path: Path, sheet: str | None) -> tuple[list[tuple[int, list[object]]], list[str]]:
    import openpyxl  # defusedxml, when installed, makes openpyxl refuse entity expansion

    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        raise ImportFileError(
            f"{path.name} is not a readable .xlsx workbook (corrupt, password-protected or not a "
            f"spreadsheet); open it in the spreadsheet and {_SAVE_AS}."
        ) from None
    if "xl/vbaProject.bin" in names:
        raise ImportFileError(
            f"{path.name} contains macros; QAM does not open macro workbooks. {_SAVE_AS[0].upper()}{_SAVE_AS[1:]}."
        )
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # noqa: BLE001 - openpyxl raises many types for bad workbooks
        raise ImportFileError(
            f"{path.name} cannot be read as a workbook ({type(err).__name__}); {_SAVE_AS}."
        ) from None
    warnings = []
    try:
        names = workbook.sheetnames
        if sheet is None:
            worksheet = workbook[names[0]]
            if len(names) > 1:
                warnings.append(
                    f"{path.name} has {len(names)} sheets; read the first, '{names[0]}' "
                    "(choose another with --sheet)."
                )
        elif sheet in names:
            worksheet = workbook[sheet]
        else:
            raise ImportFileError(
                f"{path.name} has no sheet '{sheet}'; its sheets are: {', '.join(names)}."
            )
        rows = []
        for number, record in enumerate(worksheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS + 1:
                raise ImportFileError(
                    f"{path.name} has more than {MAX_ROWS} rows; split it into smaller files."
                )
            rows.append((number, ["" if v is None else v for v in record]))
    except ImportFileError:
        raise
    except Exception as err:  # noqa: BLE001
        raise ImportFileError(
            f"{path.name} cannot be read as a workbook ({type(err).__name__}); {_SAVE_AS}."
        ) from None
    finally:
        workbook.close()
    return rows, warnings


def read_table(path: Path | str, sheet: str | None = None) -> Table:  # noqa: C901 (to split)
    """Read the first table of a CSV or XLSX file (the sheet `sheet` of a workbook)."""
    path = Path(path)
    if not path.exists():
        raise ImportFileError(f"{path} does not exist; check the file name and folder.")
    if path.is_dir():
        raise ImportFileError(f"{path} is a folder; give the CSV or XLSX file inside it.")
    suffix = path.suffix.lower()
    if suffix == ".xlsm":
        raise ImportFileError(
            f"{path.name} is a macro workbook (.xlsm); QAM does not open those. {_SAVE_AS[0].upper()}{_SAVE_AS[1:]}."
        )
    if suffix == ".xls":
        raise ImportFileError(f"{path.name} is an old .xls workbook; {_SAVE_AS}.")
    size = path.stat().st_size
    if size == 0:
        raise ImportFileError(f"{path.name} is empty; export it again with its header row.")
    if size > MAX_BYTES:
        raise ImportFileError(
            f"{path.name} is larger than {MAX_BYTES // (1024 * 1024)} MB; split it into smaller files."
        )
    warnings: list[str] = []
    with path.open("rb") as fh:
        head = fh.read(4)
    if suffix == ".xlsx" or head == b"PK\x03\x04":
        raw, warnings = _read_xlsx(path, sheet)
    else:
        if sheet is not None:
            raise ImportFileError(
                f"--sheet only applies to .xlsx workbooks; {path.name} is a CSV file."
            )
        raw = _read_csv(path, path.read_bytes())
    # Skip leading blank rows (some exports start a line down); the first non-blank is the header.
    while raw and _blank(raw[0][1]):
        raw.pop(0)
    if not raw:
        raise ImportFileError(f"{path.name} has no rows; export it again with its header row.")
    header_number, header_cells = raw[0]
    headers = [str(h).strip() if h is not None else "" for h in header_cells]
    while headers and not headers[-1]:
        headers.pop()
    if not headers:
        raise ImportFileError(f"{path.name} row {header_number} (the header row) is empty.")
    table = Table(source=path.name, headers=headers, rows=[], warnings=warnings)
    rest = raw[1:]
    for index, (number, cells) in enumerate(rest):
        if _blank(cells):
            after = [r for r in rest[index + 1 :] if not _blank(r[1])]
            if after:
                table.ignored_after = number
                table.ignored_rows = len(after)
                table.warnings.append(
                    f"{path.name}: the table ends at the blank row {number}; "
                    f"{len(after)} row{'s' if len(after) != 1 else ''} after it "
                    f"(a summary or notes block) {'were' if len(after) != 1 else 'was'} ignored."
                )
            break
        table.rows.append((number, cells))
    return table
