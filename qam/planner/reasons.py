"""Why a review was not scheduled, and what would fix it, in words the Head of Corporate
Development can act on.

Each reason is computed from the data, not from the solver's internals, in the order a
person would check: the pin, the window, the cap, the skill, the number of volunteers,
availability, the cap already spent, and only then competition with the reviews that were
scheduled. Each fix is computed against the plan as it stands (nothing scheduled moves): a
smaller team that could be staffed, a window a few weeks wider that would fit, or how many
more volunteers with the skill it would take.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

from qam.planner.calendar import fy_label
from qam.planner.model import FORCE_WIDE, Candidate, Instance, Sme, Solution

_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
MAX_WIDER_WEEKS = 13  # a window more than a quarter wider is a different review


def _n(count: int, noun: str) -> str:
    return f"{_word(count)} {noun}{'' if count == 1 else 's'}"


def _word(count: int) -> str:
    return _WORDS[count] if count < len(_WORDS) else str(count)


def _names(smes, most: int = 4) -> str:
    """'Owen Pritchard (SME12), Ian McAllister (SME20)'; past `most`, the first three and a count."""
    shown = smes if len(smes) <= most else smes[: most - 1]
    text = ", ".join(f"{s.name} ({s.id})" for s in shown)
    return text if len(shown) == len(smes) else f"{text} and {len(smes) - len(shown)} others"


def _theme(theme: str) -> str:
    from qam import themes

    known = themes.active()
    return known.label(theme) if theme in known else theme.replace("_", " ").capitalize()


def _outside(c: Candidate) -> str:
    """' outside Western BCU', or nothing for a force-wide review (everyone is outside it)."""
    return "" if c.unit == FORCE_WIDE else f" outside {c.unit}"


def _day(d) -> str:
    return f"{d.day} {d:%b %Y}"


class _Plan:
    """The plan as solved: who is booked on which days and how much of the cap each has used.

    Days are bits (bit i: working day i), so "free for the whole review" is one AND."""

    def __init__(self, inst: Instance, sol: Solution):
        self.inst, self.sol = inst, sol
        self.by_id = {c.id: c for c in inst.candidates}
        self.booked: dict[str, dict[int, str]] = defaultdict(dict)
        self.used: Counter = Counter(inst.used)
        self.away = {e.id: sum(1 << i for i in inst.blocked(e.id)) for e in inst.smes}
        self.busy = dict(self.away)
        self._free: dict[tuple, int] = {}
        self._eligible: dict[str, list[Sme]] = {}
        self._splits: dict[tuple[int, int], tuple] = {}
        self._room: dict[tuple, list[Sme]] = {}
        for rid, s in sol.starts.items():
            for sid in sol.teams[rid]:
                for i in range(s, s + self.by_id[rid].days):
                    self.booked[sid][i] = rid
                    self.busy[sid] |= 1 << i
                    self.used[sid, inst.horizon.fy(i)] += 1

    def eligible(self, c: Candidate) -> list[Sme]:
        if c.id not in self._eligible:
            self._eligible[c.id] = self.inst.eligible(c)
        return self._eligible[c.id]

    def _with_room(self, c: Candidate, s: int) -> list[Sme]:
        """The eligible SMEs with enough of the cap left for the review starting at `s`."""
        if (c.days, s) not in self._splits:
            self._splits[c.days, s] = self.inst.year_split(c, s)
        split = self._splits[c.days, s]
        if (c.id, split) not in self._room:
            limit = self.inst.cap_days
            self._room[c.id, split] = [
                e
                for e in self.eligible(c)
                if all(self.used[e.id, y] + d <= limit for y, d in split)
            ]
        return self._room[c.id, split]

    def free(self, c: Candidate, s: int, *, cap=True, bookings=True) -> int:
        """How many eligible SMEs could serve on the review starting at `s` (remembered):
        free on each of its days (and not booked, with `bookings`), with room under the cap
        (with `cap`)."""
        key = (c.id, s, cap, bookings)
        if key not in self._free:
            pool = self._with_room(c, s) if cap else self.eligible(c)
            days = self.busy if bookings else self.away
            span = ((1 << c.days) - 1) << s
            self._free[key] = sum(1 for e in pool if not days[e.id] & span)
        return self._free[key]

    def most_free(self, c: Candidate, starts, *, cap=True, bookings=True) -> tuple[int, int]:
        """(start, how many eligible SMEs are free then) for the start with the most free."""
        best = (-1, -1)
        for s in starts:
            n = self.free(c, s, cap=cap, bookings=bookings)
            if n > best[1]:
                best = (s, n)
        return best


# --- the reasons, in the order a person checks them; each gives {"reason", "fix"} or None ---


def _pinned(plan: _Plan, c: Candidate) -> dict | None:
    if c.id not in plan.inst.pins or plan.inst.starts(c):
        return None
    return {
        "reason": f"it is pinned to {_day(plan.inst.pins[c.id])}, which is not a working day in "
        f"the horizon or leaves fewer than {c.days} working days before it ends",
        "fix": f"move the pin, or clear it (qam plan pin {c.id} --clear)",
    }


def _outside_horizon(plan: _Plan, c: Candidate) -> dict | None:
    hz = plan.inst.horizon
    if (
        hz.days
        and not (c.latest and c.latest < hz.start)
        and not (c.earliest and c.earliest >= hz.end)
    ):
        return None
    first = _day(c.earliest) if c.earliest else "any time"
    last = _day(c.latest) if c.latest else "any time"
    return {
        "reason": f"its window ({first} to {last}) lies outside the planning horizon "
        f"({_day(hz.start)} to {_day(hz.end)})",
        "fix": "change the window, or solve with --start and --months covering it",
    }


def _window_too_short(plan: _Plan, c: Candidate) -> dict | None:
    if plan.inst.starts(c):
        return None
    lo, hi = plan.inst.window(c)
    have = max(0, hi - lo + 1)
    days = plan.inst.horizon.days
    fix = f"widen the window to at least {c.days} working days"
    if lo + c.days - 1 < len(days):
        fix += f" (ending on {_day(days[lo + c.days - 1])} or later)"
    return {
        "reason": f"its window has only {_n(have, 'working day')} inside the horizon but the "
        f"review needs {c.days}",
        "fix": fix,
    }


def _over_cap(plan: _Plan, c: Candidate) -> dict | None:
    if c.days <= plan.inst.cap_days:
        return None
    return {
        "reason": f"it needs {c.days} days from each team member, more than the cap of "
        f"{plan.inst.cap_days} a year",
        "fix": f"shorten it to {plan.inst.cap_days} days or fewer, or solve with --cap-days {c.days}",
    }


def _skill(plan: _Plan, c: Candidate) -> dict | None:
    inst, theme, where = plan.inst, _theme(c.theme), _outside(c)
    skilled = inst.skilled(c)
    outside = [s for s in skilled if s.unit != c.unit]
    eligible = plan.eligible(c)
    recruit = f"a volunteer who holds {theme}{where} (qam sme add)"
    if not skilled:
        return {"reason": f"no volunteer holds {theme}", "fix": f"recruit {recruit}"}
    if not outside:
        who = "volunteer" if len(skilled) == 1 else _n(len(skilled), "volunteer")
        works = "works" if len(skilled) == 1 else "work"
        return {
            "reason": f"the only {who} holding {theme} {works} in {c.unit}, and nobody "
            "reviews their own unit",
            "fix": f"recruit {recruit}",
        }
    if len(outside) < c.team_size:
        return {
            "reason": f"only {_n(len(outside), 'volunteer')} hold{'s' if len(outside) == 1 else ''} "
            f"{theme}{where} ({_names(outside)}); the review needs a team of {c.team_size}",
            "fix": _either(_smaller_team(plan, c), _more(c, c.team_size - len(outside))),
        }
    if len(eligible) < c.team_size:
        gone = [s for s in outside if s not in eligible]
        return {
            "reason": f"after your exclusions ({_names(gone)}) only "
            f"{_n(len(eligible), 'volunteer')} can review {theme}{where}; it needs {c.team_size}",
            "fix": _either(
                f"put back {_names(gone[:1])} (qam plan exclude {gone[0].id} --undo)",
                _smaller_team(plan, c),
            ),
        }
    return None


def _never_together(plan: _Plan, c: Candidate) -> dict | None:
    _, free = plan.most_free(c, plan.inst.starts(c), cap=False, bookings=False)
    if free >= c.team_size:
        return None
    eligible = plan.eligible(c)
    return {
        "reason": f"its {_n(len(eligible), 'eligible volunteer')} ({_names(eligible)}) are never "
        f"available together for {c.days} working days in its window",
        "fix": _staffing_fixes(plan, c),
    }


def _cap_spent(plan: _Plan, c: Candidate) -> dict | None:
    inst, hz = plan.inst, plan.inst.horizon
    _, free = plan.most_free(c, inst.starts(c), cap=True, bookings=False)
    if free >= c.team_size:
        return None
    lo, hi = inst.window(c)
    eligible = plan.eligible(c)
    years = sorted({hz.fy(i) for i in range(lo, hi + 1)})
    spent = [e for e in eligible if all(plan.used[e.id, y] + c.days > inst.cap_days for y in years)]
    used = f"used their {_word(inst.cap_days)} days in " + " or ".join(
        fy_label(y, hz.year_start) for y in years
    )
    return {"reason": _spent_words(c, eligible, spent, used), "fix": _staffing_fixes(plan, c)}


def _spent_words(c: Candidate, eligible: list[Sme], spent: list[Sme], used: str) -> str:
    """'only two volunteers hold Custody outside Western BCU (...), and both have used their
    ten days in 2027/28', or for a big pool 'all 31 volunteers who hold ... have used ...'."""
    theme, where = _theme(c.theme), _outside(c)
    if len(eligible) > 4:
        share = "all" if len(spent) == len(eligible) else f"{len(spent)} of the"
        rest = "" if len(spent) == len(eligible) else ", and the others are never free together"
        return f"{share} {len(eligible)} volunteers who hold {theme}{where} have {used}{rest}"
    if len(spent) == 2 == len(eligible):
        who = "both have"
    elif len(spent) == len(eligible):
        who = "all have" if len(spent) > 1 else "they have"
    else:
        who = f"{_n(len(spent), 'of them')} have"
    holds = "holds" if len(eligible) == 1 else "hold"
    return (
        f"only {_n(len(eligible), 'volunteer')} {holds} {theme}{where} ({_names(eligible)}), "
        f"and {who} {used}"
    )


def _team_was_free(plan: _Plan, c: Candidate) -> dict | None:
    _, free = plan.most_free(c, plan.inst.starts(c))
    if free < c.team_size:
        return None
    return {
        "reason": "a team was free, but the solver stopped before placing it",
        "fix": "solve again with a longer --time-limit",
    }


def _rivals(plan: _Plan, c: Candidate) -> dict:
    lo, hi = plan.inst.window(c)
    rivals = sorted(
        {
            rid
            for e in plan.eligible(c)
            for i in range(lo, hi + 1)
            if (rid := plan.booked[e.id].get(i))
        },
        key=lambda r: (-plan.by_id[r].priority, r),
    )
    listed = ", ".join(f"{r} (priority {plan.by_id[r].priority})" for r in rivals[:4])
    return {
        "reason": "lower priority than the reviews scheduled in its window that need the same "
        f"volunteers: {listed}",
        "fix": _either(_staffing_fixes(plan, c), "pin it or raise its priority to swap"),
    }


_CHECKS = (
    _pinned,
    _outside_horizon,
    _window_too_short,
    _over_cap,
    _skill,
    _never_together,
    _cap_spent,
    _team_was_free,
)


# --- fixes: computed against the plan as it stands ---


def _either(*fixes: str | None) -> str:
    return "; or ".join(f for f in fixes if f)


def _more(c: Candidate, count: int) -> str:
    return f"{_n(count, 'more volunteer')} with {_theme(c.theme)}{_outside(c)}, free in its window"


def _smaller_team(plan: _Plan, c: Candidate) -> str | None:
    """'a team of 2 instead of 3 could be staffed from 14 Jun 2027', if one could."""
    start, free = plan.most_free(c, plan.inst.starts(c))
    size = min(free, c.team_size - 1)
    if size < 1:
        return None
    first = next(s for s in plan.inst.starts(c) if plan.free(c, s) >= size)
    return (
        f"a team of {size} instead of {c.team_size} could be staffed "
        f"from {_day(plan.inst.horizon.days[first])}"
    )


def _wider_window(plan: _Plan, c: Candidate) -> str | None:
    """'a window ending 3 weeks later (by 20 Aug 2027) would fit', the smallest that would."""
    inst, hz = plan.inst, plan.inst.horizon
    if c.id in inst.pins or not hz.days:
        return None
    lo, hi = inst.window(c)
    for weeks in range(1, MAX_WIDER_WEEKS + 1):
        later = hz.last_on_or_before(min(hz.days[hi] + timedelta(weeks=weeks), hz.days[-1]))
        starts = range(hi - c.days + 2, later - c.days + 2)
        if later > hi and plan.most_free(c, starts)[1] >= c.team_size:
            return (
                f"a window ending {_n(weeks, 'week')} later (by {_day(hz.days[later])}) would fit"
            )
        earlier = hz.first_on_or_after(max(hz.days[lo] - timedelta(weeks=weeks), hz.days[0]))
        starts = range(earlier, lo)
        if earlier < lo and plan.most_free(c, starts)[1] >= c.team_size:
            return (
                f"a window starting {_n(weeks, 'week')} earlier "
                f"(from {_day(hz.days[earlier])}) would fit"
            )
    return None


def _staffing_fixes(plan: _Plan, c: Candidate) -> str:
    _, free = plan.most_free(c, plan.inst.starts(c))
    return _either(
        _smaller_team(plan, c), _wider_window(plan, c), _more(c, max(1, c.team_size - free))
    )


def explain(inst: Instance, sol: Solution) -> dict[str, dict[str, str]]:
    """{review: {"reason", "fix"}} for every candidate the solution leaves out."""
    plan = _Plan(inst, sol)
    out: dict[str, dict[str, str]] = {}
    for c in inst.candidates:
        if c.id in sol.starts:
            continue
        reason = next((found for check in _CHECKS if (found := check(plan, c))), None)
        out[c.id] = reason or _rivals(plan, c)
    return out


def unscheduled(store) -> list[dict]:
    """The reviews the latest proposal could not staff (what `qam plan show` lists), each with
    its title, unit, theme label, priority, reason and fix: for the programme report."""
    from qam.store import candidates as candidates_db
    from qam.store import plans as plans_db

    proposal = plans_db.latest_proposal(store)
    if proposal is None:
        return []
    cands = {c["id"]: c for c in candidates_db.candidates(store)}
    out = []
    for u in proposal["result"].get("unscheduled", []):
        c = cands.get(u["review"], {})
        out.append(
            {
                "review": u["review"],
                "title": c.get("title", u["review"]),
                "unit": c.get("unit"),
                "theme": _theme(c["theme"]) if c.get("theme") else "",
                "priority": c.get("priority"),
                "reason": u["reason"],
                "fix": u.get("fix", ""),
            }
        )
    return out
