"""Store queries for sync and the register as fieldwork sees it: decisions, conflicts, bundles.

Split from `qam/store/fieldwork.py` (which keeps the fieldwork migrations, reviews, sessions and
findings) so each module stays readable; both are the store layer, and only they build SQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from qam.store.db import Store
from qam.store.fieldwork import (
    CONFLICT_COLUMNS,
    DECISION_COLUMNS,
    REGISTER_COLUMNS,
    _insert,
    _rows,
    table_columns,
    table_exists,
)

# ----------------------------------------------------------------------------- register (read-only)


def register_items(store: Store) -> list[dict]:
    """Register items on contract columns ([] before the register capability exists)."""
    if not table_exists(store, "register_item"):
        return []
    cols = [c for c in REGISTER_COLUMNS if c in set(table_columns(store, "register_item"))]
    return _rows(store, f"SELECT {', '.join(cols)} FROM register_item ORDER BY ref")


def register_refs(store: Store) -> set[str]:
    if not table_exists(store, "register_item"):
        return set()
    return {r[0] for r in store.conn.execute("SELECT ref FROM register_item")}


def set_item_status(store: Store, ref: str, status: str, at: str) -> None:
    cols = set(table_columns(store, "register_item"))
    with store.transaction():
        if "updated_at" in cols:
            store.conn.execute(
                "UPDATE register_item SET status = ?, updated_at = ? WHERE ref = ?",
                [status, at, ref],
            )
        else:
            store.conn.execute("UPDATE register_item SET status = ? WHERE ref = ?", [status, ref])


def item_status(store: Store, ref: str) -> str | None:
    row = store.conn.execute("SELECT status FROM register_item WHERE ref = ?", [ref]).fetchone()
    return row[0] if row else None


# ----------------------------------------------------------------------------- decisions and conflicts


def decisions(store: Store, item_ref: str | None = None) -> list[dict]:
    if not table_exists(store, "status_decision"):
        return []
    cols = [c for c in DECISION_COLUMNS if c in set(table_columns(store, "status_decision"))]
    sql = (
        f"SELECT {', '.join('d.' + c for c in cols)}, o.store_id AS origin FROM status_decision d "
        "LEFT JOIN decision_origin o ON o.decision_id = d.id"
    )
    params = []
    if item_ref:
        sql += " WHERE d.item_ref = ?"
        params.append(item_ref)
    return _rows(store, sql + " ORDER BY d.decided_at, d.id", params)


def insert_decision(store: Store, decision: dict, origin: str) -> None:
    cols = set(table_columns(store, "status_decision"))
    with store.transaction():
        _insert(
            store, "status_decision", {c: decision.get(c) for c in DECISION_COLUMNS if c in cols}
        )
        _insert(
            store,
            "decision_origin",
            {"decision_id": decision["id"], "store_id": origin},
            ignore=True,
        )


def conflicts(store: Store, *, open_only: bool = False) -> list[dict]:
    sql = f"SELECT {', '.join(CONFLICT_COLUMNS)} FROM register_conflict"
    if open_only:
        sql += " WHERE resolved_by IS NULL"
    rows = _rows(store, sql + " ORDER BY item_ref, detected_at")
    for r in rows:
        r["decision_ids"] = json.loads(r["decision_ids"])
        r["statuses"] = json.loads(r["statuses"])
    return rows


def insert_conflict(store: Store, conflict: dict) -> bool:
    row = {c: conflict.get(c) for c in CONFLICT_COLUMNS}
    for key in ("decision_ids", "statuses"):
        if not isinstance(row[key], str):
            row[key] = json.dumps(row[key])
    with store.transaction():
        return _insert(store, "register_conflict", row, ignore=True)


def resolve_conflict(store: Store, conflict_id: str, decision_id: str, at: str) -> None:
    with store.transaction():
        store.conn.execute(
            "UPDATE register_conflict SET resolved_by = ?, resolved_at = ? WHERE id = ? "
            "AND resolved_by IS NULL",
            [decision_id, at, conflict_id],
        )


def resolving_decision_ids(store: Store) -> set[str]:
    return {
        r[0]
        for r in store.conn.execute(
            "SELECT resolved_by FROM register_conflict WHERE resolved_by IS NOT NULL"
        )
    }


# ----------------------------------------------------------------------------- sync


def table_rows(store: Store, table: str, columns: Iterable[str]) -> list[dict]:
    """Every row of one table on the given columns (absent columns read as NULL)."""
    if not table_exists(store, table):
        return []
    have = set(table_columns(store, table))
    select = ", ".join(f'"{c}"' if c in have else f'NULL AS "{c}"' for c in columns)
    return _rows(store, f'SELECT {select} FROM "{table}" ORDER BY rowid')


def row_by_key(store: Store, table: str, columns: Iterable[str], key: dict) -> dict | None:
    have = set(table_columns(store, table))
    select = ", ".join(f'"{c}"' if c in have else f'NULL AS "{c}"' for c in columns)
    where = " AND ".join(f'"{k}" = ?' for k in key)
    rows = _rows(store, f'SELECT {select} FROM "{table}" WHERE {where}', key.values())
    return rows[0] if rows else None


def insert_row(store: Store, table: str, row: dict) -> None:
    have = set(table_columns(store, table))
    _insert(store, table, {k: v for k, v in row.items() if k in have})


def rebuild_register_search(store: Store) -> None:
    """After merging register items: the register keeps its own FTS index without triggers."""
    if table_exists(store, "register_item_fts"):
        store.conn.execute("INSERT INTO register_item_fts(register_item_fts) VALUES ('rebuild')")


def set_review_status(store: Store, review_id: str, status: str) -> None:
    store.conn.execute("UPDATE review SET status = ? WHERE id = ?", [status, review_id])


def set_session_finalised(store: Store, session_id: str, at: str) -> None:
    store.conn.execute(
        "UPDATE capture_session SET finalised_at = ? WHERE id = ? AND finalised_at IS NULL",
        [at, session_id],
    )


def synced_original_ids(store: Store) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT original_event_id FROM synced_event")}


def local_event_ids(store: Store) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT event_id FROM audit_log")}


def record_synced_event(store: Store, original: str, local: str, origin: str | None) -> None:
    _insert(
        store,
        "synced_event",
        {"original_event_id": original, "local_event_id": local, "store_id": origin},
    )


def synced_events(store: Store) -> dict[str, str]:
    """local wrapper event id -> original event id."""
    return {
        r[1]: r[0]
        for r in store.conn.execute("SELECT original_event_id, local_event_id FROM synced_event")
    }


def decision_origins(store: Store) -> dict[str, str]:
    return dict(store.conn.execute("SELECT decision_id, store_id FROM decision_origin").fetchall())
