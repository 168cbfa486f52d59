"""The store's schema: one explicit, ordered list of named, append-only migrations.

Each migration is a list of steps, and each step is a function of the module that owns the
tables it creates (`qam/store/schema.py` names every table's owner), named "module.function"
so that opening an up-to-date store imports none of them. Never edit what a landed migration
does; add a new one at the end. `SCHEMA_VERSION` is the length of the list.

Which migrations a store has had is kept in `_sqlite_migrations`, the bookkeeping table of
sqlite-utils' `Migrations` (set "qam"), which QAM 0.1 used: a store it wrote opens here
without being migrated again, and the table stays readable by `sqlite_utils.Migrations`.
"""

from __future__ import annotations

import importlib
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

MIGRATION_SET = "qam"
BOOKKEEPING = "_sqlite_migrations"


@dataclass(frozen=True)
class Migration:
    name: str
    steps: tuple[str, ...]  # "owner.function" in qam/store, run in this order

    def functions(self) -> list[Callable[[sqlite3.Connection], None]]:
        found = []
        for step in self.steps:
            module, function = step.rsplit(".", 1)
            found.append(getattr(importlib.import_module(f"qam.store.{module}"), function))
        return found


MIGRATIONS: tuple[Migration, ...] = (
    Migration("m001_core", ("settings.create", "audit.create", "question_sets.create")),
    Migration("m002_register", ("register.create", "decisions.create", "outcomes.create")),
    Migration(
        "m003_planner",
        ("smes.create", "candidates.create", "plans.create", "programme.create"),
    ),
    Migration(
        "m004_fieldwork",
        ("sessions.create", "findings.create", "decisions.create_sync", "audit.create_synced"),
    ),
    Migration("m005_fieldwork_conflicts", ("finding_conflicts.create",)),
    Migration("m006_retention", ("retention.create",)),
    Migration("m007_capture_position", ("sessions.add_last_shown",)),
    Migration("m008_plan_exclusion_periods", ("plans.create_exclusion_periods",)),
    Migration("m009_themes", ("themes.create",)),
    Migration("m010_sme_email", ("smes.add_email",)),
    Migration(
        "m011_evidence",
        ("record_audits.create", "moderation.create", "programme.add_follows"),
    ),
    Migration("m012_finding_enablers", ("findings.add_enablers",)),
    Migration("m013_register_sources", ("register.add_sources",)),
    Migration("m014_action_updates", ("action_updates.create",)),
    Migration("m015_trusted_signers", ("keys.create", "audit.start_mark")),
    Migration("m016_answer_index", ("findings.index_answers",)),
)
SCHEMA_VERSION = len(MIGRATIONS)


def _ensure_bookkeeping(conn: sqlite3.Connection) -> None:
    # The DDL sqlite-utils' Migrations.ensure_migrations_table writes, so either can read it.
    conn.execute(
        f'CREATE TABLE IF NOT EXISTS "{BOOKKEEPING}" (\n   "id" INTEGER PRIMARY KEY,\n'
        '   "migration_set" TEXT,\n   "name" TEXT,\n   "applied_at" TEXT\n)'
    )
    conn.execute(
        f'CREATE UNIQUE INDEX IF NOT EXISTS "idx_{BOOKKEEPING}_migration_set_name"\n'
        f'    ON "{BOOKKEEPING}" ("migration_set", "name")'
    )


def applied(conn: sqlite3.Connection) -> list[str]:
    """Names of the migrations this store has had, in the order they were applied."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [BOOKKEEPING]
    ).fetchone()
    if not exists:
        return []
    return [
        r[0]
        for r in conn.execute(
            f'SELECT name FROM "{BOOKKEEPING}" WHERE migration_set = ? ORDER BY rowid',
            [MIGRATION_SET],
        )
    ]


def pending(conn: sqlite3.Connection) -> list[Migration]:
    done = set(applied(conn))
    return [m for m in MIGRATIONS if m.name not in done]


def apply(conn: sqlite3.Connection, *, stop_before: str | None = None) -> list[str]:
    """Apply every pending migration in order, inside the caller's transaction.

    Returns the names applied. `stop_before` (for tests) leaves that migration and the
    ones after it pending, as an older QAM would have.
    """
    _ensure_bookkeeping(conn)
    done = []
    for migration in pending(conn):
        if migration.name == stop_before:
            break
        for step in migration.functions():
            step(conn)
        conn.execute(
            f'INSERT INTO "{BOOKKEEPING}" (migration_set, name, applied_at) VALUES (?, ?, ?)',
            [MIGRATION_SET, migration.name, str(datetime.now(UTC))],
        )
        done.append(migration.name)
    return done
