"""The optimal schedule, with OR-Tools CP-SAT.

Variables: for each review that can be staffed at all, a start index `s_r` over its window's
working days, a boolean `x_r` (scheduled) and a boolean `a_re` for each eligible SME. Each
`a_re` carries an optional fixed-size interval [s_r, s_r + days): one NoOverlap per SME over
those intervals and the SME's unavailable days gives "never on two reviews on one day" and
"never on a day they are unavailable"; linear sums per financial year give the cap.

The objective is solved lexicographically in two phases rather than with one weighted sum,
so the priority bound the solver proves is the real bound a person can compare against:
phase 1 maximises total priority scheduled; phase 2 keeps that total and minimises the
busiest SME's days (abstraction spread evenly), then the start days of reviews that prepare
for an inspection (readiness earliest before it).

Determinism: a fixed seed, a fixed number of workers, interleaved search and a limit in the
solver's deterministic time (roughly seconds, but independent of machine load), so the same
input gives the same programme; the limit keeps an interactive session responsive.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from qam.planner.model import Instance

DEFAULT_TIME_LIMIT = 20.0
DEFAULT_WORKERS = 2
SEED = 20240401
PHASE1_SHARE = 0.75  # of the time limit; the rest spreads abstraction and brings readiness forward


@dataclass
class Solution:
    """Start index and team for each scheduled review, with the solver's numbers."""

    starts: dict[str, int] = field(default_factory=dict)
    teams: dict[str, list[str]] = field(default_factory=dict)
    priority: int = 0
    priority_bound: int = 0
    optimal: bool = False
    status: str = ""
    seconds: float = 0.0


Progress = Callable[[str, float, float], None]  # (phase, best objective, bound)


def _solver(seconds: float, workers: int, seed: int):
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    params = solver.parameters
    # Deterministic time, not the wall clock, ends the search, so a busy laptop gets the same
    # programme as an idle one; the wall-clock limit is only a backstop.
    params.max_deterministic_time = max(0.2, seconds)
    params.max_time_in_seconds = max(1.0, 2 * seconds)
    params.num_workers = workers
    params.random_seed = seed
    params.interleave_search = True
    return solver


class _Model:
    """The CP-SAT model of one instance, built once and solved in two phases."""

    def __init__(self, inst: Instance):
        from ortools.sat.python import cp_model

        self.inst = inst
        self.m = cp_model.CpModel()
        m, hz = self.m, inst.horizon
        self.s, self.x, self.a = {}, {}, {}
        intervals: dict[str, list] = {e.id: [] for e in inst.smes}
        for c in inst.candidates:
            starts = inst.starts(c)
            eligible = inst.eligible(c)
            if not starts or len(eligible) < c.team_size or c.days > inst.cap_days:
                continue
            s = m.NewIntVar(starts.start, starts.stop - 1, f"s_{c.id}")
            x = m.NewBoolVar(f"x_{c.id}")
            self.s[c.id], self.x[c.id] = s, x
            members = []
            for e in eligible:
                a = m.NewBoolVar(f"a_{c.id}_{e.id}")
                m.AddImplication(a, x)
                self.a[c.id, e.id] = a
                members.append(a)
                intervals[e.id].append(
                    m.NewOptionalFixedSizeIntervalVar(s, c.days, a, f"i_{c.id}_{e.id}")
                )
            m.Add(sum(members) == c.team_size * x)
        for e in inst.smes:
            for lo, hi in _runs(inst.blocked(e.id)):
                intervals[e.id].append(m.NewIntervalVar(lo, hi - lo + 1, hi + 1, f"u_{e.id}_{lo}"))
            if len(intervals[e.id]) > 1:
                m.AddNoOverlap(intervals[e.id])
        self._caps(hz.fy_ranges())
        self.priority = sum(c.priority * self.x[c.id] for c in inst.candidates if c.id in self.x)

    def _caps(self, years: dict[int, tuple[int, int]]) -> None:
        """Days in each financial year, per SME, within the cap (straddling reviews split)."""
        inst, m = self.inst, self.m
        by_id = {c.id: c for c in inst.candidates}
        for e in inst.smes:
            for year, (ylo, yhi) in years.items():
                terms = []
                for (rid, sid), a in self.a.items():
                    if sid != e.id:
                        continue
                    c = by_id[rid]
                    first, last = inst.starts(c).start, inst.starts(c).stop - 1 + c.days
                    if last <= ylo or first >= yhi:
                        continue
                    if ylo <= first and last <= yhi:
                        terms.append(c.days * a)
                        continue
                    s = self.s[rid]
                    end = m.NewIntVar(0, len(inst.horizon), "")
                    m.AddMinEquality(end, [s + c.days, yhi])
                    begin = m.NewIntVar(0, len(inst.horizon), "")
                    m.AddMaxEquality(begin, [s, ylo])
                    inside = m.NewIntVar(0, c.days, "")
                    m.AddMaxEquality(inside, [end - begin, 0])
                    z = m.NewIntVar(0, c.days, "")
                    m.Add(z <= inside)
                    m.Add(z <= c.days * a)
                    m.Add(z >= inside - c.days * (1 - a))
                    terms.append(z)
                budget = inst.cap_days - inst.used.get((e.id, year), 0)
                if terms:
                    m.Add(sum(terms) <= max(0, budget))

    def solve(
        self, time_limit: float, workers: int, seed: int, progress: Progress | None
    ) -> Solution:
        from ortools.sat.python import cp_model

        t0 = time.monotonic()
        sol = Solution()
        if not self.x:
            sol.optimal, sol.status = True, "OPTIMAL"
            return sol
        m = self.m
        m.Maximize(self.priority)
        solver = _solver(time_limit * PHASE1_SHARE, workers, seed)
        status = solver.Solve(m, _Callback("Scheduling the most priority", progress))
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            sol.status = solver.StatusName(status)
            sol.seconds = time.monotonic() - t0
            return sol
        best = round(solver.ObjectiveValue())
        sol.priority_bound = int(solver.BestObjectiveBound() + 1e-6)
        sol.optimal = status == cp_model.OPTIMAL
        sol.status = solver.StatusName(status)
        self._read(solver, sol)
        # Phase 2: keep the priority, spread the abstraction, then start inspection reviews early.
        for var in list(self.x.values()) + list(self.a.values()) + list(self.s.values()):
            m.AddHint(var, solver.Value(var))
        m.Add(self.priority >= best)
        busiest = m.NewIntVar(
            0, max(c.days for c in self.inst.candidates) * len(self.inst.candidates), "busiest"
        )
        by_id = {c.id: c for c in self.inst.candidates}
        for e in self.inst.smes:
            load = [by_id[rid].days * a for (rid, sid), a in self.a.items() if sid == e.id]
            if load:
                m.Add(busiest >= sum(load))
        readiness = [
            self.s[c.id] for c in self.inst.candidates if c.id in self.s and c.inspection_expected
        ]
        weight = len(self.inst.horizon) * max(1, len(readiness)) + 1
        m.Minimize(weight * busiest + sum(readiness))
        second = _solver(time_limit * (1 - PHASE1_SHARE), workers, seed)
        status2 = second.Solve(m, _Callback("Spreading the abstraction evenly", progress))
        if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            self._read(second, sol)
        sol.seconds = time.monotonic() - t0
        return sol

    def _read(self, solver, sol: Solution) -> None:
        sol.starts, sol.teams = {}, {}
        for rid, x in self.x.items():
            if solver.Value(x):
                sol.starts[rid] = solver.Value(self.s[rid])
                sol.teams[rid] = sorted(
                    sid for (r, sid), a in self.a.items() if r == rid and solver.Value(a)
                )
        by_id = {c.id: c.priority for c in self.inst.candidates}
        sol.priority = sum(by_id[r] for r in sol.starts)


def _runs(indices) -> list[tuple[int, int]]:
    """Sorted indices -> (first, last) runs of consecutive ones."""
    out: list[tuple[int, int]] = []
    for i in sorted(indices):
        if out and out[-1][1] == i - 1:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


class _Callback:
    """Passes each improving solution to the progress display (if any)."""

    def __new__(cls, phase: str, progress: Progress | None):
        from ortools.sat.python import cp_model

        class Callback(cp_model.CpSolverSolutionCallback):
            def on_solution_callback(self) -> None:
                if progress:
                    progress(phase, self.ObjectiveValue(), self.BestObjectiveBound())

        return Callback()


def solve(
    inst: Instance,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    workers: int = DEFAULT_WORKERS,
    seed: int = SEED,
    progress: Progress | None = None,
) -> Solution:
    """The best programme CP-SAT finds within the time limit (optimal when it says so)."""
    return _Model(inst).solve(time_limit, workers, seed, progress)
