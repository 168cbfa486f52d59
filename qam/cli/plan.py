"""`qam plan`: the 18-month programme of internal reviews, from candidates to an accepted plan."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

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

if TYPE_CHECKING:
    from qam.store import Store

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


def _settings(start, months, cap_days, year_start, time_limit):
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


@app.callback(invoke_without_command=True)
def plan(
    ctx: typer.Context,
    start: StartOpt = None,
    months: MonthsOpt = 18,
    cap_days: CapOpt = 10,
    year_start: YearOpt = "04-01",
    time_limit: LimitOpt = None,
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

    settings = _settings(start, months, cap_days, year_start, time_limit)
    with open_store() as store:
        session.run(
            store,
            prompts.TerminalPrompts(),
            settings,
            actor=actor(),
            solving=lambda: _progress(True),
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


class _progress:
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


@app.command("solve")
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

    settings = _settings(start, months, cap_days, year_start, time_limit)
    with open_store() as store:
        with _progress(not json_) as progress:
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


@app.command("show")
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


@app.command("pin")
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


@app.command("exclude")
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


@app.command("accept")
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


@app.command("export")
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
