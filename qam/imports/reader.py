"""Reading a table, CSV or XLSX, as a force's files really are, one row at a time.

CSV comes in UTF-8 with or without a byte-order mark (Excel's "CSV UTF-8"), UTF-16 (Excel's
"Unicode text") or Windows-1252 (Excel's older "CSV (comma delimited)"). They are told apart
by the mark, by the zero bytes of UTF-16, and by checking the whole file as UTF-8 before
anything is parsed: a file that is not valid UTF-8 and has no UTF-8 characters in it is
Windows-1252; one that has some is a damaged UTF-8 file, refused naming its line.

A table is a header row and the rows under it, and ends at its first fully blank row:
whatever follows (a summary block, notes, a "Source:" line) is not data, so it is counted for
a warning, never imported. A title above the header (one cell on its own) is skipped. Row
numbers are the ones a spreadsheet shows: the first line of the file is row 1.

Nothing here writes. Every failure raises `ImportFileError` naming the file and what to do.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qam.errors import ImportFileError
from qam.imports import files
from qam.imports.files import MAX_CELL, MAX_COLUMNS, MAX_ROWS

SAVE_AS = "save it from the spreadsheet as 'CSV UTF-8 (comma delimited)' or .xlsx"
_CHUNK = 1 << 20
_TITLE_LOOKAHEAD = 20
_CP1252_UNDEFINED = b"\x81\x8d\x8f\x90\x9d"
# A well-formed two-, three- or four-byte UTF-8 character.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


@dataclass
class Table:
    """One sheet's header and its rows, read lazily: iterate `rows` once.

    After the rows are exhausted, `rows_after` counts the non-blank rows found under the
    blank row the table ended at (`ended_at`), and `warnings` says so.
    """

    source: str
    headers: list[str]
    header_row: int
    rows: Iterator[tuple[int, list[Any]]]
    warnings: list[str] = field(default_factory=list)
    ended_at: int | None = None
    rows_after: int = 0
    encoding: str | None = None


def _blank(cells: list[Any]) -> bool:
    try:
        return not "".join(cells).strip()  # CSV rows: all text
    except TypeError:
        return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _filled(cells: list[Any]) -> int:
    return sum(1 for c in cells if not (c is None or (isinstance(c, str) and not c.strip())))


# ---- CSV: which encoding ------------------------------------------------------------------


def _line_of(data: bytes, offset: int, lines_before: int) -> int:
    return lines_before + data.count(b"\n", 0, offset) + 1


def _utf16(head: bytes) -> str | None:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[: len(head) - len(head) % 2]
    pairs = len(sample) // 2
    if pairs >= 2:
        odd_zeros = sum(1 for i in range(1, len(sample), 2) if sample[i] == 0)
        even_zeros = sum(1 for i in range(0, len(sample), 2) if sample[i] == 0)
        # Mostly-Latin text in UTF-16 has a zero in every other byte; a stray one elsewhere
        # (a lone surrogate, a character like U+0100) is tolerated here and checked later.
        if odd_zeros > pairs * 0.4 and even_zeros < pairs * 0.25:
            return "utf-16-le"
        if even_zeros > pairs * 0.4 and odd_zeros < pairs * 0.25:
            return "utf-16-be"
    return None


def _check_utf16(path: Path, encoding: str) -> None:
    decoder = codecs.getincrementaldecoder(encoding)()
    lines, first = 0, True
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as err:
                raise ImportFileError(
                    f"{path.name} line {lines + 1}: the UTF-16 text holds a lone surrogate or a "
                    f"broken character ({err.reason}); {SAVE_AS}."
                ) from None
            if first:
                text, first = text.removeprefix("\ufeff"), False
            if "\ufeff" in text:
                raise ImportFileError(
                    _stray_bom(path, lines + text.count("\n", 0, text.find("\ufeff")) + 1)
                )
            if "\x00" in text:
                raise ImportFileError(f"{path.name} holds NUL characters; {SAVE_AS}.")
            lines += text.count("\n")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise ImportFileError(
                f"{path.name} ends half-way through a UTF-16 character; {SAVE_AS}."
            ) from None


def _stray_bom(path: Path, line: int) -> str:
    return (
        f"{path.name} line {line} holds a byte-order mark (U+FEFF) inside the file, as when two "
        f"exports are joined together; remove it, or {SAVE_AS}."
    )


def _refuse_broken_utf8(path: Path, data: bytes, err: UnicodeDecodeError, lines: int) -> None:
    bad = data[err.start : err.start + 3]
    line = _line_of(data, err.start, lines)
    if bad[:1] == b"\xed" and len(bad) > 1 and 0xA0 <= bad[1] <= 0xBF:
        raise ImportFileError(
            f"{path.name} line {line} holds a lone surrogate (half of a character, written by a "
            f"faulty export), which is not text; {SAVE_AS}."
        )
    raise ImportFileError(
        f"{path.name} line {line} is not valid UTF-8 (byte {err.start + 1} of that part of the "
        f"file) although the rest is; {SAVE_AS}."
    )


def _has_utf8_characters(data: bytes) -> bool:
    """True if `data` holds well-formed multi-byte UTF-8 sequences (rare in Windows-1252 text)."""
    return _UTF8_SEQUENCE.search(data) is not None


def _detect(path: Path) -> str:
    """The encoding of a CSV file, after checking all of it; ImportFileError if it is not text."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    utf16 = _utf16(head)
    if utf16:
        _check_utf16(path, utf16)
        return utf16
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines, seen_utf8, first = 0, False, True
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            if b"\x00" in chunk:
                raise ImportFileError(f"{path.name} is a binary file, not a CSV table; {SAVE_AS}.")
            start = 3 if first and chunk.startswith(codecs.BOM_UTF8) else 0
            stray = chunk.find(codecs.BOM_UTF8, start)
            if stray >= 0:
                raise ImportFileError(_stray_bom(path, _line_of(chunk, stray, lines)))
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as err:
                if seen_utf8 or start or _has_utf8_characters(chunk):
                    _refuse_broken_utf8(path, chunk, err, lines)
                return _check_cp1252(path)
            seen_utf8 = seen_utf8 or _has_utf8_characters(chunk)
            lines += chunk.count(b"\n")
            first = False
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        if seen_utf8:
            raise ImportFileError(
                f"{path.name} ends half-way through a UTF-8 character; {SAVE_AS}."
            ) from None
        return _check_cp1252(path)
    return "utf-8-sig"


def _check_cp1252(path: Path) -> str:
    lines = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            for byte in _CP1252_UNDEFINED:
                at = chunk.find(bytes([byte]))
                if at >= 0:
                    raise ImportFileError(
                        f"{path.name} line {_line_of(chunk, at, lines)} is neither UTF-8 nor "
                        f"Windows-1252 text (byte 0x{byte:02X}); {SAVE_AS}."
                    )
            lines += chunk.count(b"\n")
    return "cp1252"


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_rows(path: Path, encoding: str) -> Iterator[tuple[int, list[Any]]]:
    csv.field_size_limit(MAX_CELL)
    with path.open("r", encoding=encoding, newline="") as fh:
        first = fh.readline(MAX_CELL * 4)
        fh.seek(0)
        reader = csv.reader(fh, delimiter=_delimiter(first), strict=False)
        number = 0
        try:
            for number, record in enumerate(reader, start=1):  # noqa: B007 (used after the loop)
                if len(record) > MAX_COLUMNS:
                    raise ImportFileError(
                        f"{path.name} row {number} has {len(record):,} cells; a table has at most "
                        f"{MAX_COLUMNS:,} columns. {SAVE_AS[0].upper()}{SAVE_AS[1:]}."
                    )
                yield number, record
        except csv.Error as err:
            if "field larger than field limit" in str(err):
                raise ImportFileError(
                    f"{path.name} row {number + 1} has a cell longer than {MAX_CELL:,} characters "
                    "(the most a spreadsheet cell holds); a quote may be missing, or the cell "
                    "holds far more than a tracker should. Shorten it and import again."
                ) from None
            raise ImportFileError(
                f"{path.name} row {number + 1} is not valid CSV ({err}); {SAVE_AS}."
            ) from None


# ---- XLSX ---------------------------------------------------------------------------------


def _check_workbook(path: Path) -> None:
    """Refuse a workbook that would expand too far, before anything is expanded."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportFileError(
            f"{path.name} is not a readable .xlsx workbook (corrupt, password-protected or not "
            f"a spreadsheet); open it in the spreadsheet and {SAVE_AS}."
        ) from None
    names = {m.filename for m in members}
    if "xl/vbaProject.bin" in names:
        raise ImportFileError(
            f"{path.name} contains macros; QAM does not open macro workbooks. "
            f"{SAVE_AS[0].upper()}{SAVE_AS[1:]}."
        )
    expanded = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    if expanded > files.MAX_XLSX_EXPANDED:
        raise ImportFileError(
            f"{path.name} would expand to {expanded / 1024 / 1024:,.0f} MB when opened, more than "
            f"the {files.MAX_XLSX_EXPANDED / 1024 / 1024:,.0f} MB QAM reads; it was not opened."
        )
    worst = max(
        (m.file_size / max(1, m.compress_size) for m in members if m.file_size > 1024 * 1024),
        default=expanded / packed,
    )
    if max(worst, expanded / packed if expanded > 1024 * 1024 else 0) > files.MAX_XLSX_RATIO:
        raise ImportFileError(
            f"{path.name} is compressed {worst:,.0f} to 1, far more than a real workbook (a zip "
            "bomb expands to fill the disk or memory); it was not opened."
        )


def _xlsx_rows(path: Path, sheet: str | None, warnings: list[str]):
    import openpyxl  # defusedxml, installed with QAM, makes openpyxl refuse entity expansion

    _check_workbook(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # noqa: BLE001 - openpyxl raises many types for bad workbooks
        raise ImportFileError(
            f"{path.name} cannot be read as a workbook ({type(err).__name__}); {SAVE_AS}."
        ) from None
    names = workbook.sheetnames
    if sheet is None:
        chosen = names[0]
        if len(names) > 1:
            warnings.append(
                f"{path.name} has {len(names)} sheets; read the first, '{chosen}' "
                "(choose another with --sheet)."
            )
    elif sheet in names:
        chosen = sheet
    else:
        workbook.close()
        raise ImportFileError(
            f"{path.name} has no sheet '{sheet}'; its sheets are: {', '.join(names)}."
        )
    worksheet = workbook[chosen]
    worksheet.reset_dimensions()  # a forged dimension must not pad every row to 16,384 cells
    return workbook, worksheet


def _xlsx_iter(path: Path, workbook, worksheet) -> Iterator[tuple[int, list[Any]]]:
    try:
        for number, record in enumerate(worksheet.iter_rows(values_only=True), start=1):
            if len(record) > MAX_COLUMNS:
                raise ImportFileError(
                    f"{path.name} row {number} has more than {MAX_COLUMNS:,} columns."
                )
            for value in record:
                if isinstance(value, str) and len(value) > MAX_CELL:
                    raise ImportFileError(
                        f"{path.name} row {number} has a cell longer than {MAX_CELL:,} "
                        "characters (the most a spreadsheet cell holds); shorten it."
                    )
            yield number, list(record)
    except ImportFileError:
        raise
    except Exception as err:  # noqa: BLE001
        raise ImportFileError(
            f"{path.name} cannot be read as a workbook ({type(err).__name__}); {SAVE_AS}."
        ) from None
    finally:
        workbook.close()


# ---- one table ----------------------------------------------------------------------------


def _raw_rows(path: Path, sheet: str | None, warnings: list[str]):
    """(row iterator, encoding) for a CSV or XLSX file."""
    suffix = path.suffix.lower()
    if suffix in (".xlsm", ".xltm"):
        raise ImportFileError(
            f"{path.name} is a macro workbook ({suffix}); QAM does not open those. "
            f"{SAVE_AS[0].upper()}{SAVE_AS[1:]}."
        )
    if suffix in (".xls", ".ods", ".numbers"):
        raise ImportFileError(f"{path.name} is a {suffix} file QAM does not read; {SAVE_AS}.")
    with path.open("rb") as fh:
        head = fh.read(4)
    if suffix == ".xlsx" or head == b"PK\x03\x04":
        workbook, worksheet = _xlsx_rows(path, sheet, warnings)
        return _xlsx_iter(path, workbook, worksheet), None
    if sheet is not None:
        raise ImportFileError(
            f"--sheet only applies to .xlsx workbooks; {path.name} is a CSV file."
        )
    encoding = _detect(path)
    if encoding == "cp1252":
        warnings.append(f"{path.name} was read as Windows-1252 text (an older 'CSV' save).")
    return _csv_rows(path, encoding), encoding


def _header(path: Path, raw: Iterator[tuple[int, list[Any]]], warnings: list[str]):
    """(header row number, header cells, rows already read past the header) ."""
    leading: list[tuple[int, list[Any]]] = []
    for number, cells in raw:
        if _blank(cells):
            continue
        leading.append((number, cells))
        if _filled(cells) >= 2 or len(leading) >= _TITLE_LOOKAHEAD:
            break
    if not leading:
        raise ImportFileError(f"{path.name} has no rows; export it again with its header row.")
    # A title row (one cell) above the real header is skipped; a one-column table keeps its first row.
    header_at = next((i for i, (_, c) in enumerate(leading) if _filled(c) >= 2), 0)
    if header_at:
        skipped = [n for n, _ in leading[:header_at]]
        warnings.append(
            f"{path.name}: row{'s' if len(skipped) > 1 else ''} "
            f"{', '.join(map(str, skipped))} above the header (a title) "
            f"{'were' if len(skipped) > 1 else 'was'} skipped."
        )
    number, cells = leading[header_at]
    return number, cells, leading[header_at + 1 :]


def header_text(value: object) -> str:
    """A header cell as one line of text."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def open_table(path: Path | str, sheet: str | None = None) -> Table:
    """Open the first table of a CSV or XLSX file (the sheet `sheet` of a workbook)."""
    path = files.check_input(path, max_bytes=files.MAX_TABLE_BYTES, what="CSV or XLSX file")
    if path.stat().st_size == 0:
        raise ImportFileError(f"{path.name} is empty; export it again with its header row.")
    warnings: list[str] = []
    raw, encoding = _raw_rows(path, sheet, warnings)
    header_row, cells, pending = _header(path, raw, warnings)
    headers = [header_text(h) for h in cells]
    while headers and not headers[-1]:
        headers.pop()
    table = Table(
        source=path.name,
        headers=headers,
        header_row=header_row,
        rows=iter(()),
        warnings=warnings,
        encoding=encoding,
    )
    table.rows = _data_rows(path, table, pending, raw)
    return table


def _data_rows(path: Path, table: Table, pending, raw) -> Iterator[tuple[int, list[Any]]]:
    rows = 0
    # itertools.chain, not a generator: leaving the loop must not close `raw`, read on below.
    for number, cells in itertools.chain(pending, raw):
        if _blank(cells):
            table.ended_at = number
            break
        rows += 1
        if rows > MAX_ROWS:
            raise ImportFileError(
                f"{path.name} has more than {MAX_ROWS:,} rows, the most a spreadsheet holds; "
                "split it into smaller files."
            )
        yield number, cells
    if table.ended_at is None:
        return
    after = 0
    for _, cells in raw:
        if not _blank(cells):
            after += 1
    if after:
        table.rows_after = after
        table.warnings.append(
            f"{path.name}: the table ends at the blank row {table.ended_at}; {after} "
            f"row{'s' if after != 1 else ''} after it (a summary or notes block) "
            f"{'were' if after != 1 else 'was'} not imported."
        )


def read_all(path: Path | str, sheet: str | None = None) -> tuple[Table, list]:
    """The table and all its rows in a list (small files, and tests)."""
    table = open_table(path, sheet)
    rows = list(table.rows)
    return table, rows
