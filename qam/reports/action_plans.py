"""Register items as the register report and the board packs show their action plans: the
objectives, time frame and check-points, every deadline (with the words a date was read
from), and the monthly updates, newest first. Overdue items sort first."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from qam.vocabulary import date_label, datetime_label, label

if TYPE_CHECKING:
    from qam.store import Store


def _update(update: dict) -> dict:
    return {
        **update,
        "when": datetime_label(update["recorded_at"]),
        "rag_label": (update["rag"] or "").capitalize(),
        "checkpoint_label": date_label(update["checkpoint"]),
    }


def plan_rows(store: Store, items: list[dict], today: date) -> list[dict]:
    """One row an item: overdue first (earliest deadline first), then by next deadline."""
    from qam.register.clocks import current, item_clocks, update_cycle
    from qam.store import action_updates

    cycle = update_cycle(store)
    by_ref: dict[str, list[dict]] = {}
    for update in action_updates.every(store):  # each item's newest first
        by_ref.setdefault(update["item_ref"].upper(), []).append(_update(update))
    rows = []
    for item in items:
        clocks, words = item_clocks(item)
        deadlines = [
            {
                "kind": c.kind,
                "label": c.label,
                "date": c.date.isoformat(),
                "date_label": date_label(c.date),
                "phrase": c.phrase,
                "overdue": c.date < today,
            }
            for c in sorted(clocks, key=lambda c: c.date)
            if current(c, today, cycle)
        ]
        ahead = [d for d in deadlines if not d["overdue"]]
        updates = by_ref.get(item["ref"].upper(), [])
        rows.append(
            {
                "ref": item["ref"],
                "text": item["text"],
                "source": label(item.get("source") or "hmicfrs"),
                "type": label(item["type"]),
                "status": label(item["status"]),
                "owner": item.get("owner") or "",
                "action_lead": item.get("action_lead") or "",
                "objectives": item.get("objectives") or [],
                "timeframe": item.get("timeframe") or "",
                "checkpoints": [str(c) for c in item.get("checkpoints") or []],
                "deadlines": deadlines,
                # The PCC's s.55 comments are the PCC's to publish, not the item's plan.
                "overdue": any(d["overdue"] for d in deadlines if d["kind"] != "pcc_comment"),
                "next": ahead[0] if ahead else None,
                "unread": words.phrase if words.unreadable and not item.get("due") else None,
                "updates": updates,
                "last_update": updates[0] if updates else None,
            }
        )
    rows.sort(
        key=lambda r: (not r["overdue"], r["next"]["date"] if r["next"] else "9999", r["ref"])
    )
    return rows
