"""`trusted_signer`: the stores whose signed bundles this store accepts (issue #12).

A row is one enrolled public key: the signer's fingerprint, its key, the store it speaks for,
who enrolled it, when and how; revoking it sets the revocation columns once (a revoked key
can be enrolled again, which clears them, with its own event in the trail). This store's own
signing key is not here: it lives beside the store file (`qam.sync.signing`), never inside the
store or a bundle, and a store always accepts its own bundles.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from qam.store.schema import Table

if TYPE_CHECKING:
    from qam.store.db import Store

# Not carried by sync bundles: whom a store trusts is that store's own decision.
SIGNER = Table(
    "trusted_signer",
    (
        "fingerprint",
        "public_key",
        "store_id",
        "label",
        "how",
        "enrolled_at",
        "enrolled_by",
        "revoked_at",
        "revoked_by",
        "revoked_reason",
    ),
    key=("fingerprint",),
)


def create(conn: sqlite3.Connection) -> None:
    """m007_trusted_signers."""
    conn.execute(
        """CREATE TABLE trusted_signer (
            fingerprint TEXT PRIMARY KEY, public_key TEXT NOT NULL UNIQUE, store_id TEXT,
            label TEXT NOT NULL, how TEXT NOT NULL, enrolled_at TEXT NOT NULL,
            enrolled_by TEXT NOT NULL, revoked_at TEXT, revoked_by TEXT, revoked_reason TEXT)"""
    )


def signer(store: Store, fingerprint: str) -> dict | None:
    """One enrolled (or revoked) key by its fingerprint, or None."""
    rows = store.rows(
        f"SELECT {SIGNER.select()} FROM trusted_signer WHERE fingerprint = ?", [fingerprint]
    )
    return rows[0] if rows else None


def signers(store: Store) -> list[dict]:
    """Every key ever enrolled here, oldest first, revoked ones included."""
    return store.rows(
        f"SELECT {SIGNER.select()} FROM trusted_signer ORDER BY enrolled_at, fingerprint"
    )


def count(store: Store) -> int:
    return store.conn.execute("SELECT count(*) FROM trusted_signer").fetchone()[0]


def enrol(store: Store, row: dict) -> None:
    """Enrol a key (or enrol a revoked one again), inside the caller's transaction."""
    values = [row.get(c) for c in SIGNER.columns]
    with store.transaction():
        store.conn.execute(
            SIGNER.insert_sql() + " ON CONFLICT(fingerprint) DO UPDATE SET label = excluded.label, "
            "how = excluded.how, enrolled_at = excluded.enrolled_at, "
            "enrolled_by = excluded.enrolled_by, store_id = excluded.store_id, "
            "revoked_at = NULL, revoked_by = NULL, revoked_reason = NULL",
            values,
        )


def revoke(store: Store, fingerprint: str, *, at: str, by: str, reason: str) -> None:
    with store.transaction():
        store.conn.execute(
            "UPDATE trusted_signer SET revoked_at = ?, revoked_by = ?, revoked_reason = ? "
            "WHERE fingerprint = ? AND revoked_at IS NULL",
            [at, by, reason, fingerprint],
        )
