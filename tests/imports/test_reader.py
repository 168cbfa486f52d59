"""Reading a table: every encoding a spreadsheet saves, and nothing that can exhaust the machine."""

from __future__ import annotations

import codecs
import os
import zipfile

import pytest

from qam.errors import ImportFileError
from qam.imports import files
from qam.imports.reader import read_all

TEXT = "Ref,Text,Owner\nR1,café – “quoted”,Zoë\n"


@pytest.mark.parametrize(
    "encoded, encoding",
    [
        (TEXT.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),  # Excel's "Unicode text": a mark, then UTF-16
        (TEXT.encode("utf-16-le"), "utf-16-le"),  # no mark: told apart by its zero bytes
        (TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("cp1252"), "cp1252"),  # Excel's older "CSV (comma delimited)"
    ],
)
def test_each_encoding_a_spreadsheet_saves_reads_the_same(tmp_path, encoded, encoding):
    path = tmp_path / "t.csv"
    path.write_bytes(encoded)
    table, rows = read_all(path)
    assert table.encoding == encoding
    assert table.headers == ["Ref", "Text", "Owner"]
    assert rows == [(2, ["R1", "café – “quoted”", "Zoë"])]


@pytest.mark.parametrize(
    "content, phrase",
    [
        (b"Ref,Text\nR1,caf\xc3\xa9\nR2,\xe9t\xe9\n", "line 3 is not valid UTF-8"),
        (b"Ref,Text\nR1,\xed\xa0\x80x\n", "line 2 holds a lone surrogate"),
        (
            codecs.BOM_UTF8 + b"Ref,Text\nR1,x\n" + codecs.BOM_UTF8 + b"Ref,Text\n",
            "byte-order mark",
        ),
        ("Ref,Text\nR1,\ud800x\n".encode("utf-16-le", "surrogatepass"), "lone surrogate"),
        (b"Ref,Text\nR1,\x00\x00\n", "binary file"),
        (b"Ref,Text\nR1,\x81\n", "neither UTF-8 nor Windows-1252"),
        (b"Ref,Text\nR1," + b"x" * 1_000_000 + b"\n", "longer than 32,767 characters"),
        (b"", "is empty"),
    ],
)
def test_what_cannot_be_read_gets_one_clear_line(tmp_path, content, phrase):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=phrase):
        read_all(path)


def test_a_title_row_is_skipped_and_the_table_ends_at_a_blank_row(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "Westshire Police HMICFRS tracker,\n,\nRef,Text\nR1,x\n,\nTotal,1\nSource: HMICFRS,\n",
        encoding="utf-8",
    )
    table, rows = read_all(path)
    assert rows == [(4, ["R1", "x"])]
    assert table.ended_at == 5 and table.rows_after == 2
    assert "row 1 above the header (a title) was skipped" in table.warnings[0]
    assert "2 rows after it" in table.warnings[1]


def test_a_semicolon_or_tab_separated_export_reads_the_same(tmp_path):
    for sep in (";", "\t"):
        path = tmp_path / "t.csv"
        path.write_text(f"Ref{sep}Text\nR1{sep}x, y\n", encoding="utf-8")
        assert read_all(path)[1] == [(2, ["R1", "x, y"])]


def test_only_regular_files_are_read(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(ImportFileError, match="is a pipe"):
        read_all(fifo)  # refused before it is opened: opening a FIFO would wait for a writer
    with pytest.raises(ImportFileError, match="is a device"):
        read_all("/dev/zero")
    with pytest.raises(ImportFileError, match="is a folder"):
        read_all(tmp_path)
    with pytest.raises(ImportFileError, match="does not exist"):
        read_all(tmp_path / "nope.csv")


def test_files_over_the_limit_are_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_text("Ref,Text\n" + "R,x\n" * 1000, encoding="utf-8")
    monkeypatch.setattr(files, "MAX_TABLE_BYTES", 1024)
    with pytest.raises(ImportFileError, match="at most 0 MB"):
        read_all(path)


def _workbook(path, extra: dict[str, bytes] | None = None):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Ref", "Text"])
    book.active.append(["R1", "x"])
    book.save(path)
    if extra:
        with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in extra.items():
                archive.writestr(name, data)
    return path


def test_a_workbook_that_would_expand_too_far_is_refused_before_it_is_opened(tmp_path, monkeypatch):
    bomb = _workbook(tmp_path / "bomb.xlsx", {"xl/media/padding.bin": b"\0" * 50_000_000})
    assert bomb.stat().st_size < 1_000_000  # 50 MB of zeros packs into a few kilobytes
    with pytest.raises(ImportFileError, match="compressed .* to 1"):
        read_all(bomb)
    big = _workbook(tmp_path / "big.xlsx", {"xl/media/photo.bin": os.urandom(3_000_000)})
    monkeypatch.setattr(files, "MAX_XLSX_EXPANDED", 2_000_000)
    with pytest.raises(ImportFileError, match="would expand to 3 MB"):
        read_all(big)


def test_a_workbook_with_macros_or_not_a_workbook_is_refused(tmp_path):
    macro = _workbook(tmp_path / "m.xlsx", {"xl/vbaProject.bin": b"macro"})
    with pytest.raises(ImportFileError, match="macros"):
        read_all(macro)
    broken = tmp_path / "t.xlsx"
    broken.write_bytes(b"PK\x03\x04not really a zip")
    with pytest.raises(ImportFileError, match="not a readable .xlsx"):
        read_all(broken)
    old = tmp_path / "t.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ImportFileError, match=".xls file QAM does not read"):
        read_all(old)


def test_a_sheet_is_chosen_by_name(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Cover"
    book.active["A1"] = "Tracker"
    sheet = book.create_sheet("Tracker")
    sheet.append(["Ref", "Text"])
    sheet.append(["R1", "x"])
    book.save(tmp_path / "t.xlsx")
    table, rows = read_all(tmp_path / "t.xlsx", "Tracker")
    assert table.headers == ["Ref", "Text"] and rows == [(2, ["R1", "x"])]
    with pytest.raises(ImportFileError, match="no sheet 'Nope'; its sheets are: Cover, Tracker"):
        read_all(tmp_path / "t.xlsx", "Nope")


def test_answers_lines_are_bounded(tmp_path):
    import io

    with pytest.raises(ImportFileError, match="line 2 is over 10 characters"):
        list(files.bounded_lines(io.StringIO("short\n" + "x" * 50), max_line=10, source="s"))
