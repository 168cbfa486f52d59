"""A regional pool (500 candidate reviews, 150 SMEs) is never planned empty, and keeps every
hard rule; the example-sized pool (60 x 22) is planned to the proven optimum. Timings and
the comparison with a reference bound are in benchmarks/plan_benchmark.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from plan_benchmark import END, MONTHS, START, generate, steering  # noqa: E402

from qam.planner import solver  # noqa: E402
from qam.planner.checker import check  # noqa: E402
from qam.planner.model import build_instance  # noqa: E402
from qam.planner.programme import result_document  # noqa: E402


def planned(n, m, seed=11, **solve_args):
    smes, cands = generate(seed, n, m)
    pins, exclusions = steering(seed, smes, cands)
    inst = build_instance(
        smes, cands, [], start=START, months=MONTHS, pins=pins, exclusions=exclusions
    )
    sol = solver.solve(inst, **solve_args)
    doc = result_document(inst, sol)
    broken = check(doc, smes, cands, start=START, end=END, pins=pins, exclusions=exclusions)
    assert broken == [], broken[:5]
    return sol, doc


def test_a_regional_pool_at_a_short_time_limit_gets_a_plan_that_keeps_every_rule():
    sol, doc = planned(500, 150, time_limit=1)
    assert len(doc["scheduled"]) > 300 and sol.priority >= sol.greedy_priority > 0
    assert sol.priority <= sol.priority_bound and doc["gap"] < 0.1
    assert all(u["reason"] and u["fix"] for u in doc["unscheduled"])


def test_the_example_sized_pool_reaches_the_proven_optimum():
    sol, doc = planned(60, 22, seed=7)
    assert sol.optimal and sol.priority == sol.priority_bound and doc["gap"] == 0


def test_when_cp_sat_finds_nothing_the_greedy_plan_is_returned(monkeypatch):
    real = solver._solver

    def no_time(seconds, workers, seed, gap=0.0):
        stalled = real(seconds, workers, seed, gap)
        stalled.parameters.max_time_in_seconds = 0.0  # stops before any solution
        return stalled

    monkeypatch.setattr(solver, "_solver", no_time)
    sol, doc = planned(60, 22, seed=7)
    assert sol.status == "UNKNOWN" and not sol.optimal
    assert sol.priority == sol.greedy_priority > 0 and len(doc["scheduled"]) > 30
    assert sol.priority_bound > sol.priority  # the relaxation's bound, not a claim of optimum


@pytest.mark.slow
def test_a_regional_pool_at_the_default_time_limit_is_within_five_percent_of_its_bound():
    sol, doc = planned(500, 150)
    assert doc["gap"] <= 0.05 and sol.time_limit <= solver.MAX_SECONDS
