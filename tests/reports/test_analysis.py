"""The pure analysis functions, checked with pandas.testing."""

from __future__ import annotations

import random
from datetime import date

import pandas as pd
import pandas.testing as pdt
import pytest

from qam.analysis import coverage, readiness, register, suggest
from qam.reports.suppression import suppress

QUESTIONS = [
    {"question_set": "paf-2023", "question_id": "vul-1", "area": "Protecting vulnerable people"},
    {"question_set": "paf-2023", "question_id": "off-1", "area": "Managing offenders and suspects"},
]
REVIEWS = [
    {"id": "R2", "start": "2027-06-01", "end": "2027-07-01"},
    {"id": "R1", "start": "2027-01-01", "end": "2027-02-01"},
]


def totals(review, question, grade, findings, sources):
    return {
        "review_id": review,
        "question_set": "paf-2023",
        "question_id": question,
        "grade": grade,
        "findings": findings,
        "sources": sources,
    }


def test_area_grade_is_the_source_weighted_median():
    rows = [
        totals("R1", "vul-1", "good", 3, 3),
        totals("R1", "vul-1", "inadequate", 1, 4),
        totals("R2", "vul-1", "adequate", 2, 2),
        totals("R2", "off-1", "outstanding", 1, 1),
    ]
    got = readiness.area_grades(rows, QUESTIONS, REVIEWS)
    expected = pd.DataFrame(
        {
            "area": [
                "Managing offenders and suspects",
                "Protecting vulnerable people",
                "Protecting vulnerable people",
            ],
            "review_id": ["R2", "R1", "R2"],
            "order": [2, 1, 2],
            "grade_index": [0, 4, 2],
            "grade": ["outstanding", "inadequate", "adequate"],
            "findings": [1, 4, 2],
            "sources": [1, 7, 2],
        }
    )
    pdt.assert_frame_equal(got.reset_index(drop=True), expected, check_dtype=False)


def test_readiness_flags_deep_dives_with_trend_and_board():
    grades = pd.DataFrame(
        {
            "area": ["A", "A", "B"],
            "review_id": ["R1", "R2", "R1"],
            "order": [1, 2, 1],
            "grade_index": [3, 2, 1],
            "grade": ["requires_improvement", "adequate", "good"],
            "findings": [5, 6, 7],
            "sources": [9, 8, 7],
        }
    )
    got = readiness.readiness(grades, [("A", "Operational Assessment Board")], ["A", "B", "C"])
    assert list(got["area"]) == ["B", "C", "A"]  # sorted by board, then area
    a = got.set_index("area").loc["A"]
    assert (
        a["grade"],
        a["previous_grade"],
        a["trend"],
        a["below_good_running"],
        a["deep_dive"],
    ) == ("adequate", "requires_improvement", "improved", 2, True)
    assert a["board"] == "Operational Assessment Board" and a["history"] == [
        "requires_improvement",
        "adequate",
    ]
    b = got.set_index("area").loc["B"]
    assert (b["trend"], b["deep_dive"], b["board"]) == ("first", False, "No board assigned")
    c = got.set_index("area").loc["C"]
    assert c["grade"] is None and c["trend"] == "not_assessed"


def test_weighted_median_of_findings():
    rows = [
        {"grade": "good", "sources": 1},
        {"grade": "inadequate", "sources": 5},
        {"grade": None, "sources": 9},
    ]
    assert readiness.weighted_median_grade(rows) == "inadequate"
    assert readiness.weighted_median_grade([]) is None


def test_ageing_bands_and_overdue():
    items = [
        {"status": "being_progressed", "report_published": "2025-06-01", "due": "2026-01-01"},
        {"status": "awaiting_review", "report_published": "2021-01-01", "due": None},
        {"status": "completed", "report_published": "2010-01-01", "due": "2011-01-01"},
        {"status": "will_be_progressed", "report_published": None, "due": None},
    ]
    got = register.ageing(items, date(2026, 3, 1))
    expected = pd.DataFrame(
        {"band": list(register.AGE_BANDS), "items": [1, 0, 0, 1, 1], "overdue": [1, 0, 0, 0, 0]}
    )
    pdt.assert_frame_equal(got, expected)


def test_abstraction_by_financial_year_against_cap():
    reviews = [
        {"id": "R1", "start": "2027-03-01", "days": 4},
        {"id": "R2", "start": "2027-04-10", "days": 6},
        {"id": "R3", "start": "2027-09-01", "days": 5},
    ]
    team = [
        {"review_id": r, "sme_id": "S1", "name": "Ann", "unit": "X"} for r in ("R1", "R2", "R3")
    ]
    got = coverage.abstraction(reviews, team, cap=10)
    expected = pd.DataFrame(
        {
            "sme_id": ["S1", "S1"],
            "name": ["Ann", "Ann"],
            "unit": ["X", "X"],
            "year": ["2026/27", "2027/28"],
            "days": [4, 11],
            "cap": [10, 10],
            "remaining": [6, -1],
            "over_cap": [False, True],
        }
    )
    pdt.assert_frame_equal(
        got.sort_values("year").reset_index(drop=True), expected, check_dtype=False
    )


def test_fieldwork_progress_fills_missing_counts():
    got = coverage.fieldwork_progress(
        [{"id": "R1", "title": "t", "unit": "u", "status": "planned"}], [], []
    )
    assert (
        got.loc[0, ["sessions", "finalised", "findings", "graded", "good_practice"]].tolist()
        == [0] * 5
    )


@pytest.mark.parametrize(
    "status,grades,sources,expected",
    [
        ("being_progressed", ["good", "outstanding"], [1, 1], "completed"),
        ("being_progressed", ["good"], [1], None),  # one source is not enough
        ("being_progressed", ["good", "requires_improvement"], [3, 3], None),
        ("completed", ["inadequate"], [1], "awaiting_review"),
        ("completed", ["good"], [4], None),
        ("awaiting_review", [None], [2], None),
    ],
)
def test_status_suggestions(status, grades, sources, expected):
    findings = [{"grade": g, "sources": s} for g, s in zip(grades, sources, strict=True)]
    assert suggest.suggest_status(status, findings)[0] == expected


def test_suppression_never_leaves_a_small_count_derivable():
    rng = random.Random(36)
    for _ in range(2000):
        counts = [rng.choice([0, 1, 2, 3, 4, 5, 6, 9, 20]) for _ in range(rng.randint(1, 6))]
        cells, total = suppress([(str(i), c) for i, c in enumerate(counts)])
        hidden = [c for c, cell in zip(counts, cells, strict=True) if cell.count is None]
        for c, cell in zip(counts, cells, strict=True):
            if 0 < c < 5:
                assert cell.count is None
        if hidden and total.count is not None:
            assert len(hidden) >= 2 and sum(hidden) >= 5, counts
        if total.count is not None:
            assert total.count >= 5 or total.count == 0
