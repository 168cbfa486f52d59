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

    def __post_init__(self) -> None:
        self._blocked = {s.id: self._blocked_days(s) for s in self.smes}

    def _blocked_days(self, sme: Sme) -> frozenset[int]:
        out = set()
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
