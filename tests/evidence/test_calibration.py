"""Calibration: the self-assessment against HMICFRS's grades, checked against a hand count."""

from __future__ import annotations

import json

import pytest

from qam.analysis.calibration import area_calibration, calibration, match_areas
from tests.evidence.helpers import graded, review, set_up

PEEL_2025 = "PEEL 2023–25: An inspection of Westshire Police"
GRADES_CSV = f"""Force,Area,Grade,Report,Published
Westshire Police,Protecting vulnerable people,Requires improvement,{PEEL_2025},14/03/2025
Westshire Police,Managing offenders and suspects,Requires improvement,{PEEL_2025},14/03/2025
Westshire Police,"Treating the public fairly, appropriately and respectfully",Good,{PEEL_2025},14/03/2025
Westshire Police,Leadership and force management,Adequate,{PEEL_2025},14/03/2025
Westshire Police,"Building, supporting and protecting the workforce",Good,{PEEL_2025},14/03/2025
Westshire Police,Investigating crime,Adequate,{PEEL_2025},14/03/2025
Westshire Police,Overall,Adequate,{PEEL_2025},14/03/2025
Wiltshire Police,Protecting vulnerable people,Good,PEEL 2023–25: An inspection of Wiltshire Police,01/08/2024
Westshire Police,Protecting vulnerable people,Good,PEEL 2025–27: An inspection of Westshire Police,02/11/2027
"""


@pytest.fixture
def calibrated(store, tmp_path, qam):
    """Three reviews (two before the 2025 publication, one after) and the published grades."""
    set_up(store)
    review(store, "R-A", start="2024-05-06", end="2024-06-14")
    review(store, "R-B", start="2024-10-07", end="2024-11-29")
    review(store, "R-C", start="2025-05-05", end="2025-06-13")
    graded(store, "R-A", [("vul-1", "good"), ("off-1", "good")])
    graded(
        store,
        "R-B",
        [("vul-1", "requires_improvement"), ("pub-1", "adequate"), ("lead-1", "outstanding")],
    )
    graded(store, "R-C", [("wf-1", "good"), ("vul-1", "adequate")])
    sheet = tmp_path / "westshire-grades.csv"
    sheet.write_text(GRADES_CSV, encoding="utf-8")
    result = qam("outcomes", "import", str(sheet))
    assert result.exit_code == 0, result.stderr
    return store


def test_calibration_matches_a_hand_count(calibrated, qam):
    result = qam("outcomes", "calibrate", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    first, later = doc["inspections"]
    assert first["inspection"] == PEEL_2025 and first["published"] == "2025-03-14"
    # By hand: vulnerable people RI v RI (exact, R-B is the latest before publication);
    # offenders Good (R-A) v RI: 2 too kind; public Adequate v Good: 1 too harsh; leadership
    # Outstanding v Adequate: 2 too kind; workforce (R-C ended after) and investigation:
    # blind spots. The Overall row is not an area; Wiltshire's grades are not ours.
    assert first["areas"] == 6 and first["compared"] == 4
    assert first["exact"] == pytest.approx(1 / 4)
    assert first["within_one"] == pytest.approx(2 / 4)
    assert (first["too_kind"], first["too_harsh"]) == (2, 1)
    assert first["mean_gap"] == pytest.approx((0 + 2 - 1 + 2) / 4)
    assert first["direction"] == "too_kind"
    assert sorted(first["blind_spots"]) == [
        "Building, supporting and protecting the workforce",
        "Investigating crime",
    ]
    by_area = {r["area"]: r for r in first["rows"]}
    assert by_area["Protecting vulnerable people"]["review"] == "R-B"
    assert by_area["Managing offenders and suspects"]["gap"] == 2
    # The 2027 inspection sets R-C's grade (Adequate) against Good: one too harsh.
    assert later["rows"][0]["self_assessed"] == "adequate" and later["rows"][0]["gap"] == -1
    assert doc["overall"]["compared"] == 5


def test_each_area_keeps_its_latest_calibration(calibrated):
    latest = area_calibration(calibrated)
    assert latest["Protecting vulnerable people"]["published"] == "2027-11-02"
    assert latest["Investigating crime"]["self_assessed"] is None


def test_a_moderated_grade_is_the_self_assessment(store, tmp_path, qam):
    from qam.fieldwork import moderation

    set_up(store)
    review(store, "R-B", start="2024-10-07", end="2024-11-29")
    [finding] = graded(store, "R-B", [("vul-1", "good")])
    moderation.second_grade(store, finding["id"], grade="inadequate", actor="pc.western")
    moderation.moderate(
        store, finding["id"], grade="requires_improvement", reason="two apart", actor="lead"
    )
    sheet = tmp_path / "g.csv"
    sheet.write_text(GRADES_CSV, encoding="utf-8")
    qam("outcomes", "import", str(sheet))
    latest = area_calibration(store)["Protecting vulnerable people"]
    assert (latest["published"], latest["self_assessed"], latest["gap"]) == (
        "2027-11-02",
        "requires_improvement",
        -2,
    )
    first = calibration(store)["inspections"][0]
    vul = next(r for r in first["rows"] if r["area"] == "Protecting vulnerable people")
    assert vul["self_assessed"] == "requires_improvement" and vul["gap"] == 0


def test_areas_match_across_cycles_by_theme():
    areas = [
        "Treating the public fairly, appropriately and respectfully",
        "Protecting vulnerable people",
    ]
    assert match_areas(
        "Engaging with and treating the public with fairness and respect", areas
    ) == [areas[0]]
    assert match_areas("PROTECTING vulnerable  people", areas) == [areas[1]]
    assert match_areas("Specialist capabilities", areas) == []


def test_without_the_home_forces_grades_it_says_what_to_import(store, qam):
    set_up(store)
    result = qam("outcomes", "calibrate")
    assert result.exit_code == 0
    assert "qam outcomes import" in result.stdout
    assert json.loads(qam("outcomes", "calibrate", "--json").stdout)["inspections"] == []


def test_calibration_and_readiness_reports_show_it(calibrated, tmp_path, qam):
    from tests.reports.htmlcheck import Page

    result = qam("report", "calibration", "--out", str(tmp_path))
    assert result.exit_code == 0, result.stderr
    html = (tmp_path / "calibration-stakeholder-OFFICIAL-SENSITIVE.html").read_text()
    text = " ".join(" ".join(Page(html).text).split())
    assert "4 of 6 areas compared: 25% exactly right, 50% within one grade" in text
    assert "0.8 grades too kind (2 too kind, 1 too harsh)" in text
    assert "Blind spot" in text and "Investigating crime" in text
    assert qam("report", "calibration", "--view", "public").exit_code == 1
    qam("report", "readiness", "--out", str(tmp_path))
    readiness = Page((tmp_path / "readiness-stakeholder-OFFICIAL-SENSITIVE.html").read_text())
    said = " ".join(" ".join(readiness.text).split())
    assert "self-assessed Good in R-A: 2 grades too kind" in said
    assert "HMICFRS Requires improvement (14 Mar 2025)" in said
    qam("report", "readiness", "--view", "public", "--out", str(tmp_path))
    public = (tmp_path / "readiness-public.html").read_text()
    assert "too kind" not in public and "HMICFRS" not in public
