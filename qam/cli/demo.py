"""`qam init` and `qam demo`: setting up a store, and the whole job on example data."""

from pathlib import Path
from typing import Annotated

import typer

from qam.cli._common import actor, open_store


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)


def init(
    force_name: Annotated[
        str | None,
        typer.Option("--force-name", help="The home force's name, as its register spells it."),
    ] = None,
    organiser: Annotated[
        str | None,
        typer.Option(
            "--organiser",
            help="The planner's own email: the organiser of the programme's calendar invitations.",
        ),
    ] = None,
    update_cycle_days: Annotated[
        int | None,
        typer.Option(
            "--update-cycle-days",
            help="Days an action plan may go without an update before `qam recs due` lists it "
            "(31, monthly, unless set).",
        ),
    ] = None,
) -> None:
    """Create or upgrade the store and record the home force's name and the planner's email.

    Example: qam init --force-name "Westshire Police" --organiser jane.smith@westshire.police.uk
    """
    from qam.initialise import initialise

    with open_store(create=True) as store:
        result = initialise(
            store,
            actor=actor(),
            force_name=force_name,
            organiser=organiser,
            update_cycle_days=update_cycle_days,
        )
        path = store.path
    typer.echo(f"Store ready at {path}.")
    if result.force_name:
        typer.echo(f"Home force: {result.force_name}.")
    if result.organiser:
        typer.echo(f"Calendar invitations come from: {result.organiser}.")
    if result.update_cycle_days:
        typer.echo(f"Action plans are updated every {result.update_cycle_days} days.")
    if result.sets_loaded:
        typer.echo(f"Question sets loaded: {', '.join(result.sets_loaded)}.")
    typer.echo(
        f"This store signs its bundles with key {result.signing_key} "
        f"(kept beside it in {path.name}.signing-key, readable by you alone)."
    )


def demo(
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the demo store and every report.")
    ] = Path("qam-demo"),
    scale: Annotated[
        int | None, typer.Option("--scale", min=1, help="Make N findings, for load tests.")
    ] = None,
) -> None:
    """Run the whole job on the shipped example force and write every report to --out.

    Builds a fresh store from the example data in plans/, plans the programme, simulates
    fieldwork on two laptops, merges it, and writes the reports and an index page.

    Example: qam demo --out qam-demo
    """
    from qam import demo as demo_run
    from qam.cli._common import options, qam_command

    typer.echo(f"QAM demo: the example force's programme, end to end, into {out.resolve()}")
    result = demo_run.run(
        out,
        actor=actor(),
        scale=scale,
        db=options.db,
        on_step=lambda name, summary: typer.echo(f"- {name}: {summary}"),
        qam=qam_command(),
    )
    typer.echo(f"Demo store: {result.store_path.resolve()}")
    typer.echo(f"Open {result.index.resolve()} in a browser to see the reports.")
    typer.echo("Explore the demo's store from this shell:")
    for command in result.explore:
        typer.echo(f"  {command}")
