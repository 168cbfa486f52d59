"""The decision trail's SQL: appending chained events and reading them back."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from qam.store.db import Store
from qam.trail import GENESIS_HASH, event_hash

_COLUMNS = (
    "seq",
    "event_id",
    "at",
    "actor",
    "entity",
    "entity_id",
    "action",
    "old",
    "new",
    "reason",
    "prev_hash",
    "hash",
)


def _encode(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def append_event(
    store: Store,
    *,
    actor: str,
    entity: str,
    entity_id: str,
    action: str,
    old: Any = None,
    new: Any = None,
    reason: str | None = None,
    event_id: str | None = None,
    at: str | None = None,
) -> dict:
    """Append one event to the chain, inside the caller's transaction (or its own)."""
    with store.transaction():
        last = store.conn.execute(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
        row = {
            "seq": seq,
            "event_id": event_id or str(uuid.uuid4()),
            "at": at or datetime.now(UTC).isoformat(timespec="microseconds"),
            "actor": actor,
            "entity": entity,
            "entity_id": str(entity_id),
            "action": action,
            "old": _encode(old),
            "new": _encode(new),
            "reason": reason,
            "prev_hash": prev_hash,
        }
        row["hash"] = event_hash(row)
        store.conn.execute(
            f"INSERT INTO audit_log ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
            [row[c] for c in _COLUMNS],
        )
    return row


def events(store: Store, *, entity: str | None = None, entity_id: str | None = None) -> list[dict]:
    """Every event in chain order, optionally for one entity."""
    sql = f"SELECT {', '.join(_COLUMNS)} FROM audit_log"
    where, params = [], []
    if entity:
        where.append("entity = ?")
        params.append(entity)
    if entity_id:
        where.append("entity_id = ?")
        params.append(entity_id)
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY seq"
    return [dict(zip(_COLUMNS, r, strict=True)) for r in store.conn.execute(sql, params)]


def has_event(store: Store, event_id: str) -> bool:
    return (
        store.conn.execute("SELECT 1 FROM audit_log WHERE event_id = ?", [event_id]).fetchone()
        is not None
    )
