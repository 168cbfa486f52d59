"""Question sets as loaded into a store: the exact versions findings point back to."""

from __future__ import annotations

from datetime import UTC, datetime

from qam.store.db import Store


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
            "INSERT INTO question_set (id, version, title, framework, scale, digest, body, loaded_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [set_id, version, title, framework, scale, digest, body, datetime.now(UTC).isoformat()],
        )


def stored_sets(store: Store) -> list[dict]:
    cur = store.conn.execute(
        "SELECT id, version, title, framework, scale, digest, body, loaded_at FROM question_set ORDER BY id, version"
    )
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur]
