"""The `finding` and `finding_link` tables: their columns, the DDL of the migration steps
that make them (`findings.create`, `findings.add_enablers`) and the locks that refuse to
change or delete a finding."""

from __future__ import annotations

import sqlite3

from qam.store.schema import Table

FINDING = Table(
    "finding",
    (
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
        "enablers",
    ),
    key=("id",),
    about={
        "session_id": "The capture session (interview, focus group, observation...) it came from.",
        "review_id": "The review it belongs to.",
        "question_set": "The question set asked (its version beside it).",
        "question_id": "The question of the question set it answers.",
        "method": "How the evidence was gathered.",
        "notes": "What the evidence shows, in the reviewer's words (people by role, never "
        "by name).",
        "grade": "The reviewer's judgement on the PEEL scale (a moderated grade may replace it).",
        "good_practice": "1 when it is good practice worth sharing.",
        "concerns": "Anything the reviewer flagged for the review lead.",
        "sources": "How many independent sources support it.",
        "participant_role": "Who gave the evidence, by role.",
        "participant_unit": "Their unit.",
        "reviewer": "Who recorded it.",
        "supersedes": "The finding this one corrects (a correction is a new finding).",
        "responses": "For a survey: how many answered.",
        "grade_counts": "For a survey: how many gave each grade.",
        "enablers": "The enablers it speaks to (leadership, partnership, culture, technology).",
    },
)
LINK = Table("finding_link", ("finding_id", "item_ref"), key=("finding_id", "item_ref"))

_NO_UPDATE = (
    "SELECT RAISE(ABORT, 'a finding is never changed in place; record a correction with "
    "qam findings correct'); END"
)


def guards(not_purging: str) -> dict[str, str]:
    """The findings' locks as m006_retention made them, open only while a purge runs
    (`qam.store.guards` puts them back if dropped)."""
    return {
        "finding_no_update": f"CREATE TRIGGER finding_no_update BEFORE UPDATE ON finding WHEN "
        f"{not_purging} BEGIN SELECT RAISE(ABORT, 'a finding is never changed in place; "
        "record a correction with qam findings correct'); END",
        "finding_no_delete": f"CREATE TRIGGER finding_no_delete BEFORE DELETE ON finding WHEN "
        f"{not_purging} BEGIN SELECT RAISE(ABORT, 'a finding is never deleted; record a "
        "correction with qam findings correct'); END",
    }


def create(conn: sqlite3.Connection) -> None:
    """m004_fieldwork: findings, their links, the locks, the search index."""
    conn.execute(
        """CREATE TABLE finding (
            id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES capture_session(id),
            review_id TEXT NOT NULL, question_set TEXT NOT NULL,
            question_set_version INTEGER NOT NULL, question_id TEXT NOT NULL,
            method TEXT NOT NULL, notes TEXT NOT NULL DEFAULT '', grade TEXT,
            good_practice INTEGER NOT NULL DEFAULT 0, concerns TEXT, sources INTEGER,
            participant_role TEXT, participant_unit TEXT, reviewer TEXT NOT NULL,
            created_at TEXT NOT NULL, supersedes TEXT, responses INTEGER, grade_counts TEXT)"""
    )
    conn.execute("CREATE INDEX finding_session ON finding(session_id)")
    conn.execute("CREATE INDEX finding_review ON finding(review_id)")
    conn.execute("CREATE INDEX finding_supersedes ON finding(supersedes)")
    conn.execute(f"CREATE TRIGGER finding_no_update BEFORE UPDATE ON finding BEGIN {_NO_UPDATE}")
    conn.execute(
        "CREATE TRIGGER finding_no_delete BEFORE DELETE ON finding BEGIN SELECT RAISE(ABORT, "
        "'a finding is never deleted; record a correction with qam findings correct'); END"
    )
    conn.execute(
        "CREATE TABLE finding_link (finding_id TEXT NOT NULL REFERENCES finding(id), "
        "item_ref TEXT NOT NULL, PRIMARY KEY (finding_id, item_ref))"
    )
    # The DDL sqlite-utils' enable_fts wrote when QAM 0.1 made this migration, unchanged.
    conn.execute(
        'CREATE VIRTUAL TABLE "finding_fts" USING FTS5 (\n    "notes", "concerns",'
        "\n    tokenize='porter',\n    content=\"finding\"\n)"
    )


def add_enablers(conn: sqlite3.Connection) -> None:
    """m012_finding_enablers: the enablers a finding speaks to, a JSON list of slugs in the
    vocabulary's order. NULL on a finding saved before QAM recorded them: readers take its
    question's enablers (a finding is never changed in place, so none is back-filled)."""
    conn.execute("ALTER TABLE finding ADD COLUMN enablers TEXT")


def index_answers(conn: sqlite3.Connection) -> None:
    """m016_answer_index: a session's findings indexed by question too, so the answer a new
    one supersedes is one lookup however long the session (the index still serves every
    lookup by session alone)."""
    conn.execute("DROP INDEX finding_session")
    conn.execute(
        "CREATE INDEX finding_session_question ON finding(session_id, question_id, created_at)"
    )


def lock_unless_purging(conn: sqlite3.Connection, not_purging: str) -> None:
    """m006_retention: the findings' locks open only while a retention purge runs."""
    for name, ddl in guards(not_purging).items():
        conn.execute(f"DROP TRIGGER {name}")
        conn.execute(ddl)
