"""`qam sme`: the pool of volunteer subject-matter experts and their abstraction."""

from pathlib import Path
from typing import Annotated

import typer

from qam.cli._common import actor, new_app, open_store, print_json, print_table
from qam.cli._imports import (
    AddThemesOpt,
    DryRunOpt,
    FileArg,
    JsonOpt,
    MapOpt,
    SheetOpt,
    ValueOpt,
)

app = new_app(
    "The pool of volunteer subject-matter experts (SMEs): import, add, list.\n\n"
    "Example: qam sme import plans/sme.csv"
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


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
    """Import the SME pool from the sheet HR sends (.csv or .xlsx); updates SMEs by id. All or nothing.

    Fields: id, name, role, unit, skills, unavailable, email (headers such as "Staff ID",
    "Full name", "Rank/Role", "Department", "Specialisms", "Dates unavailable" and "Email"
    are known; map others with --map). Skills are themes (slug, label or synonym) separated
    by ; or commas. Unavailable is dates or ranges separated by ; (13/09/2027, or
    26/07/2027 to 06/08/2027). Columns the file does not have are left as they were.

    Example: qam sme import volunteers.xlsx --map "Line manager=ignore" --add-themes
    """
    from qam.cli import _imports
    from qam.planner.pool import import_smes
    from qam.vocabulary import count_label

    with open_store(create=True) as store:
        receipt = import_smes(
            store,
            file,
            actor=actor(),
            options=_imports.options(sheet, map_, value, dry_run, add_themes),
        )
    _imports.show(receipt, json_)
    if not json_ and not dry_run:
        typer.echo(
            f"{count_label(receipt.details['total'], 'SME')} in the pool. "
            "See them with `qam sme list`."
        )


@app.command("add")
def add_cmd(
    id_: Annotated[str | None, typer.Option("--id", help="A new SME id, e.g. SME23.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Their name.")] = None,
    role: Annotated[
        str | None, typer.Option("--role", help="Their role, e.g. 'Sergeant, Response'.")
    ] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="Their BCU or department (they never review it).")
    ] = None,
    skills: Annotated[
        str | None,
        typer.Option("--skills", help="Theme codes separated by ;, e.g. custody;use_of_force."),
    ] = None,
    unavailable: Annotated[
        str | None, typer.Option("--unavailable", help="Dates or ranges separated by ;.")
    ] = None,
    email: Annotated[
        str | None, typer.Option("--email", help="Their email address, for calendar invitations.")
    ] = None,
) -> None:
    """Record an expression of interest: one new SME, asked for in prompts or given as flags.

    Example: qam sme add --id SME23 --name "Jo Marsh" --role "PC, Response" --unit "Eastern BCU" --skills custody
    """
    from qam import themes
    from qam.cli import fields
    from qam.cli.prompts import ask_missing
    from qam.planner.pool import add_sme
    from qam.store import smes as smes_db
    from qam.vocabulary import theme_label

    known = {
        "id": id_,
        "name": name,
        "role": role,
        "unit": unit,
        "skills": skills,
        "unavailable": unavailable,
        "email": email,
    }
    with open_store(create=True) as store:
        themes.load(store)  # skills offered and checked in the store's words
        pool = smes_db.smes(store)
        units = sorted({s["unit"] for s in pool})
        asked = fields.sme(units, suggested_id=f"SME{len(pool) + 1:02d}")
        known = ask_missing(known, asked, "sme add")
        if isinstance(known["skills"], list):
            known["skills"] = ";".join(known["skills"])
        sme = add_sme(store, known, actor=actor())
    typer.echo(
        f"Recorded {sme['name']} ({sme['id']}, {sme['unit']}) with skills "
        f"{', '.join(theme_label(t) for t in sme['skills'])}; "
        f"run `qam plan solve` to use them. (Recorded by {actor()}.)"
    )


@app.command("list")
def list_cmd(
    json_: JsonFlag = False,
    cap_days: Annotated[
        int | None,
        typer.Option(
            "--cap-days",
            help="Working days each SME gives a financial year (default: the accepted plan's, else 10).",
        ),
    ] = None,
    year_start: Annotated[
        str | None,
        typer.Option(
            "--year-start",
            help="First day of the financial year, MM-DD (default: the accepted plan's, else 04-01).",
        ),
    ] = None,
) -> None:
    """List the SMEs with their abstraction used and left in each financial year.

    Days used count every accepted review they are on (`qam plan accept`).

    Example: qam sme list --json
    """
    from qam.planner.calendar import parse_year_start
    from qam.planner.pool import pool_with_abstraction
    from qam.vocabulary import count_label

    with open_store() as store:
        cap_days = cap_days or int(store.setting("abstraction_cap", "10"))
        year_start = year_start or store.setting("plan.year_start", "04-01")
        rows = pool_with_abstraction(store, cap_days, parse_year_start(year_start))
    if json_:
        print_json(rows)
        return
    from qam.planner.session import span
    from qam.vocabulary import date_label, theme_label

    for row in rows:
        row["skills_text"] = ", ".join(theme_label(t) for t in row["skills"])
        row["years"] = "; ".join(
            f"{a['year']}: {a['used']} used, {a['left']} left" for a in row["abstraction"]
        )
        row["away"] = "; ".join(
            date_label(a) if a == b else span(a, b) for a, b in row["unavailable"]
        )
    print_table(
        rows,
        [
            ("id", "Id"),
            ("name", "Name"),
            ("unit", "Unit"),
            ("skills_text", "Skills"),
            ("years", f"Abstraction (cap {cap_days})"),
            ("away", "Unavailable"),
        ],
        title=f"SME pool: {count_label(len(rows), 'volunteer')}",
        empty="The SME pool is empty; import it with `qam sme import plans/sme.csv`.",
    )


@app.command("record")
def record_cmd(
    sme: Annotated[str, typer.Argument(help="The SME's id or name (see `qam sme list`).")],
    json_: JsonFlag = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Also write the record as a printable page into this folder."),
    ] = None,
) -> None:
    """An SME's record for their PDR: reviews, their part, days against the cap, good practice.

    Days given in each financial year are counted as `qam sme list` counts them. The record
    says nothing about anyone else.

    Example: qam sme record SME12 --out reports-out
    """
    from qam.reports.sme_record import in_words, record, write_page

    with open_store() as store:
        doc = record(store, sme)
        path = write_page(store, doc, out) if out else None
    if json_:
        print_json(doc)
        return
    for line in in_words(doc):
        typer.echo(line)
    if path:
        typer.echo(f"Printable record written to {path}")
