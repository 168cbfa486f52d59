"""`qam audit`: the decision trail."""

from typing import Annotated

import typer

from qam.cli._common import new_app, open_store, print_json, print_table

app = new_app("The decision trail: who changed what, when and why.\n\nExample: qam audit verify")


@app.command("log")
def log(
    entity: Annotated[
        str | None, typer.Option(help="Only events about this kind of thing (e.g. register_item).")
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """List every event in the trail, oldest first.

    Example: qam audit log --json
    """
    from qam.store import audit as trail

    with open_store() as store:
        rows = trail.events(store, entity=entity)
    if json_:
        print_json(rows)
        return
    from qam.vocabulary import datetime_label

    shown = [
        {
            **r,
            "at": datetime_label(r["at"]),
            "entity": r["entity"].replace("_", " "),
            "action": r["action"].replace("_", " "),
        }
        for r in rows
    ]
    print_table(
        shown,
        [
            ("seq", "#"),
            ("at", "When"),
            ("actor", "Who"),
            ("entity", "What"),
            ("entity_id", "Id"),
            ("action", "Action"),
            ("reason", "Why"),
        ],
        empty="The trail is empty.",
    )


def _head(value: str | None) -> str | None:
    """A chain head as `qam audit verify` prints it: 64 hex digits; anything else is a usage
    error, so an empty or mistyped head never quietly turns the check off."""
    if value is None:
        return None
    head = value.strip().lower()
    if len(head) != 64 or any(c not in "0123456789abcdef" for c in head):
        raise typer.BadParameter(
            "give the 64-hex-digit chain head `qam audit verify` printed (or leave it out)."
        )
    return head


@app.command("verify")
def verify(
    expect_head: Annotated[
        str | None,
        typer.Option(
            help="A chain head you filed earlier; fails if events after it were removed.",
            callback=_head,
        ),
    ] = None,
) -> None:
    """Check every event's hash and link, and that every decision, finding, correction and accepted plan has its event; exit 1 naming what fails.

    Example: qam audit verify --expect-head 3f2a...
    """
    from qam.trail_checks import verify_store

    with open_store() as store:
        report = verify_store(store, expect_head=expect_head)
    from qam.vocabulary import count_label

    for note in report.notes:
        typer.echo(f"Note: {note}.")
    typer.echo(
        f"The trail verifies: {count_label(report.events, 'event')}; every decision, finding, "
        f"correction and accepted plan has its event. Chain head: {report.head}"
    )
