"""`qam recs`: the register of HMICFRS recommendations, AFIs and causes of concern."""

from pathlib import Path
from typing import Annotated, Any

import typer

from qam.cli import recs_plans
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
    "The register of HMICFRS recommendations, AFIs and causes of concern: import the tracker, "
    "find items, record status decisions, report the position.\n\nExample: qam recs summary"
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]
recs_plans.register(app)  # due, update, reminders


def _words(slug: str | None) -> str:
    """A status, type or scope in the force's words ("Being progressed")."""
    from qam.vocabulary import label

    return label(slug) if slug else ""


def _conflicted(store) -> set[str]:
    """Refs of the items with a conflict waiting to be resolved (`qam sync conflicts`)."""
    from qam.register.decisions import open_conflict_refs

    return open_conflict_refs(store)


CONFLICT_NOTE = "decided differently on two stores; see `qam sync conflicts`"
# Where a decision came from, as `qam recs history` says it.
SOURCES = {"cli": "Recorded in QAM", "import": "Tracker import", "sync": "Conflict resolved"}


@app.command("import")
def import_cmd(
    file: FileArg,
    sheet: SheetOpt = None,
    map_: MapOpt = None,
    value: ValueOpt = None,
    dry_run: DryRunOpt = False,
    add_themes: AddThemesOpt = False,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="Where the file's items come from: hmicfrs (the default), iopc, coroner, "
            "internal_audit or other (a source column, where filled, wins).",
        ),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Import the force's register tracker (CSV or XLSX); all rows or none.

    Fields: ref, text, type, scope, status, report, published, url, theme, owner,
    action_lead, due, risk, impact, objectives, timeframe, checkpoints, source. An IOPC,
    coroner's or internal audit file needs no type column. Headers map to fields
    by well-known names or --map; spellings by well-known forms or --value. Dates are day
    first (06/02/2014) or a month and year (September 2014). Every problem in the file is
    named at once and nothing is written until it is right. A row with no ref gets one made
    from its report and text. Columns that map to no field are kept with each item.
    Re-importing updates items by ref; every status it changes is a decision by import.

    Example: qam recs import tracker.csv --map "Rec No=ref" --value "status:Closed=completed"
    """
    from qam.cli import _imports
    from qam.register.importer import import_register

    with open_store(create=True) as store:
        receipt = import_register(
            store,
            file,
            actor=actor(),
            options=_imports.options(sheet, map_, value, dry_run, add_themes),
            source=source,
        )
    changes = [
        f"  {c['ref']}: {_words(c['old'])} -> {_words(c['new'])}"
        for c in receipt.details["status_changes"]
    ]
    _imports.show(receipt, json_, changes)


@app.command("list")
def list_cmd(
    status: Annotated[
        list[str] | None, typer.Option("--status", help="A status (or 'outstanding'); repeatable.")
    ] = None,
    type_: Annotated[
        list[str] | None,
        typer.Option(
            "--type",
            help="recommendation, area_for_improvement (AFI), cause_of_concern, "
            "learning_recommendation, pfd_concern or audit_finding; repeatable.",
        ),
    ] = None,
    source: Annotated[
        list[str] | None,
        typer.Option(
            "--source", help="hmicfrs, iopc, coroner, internal_audit or other; repeatable."
        ),
    ] = None,
    scope: Annotated[
        list[str] | None, typer.Option("--scope", help="national, force or joint; repeatable.")
    ] = None,
    theme: Annotated[
        str | None,
        typer.Option(
            "--theme", help="A theme: its slug, label or a synonym (see `qam themes list`)."
        ),
    ] = None,
    owner: Annotated[
        str | None, typer.Option("--owner", help="Part of the owner's or action lead's name.")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Published on or after this date (06/02/2014 or 2014-02-06)."),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Published on or before this date.")
    ] = None,
    search: Annotated[
        str | None, typer.Option("--search", help="Words to find in the ref, text or report title.")
    ] = None,
    json_: JsonFlag = False,
) -> None:
    """List register items, filtered (by source of learning too).

    Example: qam recs list --status outstanding --source iopc --since 01/01/2023
    """
    from qam.register.items import items
    from qam.vocabulary import count_label, date_label, theme_label

    with open_store() as store:
        conflicted = _conflicted(store)
        rows = items(
            store,
            status=status,
            type_=type_,
            scope=scope,
            theme=theme,
            owner=owner,
            since=since,
            until=until,
            search=search,
            source=source,
        )
    if json_:
        print_json([{**r, "open_conflict": r["ref"] in conflicted} for r in rows])
        return
    short = {
        "recommendation": "Rec",
        "area_for_improvement": "AFI",
        "cause_of_concern": "CoC",
        "learning_recommendation": "IOPC rec",
        "pfd_concern": "PFD",
        "audit_finding": "Audit",
    }
    shown = [
        {
            **r,
            "type": short.get(r["type"], r["type"]),
            "scope": _words(r["scope"]),
            "status": _words(r["status"]) + (" ⚠ conflict" if r["ref"] in conflicted else ""),
            "theme": theme_label(r["theme"]),
            "published": date_label(r["report_published"]),
            "text": r["text"] if len(r["text"]) <= 60 else r["text"][:59].rstrip() + "…",
        }
        for r in rows
    ]
    print_table(
        shown,
        [
            ("ref", "Ref"),
            ("type", "Type"),
            ("scope", "Scope"),
            ("status", "Status"),
            ("theme", "Theme"),
            ("published", "Published"),
            ("text", "Text"),
        ],
        empty="No register items match.",
    )
    if rows:
        typer.echo(f"{count_label(len(rows), 'item')}.")
    flagged = sum(1 for r in rows if r["ref"] in conflicted)
    if flagged:
        typer.echo(f"⚠ {count_label(flagged, 'item')} {CONFLICT_NOTE}.")


@app.command("status")
def status_cmd(
    ref: Annotated[str | None, typer.Argument(help="The item's ref, e.g. REC-2023-011.")] = None,
    status: Annotated[
        str | None, typer.Argument(help="The new status, e.g. completed or 'being progressed'.")
    ] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why the status changes (always required).")
    ] = None,
    evidence: Annotated[
        str | None, typer.Option("--evidence", help="The evidence the decision rests on.")
    ] = None,
    approver: Annotated[
        str | None,
        typer.Option(
            "--approver",
            help="The accountable decision-maker (required for will_not_be_progressed and no_further_action).",
        ),
    ] = None,
    json_: JsonFlag = False,
) -> None:
    """Record a status decision on one item: who, when, old -> new, why, evidence, approver.

    Run without arguments in a terminal to be asked: find the item by typing part of its ref
    or text, choose the status, give the reason.

    Example: qam recs status REC-2023-011 completed --reason "Dip sample: 60 of 60 handovers recorded" --evidence "QA review R03"
    """
    from qam.cli import fields
    from qam.cli.prompts import ask_missing, interactive
    from qam.register import decisions
    from qam.register.items import items

    given: dict[str, Any] = {"ref": ref, "status": status, "reason": reason, "evidence": evidence}
    with open_store() as store:
        if ref is None:
            given = ask_missing(given, fields.register_item(items(store)), "recs status")
        item = decisions.find_item(store, given["ref"])
        given = ask_missing(given, fields.status_decision(item), "recs status")
        given["approver"] = approver
        closing = given["status"] in decisions.NEEDS_APPROVER
        if closing and not approver and interactive():
            given = ask_missing(given, [fields.APPROVER], "recs status")
        ref, status, reason, evidence, approver = (
            given[k] for k in ("ref", "status", "reason", "evidence", "approver")
        )
        decision = decisions.record_decision(
            store, ref, status, reason=reason, evidence=evidence, approver=approver, actor=actor()
        )
    if json_:
        print_json(decision)
        return
    typer.echo(
        f"{decision['item_ref']}: {_words(decision['old_status'])} -> {_words(decision['new_status'])}. "
        f"Recorded by {decision['actor']}; see `qam recs history {decision['item_ref']}`."
    )


@app.command("summary")
def summary_cmd(json_: JsonFlag = False) -> None:
    """The register's position as the force reports it to the PCC.

    Totals by scope and status, and the outstanding items (being progressed, will be
    progressed, awaiting review) by type and scope, from HMICFRS's items; then every source
    of learning's items (IOPC, coroners, internal audit) by source (`by_source`).

    Example: qam recs summary --json
    """
    from qam.register import summary

    with open_store() as store:
        doc = summary.position(store)
    if json_:
        print_json(doc)
        return
    for line in summary.sentences(doc):
        typer.echo(line)
    if not doc["total"]:
        return
    typer.echo("")
    print_table(
        summary.scope_rows(doc),
        [
            ("status", "Status"),
            ("national", "National"),
            ("force", "Force-specific"),
            ("joint", "Joint"),
            ("all", "All"),
        ],
        title="Register by status and scope",
    )
    print_table(
        summary.outstanding_rows(doc),
        [
            ("type", "Outstanding"),
            ("total", "Total"),
            ("national", "National"),
            ("joint", "Joint"),
            ("force", "Force-specific"),
        ],
        title="Outstanding items by type and scope",
    )
    print_table(
        summary.source_rows(doc),
        [("source", "Source of learning"), ("total", "Items"), ("outstanding", "Outstanding")],
        title="Every source of learning",
    )


@app.command("show")
def show_cmd(
    ref: Annotated[str, typer.Argument(help="The item's ref.")],
    json_: JsonFlag = False,
) -> None:
    """Show one item, with every column it was imported with and its action plan.

    Example: qam recs show REC-2023-011 --json
    """
    from qam.register.decisions import history
    from qam.register.items import get
    from qam.vocabulary import count_label, date_label, label, theme_label

    with open_store() as store:
        item = get(store, ref)
        decided = history(store, item["ref"])
        conflict = item["ref"] in _conflicted(store)
        plan = recs_plans.plan_of(store, item)
    if json_:
        print_json({**item, "decisions": decided, "open_conflict": conflict, **plan})
        return
    lines = [
        ("Ref", item["ref"]),
        ("Source", label(item["source"])),
        ("Type", _words(item["type"])),
        ("Scope", _words(item["scope"])),
        ("Status", _words(item["status"]) + (f" ⚠ {CONFLICT_NOTE}" if conflict else "")),
        ("Theme", theme_label(item["theme"]) if item["theme"] else None),
        ("Report", item["report_title"]),
        ("Published", date_label(item["report_published"])),
        ("Report URL", item["report_url"]),
        ("Owner", item["owner"]),
        ("Action lead", item["action_lead"]),
        ("Due", date_label(item["due"])),
        ("Risk", item["risk"]),
        ("Impact", item["impact"]),
    ]
    typer.echo(item["text"])
    typer.echo("")
    for heading, value in lines:
        if value:
            typer.echo(f"{heading + ':':<13}{value}")
    if item["objectives"] or item["timeframe"] or item["checkpoints"]:
        typer.echo("\nAction plan")
        for objective in item["objectives"]:
            typer.echo(f"  Objective:  {objective}")
        if item["timeframe"]:
            typer.echo(f"  Time frame: {item['timeframe']}")
        for checkpoint in item["checkpoints"]:
            typer.echo(f"  Check-point: {checkpoint}")
    recs_plans.print_plan(plan)
    if item["extra"]:
        typer.echo("\nOther columns from the tracker")
        for header, value in item["extra"].items():
            typer.echo(f"  {header}: {value}")
    typer.echo(
        f"\n{count_label(len(decided), 'status decision')}; "
        f"`qam recs history {item['ref']}` shows them."
    )


@app.command("history")
def history_cmd(
    ref: Annotated[str, typer.Argument(help="The item's ref.")],
    json_: JsonFlag = False,
) -> None:
    """Every status decision on one item: who, when, old -> new, why, evidence, approver.

    Example: qam recs history REC-2023-011
    """
    from qam.register.decisions import history
    from qam.vocabulary import datetime_label

    with open_store() as store:
        rows = history(store, ref)
    if json_:
        print_json(rows)
        return
    shown = [
        {
            **r,
            "when": datetime_label(r["decided_at"]),
            "change": f"{_words(r['old_status']) or '(new)'} -> {_words(r['new_status'])}",
            "source": SOURCES.get(r["source"], _words(r["source"])),
        }
        for r in rows
    ]
    print_table(
        shown,
        [
            ("when", "When"),
            ("actor", "Who"),
            ("change", "Old -> new"),
            ("reason", "Why"),
            ("evidence", "Evidence"),
            ("approver", "Approver"),
            ("source", "Source"),
        ],
        title=f"Decisions on {ref}",
        empty=f"No decisions on {ref} yet.",
    )


@app.command("export")
def export_cmd(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="The file to write: name it .csv or .xlsx (or a folder; default: here, "
            "register-MARKING.xlsx)."
        ),
    ] = None,
    overwrite: Annotated[
        bool,
        typer.Option("--overwrite", help="Replace an existing file even if QAM did not write it."),
    ] = False,
) -> None:
    """Export the register as CSV or XLSX, marked and safe to open in a spreadsheet (no cell runs as a formula).

    Example: qam recs export register-OFFICIAL-SENSITIVE.xlsx
    """
    from qam.register.export import export_register

    with open_store() as store:
        result = export_register(store, file, overwrite=overwrite)
    from qam.vocabulary import count_label

    typer.echo(
        f"Wrote {count_label(result['items'], 'item')} to {result['path']} ({result['marking']})."
    )
