"""The proven bound: no programme can schedule more total priority than this.

It is the linear-programming relaxation (OR-Tools' GLOP) of the plan without the calendar:
every option of every review (see `model.Option`, built from every working-day start), a
team of the right size from the SMEs who could serve it, at most one option a review, and
each SME's days in each financial year within what is left of the cap. What it leaves out:
"never on two reviews on one day", and that a person is on a review wholly or not at all
(nor even that they serve no more of it than it runs: that row for each SME and option makes
the bound seven times slower to compute and, on the pools measured, changes nothing).
Dropping rules can only raise the optimum, so its value bounds every real programme, however
long any solver runs. Its fractional answer also says which reviews and SMEs a good plan
uses: the guided greedy plan follows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qam.planner.model import Option


@dataclass
class Relaxation:
    bound: int
    # option index -> how much of it the relaxation schedules, and of whom (0 to 1).
    scheduled: dict[int, float] = field(default_factory=dict)
    serving: dict[tuple[int, str], float] = field(default_factory=dict)


def relax(options: list[Option], cap_days: int, used: dict[tuple[str, int], int]) -> Relaxation:
    """Solve the relaxation of these options; `bound` is its value rounded down."""
    from ortools.linear_solver import pywraplp

    if not options:
        return Relaxation(0)
    lp = pywraplp.Solver.CreateSolver("GLOP")
    objective = lp.Objective()
    objective.SetMaximization()
    per_review: dict[str, Any] = {}
    load: dict[tuple[str, int], list] = {}
    x, a = [], []
    for o in options:
        xo = lp.NumVar(0, 1, "")
        objective.SetCoefficient(xo, o.review.priority)
        if o.review.id not in per_review:
            per_review[o.review.id] = lp.Constraint(0, 1)
        per_review[o.review.id].SetCoefficient(xo, 1)
        team = lp.Constraint(0, 0)  # sum of members - team_size * x == 0
        team.SetCoefficient(xo, -o.review.team_size)
        members = {}
        for e in o.smes:
            v = lp.NumVar(0, 1, "")
            team.SetCoefficient(v, 1)
            members[e.id] = v
            for y, d in o.split:
                load.setdefault((e.id, y), []).append((d, v))
        x.append(xo)
        a.append(members)
    for (sid, y), terms in load.items():
        budget = cap_days - used.get((sid, y), 0)
        if sum(d for d, _ in terms) > budget:
            cap = lp.Constraint(-lp.infinity(), budget)
            for d, v in terms:
                cap.SetCoefficient(v, d)
    if lp.Solve() != pywraplp.Solver.OPTIMAL:  # cannot happen for this LP; stay honest if it does
        return Relaxation(sum({o.review.id: o.review.priority for o in options}.values()))
    return Relaxation(
        bound=int(objective.Value() + 1e-6),
        scheduled={k: v.solution_value() for k, v in enumerate(x)},
        serving={(k, sid): v.solution_value() for k, m in enumerate(a) for sid, v in m.items()},
    )
