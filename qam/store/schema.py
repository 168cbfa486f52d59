"""What a table's owner declares about it: its columns, its key, what stays local.

Every table has exactly one owning module in `qam/store` (`TABLE_OWNERS` below): the module
that holds its DDL (a migration step listed in `qam/store/migrations.py`), its one column
tuple, and every read and write of it. Anything else that needs the table's rows (the
reports, sync) calls the owner; no other module lists the table's columns or queries it.

A sync bundle carries a table's `carried` columns: every column except those the owner names
in `local`, each with the reason it stays in this store. A test compares `columns` with
`PRAGMA table_info` for every table, so a column added by a migration and not declared here
fails the suite instead of silently staying behind on a laptop.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# table -> the module that owns it (docs/schema.md is generated from this and the owners).
TABLE_OWNERS: dict[str, str] = {
    "setting": "qam.store.settings",
    "audit_log": "qam.store.audit",
    "synced_event": "qam.store.audit",
    "question_set": "qam.store.question_sets",
    "register_item": "qam.store.register",
    "status_decision": "qam.store.decisions",
    "decision_origin": "qam.store.decisions",
    "register_conflict": "qam.store.decisions",
    "outcome": "qam.store.outcomes",
    "sme": "qam.store.smes",
    "candidate_review": "qam.store.candidates",
    "inspection": "qam.store.candidates",
    "area_of_interest": "qam.store.candidates",
    "plan_proposal": "qam.store.plans",
    "plan_pin": "qam.store.plans",
    "plan_exclusion": "qam.store.plans",
    "review": "qam.store.programme",
    "review_team": "qam.store.programme",
    "capture_session": "qam.store.sessions",
    "finding": "qam.store.findings",
    "finding_link": "qam.store.findings",
    "finding_conflict": "qam.store.findings",
    "finding_set_aside": "qam.store.findings",
    "purged_record": "qam.store.retention",
}


@dataclass(frozen=True)
class Table:
    """One table as its owner declares it."""

    name: str
    columns: tuple[str, ...]  # every column, in the order the table has them
    key: tuple[str, ...]  # what identifies a row across stores
    local: Mapping[str, str] = field(default_factory=dict)  # column -> why a bundle leaves it

    @property
    def carried(self) -> tuple[str, ...]:
        """The columns a sync bundle carries (all but the local ones)."""
        return tuple(c for c in self.columns if c not in self.local)

    def select(self, columns: tuple[str, ...] | None = None, alias: str | None = None) -> str:
        """A quoted column list for SELECT (`"end"` is a keyword, so every name is quoted)."""
        prefix = f"{alias}." if alias else ""
        return ", ".join(f'{prefix}"{c}"' for c in (columns or self.columns))

    def insert_sql(self, columns: tuple[str, ...] | None = None, verb: str = "INSERT") -> str:
        """`INSERT INTO table (columns) VALUES (?, ...)` for these columns (all by default)."""
        cols = columns or self.columns
        return (
            f'{verb} INTO "{self.name}" ({self.select(cols)}) VALUES ({", ".join("?" * len(cols))})'
        )


def owner_modules() -> list[str]:
    """The owning modules, each once, in the order of TABLE_OWNERS."""
    return list(dict.fromkeys(TABLE_OWNERS.values()))
