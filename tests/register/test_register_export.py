"""Export: no cell ever becomes a formula (RELIABILITY promise 16, case 38); dates as dates."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from register_helpers import HEADERS, row, write_csv

from qam.files import RISKY_FIRST
from qam.files import spreadsheet_safe as neutralise

CORPUS = [
    '=HYPERLINK("http://evil","click")',
    "+cmd|'/C calc'!A0",
    "-2+3",
    "@SUM(1)",
    "\t=1",
    "\r=1",
    "|calc",
    "%0A=1",
    "{=1+1}",
    "=1+1",
]


@pytest.mark.parametrize("text", CORPUS)
def test_neutralise_prefixes_every_risky_first_character(text):
    assert neutralise(text) == "'" + text
    assert neutralise("Forces should act") == "Forces should act"


@pytest.fixture
def risky_register(home, tmp_path):
    rows = [
        row(f"X-{i}", text=f"{text} in the text", rag=text, owner=text)
        for i, text in enumerate(CORPUS)
    ]
    rows[0][0] = "=REF-0"  # even a ref
    result = home("recs", "import", str(write_csv(tmp_path / "risky.csv", HEADERS, rows)))
    assert result.exit_code == 0, result.stderr
    return home


def test_xlsx_export_has_no_formula_cells_and_real_dates(risky_register, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "register.xlsx"
    result = risky_register("recs", "export", str(out))
    assert result.exit_code == 0 and "Wrote 10 items" in result.stdout
    sheet = load_workbook(out).active
    cells = [c for r in sheet.iter_rows() for c in r if c.value is not None]
    assert cells and not [c.coordinate for c in cells if c.data_type == "f"]
    headers = [c.value for c in sheet[1]]
    published = sheet.cell(row=2, column=headers.index("published") + 1)
    assert (
        isinstance(published.value, datetime) and published.value.date().isoformat() == "2019-04-02"
    )
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert (
        "=REF-0" in texts and '=HYPERLINK("http://evil","click")' in texts
    )  # kept exactly, as text
    # also via pandas, as someone might reopen it
    import pandas

    frame = pandas.read_excel(out)
    assert frame["ref"].tolist()[0] in ("=REF-0", "X-1")


def test_csv_export_prefixes_risky_cells(risky_register, tmp_path):
    out = tmp_path / "register.csv"
    assert risky_register("recs", "export", str(out)).exit_code == 0
    text = out.read_bytes().decode("utf-8-sig")
    records = list(csv.reader(io.StringIO(text, newline="")))
    for record in records:
        for cell in record:
            assert not cell.startswith(RISKY_FIRST), cell
    assert any(cell == "'=REF-0" for record in records for cell in record)
    assert records[1][records[0].index("published")] == "2019-04-02"
    assert not list(tmp_path.glob(".register.csv.*"))  # the temporary file was moved into place


def test_export_refuses_other_extensions(home, tmp_path):
    result = home("recs", "export", str(tmp_path / "register.txt"))
    assert result.exit_code == 1 and ".csv or .xlsx" in result.stderr


def test_export_reimports_unchanged(home, tracker, tmp_path):
    home("recs", "import", str(tracker))
    out = tmp_path / "again.xlsx"
    home("recs", "export", str(out))
    result = home("recs", "import", str(out), "--json")
    assert result.exit_code == 0, result.stderr
    import json

    receipt = json.loads(result.stdout)
    assert receipt["unchanged"] == 3 and receipt["added"] == []
