"""Every review left out says why in words, and what would fix it, computed from the plan."""

from __future__ import annotations

import json
import re

from planner_helpers import END, START, cand, sme

from qam.planner.checker import check
from qam.planner.model import FORCE_WIDE, build_instance
from qam.planner.programme import result_document
from qam.planner.solver import solve


def plan(smes, cands, *, cap=10, exclusions=()):
    inst = build_instance(
        smes, cands, [], start=START, months=6, cap_days=cap, exclusions=exclusions
    )
    doc = result_document(inst, solve(inst, time_limit=5))
    assert check(doc, smes, cands, start=START, end=END, cap_days=cap, exclusions=exclusions) == []
    return {u["review"]: u for u in doc["unscheduled"]}


def test_a_smaller_team_and_another_volunteer_are_offered_when_too_few_hold_the_skill():
    smes = [sme("A", "X", ["custody"]), sme("B", "Y", ["custody"]), sme("C", "Z", ["vetting"])]
    out = plan(smes, [cand("R1", "custody", "West", team=3)])["R1"]
    assert "only two volunteers hold Custody and detention outside West" in out["reason"]
    assert "a team of 2 instead of 3 could be staffed from 4 Jan 2027" in out["fix"]
    assert "one more volunteer with Custody and detention outside West" in out["fix"]


def test_a_window_a_few_weeks_longer_is_offered_when_that_is_what_it_takes():
    # A and B are away 18 Jan to 26 Feb; R1 takes their first week, so R2 (a window of the
    # same week) cannot run unless its window ends after they are back.
    away = [("2027-01-11", "2027-02-26")]
    smes = [sme("A", "X", ["custody"], away), sme("B", "Y", ["custody"], away)]
    cands = [
        cand("R1", "custody", "Z", days=5, priority=5, earliest="2027-01-04", latest="2027-01-08"),
        cand("R2", "custody", "Z", days=3, priority=1, earliest="2027-01-04", latest="2027-02-19"),
    ]
    out = plan(smes, cands)["R2"]
    assert out["reason"].startswith("lower priority than the reviews scheduled in its window")
    assert "a window ending two weeks later (by 5 Mar 2027) would fit" in out["fix"]


def test_spent_cap_is_said_in_words_and_names_what_would_fix_it():
    smes = [sme("A", "X", ["custody"]), sme("B", "Y", ["custody"])]
    cands = [
        cand("R1", "custody", "Z", days=4, priority=5, latest="2027-03-31"),
        cand("R2", "custody", "Z", days=4, priority=2, latest="2027-03-31"),
    ]
    out = plan(smes, cands, cap=6)["R2"]
    assert "both have used their six days in 2026/27" in out["reason"]
    assert "a window ending" in out["fix"] or "more volunteer" in out["fix"]


def test_force_wide_reviews_read_without_a_unit_and_with_theme_labels():
    smes = [sme("A", "X", ["custody"])]
    cands = [
        cand("AOI-A1", "victim_care", FORCE_WIDE),
        cand("AOI-A2", "stop_and_search", FORCE_WIDE, team=2),
        cand("AOI-A3", "custody", FORCE_WIDE, team=2),
    ]
    out = plan(smes + [sme("B", "Y", ["stop_and_search"])], cands)
    assert out["AOI-A1"]["reason"] == "no volunteer holds Service to victims of crime"
    assert "Force-wide" not in json.dumps(out) and "stop_and_search" not in json.dumps(out)
    assert "victim_care" not in json.dumps(out)
    assert out["AOI-A3"]["reason"].startswith("only one volunteer holds Custody and detention (")
    assert (
        "one more volunteer with Custody and detention, free in its window" in out["AOI-A3"]["fix"]
    )


def test_exclusions_name_who_to_put_back():
    smes = [sme("A", "X", ["custody"]), sme("B", "Y", ["custody"])]
    out = plan(smes, [cand("R1", "custody", "Z")], exclusions=[("B", "")])["R1"]
    assert "after your exclusions (Name B (B))" in out["reason"]
    assert "put back Name B (B) (qam plan exclude B --undo)" in out["fix"]


def test_plan_show_and_solve_give_the_reason_and_the_fix(loaded, qam, store):
    from qam.planner.reasons import unscheduled

    solved = json.loads(qam("plan", "solve", "--start", "2026-12-01", "--json").stdout)
    r04 = next(u for u in solved["unscheduled"] if u["review"] == "R04")
    assert re.search(r"a team of [12] instead of 3 could be staffed from \d+ \w+ 202\d", r04["fix"])
    shown = json.loads(qam("plan", "show", "--json").stdout)
    assert shown["unscheduled"] == solved["unscheduled"]
    text = qam("plan", "show").stdout
    assert "What would fix it" in text and "instead of 3" in " ".join(text.split())
    for_report = unscheduled(store)
    assert [u["review"] for u in for_report] == ["R04"]
    assert for_report[0]["reason"] == r04["reason"] and for_report[0]["fix"] == r04["fix"]
    assert for_report[0]["theme"] == "Custody and detention" and for_report[0]["title"]
