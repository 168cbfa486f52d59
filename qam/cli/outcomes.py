"""`qam outcomes`: external inspection grades by force and question or area."""

from pathlib import Path
from typing import Annotated

import typer

from qam.cli._common import actor, new_app, open_store, print_json, print_table

app = new_app(
    "External inspection grades by force and question or area, from published spreadsheets.\n\n"
    'Example: qam outcomes import grades.csv --value "force:GMP=Greater Manchester Police"'
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


@app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="The grades sheet: .csv (UTF-8) or .xlsx.")],
    sheet: Annotated[
        str | None,
        typer.Option("--sheet", help="The sheet to read in an .xlsx workbook (else the first)."),
    ] = None,
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="Map a column: \"Header=field\" (force, area, grade, report, published, or 'ignore'). Repeatable.",
        ),
    ] = None,
    value: Annotated[
        list[str] | None,
        typer.Option(
            "--value",
            help='Map a spelling: "force:GMP=Greater Manchester Police" or "grade:RI=requires_improvement". Repeatable.',
        ),
    ] = None,
    json_: JsonFlag = False,
) -> None:
    """Import published grades (force, area, grade, report, date); all rows or none.

    The table ends at its first blank row; rows after it (summary blocks, notes) are ignored
    with a warning. Force names must be among the 43 territorial forces of England and Wales
    (or the home force); map an abbreviation with --value. Importing the same sheet twice
    changes nothing.

    Example: qam outcomes import plans/outcomes.csv
    """
    from qam.register.outcomes import import_outcomes

    with open_store(create=True) as store:
        receipt = import_outcomes(
            store, file, actor=actor(), sheet=sheet, maps=map_ or [], values=value or []
        )
    for warning in receipt.warnings:
        typer.echo(f"Warning: {warning}", err=True)
    if json_:
        print_json(receipt.to_dict())
        return
    typer.echo(
        f"{receipt.source}: {receipt.rows} grades for {len(receipt.forces)} forces "
        f"({', '.join(receipt.forces)}); {receipt.new_or_changed} new or changed."
    )


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
    shown = [
        {
            **r,
            "grade": r["grade"].replace("_", " ").capitalize(),
            "published": f"{r['published'][8:10]}/{r['published'][5:7]}/{r['published'][:4]}"
            if r["published"]
            else "",
        }
        for r in rows
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
    from its latest report: its "Overall" row if it has one, else the grade given most often,
    a tie going to the worse grade.

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
    counts = ", ".join(f"{n} {g.replace('_', ' ')}" for g, n in doc["by_grade"].items())
    typer.echo(f"{doc['total']} forces by overall grade: {counts}.")
    print_table(
        [{"force": f, "grade": g.replace("_", " ").capitalize()} for f, g in grades.items()],
        [("force", "Force"), ("grade", "Overall (latest report)")],
    )
    weak = [{**w, "grade": w["grade"].replace("_", " ").capitalize()} for w in weak]
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
