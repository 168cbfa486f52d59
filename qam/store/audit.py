"""The decision trail: `audit_log` (one row an event, each holding the hash of the one before)
and `synced_event` (events merged from other stores: the original id -> the local wrapper)."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from qam.store import settings
from qam.store.db import chunks
from qam.store.schema import IMMUTABLE, REFERENCE, Carried, Table
from qam.trail import GENESIS_HASH, event_hash

if TYPE_CHECKING:
    from qam.store.db import Store

EVENT = Table(
    "audit_log",
    (
        "seq",
        "event_id",
        "at",
        "actor",
        "entity",
        "entity_id",
        "action",
        "old",
        "new",
        "reason",
        "prev_hash",
        "hash",
    ),
    key=("event_id",),
)
SYNCED = Table(
    "synced_event",
    ("original_event_id", "local_event_id", "store_id"),
    key=("original_event_id",),
    local={"store_id": "the store a merged event came from is written inside the event itself"},
)
_COLUMNS = EVENT.columns
# A bundle carries the exporter's whole trail (verified as it is read) and which of its events
# wrap events merged from elsewhere; the same event id with other content is refused.
BUNDLE = (
    Carried(
        EVENT,
        IMMUTABLE,
        compare=("at", "actor", "entity", "entity_id", "action", "old", "new", "reason"),
    ),
    Carried(SYNCED, REFERENCE),
)


# Where the trail last ended ("seq:hash"), kept beside it by every append in the same
# transaction: a trail whose end was cut off by hand no longer holds it (`qam.store.guards`).
MARK = "trail_mark"
# The triggers that keep the trail append-only (`qam.store.guards` puts them back if dropped).
GUARDS = {
    f"audit_log_no_{verb.lower()}": f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} "
    "ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
    for verb in ("UPDATE", "DELETE")
}


def create(conn: sqlite3.Connection) -> None:
    """m001_core: the chain, and triggers that refuse to change or delete any of it."""
    conn.execute(
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
    conn.execute("CREATE INDEX audit_log_entity ON audit_log(entity, entity_id)")
    for ddl in GUARDS.values():
        conn.execute(ddl)


def start_mark(conn: sqlite3.Connection) -> None:
    """m015_trusted_signers: start keeping the trail mark (`MARK`) where the trail ends now;
    from then on every store has one, so a mark deleted by hand is itself a sign of a cut."""
    last = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    settings.put_on(conn, MARK, f"{last[0]}:{last[1]}" if last else f"0:{GENESIS_HASH}")


def create_synced(conn: sqlite3.Connection) -> None:
    """m004_fieldwork: trail events merged from other stores."""
    conn.execute(
        "CREATE TABLE synced_event (original_event_id TEXT PRIMARY KEY, local_event_id TEXT NOT NULL, "
        "store_id TEXT)"
    )


# Built once: json.dumps with options makes a new encoder on every call (an import appends
# one event a row). The same options as json.dumps(sort_keys, ensure_ascii, default=str).
_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=str).encode


def _encode(value: Any) -> str | None:
    if value is None:
        return None
    return _JSON(value)


def append_event(
    store: Store,
    *,
    actor: str,
    entity: str,
    entity_id: str,
    action: str,
    old: Any = None,
    new: Any = None,
    reason: str | None = None,
    event_id: str | None = None,
    at: str | None = None,
) -> dict:
    """Append one event to the chain, inside the caller's transaction (or its own)."""
    event = {
        "event_id": event_id,
        "at": at,
        "actor": actor,
        "entity": entity,
        "entity_id": entity_id,
        "action": action,
        "old": old,
        "new": new,
        "reason": reason,
    }
    return append_events(store, [event])[0]


def append_events(store: Store, events: Iterable[dict]) -> list[dict]:
    """Append events in order, each chained to the one before, with one statement for all.

    Each event gives actor, entity, entity_id, action and optionally old, new (any JSON
    value), reason, event_id and at. Inside the caller's transaction (or its own).
    """
    with store.transaction():
        last = store.conn.execute(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        seq, prev_hash = (last[0], last[1]) if last else (0, GENESIS_HASH)
        rows = []
        for event in events:
            seq += 1
            row = {
                "seq": seq,
                "event_id": event.get("event_id") or str(uuid.uuid4()),
                "at": event.get("at") or datetime.now(UTC).isoformat(timespec="microseconds"),
                "actor": event["actor"],
                "entity": event["entity"],
                "entity_id": str(event["entity_id"]),
                "action": event["action"],
                "old": _encode(event.get("old")),
                "new": _encode(event.get("new")),
                "reason": event.get("reason"),
                "prev_hash": prev_hash,
            }
            row["hash"] = prev_hash = event_hash(row)
            rows.append(row)
        store.conn.executemany(EVENT.insert_sql(), ([r[c] for c in _COLUMNS] for r in rows))
        if rows:
            settings.put(store, MARK, f"{seq}:{prev_hash}")
    return rows


def head(store: Store) -> tuple[int, str]:
    """(how many events, the chain head): the last event's seq and hash."""
    last = store.conn.execute(
        "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    return (last[0], last[1]) if last else (0, GENESIS_HASH)


def holds(store: Store, seq: int, hash_: str) -> bool:
    """True if the trail's event `seq` has this hash."""
    return bool(
        store.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM audit_log WHERE seq = ? AND hash = ?)", [seq, hash_]
        ).fetchone()[0]
    )


def events(store: Store, *, entity: str | None = None, entity_id: str | None = None) -> list[dict]:
    """Every event in chain order, optionally for one entity."""
    sql = f"SELECT {', '.join(_COLUMNS)} FROM audit_log"
    where, params = [], []
    if entity:
        where.append("entity = ?")
        params.append(entity)
    if entity_id:
        where.append("entity_id = ?")
        params.append(entity_id)
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY seq"
    return [dict(zip(_COLUMNS, r, strict=True)) for r in store.conn.execute(sql, params)]


def last_event(store: Store, *, entity: str, entity_id: str, action: str) -> dict | None:
    """The newest event of one kind about one thing (the last import from a store), or None."""
    row = store.conn.execute(
        f"SELECT {', '.join(_COLUMNS)} FROM audit_log WHERE entity = ? AND entity_id = ? "
        "AND action = ? ORDER BY seq DESC LIMIT 1",
        [entity, entity_id, action],
    ).fetchone()
    return dict(zip(_COLUMNS, row, strict=True)) if row else None


def has_event(store: Store, event_id: str) -> bool:
    return (
        store.conn.execute("SELECT 1 FROM audit_log WHERE event_id = ?", [event_id]).fetchone()
        is not None
    )


# JSON keys that hold words, written plainly ("notes": ...) or inside a merged event's escaped
# JSON (\"notes\": ...); fingerprint keys such as `notes_sha256` do not match.
_WORD_KEYS = ("notes", "concerns", "place", "document_title")
_HOLDS_WORDS = " OR ".join(
    f"(COALESCE(new, '') || COALESCE(old, '')) LIKE '%\"{key}\":%' OR "
    f"(COALESCE(new, '') || COALESCE(old, '')) LIKE '%\\\"{key}\\\":%'"
    for key in _WORD_KEYS
)


def events_with_text(store: Store, entity: str, ids: Iterable[str]) -> int:
    """How many events about these records carry their words (for retention's report).

    QAM's own events hold only fingerprints of free text; events written by an earlier QAM
    (a session's place or a correction's notes, directly or merged from a laptop) may hold
    the words. The trail is append-only and hash-chained, so a purge cannot blank them.
    """
    count = 0
    for chunk, marks in chunks(sorted(ids)):
        count += store.conn.execute(
            f"SELECT count(*) FROM audit_log WHERE entity = ? AND entity_id IN ({marks}) "
            f"AND ({_HOLDS_WORDS})",
            [entity, *chunk],
        ).fetchone()[0]
    return count


# ----------------------------------------------------------------------------- synced events


def adopt(store: Store, events: str, synced: str) -> int:
    """Take a bundle's whole trail (`events`, `synced`: the staged tables, verified from the
    first event) as this store's own, event for event, in the caller's transaction; returns
    how many events. Only for a store whose trail is empty: a new store made from another's
    bundle then holds the same events under the same ids and hashes, verifies to the same
    head, and names each event as the store it came from does."""
    conn = store.conn
    columns = EVENT.select()
    # Staged in chain order (each event checked against the one before as it was read), so
    # the rows are taken in the order they were staged: no sort.
    added = conn.execute(
        f"INSERT INTO main.audit_log ({columns}) SELECT {columns} FROM {events} ORDER BY rowid"
    ).rowcount
    conn.execute(
        f"INSERT INTO main.synced_event ({SYNCED.select()}) SELECT s.original_event_id, "
        "s.local_event_id, CASE WHEN json_valid(e.new) THEN json_extract(e.new, '$.from_store') "
        f"END FROM {synced} s JOIN {events} e ON e.event_id = s.local_event_id"
    )
    seq, last = head(store)
    settings.put(store, MARK, f"{seq}:{last}")
    return added


def record_synced_events(store: Store, rows: Iterable[tuple[str, str, str | None]]) -> None:
    """(original event id, local wrapper event id, store it came from) for merged events."""
    store.conn.executemany(SYNCED.insert_sql(), rows)


def incoming_events(
    store: Store, events: str, synced: str, *, skip: str, into: str
) -> tuple[Iterator[dict], int, int]:
    """Events staged from a bundle (`events`, `synced`: the staged tables) not here yet.

    An event is here if its original id (the bundle's wrapper names it in `synced`) is one of
    this store's events or of those it merged before. `skip` is SQL on the event `e` that
    leaves it out (an event about a record purged under retention). Returns the events to
    merge in chain order (each with `original` and `wrapper`), how many were here already and
    how many were skipped. `into` is a scratch table to copy them to first.
    """
    original = "coalesce(s.original_event_id, e.event_id)"
    here = (
        f"({original} IN (SELECT event_id FROM main.audit_log) OR "
        f"{original} IN (SELECT original_event_id FROM main.synced_event))"
    )
    source = f"FROM {events} e LEFT JOIN {synced} s ON s.local_event_id = e.event_id"
    present, skipped = store.conn.execute(
        f"SELECT coalesce(sum({here}), 0), coalesce(sum(NOT {here} AND {skip}), 0) {source}"
    ).fetchone()
    # Copied aside first, so appending to the trail never changes what is being read.
    store.conn.execute(f"DROP TABLE IF EXISTS {into}")
    store.conn.execute(
        f"CREATE TABLE {into} AS SELECT {EVENT.select(alias='e')}, "
        f"{original} AS original, s.local_event_id IS NOT NULL AS wrapper {source} "
        f"WHERE NOT {here} AND NOT ({skip}) ORDER BY e.seq"
    )
    cursor = store.conn.execute(f"SELECT * FROM {into} ORDER BY rowid")
    names = [d[0] for d in cursor.description]
    return (dict(zip(names, r, strict=True)) for r in cursor), present, skipped
