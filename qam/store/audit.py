"""The decision trail: `audit_log` (one row an event, each holding the hash of the one before)
and `synced_event` (events merged from other stores: the original id -> the local wrapper)."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from qam.store.db import chunks
from qam.store.schema import Table
from qam.trail import GENESIS_HASH, event_hash

if TYPE_CHECKING:
    from qam.store.db import Store

EVENT = Table(
    "audit_log",
    (
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
    ),
    key=("event_id",),
)
SYNCED = Table(
    "synced_event", ("original_event_id", "local_event_id", "store_id"), key=("original_event_id",)
)
_COLUMNS = EVENT.columns


def create(conn: sqlite3.Connection) -> None:
    """m001_core: the chain, and triggers that refuse to change or delete any of it."""
    conn.execute(
        """
        CREATE TABLE audit_log (
            seq INTEGER PRIMARY KEY,
            event_id TEXT NOT NULL UNIQUE,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            action TEXT NOT NULL,
            old TEXT,
            new TEXT,
            reason TEXT,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )
        """
    )
    conn.execute("CREATE INDEX audit_log_entity ON audit_log(entity, entity_id)")
    conn.execute(
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    )
    conn.execute(
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    )


def create_synced(conn: sqlite3.Connection) -> None:
    """m004_fieldwork: trail events merged from other stores."""
    conn.execute(
        "CREATE TABLE synced_event (original_event_id TEXT PRIMARY KEY, local_event_id TEXT NOT NULL, "
        "store_id TEXT)"
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
        store.conn.execute(EVENT.insert_sql(), [row[c] for c in _COLUMNS])
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


# JSON keys that hold words, written plainly ("notes": ...) or inside a merged event's escaped
# JSON (\"notes\": ...); fingerprint keys such as `notes_sha256` do not match.
_WORD_KEYS = ("notes", "concerns", "place", "document_title")
_HOLDS_WORDS = " OR ".join(
    f"(COALESCE(new, '') || COALESCE(old, '')) LIKE '%\"{key}\":%' OR "
    f"(COALESCE(new, '') || COALESCE(old, '')) LIKE '%\\\"{key}\\\":%'"
    for key in _WORD_KEYS
)


def events_with_text(store: Store, entity: str, ids: Iterable[str]) -> int:
    """How many events about these records carry their words (for retention's report).

    QAM's own events hold only fingerprints of free text; events written by an earlier QAM
    (a session's place or a correction's notes, directly or merged from a laptop) may hold
    the words. The trail is append-only and hash-chained, so a purge cannot blank them.
    """
    count = 0
    for chunk, marks in chunks(sorted(ids)):
        count += store.conn.execute(
            f"SELECT count(*) FROM audit_log WHERE entity = ? AND entity_id IN ({marks}) "
            f"AND ({_HOLDS_WORDS})",
            [entity, *chunk],
        ).fetchone()[0]
    return count


# ----------------------------------------------------------------------------- synced events


def synced_original_ids(store: Store) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT original_event_id FROM synced_event")}


def local_event_ids(store: Store) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT event_id FROM audit_log")}


def record_synced_event(store: Store, original: str, local: str, origin: str | None) -> None:
    store.conn.execute(SYNCED.insert_sql(), [original, local, origin])


def synced_events(store: Store) -> dict[str, str]:
    """local wrapper event id -> original event id."""
    return {
        r[1]: r[0]
        for r in store.conn.execute("SELECT original_event_id, local_event_id FROM synced_event")
    }
