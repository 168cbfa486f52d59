"""Big pools: improve the plan one neighbourhood at a time (large neighbourhood search).

One CP-SAT model of a regional pool (500 reviews, 150 SMEs) is too big to search well in
minutes, and too big for a laptop's memory. So the plan is held fixed except for one
neighbourhood: the reviews of the themes one SME holds (SMEs link the themes they hold, so
that is where trading days pays), up to `NEIGHBOURHOOD_PAIRS` SME assignments. CP-SAT
re-plans that neighbourhood around the rest (their SMEs' days booked and counted against the
cap), starting from the current plan, so the total priority never goes down.

Neighbourhoods are drawn with a fixed seed, each solve is limited in deterministic time, and
the time limit buys a fixed number of neighbourhoods (`SECONDS_PER_NEIGHBOURHOOD`, measured
on two cores), so the same input gives the same programme; only a machine far busier than
that stops early, on the wall-clock backstop.
"""

from __future__ import annotations

import random
import time

from qam.planner.model import Instance, Solution

NEIGHBOURHOOD_PAIRS = 1200  # SME assignments in one neighbourhood's model
STEP_SECONDS = 3.0  # deterministic seconds at most for one neighbourhood
SECONDS_PER_NEIGHBOURHOOD = 1.5  # wall seconds one takes on two cores, on average


def _neighbourhood(inst: Instance, rng: random.Random, weight: dict[str, int]) -> set[str]:
    """Reviews of the themes a randomly drawn SME holds, in random order, up to the budget."""
    sme = rng.choice(inst.smes)
    pool = [c for c in inst.candidates if c.theme in sme.skills and weight[c.id]]
    rng.shuffle(pool)
    free: set[str] = set()
    pairs = 0
    for c in pool:
        if pairs + weight[c.id] > NEIGHBOURHOOD_PAIRS and free:
            break
        free.add(c.id)
        pairs += weight[c.id]
    return free


def _within(sol: Solution, free: set[str]) -> Solution:
    starts = {r: s for r, s in sol.starts.items() if r in free}
    by_id = {r: sol.teams[r] for r in starts}
    return Solution(starts=starts, teams=by_id)


def improve(
    inst: Instance,
    current: Solution,
    bound: int,
    seconds: float,
    *,
    workers: int,
    seed: int,
    deadline: float,
    progress=None,
) -> Solution:
    """The plan improved neighbourhood by neighbourhood for about `seconds`, or until it is
    within the gap limit of `bound`, or (a machine far busier than expected) at `deadline`
    (`time.monotonic()`)."""
    from qam.planner.solver import GAP_LIMIT, solve_model

    rng = random.Random(seed)
    weight = {c.id: len(inst.eligible(c)) for c in inst.candidates}
    priority = {c.id: c.priority for c in inst.candidates}
    best = Solution(starts=dict(current.starts), teams=dict(current.teams))
    best.priority = current.priority
    for _ in range(max(1, round(seconds / SECONDS_PER_NEIGHBOURHOOD))):
        if best.priority >= bound * (1 - GAP_LIMIT) or time.monotonic() > deadline:
            break
        free = _neighbourhood(inst, rng, weight)
        part = inst.residual(best.starts, best.teams, free)
        before = _within(best, free)
        before.priority = sum(priority[r] for r in before.starts)
        found = solve_model(
            part, part.options(), before, STEP_SECONDS, workers=workers, seed=seed, spread=False
        )
        if found.priority >= before.priority:
            for rid in free:
                best.starts.pop(rid, None)
                best.teams.pop(rid, None)
            best.starts.update(found.starts)
            best.teams.update(found.teams)
            best.priority += found.priority - before.priority
        if progress:
            progress("Improving the plan a neighbourhood at a time", best.priority, bound)
    best.status = "FEASIBLE"
    return best
