"""`qam plan` and the commands that ask for what their flags leave out, in a real terminal.

Each choice of each planning menu is reached at least once: the session's "What next?"
(pin, exclude from every review / one review / some dates, clear, re-solve, accept, leave),
the kinds of inspection, the sources and priorities of an area of interest. A refused date
is asked again on its own, and the answers before it stay.
"""

from __future__ import annotations

import json

import pytest
from terminal import Terminal

SOURCES = [
    "OPCC scrutiny",
    "Police and Crime Plan",
    "Audit and Ethics Committee",
    "Strategic Management Board",
    "Chief Officer Group",
]


@pytest.mark.slow
def test_add_inspection_asks_again_for_a_refused_date_only(loaded, qam, db_path):
    t = Terminal(db_path, "plan", "add-inspection", user="hcd.lead")
    t.type("Inspection id", "I09")
    t.type("Title, as HMICFRS names it", "Custody services thematic")
    t.choose("Kind:", "Thematic")
    t.choose("Theme:", "Custody and detention")
    t.type("Expected:", "31/02/2027")
    t.see("not a real date")  # refused as it is typed; the earlier answers stay
    t.type("Expected:", "October 2027")
    t.see("Inspection I09 (Custody services thematic) expected 1 Oct 2027")
    assert t.finish() == 0
    inspections = _stored(db_path, "inspections")
    assert inspections["I09"]["kind"] == "thematic" and inspections["I09"]["theme"] == "custody"
    assert inspections["I09"]["expected"] == "2027-10-01"


def _stored(db_path, what: str) -> dict[str, dict]:
    """Inspections or areas of interest as the store holds them, by id."""
    from qam.store import Store
    from qam.store import candidates as candidates_db

    with Store.open(db_path) as store:
        return {r["id"]: r for r in getattr(candidates_db, what)(store)}


@pytest.mark.slow
def test_every_kind_source_and_priority_from_the_menus(loaded, qam, db_path):
    for n, kind in enumerate(["PEEL", "Thematic", "Joint"]):
        t = Terminal(
            db_path,
            "plan",
            "add-inspection",
            "--id",
            f"K{n}",
            "--title",
            f"Inspection {kind}",
            "--theme",
            "Custody",
            "--expected",
            "01/11/2027",
            user="hcd.lead",
        )
        t.choose("Kind:", kind)
        t.see(f"Inspection K{n}")
        assert t.finish() == 0
    for n, source in enumerate(SOURCES):
        t = Terminal(
            db_path,
            "plan",
            "add-aoi",
            "--id",
            f"S{n}",
            "--title",
            f"Raised by {source}",
            user="hcd.lead",
        )
        t.choose("Theme:", "Stop and search")
        t.choose("Raised by:", source)
        t.move("Priority:", n)  # 1 (low) to 5 (high)
        t.type("When it was raised:", "14/10/2026" if n else "")
        t.see(f"Area of interest S{n}")
        assert t.finish() == 0
    kinds = {i: row["kind"] for i, row in _stored(db_path, "inspections").items()}
    assert [kinds[f"K{n}"] for n in range(3)] == ["peel", "thematic", "joint"]
    aois = _stored(db_path, "areas_of_interest")
    assert [aois[f"S{n}"]["source"] for n in range(5)] == [
        "opcc_scrutiny",
        "police_and_crime_plan",
        "audit_and_ethics",
        "smb",
        "cog",
    ]
    assert [int(aois[f"S{n}"]["priority"]) for n in range(5)] == [1, 2, 3, 4, 5]


@pytest.mark.slow
def test_every_choice_of_the_planning_session(loaded, qam, db_path):
    t = Terminal(db_path, "plan", "--start", "01/12/2026", "--time-limit", "5", user="hcd.lead")
    t.see("Proposed programme")
    t.choose("What next?", "Pin a review")
    t.choose("Which review?", "R03:")
    t.type("Start on", "07/06/2027")
    t.see("R03 is pinned to start on Monday 7 June 2027")
    t.choose("What next?", "Exclude an SME")
    t.choose("Which SME?", "SME05:")
    t.choose("Exclude them from", "Every review")
    t.see("SME05 is excluded from every review")
    t.choose("What next?", "Exclude an SME")
    t.choose("Which SME?", "SME06:")
    t.choose("Exclude them from", "One review")
    t.choose("Which review?", "R02:")
    t.see("SME06 is excluded from review R02")
    t.choose("What next?", "Exclude an SME")
    t.choose("Which SME?", "SME04:")
    t.choose("Exclude them from", "Some dates")
    t.type("From", "01/03/2027")
    t.type("To", "12/03/2027")
    t.see("SME04 is excluded for 1–12 Mar 2027")
    t.choose("What next?", "Accept this programme")
    t.answer("re-solve first?", False)
    t.answer("as the programme?", False)  # not yet
    t.choose("What next?", "Clear all pins and exclusions")
    t.see("All pins and exclusions cleared.")
    t.choose("What next?", "Exclude an SME")
    t.choose("Which SME?", "SME04:")
    t.choose("Exclude them from", "Some dates")
    t.type("From", "01/03/2027")
    t.type("To", "12/03/2027")
    t.choose("What next?", "Re-solve")
    t.see("Your changes: pinned none; excluded")
    t.choose("What next?", "Leave without accepting")
    t.see("Left without accepting")
    assert t.finish() == 0

    t = Terminal(db_path, "plan", "--start", "01/12/2026", "--time-limit", "5", user="hcd.lead")
    t.see("Mark Pendleton (SME04) for 1–12 Mar 2027")  # kept from last time
    t.choose("What next?", "Pin a review")
    t.choose("Which review?", "R03:")
    t.type("Start on", "07/06/2027")
    t.choose("What next?", "Accept this programme")
    t.answer("re-solve first?", True)
    t.choose("What next?", "Accept this programme")
    t.answer("as the programme?", True)
    t.see("Accepted:")
    assert t.finish() == 0
    reviews = {r["id"]: r for r in json.loads(qam("reviews", "list", "--json").stdout)}
    assert reviews["R03"]["start"] == "2027-06-07"

    t = Terminal(db_path, "plan", "--time-limit", "5", user="hcd.lead")
    t.see("What next?")
    t.press("\x03")  # Ctrl-C leaves like Esc: nothing half-done
    assert t.finish() == 130
    assert "Stopped. Everything already saved is kept." in t.screen
