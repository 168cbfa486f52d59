"""The programme: `review` (one QA review of one theme in one unit) and `review_team`.

Reviews are written when a plan is accepted (`write_programme`) or added by hand
(`insert_review`); fieldwork moves a review from planned to in fieldwork. A sync bundle
carries both tables whole (a review reads the same on a laptop as in the programme store).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from qam.store import plans
from qam.store.schema import REFERENCE, Carried, Table

if TYPE_CHECKING:
    from qam.store.db import Store

REVIEW = Table(
    "review",
    (
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
        "proposal_id",
        "accepted_at",
        "follows",
    ),
    key=("id",),
    about={
        "title": "What the review looks at.",
        "unit": "The BCU or department reviewed.",
        "start": "The first day of its window.",
        "end": "The last day of its window.",
        "question_set": "The question set its fieldwork asks.",
        "methods": "The fieldwork methods it will use.",
        "inspection": "The external inspection it prepares for.",
        "status": "Where the review stands (a review starts as planned).",
        "proposal_id": "The accepted plan that scheduled it.",
        "follows": "The earlier review this one follows up.",
    },
)
TEAM = Table("review_team", ("review_id", "sme_id"), key=("review_id", "sme_id"))
# Reviews are the programme's: added where missing, never overwritten; a team comes only with
# a review new here (a laptop never re-staffs the programme's reviews).
BUNDLE = (Carried(REVIEW, REFERENCE), Carried(TEAM, REFERENCE, with_new=("review", "review_id")))


def create(conn: sqlite3.Connection) -> None:
    """m003_planner."""
    conn.execute(
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
    conn.execute(
        "CREATE TABLE review_team (review_id TEXT NOT NULL REFERENCES review(id) ON DELETE CASCADE, "
        "sme_id TEXT NOT NULL, PRIMARY KEY (review_id, sme_id))"
    )


def add_follows(conn: sqlite3.Connection) -> None:
    """m011_evidence: the earlier review a re-review starts from (its baseline), if any."""
    conn.execute("ALTER TABLE review ADD COLUMN follows TEXT")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _teams(store: Store, review_id: str | None = None) -> dict[str, list[str]]:
    sql = "SELECT review_id, sme_id FROM review_team"
    params = []
    if review_id is not None:
        sql += " WHERE review_id = ?"
        params.append(review_id)
    teams: dict[str, list[str]] = {}
    for rid, sme_id in store.conn.execute(sql + " ORDER BY review_id, sme_id", params):
        teams.setdefault(rid, []).append(sme_id)
    return teams


def _decode(rows: list[dict], teams: dict[str, list[str]]) -> list[dict]:
    for row in rows:
        row["methods"] = json.loads(row["methods"] or "[]")
        row["team"] = teams.get(row["id"], [])
    return rows


def reviews(store: Store) -> list[dict]:
    """The programme: every review with `methods` decoded and `team` (SME ids), in start order."""
    rows = store.rows(f'SELECT {REVIEW.select()} FROM review ORDER BY "start", id')
    return _decode(rows, _teams(store))


def review(store: Store, review_id: str) -> dict | None:
    """One review (as `reviews` gives it), or None."""
    rows = store.rows(f"SELECT {REVIEW.select()} FROM review WHERE id = ?", [review_id])
    return _decode(rows, _teams(store, review_id))[0] if rows else None


def team_members(store: Store) -> list[dict]:
    """(review_id, sme_id, name, role, unit) for every team place, names from the SME pool."""
    return store.rows(
        "SELECT t.review_id, t.sme_id, s.name, s.role, s.unit FROM review_team t "
        "LEFT JOIN sme s ON s.id = t.sme_id ORDER BY t.review_id, t.sme_id"
    )


def reviews_assigned_to(store: Store, who: str) -> list[str]:
    """Ids of reviews whose team holds an SME whose id, name or email is `who` (any case)."""
    return [
        r[0]
        for r in store.conn.execute(
            "SELECT DISTINCT t.review_id FROM review_team t LEFT JOIN sme s ON s.id = t.sme_id "
            "WHERE lower(t.sme_id) = lower(?1) OR lower(trim(s.name)) = lower(trim(?1)) "
            "OR lower(trim(s.email)) = lower(trim(?1)) ORDER BY t.review_id",
            [who],
        )
    ]


def review_ends(store: Store) -> list[tuple[str, str]]:
    """(review id, end date) of every review with an end date, oldest end first."""
    return [
        (r[0], r[1])
        for r in store.conn.execute(
            'SELECT id, "end" FROM review WHERE "end" IS NOT NULL AND trim("end") != \'\' ORDER BY "end", id'
        )
    ]


def insert_review(store: Store, review: dict, team: Iterable[str] = ()) -> None:
    """A review made outside the planner (`qam reviews add`, the demo, tests)."""
    row = {c: review.get(c) for c in REVIEW.columns}
    if not isinstance(row["methods"], str):
        row["methods"] = json.dumps(row["methods"] or [])
    with store.transaction():
        store.conn.execute(REVIEW.insert_sql(), [row[c] for c in REVIEW.columns])
        store.conn.executemany(
            TEAM.insert_sql(verb="INSERT OR IGNORE"), [(review["id"], s) for s in team]
        )


def set_status(store: Store, review_id: str, status: str) -> None:
    store.conn.execute("UPDATE review SET status = ? WHERE id = ?", [status, review_id])


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
            _write_review(store, row, proposal_id, now, exists=old is not None)
            changes["updated" if old else "added"].append((old, row) if old else row)
        plans.mark_accepted(store, proposal_id, now)
    return changes


def _write_review(store: Store, row: dict, proposal_id: str, now: str, *, exists: bool) -> None:
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
        row.get("follows"),
    ]
    if exists:
        store.conn.execute(
            'UPDATE review SET title=?, theme=?, unit=?, start=?, "end"=?, days=?, question_set=?, '
            "methods=?, inspection=?, proposal_id=?, accepted_at=?, follows=? WHERE id=?",
            [*values, row["id"]],
        )
        store.conn.execute("DELETE FROM review_team WHERE review_id = ?", [row["id"]])
    else:
        store.conn.execute(
            'INSERT INTO review (title, theme, unit, start, "end", days, question_set, methods, '
            "inspection, proposal_id, accepted_at, follows, id) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [*values, row["id"]],
        )
    store.conn.executemany(TEAM.insert_sql(), [(row["id"], s) for s in row["team"]])
