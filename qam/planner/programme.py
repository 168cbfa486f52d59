"""The planner's main job: solve the programme from the store, steer it, accept it.

These functions are what the CLI, the interactive session and the demo call. The latest
proposal is kept in the store (`plan_proposal`), so `qam plan export` and `qam plan accept`
work from what the person last saw, and accepting writes `review` and `review_team` in one
transaction with an audit event per review.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING

from qam.errors import NotFoundError, RefusedError
from qam.planner.calendar import add_months, is_working_day
from qam.planner.model import Instance, build_instance
from qam.vocabulary import date_label

if TYPE_CHECKING:
    from qam.store import Store


@dataclass
class Settings:
    """How to solve: `qam plan solve [--start] [--months] [--cap-days] [--year-start] [--time-limit]`."""

    start: str
    months: int = 18
    cap_days: int = 10
    year_start: tuple[int, int] = (4, 1)
    time_limit: float | None = None  # None: grows with the instance

    def to_dict(self) -> dict:
        d = asdict(self)
        d["year_start"] = f"{self.year_start[0]:02d}-{self.year_start[1]:02d}"
        return d


def _refuse_bad_settings(settings: Settings) -> None:
    if settings.months < 1 or settings.months > 60:
        raise RefusedError(
            f"--months {settings.months} is outside 1 to 60; the programme usually looks 18 months ahead."
        )
    if settings.cap_days < 1:
        raise RefusedError(
            f"--cap-days {settings.cap_days} must be at least 1 (the force's cap is usually 10)."
        )
    if settings.time_limit is not None and settings.time_limit <= 0:
        raise RefusedError("--time-limit must be more than 0 seconds.")


def load_instance(store: Store, settings: Settings) -> tuple[Instance, list[dict], list[dict]]:
    """The instance to solve, plus the SME and candidate rows it was built from.

    Reviews already in fieldwork or reported are fixed history: their candidates are not
    re-planned and their days count against their teams' caps.
    """
    from qam.planner import candidates as cand_mod
    from qam.planner.pool import abstraction_used
    from qam.store import candidates as candidates_db
    from qam.store import plans as plans_db
    from qam.store import programme as programme_db
    from qam.store import smes as smes_db

    smes = smes_db.smes(store)
    if not smes:
        raise RefusedError(
            "The SME pool is empty; import it first with `qam sme import plans/sme.csv`."
        )
    cands = cand_mod.refresh(store)
    if not cands:
        raise RefusedError(
            "There are no candidate reviews; import them with `qam plan import plans/candidates.csv`."
        )
    started = [r for r in programme_db.reviews(store) if r["status"] != "planned"]
    done = {r["id"] for r in started}
    used = {
        (sid, y): d
        for sid, by in abstraction_used(started, settings.year_start).items()
        for y, d in by.items()
    }
    open_cands = [c for c in cands if c["id"] not in done]
    inst = build_instance(
        with_exclusion_periods(smes, plans_db.exclusion_periods(store)),
        open_cands,
        candidates_db.inspections(store),
        start=date.fromisoformat(settings.start),
        months=settings.months,
        cap_days=settings.cap_days,
        year_start=settings.year_start,
        pins=plans_db.pins(store),
        exclusions=plans_db.exclusions(store),
        used=used,
    )
    return inst, smes, open_cands


def result_document(inst: Instance, sol) -> dict:
    """The `qam plan solve --json` document: scheduled in start order, unscheduled with the
    reason and what would fix it, and the solver's total priority against the proven bound."""
    from qam.planner.reasons import explain

    days = inst.horizon.days
    by_id = {c.id: c for c in inst.candidates}
    scheduled = [
        {
            "review": rid,
            "start": days[s].isoformat(),
            "end": days[s + by_id[rid].days - 1].isoformat(),
            "team": list(sol.teams[rid]),
        }
        for rid, s in sorted(sol.starts.items(), key=lambda kv: (kv[1], kv[0]))
    ]
    reasons = explain(inst, sol)
    unscheduled = [
        {"review": c.id, **reasons[c.id]}
        for c in sorted(inst.candidates, key=lambda c: (-c.priority, c.id))
        if c.id in reasons
    ]
    return {
        "scheduled": scheduled,
        "unscheduled": unscheduled,
        "priority": sol.priority,
        "bound": sol.priority_bound,
        "gap": round(sol.gap, 4),
        "optimal": sol.optimal,
    }


def solve_programme(store: Store, settings: Settings, *, actor: str, progress=None) -> dict:
    """Solve, save the proposal, and return {"result", "stats", "proposal_id"}."""
    from qam.planner.solver import solve
    from qam.store import plans as plans_db

    _refuse_bad_settings(settings)
    inst, _, _ = load_instance(store, settings)
    sol = solve(inst, time_limit=settings.time_limit, progress=progress)
    result = result_document(inst, sol)
    stats = {
        "priority": sol.priority,
        "priority_bound": sol.priority_bound,
        "gap": round(sol.gap, 4),
        "greedy_priority": sol.greedy_priority,
        "optimal": sol.optimal,
        "status": sol.status,
        "seconds": round(sol.seconds, 2),
        "time_limit": round(sol.time_limit, 1),
        "candidates": len(inst.candidates),
        "horizon_end": add_months(inst.horizon.start, settings.months).isoformat(),
    }
    proposal_id = plans_db.save_proposal(
        store, actor=actor, settings=settings.to_dict(), result={**result, "stats": stats}
    )
    return {"result": result, "stats": stats, "proposal_id": proposal_id}


def latest(store: Store) -> dict:
    """The latest proposal, or a message saying to solve first."""
    from qam.store import plans as plans_db

    proposal = plans_db.latest_proposal(store)
    if proposal is None:
        raise NotFoundError("There is no proposal yet; run `qam plan solve` first.")
    return proposal


def proposal_rows(store: Store, proposal: dict) -> list[dict]:
    """The proposal's scheduled reviews with their candidates' titles, themes, units and why."""
    from qam.store import candidates as candidates_db

    cands = {c["id"]: c for c in candidates_db.candidates(store)}
    out = []
    for item in proposal["result"]["scheduled"]:
        c = cands.get(item["review"], {})
        out.append(
            {
                "id": item["review"],
                "title": c.get("title", item["review"]),
                "theme": c.get("theme"),
                "unit": c.get("unit"),
                "start": item["start"],
                "end": item["end"],
                "days": c.get("days"),
                "team": item["team"],
                "methods": c.get("methods", []),
                "inspection": c.get("inspection"),
                "priority": c.get("priority"),
                "why": c.get("why"),
                "question_set": "paf-2023",
                "status": "proposed",
            }
        )
    return out


def accept(store: Store, *, actor: str) -> dict:
    """Make the latest proposal the programme: reviews, teams and an audit event for each."""
    from qam.store import audit
    from qam.store import programme as programme_db

    proposal = latest(store)
    rows = proposal_rows(store, proposal)
    if not rows:
        raise RefusedError(
            "The latest proposal schedules no reviews; add SMEs or widen windows and solve again."
        )
    _baselines(store, rows)
    with store.transaction():
        changes = programme_db.write_programme(store, proposal["id"], rows)
        # Reports and `qam sme list` count abstraction against the cap this plan was made with.
        store.set_setting("abstraction_cap", str(proposal["settings"].get("cap_days", 10)))
        store.set_setting("plan.year_start", str(proposal["settings"].get("year_start", "04-01")))
        audit.append_event(
            store,
            actor=actor,
            entity="plan_proposal",
            entity_id=proposal["id"],
            action="accept",
            new={"reviews": [r["id"] for r in rows]},
            reason="plan accepted",
        )
        for row in changes["added"]:
            audit.append_event(
                store,
                actor=actor,
                entity="review",
                entity_id=row["id"],
                action="planned",
                new=_event(row),
                reason=f"plan accepted (proposal {proposal['id']})",
            )
        for old, row in changes["updated"]:
            audit.append_event(
                store,
                actor=actor,
                entity="review",
                entity_id=row["id"],
                action="planned",
                old=_event(old),
                new=_event(row),
                reason=f"plan accepted (proposal {proposal['id']})",
            )
        for old in changes["removed"]:
            audit.append_event(
                store,
                actor=actor,
                entity="review",
                entity_id=old["id"],
                action="unplanned",
                old=_event(old),
                reason=f"not in the accepted proposal {proposal['id']}",
            )
    return {
        "proposal_id": proposal["id"],
        "added": [r["id"] for r in changes["added"]],
        "updated": [r["id"] for _, r in changes["updated"]],
        "removed": [r["id"] for r in changes["removed"]],
        "kept": [r["id"] for r in changes["kept"]],
        "reviews": [r["id"] for r in rows],
    }


def _baselines(store: Store, rows: list[dict]) -> None:
    """A review of a unit and theme an earlier review covered follows the latest such review
    (its baseline: `qam.fieldwork.baseline`)."""
    from qam.fieldwork.baseline import baseline_for
    from qam.store import programme as programme_db

    planned = {r["id"] for r in rows}
    others = [r for r in programme_db.reviews(store) if r["id"] not in planned] + rows
    for row in rows:
        row["follows"] = baseline_for(row, others)


def _event(row: dict) -> dict:
    return {
        "start": row["start"],
        "end": row["end"],
        "team": list(row["team"]),
        "unit": row["unit"],
        "theme": row["theme"],
    }


def pin(store: Store, review_id: str, day: str | None) -> str:
    """Pin a candidate to a start date (a working day inside its window), or clear the pin."""
    from qam.store import candidates as candidates_db
    from qam.store import plans as plans_db

    cands = {c["id"]: c for c in candidates_db.candidates(store)}
    if review_id not in cands:
        raise NotFoundError(
            f"No candidate review {review_id}; see `qam plan candidates` for the ids."
        )
    if day is None:
        plans_db.set_pin(store, review_id, None)
        return f"{review_id} is no longer pinned."
    from qam.dates import parse_option_date

    when = parse_option_date(day, "the start date")
    if when is None:
        raise RefusedError("Give the start date, e.g. 14/06/2027.")
    day = when.isoformat()
    if not is_working_day(when):
        raise RefusedError(
            f"{when:%A} {when.day} {when:%B %Y} is not a working day (weekend or bank holiday); pin a working day."
        )
    c = cands[review_id]
    if (c["earliest"] and day < c["earliest"]) or (c["latest"] and day > c["latest"]):
        raise RefusedError(
            f"{date_label(day)} is outside {review_id}'s window ({date_label(c['earliest']) or 'any time'} "
            f"to {date_label(c['latest']) or 'the end of the horizon'}); pin a date inside "
            "it, or change the window in the candidates file and import it again."
        )
    plans_db.set_pin(store, review_id, when.isoformat())
    return f"{review_id} is pinned to start on {when:%A} {when.day} {when:%B %Y}; the next solve keeps it there if a team can be found."


def exclude(
    store: Store,
    sme_id: str,
    review_id: str | None = None,
    *,
    undo: bool = False,
    first: str | None = None,
    last: str | None = None,
) -> str:
    """Leave an SME out of every review, one review, or the days from `first` to `last` (a
    course, leave: unavailable then); with `undo`, put them back for exactly that."""
    from qam.store import candidates as candidates_db
    from qam.store import plans as plans_db
    from qam.store import smes as smes_db

    if sme_id not in smes_db.sme_ids(store):
        raise NotFoundError(f"No SME {sme_id} in the pool; see `qam sme list` for the ids.")
    if review_id and review_id not in candidates_db.candidate_ids(store):
        raise NotFoundError(
            f"No candidate review {review_id}; see `qam plan candidates` for the ids."
        )
    if first or last:
        return _exclude_period(store, sme_id, review_id, first, last, undo)
    plans_db.set_exclusion(store, sme_id, review_id or "", excluded=not undo)
    scope = f"review {review_id}" if review_id else "every review"
    if undo:
        return f"{sme_id} is back in the pool for {scope}."
    return f"{sme_id} is excluded from {scope}; the next solve plans without them."


def _exclude_period(store: Store, sme_id, review_id, first, last, undo: bool) -> str:
    from qam.dates import parse_option_date
    from qam.planner.session import span
    from qam.store import plans as plans_db

    if review_id:
        raise RefusedError(
            "Give either --review (out of one review) or --from/--to (out for those dates), not both."
        )
    day_one = parse_option_date(first or last, "--from" if first else "--to")
    day_last = parse_option_date(last or first, "--to" if last else "--from")
    assert day_one is not None and day_last is not None  # one of them was given
    if day_last < day_one:
        raise RefusedError(
            f"--to {day_last:%d/%m/%Y} is before --from {day_one:%d/%m/%Y}; give the first day, then the last."
        )
    when = span(day_one.isoformat(), day_last.isoformat())
    changed = plans_db.set_exclusion_period(
        store, sme_id, day_one.isoformat(), day_last.isoformat(), excluded=not undo
    )
    if undo:
        if not changed:
            raise NotFoundError(
                f"{sme_id} was not excluded for {when}; `qam plan show` lists the exclusions."
            )
        return f"{sme_id} is available again for {when}."
    return f"{sme_id} is excluded for {when}; the next solve plans without them on those days."


def steer(store: Store) -> dict:
    """The pins and exclusions the next solve will apply (dated ones with `from` and `to`)."""
    from qam.store import plans as plans_db

    return {
        "pins": plans_db.pins(store),
        "exclusions": [
            {"sme": s, "review": r or None, "from": None, "to": None}
            for s, r in plans_db.exclusions(store)
        ]
        + [
            {"sme": s, "review": None, "from": a, "to": b}
            for s, a, b in plans_db.exclusion_periods(store)
        ],
    }


def with_exclusion_periods(smes: list[dict], periods) -> list[dict]:
    """The SMEs with each dated exclusion added to the days they are unavailable."""
    extra: dict[str, list[list[str]]] = {}
    for sme_id, first, last in periods:
        extra.setdefault(sme_id, []).append([first, last])
    return [
        {**s, "unavailable": [*s["unavailable"], *extra[s["id"]]]} if s["id"] in extra else s
        for s in smes
    ]


def programme_or_proposal(store: Store) -> tuple[str, list[dict]]:
    """("programme", accepted reviews) if a plan was accepted, else ("proposal", latest proposal's)."""
    from qam.store import candidates as candidates_db
    from qam.store import programme as programme_db

    accepted = programme_db.reviews(store)
    if accepted:
        cands = {c["id"]: c for c in candidates_db.candidates(store)}
        for row in accepted:
            row["why"] = cands.get(row["id"], {}).get("why")
            row["priority"] = cands.get(row["id"], {}).get("priority")
        return "programme", accepted
    return "proposal", proposal_rows(store, latest(store))


def reviews_list(store: Store) -> list[dict]:
    """The accepted programme's reviews (id, title, theme, unit, start, end, team, ...)."""
    from qam.store import programme as programme_db

    return programme_db.reviews(store)
