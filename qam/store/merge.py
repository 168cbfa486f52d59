"""The store's side of sync: reading and adding rows of the tables a bundle carries.

Which tables a bundle carries, in merge order, and on which columns, comes from their owners
(`Table.carried`); nothing here lists a table's columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qam.store import (
    decisions,
    findings,
    programme,
    question_sets,
    register,
    retention,
    sessions,
    settings,
)
from qam.store.schema import Table

if TYPE_CHECKING:
    from qam.store.db import Store

# The order rows are merged in: what others refer to comes first.
CARRIED: tuple[Table, ...] = (
    question_sets.QUESTION_SET,
    programme.REVIEW,
    programme.TEAM,
    register.ITEM,
    sessions.SESSION,
    findings.FINDING,
    findings.LINK,
    decisions.DECISION,
    decisions.CONFLICT,
    findings.CONFLICT,
    findings.SET_ASIDE,
    # Records purged under retention: the importer purges its own copies and skips them.
    retention.PURGED,
)
BY_NAME = {t.name: t for t in CARRIED}


def table_rows(store: Store, table: Table) -> list[dict]:
    """Every row of one carried table, on its carried columns, in the order they were added."""
    if table is decisions.DECISION:
        here = settings.store_id(store)
        origins = decisions.origins(store)
        rows = store.rows(
            f"SELECT {table.select(table.carried)} FROM status_decision ORDER BY rowid"
        )
        return [{**r, "origin": origins.get(r["id"], here)} for r in rows]
    return store.rows(f'SELECT {table.select(table.carried)} FROM "{table.name}" ORDER BY rowid')


def row_by_key(store: Store, table: Table, row: dict) -> dict | None:
    """This store's row with the same key as `row`, on the carried columns, or None."""
    where = " AND ".join(f'"{k}" = ?' for k in table.key)
    rows = store.rows(
        f'SELECT {table.select(table.carried)} FROM "{table.name}" WHERE {where}',
        [row[k] for k in table.key],
    )
    return rows[0] if rows else None


def insert_row(store: Store, table: Table, row: dict) -> None:
    """Add one row from a bundle (the caller holds the transaction)."""
    if table is findings.FINDING:
        findings.save_findings(store, [row])
    elif table is decisions.DECISION:
        decisions.insert_decision(store, row, row.get("origin"))
    elif table is decisions.CONFLICT:
        decisions.insert_conflict(store, row)
    elif table is findings.CONFLICT:
        findings.insert_finding_conflict(store, row)
    else:
        store.conn.execute(table.insert_sql(table.carried), [row[c] for c in table.carried])
