"""The `question_set` table: every question set version loaded into this store, whole.

Findings point back to the exact version they answered (`question_set`, `question_set_version`),
so a version once stored is never changed; a revised set is a new version.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from qam.store.schema import IMMUTABLE, Carried, Table

if TYPE_CHECKING:
    from qam.store.db import Store

QUESTION_SET = Table(
    "question_set",
    ("id", "version", "title", "framework", "scale", "digest", "body", "loaded_at"),
    key=("id", "version"),
)
# A stored version never changes: the same id and version with another digest is refused.
BUNDLE = (Carried(QUESTION_SET, IMMUTABLE, compare=("id", "version", "digest")),)


def create(conn: sqlite3.Connection) -> None:
    """m001_core."""
    conn.execute(
        """
        CREATE TABLE question_set (
            id TEXT NOT NULL,
            version INTEGER NOT NULL,
            title TEXT NOT NULL,
            framework TEXT NOT NULL,
            scale TEXT NOT NULL,
            digest TEXT NOT NULL,
            body TEXT NOT NULL,
            loaded_at TEXT NOT NULL,
            PRIMARY KEY (id, version)
        )
        """
    )


def stored_digest(store: Store, set_id: str, version: int) -> str | None:
    row = store.conn.execute(
        "SELECT digest FROM question_set WHERE id = ? AND version = ?", [set_id, version]
    ).fetchone()
    return row[0] if row else None


def insert_set(
    store: Store,
    *,
    set_id: str,
    version: int,
    title: str,
    framework: str,
    scale: str,
    digest: str,
    body: str,
) -> None:
    with store.transaction():
        store.conn.execute(
            QUESTION_SET.insert_sql(),
            [set_id, version, title, framework, scale, digest, body, datetime.now(UTC).isoformat()],
        )


def stored_sets(store: Store) -> list[dict]:
    """Every stored version (id, version, title, framework, scale, digest, body, loaded_at)."""
    return store.rows(f"SELECT {QUESTION_SET.select()} FROM question_set ORDER BY id, version")


def latest_body(store: Store, set_id: str) -> tuple[int, str] | None:
    """(version, body) of the newest stored version of a set, or None."""
    row = store.conn.execute(
        "SELECT version, body FROM question_set WHERE id = ? ORDER BY version DESC LIMIT 1",
        [set_id],
    ).fetchone()
    return (row[0], row[1]) if row else None


def body(store: Store, set_id: str, version: int) -> str | None:
    row = store.conn.execute(
        "SELECT body FROM question_set WHERE id = ? AND version = ?", [set_id, version]
    ).fetchone()
    return row[0] if row else None
