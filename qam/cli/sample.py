"""`qam sample`: record audits (dip samples), drawn reproducibly and answered record by record."""

from pathlib import Path
from typing import Annotated

import typer

from qam.cli._common import actor, new_app, open_store, print_json, print_table

app = new_app(
    "Record audits (dip samples): draw records from a frame, then see each item's compliance "
    "rate with its 95% interval.\n\n"
    "Example: qam sample draw R03 --frame custody-records.csv --stratum-column Suite "
    "--per-stratum 20 --seed 2027"
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


@app.command("draw")
def draw_cmd(
    review: Annotated[str, typer.Argument(help="The review the audit belongs to.")],
    frame: Annotated[
        Path,
        typer.Option("--frame", help="The records to draw from: a .csv or .xlsx, a row a record."),
    ],
    seed: Annotated[
        int,
        typer.Option("--seed", help="Any whole number; the same seed redraws the same records."),
    ],
    id_column: Annotated[
        str | None,
        typer.Option(
            "--id-column", help="The column holding each record's id (else 'Record' or 'ID')."
        ),
    ] = None,
    stratum_column: Annotated[
        str | None,
        typer.Option(
            "--stratum-column", help="The column naming each record's stratum (a suite, a BCU)."
        ),
    ] = None,
    per_stratum: Annotated[
        int | None, typer.Option("--per-stratum", help="Records to draw from each stratum.")
    ] = None,
    size: Annotated[
        int | None, typer.Option("--size", help="Records to draw from the whole frame.")
    ] = None,
    item: Annotated[
        list[str] | None,
        typer.Option(
            "--item",
            help="A checklist item each record is checked for (repeat; else the audit "
            "question's characteristics of good).",
        ),
    ] = None,
    question: Annotated[
        str | None,
        typer.Option(
            "--question",
            help="The question the audit answers (else the first on the review's theme).",
        ),
    ] = None,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="The sheet of an .xlsx workbook (else the first).")
    ] = None,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace", help="Replace the review's sample (only before any record is checked)."
        ),
    ] = False,
    json_: JsonFlag = False,
) -> None:
    """Draw a simple (--size) or stratified (--per-stratum) random sample of records.

    The same frame, options and seed always give the same records in the same order (the
    order of rows in the file does not matter). A stratum smaller than its quota is taken
    whole. The draw is kept with the review and its fingerprint in the trail; check the
    records with `qam capture REVIEW --method record_audit` or `--answers`.

    Example: qam sample draw R03 --frame custody-records.csv --stratum-column Suite --per-stratum 20 --seed 2027
    """
    from qam.fieldwork.sampling import draw_sample, read_frame

    if (per_stratum is None) == (size is None):
        raise typer.BadParameter("give exactly one of --per-stratum N and --size N.")
    if per_stratum is not None and not stratum_column:
        raise typer.BadParameter(
            "--per-stratum needs --stratum-column naming each record's stratum."
        )
    records = read_frame(frame, id_column=id_column, stratum_column=stratum_column, sheet=sheet)
    with open_store() as store:
        sample = draw_sample(
            store,
            review,
            records,
            seed=seed,
            actor=actor(),
            per_stratum=per_stratum,
            size=size,
            items=item or [],
            question_id=question,
            replace=replace,
        )
    if json_:
        print_json(
            {
                "review": sample["review_id"],
                "seed": sample["seed"],
                "records": sample["records"],
                "strata": sample["strata"],
                "items": sample["items"],
                "frame": {
                    "name": sample["frame_name"],
                    "sha256": sample["frame_sha256"],
                    "rows": sample["frame_rows"],
                },
                "unchanged": sample["unchanged"],
            }
        )
        return
    for warning in records.warnings:
        typer.echo(f"Warning: {warning}", err=True)
    _say_draw(sample)


def _say_draw(sample: dict) -> None:
    verb = "The same sample as drawn before" if sample["unchanged"] else "Drawn"
    typer.echo(
        f"{verb}: {len(sample['records'])} of {sample['frame_rows']} records from "
        f"{sample['frame_name']} for review {sample['review_id']} (seed {sample['seed']})."
    )
    for s in sample["strata"]:
        if s["whole"]:
            name = f"Stratum {s['stratum']}" if s["stratum"] else "The frame"
            quota = s["quota"] or sample["options"]["size"]
            typer.echo(
                f"{name} has {s['frame']} records, fewer than {quota}: all {s['frame']} taken."
            )
    print_table(
        [{"n": n, **r} for n, r in enumerate(sample["records"], start=1)],
        [("n", "#"), ("id", "Record"), ("stratum", "Stratum")],
        title="Records to check, in this order",
    )
    typer.echo(
        "Checklist: "
        + "; ".join(f"{n}. {i['item']}" for n, i in enumerate(sample["items"], start=1))
    )


@app.command("results")
def results_cmd(
    review: Annotated[str, typer.Argument(help="The review whose records were checked.")],
    json_: JsonFlag = False,
) -> None:
    """Each item's compliance rate (yes over yes + no) with its 95% Wilson interval.

    By stratum, then overall; not applicable answers are counted but left out of the rate.

    Example: qam sample results R03 --json
    """
    from qam.fieldwork.record_audit import percent, results

    with open_store() as store:
        doc = results(store, review)
    if json_:
        for row in doc["results"]:
            for key in ("rate", "ci_low", "ci_high"):
                row[key] = None if row[key] is None else round(row[key], 4)
        print_json(doc)
        return
    typer.echo(f"{doc['checked']} of {doc['records']} records checked (seed {doc['seed']}).")
    rows = [
        {
            **r,
            "item": r["item"] if r["stratum"] is None else "",
            "stratum": r["stratum"] or "All",
            "rate_text": percent(r["rate"]),
            "ci": "" if r["rate"] is None else f"{percent(r['ci_low'])}–{percent(r['ci_high'])}",
        }
        for r in doc["results"]
    ]
    print_table(
        rows,
        [
            ("item", "Item"),
            ("stratum", doc["stratum_column"] or "Stratum"),
            ("yes", "Yes"),
            ("no", "No"),
            ("na", "N/A"),
            ("rate_text", "Rate"),
            ("ci", "95% CI"),
        ],
    )
