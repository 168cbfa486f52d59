"""`qam plan` with no arguments: the Head of Corporate Development's planning session.

The loop is plain Python over a `qam.prompter.Prompter`, so the CLI gives it questionary
prompts and tests give it scripted answers. Pins and exclusions are saved the moment they
are given; a proposal is saved each time it is solved, so leaving the session loses nothing.
"""

from __future__ import annotations

import contextlib
from datetime import date

from qam.errors import QamError
from qam.planner import programme
from qam.prompter import Prompter, check_with
from qam.vocabulary import count_label

PIN, EXCLUDE, CLEAR, RESOLVE, ACCEPT, QUIT = "pin", "exclude", "clear", "resolve", "accept", "quit"
ACTIONS = [
    ("Pin a review to a start date", PIN),
    ("Exclude an SME (from every review, one review, or some dates)", EXCLUDE),
    ("Clear all pins and exclusions", CLEAR),
    ("Re-solve with these changes", RESOLVE),
    ("Accept this programme", ACCEPT),
    ("Leave without accepting", QUIT),
]
EVERY, ONE, DATES = "every", "one", "dates"


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


def show(store, ask: Prompter, proposal: dict) -> None:
    scheduled, unscheduled = proposal_view(store, proposal)
    stats = proposal["result"].get("stats", {})
    ask.table(
        scheduled,
        [
            ("id", "Review"),
            ("when", "When"),
            ("title", "Title"),
            ("team_names", "Team"),
            ("why", "Why"),
        ],
        f"Proposed programme: {count_label(len(scheduled), 'review')}",
    )
    if unscheduled:
        ask.table(
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
        ask.say(summary(stats))
    changes = your_changes(store)
    if changes:
        ask.say(changes)


def your_changes(store) -> str:
    """'Your changes: pinned R03 on 7 Jun 2027; excluded Jo Marsh (SME04) for 1–12 Mar 2027.'"""
    from qam.store import smes as smes_db
    from qam.vocabulary import date_label

    steer = programme.steer(store)
    if not (steer["pins"] or steer["exclusions"]):
        return ""
    names = {s["id"]: s["name"] for s in smes_db.smes(store)}
    pins = ", ".join(f"{r} on {date_label(d)}" for r, d in steer["pins"].items()) or "none"
    excluded = []
    for e in steer["exclusions"]:
        who = f"{names.get(e['sme'], e['sme'])} ({e['sme']})"
        if e["from"]:
            excluded.append(f"{who} for {span(e['from'], e['to'])}")
        else:
            excluded.append(who + (f" from {e['review']}" if e["review"] else " from every review"))
    return f"Your changes: pinned {pins}; excluded {'; '.join(excluded) or 'none'}."


def run(
    store, ask: Prompter, settings: programme.Settings, *, actor: str, solving=None
) -> dict | None:
    """Walk through the proposal until the person accepts (returns the acceptance) or leaves.

    `solving()` is a context manager giving the progress callback for one solve (the CLI's
    live display); by default there is none.
    """
    from qam.store import plans as plans_db

    def solve_now() -> dict:
        ask.say("Solving the programme…")
        with (solving or contextlib.nullcontext)() as progress:
            programme.solve_programme(store, settings, actor=actor, progress=progress)
        latest = plans_db.latest_proposal(store)
        assert latest is not None  # solve_programme saves the proposal it makes
        return latest

    proposal = plans_db.latest_proposal(store)
    if proposal is None or proposal["accepted_at"]:
        proposal = solve_now()
    dirty = False
    while True:
        show(store, ask, proposal)
        action = ask.select("What next?", ACTIONS)
        if action == QUIT:
            ask.say(
                "Left without accepting; the proposal and your changes are saved for next time."
            )
            return None
        try:
            if action == RESOLVE or (action == ACCEPT and dirty and _resolve_first(ask)):
                proposal, dirty = solve_now(), False
            elif action == ACCEPT:
                done = _accept(store, ask, proposal, actor)
                if done:
                    return done
            else:
                dirty |= STEERS[action](store, ask)
        except QamError as err:  # a refused pin or exclusion: say why and carry on planning
            ask.say(f"Not done: {err}")


def _resolve_first(ask: Prompter) -> bool:
    return ask.confirm("You changed pins or exclusions since this proposal; re-solve first?")


def _accept(store, ask: Prompter, proposal: dict, actor: str) -> dict | None:
    reviews = count_label(len(proposal["result"]["scheduled"]), "review")
    if not ask.confirm(f"Accept {reviews} as the programme?"):
        return None
    done = programme.accept(store, actor=actor)
    ask.say(
        f"Accepted: {count_label(len(done['reviews']), 'review')} now the programme. "
        "Export it with `qam plan export --ics programme.ics`."
    )
    return done


def _candidate(store, ask: Prompter, message: str) -> str:
    from qam.store import candidates as candidates_db
    from qam.vocabulary import date_label

    return ask.select(
        message,
        [
            (
                f"{c['id']}: {c['title']} (window {date_label(c['earliest']) or 'any time'} to "
                f"{date_label(c['latest']) or 'the end'})",
                c["id"],
            )
            for c in candidates_db.candidates(store)
        ],
    )


def _day(text: str) -> str | None:
    from qam.dates import parse_option_date

    day = parse_option_date(text, "the date")
    return day.isoformat() if day else None


def _pin(store, ask: Prompter) -> bool:
    review_id = _candidate(store, ask, "Which review?")
    day = ask.text(
        "Start on (a working day, e.g. 14/06/2027; empty to clear the pin):",
        validate=check_with(_day),
    )
    ask.say(programme.pin(store, review_id, _day(day)))
    return True


def _exclude(store, ask: Prompter) -> bool:
    from qam.store import smes as smes_db

    sme_id = ask.select(
        "Which SME?",
        [
            (f"{s['id']}: {s['name']}, {s['role'] or ''} ({s['unit']})", s["id"])
            for s in smes_db.smes(store)
        ],
    )
    scope = ask.select(
        "Exclude them from",
        [
            ("Every review", EVERY),
            ("One review", ONE),
            ("Some dates (a course, leave)", DATES),
        ],
    )
    if scope == ONE:
        ask.say(programme.exclude(store, sme_id, _candidate(store, ask, "Which review?")))
    elif scope == DATES:
        first = ask.text("From (e.g. 01/03/2027):", validate=_needed(_day))
        last = ask.text("To (the last day away):", default=first, validate=_needed(_day))
        ask.say(programme.exclude(store, sme_id, first=first, last=last))
    else:
        ask.say(programme.exclude(store, sme_id))
    return True


def _needed(parse):
    check = check_with(parse)
    return lambda text: check(text) if text.strip() else "A date is needed, e.g. 01/03/2027."


def _clear(store, ask: Prompter) -> bool:
    from qam.store import plans as plans_db

    for review_id in plans_db.pins(store):
        plans_db.set_pin(store, review_id, None)
    for sme_id, review_id in plans_db.exclusions(store):
        plans_db.set_exclusion(store, sme_id, review_id, excluded=False)
    plans_db.clear_exclusion_periods(store)
    ask.say("All pins and exclusions cleared.")
    return True


# What each steering action does; each returns True when the proposal is now out of date.
STEERS = {PIN: _pin, EXCLUDE: _exclude, CLEAR: _clear}
