"""Greedy plans: each review in turn, at the earliest start a team can be found for.

Two orders: `greedy` takes the highest priority first (the plain baseline the benchmark
compares with); `guided` follows the relaxation behind the proven bound (`bound.py`): the
reviews it schedules wholly first, with the SMEs it uses. Both keep every hard rule, so the
better one is CP-SAT's first hint and the plan returned when CP-SAT finds nothing better in
time. Teams otherwise prefer the SMEs with the fewest days so far.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date

from qam.planner.bound import Relaxation
from qam.planner.model import Instance, Option, Sme, Solution


def _place(
    inst: Instance,
    ordered: list[tuple[int, Option]],
    prefer: Callable,
    plan: Solution | None = None,
) -> Solution:
    """Each option in turn, at its earliest start a team is free for, around `plan` if given."""
    t0 = time.monotonic()
    busy = {e.id: set(inst.blocked(e.id)) for e in inst.smes}
    used: dict[tuple[str, int], int] = defaultdict(int, inst.used)
    load: Counter = Counter()
    sol = Solution(status="GREEDY")
    by_id = {c.id: c for c in inst.candidates}
    starts, teams = (plan.starts, plan.teams) if plan else ({}, {})
    for rid, s in starts.items():
        c = by_id[rid]
        for sid in teams[rid]:
            busy[sid].update(range(s, s + c.days))
            load[sid] += c.days
            for y, d in inst.year_split(c, s):
                used[sid, y] += d
        sol.starts[rid], sol.teams[rid] = s, list(teams[rid])
        sol.priority += c.priority
    for k, o in ordered:
        c = o.review
        if c.id in sol.starts:
            continue
        for s in o.starts:
            span = range(s, s + c.days)
            free = [
                e
                for e in o.smes
                if busy[e.id].isdisjoint(span)
                and all(used[e.id, y] + d <= inst.cap_days for y, d in o.split)
            ]
            if len(free) < c.team_size:
                continue
            team = sorted(free, key=lambda e: prefer(k, e, load))[: c.team_size]
            for e in team:
                busy[e.id].update(span)
                load[e.id] += c.days
                for y, d in o.split:
                    used[e.id, y] += d
            sol.starts[c.id] = s
            sol.teams[c.id] = sorted(e.id for e in team)
            sol.priority += c.priority
            break
    sol.seconds = time.monotonic() - t0
    return sol


def _by_priority(ko: tuple[int, Option]):
    c = ko[1].review
    return (-c.priority, c.latest or date.max, c.id, ko[1].starts[0])


def _least_load(k: int, e: Sme, load: Counter):
    return (load[e.id], e.id)


def greedy(inst: Instance, options: list[Option] | None = None) -> Solution:
    """Highest priority first, then the tightest deadline."""
    options = inst.options() if options is None else options
    return _place(inst, sorted(enumerate(options), key=_by_priority), _least_load)


def fill(inst: Instance, options: list[Option], plan: Solution) -> Solution:
    """`plan` with every review it leaves out that still fits around it added, highest
    priority first: a last pass, so no review that could still be staffed is left out."""
    filled = _place(inst, sorted(enumerate(options), key=_by_priority), _least_load, plan)
    for name in ("priority_bound", "optimal", "status"):
        setattr(filled, name, getattr(plan, name))
    return filled


def guided(inst: Instance, options: list[Option], relaxation: Relaxation) -> Solution:
    """In the order the relaxation favours: most wholly scheduled first, then the most
    priority for each SME-day it costs; each team from the SMEs the relaxation uses most."""

    def order(ko: tuple[int, Option]):
        k, o = ko
        c = o.review
        return (
            -round(relaxation.scheduled.get(k, 0.0), 3),
            -c.priority / (c.days * c.team_size),
            c.id,
            o.starts[0],
        )

    def prefer(k: int, e: Sme, load: Counter):
        return (-round(relaxation.serving.get((k, e.id), 0.0), 3), load[e.id], e.id)

    return _place(inst, sorted(enumerate(options), key=order), prefer)
