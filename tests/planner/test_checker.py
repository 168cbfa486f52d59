"""The independent checker catches each kind of broken rule (so a clean check means something)."""

from __future__ import annotations

import copy

import pytest
from planner_helpers import END, START, cand, sme

from qam.planner.checker import check

SMES = [
    sme("A", "X", ["custody"], [("2027-02-15", "2027-02-19")]),
    sme("B", "Y", ["custody"]),
    sme("C", "Z", ["vetting"]),
]
CANDS = [
    cand("R1", "custody", "Z", days=3, latest="2027-03-31"),
    cand("R2", "custody", "Q", days=2),
]
GOOD = {
    "scheduled": [
        {"review": "R1", "start": "2027-01-05", "end": "2027-01-07", "team": ["A", "B"]},
        {"review": "R2", "start": "2027-01-11", "end": "2027-01-12", "team": ["A", "B"]},
    ],
    "unscheduled": [],
}


def broken(mutate, **kw):
    doc = copy.deepcopy(GOOD)
    mutate(doc)
    return check(doc, SMES, CANDS, start=START, end=END, **kw)


def test_the_good_programme_passes():
    assert check(GOOD, SMES, CANDS, start=START, end=END) == []


@pytest.mark.parametrize(
    "mutate,expected",
    [
        (lambda d: d["scheduled"][0].update(team=["A"]), "distinct SMEs"),
        (lambda d: d["scheduled"][0].update(team=["A", "A"]), "distinct SMEs"),
        (lambda d: d["scheduled"][0].update(team=["A", "C"]), "does not hold custody"),
        (
            lambda d: d["scheduled"][1].update(start="2027-01-06", end="2027-01-07"),
            "is on R1 and R2",
        ),
        (lambda d: d["scheduled"][1].update(start="2027-02-15", end="2027-02-16"), "unavailable"),
        (lambda d: d["scheduled"][0].update(end="2027-01-08"), "spans 4 working days"),
        (
            lambda d: d["scheduled"][0].update(start="2027-04-01", end="2027-04-05"),
            "after its window",
        ),
        (
            lambda d: d["scheduled"][0].update(start="2027-01-02", end="2027-01-05"),
            "not a working day",
        ),
        (lambda d: d["scheduled"].pop(), "neither scheduled nor explained"),
    ],
)
def test_each_broken_rule_is_caught(mutate, expected):
    problems = broken(mutate)
    assert any(expected in p for p in problems), problems


def test_own_unit_and_cap_and_exclusions_are_caught():
    own = [sme("A", "Z", ["custody"]), sme("B", "Y", ["custody"])]
    assert any("own unit" in p for p in check(GOOD, own, CANDS, start=START, end=END))
    assert any(
        "over the cap of 4" in p for p in check(GOOD, SMES, CANDS, start=START, end=END, cap_days=4)
    )
    assert any(
        "excluded" in p
        for p in check(GOOD, SMES, CANDS, start=START, end=END, exclusions=[("B", "R2")])
    )
