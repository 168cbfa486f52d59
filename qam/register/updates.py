"""Action plans that move: dated, immutable progress updates on register items.

Seed 004's monthly cycle: each action lead reports progress (with a RAG, the evidence and the
next check-point with the chief officer lead). An update is never edited or deleted; a
correction is a new update naming the one it corrects, with the reason, and both show. Each
is an event in the trail, which records the fingerprint of the words, not the words.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from qam.clock import now
from qam.dates import parse_option_date
from qam.errors import NotFoundError, QamError, RefusedError

if TYPE_CHECKING:
    from qam.store import Store

RAGS = ("green", "amber", "red")


def _rag(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    rag = raw.strip().lower()
    if rag not in RAGS:
        raise QamError(f"--rag '{raw}' is not a RAG rating; use green, amber or red.")
    return rag


def record_update(
    store: Store,
    ref: str,
    *,
    progress: str,
    actor: str,
    rag: str | None = None,
    evidence: str | None = None,
    checkpoint: str | None = None,
    corrects: str | None = None,
    reason: str | None = None,
    at: str | None = None,
) -> dict:
    """Add one update to an item's action plan (or a correction of an earlier one)."""
    from qam.register.decisions import find_item
    from qam.store import action_updates, audit
    from qam.trail import text_fingerprint

    item = find_item(store, ref)
    if not progress or not progress.strip():
        raise QamError("--progress is empty: say what has moved since the last update.")
    day = parse_option_date(checkpoint, "--checkpoint")
    if corrects:
        _check_correction(store, item["ref"], corrects, reason)
    row = {
        "id": str(uuid.uuid4()),
        "item_ref": item["ref"],
        "progress": progress.strip(),
        "rag": _rag(rag),
        "evidence": (evidence or "").strip() or None,
        "checkpoint": day.isoformat() if day else None,
        "corrects": corrects,
        "reason": (reason or "").strip() or None,
        "actor": actor,
        "recorded_at": at or now(),
    }
    with store.transaction():
        action_updates.insert(store, row)
        audit.append_event(
            store,
            actor=actor,
            entity="action_update",
            entity_id=row["id"],
            action="correct" if corrects else "update",
            new={
                "ref": row["item_ref"],
                "rag": row["rag"],
                "checkpoint": row["checkpoint"],
                "corrects": corrects,
                "words": text_fingerprint(row["progress"], row["evidence"]),
            },
            reason=row["reason"] or "action plan update",
            at=row["recorded_at"],
        )
    return row


def _check_correction(store: Store, ref: str, corrects: str, reason: str | None) -> None:
    from qam.store import action_updates

    if not reason or not reason.strip():
        raise RefusedError(
            "A correction needs --reason: say what was wrong with the update it corrects."
        )
    earlier = action_updates.get(store, corrects)
    if earlier is None or earlier["item_ref"].upper() != ref.upper():
        raise NotFoundError(
            f"No update '{corrects}' on {ref}; `qam recs show {ref} --json` lists its updates "
            "with their ids."
        )


def updates(store: Store, ref: str) -> list[dict]:
    """An item's updates, newest first, each correction naming what it corrects."""
    from qam.store import action_updates

    return action_updates.for_item(store, ref)


def latest(store: Store) -> dict[str, dict]:
    """Each item's newest update, by ref in upper case."""
    from qam.store import action_updates

    found: dict[str, dict] = {}
    for row in action_updates.every(store):
        found.setdefault(row["item_ref"].upper(), row)
    return found
