"""The force's published positions, reproduced from trackers with unfamiliar headers and spellings."""

from __future__ import annotations

import json
from datetime import date
from itertools import cycle

from register_helpers import write_csv

JAN_2017_HEADERS = [
    "Rec No",
    "Detail of recommendation",
    "Category",
    "Applies to",
    "Progress",
    "HMIC report",
    "Report date",
    "PEEL area",
    "Chief officer lead",
    "Notes",
]


def _january_2017(tmp_path):
    """311 items: the counts of the force's January 2017 report to the PCC."""
    spellings = {
        "awaiting_review": cycle(["Awaiting Review", "awaiting-review"]),
        "being_progressed": cycle(["Being Progressed", "In progress", "being progressed"]),
        "completed": cycle(["Complete", "Completed", "COMPLETE"]),
        "no_further_action": cycle(
            ["No further action required", "No further action needed", "NFA"]
        ),
    }
    scopes = {
        "national": cycle(["National Thematic", "HMIC Thematic"]),
        "force": cycle(["Westshire Police", "Westshire"]),
    }
    types = cycle(["Recommendation", "Rec", "AFI", "Area for improvement"])
    # themes as trackers write them: labels, slugs, the inspectorate's own words, and one the
    # force has not listed yet (added with --add-themes)
    themes = cycle(
        [
            "Custody and detention",
            "call_handling",
            "Counter Terrorism",
            "Stalking and Harassment",
            "Crime Data Integrity",
            "Wildlife Crime",
        ]
    )
    plan = [
        ("national", "awaiting_review", 17),
        ("national", "being_progressed", 17),
        ("national", "completed", 47),
        ("force", "awaiting_review", 3),
        ("force", "being_progressed", 63),
        ("force", "completed", 77),
        ("force", "no_further_action", 87),
    ]
    rows, n = [], 0
    for scope, status, count in plan:
        for _ in range(count):
            n += 1
            day = n % 28 + 1
            rows.append(
                [
                    f"HMIC/{n:03d}",
                    f"Recommendation {n}: the force should, within six months, act.",
                    next(types),
                    next(scopes[scope]),
                    next(spellings[status]),
                    f"Report {n % 9}",
                    f"{day:02d}/{(n % 12) + 1:02d}/{2013 + n % 4}",
                    next(themes),
                    "ACC Crime",
                    f"note {n}",
                ]
            )
    return write_csv(tmp_path / "tracker-jan-2017.csv", JAN_2017_HEADERS, rows, bom=True)


def test_january_2017_position(home, tmp_path):
    path = _january_2017(tmp_path)
    result = home(
        "recs",
        "import",
        str(path),
        "--map",
        "Rec No=ref",
        "--map",
        "Detail of recommendation=text",
        "--map",
        "PEEL area=theme",
        "--map",
        "Progress=status",
        "--map",
        "HMIC report=report",
        "--map",
        "Report date=published",
        "--value",
        "scope:HMIC Thematic=national",
        "--add-themes",
    )
    assert result.exit_code == 0, result.stderr
    assert "Added to the force's themes: Wildlife Crime." in result.stdout
    doc = json.loads(home("recs", "summary", "--json").stdout)
    assert doc["total"] == 311
    assert doc["by_scope"]["national"] == {
        "total": 81,
        "being_progressed": 17,
        "awaiting_review": 17,
        "completed": 47,
    }
    assert doc["by_scope"]["force"] == {
        "total": 230,
        "completed": 77,
        "no_further_action": 87,
        "being_progressed": 63,
        "awaiting_review": 3,
    }
    assert doc["by_status"] == {
        "completed": 124,
        "no_further_action": 87,
        "being_progressed": 80,
        "awaiting_review": 20,
    }
    text = home("recs", "summary").stdout
    assert (
        "81 national (17 awaiting review, 17 being progressed, 47 complete) and "
        "230 force-specific (3 awaiting review, 63 being progressed, 77 complete, 87 no further action)"
    ) in text
    ct = json.loads(home("recs", "list", "--theme", "counter terrorism", "--json").stdout)
    assert len(ct) == 52 and {i["theme"] for i in ct} == {"counter_terrorism"}
    # the unmapped column survives
    shown = json.loads(home("recs", "show", "HMIC/005", "--json").stdout)
    assert shown["owner"] == "ACC Crime" and shown["extra"] == {"Notes": "note 5"}


def _june_2021(tmp_path):
    """50 outstanding: 1 CoC (joint); 28 AFIs (22 national); 21 recommendations (18 national, 1 joint, 2 force)."""
    from openpyxl import Workbook

    plan = [
        ("Cause of Concern", "Joint", 1),
        ("Area for Improvement", "National", 22),
        ("Area for Improvement", "Force", 6),
        ("Recommendation", "National", 18),
        ("Recommendation", "Joint", 1),
        ("Recommendation", "Force", 2),
    ]
    open_status = cycle(
        ["Being progressed", "Will be progressed", "Awaiting review", "Sort of done"]
    )
    workbook = Workbook()
    workbook.active.title = "Cover"
    workbook.active["A1"] = "Westshire Police HMICFRS tracker, June 2021"
    sheet = workbook.create_sheet("Tracker")
    sheet.append(
        [
            "Reference",
            "Description",
            "Item type",
            "Level",
            "Current status",
            "Report title",
            "Published",
            "Owner",
        ]
    )
    n = 0
    for kind, level, count in plan:
        for _ in range(count):
            n += 1
            sheet.append(
                [
                    f"R{n:02d}",
                    f"Item {n}",
                    kind,
                    level,
                    next(open_status),
                    "PEEL 2019",
                    date(2019, 5, n % 28 + 1),
                    "DCC",
                ]
            )
    for m in range(10):  # closed items do not count as outstanding
        sheet.append(
            [
                f"C{m}",
                f"Closed {m}",
                "Recommendation",
                "National",
                "Complete",
                "PEEL 2019",
                "13/05/2019",
                "DCC",
            ]
        )
    path = tmp_path / "tracker-june-2021.xlsx"
    workbook.save(path)
    return path


def test_june_2021_outstanding_from_xlsx(home, tmp_path):
    path = _june_2021(tmp_path)
    result = home(
        "recs",
        "import",
        str(path),
        "--sheet",
        "Tracker",
        "--value",
        "status:Sort of done=being_progressed",
    )
    assert result.exit_code == 0, result.stderr
    doc = json.loads(home("recs", "summary", "--json").stdout)
    assert doc["outstanding"] == {
        "total": 50,
        "by_type": {
            "cause_of_concern": {"total": 1, "joint": 1},
            "recommendation": {"total": 21, "national": 18, "force": 2, "joint": 1},
            "area_for_improvement": {"total": 28, "national": 22, "force": 6},
        },
    }
    text = home("recs", "summary").stdout
    assert (
        "50 outstanding: 1 cause of concern (1 joint); 28 areas for improvement (22 national, "
        "6 force-specific); 21 recommendations (18 national, 1 joint, 2 force-specific)."
    ) in text
    item = json.loads(home("recs", "show", "R01", "--json").stdout)
    assert item["report_published"] == "2019-05-02"
