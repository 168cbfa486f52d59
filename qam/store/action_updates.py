"""Action-plan updates on register items: `action_update`, dated and immutable.

Each month an action lead says how the plan is going: progress, a RAG, the evidence, the next
check-point. A row is never edited or deleted (triggers refuse both, whoever asks): a mistake
is put right by a new update that names the one it corrects and says why, so both show.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from qam.store.schema import IMMUTABLE, Carried, Table

if TYPE_CHECKING:
    from qam.store.db import Store

UPDATE = Table(
    "action_update",
    (
        "id",
        "item_ref",
        "progress",
        "rag",
        "evidence",
        "checkpoint",
        "corrects",
        "reason",
        "actor",
        "recorded_at",
    ),
    key=("id",),
    about={
        "item_ref": "The register item whose action plan it updates.",
        "progress": "What has moved since the last update, in the action lead's words.",
        "rag": "Green, amber or red, as the action lead rates the plan.",
        "evidence": "The evidence for the progress.",
        "checkpoint": "The next check-point with the chief officer lead.",
        "corrects": "The update this one corrects (a correction never replaces it).",
        "reason": "Why the correction was needed.",
        "recorded_at": "When the update was recorded (UTC).",
    },
)
RAGS = ("green", "amber", "red")


def create(conn: sqlite3.Connection) -> None:
    """m014_action_updates: the monthly updates, insert-only by trigger."""
    rags = ", ".join(f"'{r}'" for r in RAGS)
    conn.execute(
        f"""
        CREATE TABLE action_update (
            id TEXT PRIMARY KEY,
            item_ref TEXT NOT NULL COLLATE NOCASE,
            progress TEXT NOT NULL CHECK (trim(progress) <> ''),
            rag TEXT CHECK (rag IS NULL OR rag IN ({rags})),
            evidence TEXT,
            checkpoint TEXT,
            corrects TEXT,
            reason TEXT,
            actor TEXT NOT NULL CHECK (trim(actor) <> ''),
            recorded_at TEXT NOT NULL,
            CHECK (corrects IS NULL OR trim(coalesce(reason, '')) <> '')
        )
        """
    )
    conn.execute("CREATE INDEX action_update_item ON action_update(item_ref, recorded_at)")
    for verb in ("UPDATE", "DELETE"):
        conn.execute(
            f"CREATE TRIGGER action_update_no_{verb.lower()} BEFORE {verb} ON action_update "
            "BEGIN SELECT RAISE(ABORT, 'action plan updates are never changed: "
            "add a correction'); END"
        )


def insert(store: Store, row: dict) -> None:
    """Add one update (the caller holds the transaction)."""
    store.conn.execute(UPDATE.insert_sql(), [row.get(c) for c in UPDATE.columns])


def get(store: Store, update_id: str) -> dict | None:
    row = store.conn.execute(
        f"SELECT {UPDATE.select()} FROM action_update WHERE id = ?", [update_id]
    ).fetchone()
    return dict(zip(UPDATE.columns, row, strict=True)) if row else None


def for_item(store: Store, ref: str) -> list[dict]:
    """One item's updates, newest first."""
    rows = store.conn.execute(
        f"SELECT {UPDATE.select()} FROM action_update WHERE item_ref = ? "
        "ORDER BY recorded_at DESC, rowid DESC",
        [ref],
    )
    return [dict(zip(UPDATE.columns, r, strict=True)) for r in rows]


def every(store: Store) -> list[dict]:
    """Every update, each item's newest first (the due list, reminders, reports)."""
    rows = store.conn.execute(
        f"SELECT {UPDATE.select()} FROM action_update "
        "ORDER BY item_ref, recorded_at DESC, rowid DESC"
    )
    return [dict(zip(UPDATE.columns, r, strict=True)) for r in rows]


# Updates are made once and never change: the same id with other words refuses the bundle.
BUNDLE = (Carried(UPDATE, IMMUTABLE),)
