"""Status decisions: every change of an item's status is a decision someone can answer for.

A decision records who, when, old -> new, why, on what evidence and (for closing an item
without completing it) who approved it. It is written with its audit event in one
transaction, so the register and the trail can never disagree.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from qam.errors import NotFoundError, RefusedError
from qam.imports.values import Choice
from qam.vocabulary import STATUSES

# Closing an item without doing it needs the accountable decision-maker's name.
NEEDS_APPROVER = ("will_not_be_progressed", "no_further_action")


def parse_status(raw: str) -> str:
    """A status slug from a slug or a well-known spelling ("Being progressed", "Complete")."""
    choice = Choice("status", STATUSES)
    slug = choice.find(raw)
    if slug is None:
        guess = choice.suggest(raw)
        hint = f" (did you mean {guess}?)" if guess else ""
        raise RefusedError(f"'{raw}' is not a status{hint}; use one of {', '.join(STATUSES)}.")
    return slug


def find_item(store, ref: str) -> dict:
    """The item with this ref, or NotFoundError naming near misses."""
    from qam.store import register as sql

    item = sql.get_item(store, ref)
    if item is None:
        refs = list(sql.items_by_ref(store))
        import difflib

        close = difflib.get_close_matches(ref.upper(), refs, n=1, cutoff=0.75)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise NotFoundError(
            f"No register item '{ref}'{hint}. `qam recs list --search WORDS` finds items by their text."
        )
    return item


def write_decision(
    store,
    *,
    ref: str,
    old: str | None,
    new: str,
    reason: str,
    evidence: str | None,
    approver: str | None,
    actor: str,
    source: str,
    at: str | None = None,
) -> dict:
    """Write one decision row and its audit event, inside the caller's transaction (or its own)."""
    from qam.store import audit, decisions

    if not (reason or "").strip():
        raise RefusedError(f"A status decision on {ref} needs a reason; nothing was changed.")
    if not (actor or "").strip():
        raise RefusedError(
            f"A status decision on {ref} needs an actor (--as NAME or QAM_USER); nothing was changed."
        )
    at = at or datetime.now(UTC).isoformat(timespec="microseconds")
    decision = {
        "id": str(uuid.uuid4()),
        "item_ref": ref,
        "old_status": old,
        "new_status": new,
        "reason": reason.strip(),
        "evidence": (evidence or "").strip() or None,
        "approver": (approver or "").strip() or None,
        "actor": actor,
        "decided_at": at,
        "source": source,
    }
    with store.transaction():
        event = audit.append_event(
            store,
            actor=actor,
            entity="register_item",
            entity_id=ref,
            action="status",
            old=old,
            new={
                "status": new,
                "evidence": decision["evidence"],
                "approver": decision["approver"],
                "source": source,
                "decision_id": decision["id"],
            },
            reason=decision["reason"],
            at=at,
        )
        decision["event_id"] = event["event_id"]
        decisions.insert_decision(store, decision)
    return decision


def write_import_decisions(
    store, changes: list[tuple[str, str | None, str]], *, actor: str, source_file: str, at: str
) -> None:
    """The decisions an import makes, one per (ref, old status, new status), each with its
    audit event, written as one batch inside the import's transaction."""
    from qam.store import audit
    from qam.store import decisions as decisions_db

    decisions, events = [], []
    for ref, old, new in changes:
        reason = (
            f"status in imported tracker {source_file}"
            if old
            else f"status when first imported from tracker {source_file}"
        )
        decision = {
            "id": str(uuid.uuid4()),
            "item_ref": ref,
            "old_status": old,
            "new_status": new,
            "reason": reason,
            "evidence": None,
            "approver": None,
            "actor": actor,
            "decided_at": at,
            "source": "import",
            "event_id": str(uuid.uuid4()),
        }
        decisions.append(decision)
        events.append(
            {
                "actor": actor,
                "entity": "register_item",
                "entity_id": ref,
                "action": "status",
                "old": old,
                "new": {
                    "status": new,
                    "evidence": None,
                    "approver": None,
                    "source": "import",
                    "decision_id": decision["id"],
                },
                "reason": reason,
                "event_id": decision["event_id"],
                "at": at,
            }
        )
    audit.append_events(store, events)
    decisions_db.insert_decisions(store, decisions)


def record_decision(
    store,
    ref: str,
    status: str,
    *,
    reason: str | None,
    actor: str,
    evidence: str | None = None,
    approver: str | None = None,
    source: str = "cli",
) -> dict:
    """Change an item's status as a recorded decision; refused without a reason (or approver)."""
    from qam.store import register as sql

    new = parse_status(status)
    item = find_item(store, ref)
    if not (reason or "").strip():
        raise RefusedError(
            f"A status decision needs a reason: say why {item['ref']} is now {new} with --reason. "
            "Nothing was changed."
        )
    if new in NEEDS_APPROVER and not (approver or "").strip():
        raise RefusedError(
            f"Moving {item['ref']} to {new} closes it without completing it, so it needs the "
            "accountable decision-maker: pass --approver NAME. Nothing was changed."
        )
    if new == item["status"]:
        raise RefusedError(f"{item['ref']} is already {new}; nothing to record.")
    with store.transaction():
        decision = write_decision(
            store,
            ref=item["ref"],
            old=item["status"],
            new=new,
            reason=reason or "",
            evidence=evidence,
            approver=approver,
            actor=actor,
            source=source,
        )
        sql.set_status(store, item["ref"], new, decision["decided_at"])
    return decision


def history(store, ref: str) -> list[dict]:
    """Every decision on one item, oldest first."""
    from qam.store import decisions

    item = find_item(store, ref)
    return decisions.decisions_for(store, item["ref"])


def open_conflict_refs(store) -> set[str]:
    """Refs of the items decided differently on two stores and not yet resolved."""
    from qam.store import decisions as decisions_db

    return {c["item_ref"] for c in decisions_db.conflicts(store, open_only=True)}


def conflict_sides(store, conflict: dict) -> list[dict]:
    """Each side of a register conflict: the decision (who, when, new status, why, evidence)
    and the store it was made on (`here` for this store, else the first 8 of its id)."""
    from qam.store import decisions as decisions_db

    wanted = set(conflict["decision_ids"])
    sides = [
        d
        for d in decisions_db.decisions_with_origin(store, conflict["item_ref"])
        if d["id"] in wanted
    ]
    for d in sides:
        d["store"] = "this store" if not d["origin"] else f"store {d['origin'][:8]}"
    return sides
