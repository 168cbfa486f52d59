"""The schedule keeps every hard rule (judged by the independent checker), explains every
review it leaves out, and gives the same programme for the same input."""

from __future__ import annotations

from planner_helpers import END, START, cand, sme

from qam.planner.checker import check
from qam.planner.greedy import greedy
from qam.planner.model import build_instance
from qam.planner.programme import result_document
from qam.planner.solver import solve

FAST = 5.0


def run(smes, cands, *, cap=10, pins=None, exclusions=(), solver=solve):
    inst = build_instance(
        smes, cands, [], start=START, months=6, cap_days=cap, pins=pins, exclusions=exclusions
    )
    sol = solver(inst, time_limit=FAST) if solver is solve else solver(inst)
    doc = result_document(inst, sol)
    broken = check(
        doc, smes, cands, start=START, end=END, cap_days=cap, exclusions=exclusions, pins=pins
    )
    assert broken == [], broken
    return doc, sol


def reason(doc, review):
    return next(u["reason"] for u in doc["unscheduled"] if u["review"] == review)


def pool():
    return [
        sme("S1", "West", ["custody", "vetting"]),
        sme("S2", "East", ["custody"]),
        sme("S3", "North", ["custody", "vetting"], [("2027-01-04", "2027-01-29")]),
        sme("S4", "HQ", ["vetting", "leadership"]),
        sme("S5", "West", ["leadership"]),
    ]


def test_a_feasible_programme_keeps_every_rule_and_schedules_everything():
    cands = [
        cand("R1", "custody", "HQ", team=3),
        cand("R2", "vetting", "West"),
        cand("R3", "leadership", "East", days=2),
        cand("R4", "custody", "West", days=4),
    ]
    doc, sol = run(pool(), cands)
    assert {s["review"] for s in doc["scheduled"]} == {"R1", "R2", "R3", "R4"}
    assert sol.optimal and sol.priority == sol.priority_bound == 12
    r1 = next(s for s in doc["scheduled"] if s["review"] == "R1")
    assert r1["start"] >= "2027-02-01"  # S3 is away all January
    assert {"scheduled", "unscheduled"} <= set(doc) and doc["optimal"] and doc["gap"] == 0
    assert set(r1) == {"review", "start", "end", "team"}


def test_no_one_with_the_skill():
    doc, _ = run(pool(), [cand("R1", "digital_forensics", "HQ")])
    assert "no volunteer holds Digital forensics" in reason(doc, "R1")


def test_not_enough_volunteers_outside_the_unit_names_them():
    doc, _ = run(pool(), [cand("R1", "custody", "West", team=3)])
    text = reason(doc, "R1")
    assert "only two volunteers hold Custody and detention outside West" in text
    assert "S2" in text and "S3" in text and "team of 3" in text


def test_only_volunteers_in_the_unit_itself():
    doc, _ = run(
        pool(), [cand("R1", "leadership", "West", team=1), cand("R2", "leadership", "HQ", team=2)]
    )
    assert "only one volunteer holding" not in reason(doc, "R2")
    assert "outside HQ" in reason(doc, "R2")


def test_window_too_short_and_outside_the_horizon():
    cands = [
        cand("R1", "vetting", "East", days=5, earliest="2027-03-01", latest="2027-03-03"),
        cand("R2", "vetting", "East", earliest="2028-01-01", latest="2028-02-01"),
    ]
    doc, _ = run(pool(), cands)
    assert "only three working days" in reason(doc, "R1") and "needs 5" in reason(doc, "R1")
    assert "outside the planning horizon" in reason(doc, "R2")


def test_cap_spent_is_the_reason_when_the_cap_binds():
    smes = [sme("A", "X", ["custody"]), sme("B", "Y", ["custody"])]
    cands = [
        cand("R1", "custody", "Z", days=4, priority=5, latest="2027-03-31"),
        cand("R2", "custody", "Z", days=4, priority=2, latest="2027-03-31"),
    ]
    doc, _ = run(smes, cands, cap=6)
    assert [s["review"] for s in doc["scheduled"]] == ["R1"]
    assert "both have used their six days in 2026/27" in reason(doc, "R2")


def test_busy_volunteers_make_it_lower_priority():
    smes = [sme("A", "X", ["custody"]), sme("B", "Y", ["custody"])]
    cands = [
        cand("R1", "custody", "Z", days=5, priority=5, earliest="2027-02-01", latest="2027-02-05"),
        cand("R2", "custody", "Z", days=2, priority=1, earliest="2027-02-01", latest="2027-02-05"),
    ]
    doc, _ = run(smes, cands)
    assert "lower priority than the reviews scheduled in its window" in reason(doc, "R2")
    assert "R1 (priority 5)" in reason(doc, "R2")


def test_days_over_the_cap():
    doc, _ = run(pool(), [cand("R1", "vetting", "East", days=12, latest="2027-06-30")])
    assert "more than the cap of 10" in reason(doc, "R1")


def test_pins_and_exclusions_are_applied():
    cands = [cand("R1", "vetting", "East"), cand("R2", "custody", "HQ")]
    doc, _ = run(pool(), cands, pins={"R1": "2027-03-15"}, exclusions=[("S4", ""), ("S2", "R2")])
    r1 = next(s for s in doc["scheduled"] if s["review"] == "R1")
    assert r1["start"] == "2027-03-15" and "S4" not in r1["team"]
    r2 = next(s for s in doc["scheduled"] if s["review"] == "R2")
    assert "S2" not in r2["team"]


def test_exclusions_can_leave_a_review_unstaffed_and_say_so():
    doc, _ = run(pool(), [cand("R1", "custody", "HQ", team=3)], exclusions=[("S2", "")])
    assert "after your exclusions" in reason(doc, "R1") and "S2" in reason(doc, "R1")


def test_reviews_straddling_the_financial_year_count_in_both():
    smes = [sme("A", "X", ["custody"]), sme("B", "Y", ["custody"])]
    cands = [
        cand("R1", "custody", "Z", days=6, earliest="2027-03-29", latest="2027-04-12", priority=5),
        cand("R2", "custody", "Z", days=5, earliest="2027-01-04", latest="2027-03-20", priority=4),
        cand("R3", "custody", "Z", days=5, earliest="2027-05-03", latest="2027-06-30", priority=4),
    ]
    doc, sol = run(smes, cands, cap=8)
    # R1 takes some days in each year, so only one of R2/R3 can still fit beside it... or both without it.
    assert sol.priority == sol.priority_bound


def test_same_input_same_programme():
    cands = [
        cand(f"R{i}", theme, unit, days=2 + i % 3, priority=1 + i % 5)
        for i, (theme, unit) in enumerate(
            [
                ("custody", "HQ"),
                ("vetting", "East"),
                ("custody", "East"),
                ("leadership", "North"),
                ("vetting", "North"),
                ("custody", "HQ"),
            ]
        )
    ]
    first, _ = run(pool(), cands)
    second, _ = run(pool(), cands)
    assert first == second


def test_greedy_keeps_the_rules_too():
    cands = [
        cand("R1", "custody", "HQ", team=3),
        cand("R2", "vetting", "West"),
        cand("R3", "custody", "West"),
    ]
    doc, sol = run(pool(), cands, solver=greedy)
    assert sol.priority > 0
