"""Merging a staged bundle into the store with a few set-based statements a table.

A `Merge` runs inside one transaction on the stage's `merger` connection (`qam.sync.merger`):
it finds rows already here with other content (`clashes`), and for each carried table
(`qam.store.carried`, in merge order) adds the rows this store lacks with one INSERT ...
SELECT, fills in forward columns with one UPDATE and runs the owner's hook (search indexes,
which store made a decision). The rows come from the scratch tables `qam.store.staging`
filled; the transaction commits only once the rules (`qam.store.rules`) hold.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qam.store import audit
from qam.store.carried import BY_NAME, quoted
from qam.store.schema import IMMUTABLE, Arrival, Carried
from qam.store.staging import StagingError, staged, staged_columns

if TYPE_CHECKING:
    from qam.store.db import Store


def _key_match(carried: Carried, left: str, right: str) -> str:
    return " AND ".join(f'{left}."{k}" = {right}."{k}"' for k in carried.table.key)


def trail_arrivals(store: Store) -> tuple[Iterator[dict], int, int]:
    """The bundle's trail events not here yet (see `audit.incoming_events`), leaving out
    events about records purged here or there: they may hold the purged words."""
    skip = (
        "(e.entity IN ('capture_session', 'finding') AND "
        "(e.entity_id IN (SELECT record_id FROM main.purged_record p WHERE p.record_table = e.entity) "
        f"OR e.entity_id IN (SELECT record_id FROM {staged('purged_record')} p "
        "WHERE p.record_table = e.entity)))"
    )
    return audit.incoming_events(
        store, staged("audit_log"), staged("synced_event"), skip=skip, into="temp.arrivals"
    )


@dataclass(frozen=True)
class Merged:
    added: int
    present: int
    skipped: int


class Merge:
    """One bundle's staged rows merged into this store, table by table, in merge order
    (inside the caller's transaction). A table's rows added here are those with a rowid
    above the one it had before (`before`)."""

    def __init__(self, store: Store, origin: str):
        self.store = store
        self.origin = origin
        self.before: dict[str, int] = {}
        self.purges = bool(
            store.conn.execute(
                f"SELECT EXISTS (SELECT 1 FROM main.purged_record) "
                f"OR EXISTS (SELECT 1 FROM {staged('purged_record')})"
            ).fetchone()[0]
        )

    def adopt_trail(self) -> int | None:
        """Into a store whose trail is empty, with nothing purged here or in the bundle (so
        no event is left out), take the bundle's trail whole as this store's own
        (`audit.adopt`) and return how many events; otherwise None (merge it event by event)."""
        if self.purges or audit.head(self.store)[0]:
            return None
        return audit.adopt(self.store, staged("audit_log"), staged("synced_event"))

    def _not_purged(self, carried: Carried, alias: str) -> str:
        if carried.purged_as is None or not self.purges:
            return "1"
        table, column = carried.purged_as
        return " AND ".join(
            f"NOT EXISTS (SELECT 1 FROM {source} p WHERE p.record_table = '{table}' "
            f'AND p.record_id = {alias}."{column}")'
            for source in ("main.purged_record", staged("purged_record"))
        )

    def _with_new(self, carried: Carried, alias: str) -> str:
        if carried.with_new is None:
            return "1"
        parent, column = carried.with_new
        key = BY_NAME[parent].table.key[0]
        return (
            f'{alias}."{column}" IN (SELECT "{key}" FROM main."{parent}" '
            f"WHERE rowid > {self.before[parent]})"
        )

    def clashes(self, carried: Carried) -> list[str]:
        """Rows of an immutable table already here with other content: 'table key' each."""
        if carried.rule != IMMUTABLE:
            return []
        present = set(staged_columns(self.store, carried.name))
        differ = " OR ".join(f'm."{c}" IS NOT i."{c}"' for c in carried.compared if c in present)
        if not differ or self._empty(carried):
            return []
        rows = self.store.conn.execute(
            f"SELECT {quoted(carried.table.key, 'i')} FROM {staged(carried.name)} i "
            f'JOIN main."{carried.name}" m ON {_key_match(carried, "m", "i")} '
            f"WHERE ({differ}) AND {self._not_purged(carried, 'i')} ORDER BY i.rowid"
        )
        return [f"{carried.name} {'/'.join(str(v) for v in r)}" for r in rows]

    def _empty(self, carried: Carried) -> bool:
        return not self.store.conn.execute(
            f'SELECT EXISTS (SELECT 1 FROM main."{carried.name}")'
        ).fetchone()[0]

    def table(self, carried: Carried) -> Merged:
        """Add the staged rows of one table this store does not have; fill forward columns.

        Into an empty table every row is new: no row is looked up; otherwise each is looked
        up here by key (the staged rows are indexed by it, a repeated key refused)."""
        name, source, conn = carried.name, staged(carried.name), self.store.conn
        if self._empty(carried):
            here = "0"
        else:
            here = f'EXISTS (SELECT 1 FROM main."{name}" m WHERE {_key_match(carried, "m", "i")})'
        kept = self._not_purged(carried, "i")
        total = conn.execute(f"SELECT count(*) FROM {source}").fetchone()[0]
        skipped = 0
        if kept != "1":
            skipped = conn.execute(
                f"SELECT count(*) FROM {source} i WHERE NOT ({kept})"
            ).fetchone()[0]
        wanted = f"{kept} AND {self._with_new(carried, 'i')}"
        present = total - skipped
        if carried.with_new is not None:  # rows of parents that are not new are left out
            present = conn.execute(
                f"SELECT count(*) FROM {source} i WHERE {wanted} AND {here}"
            ).fetchone()[0]
        before = conn.execute(f'SELECT coalesce(max(rowid), 0) FROM main."{name}"').fetchone()[0]
        self.before[name] = before
        added = self._insert(carried, f"{wanted} AND NOT {here}") if total else 0
        if carried.with_new is None:
            present -= added
        if added and carried.after_insert is not None:
            carried.after_insert(self.store, Arrival(source, before, self.origin))
        self._forward(carried)
        return Merged(added, present, skipped)

    def _insert(self, carried: Carried, where: str) -> int:
        columns = [
            c for c in staged_columns(self.store, carried.name) if c in carried.table.columns
        ]
        fills = [(c, sql) for c, sql in carried.fill if c not in columns]
        targets = quoted([*columns, *(c for c, _ in fills)])
        values = ", ".join([quoted(columns, "i"), *(sql for _, sql in fills)])
        try:
            return self.store.conn.execute(
                f'INSERT INTO main."{carried.name}" ({targets}) SELECT {values} '
                f"FROM {staged(carried.name)} i WHERE {where} ORDER BY i.rowid"
            ).rowcount
        except sqlite3.IntegrityError:
            raise StagingError(
                f"table {carried.name} holds a row this store cannot take (the same row "
                "twice, a required value missing, or a value the store does not allow)."
            ) from None

    def added_rows(self, name: str) -> list[dict]:
        """The bundle's rows of one table that this merge added (decisions, for conflicts)."""
        carried = BY_NAME[name]
        columns = staged_columns(self.store, name)
        return self.store.rows(
            f"SELECT {quoted(columns, 'i')} FROM {staged(name)} i "
            f'WHERE EXISTS (SELECT 1 FROM main."{name}" m WHERE {_key_match(carried, "m", "i")} '
            f"AND m.rowid > ?) ORDER BY i.rowid",
            [self.before.get(name, 0)],
        )

    def _forward(self, carried: Carried) -> None:
        """Columns another store filled in (a finalised session, a resolved conflict), set
        here once, where they are still empty."""
        if not carried.forward:
            return
        first = carried.forward[0]
        sets = ", ".join(f'"{c}" = i."{c}"' for c in carried.forward)
        self.store.conn.execute(
            f'UPDATE main."{carried.name}" AS m SET {sets} FROM {staged(carried.name)} AS i '
            f'WHERE {_key_match(carried, "m", "i")} AND m."{first}" IS NULL '
            f'AND i."{first}" IS NOT NULL AND {self._not_purged(carried, "i")}'
        )
