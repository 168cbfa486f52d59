"""Two laptops correcting the same finding: `finding_conflict` (the fork, and how it was
resolved) and `finding_set_aside` (the versions a resolution retired).

`finding.supersedes` holds one parent, so a new row can retire at most one version; when two
corrections of one finding meet, the resolution retires the losers here instead (a version
listed in `finding_set_aside` is history, never current: `findings.current_condition`).
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING

from qam.store.schema import IMMUTABLE, REFERENCE, Carried, Table

if TYPE_CHECKING:
    from qam.store.db import Store

CONFLICT = Table(
    "finding_conflict",
    (
        "id",
        "finding_id",
        "version_ids",
        "detected_at",
        "kept_id",
        "reason",
        "resolved_by",
        "resolved_at",
    ),
    key=("id",),
)
SET_ASIDE = Table(
    "finding_set_aside",
    ("finding_id", "kept_id", "conflict_id", "reason", "actor", "set_aside_at"),
    key=("finding_id",),
)
# A conflict's resolution may arrive later; a version set aside stays set aside.
BUNDLE = (
    Carried(CONFLICT, REFERENCE, forward=("resolved_at", "kept_id", "reason", "resolved_by")),
    Carried(SET_ASIDE, IMMUTABLE),
)


# The resolutions' locks (`qam.store.guards` puts them back if dropped).
SET_ASIDE_GUARDS = {
    "finding_set_aside_no_update": "CREATE TRIGGER finding_set_aside_no_update BEFORE UPDATE ON "
    "finding_set_aside BEGIN SELECT RAISE(ABORT, 'a conflict resolution is never changed; "
    "resolve again with a reason'); END",
    "finding_set_aside_no_delete": "CREATE TRIGGER finding_set_aside_no_delete BEFORE DELETE ON "
    "finding_set_aside BEGIN SELECT RAISE(ABORT, 'a conflict resolution is never deleted'); END",
}


def create(conn: sqlite3.Connection) -> None:
    """m005_fieldwork_conflicts: two laptops correcting the same finding, and the resolution.

    `finding.supersedes` holds one parent, so a new row can retire at most one version; when
    two corrections of one finding meet, the resolution retires the losers in
    `finding_set_aside` instead (a version listed there is history, never current). Rows here
    are insert-only apart from a conflict's resolution columns, set once.
    """
    conn.execute(
        """CREATE TABLE finding_conflict (
            id TEXT PRIMARY KEY, finding_id TEXT NOT NULL, version_ids TEXT NOT NULL,
            detected_at TEXT NOT NULL, kept_id TEXT, reason TEXT, resolved_by TEXT,
            resolved_at TEXT)"""
    )
    conn.execute("CREATE INDEX finding_conflict_finding ON finding_conflict(finding_id)")
    conn.execute(
        """CREATE TABLE finding_set_aside (
            finding_id TEXT PRIMARY KEY, kept_id TEXT NOT NULL, conflict_id TEXT NOT NULL,
            reason TEXT NOT NULL, actor TEXT NOT NULL, set_aside_at TEXT NOT NULL)"""
    )
    for ddl in SET_ASIDE_GUARDS.values():
        conn.execute(ddl)


def set_aside_by(store: Store, finding_id: str) -> dict | None:
    """The resolution that set this version aside, if any."""
    rows = store.rows(
        f"SELECT {SET_ASIDE.select()} FROM finding_set_aside WHERE finding_id = ?", [finding_id]
    )
    return rows[0] if rows else None


def finding_conflicts(
    store: Store, *, open_only: bool = False, finding_id: str | None = None
) -> list[dict]:
    sql = f"SELECT {CONFLICT.select()} FROM finding_conflict"
    where, params = [], []
    if open_only:
        where.append("resolved_at IS NULL")
    if finding_id:
        where.append("finding_id = ?")
        params.append(finding_id)
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = store.rows(sql + " ORDER BY detected_at, id", params)
    for r in rows:
        r["version_ids"] = json.loads(r["version_ids"])
    return rows


def insert_finding_conflict(store: Store, conflict: dict) -> bool:
    """Record a conflict once (its id is a hash of what conflicts); True if it was new."""
    row = {c: conflict.get(c) for c in CONFLICT.columns}
    if not isinstance(row["version_ids"], str):
        row["version_ids"] = json.dumps(row["version_ids"])
    with store.transaction():
        cur = store.conn.execute(
            CONFLICT.insert_sql(verb="INSERT OR IGNORE"), [row[c] for c in CONFLICT.columns]
        )
        return cur.rowcount > 0


def resolve_finding_conflict(
    store: Store, conflict_id: str, *, kept_id: str, reason: str, actor: str, at: str
) -> None:
    with store.transaction():
        store.conn.execute(
            "UPDATE finding_conflict SET kept_id = ?, reason = ?, resolved_by = ?, resolved_at = ? "
            "WHERE id = ? AND resolved_at IS NULL",
            [kept_id, reason, actor, at, conflict_id],
        )


def insert_set_aside(store: Store, row: dict) -> None:
    with store.transaction():
        store.conn.execute(
            SET_ASIDE.insert_sql(verb="INSERT OR IGNORE"),
            [row.get(c) for c in SET_ASIDE.columns],
        )
