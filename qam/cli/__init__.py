"""The `qam` command: the root app, its global options and its command groups.

Each group lives in its own module and only imports typer at the top; the heavy libraries
(pandas, jinja2, the solver, openpyxl) are imported inside the commands that use them, so
`qam --help` stays about as fast as importing typer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qam import __version__
from qam.cli import (
    audit,
    capture,
    db,
    demo,
    findings,
    outcomes,
    plan,
    recs,
    report,
    reviews,
    sets,
    sme,
    sync,
)
from qam.cli._common import QamGroup, options

app = typer.Typer(
    cls=QamGroup,
    help="QAM: plan, capture, link and report a force's internal quality assurance reviews.\n\n"
    "Example: qam demo --out qam-demo",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"qam {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    db: Annotated[Path | None, typer.Option("--db", help="The store file (else QAM_DB, else the user data directory).", envvar=None)] = None,
    as_: Annotated[str | None, typer.Option("--as", help="Who is acting, for the decision trail (else QAM_USER, else your login name).")] = None,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print QAM's version and stop.")] = False,
) -> None:
    """QAM: plan, capture, link and report a force's internal quality assurance reviews."""
    options.db = db
    options.actor = as_


demo.register(app)
capture.register(app)
app.add_typer(sets.app, name="sets")
app.add_typer(recs.app, name="recs")
app.add_typer(outcomes.app, name="outcomes")
app.add_typer(sme.app, name="sme")
app.add_typer(plan.app, name="plan")
app.add_typer(reviews.app, name="reviews")
app.add_typer(findings.app, name="findings")
app.add_typer(sync.app, name="sync")
app.add_typer(report.app, name="report")
app.add_typer(audit.app, name="audit")
app.add_typer(db.app, name="db")


def main() -> None:
    """The console entry point."""
    app()
