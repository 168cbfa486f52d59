"""Outcomes as published: long and wide sheets, force names as written, ungraded cells counted."""

from __future__ import annotations

import json

from register_helpers import error_line, snapshot

from qam.register.outcomes import area_theme, areas_needing_improvement, report_year, summary

SHEET = """Force,Area,Grade,Report,Published
Kent Police,Investigating crime,Good,PEEL 2023-25: Kent,01/03/2024
Kent Police,Responding to the public,Requires improvement,PEEL 2023-25: Kent,01/03/2024
Kent Police,Protecting vulnerable people,Requires improvement,PEEL 2023-25: Kent,01/03/2024
WM,Investigating crime,Inadequate,PEEL 2021/22: West Midlands,01/12/2022
WM,Responding to the public,Adequate,PEEL 2021/22: West Midlands,01/12/2022
,,,,
Summary,2 forces,,,
Source: HMICFRS,,,,
Note: grades as published,,,,
"""


def test_an_ambiguous_abbreviation_is_refused_then_imported_with_value(home, tmp_path, db_path):
    path = tmp_path / "grades.csv"
    path.write_text(SHEET, encoding="utf-8")
    before = snapshot(db_path)
    result = home("outcomes", "import", str(path))
    assert result.exit_code == 1
    line = error_line(result)
    assert "2 ambiguous forces in 'Force': 'WM' (rows 5, 6; West Midlands Police or West " in line
    assert '--value "force:WM=West Midlands Police"' in line
    assert snapshot(db_path) == before
    result = home("outcomes", "import", str(path), "--value", "force:WM=West Midlands")
    assert result.exit_code == 0, result.stderr
    assert "3 rows after it" in result.stderr and result.stderr.startswith("Warning:")
    rows = json.loads(home("outcomes", "list", "--json").stdout)
    assert len(rows) == 5 and {r["force"] for r in rows} == {"Kent Police", "West Midlands Police"}
    # importing the same sheet again changes nothing
    again = home("outcomes", "import", str(path), "--value", "force:WM=West Midlands", "--json")
    assert json.loads(again.stdout)["unchanged"] == 5 and json.loads(again.stdout)["added"] == []
    doc = json.loads(home("outcomes", "summary", "--json").stdout)
    # Kent: 2 RI beat 1 good; West Midlands: a tie of inadequate and adequate goes to the worse
    assert doc["total"] == 2
    assert doc["by_grade"] == {"requires_improvement": 1, "inadequate": 1}
    assert {"force": "Kent Police", "area": "Responding to the public"}.items() <= next(
        b for b in doc["below_good"] if b["area"] == "Responding to the public"
    ).items()
    assert len(doc["below_good"]) == 4  # Kent's 2 RI, West Midlands' inadequate and adequate


def test_unknown_grade_not_territorial_and_missing_force_column(home, tmp_path, db_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Force,Area,Grade\nKent Police,Investigating crime,Superb\n"
        "British Transport Police,Investigating crime,Good\n",
        encoding="utf-8",
    )
    before = snapshot(db_path)
    result = home("outcomes", "import", str(bad))
    line = error_line(result)
    assert result.exit_code == 1 and "'Superb' (row 2)" in line
    assert "British Transport Police' (row 3; British Transport Police, a special force" in line
    bad.write_text("Name,Area,Grade\nKent Police,Investigating crime,Good\n", encoding="utf-8")
    result = home("outcomes", "import", str(bad))
    assert result.exit_code == 1 and "missing column: 'force'" in error_line(result)
    assert snapshot(db_path) == before


def test_a_long_sheet_without_an_area_takes_area_option(home, tmp_path):
    path = tmp_path / "cdi.csv"
    path.write_text(
        "Force,Grade,Report\nDurham,Good,Crime data integrity 2016\n"
        "Metropolitan,Not yet graded,Crime data integrity 2016\n",
        encoding="utf-8",
    )
    result = home("outcomes", "import", str(path))
    assert result.exit_code == 1 and "--area NAME" in error_line(result)
    result = home("outcomes", "import", str(path), "--area", "Crime data integrity", "--json")
    receipt = json.loads(result.stdout)
    assert receipt["added"] == ["Durham Constabulary: Crime data integrity"]
    assert receipt["skipped"] == {"ungraded cells (Not graded, N/A, - or blank)": 1}


def test_an_ungraded_cell_is_never_mapped_to_a_grade(home, tmp_path):
    path = tmp_path / "g.csv"
    path.write_text("Force,Area,Grade\nKent,Investigating crime,Not graded\n", encoding="utf-8")
    result = home("outcomes", "import", str(path), "--value", "grade:Not graded=good")
    assert result.exit_code == 1 and "never turns an ungraded cell into a grade" in error_line(
        result
    )


def test_example_outcomes_and_areas_needing_improvement(home, store):
    from qam.paths import data_dir

    result = home("outcomes", "import", str(data_dir("plans") / "outcomes.csv"))
    assert result.exit_code == 0, result.stderr
    assert "not imported" in result.stderr
    weak = areas_needing_improvement(store)
    assert weak and all(w["grade"] in ("requires_improvement", "inadequate") for w in weak)
    assert {
        "force": "Wiltshire Police",
        "area": "Investigating crime",
        "grade": "requires_improvement",
        "theme": "investigation",
    }.items() <= next(
        w for w in weak if w["force"] == "Wiltshire Police" and w["area"] == "Investigating crime"
    ).items()
    assert summary(store)["total"] == 3


def test_area_themes_and_report_years():
    assert area_theme("Protecting vulnerable people") == "vulnerability"
    assert (
        area_theme("Treating the public fairly, appropriately and respectfully")
        == "public_treatment"
    )
    assert area_theme("Something new") is None
    assert report_year("PEEL 2018/19") == 2019
    assert report_year("PEEL 2023–25: Kent") == 2025
    assert report_year("PEEL 2017 effectiveness") == 2017
    assert report_year("Fraud: time to choose") is None


def _bbc_workbook(path):
    """A newsroom's grade sheet: a row a force, grades and figures side by side, 'WM' for
    West Midlands, dates as Excel serial numbers, a summary block under blank rows."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    sheet.append(
        [
            "Force",
            "Overall",
            "Crimes unrecorded %",
            "Crimes recorded %",
            "Total reports per year not recorded",
            "How effective is the force at recording reported crime?",
            "Report date",
            "Report title",
            "Year",
        ]
    )
    rows = [
        ("Sussex", "Good", 6.9, 93.1, 4100, "Good", 42985, "Sussex Police: CDI inspection", 2017),
        ("GMP", "Inadequate", 27.3, 72.7, 38000, "Inadequate", 42726, "GMP: CDI", 2016),
        (
            "WM",
            "Requires improvement",
            11.9,
            88.1,
            16700,
            "Requires improvement",
            42950,
            "CDI",
            2017,
        ),
        ("Wiltshire", "Inadequate", 10.2, 89.8, 2700, "Requires improvement", 42800, "CDI", 2017),
    ]
    for row in rows:
        sheet.append(list(row))
    for _ in range(3):
        sheet.append([None] * 9)
    sheet.append(["Analysis"])
    sheet.append(["Total", None, 56.3])
    sheet.append(["Average", None, 14.1])
    workbook.create_sheet("Sheet2")
    workbook.save(path)
    return path


def test_a_published_wide_sheet_imports_once_wm_is_named(home, tmp_path, db_path):
    path = _bbc_workbook(tmp_path / "policeforcecrimedatareports.xlsx")
    before = snapshot(db_path)
    result = home("outcomes", "import", str(path))
    line = error_line(result)
    assert result.exit_code == 1 and "'WM' (row 4; West Midlands Police or West Mercia" in line
    assert snapshot(db_path) == before
    result = home("outcomes", "import", str(path), "--value", "force:WM=West Midlands", "--json")
    assert result.exit_code == 0, result.stderr
    receipt = json.loads(result.stdout)
    assert receipt["layout"] == "wide"
    assert receipt["areas"] == [
        "Overall",
        "How effective is the force at recording reported crime?",
    ]
    assert "Crimes unrecorded %" in receipt["not_grades"]
    assert len(receipt["added"]) == 8
    assert "3 rows after it" in result.stderr
    rows = json.loads(home("outcomes", "list", "--force", "West Midlands Police", "--json").stdout)
    assert {r["published"] for r in rows} == {"2017-08-03"}
    doc = json.loads(home("outcomes", "summary", "--json").stdout)
    assert doc["by_grade"] == {"good": 1, "inadequate": 2, "requires_improvement": 1}


PILLARS = """Force,Effectiveness,Efficiency,Legitimacy,Report,Published
Metropolitan,Requires improvement,Good,Good,PEEL 2016,02/03/2017
Metropolitan,Good,Good,Not graded,PEEL 2017,
Durham,Outstanding,Outstanding,Outstanding,PEEL 2016,02/03/2017
Avon and Somerset,Good,Not yet graded,Good,PEEL 2017,22/03/2018
Dyfed Powys,Good,Good,N/A,PEEL 2018/19,
Dyfed Powys,Requires improvement,Good,Good,PEEL 2017,22/03/2018
Humberside,-,Good,Adequate,PEEL 2018/19,
"""


def test_a_wide_pillar_sheet_with_short_names_and_dates_on_some_rows(home, tmp_path):
    path = tmp_path / "peel-pillars.csv"
    path.write_text(PILLARS, encoding="utf-8")
    result = home("outcomes", "import", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    receipt = json.loads(result.stdout)
    assert receipt["areas"] == ["Effectiveness", "Efficiency", "Legitimacy"]
    assert receipt["skipped"] == {"ungraded cells (Not graded, N/A, - or blank)": 4}
    assert len(receipt["added"]) == 17
    doc = json.loads(home("outcomes", "summary", "--json").stdout)
    # the Met's latest report is its undated PEEL 2017, not the dated PEEL 2016 before it
    met = [b for b in doc["below_good"] if b["force"] == "Metropolitan Police Service"]
    assert met == []
    dyfed = [b for b in doc["below_good"] if b["force"] == "Dyfed-Powys Police"]
    assert dyfed == []  # its latest is the undated 2018/19, graded good twice
    humberside = [b for b in doc["below_good"] if b["force"] == "Humberside Police"]
    assert humberside == [
        {
            "force": "Humberside Police",
            "area": "Legitimacy",
            "grade": "adequate",
            "report": "PEEL 2018/19",
        }
    ]
    assert doc["total"] == 5
    # Humberside: good and adequate tie at its latest report, so adequate
    assert doc["by_grade"] == {"outstanding": 1, "good": 3, "adequate": 1}


def test_every_force_as_data_police_uk_and_hmicfrs_write_it(home, tmp_path):
    from qam.forces import FORCES

    lines = ["Force,Grade,Report"]
    for force in FORCES:
        lines.append(f"{force.police_uk},Good,data.police.uk 2020")
        lines.append(f"{force.short},Adequate,HMICFRS 2021")
    path = tmp_path / "all.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = home("outcomes", "import", str(path), "--area", "Overall", "--json")
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)["forces"]) == 43  # no --value needed for any of them
