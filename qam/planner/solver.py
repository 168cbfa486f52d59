"""The best programme found, with OR-Tools CP-SAT, from a greedy start and against a proven bound.

A solve runs in this order, so it never comes back empty when any plan exists:

1. the relaxation (`bound.py`): the proven bound no programme can beat, and a guide;
2. two greedy plans (`greedy.py`), the plain one and the one the relaxation guides; the
   better is the starting plan, and the answer if CP-SAT finds nothing better;
3. CP-SAT from that plan as a complete hint: on pools up to `WHOLE_MODEL_UP_TO` SME
   assignments one model of the whole instance, which proves the optimum when it finds it;
   above that, one neighbourhood at a time (`neighbourhoods.py`), so memory stays bounded.

The model works on options (`model.Option`): a review's starts grouped by how its days fall
into financial years. Each option has a start `s_o` whose domain is exactly those starts, a
boolean `x_o` (scheduled this way) and a boolean `a_oe` for each SME who could serve it. Each
`a_oe` carries an optional fixed-size interval [s_o, s_o + days): one NoOverlap per SME over
those intervals and the SME's unavailable days gives "never on two reviews on one day" and
"never on a day they are unavailable"; because an option's split over years is fixed, the cap
is one linear sum per SME and financial year. At most one option of a review is chosen.

The objective is lexicographic, in two phases rather than one weighted sum, so the priority
the solver reports is comparable with the bound: phase 1 maximises total priority scheduled
(stopping once within `GAP_LIMIT` of its bound); phase 2 keeps that total and minimises the
busiest SME's days (abstraction spread evenly), then the start days of reviews that prepare
for an inspection (readiness earliest before it).

The time limit, unless given, grows with the instance (`default_time_limit`). Determinism: a
fixed seed, a fixed number of workers, interleaved search and limits in the solver's
deterministic time (roughly seconds, independent of machine load), so the same input gives
the same programme; wall-clock limits are only a backstop.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable

from qam.planner.model import Instance, Option, Solution

__all__ = ["Solution", "solve", "solve_model", "default_time_limit"]

DEFAULT_WORKERS = 2
SEED = 20240401
PHASE1_SHARE = 0.8  # of the time limit; the rest spreads abstraction and brings readiness forward
GAP_LIMIT = 0.005  # stop improving once the plan is within 0.5% of the bound
WHOLE_MODEL_UP_TO = 2500  # SME assignments; above this, neighbourhood by neighbourhood
# The default time limit grows with the instance: seconds per thousand SME assignments.
MIN_SECONDS, MAX_SECONDS, SECONDS_PER_1000 = 10.0, 50.0, 1.5
BACKSTOP = 2.0  # a solve stops by this many times its time limit (plus 10 s), however busy

Progress = Callable[[str, float, float], None]  # (phase, best total priority, bound)


def default_time_limit(options: list[Option]) -> float:
    """Seconds for an instance of this size: more SME assignments, longer (within bounds)."""
    pairs = sum(len(o.smes) for o in options)
    return min(MAX_SECONDS, MIN_SECONDS + SECONDS_PER_1000 * pairs / 1000)


def _solver(seconds: float, workers: int, seed: int, gap: float = 0.0):
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    params = solver.parameters
    # Deterministic time, not the wall clock, ends the search, so a busy laptop gets the same
    # programme as an idle one; the wall-clock limit is only a backstop.
    params.max_deterministic_time = max(0.1, seconds)
    params.max_time_in_seconds = max(1.0, 2 * seconds)
    params.num_workers = workers
    params.random_seed = seed
    params.interleave_search = True
    params.relative_gap_limit = gap
    return solver


class _Model:
    """The CP-SAT model of one instance (the whole one, or a neighbourhood)."""

    def __init__(self, inst: Instance, options: list[Option]):
        from ortools.sat.python import cp_model

        self.inst, self.options = inst, options
        self.m = cp_model.CpModel()
        self.s: list = []  # each option's start variable
        self.x: list = []  # whether the option is chosen
        self.a: list[dict] = []  # SME id -> whether they are on the option's team
        self.intervals: dict[str, list] = defaultdict(list)
        by_review: dict[str, list] = defaultdict(list)
        for k, o in enumerate(options):
            self._add_option(k, o)
            by_review[o.review.id].append(self.x[k])
        for xs in by_review.values():
            if len(xs) > 1:
                self.m.add_at_most_one(xs)
        self._no_overlap()
        self._caps()
        self.priority = sum(o.review.priority * self.x[k] for k, o in enumerate(options))

    def _add_option(self, k: int, o: Option) -> None:
        from ortools.sat.python import cp_model

        m, c = self.m, o.review
        s = m.new_int_var_from_domain(cp_model.Domain.FromValues(o.starts), f"s{k}")
        x = m.new_bool_var(f"x{k}")
        members = {}
        for e in o.smes:
            a = m.new_bool_var(f"a{k}_{e.id}")
            m.add_implication(a, x)
            members[e.id] = a
            self.intervals[e.id].append(m.new_optional_fixed_size_interval_var(s, c.days, a, ""))
        m.add(sum(members.values()) == c.team_size * x)
        self.s.append(s)
        self.x.append(x)
        self.a.append(members)

    def _no_overlap(self) -> None:
        for sid, mine in self.intervals.items():
            for lo, hi in _runs(self.inst.blocked(sid)):
                mine.append(self.m.new_interval_var(lo, hi - lo + 1, hi + 1, ""))
            if len(mine) > 1:
                self.m.add_no_overlap(mine)

    def _caps(self) -> None:
        """Days in each financial year, per SME, within what is left of the cap."""
        load: dict[tuple[str, int], list] = defaultdict(list)
        for k, o in enumerate(self.options):
            for y, d in o.split:
                for sid, a in self.a[k].items():
                    load[sid, y].append((d, a))
        for (sid, y), terms in load.items():
            budget = self.inst.cap_days - self.inst.used.get((sid, y), 0)
            if sum(d for d, _ in terms) > budget:
                self.m.add(sum(d * a for d, a in terms) <= budget)

    def hint(self, sol: Solution) -> None:
        """A complete hint: the plan `sol`, every variable given a value."""
        self.m.clear_hints()
        for k, o in enumerate(self.options):
            start = sol.starts.get(o.review.id)
            chosen = start in o.starts
            team = set(sol.teams.get(o.review.id, ())) if chosen else set()
            self.m.add_hint(self.x[k], chosen)
            self.m.add_hint(self.s[k], start if chosen and start is not None else o.starts[0])
            for sid, a in self.a[k].items():
                self.m.add_hint(a, sid in team)

    def read(self, solver) -> Solution:
        sol = Solution()
        for k, o in enumerate(self.options):
            if solver.Value(self.x[k]):
                rid = o.review.id
                sol.starts[rid] = solver.Value(self.s[k])
                sol.teams[rid] = sorted(sid for sid, a in self.a[k].items() if solver.Value(a))
                sol.priority += o.review.priority
        return sol

    def spread(self, best: int) -> None:
        """Phase 2's objective: keep the priority, spread abstraction, readiness early."""
        m = self.m
        m.clear_objective()
        m.add(self.priority >= best)
        load: dict[str, list] = defaultdict(list)
        readiness = []
        for k, o in enumerate(self.options):
            for sid, a in self.a[k].items():
                load[sid].append(o.review.days * a)
            if o.review.inspection_expected:
                readiness.append(self.s[k])
        busiest = m.new_int_var(0, sum(o.review.days for o in self.options), "busiest")
        for terms in load.values():
            m.add(busiest >= sum(terms))
        weight = len(self.inst.horizon) * max(1, len(readiness)) + 1
        m.minimize(weight * busiest + sum(readiness))


def solve_model(
    inst: Instance,
    options: list[Option],
    start: Solution,
    seconds: float,
    *,
    workers: int = DEFAULT_WORKERS,
    seed: int = SEED,
    progress: Progress | None = None,
    spread: bool = True,
) -> Solution:
    """CP-SAT on this instance from the plan `start` (feasible for it): the better of the two,
    with the bound CP-SAT proved and the deterministic seconds it used in `seconds`."""
    from ortools.sat.python import cp_model

    model = _Model(inst, options)
    model.hint(start)
    model.m.maximize(model.priority)
    share = PHASE1_SHARE if spread else 1.0
    solver = _solver(seconds * share, workers, seed, GAP_LIMIT)
    status = solver.Solve(model.m, _Callback("Scheduling the most priority", progress))
    best = start
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        found = model.read(solver)
        if found.priority >= start.priority:
            best = found
        best.priority_bound = int(solver.BestObjectiveBound() + 1e-6)
        best.optimal = status == cp_model.OPTIMAL
    best.status = solver.StatusName(status)
    best.seconds = solver.deterministic_time
    if spread and best.priority and status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        model.hint(best)
        model.spread(best.priority)
        second = _solver(seconds * (1 - share), workers, seed)
        if second.Solve(model.m, _Callback("Spreading the abstraction evenly", progress)) in (
            cp_model.OPTIMAL,
            cp_model.FEASIBLE,
        ):
            spread_plan = model.read(second)
            best.starts, best.teams = spread_plan.starts, spread_plan.teams
        best.seconds += second.deterministic_time
    return best


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
    time_limit: float | None = None,
    workers: int = DEFAULT_WORKERS,
    seed: int = SEED,
    progress: Progress | None = None,
) -> Solution:
    """The best programme found within the time limit (by default one that grows with the
    instance): never worse than the greedy plan, optimal when it says so."""
    from qam.planner.bound import relax
    from qam.planner.greedy import fill, greedy, guided
    from qam.planner.neighbourhoods import improve

    t0 = time.monotonic()
    options = inst.options()
    seconds = time_limit or default_time_limit(options)
    relaxation = relax(options, inst.cap_days, inst.used)
    first = max(guided(inst, options, relaxation), greedy(inst, options), key=lambda s: s.priority)
    first.status = "GREEDY"
    if progress:
        progress("Greedy plan", first.priority, relaxation.bound)
    if not options:
        sol = Solution(optimal=True, status="OPTIMAL")
    elif sum(len(o.smes) for o in options) <= WHOLE_MODEL_UP_TO:
        sol = solve_model(
            inst, options, first, seconds, workers=workers, seed=seed, progress=progress
        )
        sol.priority_bound = min(sol.priority_bound or relaxation.bound, relaxation.bound)
    else:
        deadline = t0 + BACKSTOP * seconds + 10
        sol = improve(
            inst,
            first,
            relaxation.bound,
            seconds,
            workers=workers,
            seed=seed,
            deadline=deadline,
            progress=progress,
        )
        sol.priority_bound = relaxation.bound
    sol = fill(inst, options, sol)
    sol.priority_bound = max(sol.priority_bound, sol.priority)
    sol.optimal = sol.optimal or sol.priority == sol.priority_bound
    sol.greedy_priority, sol.time_limit = first.priority, seconds
    sol.seconds = time.monotonic() - t0
    return sol
