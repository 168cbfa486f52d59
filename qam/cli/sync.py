"""`qam sync`: moving a laptop's work into the programme store, and back."""

from pathlib import Path
from typing import Annotated

import typer

from qam.cli._common import actor, new_app, open_store, print_json, print_table

app = new_app(
    "Moving a laptop's work into the programme store (and the programme out to laptops).\n\n"
    "Example: qam sync export laptop-sgt-eastern.qam-bundle"
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


@app.command("export")
def export_cmd(file: Annotated[Path, typer.Argument(help="The bundle file to write.")]) -> None:
    """Write this store's reviews and their teams, question sets, register, findings, decisions and trail to one bundle.

    Example: qam sync export laptop-sgt-eastern.qam-bundle
    """
    from qam.sync.export import export_bundle

    with open_store() as store:
        result = export_bundle(store, file, actor=actor())
    counts = result["counts"]
    typer.echo(
        f"Bundle written to {result['file']}: {counts.get('finding', 0)} findings, "
        f"{counts.get('capture_session', 0)} sessions, {counts.get('review', 0)} reviews, "
        f"{counts.get('status_decision', 0)} decisions, {result['events']} trail events."
    )
    typer.echo(f"Bundle hash {result['bundle_hash']}. Import it with: qam sync import {file.name}")


@app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="A bundle written by `qam sync export`.")],
    json_: JsonFlag = False,
) -> None:
    """Check a whole bundle, then merge it: nothing duplicated, nothing overwritten; prints a receipt.

    Example: qam sync import laptop-sgt-eastern.qam-bundle
    """
    from qam.sync.merge import import_bundle

    with open_store(create=True) as store:
        receipt = import_bundle(store, file, actor=actor())
    if json_:
        print_json(receipt)
        return
    added = sum(receipt["added"].values())
    present = sum(receipt["already_present"].values())
    typer.echo(
        f"Imported {file.name} from store {receipt['from_store'][:8]}: {added} added, "
        f"{present} already present, "
        f"{len(receipt['conflicts']) + len(receipt['finding_conflicts'])} conflicts."
    )
    names = {
        "question_set": "question set versions",
        "sme": "SMEs on review teams",
        "review": "reviews",
        "review_team": "team places",
        "register_item": "register items",
        "capture_session": "capture sessions",
        "finding": "findings",
        "finding_link": "register links",
        "status_decision": "status decisions",
        "register_conflict": "conflicts",
        "finding_conflict": "finding conflicts",
        "finding_set_aside": "versions set aside by a resolution",
    }
    for table, n in sorted(receipt["added"].items()):
        typer.echo(f"  added {n} {names.get(table, table)}")
    typer.echo(
        f"  trail: {receipt['events_added']} events added, {receipt['events_already_present']} already present"
    )
    if receipt.get("skipped_purged_total"):
        typer.echo(
            f"  skipped {receipt['skipped_purged_total']} records purged here under retention (not brought back)"
        )
    if any((receipt.get("purged_here") or {}).values()):
        here = receipt["purged_here"]
        typer.echo(
            f"  purged here too: {here.get('sessions', 0)} sessions and {here.get('findings', 0)} findings "
            "the other store had purged under retention"
        )
    for c in receipt["conflicts"]:
        typer.echo(
            f"  CONFLICT {c['item_ref']}: offline decisions from {c['old_status']} to "
            f'{" and ".join(c["statuses"])}; resolve with: qam sync resolve {c["item_ref"]} STATUS --reason "..."'
        )
    for c in receipt["finding_conflicts"]:
        typer.echo(
            f"  CONFLICT finding {c['finding_id']}: corrected on two laptops ({', '.join(c['version_ids'])}); "
            f'resolve with: qam sync resolve-finding {c["finding_id"]} --keep VERSION_ID --reason "..."'
        )


@app.command("conflicts")
def conflicts_cmd(
    all_: Annotated[bool, typer.Option("--all", help="Include resolved conflicts.")] = False,
    json_: JsonFlag = False,
) -> None:
    """List conflicts waiting to be resolved: register items decided differently offline, and
    findings corrected on two laptops (both versions stay current until one is kept).

    `--json` prints one list: register conflicts first ("kind": "register"), then finding
    conflicts ("kind": "finding", with the versions current now).

    Example: qam sync conflicts --json
    """
    from qam.sync.conflicts import conflicts

    with open_store() as store:
        rows, found = conflicts(store, open_only=not all_)
    if json_:
        print_json(
            [{"kind": "register", **r} for r in rows] + [{"kind": "finding", **f} for f in found]
        )
        return
    for r in rows:
        r["to"] = " / ".join(r["statuses"])
        r["state"] = "resolved" if r["resolved_by"] else "OPEN"
    print_table(
        rows,
        [
            ("item_ref", "Item"),
            ("old_status", "From"),
            ("to", "Offline decisions"),
            ("detected_at", "Detected"),
            ("state", "State"),
        ],
        empty="No register conflicts.",
    )
    for f in found:
        f["versions"] = "\n".join(f["current_versions"])
        f["state"] = f"kept {f['kept_id']}" if f["resolved_at"] else "OPEN"
    print_table(
        found,
        [
            ("finding_id", "Finding"),
            ("versions", "Current versions"),
            ("detected_at", "Detected"),
            ("state", "State"),
        ],
        empty="No finding conflicts.",
    )
    if any(not f["resolved_at"] for f in found):
        typer.echo('Resolve with: qam sync resolve-finding FINDING --keep VERSION --reason "..."')


@app.command("resolve")
def resolve_cmd(
    ref: Annotated[str, typer.Argument(help="The register item's ref.")],
    status: Annotated[str, typer.Argument(help="The status it should have.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the decision trail).")],
    evidence: Annotated[
        str | None, typer.Option("--evidence", help="What the decision rests on.")
    ] = None,
    approver: Annotated[
        str | None,
        typer.Option("--approver", help="Who approved it (needed to close without completing)."),
    ] = None,
) -> None:
    """Resolve a conflict: record the status the item should have, with a reason.

    Example: qam sync resolve R-2021-014 being_progressed --reason "Handover audit not yet repeated"
    """
    from qam.sync.conflicts import resolve

    with open_store() as store:
        decision = resolve(
            store, ref, status, reason=reason, actor=actor(), evidence=evidence, approver=approver
        )
    typer.echo(
        f"{ref}: {decision['old_status']} -> {status}; {len(decision['conflicts'])} conflict resolved."
    )


@app.command("resolve-finding")
def resolve_finding_cmd(
    finding_id: Annotated[
        str,
        typer.Argument(
            help="The finding corrected on two laptops (as `qam sync conflicts` lists it)."
        ),
    ],
    keep: Annotated[
        str, typer.Option("--keep", help="The version to keep (one of its current versions).")
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why this version (kept in the trail).")],
) -> None:
    """Resolve a finding conflict: keep one version; the others stay in the history, set aside.

    Example: qam sync resolve-finding 3f0c9a2e-... --keep 9b1d4c7a-... --reason "Matches the custody record"
    """
    from qam.sync.conflicts import resolve_finding

    with open_store() as store:
        result = resolve_finding(store, finding_id, keep, reason=reason, actor=actor())
    typer.echo(
        f"Finding {result['finding_id']}: kept {result['kept']}; set aside "
        f"{', '.join(result['set_aside'])} (still in `qam findings list --all-versions`)."
    )
