"""`qam outcomes`: external inspection grades by force and question or area."""

from typing import Annotated

import typer

from qam.cli._common import actor, new_app, open_store, print_json, print_table
from qam.cli._imports import DryRunOpt, FileArg, JsonOpt, MapOpt, SheetOpt, ValueOpt

app = new_app(
    "External inspection grades by force and question or area, from published spreadsheets.\n\n"
    'Example: qam outcomes import grades.csv --value "force:WM=West Midlands"'
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


@app.command("import")
def import_cmd(
    file: FileArg,
    area: Annotated[
        str | None,
        typer.Option(
            "--area",
            help="The question or area every row grades (a long sheet with no area column).",
        ),
    ] = None,
    sheet: SheetOpt = None,
    map_: MapOpt = None,
    value: ValueOpt = None,
    dry_run: DryRunOpt = False,
    json_: JsonOpt = False,
) -> None:
    """Import published grades; all grades or none. Importing the same sheet twice changes nothing.

    Long sheets have a row a grade (force, area, grade, report, published); wide sheets, as
    HMICFRS and newsrooms publish them, a row a force and a column a question, pillar or
    area, each column of grades read as an area named by its header. "Not graded", "N/A",
    "-" and blank cells are skipped and counted. Forces may be written as their official
    names, HMICFRS's short names, data.police.uk's labels or well-known abbreviations; map
    anything else with --value. The table ends at its first blank row.

    Example: qam outcomes import grades.xlsx --value "force:WM=West Midlands"
    """
    from qam.cli import _imports
    from qam.register.outcomes import import_outcomes

    with open_store(create=True) as store:
        receipt = import_outcomes(
            store,
            file,
            actor=actor(),
            options=_imports.options(sheet, map_, value, dry_run),
            area=area,
        )
    from qam.vocabulary import count_label

    details = receipt.details
    lines = []
    if details["areas"]:
        lines.append(
            f"  Wide sheet: {count_label(len(details['areas']), 'area')} "
            f"({', '.join(details['areas'])})."
        )
    if details["not_grades"]:
        lines.append(
            f"  Columns holding no grades, not imported: {', '.join(details['not_grades'])}."
        )
    if details["forces"]:
        lines.append(f"  Forces: {', '.join(details['forces'])}.")
    _imports.show(receipt, json_, lines)


@app.command("list")
def list_cmd(
    force: Annotated[
        str | None, typer.Option("--force", help="Only this force (its full name).")
    ] = None,
    json_: JsonFlag = False,
) -> None:
    """List the imported grades, force by force.

    Example: qam outcomes list --force "Wiltshire Police"
    """
    from qam.register.outcomes import list_outcomes

    with open_store() as store:
        rows = list_outcomes(store, force=force)
    if json_:
        print_json(rows)
        return
    from qam.vocabulary import date_label, label

    shown = [
        {**r, "grade": label(r["grade"]), "published": date_label(r["published"])} for r in rows
    ]
    print_table(
        shown,
        [
            ("force", "Force"),
            ("area", "Area"),
            ("grade", "Grade"),
            ("report_title", "Report"),
            ("published", "Published"),
        ],
        empty="No outcomes yet: `qam outcomes import FILE`.",
    )


@app.command("summary")
def summary_cmd(json_: JsonFlag = False) -> None:
    """Forces by overall grade, and the areas graded requires improvement or inadequate.

    PEEL has had no overall force grade since 2021/22, so a force's overall grade is taken
    from its latest report (by date, or by the year the report names when it has no date):
    its "Overall" row if it has one, else the grade given most often, a tie going to the
    worse grade. The JSON adds below_good: each force's areas graded below good at its
    latest report.

    Example: qam outcomes summary --json
    """
    from qam.register.outcomes import areas_needing_improvement, overall_grades, summary

    with open_store() as store:
        doc = summary(store)
        grades = overall_grades(store)
        weak = areas_needing_improvement(store)
    if json_:
        print_json(doc)
        return
    if not doc["total"]:
        typer.echo("No outcomes yet: `qam outcomes import FILE`.")
        return
    from qam.vocabulary import count_label, label, theme_label

    counts = ", ".join(f"{n} {label(g).lower()}" for g, n in doc["by_grade"].items())
    typer.echo(f"{count_label(doc['total'], 'force')} by overall grade: {counts}.")
    print_table(
        [{"force": f, "grade": label(g)} for f, g in grades.items()],
        [("force", "Force"), ("grade", "Overall (latest report)")],
    )
    weak = [
        {**w, "grade": label(w["grade"]), "theme": theme_label(w["theme"]) if w["theme"] else ""}
        for w in weak
    ]
    print_table(
        weak,
        [
            ("force", "Force"),
            ("area", "Area graded below adequate"),
            ("grade", "Grade"),
            ("theme", "Theme"),
        ],
        title="Areas needing improvement",
        empty="No area is graded requires improvement or inadequate.",
    )


@app.command("calibrate")
def calibrate_cmd(json_: JsonFlag = False) -> None:
    """The force's self-assessment against the grades HMICFRS gave it, inspection by inspection.

    For each PEEL area an inspection graded: the self-assessed grade in the latest review that
    assessed the area before the inspection was published, beside HMICFRS's grade; how often
    they match exactly or within one grade; whether the self-assessment was too kind or too
    harsh, and by how many grades on average; and the blind spots (areas never self-assessed
    before the inspection). Needs the home force's own grades (`qam outcomes import`).

    Example: qam outcomes calibrate --json
    """
    from qam.analysis.calibration import calibration

    with open_store() as store:
        doc = calibration(store)
    if json_:
        print_json(doc)
        return
    if not doc["inspections"]:
        typer.echo(
            f"No published grades for {doc['force'] or 'the home force'} yet: import them with "
            "`qam outcomes import FILE` (the force column naming the home force)."
        )
        return
    from qam.analysis.calibration import headline, verdict
    from qam.vocabulary import label

    for inspection in doc["inspections"]:
        typer.echo(
            f"{inspection['inspection']} ({inspection['published']}): {headline(inspection)}"
        )
        rows = [
            {
                **r,
                "self": label(r["self_assessed"]) if r["self_assessed"] else "blind spot",
                "given": label(r["hmicfrs"]),
                "gap_text": verdict(r["gap"]),
            }
            for r in inspection["rows"]
        ]
        print_table(
            rows,
            [
                ("area", "Area"),
                ("self", "Self-assessed"),
                ("review", "In review"),
                ("given", "HMICFRS"),
                ("gap_text", "Gap"),
            ],
        )
