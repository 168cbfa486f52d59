"""The planning instance: SMEs, candidates and settings, in the shapes the solvers use.

Both solvers (CP-SAT and the greedy baseline) and the reasons for unscheduled reviews read
the same `Instance`, so "who is eligible" and "which start days fit" are decided once, here.
Start days are indices into the horizon's list of working days: consecutive working days
are consecutive indices, so a review of `days` days starting at index s occupies
s, s+1, ..., s+days-1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from qam.planner.calendar import Horizon, add_months

FORCE_WIDE = "Force-wide"  # the unit of derived reviews that belong to no one unit


@dataclass(frozen=True)
class Sme:
    id: str
    name: str
    unit: str
    skills: frozenset[str]
    unavailable: tuple[tuple[date, date], ...] = ()


@dataclass(frozen=True)
class Candidate:
    id: str
    title: str
    theme: str
    unit: str
    days: int
    team_size: int
    priority: int
    earliest: date | None = None
    latest: date | None = None
    inspection_expected: date | None = None


@dataclass
class Solution:
    """Start index and team for each scheduled review, with the solver's numbers."""

    starts: dict[str, int] = field(default_factory=dict)
    teams: dict[str, list[str]] = field(default_factory=dict)
    priority: int = 0
    priority_bound: int = 0  # no programme of this instance can schedule more priority
    optimal: bool = False
    status: str = ""
    seconds: float = 0.0
    greedy_priority: int = 0  # the better greedy plan's, CP-SAT's starting point
    time_limit: float = 0.0

    @property
    def gap(self) -> float:
        """How far below the proven bound the plan is, as a fraction of the bound."""
        if not self.priority_bound:
            return 0.0
        return max(0.0, (self.priority_bound - self.priority) / self.priority_bound)


@dataclass
class Option:
    """One way to schedule a review: those of its starts that split its days over financial
    years alike (all in 2026/27; all in 2027/28; 2 + 3 across 31 March), and the SMEs who could
    serve on it at all (hold the theme, outside the unit, not excluded, enough of the cap
    left, free on some start). With the split fixed, the cap is linear in who serves."""

    review: Candidate
    starts: list[int]
    split: tuple[tuple[int, int], ...]
    smes: list[Sme]


@dataclass
class Instance:
    """Everything one solve needs; `pins` maps a review to its start, `exclusions` holds
    (sme, review) pairs with review '' meaning every review; `used` is days already spent
    ((sme, financial year) -> days) on reviews that are past planning."""

    horizon: Horizon
    smes: list[Sme]
    candidates: list[Candidate]
    cap_days: int = 10
    pins: dict[str, date] = field(default_factory=dict)
    exclusions: set[tuple[str, str]] = field(default_factory=set)
    used: dict[tuple[str, int], int] = field(default_factory=dict)
    # Days SMEs are already booked on reviews held fixed (a neighbourhood's surroundings).
    booked: dict[str, frozenset[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._blocked = {
            s.id: self._blocked_days(s) | self.booked.get(s.id, frozenset()) for s in self.smes
        }

    def _blocked_days(self, sme: Sme) -> frozenset[int]:
        out: set[int] = set()
        for first, last in sme.unavailable:
            lo = self.horizon.first_on_or_after(first)
            hi = self.horizon.last_on_or_before(last)
            out.update(range(lo, hi + 1))
        return frozenset(out)

    def blocked(self, sme_id: str) -> frozenset[int]:
        """Working-day indices the SME is unavailable on."""
        return self._blocked[sme_id]

    def skilled(self, cand: Candidate) -> list[Sme]:
        return [s for s in self.smes if cand.theme in s.skills]

    def eligible(self, cand: Candidate) -> list[Sme]:
        """SMEs who hold the theme, work outside the unit and are not excluded from it."""
        return [
            s
            for s in self.skilled(cand)
            if s.unit != cand.unit
            and (s.id, "") not in self.exclusions
            and (s.id, cand.id) not in self.exclusions
        ]

    def window(self, cand: Candidate) -> tuple[int, int]:
        """(first working-day index, last index) the review may occupy; empty if lo > hi."""
        if not self.horizon.days:
            return 0, -1
        first = max(cand.earliest or self.horizon.start, self.horizon.start)
        last = min(cand.latest or self.horizon.days[-1], self.horizon.days[-1])
        return self.horizon.first_on_or_after(first), self.horizon.last_on_or_before(last)

    def starts(self, cand: Candidate) -> range:
        """Every start index that keeps the whole review in its window and the horizon."""
        if cand.id in self.pins:
            i = self.horizon.index(self.pins[cand.id])
            if i is None or i + cand.days > len(self.horizon):
                return range(0)
            return range(i, i + 1)
        lo, hi = self.window(cand)
        return range(lo, hi - cand.days + 2)

    def day_span(self, start: int, days: int) -> range:
        return range(start, start + days)

    def year_split(self, cand: Candidate, start: int) -> tuple[tuple[int, int], ...]:
        """((financial year, working days in it), ...) for the review starting at `start`."""
        years: dict[int, int] = {}
        for i in range(start, start + cand.days):
            y = self.horizon.fy(i)
            years[y] = years.get(y, 0) + 1
        return tuple(sorted(years.items()))

    def options(self) -> list[Option]:
        """Every way each review could be scheduled, with who could serve on it (see Option)."""
        out = []
        for c in self.candidates:
            eligible = self.eligible(c)
            if c.days > self.cap_days or len(eligible) < c.team_size:
                continue
            groups: dict[tuple, list[int]] = {}
            for s in self.starts(c):
                groups.setdefault(self.year_split(c, s), []).append(s)
            for split, starts in groups.items():
                smes = [e for e in eligible if self._can_serve(e, c, starts, split)]
                if len(smes) >= c.team_size:
                    out.append(Option(c, starts, split, smes))
        return out

    def _can_serve(self, sme: Sme, c: Candidate, starts: list[int], split) -> bool:
        """Enough of the cap left in each year, and free for the whole review on some start."""
        if any(self.cap_days - self.used.get((sme.id, y), 0) < d for y, d in split):
            return False
        blocked = self._blocked[sme.id]
        return any(blocked.isdisjoint(range(s, s + c.days)) for s in starts)

    def residual(self, fixed_starts: dict[str, int], fixed_teams: dict[str, list[str]], free):
        """The instance of the reviews in `free` alone, around the fixed plan of the others:
        their SMEs' days booked and counted against the cap."""
        booked: dict[str, set[int]] = {e: set(d) for e, d in self.booked.items()}
        used = dict(self.used)
        by_id = {c.id: c for c in self.candidates}
        for rid, s in fixed_starts.items():
            if rid in free:
                continue
            for sid in fixed_teams[rid]:
                booked.setdefault(sid, set()).update(range(s, s + by_id[rid].days))
                for y, d in self.year_split(by_id[rid], s):
                    used[sid, y] = used.get((sid, y), 0) + d
        return Instance(
            horizon=self.horizon,
            smes=self.smes,
            candidates=[c for c in self.candidates if c.id in free],
            cap_days=self.cap_days,
            pins=self.pins,
            exclusions=self.exclusions,
            used=used,
            booked={e: frozenset(d) for e, d in booked.items()},
        )


def build_instance(
    smes: list[dict],
    candidates: list[dict],
    inspections: list[dict],
    *,
    start: date,
    months: int = 18,
    cap_days: int = 10,
    year_start=(4, 1),
    pins: dict[str, str] | None = None,
    exclusions=(),
    used: dict[tuple[str, int], int] | None = None,
) -> Instance:
    """An Instance from store rows (ISO dates as text)."""
    horizon = Horizon.build(start, months, year_start)
    expected = {i["id"]: date.fromisoformat(i["expected"]) for i in inspections}

    def _d(text):
        return date.fromisoformat(text) if text else None

    return Instance(
        horizon=horizon,
        smes=[
            Sme(
                s["id"],
                s["name"],
                s["unit"],
                frozenset(s["skills"]),
                tuple((date.fromisoformat(a), date.fromisoformat(b)) for a, b in s["unavailable"]),
            )
            for s in smes
        ],
        candidates=[
            Candidate(
                c["id"],
                c["title"],
                c["theme"],
                c["unit"],
                int(c["days"]),
                int(c["team_size"]),
                int(c["priority"]),
                _d(c.get("earliest")),
                _d(c.get("latest")),
                expected.get(c.get("inspection") or ""),
            )
            for c in candidates
        ],
        cap_days=cap_days,
        pins={k: date.fromisoformat(v) for k, v in (pins or {}).items()},
        exclusions={tuple(e) for e in exclusions},
        used=dict(used or {}),
    )


def horizon_end_label(start: date, months: int) -> str:
    return add_months(start, months).isoformat()
