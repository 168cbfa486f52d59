"""`qam plan` with no arguments: the Head of Corporate Development's planning session.

The loop is plain Python over a small `ui` object (`say`, `table`, `choose`, `text`,
`confirm`), so the CLI gives it questionary prompts and tests give it scripted answers.
Pins and exclusions are saved the moment they are given; a proposal is saved each time it
is solved, so leaving the session loses nothing.
"""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Protocol

from qam.errors import QamError
from qam.planner import programme

PIN, EXCLUDE, CLEAR, RESOLVE, ACCEPT, QUIT = (
    "Pin a review to a start date",
    "Exclude an SME",
    "Clear all pins and exclusions",
    "Re-solve with these changes",
    "Accept this programme",
    "Leave without accepting",
)


class Ui(Protocol):
    def say(self, text: str) -> None: ...
    def table(self, rows: list[dict], columns: list[tuple[str, str]], title: str) -> None: ...
    def choose(self, message: str, choices: list[str]) -> str | None: ...
    def text(self, message: str, default: str = "") -> str | None: ...
    def confirm(self, message: str, default: bool = True) -> bool: ...


def span(start: str, end: str) -> str:
    """'7–9 Dec 2026', '29 Nov – 2 Dec 2026' or '30 Dec 2026 – 4 Jan 2027'."""
    a, b = date.fromisoformat(start), date.fromisoformat(end)
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}–{b.day} {b:%b %Y}" if a != b else f"{a.day} {a:%b %Y}"
    if a.year == b.year:
        return f"{a.day} {a:%b} – {b.day} {b:%b %Y}"
    return f"{a.day} {a:%b %Y} – {b.day} {b:%b %Y}"


def proposal_view(store, proposal: dict) -> tuple[list[dict], list[dict]]:
    """(scheduled rows, unscheduled rows) as a person reads them: names, dates, why."""
    from qam.store import candidates as candidates_db
    from qam.store import smes as smes_db

    names = {s["id"]: s["name"] for s in smes_db.smes(store)}
    titles = {c["id"]: c for c in candidates_db.candidates(store)}
    scheduled = [
        {
            **row,
            "when": span(row["start"], row["end"]),
            "team_names": ", ".join(names.get(t, t) for t in row["team"]),
        }
        for row in programme.proposal_rows(store, proposal)
    ]
    unscheduled = [
        {
            "id": u["review"],
            "title": titles.get(u["review"], {}).get("title", ""),
            "priority": titles.get(u["review"], {}).get("priority"),
            "reason": u["reason"],
            "fix": u.get("fix", ""),
        }
        for u in proposal["result"]["unscheduled"]
    ]
    return scheduled, unscheduled


def summary(stats: dict) -> str:
    """'Total priority scheduled: 1393 of at most 1407 (within 1.0% of the best possible).'"""
    if stats.get("optimal"):
        return f"Total priority scheduled: {stats.get('priority')}, the best possible (proven)."
    gap = stats.get("gap")
    if gap is None:  # a proposal saved before the gap was recorded
        return f"Total priority scheduled: {stats.get('priority')} (the solver's bound is {stats.get('priority_bound')})."
    greedy = stats.get("greedy_priority")
    start = f"; the greedy plan it started from had {greedy}" if greedy is not None else ""
    return (
        f"Total priority scheduled: {stats.get('priority')}; no plan can schedule more than "
        f"{stats.get('priority_bound')}, so this is within {gap:.1%} of the best possible{start}."
    )


def show(store, ui: Ui, proposal: dict) -> None:
    scheduled, unscheduled = proposal_view(store, proposal)
    stats = proposal["result"].get("stats", {})
    ui.table(
        scheduled,
        [
            ("id", "Review"),
            ("when", "When"),
            ("title", "Title"),
            ("team_names", "Team"),
            ("why", "Why"),
        ],
        f"Proposed programme: {len(scheduled)} reviews",
    )
    if unscheduled:
        ui.table(
            unscheduled,
            [
                ("id", "Review"),
                ("priority", "Priority"),
                ("title", "Title"),
                ("reason", "Why it could not be scheduled"),
                ("fix", "What would fix it"),
            ],
            "Not scheduled",
        )
    if stats:
        ui.say(summary(stats))
    steer = programme.steer(store)
    if steer["pins"] or steer["exclusions"]:
        pins = ", ".join(f"{r} on {d}" for r, d in steer["pins"].items()) or "none"
        excl = (
            ", ".join(
                f"{e['sme']}" + (f" from {e['review']}" if e["review"] else "")
                for e in steer["exclusions"]
            )
            or "none"
        )
        ui.say(f"Your changes: pinned {pins}; excluded {excl}.")


def run(store, ui: Ui, settings: programme.Settings, *, actor: str, solving=None) -> dict | None:  # noqa: C901 (to split)
    """Walk through the proposal until the person accepts (returns the acceptance) or leaves.

    `solving()` is a context manager giving the progress callback for one solve (the CLI's
    live display); by default there is none.
    """
    from qam.store import plans as plans_db

    def solve_now() -> dict:
        ui.say("Solving the programme…")
        with (solving or contextlib.nullcontext)() as progress:
            programme.solve_programme(store, settings, actor=actor, progress=progress)
        return plans_db.latest_proposal(store)

    proposal = plans_db.latest_proposal(store)
    if proposal is None or proposal["accepted_at"]:
        proposal = solve_now()
    dirty = False
    while True:
        show(store, ui, proposal)
        action = ui.choose("What next?", [PIN, EXCLUDE, CLEAR, RESOLVE, ACCEPT, QUIT])
        try:
            if action in (None, QUIT):
                ui.say(
                    "Left without accepting; the proposal and your changes are saved for next time."
                )
                return None
            if action == PIN:
                dirty |= _pin(store, ui)
            elif action == EXCLUDE:
                dirty |= _exclude(store, ui)
            elif action == CLEAR:
                for review_id in plans_db.pins(store):
                    plans_db.set_pin(store, review_id, None)
                for sme_id, review_id in plans_db.exclusions(store):
                    plans_db.set_exclusion(store, sme_id, review_id, excluded=False)
                ui.say("All pins and exclusions cleared.")
                dirty = True
            elif action == RESOLVE:
                proposal, dirty = solve_now(), False
            elif action == ACCEPT:
                if dirty and ui.confirm(
                    "You changed pins or exclusions since this proposal; re-solve first?"
                ):
                    proposal, dirty = solve_now(), False
                    continue
                if ui.confirm(
                    f"Accept these {len(proposal['result']['scheduled'])} reviews as the programme?"
                ):
                    done = programme.accept(store, actor=actor)
                    ui.say(
                        f"Accepted: {len(done['reviews'])} reviews are now the programme. "
                        "Export it with `qam plan export --ics programme.ics`."
                    )
                    return done
        except QamError as err:  # a refused pin or exclusion: say why and carry on planning
            ui.say(f"Not done: {err}")


def _pin(store, ui: Ui) -> bool:
    from qam.store import candidates as candidates_db

    cands = candidates_db.candidates(store)
    labels = [
        f"{c['id']}: {c['title']} (window {c['earliest'] or 'any'} to {c['latest'] or 'any'})"
        for c in cands
    ]
    picked = ui.choose("Which review?", labels)
    if picked is None:
        return False
    review_id = picked.split(":", 1)[0]
    day = ui.text("Start on (YYYY-MM-DD, a working day; empty to clear the pin):")
    if day is None:
        return False
    ui.say(programme.pin(store, review_id, day.strip() or None))
    return True


def _exclude(store, ui: Ui) -> bool:
    from qam.store import candidates as candidates_db
    from qam.store import smes as smes_db

    labels = [
        f"{s['id']}: {s['name']}, {s['role'] or ''} ({s['unit']})" for s in smes_db.smes(store)
    ]
    picked = ui.choose("Which SME?", labels)
    if picked is None:
        return False
    sme_id = picked.split(":", 1)[0]
    scope = ui.choose("Exclude them from", ["every review", "one review"])
    review_id = None
    if scope == "one review":
        picked_review = ui.choose(
            "Which review?", [f"{c['id']}: {c['title']}" for c in candidates_db.candidates(store)]
        )
        if picked_review is None:
            return False
        review_id = picked_review.split(":", 1)[0]
    elif scope is None:
        return False
    ui.say(programme.exclude(store, sme_id, review_id))
    return True
