"""`qam sync`: moving a laptop's work into the programme store, and back."""

from pathlib import Path
from typing import Annotated

import typer

from qam.cli._common import actor, fail, new_app, open_store, print_json, print_table

app = new_app(
    "Moving a laptop's work into the programme store (and the programme out to laptops).\n\n"
    "Example: qam sync export laptop-sgt-eastern.qam-bundle"
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


OverwriteFlag = Annotated[
    bool,
    typer.Option("--overwrite", help="Replace an existing file even if it is not one QAM wrote."),
]


@app.command("export")
def export_cmd(
    file: Annotated[
        Path | None,
        typer.Argument(
            help="The bundle file to write (or a folder; default: here, named with its marking)."
        ),
    ] = None,
    overwrite: OverwriteFlag = False,
) -> None:
    """Write this store's reviews and their teams, question sets, register, findings, decisions and trail to one signed bundle.

    Example: qam sync export laptop-sgt-eastern-OFFICIAL-SENSITIVE.qam-bundle
    """
    from qam.sync.export import export_bundle
    from qam.sync.signing import shown

    with open_store() as store:
        result = export_bundle(store, file, actor=actor(), overwrite=overwrite)
    from qam.vocabulary import count_label

    counts = result["counts"]
    typer.echo(
        f"Bundle written to {result['file']} ({result['marking']}): "
        f"{count_label(counts.get('finding', 0), 'finding')}, "
        f"{count_label(counts.get('capture_session', 0), 'session')}, "
        f"{count_label(counts.get('review', 0), 'review')}, "
        f"{count_label(counts.get('status_decision', 0), 'decision')}, "
        f"{count_label(result['events'], 'trail event')}."
    )
    typer.echo(f"Signed by this store's key {shown(result['signer'])}.")
    typer.echo(
        f"Chain head {result['trail_head']} (the trail's last event, number {result['events']})."
    )
    typer.echo(
        f"Bundle hash {result['bundle_hash']}. Import it with: "
        f"qam sync import {Path(result['file']).name}"
    )


@app.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="A bundle written by `qam sync export`.")],
    json_: JsonFlag = False,
) -> None:
    """Check a whole bundle (its signer, signature, trail and rules), then merge it: nothing duplicated, nothing overwritten; prints a receipt.

    Example: qam sync import laptop-sgt-eastern.qam-bundle
    """
    from qam.sync.merge import import_bundle
    from qam.sync.signing import shown

    with open_store(create=True) as store:
        receipt = import_bundle(store, file, actor=actor())
    if json_:
        print_json(receipt)
        return
    from qam.vocabulary import count_label

    added = sum(receipt["added"].values())
    present = sum(receipt["already_present"].values())
    conflicts = len(receipt["conflicts"]) + len(receipt["finding_conflicts"])
    typer.echo(
        f"Imported {file.name} from store {receipt['from_store'][:8]}: {added} added, "
        f"{present} already present, {count_label(conflicts, 'conflict')}."
    )
    typer.echo(
        f"  signed by key {shown(receipt['signer'])}; its chain head "
        f"{receipt['trail_head']} ({receipt['trail_events']} events) is kept in this receipt"
    )
    if receipt["signer_enrolled"]:
        typer.echo(
            f"  this new store now trusts the store it was made from: key "
            f"{receipt['signer_enrolled']['shown']} ({receipt['signer_enrolled']['label']}); "
            "`qam sync keys` lists the stores it trusts"
        )
    names = {
        "question_set": ("question set version", None),
        "sme": ("SME on review teams", "SMEs on review teams"),
        "review": ("review", None),
        "review_team": ("team place", None),
        "register_item": ("register item", None),
        "capture_session": ("capture session", None),
        "finding": ("finding", None),
        "finding_link": ("register link", None),
        "status_decision": ("status decision", None),
        "register_conflict": ("conflict", None),
        "finding_conflict": ("finding conflict", None),
        "finding_set_aside": (
            "version set aside by a resolution",
            "versions set aside by a resolution",
        ),
    }
    for table, n in sorted(receipt["added"].items()):
        noun, plural = names.get(table, (table.replace("_", " "), None))
        typer.echo(f"  added {count_label(n, noun, plural)}")
    if receipt["trail_adopted"]:
        typer.echo(
            f"  trail: {count_label(receipt['events_added'], 'event')} taken as this new "
            "store's own, as the bundle holds them (same events, same chain head)"
        )
    else:
        typer.echo(
            f"  trail: {count_label(receipt['events_added'], 'event')} added, "
            f"{receipt['events_already_present']} already present"
        )
    if receipt.get("skipped_purged_total"):
        typer.echo(
            f"  skipped {count_label(receipt['skipped_purged_total'], 'record')} purged here under "
            "retention (not brought back)"
        )
    if any((receipt.get("purged_here") or {}).values()):
        here = receipt["purged_here"]
        typer.echo(
            f"  purged here too: {count_label(here.get('sessions', 0), 'session')} and "
            f"{count_label(here.get('findings', 0), 'finding')} "
            "the other store had purged under retention"
        )
    from qam.vocabulary import label

    for c in receipt["conflicts"]:
        typer.echo(
            f"  CONFLICT {c['item_ref']}: offline decisions from {label(c['old_status'])} to "
            f"{' and '.join(label(s) for s in c['statuses'])}; it waits for a person to decide: "
            f'qam sync conflicts shows who decided what; qam sync resolve {c["item_ref"]} STATUS --reason "..."'
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
    from qam.register.decisions import conflict_sides
    from qam.sync.conflicts import conflicts

    with open_store() as store:
        rows, found = conflicts(store, open_only=not all_)
        sides = {c["id"]: conflict_sides(store, c) for c in rows}
    if json_:
        print_json(
            [{"kind": "register", **r} for r in rows] + [{"kind": "finding", **f} for f in found]
        )
        return
    _register_conflicts(rows, sides)
    _finding_conflicts(found)


def _register_conflicts(rows: list[dict], sides: dict[str, list[dict]]) -> None:
    """Each side of each register conflict: who decided what, when, why, on which store."""
    from qam.vocabulary import datetime_label, label

    shown = [
        {
            "item": c["item_ref"],
            "change": f"{label(c['old_status'])} -> {label(side['new_status'])}",
            "who": side["actor"],
            "when": datetime_label(side["decided_at"]),
            "why": side["reason"]
            + (f" (evidence: {side['evidence']})" if side["evidence"] else ""),
            "where": side["store"],
            "state": "resolved" if c["resolved_by"] else "waiting",
        }
        for c in rows
        for side in sides[c["id"]]
    ]
    print_table(
        shown,
        [
            ("item", "Item"),
            ("change", "Decision"),
            ("who", "Who"),
            ("when", "When"),
            ("why", "Why"),
            ("where", "Made on"),
            ("state", "Conflict"),
        ],
        title="Register items decided differently on two stores",
        empty="No register conflicts.",
    )
    if any(not c["resolved_by"] for c in rows):
        typer.echo('Resolve with: qam sync resolve REF STATUS --reason "..."')


def _finding_conflicts(found: list[dict]) -> None:
    from qam.vocabulary import datetime_label

    for f in found:
        f["versions"] = "\n".join(f["current_versions"])
        f["state"] = f"kept {f['kept_id']}" if f["resolved_at"] else "waiting"
        f["detected"] = datetime_label(f["detected_at"])
    print_table(
        found,
        [
            ("finding_id", "Finding"),
            ("versions", "Current versions"),
            ("detected", "Detected"),
            ("state", "Conflict"),
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
    from qam.register.decisions import parse_status
    from qam.sync.conflicts import resolve

    status = parse_status(status)
    with open_store() as store:
        decision = resolve(
            store, ref, status, reason=reason, actor=actor(), evidence=evidence, approver=approver
        )
    from qam.vocabulary import count_label, label

    typer.echo(
        f"{ref}: {label(decision['old_status'])} -> {label(decision['new_status'])}; "
        f"{count_label(len(decision['conflicts']), 'conflict')} resolved."
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


def _confirmed(question: str) -> bool:
    """Ask a person at the keyboard (the one prompt adapter); refuse when no one is there."""
    from qam.cli import prompts

    if not prompts.interactive():
        fail("no one here to ask; compare the fingerprint, then run this again with --yes.")
    return prompts.TerminalPrompts().confirm(question, default=False)


@app.command("trust")
def trust_cmd(
    file: Annotated[
        Path, typer.Argument(help="A bundle, or a key file written by `qam sync key --out`.")
    ],
    yes: Annotated[
        bool, typer.Option("--yes", help="Enrol without asking (you compared the fingerprint).")
    ] = False,
    label: Annotated[
        str | None,
        typer.Option("--label", help="A name for the store (e.g. Sgt Eastern's laptop)."),
    ] = None,
) -> None:
    """Enrol the store that signed a bundle (or whose key file this is), so its bundles import: shows its fingerprint to compare first.

    Example: qam sync trust laptop-sgt-eastern.qam-bundle --label "Sgt Eastern's laptop"
    """
    from qam.sync.trust import read_candidate, trust

    candidate = read_candidate(file)
    how = "holds the key of" if candidate["kind"] == "key file" else "is signed by"
    typer.echo(f"{file.name} {how}: {candidate['label']} ({candidate['kind']})")
    typer.echo(f"  fingerprint: {candidate['shown']}")
    typer.echo("  Compare it with `qam sync key` on that store before you trust it.")
    if not yes and not _confirmed("Is this the fingerprint its owner read out to you?"):
        typer.echo("Not enrolled.")
        raise typer.Exit(1)
    with open_store() as store:
        row = trust(store, candidate, actor=actor(), label=label)
    typer.echo(f"Enrolled {row['label']} (key {row['shown']}): its bundles now import here.")


@app.command("keys")
def keys_cmd(
    revoke: Annotated[
        str | None,
        typer.Option(
            "--revoke", help="Revoke the key with this fingerprint (or its first 8 digits)."
        ),
    ] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why the key is revoked (kept in the trail).")
    ] = None,
    json_: JsonFlag = False,
) -> None:
    """List the stores whose bundles this store accepts (name, fingerprint, enrolled when and by whom); --revoke one.

    Example: qam sync keys --revoke "3f2a 9c1b" --reason "laptop lost on 3 June"
    """
    from qam.sync import trust

    with open_store() as store:
        if revoke is not None:
            row = trust.revoke(store, revoke, actor=actor(), reason=reason or "")
            typer.echo(
                f"Revoked {row['label']} (key {row['shown']}): its bundles are refused from now on."
            )
            return
        rows = trust.listing(store)
        own = trust.own(store, actor=actor())
    if json_:
        print_json(rows)
        return
    typer.echo(f"This store's own key: {own['shown']} (always accepted).")
    for r in rows:
        r["enrolled_on"] = r["enrolled_at"][:10]
        r["state"] = (
            f"revoked {r['revoked_at'][:10]} by {r['revoked_by']}" if r["revoked"] else "trusted"
        )
    print_table(
        rows,
        [
            ("label", "Store"),
            ("shown", "Fingerprint"),
            ("enrolled_on", "Enrolled"),
            ("enrolled_by", "By"),
            ("how", "How"),
            ("state", "State"),
        ],
        empty="No other store is trusted yet: `qam sync trust FILE` enrols one.",
    )


@app.command("key")
def key_cmd(
    out: Annotated[
        Path | None, typer.Option("--out", help="Write this store's public key to this file.")
    ] = None,
    label: Annotated[
        str | None, typer.Option("--label", help="A name for this store in the key file.")
    ] = None,
    overwrite: OverwriteFlag = False,
    json_: JsonFlag = False,
) -> None:
    """Show this store's signing key's fingerprint (to read out to whoever enrols it), or write its public key to a file.

    Example: qam sync key --out sgt-eastern.qam-key
    """
    from qam.sync import trust

    with open_store() as store:
        if out is not None:
            doc = trust.write_public_key(
                store, out, actor=actor(), label=label, overwrite=overwrite
            )
        else:
            doc = trust.own(store, label, actor=actor())
    if json_:
        print_json(doc)
        return
    typer.echo(f"This store's key: {doc['shown']} (store {doc['store_id'][:8]}).")
    if out is not None:
        typer.echo(
            f"Public key written to {doc['file']}; on the other store: qam sync trust {Path(doc['file']).name}"
        )
