"""The store's schema: named, append-only migrations.

Never edit a migration once it has landed on main; add a new one. Each capability keeps its
migrations beside its queries (`qam/store/register.py`, ...), registered on the one
`MIGRATIONS` set, in the import order at the bottom of this file.
"""

from __future__ import annotations

import sqlite_utils

MIGRATIONS = sqlite_utils.Migrations("qam")


@MIGRATIONS(name="m001_core")
def m001_core(db: sqlite_utils.Database) -> None:
    db.execute("CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    # The decision trail: one row an event, each holding the hash of the one before.
    db.execute(
        """
        CREATE TABLE audit_log (
            seq INTEGER PRIMARY KEY,
            event_id TEXT NOT NULL UNIQUE,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            entity TEXT NOT NULL,
            entity_id TEXT NOT NULL,
            action TEXT NOT NULL,
            old TEXT,
            new TEXT,
            reason TEXT,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX audit_log_entity ON audit_log(entity, entity_id)")
    db.execute(
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    )
    db.execute(
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    )
    db.execute(
        """
        CREATE TABLE question_set (
            id TEXT NOT NULL,
            version INTEGER NOT NULL,
            title TEXT NOT NULL,
            framework TEXT NOT NULL,
            scale TEXT NOT NULL,
            digest TEXT NOT NULL,
            body TEXT NOT NULL,
            loaded_at TEXT NOT NULL,
            PRIMARY KEY (id, version)
        )
        """
    )


# Each capability registers its migrations when its module is imported; the order here is
# the order they apply in, so append new modules at the end.
# isort: off
from qam.store import register as _register  # noqa: E402,F401,I001
from qam.store import planner as _planner  # noqa: E402,F401,I001
from qam.store import fieldwork as _fieldwork  # noqa: E402,F401,I001
# isort: on

SCHEMA_VERSION = len(MIGRATIONS._migrations)
