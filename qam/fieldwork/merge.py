"""Merging a verified bundle into this store, and the register conflicts merging can raise.

Rules, so that merging twice changes nothing and laptops merge in any order to the same store:
- sessions, findings, links and status decisions are keyed by their UUID and inserted once;
  the same id with different content is a conflict that refuses the whole bundle (RELIABILITY 8);
  a session may only move from open to finalised.
- reviews and register items are the programme's reference data: added when missing, never
  overwritten (a register item's status changes only through decisions).
- trail events are appended to this store's own chain as new events that name the original
  event id; the chain here is never rewritten.
- two decisions on one item from different stores, from the same old status to different new
  statuses, are both kept; the item is held at the old status and shown as a conflict until
  `qam sync resolve` records a decision with a reason.
- records another store purged under retention (its `purged_record` rows, or this store's
  own) are skipped, never re-imported and never a conflict; this store's copies of them are
  purged in the same import (qam/fieldwork/retention.py), and trail events about them that
  are not here yet are not merged (they may carry the purged words). The receipt counts them.
- two corrections of one finding from different stores (two versions superseding the same id)
  are both kept, and a `finding_conflict` is recorded: both stay current (neither silently
  wins) until `qam sync resolve-finding` keeps one and sets the others aside, with a reason.
  The conflict's id is a hash of the finding and its competing versions, so merging in any
  order records the same conflict once.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from qam.clock import now
from qam.errors import ImportFileError, NotFoundError, RefusedError
from qam.fieldwork.bundle import TABLES, Bundle, row_hash, verify_bundle
from qam.fieldwork.retention import apply_purges
from qam.store import audit, settings
from qam.store import decisions as decisions_db
from qam.store import findings as db
from qam.store import merge as merge_db
from qam.store import register as register_db
from qam.store import retention as rdb
from qam.store import sessions as sessions_db
from qam.vocabulary import STATUSES

_IMMUTABLE = {"capture_session", "finding", "finding_link", "status_decision", "finding_set_aside"}
_COMPARE_SKIP = {
    "capture_session": {"finalised_at"},
    "status_decision": {"origin"},
    "question_set": {"loaded_at", "title", "framework", "scale", "body"},
}


def _key(table: str, row: dict) -> dict:
    return {k: row[k] for k in TABLES[table][1]}


def _comparable(table: str, row: dict) -> dict:
    return {k: v for k, v in row.items() if k not in _COMPARE_SKIP.get(table, set())}


def _local(store, table: str, row: dict) -> dict | None:
    return merge_db.row_by_key(store, merge_db.BY_NAME[table], row)


def _purged(store, bundle: Bundle, path) -> dict[str, set[str]]:
    """table -> ids purged under retention, here or in the store the bundle came from."""
    purged = rdb.purged_ids(store)
    for i, row in enumerate(bundle.tables.get("purged_record", [])):
        if not all(isinstance(v, str) and v for v in row.values()):
            raise ImportFileError(
                f"{path} was refused whole, nothing imported: table purged_record "
                f"row {i + 1} is malformed. Export it again."
            )
        purged.setdefault(row["record_table"], set()).add(row["record_id"])
    return purged


def _is_purged(table: str, row: dict, purged: dict[str, set[str]]) -> bool:
    if table in ("capture_session", "finding"):
        return row["id"] in purged[table]
    return table == "finding_link" and row["finding_id"] in purged["finding"]


def _conflicts(store, bundle: Bundle, purged: dict[str, set[str]]) -> list[str]:
    """Records whose id is here already with different content (checked before any write)."""
    found = []
    for table, rows in bundle.tables.items():
        if table not in _IMMUTABLE and table != "question_set":
            continue
        for row in rows:
            if _is_purged(table, row, purged):
                continue  # blanked here or there: different content is the purge, not an edit
            local = _local(store, table, row)
            if local is None:
                continue
            local = {**local, "origin": row.get("origin")} if table == "status_decision" else local
            if row_hash(_comparable(table, local)) != row_hash(_comparable(table, row)):
                found.append(f"{table} {'/'.join(str(v) for v in _key(table, row).values())}")
    local_events = {e["event_id"]: e for e in audit.events(store)}
    for event in bundle.events:
        mine = local_events.get(event["event_id"])
        fields = ("at", "actor", "entity", "entity_id", "action", "old", "new", "reason")
        if mine and any(mine[f] != event[f] for f in fields):
            found.append(f"trail event {event['event_id']}")
    return found


def import_bundle(store, path: Path | str, *, actor: str) -> dict:  # noqa: C901 (to split)
    """Verify the whole bundle, then merge it in one transaction; returns the receipt."""
    bundle = verify_bundle(path)
    purged = _purged(store, bundle, path)
    clashes = _conflicts(store, bundle, purged)
    if clashes:
        listed = "; ".join(clashes[:10]) + (
            f" and {len(clashes) - 10} more" if len(clashes) > 10 else ""
        )
        raise ImportFileError(
            f"{path} was refused whole, nothing imported: these records are already here with "
            f"different content (changed after an earlier export): {listed}. Ask the laptop's "
            "owner to correct them with a new version instead of editing them."
        )
    added: dict[str, int] = {}
    present: dict[str, int] = {}
    skipped: dict[str, int] = {}
    local_id = settings.store_id(store)
    if bundle.tables.get("purged_record"):
        rdb.secure_delete(store, True)
    with store.transaction():
        purged_here = (
            apply_purges(
                store,
                bundle.tables.get("purged_record", []),
                actor=actor,
                from_store=bundle.store_id,
            )
            if bundle.tables.get("purged_record")
            else {}
        )
        new_decisions, new_reviews = [], set()
        for table, rows in bundle.tables.items():
            if not rows or table == "purged_record":
                continue
            for row in rows:
                if table == "review_team" and row["review_id"] not in new_reviews:
                    continue  # teams are the programme's: only a review new here brings its team
                if _is_purged(table, row, purged):
                    skipped[table] = skipped.get(table, 0) + 1
                    continue
                local = _local(store, table, row)
                if local is None and table == "review":
                    new_reviews.add(row["id"])
                if local is None:
                    if table == "status_decision":
                        row = {**row, "origin": row.get("origin") or bundle.store_id}
                        new_decisions.append(row)
                    merge_db.insert_row(store, merge_db.BY_NAME[table], row)
                    added[table] = added.get(table, 0) + 1
                    continue
                present[table] = present.get(table, 0) + 1
                if table == "capture_session" and row["finalised_at"] and not local["finalised_at"]:
                    sessions_db.finalise_session(store, row["id"], row["finalised_at"])
                if table == "register_conflict" and row["resolved_by"] and not local["resolved_by"]:
                    decisions_db.resolve_conflict(
                        store, row["id"], row["resolved_by"], row["resolved_at"]
                    )
                if table == "finding_conflict" and row["resolved_at"] and not local["resolved_at"]:
                    db.resolve_finding_conflict(
                        store,
                        row["id"],
                        kept_id=row["kept_id"],
                        reason=row["reason"],
                        actor=row["resolved_by"],
                        at=row["resolved_at"],
                    )
        if added.get("register_item"):
            register_db.rebuild_search(store)
        events_added, events_present, events_skipped = _merge_events(store, bundle, actor, purged)
        raised = _apply_decisions(store, new_decisions, actor, local_id) if new_decisions else []
        corrected = {r["supersedes"] for r in bundle.tables.get("finding", []) if r["supersedes"]}
        forked = _finding_conflicts(store, corrected, actor)
        audit.append_event(
            store,
            actor=actor,
            entity="sync",
            entity_id=bundle.store_id,
            action="import",
            new={
                "bundle_hash": bundle.bundle_hash,
                "added": added,
                "events": events_added,
                "conflicts": len(raised),
                "finding_conflicts": len(forked),
                "skipped_purged": skipped,
                "purged_here": purged_here,
            },
            reason="sync bundle imported",
        )
    if any(purged_here.values()):
        rdb.wipe_free_space(store)
    return {
        "file": str(path),
        "from_store": bundle.store_id,
        "bundle_hash": bundle.bundle_hash,
        "added": added,
        "already_present": present,
        "events_added": events_added,
        "events_already_present": events_present,
        "conflicts": raised,
        "finding_conflicts": forked,
        "skipped_purged": skipped,
        "skipped_purged_total": sum(skipped.values()),
        "events_skipped_purged": events_skipped,
        "purged_here": purged_here,
    }


def conflicts(store, *, open_only: bool = True) -> tuple[list[dict], list[dict]]:
    """Register conflicts, and finding conflicts with the versions current now."""
    found = db.finding_conflicts(store, open_only=open_only)
    for f in found:
        f["current_versions"] = current_versions(store, f["finding_id"])
    return decisions_db.conflicts(store, open_only=open_only), found


def current_versions(store, finding_id: str) -> list[str]:
    """The current versions descended from a finding (more than one = a fork)."""
    return [d["id"] for d in db.descendants(store, finding_id) if d["current"]]


def _finding_conflicts(store, corrected: set[str], actor: str) -> list[dict]:
    """Record a conflict for every finding corrected on two stores that still has two current versions."""
    raised = []
    for finding_id, successors in sorted(db.forked_findings(store, corrected).items()):
        if len(current_versions(store, finding_id)) < 2:
            continue  # already resolved (here, or in the bundle's own resolution)
        conflict = {
            "id": hashlib.sha256(
                f"finding|{finding_id}|{'|'.join(successors)}".encode()
            ).hexdigest()[:32],
            "finding_id": finding_id,
            "version_ids": successors,
            "detected_at": now(),
        }
        if db.insert_finding_conflict(store, conflict):
            audit.append_event(
                store,
                actor=actor,
                entity="finding",
                entity_id=finding_id,
                action="conflict",
                new={"versions": successors},
                reason="corrected on two laptops; both versions kept until resolved",
            )
            raised.append(conflict)
    return raised


def resolve_finding(store, finding_id: str, keep: str, *, reason: str, actor: str) -> dict:
    """Resolve a finding conflict: keep one current version, set the others aside (never deleted).

    `finding_id` is the finding both laptops corrected (as `qam sync conflicts` lists it, or a
    unique prefix); `keep` is one of its current versions. The others get a `finding_set_aside`
    row naming the kept version and the reason, so every listing and report shows one version;
    they stay in `qam findings list --all-versions`. One transaction, one trail event.
    """
    if not (reason or "").strip():
        raise RefusedError(
            'Resolving a conflict needs a reason (--reason "..."); it goes in the decision trail.'
        )
    open_ = db.finding_conflicts(store, open_only=True)
    matches = sorted(
        {c["finding_id"] for c in open_ if c["finding_id"] == finding_id}
        or {
            c["finding_id"]
            for c in open_
            if len(finding_id) >= 8 and c["finding_id"].startswith(finding_id)
        }
    )
    if len(matches) != 1:
        raise NotFoundError(
            f"There is no open conflict on finding '{finding_id}'"
            + (" (the prefix matches several; give more of the id)" if matches else "")
            + "; `qam sync conflicts` lists them."
        )
    finding_id = matches[0]
    versions = current_versions(store, finding_id)
    chosen = [v for v in versions if v == keep or (len(keep) >= 8 and v.startswith(keep))]
    if len(chosen) != 1:
        raise RefusedError(
            f"'{keep}' is not one of the current versions of finding {finding_id}: "
            f"{', '.join(versions)}. Keep one of those with --keep."
        )
    kept, at = chosen[0], now()
    conflicts = [c for c in open_ if c["finding_id"] == finding_id]
    set_aside = [v for v in versions if v != kept]
    with store.transaction():
        for v in set_aside:
            db.insert_set_aside(
                store,
                {
                    "finding_id": v,
                    "kept_id": kept,
                    "conflict_id": conflicts[0]["id"],
                    "reason": reason.strip(),
                    "actor": actor,
                    "set_aside_at": at,
                },
            )
        for c in conflicts:
            db.resolve_finding_conflict(
                store, c["id"], kept_id=kept, reason=reason.strip(), actor=actor, at=at
            )
        audit.append_event(
            store,
            actor=actor,
            entity="finding",
            entity_id=finding_id,
            action="resolve_conflict",
            old={"versions": versions},
            new={"kept": kept, "set_aside": set_aside},
            reason=reason.strip(),
        )
    return {
        "finding_id": finding_id,
        "kept": kept,
        "set_aside": set_aside,
        "conflicts": [c["id"] for c in conflicts],
    }


def _merge_events(
    store, bundle: Bundle, actor: str, purged: dict[str, set[str]]
) -> tuple[int, int, int]:
    local = audit.local_event_ids(store) | audit.synced_original_ids(store)
    added = present = skipped = 0
    for event in bundle.events:
        original = bundle.synced.get(event["event_id"], event["event_id"])
        if original in local:
            present += 1
            continue
        if (
            event["entity"] in ("capture_session", "finding")
            and event["entity_id"] in purged[event["entity"]]
        ):
            skipped += 1  # about a purged record: its old/new may hold the purged words
            continue
        if event["event_id"] in bundle.synced and event["action"] == "sync_import":
            content = json.loads(event["new"] or "{}")
        else:
            content = {
                "original_event_id": original,
                "at": event["at"],
                "actor": event["actor"],
                "action": event["action"],
                "reason": event["reason"],
                "old": json.loads(event["old"]) if event["old"] else None,
                "new": json.loads(event["new"]) if event["new"] else None,
                "from_store": bundle.store_id,
            }
        row = audit.append_event(
            store,
            actor=actor,
            entity=event["entity"],
            entity_id=event["entity_id"],
            action="sync_import",
            new=content,
            reason=f"merged from the bundle of store {bundle.store_id[:8]}",
        )
        audit.record_synced_event(store, original, row["event_id"], content.get("from_store"))
        local.add(original)
        added += 1
    return added, present, skipped


def _conflict_groups(store, ref: str, local_id: str) -> list[dict]:
    """Concurrent decisions on one item: same old status, different new statuses, different stores."""
    resolving = decisions_db.resolving_decision_ids(store)
    groups: dict[str, list[dict]] = {}
    for d in decisions_db.decisions_with_origin(store, ref):
        if d["id"] not in resolving:
            groups.setdefault(d["old_status"], []).append({**d, "origin": d["origin"] or local_id})
    found = []
    for old, ds in groups.items():
        if len({d["new_status"] for d in ds}) > 1 and len({d["origin"] for d in ds}) > 1:
            ids = sorted(d["id"] for d in ds)
            found.append(
                {
                    "id": hashlib.sha256(f"{ref}|{'|'.join(ids)}".encode()).hexdigest()[:32],
                    "item_ref": ref,
                    "old_status": old,
                    "decision_ids": ids,
                    "statuses": sorted({d["new_status"] for d in ds}),
                    "detected_at": now(),
                }
            )
    return found


def _apply_decisions(store, new_decisions: list[dict], actor: str, local_id: str) -> list[dict]:
    raised = []
    refs = register_db.refs(store)
    for ref in sorted({d["item_ref"] for d in new_decisions}):
        if ref not in refs:
            continue
        groups = _conflict_groups(store, ref, local_id)
        for group in groups:
            if decisions_db.insert_conflict(store, group):
                raised.append(group)
        in_conflict = {i for g in groups for i in g["decision_ids"]}
        open_ = [c for c in decisions_db.conflicts(store, open_only=True) if c["item_ref"] == ref]
        current = register_db.status_of(store, ref)
        if open_:
            target = open_[0]["old_status"]
        else:
            target = current
            for d in sorted(
                (d for d in new_decisions if d["item_ref"] == ref),
                key=lambda d: (d["decided_at"] or "", d["id"]),
            ):
                if d["id"] not in in_conflict and d["old_status"] == target:
                    target = d["new_status"]
        if target != current and target in STATUSES:
            register_db.set_status(store, ref, target, now())
            audit.append_event(
                store,
                actor=actor,
                entity="register_item",
                entity_id=ref,
                action="status",
                old=current,
                new=target,
                reason="held at the status both decisions started from until the conflict is resolved"
                if open_
                else "status decision merged from a laptop",
            )
    return raised


def resolve(
    store,
    ref: str,
    status: str,
    *,
    reason: str,
    actor: str,
    evidence: str | None = None,
    approver: str | None = None,
) -> dict:
    """Resolve a register conflict with a decision of your own (with a reason, in the trail).

    The decision is recorded by the register's own `record_decision` (source "sync"), so it
    obeys the register's rules (a reason, an approver for closing statuses).
    """
    from qam.register.decisions import record_decision

    if not (reason or "").strip():
        raise RefusedError(
            'Resolving a conflict needs a reason (--reason "..."); it goes in the decision trail.'
        )
    if status not in STATUSES:
        raise RefusedError(f"Status '{status}' is not one of {', '.join(STATUSES)}.")
    open_ = [
        c
        for c in decisions_db.conflicts(store, open_only=True)
        if c["item_ref"].lower() == ref.lower()
    ]
    if not open_:
        raise NotFoundError(
            f"There is no open conflict on '{ref}'; `qam sync conflicts` lists them."
        )
    current = register_db.status_of(store, open_[0]["item_ref"])
    with store.transaction():
        if status == current:
            from qam.register.decisions import write_decision

            decision = write_decision(
                store,
                ref=open_[0]["item_ref"],
                old=current,
                new=status,
                reason=reason,
                evidence=evidence,
                approver=approver,
                actor=actor,
                source="sync",
            )
        else:
            decision = record_decision(
                store,
                open_[0]["item_ref"],
                status,
                reason=reason,
                actor=actor,
                evidence=evidence,
                approver=approver,
                source="sync",
            )
        for c in open_:
            decisions_db.resolve_conflict(store, c["id"], decision["id"], decision["decided_at"])
    return {**decision, "conflicts": [c["id"] for c in open_]}
