"""Protective markings (issue 12 item 6): every CSV, XLSX and ICS QAM writes carries the
marking of what it holds where the tool a person opens it with shows it, and a folder given
gets a file named with it. Files reopened with the libraries the force's tools use."""

from __future__ import annotations

import csv
import io
import json

from qam.paths import data_dir

SOLVE = ("plan", "solve", "--start", "2026-12-01", "--time-limit", "5", "--json")
MARK = "OFFICIAL-SENSITIVE"


def _workbook_marked(path, marking=MARK) -> None:
    from openpyxl import load_workbook

    book = load_workbook(path)
    props = book.properties
    assert props.creator == "QAM" and props.subject == marking and marking in props.title
    for sheet in book.worksheets:
        assert sheet.oddHeader.center.text == marking
        assert sheet.oddFooter.center.text == marking


def _csv_marked(path, marking=MARK) -> list[dict]:
    text = path.read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and all(r["Protective marking"] == marking for r in rows)
    return rows


def test_the_programme_files_in_a_folder_are_named_and_marked(loaded, qam, tmp_path):
    assert qam(*SOLVE).exit_code == 0
    out = tmp_path / "out"
    out.mkdir()
    result = qam("plan", "export", "--ics", str(out), "--csv", str(out), "--xlsx", str(out))
    assert result.exit_code == 0, result.stderr
    assert f"({MARK})" in result.stdout
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"programme-{MARK}.csv", f"programme-{MARK}.ics", f"programme-{MARK}.xlsx"]
    _csv_marked(out / f"programme-{MARK}.csv")
    _workbook_marked(out / f"programme-{MARK}.xlsx")

    from icalendar import Calendar

    cal = Calendar.from_ical((out / f"programme-{MARK}.ics").read_bytes())
    assert str(cal["x-protective-marking"]) == MARK and MARK in str(cal["x-wr-calname"])
    events = list(cal.walk("VEVENT"))
    assert events
    for event in events:
        assert str(event["class"]) == "CONFIDENTIAL"
        assert str(event["description"]).startswith(MARK)


def test_re_exporting_over_qam_s_own_files_is_allowed(loaded, qam, tmp_path):
    assert qam(*SOLVE).exit_code == 0
    files = [tmp_path / "p.ics", tmp_path / "p.csv", tmp_path / "p.xlsx"]
    args = ("plan", "export", "--ics", str(files[0]), "--csv", str(files[1]))
    for _ in range(2):  # the second run replaces QAM's own output without --overwrite
        assert qam(*args, "--xlsx", str(files[2])).exit_code == 0
    _workbook_marked(files[2])


def test_the_register_export_is_marked_in_csv_and_xlsx(qam, tmp_path):
    assert qam("init", "--force-name", "Westshire Police").exit_code == 0
    assert qam("recs", "import", str(data_dir("plans") / "register.csv")).exit_code == 0
    owners = json.loads(qam("recs", "list", "--json").stdout)
    marking = MARK if any(i.get("owner") for i in owners) else "OFFICIAL"
    result = qam("recs", "export", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    xlsx = tmp_path / f"register-{marking}.xlsx"
    assert xlsx.exists() and f"({marking})" in result.stdout
    _workbook_marked(xlsx, marking)
    assert qam("recs", "export", str(tmp_path / "r.csv")).exit_code == 0
    rows = _csv_marked(tmp_path / "r.csv", marking)
    assert len(rows) == len(owners)
    # QAM's own export, marked, imports again unchanged: the marking column is not a field.
    again = qam("recs", "import", str(tmp_path / "r.csv"))
    assert again.exit_code == 0, again.stderr
