"""The `setting` table: store-wide settings (the home force's name, the retention period, the
store's sync identity, the flag that opens the findings' locks during a purge)."""

from __future__ import annotations

import sqlite3
import uuid
from typing import TYPE_CHECKING

from qam.store.schema import Table

if TYPE_CHECKING:
    from qam.store.db import Store

# Not carried by sync bundles: settings belong to the store they were set in.
SETTING = Table("setting", ("key", "value"), key=("key",))


def create(conn: sqlite3.Connection) -> None:
    """m001_core."""
    conn.execute("CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


def get(store: Store, key: str, default: str | None = None) -> str | None:
    row = store.conn.execute("SELECT value FROM setting WHERE key = ?", [key]).fetchone()
    return row[0] if row else default


def put(store: Store, key: str, value: str) -> None:
    with store.transaction():
        put_on(store.conn, key, value)


def put_on(conn: sqlite3.Connection, key: str, value: str) -> None:
    """`put` on a bare connection, for a migration (inside its transaction)."""
    conn.execute(
        "INSERT INTO setting(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [key, value],
    )


def delete(store: Store, key: str) -> None:
    with store.transaction():
        store.conn.execute("DELETE FROM setting WHERE key = ?", [key])


def store_id(store: Store) -> str:
    """This store's identity for sync (a UUID made once, kept in `setting`)."""
    value = get(store, "store_id")
    if value:
        return value
    with store.transaction():
        value = get(store, "store_id")
        if not value:
            value = str(uuid.uuid4())
            store.conn.execute("INSERT INTO setting(key, value) VALUES ('store_id', ?)", [value])
    return value


def with_prefix(store: Store, prefix: str) -> dict[str, str]:
    """Every setting whose key starts with `prefix`, keyed by the rest of the key."""
    rows = store.conn.execute(
        "SELECT key, value FROM setting WHERE substr(key, 1, ?) = ? ORDER BY key",
        [len(prefix), prefix],
    )
    return {key[len(prefix) :]: value for key, value in rows}
