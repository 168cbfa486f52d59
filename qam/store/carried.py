"""The tables a sync bundle carries, in the order they are merged, and reading them out.

Each table's owner declares how a bundle carries it (a `Carried` beside its `Table`, in its
`BUNDLE`); `CARRIED` lists them in merge order, what others refer to first, and `TRAIL` the
decision trail that follows them. Staging a bundle is `qam.store.staging`, merging it
`qam.store.merge`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from qam.store import (
    action_updates,
    audit,
    decisions,
    finding_conflicts,
    findings,
    moderation,
    programme,
    question_sets,
    record_audits,
    register,
    retention,
    sessions,
    smes,
    themes,
)
from qam.store.schema import Carried

if TYPE_CHECKING:
    from qam.store.db import Store

# The order rows are merged in: a row's parent (a review, a session, a finding) comes first.
CARRIED: tuple[Carried, ...] = (
    *question_sets.BUNDLE,
    *themes.BUNDLE,
    *smes.BUNDLE,
    *programme.BUNDLE,
    *register.BUNDLE,
    *action_updates.BUNDLE,
    *sessions.BUNDLE,
    *findings.BUNDLE,
    *finding_conflicts.BUNDLE,
    *moderation.BUNDLE,
    *record_audits.BUNDLE,
    *decisions.BUNDLE,
    *retention.BUNDLE,
)
TRAIL: tuple[Carried, ...] = audit.BUNDLE
BY_NAME: dict[str, Carried] = {c.name: c for c in (*CARRIED, *TRAIL)}
TRAIL_NAMES = frozenset(c.name for c in TRAIL)


# What `qam init` puts into every store: a store holding nothing else is new (`holds_work`).
MADE_BY_INIT = ("question_set", "theme")


def holds_work(store: Store) -> bool:
    """True if any carried table holds rows other than what `qam init` loads."""
    return any(
        store.conn.execute(f'SELECT EXISTS (SELECT 1 FROM main."{c.name}")').fetchone()[0]
        for c in CARRIED
        if c.name not in MADE_BY_INIT
    )


def quoted(columns: Iterable[str], alias: str = "") -> str:
    """SQL: the columns, quoted, comma-separated (each `alias.` prefixed when given)."""
    prefix = f"{alias}." if alias else ""
    return ", ".join(f'{prefix}"{c}"' for c in columns)


# ----------------------------------------------------------------------------- export


def _export_from(carried: Carried) -> str:
    sql = f'FROM main."{carried.name}"'
    return sql + (f" WHERE {carried.export_where}" if carried.export_where else "")


def export_count(store: Store, carried: Carried) -> int:
    return store.conn.execute(f"SELECT count(*) {_export_from(carried)}").fetchone()[0]


def export_rows(store: Store, carried: Carried) -> Iterator[tuple]:
    """The rows a bundle carries of one table, in the order they were added, as a cursor."""
    values = [quoted(carried.table.carried)] + [f'{sql} AS "{name}"' for name, sql in carried.extra]
    return store.conn.execute(f"SELECT {', '.join(values)} {_export_from(carried)} ORDER BY rowid")
