"""Status decisions on register items, which store made each, and the conflicts sync raises.

`status_decision` is insert-only: every change of an item's status is a new row with its
reason. `decision_origin` names the store that made a decision (two decisions conflict only
across stores). `register_conflict` records offline decisions that went different ways; only
its resolution columns are ever set, once.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING

from qam.store.schema import IMMUTABLE, REFERENCE, Arrival, Carried, Table

if TYPE_CHECKING:
    from qam.store.db import Store

DECISION = Table(
    "status_decision",
    (
        "id",
        "item_ref",
        "old_status",
        "new_status",
        "reason",
        "evidence",
        "approver",
        "actor",
        "decided_at",
        "source",
        "event_id",
    ),
    key=("id",),
    about={
        "item_ref": "The register item decided on.",
        "old_status": "Its status before.",
        "new_status": "Its status after.",
        "reason": "Why, as the person deciding gave it.",
        "evidence": "What the decision rests on.",
        "approver": "Who approved it.",
        "actor": "Who recorded it.",
        "decided_at": "When.",
        "event_id": "The decision's event in the trail.",
    },
)
ORIGIN = Table("decision_origin", ("decision_id", "store_id"), key=("decision_id",))
CONFLICT = Table(
    "register_conflict",
    (
        "id",
        "item_ref",
        "old_status",
        "decision_ids",
        "statuses",
        "detected_at",
        "resolved_by",
        "resolved_at",
    ),
    key=("id",),
)


def _record_origins(store: Store, arrival: Arrival) -> None:
    """Which store made each decision that arrived (the bundle's, unless it says another)."""
    store.conn.execute(
        "INSERT OR IGNORE INTO decision_origin (decision_id, store_id) "
        f"SELECT i.id, coalesce(i.origin, ?) FROM {arrival.staged} i "
        "JOIN main.status_decision d ON d.id = i.id WHERE d.rowid > ?",
        [arrival.origin, arrival.before_rowid],
    )


# A decision is inserted once and travels with `origin`, the store that made it; a conflict's
# resolution may arrive later.
BUNDLE = (
    Carried(
        DECISION,
        IMMUTABLE,
        extra=(
            (
                "origin",
                "coalesce((SELECT o.store_id FROM decision_origin o WHERE o.decision_id = "
                "status_decision.id), (SELECT value FROM setting WHERE key = 'store_id'))",
            ),
        ),
        after_insert=_record_origins,
    ),
    Carried(CONFLICT, REFERENCE, forward=("resolved_by", "resolved_at")),
)


def create(conn: sqlite3.Connection) -> None:
    """m002_register."""
    conn.execute(
        """
        CREATE TABLE status_decision (
            id TEXT PRIMARY KEY,
            item_ref TEXT NOT NULL,
            old_status TEXT,
            new_status TEXT NOT NULL,
            reason TEXT NOT NULL CHECK (trim(reason) <> ''),
            evidence TEXT,
            approver TEXT,
            actor TEXT NOT NULL CHECK (trim(actor) <> ''),
            decided_at TEXT NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('cli', 'import', 'sync')),
            event_id TEXT
        )
        """
    )
    conn.execute("CREATE INDEX status_decision_item ON status_decision(item_ref, decided_at)")


def create_sync(conn: sqlite3.Connection) -> None:
    """m004_fieldwork: conflicts between stores, and which store made each decision."""
    conn.execute(
        """CREATE TABLE register_conflict (
            id TEXT PRIMARY KEY, item_ref TEXT NOT NULL, old_status TEXT, decision_ids TEXT NOT NULL,
            statuses TEXT NOT NULL, detected_at TEXT NOT NULL, resolved_by TEXT, resolved_at TEXT)"""
    )
    # Which store made each status decision: two decisions are concurrent only across stores.
    conn.execute(
        "CREATE TABLE decision_origin (decision_id TEXT PRIMARY KEY, store_id TEXT NOT NULL)"
    )


# ----------------------------------------------------------------------------- decisions


def insert_decision(store: Store, decision: dict, origin: str | None = None) -> None:
    """One decision (inside the caller's transaction); `origin` names the store that made it."""
    with store.transaction():
        store.conn.execute(DECISION.insert_sql(), [decision.get(c) for c in DECISION.columns])
        if origin:
            store.conn.execute(ORIGIN.insert_sql(verb="INSERT OR IGNORE"), [decision["id"], origin])


def insert_decisions(store: Store, decisions: list[dict]) -> None:
    """Many decisions made here at once (an import's), inside the caller's transaction."""
    if decisions:
        store.conn.executemany(
            DECISION.insert_sql(), [[d.get(c) for c in DECISION.columns] for d in decisions]
        )


def decisions_for(store: Store, ref: str) -> list[dict]:
    """Every decision on one item, oldest first."""
    return store.rows(
        f"SELECT {DECISION.select()} FROM status_decision WHERE item_ref = ? COLLATE NOCASE "
        "ORDER BY decided_at, rowid",
        [ref.strip()],
    )


def decisions_with_origin(store: Store, item_ref: str | None = None) -> list[dict]:
    """Decisions (of one item, or all) with `origin`: the store that made each (None = here)."""
    sql = (
        f"SELECT {DECISION.select(alias='d')}, o.store_id AS origin FROM status_decision d "
        "LEFT JOIN decision_origin o ON o.decision_id = d.id"
    )
    params = []
    if item_ref:
        sql += " WHERE d.item_ref = ?"
        params.append(item_ref)
    return store.rows(sql + " ORDER BY d.decided_at, d.id", params)


def recent(store: Store, limit: int = 20, *, decided_only: bool = False) -> list[dict]:
    """The most recent decisions, newest first. `decided_only` leaves out the rows an import
    writes for the status an item had when it was first seen: no one decided those here."""
    where = " WHERE NOT (source = 'import' AND old_status IS NULL)" if decided_only else ""
    return store.rows(
        f"SELECT {DECISION.select()} FROM status_decision{where} "
        "ORDER BY decided_at DESC, id LIMIT ?",
        [limit],
    )


def count(store: Store) -> int:
    return store.conn.execute("SELECT count(*) FROM status_decision").fetchone()[0]


# ----------------------------------------------------------------------------- conflicts


def conflicts(store: Store, *, open_only: bool = False) -> list[dict]:
    sql = f"SELECT {CONFLICT.select()} FROM register_conflict"
    if open_only:
        sql += " WHERE resolved_by IS NULL"
    rows = store.rows(sql + " ORDER BY item_ref, detected_at")
    for r in rows:
        r["decision_ids"] = json.loads(r["decision_ids"])
        r["statuses"] = json.loads(r["statuses"])
    return rows


def insert_conflict(store: Store, conflict: dict) -> bool:
    """Record a conflict once (its id is a hash of what conflicts); True if it was new."""
    row = {c: conflict.get(c) for c in CONFLICT.columns}
    for key in ("decision_ids", "statuses"):
        if not isinstance(row[key], str):
            row[key] = json.dumps(row[key])
    with store.transaction():
        cur = store.conn.execute(
            CONFLICT.insert_sql(verb="INSERT OR IGNORE"), [row[c] for c in CONFLICT.columns]
        )
        return cur.rowcount > 0


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


def origins(store: Store) -> dict[str, str]:
    """decision id -> the store that made it (decisions made here have no row)."""
    return dict(store.conn.execute("SELECT decision_id, store_id FROM decision_origin").fetchall())
