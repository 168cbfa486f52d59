"""Store queries and the migration for the register: items, status decisions, outcomes.

The full-text index (`register_item_fts`, FTS5 through sqlite-utils) has no triggers: the
store runs with `trusted_schema = OFF`, under which SQLite refuses virtual tables inside
triggers. Every write that changes an indexed column (ref, text, report_title) calls
`rebuild_search` inside its own transaction instead, so the index never goes stale.
"""

from __future__ import annotations

import json

import sqlite_utils

from qam.store.db import Store
from qam.store.migrations import MIGRATIONS

ITEM_COLUMNS = (
    "id",
    "ref",
    "text",
    "type",
    "scope",
    "status",
    "theme",
    "owner",
    "action_lead",
    "report_title",
    "report_published",
    "report_url",
    "risk",
    "impact",
    "due",
    "objectives",
    "timeframe",
    "checkpoints",
    "extra",
    "source_file",
    "created_at",
    "updated_at",
)
_JSON_COLUMNS = ("objectives", "checkpoints", "extra")
DECISION_COLUMNS = (
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
)
OUTCOME_COLUMNS = (
    "id",
    "force",
    "area",
    "grade",
    "report_title",
    "published",
    "source_file",
    "imported_at",
)
FTS_COLUMNS = ("ref", "text", "report_title")


@MIGRATIONS(name="m002_register")
def m002_register(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE register_item (
            id TEXT PRIMARY KEY,
            ref TEXT NOT NULL UNIQUE COLLATE NOCASE,
            text TEXT NOT NULL,
            type TEXT NOT NULL CHECK (type IN ('cause_of_concern', 'recommendation', 'area_for_improvement')),
            scope TEXT NOT NULL CHECK (scope IN ('national', 'force', 'joint')),
            status TEXT NOT NULL CHECK (status IN ('completed', 'no_further_action', 'will_not_be_progressed',
                                                   'being_progressed', 'will_be_progressed', 'awaiting_review')),
            theme TEXT,
            owner TEXT,
            action_lead TEXT,
            report_title TEXT,
            report_published TEXT,
            report_url TEXT,
            risk TEXT,
            impact TEXT,
            due TEXT,
            objectives TEXT NOT NULL DEFAULT '[]',
            timeframe TEXT,
            checkpoints TEXT NOT NULL DEFAULT '[]',
            extra TEXT NOT NULL DEFAULT '{}',
            source_file TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )
    for column in ("status", "type", "scope", "theme", "report_published"):
        db.execute(f"CREATE INDEX register_item_{column} ON register_item({column})")
    db.execute(
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
    db.execute("CREATE INDEX status_decision_item ON status_decision(item_ref, decided_at)")
    db.execute(
        """
        CREATE TABLE outcome (
            id TEXT PRIMARY KEY,
            force TEXT NOT NULL,
            area TEXT NOT NULL,
            grade TEXT NOT NULL CHECK (grade IN ('outstanding', 'good', 'adequate', 'requires_improvement', 'inadequate')),
            report_title TEXT,
            published TEXT,
            source_file TEXT,
            imported_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX outcome_force ON outcome(force, published)")
    db["register_item"].enable_fts(list(FTS_COLUMNS), create_triggers=False)


# ---- register items --------------------------------------------------------------------


def _item(row: tuple) -> dict:
    item = dict(zip(ITEM_COLUMNS, row, strict=True))
    for column in _JSON_COLUMNS:
        item[column] = (
            json.loads(item[column]) if item[column] else ({} if column == "extra" else [])
        )
    return item


def _encode_item(item: dict) -> list:
    values = []
    for column in ITEM_COLUMNS:
        value = item.get(column)
        if column in _JSON_COLUMNS:
            value = json.dumps(
                value if value is not None else ({} if column == "extra" else []),
                ensure_ascii=False,
            )
        values.append(value)
    return values


def get_item(store: Store, ref: str) -> dict | None:
    """One item by ref (case-insensitive), or None."""
    row = store.conn.execute(
        f"SELECT {', '.join(ITEM_COLUMNS)} FROM register_item WHERE ref = ?", [ref.strip()]
    ).fetchone()
    return _item(row) if row else None


def items_by_ref(store: Store) -> dict[str, dict]:
    """Every item keyed by its ref in upper case (for matching an import against the store)."""
    rows = store.conn.execute(f"SELECT {', '.join(ITEM_COLUMNS)} FROM register_item")
    return {r[1].upper(): _item(r) for r in rows}


def query_items(
    store: Store,
    *,
    statuses: list[str] | None = None,
    types: list[str] | None = None,
    scopes: list[str] | None = None,
    theme: str | None = None,
    owner: str | None = None,
    since: str | None = None,
    until: str | None = None,
    search: str | None = None,
) -> list[dict]:
    """Items matching every filter given, ordered by published date then ref.

    `search` is matched with FTS5 against ref, text and report title; each word is quoted so
    punctuation in what a user types is never read as FTS syntax.
    """
    where, params = [], []
    for column, values in (("status", statuses), ("type", types), ("scope", scopes)):
        if values:
            where.append(f"{column} IN ({', '.join('?' * len(values))})")
            params.extend(values)
    if theme:
        where.append("theme = ?")
        params.append(theme)
    if owner:
        where.append("(owner LIKE ? OR action_lead LIKE ?)")
        params.extend([f"%{owner}%"] * 2)
    if since:
        where.append("report_published >= ?")
        params.append(since)
    if until:
        where.append("report_published <= ?")
        params.append(until)
    if search is not None:
        words = [w.replace('"', '""') for w in search.split()]
        if not words:
            return []
        where.append(
            "rowid IN (SELECT rowid FROM register_item_fts WHERE register_item_fts MATCH ?)"
        )
        params.append(" ".join(f'"{w}"' for w in words))
    sql = f"SELECT {', '.join(ITEM_COLUMNS)} FROM register_item"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY report_published IS NULL, report_published, ref"
    return [_item(r) for r in store.conn.execute(sql, params)]


def insert_item(store: Store, item: dict) -> None:
    """Insert one item; the caller holds the transaction and rebuilds the search index."""
    store.conn.execute(
        f"INSERT INTO register_item ({', '.join(ITEM_COLUMNS)}) VALUES ({', '.join('?' * len(ITEM_COLUMNS))})",
        _encode_item(item),
    )


def update_item(store: Store, item: dict) -> None:
    """Replace every column of an existing item (matched by id)."""
    columns = [c for c in ITEM_COLUMNS if c != "id"]
    values = dict(zip(ITEM_COLUMNS, _encode_item(item), strict=True))
    store.conn.execute(
        f"UPDATE register_item SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
        [values[c] for c in columns] + [values["id"]],
    )


def set_status(store: Store, ref: str, status: str, updated_at: str) -> None:
    store.conn.execute(
        "UPDATE register_item SET status = ?, updated_at = ? WHERE ref = ?",
        [status, updated_at, ref],
    )


def rebuild_search(store: Store) -> None:
    """Bring the full-text index in line with register_item (inside the caller's transaction)."""
    store.conn.execute("INSERT INTO register_item_fts(register_item_fts) VALUES ('rebuild')")


def status_counts(store: Store) -> list[tuple[str, str, str, int]]:
    """(scope, type, status, count) for the whole register."""
    return store.conn.execute(
        "SELECT scope, type, status, count(*) FROM register_item GROUP BY scope, type, status"
    ).fetchall()


# ---- status decisions ------------------------------------------------------------------


def insert_decision(store: Store, decision: dict) -> None:
    store.conn.execute(
        f"INSERT INTO status_decision ({', '.join(DECISION_COLUMNS)}) VALUES ({', '.join('?' * len(DECISION_COLUMNS))})",
        [decision.get(c) for c in DECISION_COLUMNS],
    )


def decisions_for(store: Store, ref: str) -> list[dict]:
    """Every decision on one item, oldest first."""
    rows = store.conn.execute(
        f"SELECT {', '.join(DECISION_COLUMNS)} FROM status_decision WHERE item_ref = ? COLLATE NOCASE "
        "ORDER BY decided_at, rowid",
        [ref.strip()],
    )
    return [dict(zip(DECISION_COLUMNS, r, strict=True)) for r in rows]


# ---- outcomes --------------------------------------------------------------------------


def upsert_outcome(store: Store, outcome: dict) -> bool:
    """Insert or replace one outcome by id; True if it was new or changed."""
    old = store.conn.execute(
        "SELECT force, area, grade, report_title, published FROM outcome WHERE id = ?",
        [outcome["id"]],
    ).fetchone()
    new = tuple(outcome.get(c) for c in ("force", "area", "grade", "report_title", "published"))
    if old == new:
        return False
    store.conn.execute(
        f"INSERT OR REPLACE INTO outcome ({', '.join(OUTCOME_COLUMNS)}) VALUES ({', '.join('?' * len(OUTCOME_COLUMNS))})",
        [outcome.get(c) for c in OUTCOME_COLUMNS],
    )
    return True


def query_outcomes(store: Store, force: str | None = None, grade: str | None = None) -> list[dict]:
    where, params = [], []
    if force:
        where.append("force = ? COLLATE NOCASE")
        params.append(force)
    if grade:
        where.append("grade = ?")
        params.append(grade)
    sql = f"SELECT {', '.join(OUTCOME_COLUMNS)} FROM outcome"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY force, published IS NULL, published, area"
    return [dict(zip(OUTCOME_COLUMNS, r, strict=True)) for r in store.conn.execute(sql, params)]


def count(store: Store, table: str) -> int:
    if table not in ("register_item", "status_decision", "outcome"):
        raise ValueError(table)
    return store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
