"""Why a review was not scheduled, in words the Head of Corporate Development can act on.

Each reason is computed from the data, not from the solver's internals, in the order a
person would check: the window, the skill, the number of volunteers, the cap, availability,
and only then competition with the reviews that were scheduled.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from qam.planner.calendar import fy_label
from qam.planner.model import Candidate, Instance
from qam.planner.solver import Solution

_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _n(count: int, noun: str) -> str:
    word = _WORDS[count] if count < len(_WORDS) else str(count)
    return f"{word} {noun}{'' if count == 1 else 's'}"


def _names(smes) -> str:
    return ", ".join(f"{s.name} ({s.id})" for s in smes)


def _theme(theme: str) -> str:
    from qam.question_sets import themes

    return themes().get(theme, theme)


def explain(inst: Instance, sol: Solution) -> dict[str, str]:
    """A reason for every candidate the solution leaves out."""
    hz = inst.horizon
    booked: dict[str, dict[int, str]] = defaultdict(dict)
    used: Counter = Counter(inst.used)
    by_id = {c.id: c for c in inst.candidates}
    for rid, s in sol.starts.items():
        for sid in sol.teams[rid]:
            for i in range(s, s + by_id[rid].days):
                booked[sid][i] = rid
                used[sid, hz.fy(i)] += 1
    return {
        c.id: _reason(inst, c, booked, used, sol, by_id)
        for c in inst.candidates
        if c.id not in sol.starts
    }


def _reason(inst: Instance, c: Candidate, booked, used, sol: Solution, by_id) -> str:  # noqa: C901 (to split)
    hz = inst.horizon
    theme = _theme(c.theme)
    if c.id in inst.pins and not inst.starts(c):
        return (
            f"it is pinned to {inst.pins[c.id]}, which is not a working day in the horizon or leaves "
            f"fewer than {c.days} working days before it ends; move the pin or clear it"
        )
    if not hz.days or (c.latest and c.latest < hz.start) or (c.earliest and c.earliest >= hz.end):
        return (
            f"its window ({c.earliest} to {c.latest}) lies outside the planning horizon "
            f"({hz.start} to {hz.end}); change the window or the solve's --start/--months"
        )
    lo, hi = inst.window(c)
    if not inst.starts(c):
        have = max(0, hi - lo + 1)
        return (
            f"its window has only {_n(have, 'working day')} inside the horizon but the review needs "
            f"{c.days}; widen the window"
        )
    if c.days > inst.cap_days:
        return (
            f"it needs {c.days} days from each team member, more than the cap of {inst.cap_days} a year; "
            "shorten it or raise --cap-days"
        )
    skilled = inst.skilled(c)
    outside = [s for s in skilled if s.unit != c.unit]
    eligible = inst.eligible(c)
    if not skilled:
        return f"no volunteer holds {theme}; recruit one (qam sme add) or change the theme"
    if not outside:
        return (
            f"the only {_n(len(skilled), 'volunteer')} holding {theme} work in {c.unit}, "
            "and nobody reviews their own unit"
        )
    if len(outside) < c.team_size:
        return (
            f"only {_n(len(outside), 'volunteer')} hold{'s' if len(outside) == 1 else ''} {theme} outside "
            f"{c.unit} ({_names(outside)}); the review needs a team of {c.team_size}"
        )
    if len(eligible) < c.team_size:
        gone = [s for s in outside if s not in eligible]
        return (
            f"after your exclusions ({_names(gone)}) only {_n(len(eligible), 'volunteer')} can "
            f"review {theme} outside {c.unit}; it needs {c.team_size}"
        )
    starts = inst.starts(c)

    def fits(e, s, *, cap: bool, bookings: bool) -> bool:
        span = range(s, s + c.days)
        if inst.blocked(e.id).intersection(span):
            return False
        if bookings and any(i in booked[e.id] for i in span):
            return False
        if cap:
            need = Counter(hz.fy(i) for i in span)
            return all(used[e.id, y] + d <= inst.cap_days for y, d in need.items())
        return True

    if (
        max(sum(fits(e, s, cap=False, bookings=False) for e in eligible) for s in starts)
        < c.team_size
    ):
        return (
            f"its {_n(len(eligible), 'eligible volunteer')} ({_names(eligible)}) are never available "
            f"together for {c.days} working days in its window; widen the window or add volunteers"
        )
    if (
        max(sum(fits(e, s, cap=True, bookings=False) for e in eligible) for s in starts)
        < c.team_size
    ):
        years = sorted({hz.fy(i) for i in range(lo, hi + 1)})
        spent = [e for e in eligible if all(used[e.id, y] + c.days > inst.cap_days for y in years)]
        who = (
            "both have"
            if len(spent) == 2 == len(eligible)
            else (
                "all have" if len(spent) == len(eligible) else f"{_n(len(spent), 'of them')} have"
            )
        )
        when = " or ".join(fy_label(y, hz.year_start) for y in years)
        return (
            f"only {_n(len(eligible), 'volunteer')} hold{'s' if len(eligible) == 1 else ''} {theme} "
            f"outside {c.unit} ({_names(eligible)}), and {who} used their {inst.cap_days} days in {when}"
        )
    if (
        max(sum(fits(e, s, cap=True, bookings=True) for e in eligible) for s in starts)
        >= c.team_size
    ):
        return (
            "a team was free, but the solver reached its time limit before placing it; "
            "solve again with a longer --time-limit"
        )
    rivals = sorted(
        {rid for e in eligible for i in range(lo, hi + 1) if (rid := booked[e.id].get(i))},
        key=lambda r: (-by_id[r].priority, r),
    )
    listed = ", ".join(f"{r} (priority {by_id[r].priority})" for r in rivals[:4])
    return (
        f"lower priority than the reviews scheduled in its window that need the same volunteers: "
        f"{listed}; pin it or raise its priority to swap"
    )
