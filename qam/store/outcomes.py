"""External inspection outcomes: `outcome`, one grade a force was given in one area."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from qam.store.schema import Table

if TYPE_CHECKING:
    from qam.store.db import Store

OUTCOME = Table(
    "outcome",
    ("id", "force", "area", "grade", "report_title", "published", "source_file", "imported_at"),
    key=("id",),
)
_COMPARED = ("force", "area", "grade", "report_title", "published")


def create(conn: sqlite3.Connection) -> None:
    """m002_register."""
    conn.execute(
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
    conn.execute("CREATE INDEX outcome_force ON outcome(force, published)")


def upsert_outcome(store: Store, outcome: dict) -> bool:
    """Insert or replace one outcome by id; True if it was new or changed."""
    old = store.conn.execute(
        f"SELECT {', '.join(_COMPARED)} FROM outcome WHERE id = ?", [outcome["id"]]
    ).fetchone()
    new = tuple(outcome.get(c) for c in _COMPARED)
    if old == new:
        return False
    store.conn.execute(
        OUTCOME.insert_sql(verb="INSERT OR REPLACE"), [outcome.get(c) for c in OUTCOME.columns]
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
    sql = f"SELECT {OUTCOME.select()} FROM outcome"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY force, published IS NULL, published, area"
    return store.rows(sql, params)


def count(store: Store) -> int:
    return store.conn.execute("SELECT count(*) FROM outcome").fetchone()[0]
