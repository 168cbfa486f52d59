"""The planner's working tables: `plan_proposal` (each solve's result, and whether it was
accepted), `plan_pin` (a review held to a start date), `plan_exclusion` (an SME left out of
every review or one) and `plan_exclusion_period` (an SME left out for some dates)."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from qam.store.schema import Table

if TYPE_CHECKING:
    from qam.store.db import Store

PROPOSAL = Table(
    "plan_proposal",
    ("id", "created_at", "actor", "settings", "result", "accepted_at"),
    key=("id",),
)
PIN = Table("plan_pin", ("review_id", "start"), key=("review_id",))
EXCLUSION = Table("plan_exclusion", ("sme_id", "review_id"), key=("sme_id", "review_id"))
# An SME kept out for some dates only (a course, leave): unavailable on those days.
EXCLUSION_PERIOD = Table(
    "plan_exclusion_period",
    ("sme_id", "first_day", "last_day"),
    key=("sme_id", "first_day", "last_day"),
)


def create(conn: sqlite3.Connection) -> None:
    """m003_planner."""
    # The person's steer for the next solve: a review pinned to a start date, an SME left out
    # (of every review when review_id is '').
    conn.execute("CREATE TABLE plan_pin (review_id TEXT PRIMARY KEY, start TEXT NOT NULL)")
    conn.execute(
        "CREATE TABLE plan_exclusion (sme_id TEXT NOT NULL, review_id TEXT NOT NULL DEFAULT '', "
        "PRIMARY KEY (sme_id, review_id))"
    )
    conn.execute(
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


def create_exclusion_periods(conn: sqlite3.Connection) -> None:
    """m008_plan_exclusion_periods."""
    conn.execute(
        "CREATE TABLE plan_exclusion_period (sme_id TEXT NOT NULL, first_day TEXT NOT NULL, "
        "last_day TEXT NOT NULL, PRIMARY KEY (sme_id, first_day, last_day))"
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --- pins and exclusions -------------------------------------------------------------------


def pins(store: Store) -> dict[str, str]:
    return dict(store.conn.execute("SELECT review_id, start FROM plan_pin ORDER BY review_id"))


def set_pin(store: Store, review_id: str, start: str | None) -> None:
    with store.transaction():
        store.conn.execute("DELETE FROM plan_pin WHERE review_id = ?", [review_id])
        if start:
            store.conn.execute(PIN.insert_sql(), [review_id, start])


def exclusions(store: Store) -> list[tuple[str, str]]:
    """(sme_id, review_id) pairs; review_id '' means every review."""
    return [
        (r[0], r[1])
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
            store.conn.execute(EXCLUSION.insert_sql(), [sme_id, review_id])


def exclusion_periods(store: Store) -> list[tuple[str, str, str]]:
    """(sme_id, first day, last day) of every dated exclusion, ISO dates, in order."""
    return [
        (r[0], r[1], r[2])
        for r in store.conn.execute(
            "SELECT sme_id, first_day, last_day FROM plan_exclusion_period "
            "ORDER BY sme_id, first_day, last_day"
        )
    ]


def set_exclusion_period(
    store: Store, sme_id: str, first_day: str, last_day: str, excluded: bool = True
) -> bool:
    """Add (or with `excluded=False` remove) one dated exclusion; True if anything changed."""
    with store.transaction():
        gone = store.conn.execute(
            "DELETE FROM plan_exclusion_period WHERE sme_id = ? AND first_day = ? AND last_day = ?",
            [sme_id, first_day, last_day],
        ).rowcount
        if excluded:
            store.conn.execute(EXCLUSION_PERIOD.insert_sql(), [sme_id, first_day, last_day])
    return excluded or bool(gone)


def clear_exclusion_periods(store: Store) -> None:
    with store.transaction():
        store.conn.execute("DELETE FROM plan_exclusion_period")


# --- proposals -----------------------------------------------------------------------------


def save_proposal(store: Store, *, actor: str, settings: dict, result: dict) -> str:
    proposal_id = str(uuid.uuid4())
    with store.transaction():
        store.conn.execute(
            PROPOSAL.insert_sql(),
            [
                proposal_id,
                _now(),
                actor,
                json.dumps(settings, sort_keys=True),
                json.dumps(result),
                None,
            ],
        )
    return proposal_id


def latest_proposal(store: Store) -> dict | None:
    rows = store.rows(f"SELECT {PROPOSAL.select()} FROM plan_proposal ORDER BY rowid DESC LIMIT 1")
    if not rows:
        return None
    row = rows[0]
    row["settings"] = json.loads(row["settings"])
    row["result"] = json.loads(row["result"])
    return row


def mark_accepted(store: Store, proposal_id: str, at: str) -> None:
    store.conn.execute("UPDATE plan_proposal SET accepted_at = ? WHERE id = ?", [at, proposal_id])
