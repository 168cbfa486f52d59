"""The reference bound for the planner benchmark, written apart from `qam/planner`.

It reads the same rows a force imports (SMEs, candidate reviews, pins, exclusions) and
computes working days with the `holidays` library itself, then builds a relaxation of the
programme: each review scheduled at most once, on a start inside its window (every working
day), by a team of its size from volunteers who hold the theme, work outside the unit, are
not excluded and are free on every day of that start; each volunteer's days in each
financial year within the cap. It leaves out "never on two reviews on one day", so its
optimum is at least the real one.

Two proven bounds of that relaxation are taken, and the smaller reported: its linear
relaxation (GLOP), and the bound CP-SAT proves on it in a long run (`seconds`). Both are upper
bounds on the total priority any real programme can schedule, so "x% of the reference bound"
is a lower bound on how close a plan is to the best possible.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta


def _working_days(start: date, end: date) -> list[date]:
    import holidays

    hols = holidays.UK(subdiv="ENG", years=range(start.year, end.year + 1))
    out, day = [], start
    while day < end:
        if day.weekday() < 5 and day not in hols:
            out.append(day)
        day += timedelta(days=1)
    return out


def _fy(day: date) -> int:
    return day.year if (day.month, day.day) >= (4, 1) else day.year - 1


def _options(smes, cands, days, cap, pins, exclusions):
    """(review id, priority, team size, {fy: days}, [volunteer ids]) for each way to run it."""
    index = {d: i for i, d in enumerate(days)}
    excluded = {tuple(e) for e in exclusions}
    away = {
        s["id"]: {
            index[d]
            for a, b in s["unavailable"]
            for d in days
            if date.fromisoformat(a) <= d <= date.fromisoformat(b)
        }
        for s in smes
    }
    out = []
    for c in cands:
        n = int(c["days"])
        if c["id"] in pins:
            first = index.get(date.fromisoformat(pins[c["id"]]))
            starts = [first] if first is not None and first + n <= len(days) else []
        else:
            lo = date.fromisoformat(c["earliest"]) if c.get("earliest") else days[0]
            hi = date.fromisoformat(c["latest"]) if c.get("latest") else days[-1]
            inside = [i for i, d in enumerate(days) if lo <= d <= hi]
            starts = [i for i in inside if i + n - 1 <= inside[-1]] if inside else []
        people = [
            s
            for s in smes
            if c["theme"] in s["skills"]
            and s["unit"] != c["unit"]
            and (s["id"], "") not in excluded
            and (s["id"], c["id"]) not in excluded
        ]
        by_split: dict[tuple, set] = defaultdict(set)
        for st in starts:
            span = range(st, st + n)
            split: dict[int, int] = defaultdict(int)
            for i in span:
                split[_fy(days[i])] += 1
            if max(split.values()) > cap:
                continue
            key = tuple(sorted(split.items()))
            by_split[key] |= {s["id"] for s in people if away[s["id"]].isdisjoint(span)}
        for key, who in by_split.items():
            if len(who) >= int(c["team_size"]):
                out.append(
                    (c["id"], int(c["priority"]), int(c["team_size"]), dict(key), sorted(who))
                )
    return out


def _build(m, new_var, options, cap: int) -> None:
    """The relaxation on model `m` (GLOP or CP-SAT), variables made by `new_var()`."""
    x, per_review, load = [], defaultdict(list), defaultdict(list)
    for rid, priority, team, split, who in options:
        xo = new_var()
        x.append((priority, xo))
        per_review[rid].append(xo)
        members = [new_var() for _ in who]
        m.Add(sum(members) == team * xo)
        for v in members:
            m.Add(v <= xo)
        for sid, v in zip(who, members, strict=True):
            for y, d in split.items():
                load[sid, y].append(d * v)
    for xs in per_review.values():
        m.Add(sum(xs) <= 1)
    for terms in load.values():
        m.Add(sum(terms) <= cap)
    m.Maximize(sum(p * xo for p, xo in x))


def reference_bound(smes, cands, *, start, end, cap=10, pins=None, exclusions=(), seconds=60.0):
    """{"lp": ..., "cp_sat": ..., "bound": the smaller} for these rows."""
    from ortools.linear_solver import pywraplp
    from ortools.sat.python import cp_model

    options = _options(smes, cands, _working_days(start, end), cap, pins or {}, exclusions)
    lp = pywraplp.Solver.CreateSolver("GLOP")
    _build(lp, lambda: lp.NumVar(0, 1, ""), options, cap)
    lp.Solve()
    cp = cp_model.CpModel()
    _build(cp, lambda: cp.NewBoolVar(""), options, cap)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2
    solver.Solve(cp)
    bounds = {
        "lp": int(lp.Objective().Value() + 1e-6),
        "cp_sat": int(solver.BestObjectiveBound() + 1e-6),
    }
    return {**bounds, "bound": min(bounds.values())}
