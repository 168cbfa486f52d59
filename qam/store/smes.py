"""The SME pool: `sme`, the subject-matter experts who volunteered to join reviews.

A sync bundle carries the SMEs on review teams, and only who they are (id, name, role, unit,
email): enough for a reviewer to be recognised on a laptop by id, name or email, nothing
about their skills or availability.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from qam.store.schema import REFERENCE, Carried, Table

if TYPE_CHECKING:
    from qam.store.db import Store

SME = Table(
    "sme",
    (
        "id",
        "name",
        "role",
        "unit",
        "skills",
        "unavailable",
        "interest_recorded_at",
        "updated_at",
        "email",
    ),
    key=("id",),
    about={
        "id": "The SME's id, as HR's sheet gives it.",
        "name": "The volunteer's name.",
        "role": "Their rank or role.",
        "unit": "Their own BCU or department (they never review it).",
        "skills": "The themes they can review.",
        "unavailable": "Dates they cannot give (leave, courses).",
        "email": "Where calendar invitations go.",
    },
    local={
        "skills": "what an SME can review is for planning, in the programme store only",
        "unavailable": "leave and courses are personal; a laptop needs none of it",
        "interest_recorded_at": "when they volunteered is the programme's record",
        "updated_at": "when this store last changed the row (set on arrival)",
    },
)
# Only the SMEs on review teams travel, so a reviewer is recognised on a laptop as at home.
BUNDLE = (
    Carried(
        SME,
        REFERENCE,
        export_where="id IN (SELECT sme_id FROM review_team)",
        fill=(("updated_at", "strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')"),),
    ),
)


def create(conn: sqlite3.Connection) -> None:
    """m003_planner."""
    conn.execute(
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


def add_email(conn: sqlite3.Connection) -> None:
    """m010_sme_email: an SME's email address, for calendar invitations (optional)."""
    conn.execute("ALTER TABLE sme ADD COLUMN email TEXT")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def smes(store: Store) -> list[dict]:
    """Every SME, skills and unavailability decoded, in id order."""
    rows = store.rows(f"SELECT {SME.select()} FROM sme ORDER BY id")
    for row in rows:
        row["skills"] = json.loads(row["skills"])
        row["unavailable"] = [tuple(r) for r in json.loads(row["unavailable"])]
    return rows


def sme_ids(store: Store) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT id FROM sme")}


def sme_names(store: Store) -> list[str]:
    """Names of the SMEs in the pool, each once (to spot a name typed into a note)."""
    return [
        r[0]
        for r in store.conn.execute(
            "SELECT DISTINCT trim(name) FROM sme WHERE name IS NOT NULL AND trim(name) != '' ORDER BY 1"
        )
    ]


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
                row.get("email"),
                now,
            ]
            if row["id"] in existing:
                store.conn.execute(
                    "UPDATE sme SET name=?, role=?, unit=?, skills=?, unavailable=?, email=?, "
                    "updated_at=? WHERE id=?",
                    [*values, row["id"]],
                )
                updated += 1
            else:
                store.conn.execute(
                    "INSERT INTO sme (name, role, unit, skills, unavailable, email, updated_at, "
                    "interest_recorded_at, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [*values, now if interest else None, row["id"]],
                )
                added += 1
    return added, updated
