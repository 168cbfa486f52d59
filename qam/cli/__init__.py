"""The `qam` command: the root app, its global options and its command groups.

Each group lives in its own module and is imported only when it is used: `qam --help` lists
the groups from the one-line summaries below without importing them, so it stays about as fast
as importing typer. Inside a group, the heavy libraries (pandas, jinja2, the solver, openpyxl)
are imported by the commands that use them.
"""

import importlib
from pathlib import Path
from typing import Annotated

import typer
from typer._click.utils import make_default_short_help

from qam import __version__
from qam.cli import capture, demo, retention, serve
from qam.cli._common import QamGroup, options

# Group name -> (module, its one-line summary as `qam --help` shows it). A test checks each
# summary against the first paragraph of the module's own help, so they cannot drift apart.
GROUPS: dict[str, tuple[str, str]] = {
    "sets": ("qam.cli.sets", "Question sets: list them, show one, validate a file."),
    "recs": (
        "qam.cli.recs",
        "The register of HMICFRS recommendations, AFIs and causes of concern: "
        "import the tracker, find items, record status decisions, report the position.",
    ),
    "outcomes": (
        "qam.cli.outcomes",
        "External inspection grades by force and question or area, from published spreadsheets.",
    ),
    "themes": (
        "qam.cli.themes",
        "The force's themes: what reviews, SME skills, register items and questions are about.",
    ),
    "sme": (
        "qam.cli.sme",
        "The pool of volunteer subject-matter experts (SMEs): import, add, list.",
    ),
    "plan": (
        "qam.cli.plan",
        "The 18-month programme of internal reviews. Run `qam plan` alone in a terminal to "
        "plan interactively: see the proposal, pin a review, exclude an SME, re-solve, accept.",
    ),
    "reviews": ("qam.cli.reviews", "The programme's reviews: list them, or add one for fieldwork."),
    "findings": ("qam.cli.findings", "What the evidence shows, question by question."),
    "sample": (
        "qam.cli.sample",
        "Record audits (dip samples): draw records from a frame, then see each item's "
        "compliance rate with its 95% interval.",
    ),
    "sync": (
        "qam.cli.sync",
        "Moving a laptop's work into the programme store (and the programme out to laptops).",
    ),
    "report": (
        "qam.cli.report",
        "HTML reports for boards, the PCC and the public: one self-contained file each.",
    ),
    "boards": (
        "qam.cli.boards",
        "The assessment boards: their chairs and the PEEL areas each owns.",
    ),
    "audit": ("qam.cli.audit", "The decision trail: who changed what, when and why."),
    "db": ("qam.cli.db", "The store file."),
}


class RootGroup(QamGroup):
    """The root group: command groups load on first use, and help lists them without loading."""

    def list_commands(self, ctx):
        return [*self.commands, *(name for name in GROUPS if name not in self.commands)]

    def get_command(self, ctx, cmd_name):
        if cmd_name not in self.commands and cmd_name in GROUPS:
            module = importlib.import_module(GROUPS[cmd_name][0])
            group = typer.main.get_group(module.app)
            group.name = cmd_name
            self.commands[cmd_name] = group
        return self.commands.get(cmd_name)

    def format_commands(self, ctx, formatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            if name in self.commands:
                rows.append((name, self.commands[name].get_short_help_str(limit)))
            else:
                rows.append((name, make_default_short_help(GROUPS[name][1], limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


app = typer.Typer(
    cls=RootGroup,
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
    db: Annotated[
        Path | None,
        typer.Option("--db", help="The store file (else QAM_DB, else the user data directory)."),
    ] = None,
    as_: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="Who is acting, for the decision trail (else QAM_USER, else your login name).",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print QAM's version and stop."
        ),
    ] = False,
) -> None:
    """QAM: plan, capture, link and report a force's internal quality assurance reviews."""
    options.db = db
    options.actor = as_


demo.register(app)
capture.register(app)
retention.register(app)
serve.register(app)


def main() -> None:
    """The console entry point."""
    app()
