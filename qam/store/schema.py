"""What a table's owner declares about it: its columns, its key, what stays local.

Every table has exactly one owning module in `qam/store` (`TABLE_OWNERS` below; an owner
grown too long for one file is a package, its modules sharing the work): the module that
holds its DDL (a migration step listed in `qam/store/migrations.py`), its one column
tuple, and every read and write of it. Anything else that needs the table's rows (the
reports, sync) calls the owner; no other module lists the table's columns or queries it.

A sync bundle carries a table's `carried` columns: every column except those the owner names
in `local`, each with the reason it stays in this store. A test compares `columns` with
`PRAGMA table_info` for every table, so a column added by a migration and not declared here
fails the suite instead of silently staying behind on a laptop.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qam.store.db import Store

# table -> the module that owns it (docs/schema.md is generated from this and the owners).
TABLE_OWNERS: dict[str, str] = {
    "setting": "qam.store.settings",
    "audit_log": "qam.store.audit",
    "synced_event": "qam.store.audit",
    "question_set": "qam.store.question_sets",
    "register_item": "qam.store.register",
    "action_update": "qam.store.action_updates",
    "status_decision": "qam.store.decisions",
    "decision_origin": "qam.store.decisions",
    "register_conflict": "qam.store.decisions",
    "outcome": "qam.store.outcomes",
    "sme": "qam.store.smes",
    "theme": "qam.store.themes",
    "candidate_review": "qam.store.candidates",
    "inspection": "qam.store.candidates",
    "area_of_interest": "qam.store.candidates",
    "plan_proposal": "qam.store.plans",
    "plan_pin": "qam.store.plans",
    "plan_exclusion": "qam.store.plans",
    "plan_exclusion_period": "qam.store.plans",
    "review": "qam.store.programme",
    "review_team": "qam.store.programme",
    "capture_session": "qam.store.sessions",
    "finding": "qam.store.findings",
    "finding_link": "qam.store.findings",
    "finding_conflict": "qam.store.finding_conflicts",
    "finding_set_aside": "qam.store.finding_conflicts",
    "purged_record": "qam.store.retention",
    "record_sample": "qam.store.record_audits",
    "record_check": "qam.store.record_audits",
    "record_audit_finding": "qam.store.record_audits",
    "second_grade": "qam.store.moderation",
    "grade_moderation": "qam.store.moderation",
    "trusted_signer": "qam.store.keys",
}


@dataclass(frozen=True)
class Table:
    """One table as its owner declares it."""

    name: str
    columns: tuple[str, ...]  # every column, in the order the table has them
    key: tuple[str, ...]  # what identifies a row across stores
    local: Mapping[str, str] = field(default_factory=dict)  # column -> why a bundle leaves it
    # column -> what it holds, in the force's words (docs/schema.md and `qam serve` show it)
    about: Mapping[str, str] = field(default_factory=dict)

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


# ----------------------------------------------------------------------------- sync rules

# How a carried table's rows merge into a store that may hold some of them already.
IMMUTABLE = "immutable"  # inserted once; the same key with other content refuses the bundle
REFERENCE = "reference"  # added when missing, never overwritten, never a conflict


@dataclass(frozen=True)
class Arrival:
    """What a merge tells an owner's hook about the rows it has just added."""

    staged: str  # the temporary table holding the bundle's rows of this table
    before_rowid: int  # the rows added here are those with a rowid above this
    origin: str  # the store the bundle came from


@dataclass(frozen=True)
class Carried:
    """How a sync bundle carries one table, as its owner declares it.

    `extra` are columns a bundle carries that the table does not have (name, the SQL that
    exports it); `fill` gives local columns a value on arrival (name, SQL); `forward` are
    columns another store may fill in later, once (the first decides: NULL here and set there
    copies them all); `purged_as` skips rows of records purged under retention
    (record_table, the column holding its id); `with_new` takes rows only for parents new
    here (parent table, the column naming it); `export_where` limits what is exported.
    """

    table: Table
    rule: str
    compare: tuple[str, ...] | None = None
    forward: tuple[str, ...] = ()
    purged_as: tuple[str, str] | None = None
    with_new: tuple[str, str] | None = None
    export_where: str | None = None
    extra: tuple[tuple[str, str], ...] = ()
    fill: tuple[tuple[str, str], ...] = ()
    after_insert: Callable[[Store, Arrival], None] | None = None

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def columns(self) -> tuple[str, ...]:
        """What a bundle carries: the table's carried columns, then the extra ones."""
        return self.table.carried + tuple(name for name, _ in self.extra)

    @property
    def compared(self) -> tuple[str, ...]:
        """For an immutable table: the columns that must agree when a key is here already."""
        return self.compare or tuple(c for c in self.table.carried if c not in self.forward)


def owner_modules() -> list[str]:
    """The owning modules, each once, in the order of TABLE_OWNERS."""
    return list(dict.fromkeys(TABLE_OWNERS.values()))


def owner_path(module_name: str) -> str:
    """Where an owner's code is in the checkout: `qam/store/NAME.py`, or the folder
    `qam/store/NAME/` of an owner grown into a package (its modules are all the owner's)."""
    spec = importlib.util.find_spec(module_name)
    path = module_name.replace(".", "/")
    return f"{path}/" if spec and spec.submodule_search_locations is not None else f"{path}.py"
