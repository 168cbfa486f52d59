"""`qam demo`: the main job, end to end, on the shipped example force.

Each capability adds one step function here; `run` calls them in the order a force works:
set up, register, plan, fieldwork, reports. A step returns a one-line summary for the user
and may add reports to the index page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from qam import __version__
from qam.errors import RefusedError
from qam.paths import data_dir

if TYPE_CHECKING:
    from qam.store import Store

DEMO_FORCE = "Westshire Police"


@dataclass
class DemoContext:
    """Shared between steps: the open store, where to write, who is acting, how big."""

    store: Store
    out: Path
    actor: str
    scale: int | None
    plans: Path
    reports: list[dict] = field(default_factory=list)  # {"title", "href", "purpose"}
    files: list[dict] = field(default_factory=list)  # the other files written, likewise
    facts: dict = field(default_factory=dict)  # what a step leaves for a later one

    def wrote(self, path: Path, title: str, purpose: str) -> None:
        """List a file the demo wrote on the index page, with a line on what it is for."""
        path = Path(path).resolve()
        try:
            href = path.relative_to(self.out.resolve()).as_posix()
        except ValueError:  # a store given with --db lives outside --out
            href = path.as_uri()
        self.files.append({"title": title, "href": href, "purpose": purpose})


@dataclass
class DemoResult:
    """What the demo did, step by step, and where its index page is."""

    store_path: Path
    index: Path
    steps: list[dict]
    explore: list[str]  # the commands that point QAM at the demo's store, to copy and paste


def explore_commands(store_path: Path, qam: str = "qam") -> list[str]:
    """The exact commands a newcomer types next: point QAM at the demo store, then look."""
    import shlex

    return [
        f"export QAM_DB={shlex.quote(str(Path(store_path).resolve()))}",
        f"{qam} recs summary",
    ]


def _step_setup(ctx: DemoContext) -> str:
    from qam.initialise import initialise

    result = initialise(ctx.store, actor=ctx.actor, force_name=DEMO_FORCE)
    return f"Store created for {result.force_name}; question sets loaded: {', '.join(result.sets_loaded)}."


def _step_register(ctx: DemoContext) -> str:
    from qam.register.demo import add_learning_and_updates
    from qam.register.importer import import_register
    from qam.register.outcomes import areas_needing_improvement, import_outcomes
    from qam.register.summary import position

    import_register(ctx.store, ctx.plans / "register.csv", actor=ctx.actor)
    learning = add_learning_and_updates(ctx)
    grades = import_outcomes(ctx.store, ctx.plans / "outcomes.csv", actor=ctx.actor)
    doc = position(ctx.store)
    ctx.facts["register_position"] = doc
    ctx.facts["areas_needing_improvement"] = areas_needing_improvement(ctx.store)
    from qam.vocabulary import count_label

    return (
        f"{count_label(doc['total'], 'register item')}: {doc['outstanding']['total']} outstanding; "
        f"{count_label(len(grades.added) + grades.unchanged + len(grades.changed), 'grade')} from "
        f"{count_label(len(grades.details['forces']), 'force')}; {learning}."
    )


def _step_planner(ctx: DemoContext) -> str:
    from qam.planner import imports, pool, programme
    from qam.planner.export import export

    pool.import_smes(ctx.store, ctx.plans / "sme.csv", actor=ctx.actor)
    for name, what in (
        ("inspections.csv", "inspections"),
        ("aois.csv", "areas of interest"),
        ("candidates.csv", "candidates"),
    ):
        imports.import_file(ctx.store, ctx.plans / name, what, actor=ctx.actor)
    settings = programme.Settings(start="2026-12-01", months=18, time_limit=10.0)
    solved = programme.solve_programme(ctx.store, settings, actor=ctx.actor)
    accepted = programme.accept(ctx.store, actor=ctx.actor)
    ctx.facts["programme_reviews"] = accepted["reviews"]
    # Given the folder, each file is named with its protective marking.
    done = export(ctx.store, ics=ctx.out, csv_path=ctx.out, xlsx=ctx.out)
    files = [Path(f) for f in done["files"]]
    ctx.wrote(
        files[0],
        "Programme calendar (.ics)",
        "Every review's fieldwork dates as calendar events, to open in Outlook"
        + (
            "; invitations to each team."
            if done["method"] == "REQUEST"
            else " (a published schedule: set an organiser with `qam init --organiser` and "
            "give the SMEs' emails to send invitations)."
        ),
    )
    ctx.wrote(
        files[1],
        "Programme (.csv)",
        "The accepted programme, a row a review, then the reviews that could not be staffed "
        "and why, for any spreadsheet or script.",
    )
    ctx.wrote(
        files[2],
        "Programme (.xlsx)",
        "The same programme as an Excel workbook, safe to open (no cell runs as a formula).",
    )
    from qam.vocabulary import count_label

    result = solved["result"]
    total = len(result["scheduled"]) + len(result["unscheduled"])
    missed = "; ".join(f"{u['review']}: {u['reason']}" for u in result["unscheduled"])
    return (
        f"{len(result['scheduled'])} of {count_label(total, 'candidate review')} scheduled and accepted"
        + (f"; {len(result['unscheduled'])} could not be staffed: {missed}" if missed else "")
        + f". Calendar and spreadsheets: {', '.join(f.name for f in files)}."
    )


def _step_fieldwork(ctx: DemoContext) -> str:
    from qam.fieldwork.demo import simulate

    return simulate(ctx)


def _step_evidence(ctx: DemoContext) -> str:
    """A dip sample of custody records, a moderated pair of grades, and calibration."""
    from qam.fieldwork.evidence_demo import run as evidence

    return evidence(ctx)


def _step_reports(ctx: DemoContext) -> str:
    from qam.reports.output import write_all

    written = write_all(ctx.store, ctx.out)
    ctx.reports.extend(
        {"title": w["title"], "href": w["href"], "purpose": w["purpose"]} for w in written
    )
    from qam.vocabulary import count_label

    return f"{count_label(len(written), 'report')} written to {ctx.out}"


def _step_rhythm(ctx: DemoContext) -> str:
    from qam.reports.quarter import demo_pack

    written, summary = demo_pack(ctx.store, ctx.out)
    ctx.reports.extend(written)
    return summary


def _step_retention(ctx: DemoContext) -> str:
    """When the captured notes fall due for purging (`qam retention --dry-run` a few years on)."""
    from datetime import date

    from qam.fieldwork import retention

    now = retention.due(ctx.store, today=date.today())
    later = retention.due(ctx.store, today=date(date.today().year + 8, 1, 1))
    from qam.vocabulary import count_label, date_label

    first = min((r["due_since"] for r in later["reviews"]), default=None)
    when = (
        f"; the first notes fall due on {date_label(first)} (`qam retention --dry-run`)"
        if first
        else ""
    )
    past = count_label(len(now["reviews"]), "review")
    return f"{past} past the {now['years']}-year retention period today{when}."


def _step_board_packs(ctx: DemoContext) -> str:
    from qam.reports.board import write_demo_packs

    return write_demo_packs(ctx)


STEPS: list[tuple[str, Callable[[DemoContext], str]]] = [
    ("Set up the store", _step_setup),
    ("Load the register and outcomes", _step_register),
    ("Plan the 18-month programme", _step_planner),
    ("Capture fieldwork on two laptops and merge", _step_fieldwork),
    ("Test the evidence: a dip sample, moderated grades, calibration", _step_evidence),
    ("Write the reports", _step_reports),
    ("Write the quarter's pack and an SME's record", _step_rhythm),
    ("Write the assessment boards' packs", _step_board_packs),
    ("Check retention", _step_retention),
]


def run(
    out: Path,
    *,
    actor: str,
    scale: int | None = None,
    db: Path | None = None,
    on_step: Callable[[str, str], None] | None = None,
    qam: str = "qam",
) -> DemoResult:
    """Build a fresh demo store from the shipped example data and write every report to `out`."""
    from qam import question_sets
    from qam.files import output_mode, write_atomic
    from qam.reports.render import render
    from qam.store import Store

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    store_path = Path(db) if db else out / "qam-demo.db"
    if db and store_path.exists():
        # The demo starts from nothing; it must never replace a store someone works in.
        raise RefusedError(
            f"qam demo builds its own store and will not replace {store_path}; "
            "leave out --db (the demo store goes in --out) or give a path that does not exist yet."
        )
    # The demo always starts from nothing, so repeated runs give the same programme.
    for suffix in ("", "-wal", "-shm"):
        stale = Path(f"{store_path}{suffix}")
        if stale.exists():
            stale.unlink()
    steps = []
    explore = explore_commands(store_path, qam)
    with Store.open(store_path) as store:
        ctx = DemoContext(store=store, out=out, actor=actor, scale=scale, plans=data_dir("plans"))
        for name, step in STEPS:
            summary = step(ctx)
            steps.append({"name": name, "summary": summary})
            if on_step:
                on_step(name, summary)
        ctx.wrote(
            store_path,
            "The demo's store",
            "The programme store itself: every command above reads it once QAM_DB points at it.",
        )
        html = render(
            "index.html",
            force_name=DEMO_FORCE,
            store_path=str(store_path.resolve()),
            steps=steps,
            reports=ctx.reports,
            files=ctx.files,
            explore=explore,
            question_sets=question_sets.shipped(),
            qam_version=__version__,
            generated=datetime.now(UTC).strftime("%d %B %Y %H:%M UTC"),
        )
    index = write_atomic(out / "index.html", html, mode=output_mode(store_path))
    return DemoResult(store_path=store_path, index=index, steps=steps, explore=explore)
