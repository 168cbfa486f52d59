"""The greedy baseline: highest priority first, earliest start that a team can be found for.

It keeps every hard rule, so the benchmark can compare its total priority with CP-SAT's and
with the bound CP-SAT proves. Teams prefer the SMEs with the fewest days so far.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from datetime import date

from qam.planner.model import Instance
from qam.planner.solver import Solution


def greedy(inst: Instance) -> Solution:
    t0 = time.monotonic()
    busy = {e.id: set(inst.blocked(e.id)) for e in inst.smes}
    used: dict[tuple[str, int], int] = defaultdict(int, inst.used)
    load: Counter = Counter()
    sol = Solution(status="GREEDY")
    order = sorted(inst.candidates, key=lambda c: (-c.priority, c.latest or date.max, c.id))
    for c in order:
        eligible = inst.eligible(c)
        if c.days > inst.cap_days or len(eligible) < c.team_size:
            continue
        for s in inst.starts(c):
            span = range(s, s + c.days)
            by_year = Counter(inst.horizon.fy(i) for i in span)
            free = [
                e
                for e in eligible
                if not busy[e.id].intersection(span)
                and all(used[e.id, y] + d <= inst.cap_days for y, d in by_year.items())
            ]
            if len(free) < c.team_size:
                continue
            team = sorted(free, key=lambda e: (load[e.id], e.id))[: c.team_size]
            for e in team:
                busy[e.id].update(span)
                load[e.id] += c.days
                for y, d in by_year.items():
                    used[e.id, y] += d
            sol.starts[c.id] = s
            sol.teams[c.id] = sorted(e.id for e in team)
            sol.priority += c.priority
            break
    sol.seconds = time.monotonic() - t0
    return sol
