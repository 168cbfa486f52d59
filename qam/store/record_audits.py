"""Record audits (dip samples): `record_sample` (a review's draw of records from a frame, with
its checklist), `record_check` (what a reviewer found on one record, item by item) and
`record_audit_finding` (which finding states which item's result).

Every row is inserted once and never changed: a record checked again is a new `record_check`
row, and the latest row for a record is its answer; a sample drawn again (before any record
was checked) is a new `record_sample` row naming the one it `replaces`. That keeps a laptop's
audit mergeable by id, as findings are.

Record ids (custody record numbers, crime references) are operational data: they live in
these rows only (stakeholder views), never in the trail, which keeps a fingerprint and counts.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING

from qam.store.schema import IMMUTABLE, Carried, Table

if TYPE_CHECKING:
    from qam.store.db import Store

SAMPLE = Table(
    "record_sample",
    (
        "id",
        "review_id",
        "seed",
        "frame_name",
        "frame_sha256",
        "frame_rows",
        "options",
        "items",
        "records",
        "strata",
        "drawn_by",
        "drawn_at",
        "replaces",
    ),
    key=("id",),
)
CHECK = Table(
    "record_check",
    (
        "id",
        "sample_id",
        "session_id",
        "review_id",
        "record_id",
        "checks",
        "notes",
        "reviewer",
        "created_at",
    ),
    key=("id",),
)
ITEM_FINDING = Table(
    "record_audit_finding", ("finding_id", "sample_id", "item"), key=("finding_id",)
)
# Inserted once: the same id with other content refuses the bundle.
BUNDLE = (
    Carried(SAMPLE, IMMUTABLE),
    Carried(CHECK, IMMUTABLE),
    Carried(ITEM_FINDING, IMMUTABLE),
)
_JSON = ("options", "items", "records", "strata")


def create(conn: sqlite3.Connection) -> None:
    """m011_evidence: samples, checks and the findings that state their results."""
    conn.execute(
        """CREATE TABLE record_sample (
            id TEXT PRIMARY KEY, review_id TEXT NOT NULL, seed INTEGER NOT NULL,
            frame_name TEXT NOT NULL, frame_sha256 TEXT NOT NULL, frame_rows INTEGER NOT NULL,
            options TEXT NOT NULL, items TEXT NOT NULL, records TEXT NOT NULL,
            strata TEXT NOT NULL, drawn_by TEXT NOT NULL, drawn_at TEXT NOT NULL,
            replaces TEXT)"""
    )
    conn.execute("CREATE INDEX record_sample_review ON record_sample(review_id, drawn_at)")
    conn.execute(
        """CREATE TABLE record_check (
            id TEXT PRIMARY KEY, sample_id TEXT NOT NULL REFERENCES record_sample(id),
            session_id TEXT NOT NULL, review_id TEXT NOT NULL, record_id TEXT NOT NULL,
            checks TEXT NOT NULL, notes TEXT NOT NULL DEFAULT '', reviewer TEXT NOT NULL,
            created_at TEXT NOT NULL)"""
    )
    conn.execute("CREATE INDEX record_check_sample ON record_check(sample_id, record_id)")
    conn.execute("CREATE INDEX record_check_session ON record_check(session_id)")
    conn.execute(
        """CREATE TABLE record_audit_finding (
            finding_id TEXT PRIMARY KEY, sample_id TEXT NOT NULL, item TEXT NOT NULL)"""
    )
    for table in ("record_sample", "record_check", "record_audit_finding"):
        conn.execute(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} BEGIN SELECT "
            f"RAISE(ABORT, 'a {table.replace('_', ' ')} is never changed; record a new one'); END"
        )
        conn.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} BEGIN SELECT "
            f"RAISE(ABORT, 'a {table.replace('_', ' ')} is never deleted'); END"
        )


# ----------------------------------------------------------------------------- samples


def _encode(row: dict, columns: tuple[str, ...]) -> list:
    return [
        json.dumps(row[c], ensure_ascii=False, sort_keys=True)
        if c in _JSON or c == "checks"
        else row.get(c)
        for c in columns
    ]


def _decode(row: dict) -> dict:
    for key in (*_JSON, "checks"):
        if key in row and isinstance(row[key], str):
            row[key] = json.loads(row[key])
    return row


def insert_sample(store: Store, sample: dict) -> None:
    """One draw (inside the caller's transaction, or its own)."""
    with store.transaction():
        store.conn.execute(SAMPLE.insert_sql(), _encode(sample, SAMPLE.columns))


def current_sample(store: Store, review_id: str) -> dict | None:
    """The review's sample: its latest draw not replaced by another, or None."""
    rows = store.rows(
        f"SELECT {SAMPLE.select(alias='s')} FROM record_sample s WHERE s.review_id = ? "
        "AND NOT EXISTS (SELECT 1 FROM record_sample r WHERE r.replaces = s.id) "
        "ORDER BY s.drawn_at DESC, s.id DESC LIMIT 1",
        [review_id],
    )
    return _decode(rows[0]) if rows else None


def samples(store: Store) -> list[dict]:
    """Every current sample (one a review at most), by review."""
    rows = store.rows(
        f"SELECT {SAMPLE.select(alias='s')} FROM record_sample s WHERE NOT EXISTS "
        "(SELECT 1 FROM record_sample r WHERE r.replaces = s.id) ORDER BY s.review_id, s.drawn_at"
    )
    latest: dict[str, dict] = {}
    for row in rows:
        latest[row["review_id"]] = _decode(row)
    return list(latest.values())


# ----------------------------------------------------------------------------- checks


def insert_check(store: Store, check: dict) -> None:
    with store.transaction():
        store.conn.execute(CHECK.insert_sql(), _encode(check, CHECK.columns))


def current_checks(store: Store, sample_id: str) -> dict[str, dict]:
    """record id -> its latest check in this sample (the answer that stands)."""
    rows = store.rows(
        f"SELECT {CHECK.select()} FROM record_check WHERE sample_id = ? "
        "ORDER BY record_id, created_at, id",
        [sample_id],
    )
    return {r["record_id"]: _decode(r) for r in rows}


def checks_in_session(store: Store, session_id: str) -> int:
    """How many records a capture session has checked (each counted once)."""
    return store.conn.execute(
        "SELECT count(DISTINCT record_id) FROM record_check WHERE session_id = ?", [session_id]
    ).fetchone()[0]


def checked_count(store: Store, sample_id: str) -> int:
    return store.conn.execute(
        "SELECT count(DISTINCT record_id) FROM record_check WHERE sample_id = ?", [sample_id]
    ).fetchone()[0]


# ----------------------------------------------------------------------------- findings


def insert_item_findings(store: Store, rows: Iterable[tuple[str, str, str]]) -> None:
    """(finding id, sample id, item) for each finding that states an item's result."""
    with store.transaction():
        store.conn.executemany(ITEM_FINDING.insert_sql(), list(rows))


def item_findings(store: Store, sample_id: str) -> dict[str, list[str]]:
    """item -> the finding ids that stated its result, in the order they were recorded."""
    found: dict[str, list[str]] = {}
    for finding_id, item in store.conn.execute(
        "SELECT finding_id, item FROM record_audit_finding WHERE sample_id = ? ORDER BY rowid",
        [sample_id],
    ):
        found.setdefault(item, []).append(finding_id)
    return found


def count(store: Store) -> int:
    return store.conn.execute("SELECT count(*) FROM record_sample").fetchone()[0]
