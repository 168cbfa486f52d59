"""Capture sessions: `capture_session`, one sitting of fieldwork (a review, a method, a date).

A session is open while a reviewer captures; finalising it locks it (a trigger refuses any
change to a finalised session, except while a retention purge blanks its free text).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING

from qam.store.db import chunks
from qam.store.schema import IMMUTABLE, Carried, Table

if TYPE_CHECKING:
    from qam.store.db import Store

SESSION = Table(
    "capture_session",
    (
        "id",
        "review_id",
        "method",
        "held_on",
        "place",
        "participants",
        "head_count",
        "reviewer",
        "question_set",
        "question_set_version",
        "finalised_at",
        "created_at",
        "document_title",
        "document_hash",
        "last_shown",
    ),
    key=("id",),
    local={
        "last_shown": "the question this laptop's reviewer last had on screen, so that "
        "`qam capture` resumes there; only the store the capture runs in resumes it"
    },
)
# A session is inserted once; only its finalising may arrive later.
BUNDLE = (
    Carried(SESSION, IMMUTABLE, forward=("finalised_at",), purged_as=("capture_session", "id")),
)


def create(conn: sqlite3.Connection) -> None:
    """m004_fieldwork."""
    conn.execute(
        """CREATE TABLE capture_session (
            id TEXT PRIMARY KEY, review_id TEXT NOT NULL, method TEXT NOT NULL, held_on TEXT,
            place TEXT, participants TEXT NOT NULL DEFAULT '[]', head_count INTEGER,
            reviewer TEXT NOT NULL, question_set TEXT NOT NULL,
            question_set_version INTEGER NOT NULL, finalised_at TEXT, created_at TEXT NOT NULL,
            document_title TEXT, document_hash TEXT)"""
    )
    conn.execute("CREATE INDEX capture_session_review ON capture_session(review_id)")
    conn.execute(
        "CREATE TRIGGER capture_session_locked BEFORE UPDATE ON capture_session "
        "WHEN OLD.finalised_at IS NOT NULL BEGIN SELECT RAISE(ABORT, "
        "'this capture session is finalised and locked'); END"
    )


def lock_unless_purging(conn: sqlite3.Connection, not_purging: str) -> None:
    """m006_retention: the lock on finalised sessions opens only while a purge runs."""
    conn.execute("DROP TRIGGER capture_session_locked")
    conn.execute(guards(not_purging)["capture_session_locked"])


def guards(not_purging: str) -> dict[str, str]:
    """The lock on finalised sessions as m006_retention made it (`qam.store.guards`)."""
    return {
        "capture_session_locked": "CREATE TRIGGER capture_session_locked BEFORE UPDATE ON "
        f"capture_session WHEN OLD.finalised_at IS NOT NULL AND {not_purging} BEGIN "
        "SELECT RAISE(ABORT, 'this capture session is finalised and locked'); END"
    }


def add_last_shown(conn: sqlite3.Connection) -> None:
    """m007_capture_position: where a reviewer was, so a dead battery resumes there."""
    conn.execute("ALTER TABLE capture_session ADD COLUMN last_shown TEXT")


def _encode(session: dict) -> list:
    row = {c: session.get(c) for c in SESSION.columns}
    if not isinstance(row["participants"], str):
        row["participants"] = json.dumps(row["participants"] or [], ensure_ascii=False)
    return [row[c] for c in SESSION.columns]


def _decode(row: dict) -> dict:
    row["participants"] = json.loads(row["participants"] or "[]")
    return row


def insert_session(store: Store, session: dict) -> None:
    with store.transaction():
        store.conn.execute(SESSION.insert_sql(), _encode(session))


def insert_sessions(store: Store, sessions: Iterable[dict]) -> None:
    """Many sessions in one transaction (load tests)."""
    with store.transaction():
        store.conn.executemany(SESSION.insert_sql(), (_encode(s) for s in sessions))


def session(store: Store, session_id: str) -> dict | None:
    rows = store.rows(f"SELECT {SESSION.select()} FROM capture_session WHERE id = ?", [session_id])
    return _decode(rows[0]) if rows else None


def sessions(
    store: Store,
    *,
    review_id: str | None = None,
    reviewer: str | None = None,
    unfinished: bool = False,
) -> list[dict]:
    """Sessions (participants decoded), oldest first, filtered as asked."""
    where, params = [], []
    if review_id:
        where.append("review_id = ?")
        params.append(review_id)
    if reviewer:
        where.append("reviewer = ?")
        params.append(reviewer)
    if unfinished:
        where.append("finalised_at IS NULL")
    sql = f"SELECT {SESSION.select()} FROM capture_session"
    if where:
        sql += " WHERE " + " AND ".join(where)
    return [_decode(r) for r in store.rows(sql + " ORDER BY created_at, id", params)]


def finalise_session(store: Store, session_id: str, at: str) -> None:
    with store.transaction():
        store.conn.execute(
            "UPDATE capture_session SET finalised_at = ? WHERE id = ? AND finalised_at IS NULL",
            [at, session_id],
        )


def set_last_shown(store: Store, session_id: str, question_id: str) -> None:
    """Record the question on screen (committed at once: a crash resumes at it)."""
    with store.transaction():
        store.conn.execute(
            "UPDATE capture_session SET last_shown = ? WHERE id = ? AND finalised_at IS NULL",
            [question_id, session_id],
        )


def counts_by_review(store: Store) -> list[dict]:
    """Per review: capture sessions held and how many are finalised."""
    return store.rows(
        "SELECT review_id, COUNT(*) AS sessions, "
        "SUM(CASE WHEN finalised_at IS NOT NULL THEN 1 ELSE 0 END) AS finalised "
        "FROM capture_session GROUP BY review_id"
    )


# ----------------------------------------------------------------------------- retention


def unpurged_ids(store: Store, review_ids: list[str]) -> dict[str, list[str]]:
    """review id -> ids of its sessions not purged yet."""
    found: dict[str, list[str]] = {r: [] for r in review_ids}
    for chunk, marks in chunks(review_ids):
        for review_id, session_id in store.conn.execute(
            f"SELECT review_id, id FROM capture_session WHERE review_id IN ({marks}) AND id NOT IN "
            "(SELECT record_id FROM purged_record WHERE record_table = 'capture_session') "
            "ORDER BY review_id, created_at, id",
            chunk,
        ):
            found[review_id].append(session_id)
    return found


def present_ids(store: Store, ids: Iterable[str]) -> list[str]:
    """Those of `ids` that this store holds."""
    found: list[str] = []
    for chunk, marks in chunks(sorted(set(ids))):
        sql = f"SELECT id FROM capture_session WHERE id IN ({marks})"
        found += [r[0] for r in store.conn.execute(sql, chunk)]
    return sorted(found)


def blank_details(store: Store, ids: list[str]) -> None:
    """Retention: blank where a session was held, who took part and the document's title."""
    for chunk, marks in chunks(ids):
        store.conn.execute(
            "UPDATE capture_session SET place = NULL, participants = '[]', document_title = NULL "
            f"WHERE id IN ({marks})",
            chunk,
        )
