"""Moderated grades: `second_grade` (a second reviewer's blind grade of a finding) and
`grade_moderation` (the grade a moderator settles on, and why).

A finding is never changed in place, so neither grade touches it: each is a row of its own,
inserted once (a grader who grades again, or a moderator who moderates again, adds a row; the
latest stands). `moderated_grade_sql` is how every reader of findings that reports a grade
(the readiness report, the review report, the good practice library) uses the moderated grade
where there is one: the owner of these rows hands out the SQL, so no reader lists its columns.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING

from qam.store.db import chunks
from qam.store.schema import IMMUTABLE, Carried, Table

if TYPE_CHECKING:
    from qam.store.db import Store

SECOND = Table("second_grade", ("id", "finding_id", "grade", "grader", "graded_at"), key=("id",))
MODERATION = Table(
    "grade_moderation",
    (
        "id",
        "finding_id",
        "grade",
        "first_grade",
        "second_grade",
        "reason",
        "moderator",
        "moderated_at",
    ),
    key=("id",),
)
# Inserted once: the same id with other content refuses the bundle.
BUNDLE = (Carried(SECOND, IMMUTABLE), Carried(MODERATION, IMMUTABLE))


def create(conn: sqlite3.Connection) -> None:
    """m011_evidence: second grades and moderations, insert-only."""
    conn.execute(
        """CREATE TABLE second_grade (
            id TEXT PRIMARY KEY, finding_id TEXT NOT NULL REFERENCES finding(id),
            grade TEXT NOT NULL, grader TEXT NOT NULL, graded_at TEXT NOT NULL)"""
    )
    conn.execute("CREATE INDEX second_grade_finding ON second_grade(finding_id, graded_at)")
    conn.execute(
        """CREATE TABLE grade_moderation (
            id TEXT PRIMARY KEY, finding_id TEXT NOT NULL REFERENCES finding(id),
            grade TEXT NOT NULL, first_grade TEXT, second_grade TEXT, reason TEXT NOT NULL,
            moderator TEXT NOT NULL, moderated_at TEXT NOT NULL)"""
    )
    conn.execute(
        "CREATE INDEX grade_moderation_finding ON grade_moderation(finding_id, moderated_at)"
    )
    for table in ("second_grade", "grade_moderation"):
        conn.execute(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} BEGIN SELECT "
            f"RAISE(ABORT, 'a {table.replace('_', ' ')} is never changed; record a new one'); END"
        )
        conn.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} BEGIN SELECT "
            f"RAISE(ABORT, 'a {table.replace('_', ' ')} is never deleted'); END"
        )


def moderated_grade_sql(alias: str = "finding") -> str:
    """SQL: a finding's latest moderated grade, or NULL when it was never moderated."""
    return (
        f"(SELECT m.grade FROM grade_moderation m WHERE m.finding_id = {alias}.id "
        "ORDER BY m.moderated_at DESC, m.id DESC LIMIT 1)"
    )


def reported_grade_sql(alias: str = "finding") -> str:
    """SQL: the grade a finding reports: its moderated grade where there is one, else its own."""
    return f"coalesce({moderated_grade_sql(alias)}, {alias}.grade)"


def is_moderated_sql(alias: str = "finding") -> str:
    """SQL: true when the finding's grade was moderated."""
    return f"EXISTS (SELECT 1 FROM grade_moderation m WHERE m.finding_id = {alias}.id)"


def insert_second_grade(store: Store, row: dict) -> None:
    with store.transaction():
        store.conn.execute(SECOND.insert_sql(), [row[c] for c in SECOND.columns])


def insert_moderation(store: Store, row: dict) -> None:
    with store.transaction():
        store.conn.execute(MODERATION.insert_sql(), [row.get(c) for c in MODERATION.columns])


def _latest(store: Store, table: Table, when: str, ids: Iterable[str]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for chunk, marks in chunks(sorted(set(ids))):
        for row in store.rows(
            f"SELECT {table.select()} FROM {table.name} WHERE finding_id IN ({marks}) "
            f"ORDER BY {when}, id",
            chunk,
        ):
            found[row["finding_id"]] = row  # later rows overwrite earlier ones
    return found


def second_grades(store: Store, finding_ids: Iterable[str]) -> dict[str, dict]:
    """finding id -> its latest second grade, for those of `finding_ids` that have one."""
    return _latest(store, SECOND, "graded_at", finding_ids)


def moderations(store: Store, finding_ids: Iterable[str]) -> dict[str, dict]:
    """finding id -> its latest moderation, for those of `finding_ids` that have one."""
    return _latest(store, MODERATION, "moderated_at", finding_ids)
