"""Conflicts sync raises, and their resolution.

- Two decisions on one register item from different stores, from the same old status to
  different new statuses, are both kept; the item is held at the old status and shown as a
  conflict until `qam sync resolve` records a decision with a reason.
- Two corrections of one finding from different stores (two versions superseding the same
  id) are both kept, and a `finding_conflict` is recorded: both stay current (neither
  silently wins) until `qam sync resolve-finding` keeps one and sets the others aside, with a
  reason. A conflict's id is a hash of what conflicts, so merging in any order records the
  same conflict once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from qam.clock import now
from qam.errors import NotFoundError, RefusedError
from qam.store import audit
from qam.store import decisions as decisions_db
from qam.store import finding_conflicts as conflicts_db
from qam.store import findings as db
from qam.store import register as register_db
from qam.vocabulary import STATUSES

if TYPE_CHECKING:
    from qam.store import Store


def conflicts(store: Store, *, open_only: bool = True) -> tuple[list[dict], list[dict]]:
    """Register conflicts, and finding conflicts with the versions current now."""
    found = conflicts_db.finding_conflicts(store, open_only=open_only)
    for f in found:
        f["current_versions"] = current_versions(store, f["finding_id"])
    return decisions_db.conflicts(store, open_only=open_only), found


def current_versions(store: Store, finding_id: str) -> list[str]:
    """The current versions descended from a finding (more than one = a fork)."""
    return [d["id"] for d in db.descendants(store, finding_id) if d["current"]]


def flag_finding_conflicts(store: Store, corrected: Iterable[str], actor: str) -> list[dict]:
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
        if conflicts_db.insert_finding_conflict(store, conflict):
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


def resolve_finding(store: Store, finding_id: str, keep: str, *, reason: str, actor: str) -> dict:
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
    open_ = conflicts_db.finding_conflicts(store, open_only=True)
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
            conflicts_db.insert_set_aside(
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
            conflicts_db.resolve_finding_conflict(
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


def _conflict_groups(store: Store, ref: str, local_id: str) -> list[dict]:
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


def flag_decision_conflicts(
    store: Store, new_decisions: list[dict], actor: str, local_id: str
) -> list[dict]:
    """After new decisions arrived: raise a conflict where stores decided differently, and
    move each item to the status its decisions lead to (held where they forked)."""
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
    store: Store,
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
