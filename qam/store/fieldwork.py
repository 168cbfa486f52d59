"""Store queries and migrations for fieldwork: sessions, findings, links, and what sync merges.

Findings are never changed in place (a trigger refuses it): a revised answer or a correction
is a new row whose `supersedes` names the one it replaces. That is what lets a laptop's work
merge by UUID without ever overwriting anything, and what keeps "Saved." true forever.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import uuid
from collections.abc import Iterable, Iterator

import sqlite_utils

from qam.errors import StoreError
from qam.store.db import Store, _explain
from qam.store.migrations import MIGRATIONS

SESSION_COLUMNS = (
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
)
FINDING_COLUMNS = (
    "id",
    "session_id",
    "review_id",
    "question_set",
    "question_set_version",
    "question_id",
    "method",
    "notes",
    "grade",
    "good_practice",
    "concerns",
    "sources",
    "participant_role",
    "participant_unit",
    "reviewer",
    "created_at",
    "supersedes",
    "responses",
    "grade_counts",
)
REVIEW_COLUMNS = (
    "id",
    "title",
    "theme",
    "unit",
    "start",
    "end",
    "days",
    "question_set",
    "methods",
    "inspection",
    "status",
)
REGISTER_COLUMNS = (
    "id",
    "ref",
    "text",
    "type",
    "scope",
    "status",
    "theme",
    "owner",
    "report_title",
    "report_published",
    "report_url",
    "risk",
    "impact",
    "due",
    "extra",
    "updated_at",
    "created_at",
)
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
CONFLICT_COLUMNS = (
    "id",
    "item_ref",
    "old_status",
    "decision_ids",
    "statuses",
    "detected_at",
    "resolved_by",
    "resolved_at",
)
FINDING_CONFLICT_COLUMNS = (
    "id",
    "finding_id",
    "version_ids",
    "detected_at",
    "kept_id",
    "reason",
    "resolved_by",
    "resolved_at",
)
SET_ASIDE_COLUMNS = ("finding_id", "kept_id", "conflict_id", "reason", "actor", "set_aside_at")


@MIGRATIONS(name="m004_fieldwork")
def m004_fieldwork(db: sqlite_utils.Database) -> None:
    db.execute(
        """CREATE TABLE capture_session (
            id TEXT PRIMARY KEY, review_id TEXT NOT NULL, method TEXT NOT NULL, held_on TEXT,
            place TEXT, participants TEXT NOT NULL DEFAULT '[]', head_count INTEGER,
            reviewer TEXT NOT NULL, question_set TEXT NOT NULL,
            question_set_version INTEGER NOT NULL, finalised_at TEXT, created_at TEXT NOT NULL,
            document_title TEXT, document_hash TEXT)"""
    )
    db.execute("CREATE INDEX capture_session_review ON capture_session(review_id)")
    db.execute(
        """CREATE TABLE finding (
            id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES capture_session(id),
            review_id TEXT NOT NULL, question_set TEXT NOT NULL,
            question_set_version INTEGER NOT NULL, question_id TEXT NOT NULL,
            method TEXT NOT NULL, notes TEXT NOT NULL DEFAULT '', grade TEXT,
            good_practice INTEGER NOT NULL DEFAULT 0, concerns TEXT, sources INTEGER,
            participant_role TEXT, participant_unit TEXT, reviewer TEXT NOT NULL,
            created_at TEXT NOT NULL, supersedes TEXT, responses INTEGER, grade_counts TEXT)"""
    )
    db.execute("CREATE INDEX finding_session ON finding(session_id)")
    db.execute("CREATE INDEX finding_review ON finding(review_id)")
    db.execute("CREATE INDEX finding_supersedes ON finding(supersedes)")
    db.execute(
        "CREATE TRIGGER finding_no_update BEFORE UPDATE ON finding BEGIN SELECT RAISE(ABORT, "
        "'a finding is never changed in place; record a correction with qam findings correct'); END"
    )
    db.execute(
        "CREATE TRIGGER finding_no_delete BEFORE DELETE ON finding BEGIN SELECT RAISE(ABORT, "
        "'a finding is never deleted; record a correction with qam findings correct'); END"
    )
    db.execute(
        "CREATE TRIGGER capture_session_locked BEFORE UPDATE ON capture_session "
        "WHEN OLD.finalised_at IS NOT NULL BEGIN SELECT RAISE(ABORT, "
        "'this capture session is finalised and locked'); END"
    )
    db.execute(
        "CREATE TABLE finding_link (finding_id TEXT NOT NULL REFERENCES finding(id), "
        "item_ref TEXT NOT NULL, PRIMARY KEY (finding_id, item_ref))"
    )
    # Kept in sync by insert_finding, not by triggers: with trusted_schema=OFF SQLite refuses
    # to touch a virtual table from a trigger. Findings are insert-only, so inserts suffice.
    db["finding"].enable_fts(["notes", "concerns"], create_triggers=False, tokenize="porter")
    db.execute(
        """CREATE TABLE register_conflict (
            id TEXT PRIMARY KEY, item_ref TEXT NOT NULL, old_status TEXT, decision_ids TEXT NOT NULL,
            statuses TEXT NOT NULL, detected_at TEXT NOT NULL, resolved_by TEXT, resolved_at TEXT)"""
    )
    # Which store made each status decision: two decisions are concurrent only across stores.
    db.execute(
        "CREATE TABLE decision_origin (decision_id TEXT PRIMARY KEY, store_id TEXT NOT NULL)"
    )
    # Trail events merged from other stores: the original event id -> the local wrapper event.
    db.execute(
        "CREATE TABLE synced_event (original_event_id TEXT PRIMARY KEY, local_event_id TEXT NOT NULL, "
        "store_id TEXT)"
    )


@MIGRATIONS(name="m005_fieldwork_conflicts")
def m005_fieldwork_conflicts(db: sqlite_utils.Database) -> None:
    """Two laptops correcting the same finding: the fork, and how it was resolved.

    `finding.supersedes` holds one parent, so a new row can retire at most one version; when
    two corrections of one finding meet, the resolution retires the losers in
    `finding_set_aside` instead (a version listed there is history, never current). Rows here
    are insert-only apart from a conflict's resolution columns, set once.
    """
    db.execute(
        """CREATE TABLE finding_conflict (
            id TEXT PRIMARY KEY, finding_id TEXT NOT NULL, version_ids TEXT NOT NULL,
            detected_at TEXT NOT NULL, kept_id TEXT, reason TEXT, resolved_by TEXT,
            resolved_at TEXT)"""
    )
    db.execute("CREATE INDEX finding_conflict_finding ON finding_conflict(finding_id)")
    db.execute(
        """CREATE TABLE finding_set_aside (
            finding_id TEXT PRIMARY KEY, kept_id TEXT NOT NULL, conflict_id TEXT NOT NULL,
            reason TEXT NOT NULL, actor TEXT NOT NULL, set_aside_at TEXT NOT NULL)"""
    )
    db.execute(
        "CREATE TRIGGER finding_set_aside_no_update BEFORE UPDATE ON finding_set_aside BEGIN "
        "SELECT RAISE(ABORT, 'a conflict resolution is never changed; resolve again with a reason'); END"
    )
    db.execute(
        "CREATE TRIGGER finding_set_aside_no_delete BEFORE DELETE ON finding_set_aside BEGIN "
        "SELECT RAISE(ABORT, 'a conflict resolution is never deleted'); END"
    )


@MIGRATIONS(name="m006_retention")
def m006_retention(db: sqlite_utils.Database) -> None:
    """Retention (RELIABILITY 13): the findings' locks open only while a purge is running.

    The triggers that refuse UPDATE/DELETE on findings, and changes to a finalised session,
    are recreated with one exception: while the row `retention_purge_running` is in
    `setting`. The purge (qam/store/retention.py) inserts that row and deletes it again
    inside its own transaction, so no other write ever sees the locks open. `purged_record`
    lists every record a purge blanked, so sync never brings one back.
    """
    not_purging = "NOT EXISTS (SELECT 1 FROM setting WHERE key = 'retention_purge_running')"
    for name in ("finding_no_update", "finding_no_delete", "capture_session_locked"):
        db.execute(f"DROP TRIGGER {name}")
    db.execute(
        f"CREATE TRIGGER finding_no_update BEFORE UPDATE ON finding WHEN {not_purging} BEGIN "
        "SELECT RAISE(ABORT, 'a finding is never changed in place; record a correction with "
        "qam findings correct'); END"
    )
    db.execute(
        f"CREATE TRIGGER finding_no_delete BEFORE DELETE ON finding WHEN {not_purging} BEGIN "
        "SELECT RAISE(ABORT, 'a finding is never deleted; record a correction with qam findings correct'); END"
    )
    db.execute(
        "CREATE TRIGGER capture_session_locked BEFORE UPDATE ON capture_session "
        f"WHEN OLD.finalised_at IS NOT NULL AND {not_purging} BEGIN "
        "SELECT RAISE(ABORT, 'this capture session is finalised and locked'); END"
    )
    db.execute(
        """CREATE TABLE purged_record (
            record_table TEXT NOT NULL, record_id TEXT NOT NULL, purged_at TEXT NOT NULL,
            event_id TEXT NOT NULL, PRIMARY KEY (record_table, record_id))"""
    )


# ----------------------------------------------------------------------------- helpers


@contextlib.contextmanager
def write(store: Store) -> Iterator[None]:
    """`store.transaction()` whose SQLite failures become a StoreError a reviewer can act on.

    A full disk (or `max_page_count`) fails the INSERT inside the transaction, not the
    COMMIT, so without this the raw `sqlite3.OperationalError` would reach the CLI as an
    "unexpected" error. SQLite has already rolled back by then; `transaction()` rolls back
    whatever is left, so nothing of the failed write stays.
    """
    try:
        with store.transaction():
            yield
    except sqlite3.Error as err:
        raise StoreError(_explain(err, store.path)) from err


def _rows(store: Store, sql: str, params: Iterable = ()) -> list[dict]:
    cur = store.conn.execute(sql, list(params))
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur]


def table_exists(store: Store, name: str) -> bool:
    return (
        store.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]
        ).fetchone()
        is not None
    )


def table_columns(store: Store, name: str) -> list[str]:
    return [r[1] for r in store.conn.execute(f'PRAGMA table_info("{name}")')]


def _insert(store: Store, table: str, row: dict, *, ignore: bool = False) -> bool:
    cols = list(row)
    verb = "INSERT OR IGNORE" if ignore else "INSERT"
    sql = f'{verb} INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) VALUES ({", ".join("?" * len(cols))})'
    return store.conn.execute(sql, [row[c] for c in cols]).rowcount > 0


def store_id(store: Store) -> str:
    """This store's identity for sync (a UUID made once, kept in `setting`)."""
    value = store.setting("store_id")
    if value:
        return value
    with store.transaction():
        value = store.setting("store_id")
        if not value:
            value = str(uuid.uuid4())
            store.conn.execute("INSERT INTO setting(key, value) VALUES ('store_id', ?)", [value])
    return value


# ----------------------------------------------------------------------------- reviews


def insert_review(store: Store, review: dict, team: Iterable[str] = ()) -> None:
    """A review made outside the planner (`qam reviews add`, the demo, tests)."""
    with store.transaction():
        row = {c: review.get(c) for c in REVIEW_COLUMNS}
        if not isinstance(row["methods"], str):
            row["methods"] = json.dumps(row["methods"] or [])
        _insert(store, "review", row)
        for sme_id in team:
            _insert(
                store, "review_team", {"review_id": review["id"], "sme_id": sme_id}, ignore=True
            )


def review(store: Store, review_id: str) -> dict | None:
    rows = _rows(
        store,
        f"SELECT {', '.join(chr(34) + c + chr(34) for c in REVIEW_COLUMNS)} FROM review WHERE id = ?",
        [review_id],
    )
    return rows[0] if rows else None


def reviews(store: Store) -> list[dict]:
    return _rows(
        store,
        f"SELECT {', '.join(chr(34) + c + chr(34) for c in REVIEW_COLUMNS)} FROM review ORDER BY start, id",
    )


def review_team(store: Store, review_id: str) -> list[str]:
    return [
        r[0]
        for r in store.conn.execute(
            "SELECT sme_id FROM review_team WHERE review_id = ? ORDER BY sme_id", [review_id]
        )
    ]


def reviews_assigned_to(store: Store, who: str) -> list[str]:
    """Ids of reviews whose team holds an SME whose id or name matches `who` (case-insensitive)."""
    if not table_exists(store, "sme"):
        return [
            r[0]
            for r in store.conn.execute(
                "SELECT review_id FROM review_team WHERE lower(sme_id) = lower(?)", [who]
            )
        ]
    return [
        r[0]
        for r in store.conn.execute(
            "SELECT DISTINCT t.review_id FROM review_team t LEFT JOIN sme s ON s.id = t.sme_id "
            "WHERE lower(t.sme_id) = lower(?) OR lower(s.name) = lower(?)",
            [who, who],
        )
    ]


# ----------------------------------------------------------------------------- question sets


def latest_set_body(store: Store, set_id: str) -> tuple[int, str] | None:
    row = store.conn.execute(
        "SELECT version, body FROM question_set WHERE id = ? ORDER BY version DESC LIMIT 1",
        [set_id],
    ).fetchone()
    return (row[0], row[1]) if row else None


def set_body(store: Store, set_id: str, version: int) -> str | None:
    row = store.conn.execute(
        "SELECT body FROM question_set WHERE id = ? AND version = ?", [set_id, version]
    ).fetchone()
    return row[0] if row else None


# ----------------------------------------------------------------------------- sessions


def insert_session(store: Store, session: dict) -> None:
    with store.transaction():
        row = {c: session.get(c) for c in SESSION_COLUMNS}
        row["participants"] = json.dumps(session.get("participants") or [], ensure_ascii=False)
        _insert(store, "capture_session", row)


def session(store: Store, session_id: str) -> dict | None:
    rows = _rows(store, "SELECT * FROM capture_session WHERE id = ?", [session_id])
    return _decode_session(rows[0]) if rows else None


def _decode_session(row: dict) -> dict:
    row = dict(row)
    row["participants"] = json.loads(row["participants"] or "[]")
    return row


def sessions(
    store: Store,
    *,
    review_id: str | None = None,
    reviewer: str | None = None,
    unfinished: bool = False,
) -> list[dict]:
    where, params = [], []
    if review_id:
        where.append("review_id = ?")
        params.append(review_id)
    if reviewer:
        where.append("reviewer = ?")
        params.append(reviewer)
    if unfinished:
        where.append("finalised_at IS NULL")
    sql = "SELECT * FROM capture_session" + (" WHERE " + " AND ".join(where) if where else "")
    return [_decode_session(r) for r in _rows(store, sql + " ORDER BY created_at, id", params)]


def finalise_session(store: Store, session_id: str, at: str) -> None:
    with store.transaction():
        store.conn.execute(
            "UPDATE capture_session SET finalised_at = ? WHERE id = ? AND finalised_at IS NULL",
            [at, session_id],
        )


# ----------------------------------------------------------------------------- findings


def insert_finding(store: Store, finding: dict, links: Iterable[str] = ()) -> None:
    with store.transaction():
        _insert(store, "finding", {c: finding.get(c) for c in FINDING_COLUMNS})
        _index(store, [finding["id"]])
        for ref in links:
            _insert(
                store, "finding_link", {"finding_id": finding["id"], "item_ref": ref}, ignore=True
            )


def _index(store: Store, ids: list[str]) -> None:
    """Add findings to the full-text index (same transaction as the insert)."""
    store.conn.executemany(
        "INSERT INTO finding_fts (rowid, notes, concerns) SELECT rowid, notes, concerns "
        "FROM finding WHERE id = ?",
        [[i] for i in ids],
    )


def bulk_insert_findings(store: Store, findings: list[dict], links: list[tuple[str, str]]) -> None:
    """Many findings in one transaction with executemany (load tests, survey imports)."""
    cols = FINDING_COLUMNS
    sql = f"INSERT INTO finding ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    with store.transaction():
        before = store.conn.execute("SELECT coalesce(max(rowid), 0) FROM finding").fetchone()[0]
        store.conn.executemany(sql, ([f.get(c) for c in cols] for f in findings))
        store.conn.execute(
            "INSERT INTO finding_fts (rowid, notes, concerns) SELECT rowid, notes, "
            "concerns FROM finding WHERE rowid > ?",
            [before],
        )
        store.conn.executemany(
            "INSERT OR IGNORE INTO finding_link (finding_id, item_ref) VALUES (?, ?)", links
        )


def _finding_select(current_only: bool) -> str:
    sql = (
        "SELECT f.*, (SELECT json_group_array(item_ref) FROM (SELECT item_ref FROM finding_link l "
        "WHERE l.finding_id = f.id ORDER BY item_ref)) AS links FROM finding f"
    )
    if current_only:
        sql += f" WHERE {current_condition('f')}"
    return sql


def current_condition(alias: str = "finding") -> str:
    """SQL: the finding is current (not replaced by a correction, not set aside by a resolution).

    Anything that reports "the current version" of findings should use this condition, so a
    resolved conflict between two laptops' corrections shows one version everywhere.
    """
    return (
        f"NOT EXISTS (SELECT 1 FROM finding n WHERE n.supersedes = {alias}.id) "
        f"AND {alias}.id NOT IN (SELECT finding_id FROM finding_set_aside)"
    )


def _decode_finding(row: dict) -> dict:
    row = dict(row)
    row["links"] = json.loads(row.get("links") or "[]")
    row["good_practice"] = bool(row["good_practice"])
    if row.get("grade_counts"):
        row["grade_counts"] = json.loads(row["grade_counts"])
    return row


def finding(store: Store, finding_id: str) -> dict | None:
    rows = _rows(store, _finding_select(False) + " WHERE f.id = ?", [finding_id])
    return _decode_finding(rows[0]) if rows else None


def findings(
    store: Store,
    *,
    review_id: str | None = None,
    session_id: str | None = None,
    search: str | None = None,
    current_only: bool = True,
    good_practice: bool | None = None,
) -> list[dict]:
    sql = _finding_select(current_only)
    where, params = [], []
    if review_id:
        where.append("f.review_id = ?")
        params.append(review_id)
    if session_id:
        where.append("f.session_id = ?")
        params.append(session_id)
    if good_practice is not None:
        where.append("f.good_practice = ?")
        params.append(int(good_practice))
    if search:
        where.append("f.rowid IN (SELECT rowid FROM finding_fts WHERE finding_fts MATCH ?)")
        params.append(search)
    if where:
        sql += (" AND " if current_only else " WHERE ") + " AND ".join(where)
    sql += " ORDER BY f.review_id, f.created_at, f.id"
    return [_decode_finding(r) for r in _rows(store, sql, params)]


def superseded_by(store: Store, finding_id: str) -> list[str]:
    return [
        r[0]
        for r in store.conn.execute(
            "SELECT id FROM finding WHERE supersedes = ? ORDER BY created_at", [finding_id]
        )
    ]


def set_aside_by(store: Store, finding_id: str) -> dict | None:
    """The resolution that set this version aside, if any."""
    rows = _rows(
        store,
        f"SELECT {', '.join(SET_ASIDE_COLUMNS)} FROM finding_set_aside WHERE finding_id = ?",
        [finding_id],
    )
    return rows[0] if rows else None


def descendants(store: Store, finding_id: str) -> list[dict]:
    """Every later version of a finding (corrections of corrections), with whether it is current."""
    return _rows(
        store,
        f"""WITH RECURSIVE d(id) AS (
            SELECT id FROM finding WHERE supersedes = ?
            UNION SELECT f.id FROM finding f JOIN d ON f.supersedes = d.id)
        SELECT f.id, f.supersedes, f.created_at, f.reviewer, ({current_condition("f")}) AS current
        FROM finding f WHERE f.id IN (SELECT id FROM d) ORDER BY f.created_at, f.id""",
        [finding_id],
    )


def forked_findings(store: Store, ids: Iterable[str] | None = None) -> dict[str, list[str]]:
    """Findings corrected more than once in parallel: finding id -> its direct successors.

    One store never makes two corrections of one version (`correct` refuses); two laptops can.
    """
    sql = "SELECT supersedes, id FROM finding WHERE supersedes IS NOT NULL"
    params: list = []
    if ids is not None:
        ids = list(ids)
        if not ids:
            return {}
        sql += f" AND supersedes IN ({', '.join('?' * len(ids))})"
        params = ids
    children: dict[str, list[str]] = {}
    for parent, child in store.conn.execute(sql + " ORDER BY supersedes, id", params):
        children.setdefault(parent, []).append(child)
    return {k: v for k, v in children.items() if len(v) > 1}


def finding_conflicts(
    store: Store, *, open_only: bool = False, finding_id: str | None = None
) -> list[dict]:
    sql = f"SELECT {', '.join(FINDING_CONFLICT_COLUMNS)} FROM finding_conflict"
    where, params = [], []
    if open_only:
        where.append("resolved_at IS NULL")
    if finding_id:
        where.append("finding_id = ?")
        params.append(finding_id)
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = _rows(store, sql + " ORDER BY detected_at, id", params)
    for r in rows:
        r["version_ids"] = json.loads(r["version_ids"])
    return rows


def insert_finding_conflict(store: Store, conflict: dict) -> bool:
    row = {c: conflict.get(c) for c in FINDING_CONFLICT_COLUMNS}
    if not isinstance(row["version_ids"], str):
        row["version_ids"] = json.dumps(row["version_ids"])
    with store.transaction():
        return _insert(store, "finding_conflict", row, ignore=True)


def resolve_finding_conflict(
    store: Store, conflict_id: str, *, kept_id: str, reason: str, actor: str, at: str
) -> None:
    with store.transaction():
        store.conn.execute(
            "UPDATE finding_conflict SET kept_id = ?, reason = ?, resolved_by = ?, resolved_at = ? "
            "WHERE id = ? AND resolved_at IS NULL",
            [kept_id, reason, actor, at, conflict_id],
        )


def insert_set_aside(store: Store, row: dict) -> None:
    with store.transaction():
        _insert(store, "finding_set_aside", {c: row.get(c) for c in SET_ASIDE_COLUMNS}, ignore=True)


def sme_names(store: Store) -> list[str]:
    """Names of the SMEs in the pool (read-only; [] before the planner has any)."""
    if not table_exists(store, "sme"):
        return []
    return [
        r[0]
        for r in store.conn.execute(
            "SELECT DISTINCT trim(name) FROM sme WHERE name IS NOT NULL AND trim(name) != '' ORDER BY 1"
        )
    ]


def finding_count(store: Store) -> int:
    return store.conn.execute("SELECT count(*) FROM finding").fetchone()[0]
