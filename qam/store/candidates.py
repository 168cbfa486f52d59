"""What the planner chooses from: `candidate_review`, and what candidates are derived from,
`inspection` (the external inspection calendar) and `area_of_interest`."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from qam.store.schema import Table

if TYPE_CHECKING:
    from qam.store.db import Store

CANDIDATE = Table(
    "candidate_review",
    (
        "id",
        "title",
        "theme",
        "unit",
        "days",
        "team_size",
        "earliest",
        "latest",
        "priority",
        "base_priority",
        "inspection",
        "source",
        "methods",
        "origin",
        "why",
        "updated_at",
    ),
    key=("id",),
)
INSPECTION = Table("inspection", ("id", "title", "kind", "theme", "expected"), key=("id",))
AREA_OF_INTEREST = Table(
    "area_of_interest", ("id", "title", "theme", "source", "priority", "raised"), key=("id",)
)


def create(conn: sqlite3.Connection) -> None:
    """m003_planner."""
    conn.execute(
        """
        CREATE TABLE candidate_review (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            theme TEXT NOT NULL,
            unit TEXT NOT NULL,
            days INTEGER NOT NULL,
            team_size INTEGER NOT NULL,
            earliest TEXT,
            latest TEXT,
            priority INTEGER NOT NULL,
            base_priority INTEGER NOT NULL,
            inspection TEXT,
            source TEXT,
            methods TEXT NOT NULL DEFAULT '[]',
            origin TEXT NOT NULL,
            why TEXT,
            updated_at TEXT NOT NULL
        )
        """
    )
    conn.execute(
        "CREATE TABLE inspection (id TEXT PRIMARY KEY, title TEXT NOT NULL, kind TEXT NOT NULL, "
        "theme TEXT NOT NULL, expected TEXT NOT NULL)"
    )
    conn.execute(
        "CREATE TABLE area_of_interest (id TEXT PRIMARY KEY, title TEXT NOT NULL, theme TEXT NOT NULL, "
        "source TEXT NOT NULL, priority INTEGER NOT NULL, raised TEXT)"
    )


def candidates(store: Store, origin: str | None = None) -> list[dict]:
    """Candidate reviews (optionally of one origin), methods decoded, in id order."""
    sql = f"SELECT {CANDIDATE.select()} FROM candidate_review"
    params: list = []
    if origin:
        sql += " WHERE origin = ?"
        params.append(origin)
    rows = store.rows(sql + " ORDER BY id", params)
    for row in rows:
        row["methods"] = json.loads(row["methods"])
    return rows


def candidate_ids(store: Store) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT id FROM candidate_review")}


def upsert_candidates(store: Store, rows: list[dict]) -> tuple[int, int]:
    """Insert or update candidate reviews by id in one transaction; returns (added, updated)."""
    added = updated = 0
    now = datetime.now(UTC).isoformat(timespec="seconds")
    columns = CANDIDATE.columns
    settable = [c for c in columns if c != "id"]
    with store.transaction():
        existing = candidate_ids(store)
        for row in rows:
            values = {c: row.get(c) for c in columns}
            values["methods"] = json.dumps(list(row.get("methods") or []))
            values["updated_at"] = now
            if row["id"] in existing:
                store.conn.execute(
                    f"UPDATE candidate_review SET {', '.join(f'{c} = ?' for c in settable)} WHERE id = ?",
                    [values[c] for c in settable] + [row["id"]],
                )
                updated += 1
            else:
                store.conn.execute(CANDIDATE.insert_sql(), [values[c] for c in columns])
                added += 1
    return added, updated


def replace_derived(
    store: Store, derived: list[dict], adjustments: dict[str, tuple[int, str]]
) -> None:
    """Swap the derived candidates for a fresh set and re-apply priority raises and reasons.

    `adjustments` maps an imported candidate's id to (priority, why): derivation never edits
    what a person imported (base_priority keeps their number), so re-deriving is idempotent.
    """
    with store.transaction():
        store.conn.execute("DELETE FROM candidate_review WHERE origin != 'import'")
        upsert_candidates(store, derived)
        for cid, (priority, why) in adjustments.items():
            store.conn.execute(
                "UPDATE candidate_review SET priority = ?, why = ? WHERE id = ?",
                [priority, why, cid],
            )


def inspections(store: Store) -> list[dict]:
    return store.rows(f"SELECT {INSPECTION.select()} FROM inspection ORDER BY expected, id")


def areas_of_interest(store: Store) -> list[dict]:
    return store.rows(f"SELECT {AREA_OF_INTEREST.select()} FROM area_of_interest ORDER BY id")


def _upsert(store: Store, table: str, columns: tuple[str, ...], rows: list[dict]) -> None:
    settable = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c != "id")
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
        f"ON CONFLICT(id) DO UPDATE SET {settable}"
    )
    with store.transaction():
        store.conn.executemany(sql, ([row.get(c) for c in columns] for row in rows))


def upsert_inspections(store: Store, rows: list[dict]) -> None:
    _upsert(store, "inspection", INSPECTION.columns, rows)


def upsert_areas_of_interest(store: Store, rows: list[dict]) -> None:
    _upsert(store, "area_of_interest", AREA_OF_INTEREST.columns, rows)
