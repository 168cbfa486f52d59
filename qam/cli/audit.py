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


@app.command("verify")
def verify(
    expect_head: Annotated[
        str | None,
        typer.Option(help="A chain head you filed earlier; fails if events after it were removed."),
    ] = None,
) -> None:
    """Check every event's hash and link; exit 1 naming the first row that does not verify.

    Example: qam audit verify --expect-head 3f2a...
    """
    from qam import trail as chain
    from qam.store import audit as trail

    with open_store() as store:
        result = chain.verify(trail.events(store), expect_head=expect_head)
    from qam.vocabulary import count_label

    typer.echo(
        f"The trail verifies: {count_label(result.events, 'event')}. Chain head: {result.head}"
    )
