"""`qam boards`: the assessment boards, their chairs and the PEEL areas each owns."""

from typing import Annotated

import typer

from qam.cli._common import actor, new_app, open_store, print_json, print_table

app = new_app(
    "The assessment boards: their chairs and the PEEL areas each owns.\n\nExample: qam boards list"
)


@app.command("list")
def list_cmd(
    json_: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """List the boards, each with its chair and PEEL areas (plans/boards.csv, as edited).

    Example: qam boards list --json
    """
    from dataclasses import asdict

    from qam import boards

    with open_store() as store:
        found = boards.load(store)
    if json_:
        print_json([asdict(b) for b in found])
        return
    print_table(
        [{"name": b.name, "chair": b.chair, "areas": "; ".join(b.areas)} for b in found],
        [("name", "Board"), ("chair", "Chair"), ("areas", "PEEL areas")],
        empty="No boards: add one with `qam boards set NAME --chair POST --area AREA`.",
    )


@app.command("set")
def set_cmd(
    name: Annotated[str, typer.Argument(help="The board (a new name adds a board).")],
    chair: Annotated[
        str | None,
        typer.Option(
            "--chair", help="The chief officer who chairs it, as the register names leads."
        ),
    ] = None,
    area: Annotated[
        list[str] | None,
        typer.Option(
            "--area", help="A PEEL area it owns (taken from any other board); repeatable."
        ),
    ] = None,
    remove_area: Annotated[
        list[str] | None,
        typer.Option("--remove-area", help="An area it no longer owns; repeatable."),
    ] = None,
) -> None:
    """Add a board or change its chair and areas; the change is in the trail.

    Example: qam boards set "Operational Assessment Board" --chair "ACC Crime and Justice" --area "Protecting vulnerable people"
    """
    from qam import boards

    with open_store() as store:
        board = boards.set_board(
            store,
            name,
            actor=actor(),
            chair=chair,
            add_areas=area or [],
            remove_areas=remove_area or [],
        )
    typer.echo(f"{board.name}: chaired by {board.chair or 'nobody yet'}; {len(board.areas)} areas.")
