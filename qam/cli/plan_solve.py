"""`qam plan solve`, `show`, `pin`, `exclude`, `accept` and `export`: solving the programme,
steering the solver, accepting the plan and exporting it, with the solver's settings and its
live progress line that `qam plan` run alone uses too (commands of the `plan` group, kept
apart to keep each module short)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from qam.cli._common import actor, open_store, print_json

if TYPE_CHECKING:
    from qam.store import Store

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
StartOpt = Annotated[
    str | None,
    typer.Option("--start", help="First day of the horizon, e.g. 01/12/2026 (default today)."),
]
MonthsOpt = Annotated[
    int, typer.Option("--months", help="How many months the programme looks ahead.")
]
CapOpt = Annotated[
    int, typer.Option("--cap-days", help="Working days each SME gives a financial year.")
]
YearOpt = Annotated[
    str, typer.Option("--year-start", help="First day of the financial year, MM-DD.")
]
LimitOpt = Annotated[
    float | None,
    typer.Option(
        "--time-limit",
        help="About how many seconds the solver may work (default: 10 to 50, growing with the "
        "pool; deterministic: the same input gives the same plan).",
        show_default=False,
    ),
]


def register(app: typer.Typer) -> None:
    """Add these commands to the `plan` group, in the order its help lists them."""
    app.command("solve")(solve_cmd)
    app.command("show")(show_cmd)
    app.command("pin")(pin_cmd)
    app.command("exclude")(exclude_cmd)
    app.command("accept")(accept_cmd)
    app.command("export")(export_cmd)


def solver_settings(start, months, cap_days, year_start, time_limit):
    """The solver's settings from the options `qam plan` and `qam plan solve` share."""
    from qam.dates import parse_option_date
    from qam.planner.calendar import parse_year_start
    from qam.planner.programme import Settings

    day = parse_option_date(start, "--start") or date.today()
    return Settings(
        start=day.isoformat(),
        months=months,
        cap_days=cap_days,
        year_start=parse_year_start(year_start),
        time_limit=time_limit,
    )


class SolveProgress:
    """A live line on stderr (terminals only): the solver's stage, the best total priority so
    far against the proven bound, and the time taken."""

    def __init__(self, show: bool):
        self.show = show and sys.stderr.isatty()
        self.live: Any = None  # a rich Progress while showing

    def __enter__(self):
        if not self.show:
            return None
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.live = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.live.__enter__()
        self.task = self.live.add_task("Planning: total priority so far…", total=None)
        return self.update

    def update(self, phase: str, objective: float, bound: float) -> None:
        if phase.startswith("Spreading"):
            text = f"{phase} across the SMEs (total priority fixed)…"
        elif bound:
            gap = max(0.0, (bound - objective) / bound)
            text = f"{phase}: {objective:g}, at most {bound:g} possible ({gap:.1%} short)"
        else:
            text = f"{phase}: {objective:g}"
        self.live.update(self.task, description=text)

    def __exit__(self, *exc):
        if self.live:
            self.live.__exit__(*exc)


def solve_cmd(
    start: StartOpt = None,
    months: MonthsOpt = 18,
    cap_days: CapOpt = 10,
    year_start: YearOpt = "04-01",
    time_limit: LimitOpt = None,
    json_: JsonFlag = False,
) -> None:
    """Schedule the candidate reviews and assign SMEs with CP-SAT; the proposal is saved.

    Applies your pins (`qam plan pin`) and exclusions (`qam plan exclude`). Accept it with
    `qam plan accept`.

    Example: qam plan solve --start 2026-12-01 --months 18 --cap-days 10 --json
    """
    from qam.planner.programme import solve_programme

    settings = solver_settings(start, months, cap_days, year_start, time_limit)
    with open_store() as store:
        with SolveProgress(not json_) as progress:
            out = solve_programme(store, settings, actor=actor(), progress=progress)
        if not json_:
            _show(store)
    if json_:
        print_json(out["result"])


def _show(store: Store) -> None:
    from qam.cli.prompts import TerminalPrompts
    from qam.planner import programme, session
    from qam.store import plans as plans_db

    session.show(store, TerminalPrompts(), programme.latest(store))
    latest = plans_db.latest_proposal(store)
    if latest is not None and latest["accepted_at"] is None:
        typer.echo(
            "Accept it with `qam plan accept`, or steer it with `qam plan pin` / `qam plan exclude` and solve again."
        )


def show_cmd(json_: JsonFlag = False) -> None:
    """Show the latest proposal: each review's dates, team and why, and what could not be scheduled.

    Example: qam plan show
    """
    from qam.planner import programme

    with open_store() as store:
        if json_:
            proposal = programme.latest(store)
            print_json(
                {k: v for k, v in proposal["result"].items() if k in ("scheduled", "unscheduled")}
            )
            return
        _show(store)


def pin_cmd(
    review: Annotated[str, typer.Argument(help="The candidate review's id, e.g. R03.")],
    start: Annotated[
        str | None,
        typer.Argument(help="The start date, e.g. 14/06/2027 (a working day in its window)."),
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="Remove the pin instead.")] = False,
) -> None:
    """Pin a review to a start date for the next solve (or --clear the pin).

    Example: qam plan pin R03 14/06/2027
    """
    from qam.errors import RefusedError
    from qam.planner.programme import pin

    if start is None and not clear:
        raise RefusedError("Give the start date (e.g. `qam plan pin R03 14/06/2027`) or --clear.")
    with open_store() as store:
        typer.echo(pin(store, review, None if clear else start))


def exclude_cmd(
    sme: Annotated[str, typer.Argument(help="The SME's id, e.g. SME04.")],
    review: Annotated[str | None, typer.Option("--review", help="Only from this review.")] = None,
    from_: Annotated[
        str | None,
        typer.Option("--from", help="First day they are away (a course, leave), e.g. 01/03/2027."),
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="Last day they are away, e.g. 12/03/2027.")
    ] = None,
    undo: Annotated[bool, typer.Option("--undo", help="Put them back instead.")] = False,
) -> None:
    """Leave an SME out of the next solve: every review, one review (--review), or some dates
    (--from/--to: a course or leave); --undo with the same options puts them back.

    Example: qam plan exclude SME04 --from 01/03/2027 --to 12/03/2027
    """
    from qam.planner.programme import exclude

    with open_store() as store:
        typer.echo(exclude(store, sme, review, undo=undo, first=from_, last=to))


def accept_cmd(json_: JsonFlag = False) -> None:
    """Make the latest proposal the programme: reviews and teams, recorded in the decision trail.

    Example: qam plan accept
    """
    from qam.planner.programme import accept
    from qam.vocabulary import count_label

    with open_store() as store:
        done = accept(store, actor=actor())
    if json_:
        print_json(done)
        return
    reviews = len(done["reviews"])
    typer.echo(
        f"Accepted: {count_label(reviews, 'review')} {'is' if reviews == 1 else 'are'} the programme "
        f"({len(done['added'])} new, {len(done['updated'])} updated, {len(done['removed'])} removed"
        + (f", {len(done['kept'])} already in fieldwork kept as they were" if done["kept"] else "")
        + "). "
        "Export it with `qam plan export --ics programme.ics --xlsx programme.xlsx`."
    )


def export_cmd(
    ics: Annotated[
        Path | None, typer.Option("--ics", help="Write calendar invitations (Outlook, Google).")
    ] = None,
    csv_: Annotated[Path | None, typer.Option("--csv", help="Write a CSV file.")] = None,
    xlsx: Annotated[
        Path | None, typer.Option("--xlsx", help="Write an Excel workbook with a timeline sheet.")
    ] = None,
    organiser: Annotated[
        str | None,
        typer.Option(
            "--organiser",
            help="Your own email, as the invitations' organiser (default: `qam init --organiser`).",
        ),
    ] = None,
    overwrite: Annotated[
        bool,
        typer.Option("--overwrite", help="Replace existing files even if QAM did not write them."),
    ] = False,
) -> None:
    """Export the accepted programme (else the latest proposal) for calendars and spreadsheets.

    The .ics invites each review's team by the emails in the SME sheet, from the organiser's
    address; re-exporting after a re-plan updates the same meetings. The spreadsheets list
    the reviews that could not be staffed too, with the reason. Each file carries its
    protective marking; give a folder to have it named with it (programme-OFFICIAL-SENSITIVE.ics).

    Example: qam plan export --ics programme.ics --xlsx programme.xlsx --organiser jane.smith@westshire.police.uk
    """
    from qam.planner.export import export
    from qam.vocabulary import count_label

    with open_store() as store:
        done = export(
            store, ics=ics, csv_path=csv_, xlsx=xlsx, organiser=organiser, overwrite=overwrite
        )
    for warning in done["warnings"]:
        typer.echo(f"Warning: {warning}", err=True)
    what = count_label(done["reviews"], "review")
    if done["unstaffed"] and (csv_ or xlsx):
        what += f", and {count_label(done['unstaffed'], 'review')} that could not be staffed"
    typer.echo(
        f"Wrote the {done['from']} ({what}) to {', '.join(done['files'])} ({done['marking']})."
    )
