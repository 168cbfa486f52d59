"""Staging a bundle: its rows read into scratch databases, checked as they come, before
anything of the store is touched.

Importing stages the bundle's rows in two scratch databases, its tables (`incoming`) and its
trail (`incoming_trail`), one table a carried table (`qam.store.carried`), indexed by its
key once loaded, as the file is read (`begin_staging`). Once the tables are staged, a second
connection (the stage's `merger`) merges them (`qam.store.merge`) while this one stages the
trail and then checks the rules (`qam.store.rules`), sharing them with a third (the
`checker`). The scratch files are unlinked as soon as all three have them open, so a killed
run leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING

from qam.errors import StoreError
from qam.store.carried import BY_NAME, TRAIL, TRAIL_NAMES, quoted
from qam.store.schema import Carried
from qam.trail import text_fingerprint

if TYPE_CHECKING:
    from qam.store.db import Store

CACHE_KIB = 32_768
# The attached scratch databases a bundle is staged in: its tables, then its trail, each a
# file of its own, so the merge can read the tables while the trail is still being written.
SCRATCH = "incoming"
TRAIL_SCRATCH = "incoming_trail"
# Staged values holding a NUL or a C0 control character other than tab, line feed and
# carriage return, or DEL: no command QAM has stores them, and a terminal or a spreadsheet
# may act on them. They are found as the rows stream past (one search a row, in C) and
# listed here (table, staged row, column) for the rules (`qam.store.rules`) to refuse,
# since a pattern match in SQL over every text value costs more than the rest of a merge.
CONTROLLED = f"{SCRATCH}.control_flag"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A value the rules compare that SQL cannot compute cheaply, computed once a row as the row is
# staged, into a scratch column of its own: a finding's notes' fingerprint, which its trail
# event keeps. (From SQL it is a Python function each of the rules' two connections calls
# for every finding, taking turns with the interpreter: several times the cost.)
NOTES_FINGERPRINT = "notes_sha256"
DERIVED: dict[str, tuple[str, str, Callable[[object], str]]] = {
    "finding": (NOTES_FINGERPRINT, "notes", text_fingerprint)
}


def _scratch_of(name: str) -> str:
    return TRAIL_SCRATCH if name in TRAIL_NAMES else SCRATCH


def staged(name: str) -> str:
    """The temporary table holding a bundle's rows of one table while it is imported."""
    return f'{_scratch_of(name)}."{name}"'


class StagingError(Exception):
    """A bundle's row this store cannot take; `str()` says which and why."""


def _stage_table(store: Store, carried: Carried, columns: tuple[str, ...]) -> list[int]:
    """Make the table a bundle's rows of `carried` are staged in; returns the positions of
    its text columns."""
    missing = [k for k in carried.table.key if k not in columns]
    if missing:
        raise StagingError(f"table {carried.name} carries no '{missing[0]}' (its key).")
    types = {r[1]: r[2] for r in store.conn.execute(f'PRAGMA main.table_info("{carried.name}")')}
    defs = ", ".join(f'"{c}" {types.get(c, "")}'.rstrip() for c in columns)
    store.conn.execute(f"DROP TABLE IF EXISTS {staged(carried.name)}")
    store.conn.execute(f"CREATE TABLE {staged(carried.name)} ({defs})")
    return [i for i, c in enumerate(columns) if types.get(c, "").upper() == "TEXT"]


def _derive(
    name: str, columns: tuple[str, ...], rows: Iterable[list]
) -> tuple[Iterable[list], tuple[str, ...]]:
    """The rows with the values the rules need computed beside them (`DERIVED`), and the
    columns they are staged under."""
    if name not in DERIVED:
        return rows, columns
    column, source, compute = DERIVED[name]

    def derived(value: object) -> str | None:
        try:
            return compute(value)
        except UnicodeEncodeError:  # not text: staging refuses the row, naming it
            return None

    if source not in columns:
        return (row + [derived(None)] for row in rows), (*columns, column)
    at = columns.index(source)
    return (row + [derived(row[at])] for row in rows), (*columns, column)


def _controlled(rows: Iterable[list], first: int = 1) -> list[int]:
    """The numbers of the rows whose text holds a control character (one search a row)."""
    search = _CONTROL.search
    return [
        number
        for number, row in enumerate(rows, start=first)
        if search("\n".join([v for v in row if v.__class__ is str]))
    ]


def _flagged(rows: Iterable[list], flags: list[int]) -> Iterator[list]:
    """The rows, unchanged; the numbers of those holding a control character go to `flags`."""
    for number, row in enumerate(rows, start=1):
        flags += _controlled([row], number)
        yield row


def _flag_columns(
    store: Store, name: str, columns: tuple[str, ...], text_at: list[int], numbers: list[int]
) -> None:
    """List the text columns of the flagged staged rows that hold a control character."""
    found = []
    for number in numbers:
        row = store.conn.execute(
            f"SELECT * FROM {staged(name)} WHERE rowid = ?", [number]
        ).fetchone()
        found += [
            (name, number, columns[i])
            for i in text_at
            if isinstance(row[i], str) and _CONTROL.search(row[i])
        ]
    store.conn.executemany(f"INSERT INTO {CONTROLLED} VALUES (?, ?, ?)", found)


def _check_keys(store: Store, carried: Carried) -> None:
    """Refuse a staged row without its key."""
    unkeyed = store.conn.execute(
        f"SELECT rowid FROM {staged(carried.name)} WHERE "
        + " OR ".join(f'"{k}" IS NULL' for k in carried.table.key)
        + " ORDER BY rowid LIMIT 1"
    ).fetchone()
    if unkeyed:
        raise StagingError(f"table {carried.name} row {unkeyed[0]} has no key.")


def _key_index(store: Store, carried: Carried) -> None:
    """Index the staged rows by key (one sort, not a B-tree insert a row), refusing a key
    given twice: where this store has rows already, a repeated key would otherwise pass."""
    key = carried.table.key
    try:
        store.conn.execute(
            f'CREATE UNIQUE INDEX IF NOT EXISTS {_scratch_of(carried.name)}."{carried.name}_key" '
            f'ON "{carried.name}" ({quoted(key)})'
        )
    except sqlite3.IntegrityError:
        raise StagingError(f"table {carried.name} holds the same row twice.") from None


@dataclass
class Stage:
    """Rows staged so far, table by table."""

    store: Store
    # Two more connections to the store, with the scratch databases attached: one merges,
    # one shares the checking of the rules.
    merger: Store
    checker: Store
    columns: dict[str, tuple[str, ...]]
    suspects: dict[str, list[int]] = field(default_factory=dict)

    def commit(self, names: Iterable[str]) -> None:
        """Stage empty the tables of `names` the bundle does not hold, and commit what is
        staged so far (the other connection can read it); staging goes on."""
        self._fill(names)
        self.store.conn.execute("COMMIT")
        self.store.conn.execute("BEGIN")

    def finish(self) -> None:
        """Stage empty every table the bundle does not hold, and commit."""
        self._fill(BY_NAME)
        self.store.conn.execute("COMMIT")

    def close(self) -> None:
        """Drop what is staged and the scratch databases, and close the second connection."""
        if self.store.conn.in_transaction:
            self.store.conn.execute("ROLLBACK")
        discard(self.store, self.merger, self.checker)

    def _fill(self, names: Iterable[str]) -> None:
        for name in names:
            if name not in self.columns:
                self.add(name, BY_NAME[name].columns, [])

    def suspect(self, name: str) -> Callable[[int, list[list]], None]:
        """What the bundle's reader calls with a batch of `name`'s rows whose bytes may hold
        a control character (from its own thread): the rows that do are noted. A table read
        this way is not searched row by row again."""
        found = self.suspects.setdefault(name, [])
        return lambda first, rows: found.extend(_controlled(rows, first))

    def add(self, name: str, columns: tuple[str, ...], rows: Iterable[list]) -> int:
        """Stage one table's rows (`columns` as the bundle lists them); returns how many."""
        carried = BY_NAME[name]
        rows, staged_columns = _derive(name, columns, rows)
        text_at = _stage_table(self.store, carried, staged_columns)
        self.columns[name] = columns
        numbers = itertools.count(1)  # counts the rows handed over, at C speed
        flags = self.suspects.get(name)
        if flags is None:
            flags = []
            rows = _flagged(rows, flags)
        marks = ", ".join("?" * len(staged_columns))
        sql = f"INSERT INTO {staged(name)} ({quoted(staged_columns)}) VALUES ({marks})"
        try:
            self.store.conn.executemany(sql, map(itemgetter(0), zip(rows, numbers, strict=False)))
        except (sqlite3.Error, UnicodeEncodeError):  # a lone surrogate is not UTF-8 text
            raise StagingError(
                f"table {name} row {next(numbers) - 1} holds a value that is not plain text "
                "or a number."
            ) from None
        _check_keys(self.store, carried)
        # Indexed by key (a repeat refused here): the rules and the merge look rows up by it,
        # and the trail by record too, for the rules.
        _key_index(self.store, carried)
        if name == "audit_log":
            self.store.conn.execute(
                f"CREATE INDEX {TRAIL_SCRATCH}.audit_log_record ON audit_log (entity_id, entity)"
            )
        if flags and text_at and carried not in TRAIL:  # the trail has rules of its own
            _flag_columns(self.store, name, columns, text_at, flags)
        return next(numbers) - 1


def begin_staging(store: Store) -> Stage:
    """Make the scratch databases and start staging a bundle's rows in them, one transaction
    for its tables (`Stage.commit`) and one for its trail (`Stage.finish`). Always `close`
    the stage: it deletes the scratch databases, and what was staged with them."""
    discard(store)
    merger, checker = _scratch(store)
    # A bundle of any size in bounded memory: staged rows spill to the scratch files past a
    # cache big enough for the indexes a merge works through. Nothing there needs a journal.
    # Pages of 16 KiB: a staged row is long (a finding's notes, an event's JSON), and fewer,
    # bigger pages make staging and the rules' lookups about a third cheaper.
    for scratch in (SCRATCH, TRAIL_SCRATCH):
        for pragma in (
            "page_size = 16384",
            "journal_mode = OFF",
            "synchronous = OFF",
            f"cache_size = {-CACHE_KIB // 4}",
        ):
            store.conn.execute(f"PRAGMA {scratch}.{pragma}")
    store.conn.execute(f"CREATE TABLE {CONTROLLED} (staged TEXT, row INTEGER, col TEXT)")
    stage = Stage(store, merger, checker, {})
    store.conn.execute("BEGIN")
    return stage


def _scratch(store: Store) -> tuple[Store, Store]:
    """Attach new scratch databases to this connection and to two more, which are returned
    (the `merger` and the `checker`), then unlink their files: all keep them open, and a
    killed run leaves nothing of the bundle behind. The files are this user's alone while
    they have a name.

    The merger merges the bundle into the store, from another thread, while this connection
    stages the rest and checks the rules, sharing the rows to check with the checker: both
    read this store as it was before the merge, since the merge commits only after the rules
    hold."""
    others: list[Store] = []
    try:
        others += [store.another(), store.another()]
        conns = [other.conn for other in others]
        for conn, cache in zip(conns, (CACHE_KIB * 3 // 4, 2000), strict=True):
            conn.execute(f"PRAGMA main.cache_size = {-cache}")
        for name in (SCRATCH, TRAIL_SCRATCH):
            # Made and unlinked within a few statements: a kill between leaves an empty file.
            handle, scratch = tempfile.mkstemp(prefix="qam-bundle-", suffix=".sqlite")
            os.close(handle)
            try:
                for each in (store.conn, *conns):
                    each.execute(f"ATTACH DATABASE ? AS {name}", [scratch])
            finally:
                with contextlib.suppress(OSError):  # on Windows, open files stay until closed
                    os.unlink(scratch)
            for conn, cache in zip(conns, (CACHE_KIB // 4, CACHE_KIB // 8), strict=True):
                conn.execute(f"PRAGMA {name}.cache_size = {-cache}")
    except BaseException as err:
        for other in others:
            other.close()
        discard(store)
        if isinstance(err, OSError | sqlite3.Error):
            raise StoreError(
                f"Cannot make the scratch file a bundle is checked in, in "
                f"{tempfile.gettempdir()} ({getattr(err, 'strerror', None) or 'not writable'}): "
                "free some space there, or point TMPDIR at a folder you can write to."
            ) from None
        raise
    return others[0], others[1]


def discard(store: Store, *others: Store) -> None:
    """Close the scratch databases (nothing of a bundle stays behind) and the connections
    that share them; outside a transaction."""
    for other in others:
        other.conn.close()
    attached = {r[1]: r[2] for r in store.conn.execute("PRAGMA database_list")}
    for name in (SCRATCH, TRAIL_SCRATCH):
        if name in attached:
            store.conn.execute(f"DETACH DATABASE {name}")
            with contextlib.suppress(OSError):
                os.unlink(attached[name])


def staged_rows(store: Store, name: str) -> list[dict]:
    """The staged rows of a small table (the records another store purged)."""
    columns = staged_columns(store, name)
    return store.rows(f"SELECT {quoted(columns)} FROM {staged(name)} ORDER BY rowid")


def staged_event_at(store: Store, seq: int) -> str | None:
    """The hash of the staged trail's event at `seq`, if it has one."""
    row = store.conn.execute(
        f"SELECT hash FROM {staged('audit_log')} WHERE seq = ?", [seq]
    ).fetchone()
    return row[0] if row else None


def staged_values(store: Store, name: str, column: str) -> list:
    """The distinct non-null values of one staged column."""
    return [
        r[0]
        for r in store.conn.execute(
            f'SELECT DISTINCT "{column}" FROM {staged(name)} WHERE "{column}" IS NOT NULL'
        )
    ]


def staged_columns(store: Store, name: str) -> list[str]:
    return [r[1] for r in store.conn.execute(f'PRAGMA {_scratch_of(name)}.table_info("{name}")')]
