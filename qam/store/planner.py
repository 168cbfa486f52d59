"""The planner's schema and SQL: the SME pool, candidate reviews, proposals and the programme.

The contract columns of `sme`, `candidate_review`, `inspection`, `area_of_interest`, `review`
and `review_team` are read by other capabilities (fieldwork, reports): never rename them. The
register's `register_item` and `outcome` tables are read here, read-only, on their contract
columns, and may not exist yet (or be empty) when the register capability has not landed.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import sqlite_utils

from qam.store.db import Store
from qam.store.migrations import MIGRATIONS


@MIGRATIONS(name="m003_planner")
def m003_planner(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE sme (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT,
            unit TEXT NOT NULL,
            skills TEXT NOT NULL DEFAULT '[]',
            unavailable TEXT NOT NULL DEFAULT '[]',
            interest_recorded_at TEXT,
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute(
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
    db.execute(
        "CREATE TABLE inspection (id TEXT PRIMARY KEY, title TEXT NOT NULL, kind TEXT NOT NULL, "
        "theme TEXT NOT NULL, expected TEXT NOT NULL)"
    )
    db.execute(
        "CREATE TABLE area_of_interest (id TEXT PRIMARY KEY, title TEXT NOT NULL, theme TEXT NOT NULL, "
        "source TEXT NOT NULL, priority INTEGER NOT NULL, raised TEXT)"
    )
    # The person's steer for the next solve: a review pinned to a start date, an SME left out
    # (of every review when review_id is '').
    db.execute("CREATE TABLE plan_pin (review_id TEXT PRIMARY KEY, start TEXT NOT NULL)")
    db.execute(
        "CREATE TABLE plan_exclusion (sme_id TEXT NOT NULL, review_id TEXT NOT NULL DEFAULT '', "
        "PRIMARY KEY (sme_id, review_id))"
    )
    db.execute(
        """
        CREATE TABLE plan_proposal (
            id TEXT PRIMARY KEY,
            created_at TEXT NOT NULL,
            actor TEXT NOT NULL,
            settings TEXT NOT NULL,
            result TEXT NOT NULL,
            accepted_at TEXT
        )
        """
    )
    db.execute(
        """
        CREATE TABLE review (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            theme TEXT NOT NULL,
            unit TEXT NOT NULL,
            start TEXT NOT NULL,
            "end" TEXT NOT NULL,
            days INTEGER NOT NULL,
            question_set TEXT NOT NULL DEFAULT 'paf-2023',
            methods TEXT NOT NULL DEFAULT '[]',
            inspection TEXT,
            status TEXT NOT NULL DEFAULT 'planned',
            proposal_id TEXT,
            accepted_at TEXT
        )
        """
    )
    db.execute(
        "CREATE TABLE review_team (review_id TEXT NOT NULL REFERENCES review(id) ON DELETE CASCADE, "
        "sme_id TEXT NOT NULL, PRIMARY KEY (review_id, sme_id))"
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _rows(store: Store, sql: str, params=()) -> list[dict]:
    cur = store.conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _table_exists(store: Store, name: str) -> bool:
    return (
        store.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]
        ).fetchone()
        is not None
    )


# --- SMEs -------------------------------------------------------------------------------


def smes(store: Store) -> list[dict]:
    """Every SME, skills and unavailability decoded, in id order."""
    rows = _rows(store, "SELECT * FROM sme ORDER BY id")
    for row in rows:
        row["skills"] = json.loads(row["skills"])
        row["unavailable"] = [tuple(r) for r in json.loads(row["unavailable"])]
    return rows


def sme_ids(store: Store) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT id FROM sme")}


def upsert_smes(store: Store, rows: list[dict], *, interest: bool = False) -> tuple[int, int]:
    """Insert or update SMEs by id in one transaction; returns (added, updated)."""
    added = updated = 0
    now = _now()
    with store.transaction():
        existing = sme_ids(store)
        for row in rows:
            values = [
                row["name"],
                row.get("role"),
                row["unit"],
                json.dumps(list(row["skills"])),
                json.dumps([list(r) for r in row["unavailable"]]),
                now,
            ]
            if row["id"] in existing:
                store.conn.execute(
                    "UPDATE sme SET name=?, role=?, unit=?, skills=?, unavailable=?, updated_at=? "
                    "WHERE id=?",
                    [*values, row["id"]],
                )
                updated += 1
            else:
                store.conn.execute(
                    "INSERT INTO sme (name, role, unit, skills, unavailable, updated_at, "
                    "interest_recorded_at, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [*values, now if interest else None, row["id"]],
                )
                added += 1
    return added, updated


# --- candidates, inspections, AOIs ----------------------------------------------------------

_CANDIDATE_COLUMNS = (
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
)


def candidates(store: Store, origin: str | None = None) -> list[dict]:
    """Candidate reviews (optionally of one origin), methods decoded, in id order."""
    sql = "SELECT * FROM candidate_review"
    params: list = []
    if origin:
        sql += " WHERE origin = ?"
        params.append(origin)
    rows = _rows(store, sql + " ORDER BY id", params)
    for row in rows:
        row["methods"] = json.loads(row["methods"])
    return rows


def candidate_ids(store: Store) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT id FROM candidate_review")}


def upsert_candidates(store: Store, rows: list[dict]) -> tuple[int, int]:
    """Insert or update candidate reviews by id in one transaction; returns (added, updated)."""
    added = updated = 0
    now = _now()
    with store.transaction():
        existing = candidate_ids(store)
        for row in rows:
            values = {c: row.get(c) for c in _CANDIDATE_COLUMNS}
            values["methods"] = json.dumps(list(row.get("methods") or []))
            values["updated_at"] = now
            cols = list(values)
            if row["id"] in existing:
                sets = ", ".join(f"{c} = ?" for c in cols if c != "id")
                store.conn.execute(
                    f"UPDATE candidate_review SET {sets} WHERE id = ?",
                    [values[c] for c in cols if c != "id"] + [row["id"]],
                )
                updated += 1
            else:
                store.conn.execute(
                    f"INSERT INTO candidate_review ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                    [values[c] for c in cols],
                )
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
    return _rows(store, "SELECT * FROM inspection ORDER BY expected, id")


def areas_of_interest(store: Store) -> list[dict]:
    return _rows(store, "SELECT * FROM area_of_interest ORDER BY id")


def upsert_inspections(store: Store, rows: list[dict]) -> None:
    with store.transaction():
        for row in rows:
            store.db["inspection"].upsert(row, pk="id")


def upsert_areas_of_interest(store: Store, rows: list[dict]) -> None:
    with store.transaction():
        for row in rows:
            store.db["area_of_interest"].upsert(row, pk="id")


def outstanding_high_risk_items(store: Store, statuses: tuple[str, ...]) -> list[dict]:
    """Outstanding register items of high risk that name a theme ([] before the register lands)."""
    if not _table_exists(store, "register_item"):
        return []
    marks = ", ".join("?" * len(statuses))
    return _rows(
        store,
        f"SELECT ref, theme, status, risk, due FROM register_item WHERE status IN ({marks}) "
        "AND lower(trim(coalesce(risk, ''))) = 'high' AND theme IS NOT NULL AND theme != '' ORDER BY ref",
        statuses,
    )


def latest_outcomes(store: Store, force: str) -> list[dict]:
    """The home force's most recent grade for each area ([] when there are none)."""
    if not force or not _table_exists(store, "outcome"):
        return []
    rows = _rows(
        store,
        "SELECT area, grade, report_title, published FROM outcome "
        "WHERE lower(force) = lower(?) ORDER BY published",
        [force],
    )
    latest: dict[str, dict] = {}
    for row in rows:
        latest[row["area"]] = row  # later publications overwrite earlier ones
    return list(latest.values())


# --- pins and exclusions -------------------------------------------------------------------


def pins(store: Store) -> dict[str, str]:
    return dict(store.conn.execute("SELECT review_id, start FROM plan_pin ORDER BY review_id"))


def set_pin(store: Store, review_id: str, start: str | None) -> None:
    with store.transaction():
        store.conn.execute("DELETE FROM plan_pin WHERE review_id = ?", [review_id])
        if start:
            store.conn.execute("INSERT INTO plan_pin VALUES (?, ?)", [review_id, start])


def exclusions(store: Store) -> list[tuple[str, str]]:
    """(sme_id, review_id) pairs; review_id '' means every review."""
    return [
        tuple(r)
        for r in store.conn.execute(
            "SELECT sme_id, review_id FROM plan_exclusion ORDER BY sme_id, review_id"
        )
    ]


def set_exclusion(store: Store, sme_id: str, review_id: str, excluded: bool = True) -> None:
    with store.transaction():
        store.conn.execute(
            "DELETE FROM plan_exclusion WHERE sme_id = ? AND review_id = ?", [sme_id, review_id]
        )
        if excluded:
            store.conn.execute("INSERT INTO plan_exclusion VALUES (?, ?)", [sme_id, review_id])


# --- proposals and the programme -----------------------------------------------------------


def save_proposal(store: Store, *, actor: str, settings: dict, result: dict) -> str:
    proposal_id = str(uuid.uuid4())
    with store.transaction():
        store.conn.execute(
            "INSERT INTO plan_proposal (id, created_at, actor, settings, result) VALUES (?, ?, ?, ?, ?)",
            [proposal_id, _now(), actor, json.dumps(settings, sort_keys=True), json.dumps(result)],
        )
    return proposal_id


def latest_proposal(store: Store) -> dict | None:
    rows = _rows(store, "SELECT * FROM plan_proposal ORDER BY rowid DESC LIMIT 1")
    if not rows:
        return None
    row = rows[0]
    row["settings"] = json.loads(row["settings"])
    row["result"] = json.loads(row["result"])
    return row


def reviews(store: Store) -> list[dict]:
    """The programme: every review with its team (a list of SME ids), in start order."""
    rows = _rows(store, "SELECT * FROM review ORDER BY start, id")
    teams: dict[str, list[str]] = {}
    for review_id, sme_id in store.conn.execute(
        "SELECT review_id, sme_id FROM review_team ORDER BY review_id, sme_id"
    ):
        teams.setdefault(review_id, []).append(sme_id)
    for row in rows:
        row["methods"] = json.loads(row["methods"])
        row["team"] = teams.get(row["id"], [])
    return rows


def write_programme(store: Store, proposal_id: str, rows: list[dict]) -> dict:
    """Replace the planned part of the programme with `rows` (one transaction, caller's).

    Reviews already in fieldwork or reported are never touched. Returns what changed:
    {"added": [...], "updated": [...], "removed": [...], "kept": [...]}.
    """
    now = _now()
    changes: dict[str, list] = {"added": [], "updated": [], "removed": [], "kept": []}
    with store.transaction():
        current = {r["id"]: r for r in reviews(store)}
        incoming = {r["id"] for r in rows}
        for rid, row in current.items():
            if row["status"] == "planned" and rid not in incoming:
                store.conn.execute("DELETE FROM review_team WHERE review_id = ?", [rid])
                store.conn.execute("DELETE FROM review WHERE id = ?", [rid])
                changes["removed"].append(row)
        for row in rows:
            old = current.get(row["id"])
            if old and old["status"] != "planned":
                changes["kept"].append(old)
                continue
            values = [
                row["title"],
                row["theme"],
                row["unit"],
                row["start"],
                row["end"],
                row["days"],
                row.get("question_set") or "paf-2023",
                json.dumps(row.get("methods") or []),
                row.get("inspection"),
                proposal_id,
                now,
            ]
            if old:
                store.conn.execute(
                    'UPDATE review SET title=?, theme=?, unit=?, start=?, "end"=?, days=?, question_set=?, '
                    "methods=?, inspection=?, proposal_id=?, accepted_at=? WHERE id=?",
                    [*values, row["id"]],
                )
                store.conn.execute("DELETE FROM review_team WHERE review_id = ?", [row["id"]])
                changes["updated"].append((old, row))
            else:
                store.conn.execute(
                    'INSERT INTO review (title, theme, unit, start, "end", days, question_set, methods, '
                    "inspection, proposal_id, accepted_at, id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    [*values, row["id"]],
                )
                changes["added"].append(row)
            for sme_id in row["team"]:
                store.conn.execute("INSERT INTO review_team VALUES (?, ?)", [row["id"], sme_id])
        store.conn.execute(
            "UPDATE plan_proposal SET accepted_at = ? WHERE id = ?", [now, proposal_id]
        )
    return changes
