"""Outcomes: the table ends at its first blank row; abbreviations refused by row until mapped."""

from __future__ import annotations

import json

from register_helpers import error_line, snapshot

from qam.register.outcomes import area_theme, areas_needing_improvement, summary

SHEET = """Force,Area,Grade,Report,Published
Kent Police,Investigating crime,Good,PEEL 2023-25: Kent,01/03/2024
Kent Police,Responding to the public,Requires improvement,PEEL 2023-25: Kent,01/03/2024
Kent Police,Protecting vulnerable people,Requires improvement,PEEL 2023-25: Kent,01/03/2024
GMP,Investigating crime,Inadequate,PEEL 2021/22: Greater Manchester,01/12/2022
GMP,Responding to the public,Adequate,PEEL 2021/22: Greater Manchester,01/12/2022
,,,,
Summary,2 forces,,,
Source: HMICFRS,,,,
Note: grades as published,,,,
"""


def test_abbreviation_refused_by_row_then_imported_with_value(home, tmp_path, db_path):
    path = tmp_path / "grades.csv"
    path.write_text(SHEET, encoding="utf-8")
    before = snapshot(db_path)
    result = home("outcomes", "import", str(path))
    assert result.exit_code == 1
    line = error_line(result)
    assert (
        "row 5" in line
        and "'Force'" in line
        and "GMP" in line
        and "Greater Manchester Police" in line
    )
    assert snapshot(db_path) == before
    result = home("outcomes", "import", str(path), "--value", "force:GMP=Greater Manchester Police")
    assert result.exit_code == 0, result.stderr
    assert "3 rows after it" in result.stderr and result.stderr.startswith("Warning:")
    rows = json.loads(home("outcomes", "list", "--json").stdout)
    assert len(rows) == 5 and {r["force"] for r in rows} == {
        "Kent Police",
        "Greater Manchester Police",
    }
    assert {r["grade"] for r in rows} == {"good", "requires_improvement", "inadequate", "adequate"}
    # importing the same sheet again changes nothing
    again = home(
        "outcomes", "import", str(path), "--value", "force:GMP=Greater Manchester Police", "--json"
    )
    assert json.loads(again.stdout)["new_or_changed"] == 0
    doc = json.loads(home("outcomes", "summary", "--json").stdout)
    # Kent: 2 RI beat 1 good; GMP: a tie of inadequate and adequate goes to the worse grade
    assert doc == {"total": 2, "by_grade": {"requires_improvement": 1, "inadequate": 1}}


def test_unknown_grade_and_missing_force_column(home, tmp_path, db_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Force,Area,Grade\nKent Police,Investigating crime,Superb\n", encoding="utf-8")
    before = snapshot(db_path)
    result = home("outcomes", "import", str(bad))
    assert result.exit_code == 1 and "row 2" in error_line(result) and "Superb" in result.stderr
    bad.write_text("Name,Area,Grade\nKent Police,Investigating crime,Good\n", encoding="utf-8")
    result = home("outcomes", "import", str(bad))
    assert result.exit_code == 1 and "no column for force" in error_line(result)
    assert snapshot(db_path) == before


def test_example_outcomes_and_areas_needing_improvement(home, store):
    from qam.paths import data_dir

    result = home("outcomes", "import", str(data_dir("plans") / "outcomes.csv"))
    assert result.exit_code == 0, result.stderr
    assert "ignored" in result.stderr
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


def test_area_themes():
    assert area_theme("Protecting vulnerable people") == "vulnerability"
    assert (
        area_theme("Treating the public fairly, appropriately and respectfully")
        == "public_treatment"
    )
    assert area_theme("Something new") is None
