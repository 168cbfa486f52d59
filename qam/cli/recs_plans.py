"""`qam recs due`, `qam recs update`, `qam recs reminders`: the register's clocks and its
monthly action-plan updates (commands of the `recs` group, kept apart to keep each module short)."""

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from qam.cli._common import actor, open_store, print_json, print_table

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


def register(app: typer.Typer) -> None:
    app.command("due")(due_cmd)
    app.command("update")(update_cmd)
    app.command("reminders")(reminders_cmd)


def _today() -> date:
    """Today, or QAM_TODAY (the one reader of it is retention's)."""
    from qam.cli.retention import _today as today

    return today()


def due_cmd(
    within: Annotated[
        int, typer.Option("--within", min=0, help="List what falls due in the next DAYS days.")
    ] = 30,
    json_: JsonFlag = False,
) -> None:
    """What is overdue and what falls due: every outstanding item's deadlines (its due date, a
    date its words set, the PCC's 56-day comments on a force report, the 56-day response to a
    coroner), the action plans with no update in the cycle, and deadline words QAM could not
    read (set those items' due dates by hand: QAM never guesses).

    Example: qam recs due --within 14 --json
    """
    from qam.register.clocks import due

    with open_store() as store:
        doc = due(store, today=_today(), within=within)
    if json_:
        print_json(doc)
        return
    for key, title in (("overdue", "Overdue"), ("due", f"Due in the next {within} days")):
        rows = [
            {**r, "what": r["label"] + (f' ("{r["phrase"]}")' if r["phrase"] else "")}
            for r in doc[key]
        ]
        print_table(
            rows,
            [
                ("ref", "Ref"),
                ("date", "Date"),
                ("days", "Days"),
                ("what", "Deadline"),
                ("owner", "Owner"),
            ],
            title=title,
            empty=f"{title}: none.",
        )
    print_table(
        doc["no_update"],
        [
            ("ref", "Ref"),
            ("last_update", "Last update"),
            ("days_since", "Days"),
            ("action_lead", "Action lead"),
        ],
        title=f"No action-plan update in {doc['update_cycle_days']} days",
        empty="Every action plan has an update in the cycle.",
    )
    print_table(
        doc["unreadable"],
        [("ref", "Ref"), ("phrase", "Words"), ("why", "Why no date")],
        title="Deadline words to read: set a due date by hand",
        empty="No deadline words left to read.",
    )


def update_cmd(
    ref: Annotated[str, typer.Argument(help="The item's ref, e.g. REC-2023-011.")],
    progress: Annotated[
        str, typer.Option("--progress", help="What has moved since the last update.")
    ],
    rag: Annotated[str | None, typer.Option("--rag", help="green, amber or red.")] = None,
    evidence: Annotated[
        str | None, typer.Option("--evidence", help="The evidence for the progress.")
    ] = None,
    checkpoint: Annotated[
        str | None,
        typer.Option(
            "--checkpoint", help="The next check-point with the chief officer lead (a date)."
        ),
    ] = None,
    corrects: Annotated[
        str | None,
        typer.Option(
            "--corrects", help="The id of an earlier update this one corrects (needs --reason)."
        ),
    ] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why a correction was needed.")
    ] = None,
    json_: JsonFlag = False,
) -> None:
    """Add a dated progress update to an item's action plan: who and when, in the trail.

    An update is never edited or deleted; to put one right, add a correction with --corrects
    ID --reason TEXT, and both show in `qam recs show`.

    Example: qam recs update REC-2023-011 --progress "Handover checklist live in all suites" --rag amber --checkpoint 15/01/2027
    """
    from qam.register.updates import record_update

    with open_store() as store:
        row = record_update(
            store,
            ref,
            progress=progress,
            actor=actor(),
            rag=rag,
            evidence=evidence,
            checkpoint=checkpoint,
            corrects=corrects,
            reason=reason,
        )
    if json_:
        print_json(row)
        return
    what = "Correction" if corrects else "Update"
    typer.echo(f"{what} {row['id']} recorded on {row['item_ref']} by {row['actor']}.")


def reminders_cmd(
    ics: Annotated[Path, typer.Option("--ics", help="The calendar file to write (.ics).")],
) -> None:
    """Write each action lead's next update and check-point dates as calendar events.

    Example: qam recs reminders --ics action-plans.ics
    """
    from qam.register.reminders import write_ics

    with open_store() as store:
        result = write_ics(store, ics, today=_today())
    typer.echo(f"Wrote {result['events']} reminders to {result['path']}.")
    if result["without_email"]:
        typer.echo(
            f"{result['without_email']} items have no email for their action lead: their events "
            "have no attendee. Add an 'Action Lead Email' column to the tracker and import it again."
        )


def plan_of(store, item: dict) -> dict:
    """An item's deadlines (and unreadable deadline words) and its updates, newest first."""
    from qam.register.clocks import item_clocks
    from qam.register.updates import updates

    clocks, words = item_clocks(item)
    today = _today()
    return {
        "deadlines": [c.as_json(today) for c in clocks],
        "deadline_words_unread": (
            {"phrase": words.phrase, "why": words.why} if words.unreadable else None
        ),
        "updates": updates(store, item["ref"]),
    }


def print_plan(plan: dict) -> None:
    """The deadlines and the updates, newest first, as `qam recs show` prints them."""
    from qam.vocabulary import date_label, datetime_label

    if plan["deadlines"] or plan["deadline_words_unread"]:
        typer.echo("\nDeadlines")
    for clock in plan["deadlines"]:
        words = f' (from "{clock["phrase"]}")' if clock["phrase"] else ""
        typer.echo(f"  {clock['label']}: {date_label(clock['date'])}{words}")
    if plan["deadline_words_unread"]:
        unread = plan["deadline_words_unread"]
        typer.echo(f'  Deadline words QAM could not read: "{unread["phrase"]}" ({unread["why"]})')
    if not plan["updates"]:
        return
    typer.echo("\nUpdates, newest first")
    for update in plan["updates"]:
        rag = f" [{update['rag'].upper()}]" if update["rag"] else ""
        typer.echo(
            f"  {datetime_label(update['recorded_at'])}, {update['actor']}{rag}: {update['progress']}"
        )
        if update["corrects"]:
            typer.echo(f"    Corrects {update['corrects']}: {update['reason']}")
        if update["evidence"]:
            typer.echo(f"    Evidence: {update['evidence']}")
        if update["checkpoint"]:
            typer.echo(f"    Next check-point: {date_label(update['checkpoint'])}")
        typer.echo(f"    ({update['id']})")
