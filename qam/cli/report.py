"""`qam report`: HTML reports for boards, the PCC and the public."""

from pathlib import Path
from typing import Annotated

import typer

from qam.cli._common import new_app, open_store

app = new_app(
    "HTML reports for boards, the PCC and the public: one self-contained file each.\n\n"
    "Example: qam report register --view public --out reports-out"
)

ViewOption = Annotated[
    str,
    typer.Option(
        "--view",
        help="stakeholder (everything, marked OFFICIAL-SENSITIVE) or public (aggregate figures only).",
    ),
]
OutOption = Annotated[Path, typer.Option("--out", help="The folder to write the report into.")]
OverwriteFlag = Annotated[
    bool,
    typer.Option("--overwrite", help="Replace an existing file even if QAM did not write it."),
]


def _write(kind: str, view: str, out: Path, overwrite: bool = False, **kwargs) -> None:
    from qam.reports.output import write_report

    with open_store() as store:
        done = write_report(store, kind, out, view, overwrite=overwrite, **kwargs)
    typer.echo(f"Report written to {done['path']}")
    if done["withheld"]:
        typer.echo(f"It publishes nothing yet. {done['withheld']}")


@app.command("review")
def review_cmd(
    review_id: Annotated[str, typer.Argument(help="The review's id (see `qam reviews list`).")],
    view: ViewOption = "stakeholder",
    out: OutOption = Path("reports-out"),
    overwrite: OverwriteFlag = False,
) -> None:
    """What one review tested and found, question by question, and what the register should do.

    Review reports hold reviewers' notes, so they are stakeholder-only.

    Example: qam report review R03 --out reports-out
    """
    _write("review", view, out, overwrite, review_id=review_id)


@app.command("programme")
def programme_cmd(
    view: ViewOption = "stakeholder",
    out: OutOption = Path("reports-out"),
    overwrite: OverwriteFlag = False,
) -> None:
    """The 18-month programme: timeline against inspections, coverage, abstraction, fieldwork.

    Example: qam report programme --view public
    """
    _write("programme", view, out, overwrite)


@app.command("register")
def register_cmd(
    view: ViewOption = "stakeholder",
    out: OutOption = Path("reports-out"),
    overwrite: OverwriteFlag = False,
) -> None:
    """The register's position for the PCC, charts by status, type, scope and theme, and ageing.

    Example: qam report register --out reports-out
    """
    _write("register", view, out, overwrite)


@app.command("readiness")
def readiness_cmd(
    view: ViewOption = "stakeholder",
    out: OutOption = Path("reports-out"),
    overwrite: OverwriteFlag = False,
) -> None:
    """A self-assessed grade for each PEEL area, by assessment board, with the trend and deep dives.

    Example: qam report readiness --view stakeholder
    """
    _write("readiness", view, out, overwrite)


@app.command("good-practice")
def good_practice_cmd(
    view: ViewOption = "stakeholder",
    out: OutOption = Path("reports-out"),
    theme: Annotated[
        str | None,
        typer.Option("--theme", help="Only practice on this theme (a slug, e.g. custody)."),
    ] = None,
    unit: Annotated[
        str | None, typer.Option("--unit", help="Only practice found in this unit.")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only practice recorded on or after this date.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Only practice recorded on or before this date.")
    ] = None,
    enabler: Annotated[
        str | None,
        typer.Option(
            "--enabler",
            help="Only practice speaking to this enabler: leadership, partnership, culture or technology.",
        ),
    ] = None,
    overwrite: OverwriteFlag = False,
) -> None:
    """The good practice library, so one unit's practice reaches the others.

    Grouped by theme, newest first: the first page shows each theme's count and newest
    entries; a theme with more gets its own page beside it.

    Example: qam report good-practice --theme custody --enabler culture --since 2027-04-01
    """
    _write(
        "good-practice",
        view,
        out,
        overwrite,
        theme=theme,
        unit=unit,
        since=since,
        until=until,
        enabler=enabler,
    )


@app.command("calibration")
def calibration_cmd(
    view: ViewOption = "stakeholder",
    out: OutOption = Path("reports-out"),
    overwrite: OverwriteFlag = False,
) -> None:
    """The self-assessed grades beside the grades HMICFRS gave, inspection by inspection.

    Exact and within-one rates, whether the self-assessment was too kind or too harsh and by
    how much, and the blind spots. Stakeholder-only. The same figures: `qam outcomes calibrate --json`.

    Example: qam report calibration --out reports-out
    """
    _write("calibration", view, out, overwrite)


@app.command("quarter")
def quarter_cmd(
    quarter: Annotated[
        str,
        typer.Argument(help="The quarter: 2027Q1 is January to March 2027, 2027Q2 April to June."),
    ],
    view: ViewOption = "stakeholder",
    out: OutOption = Path("reports-out"),
    overwrite: OverwriteFlag = False,
) -> None:
    """The quarter's pack for the quarterly performance review, ready to print.

    The reviews with fieldwork in the quarter and those starting the next, the quarter's
    findings by PEEL area and by enabler, the register's movements (status decisions, new
    items, items overdue), the deep dives due, good practice and the SME abstraction used.

    Example: qam report quarter 2027Q1 --view public
    """
    _write("quarter", view, out, overwrite, quarter=quarter)


@app.command("board")
def board_cmd(
    name: Annotated[str, typer.Argument(help="The board, e.g. 'Operational Assessment Board'.")],
    out: OutOption = Path("reports-out"),
    pdf: Annotated[
        bool,
        typer.Option("--pdf", help="Also write the pack as a PDF (WeasyPrint, else Chromium)."),
    ] = False,
) -> None:
    """The pack an assessment board's chair reads, printable to A4 with the marking on every page.

    Its PEEL areas (self-assessed grade, trend, calibration), deep dives due, the register items
    its chair leads (overdue first, with deadlines and the last update), the QA reviews coming
    in its areas and good practice from them. Boards: `qam boards list`. Stakeholder-only.

    Example: qam report board "Operational Assessment Board" --out packs --pdf
    """
    from qam.cli.recs_plans import _today
    from qam.reports.board import write

    with open_store() as store:
        written = write(store, name, out, today=_today(), pdf=pdf)
    typer.echo(f"Board pack for {written['board']} written to {written['html']}")
    if "pdf" in written:
        typer.echo(f"PDF written to {written['pdf']}")
