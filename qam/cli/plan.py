"""`qam plan`: the 18-month programme of internal reviews, from candidates to an accepted plan."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qam.cli import plan_solve
from qam.cli._common import actor, open_store, print_json, print_table
from qam.cli._imports import (
    AddThemesOpt,
    DryRunOpt,
    FileArg,
    JsonOpt,
    MapOpt,
    SheetOpt,
    ValueOpt,
)

app = typer.Typer(
    help="The 18-month programme of internal reviews. Run `qam plan` alone in a terminal to plan "
    "interactively: see the proposal, pin a review, exclude an SME, re-solve, accept.\n\n"
    "Steps: qam sme import plans/sme.csv; qam plan candidates --from plans/; qam plan solve; "
    "qam plan accept; qam plan export --ics programme.ics\n\n"
    "Example: qam plan solve --start 2026-12-01",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


@app.callback(invoke_without_command=True)
def plan(
    ctx: typer.Context,
    start: plan_solve.StartOpt = None,
    months: plan_solve.MonthsOpt = 18,
    cap_days: plan_solve.CapOpt = 10,
    year_start: plan_solve.YearOpt = "04-01",
    time_limit: plan_solve.LimitOpt = None,
) -> None:
    """Plan interactively (in a terminal); without a terminal, show this help.

    Example: qam plan --start 2026-12-01
    """
    if ctx.invoked_subcommand is not None:
        return
    from qam.cli import prompts

    if not prompts.interactive():
        typer.echo(ctx.get_help())
        raise typer.Exit(0)
    from qam.planner import session

    settings = plan_solve.solver_settings(start, months, cap_days, year_start, time_limit)
    with open_store() as store:
        session.run(
            store,
            prompts.TerminalPrompts(),
            settings,
            actor=actor(),
            solving=lambda: plan_solve.SolveProgress(True),
        )


def _import(file, what, sheet, map_, value, dry_run, add_themes, json_) -> None:
    from qam.cli import _imports
    from qam.planner.imports import import_file

    with open_store(create=True) as store:
        receipt = import_file(
            store,
            file,
            what,
            actor=actor(),
            options=_imports.options(sheet, map_, value, dry_run, add_themes),
        )
    _imports.show(receipt, json_)
    if not json_ and not dry_run:
        typer.echo(
            f"{receipt.details['candidates']} candidate reviews in all; "
            f"{receipt.details['derived']} derived from the {what}. See `qam plan candidates`."
        )


@app.command("import")
def import_cmd(
    file: FileArg,
    sheet: SheetOpt = None,
    map_: MapOpt = None,
    value: ValueOpt = None,
    dry_run: DryRunOpt = False,
    add_themes: AddThemesOpt = False,
    json_: JsonOpt = False,
) -> None:
    """Import candidate reviews (id, title, theme, unit, days, team_size, earliest, latest,
    priority, and optional inspection, source, methods); every problem named at once, and
    nothing written until the file is right.

    Example: qam plan import plans/candidates.csv
    """
    _import(file, "candidates", sheet, map_, value, dry_run, add_themes, json_)


@app.command("import-inspections")
def import_inspections_cmd(
    file: FileArg,
    sheet: SheetOpt = None,
    map_: MapOpt = None,
    value: ValueOpt = None,
    dry_run: DryRunOpt = False,
    add_themes: AddThemesOpt = False,
    json_: JsonOpt = False,
) -> None:
    """Import the external inspection calendar (id, title, kind, theme, expected); each
    inspection no candidate prepares for gets one.

    Example: qam plan import-inspections plans/inspections.csv
    """
    _import(file, "inspections", sheet, map_, value, dry_run, add_themes, json_)


@app.command("import-aois")
def import_aois_cmd(
    file: FileArg,
    sheet: SheetOpt = None,
    map_: MapOpt = None,
    value: ValueOpt = None,
    dry_run: DryRunOpt = False,
    add_themes: AddThemesOpt = False,
    json_: JsonOpt = False,
) -> None:
    """Import areas of interest (id, title, theme, source, priority, raised); each AOI no
    candidate's source names gets a candidate review.

    Example: qam plan import-aois plans/aois.csv
    """
    _import(file, "areas of interest", sheet, map_, value, dry_run, add_themes, json_)


@app.command("add-inspection")
def add_inspection_cmd(
    id_: Annotated[str | None, typer.Option("--id", help="A short id, e.g. I08.")] = None,
    title: Annotated[
        str | None, typer.Option("--title", help="The inspection, as HMICFRS names it.")
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="peel, thematic or joint.")] = None,
    theme: Annotated[
        str | None, typer.Option("--theme", help="A theme: its slug, label or a synonym.")
    ] = None,
    expected: Annotated[
        str | None,
        typer.Option("--expected", help="When it is expected, e.g. 01/10/2027 or October 2027."),
    ] = None,
) -> None:
    """Add one expected external inspection (asked for in prompts, or given as flags).

    A candidate review to prepare for it is derived unless one already names it.

    Example: qam plan add-inspection --id I08 --title "Custody thematic" --kind thematic --theme custody --expected "October 2027"
    """
    from qam import themes
    from qam.cli import fields
    from qam.cli.prompts import ask_missing
    from qam.planner.imports import add_one
    from qam.vocabulary import date_label

    known = {"id": id_, "title": title, "kind": kind, "theme": theme, "expected": expected}
    with open_store(create=True) as store:
        themes.load(store)  # the theme menu and checks in the store's words
        known = ask_missing(known, fields.inspection(), "plan add-inspection")
        added = add_one(store, "inspections", known)
    derived = (
        f"; candidate {', '.join(added['derived'])} prepares for it" if added["derived"] else ""
    )
    typer.echo(
        f"Inspection {added['id']} ({added['title']}) expected {date_label(added['expected'])}{derived}. "
        "Run `qam plan solve` to plan with it."
    )


@app.command("add-aoi")
def add_aoi_cmd(
    id_: Annotated[str | None, typer.Option("--id", help="A short id, e.g. A08.")] = None,
    title: Annotated[str | None, typer.Option("--title", help="What was raised.")] = None,
    theme: Annotated[
        str | None, typer.Option("--theme", help="A theme: its slug, label or a synonym.")
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source", help="opcc_scrutiny, police_and_crime_plan, audit_and_ethics, smb or cog."
        ),
    ] = None,
    priority: Annotated[str | None, typer.Option("--priority", help="1 (low) to 5 (high).")] = None,
    raised: Annotated[
        str | None, typer.Option("--raised", help="When it was raised, e.g. 14/10/2026.")
    ] = None,
) -> None:
    """Add one area of interest raised by OPCC scrutiny, the Police and Crime Plan, the Audit and
    Ethics Committee, the SMB or COG (asked for in prompts, or given as flags).

    Example: qam plan add-aoi --id A08 --title "Stop and search records" --theme stop_and_search --source audit_and_ethics --priority 4
    """
    from qam import themes
    from qam.cli import fields
    from qam.cli.prompts import ask_missing
    from qam.planner.imports import add_one

    known = {
        "id": id_,
        "title": title,
        "theme": theme,
        "source": source,
        "priority": priority,
        "raised": raised,
    }
    with open_store(create=True) as store:
        themes.load(store)
        known = ask_missing(known, fields.area_of_interest(), "plan add-aoi")
        added = add_one(store, "areas of interest", known)
    derived = f"; candidate {', '.join(added['derived'])} covers it" if added["derived"] else ""
    typer.echo(
        f"Area of interest {added['id']} ({added['title']}, priority {added['priority']}){derived}. "
        "Run `qam plan solve` to plan with it."
    )


@app.command("candidates")
def candidates_cmd(
    from_: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="A folder: import its candidates.csv, inspections.csv and aois.csv first.",
        ),
    ] = None,
    json_: JsonFlag = False,
) -> None:
    """List candidate reviews and why each exists (imported, an inspection, an AOI, the register, a grade).

    Candidates are re-derived from the inspection calendar, areas of interest, outstanding
    high-risk register items and the force's last grades every time this runs.

    Example: qam plan candidates --from plans/
    """
    from qam.errors import ImportFileError
    from qam.planner import candidates as cm
    from qam.planner.imports import import_file

    with open_store(create=from_ is not None) as store:
        if from_ is not None:
            files = [
                (from_ / "inspections.csv", "inspections"),
                (from_ / "aois.csv", "areas of interest"),
                (from_ / "candidates.csv", "candidates"),
            ]
            if not any(f.is_file() for f, _ in files):
                raise ImportFileError(
                    f"{from_} holds none of candidates.csv, inspections.csv, aois.csv."
                )
            with store.transaction():
                for path, what in files:
                    if path.is_file():
                        import_file(store, path, what, actor=actor())
        rows = cm.refresh(store)
    if json_:
        print_json(rows)
        return
    from qam.vocabulary import count_label, date_label

    for r in rows:
        r["window"] = (
            f"{date_label(r['earliest']) or 'any time'} to "
            f"{date_label(r['latest']) or 'the end of the horizon'}"
        )
        r["effort"] = f"{r['team_size']} × {r['days']}d"
    print_table(
        rows,
        [
            ("id", "Id"),
            ("title", "Title"),
            ("unit", "Unit"),
            ("priority", "Priority"),
            ("window", "Window"),
            ("effort", "Team × days"),
            ("why", "Why"),
        ],
        title=count_label(len(rows), "candidate review"),
        empty="No candidates yet; run `qam plan candidates --from plans/` or `qam plan import FILE`.",
    )


# solve, show, pin, exclude, accept, export: registered last, so that help lists them last
plan_solve.register(app)
