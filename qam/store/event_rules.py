"""What each record's trail event must say, as SQL: the checks a bundle's findings, sessions
and decisions meet against the trail it carries (`qam.store.rules` runs them among a
bundle's rules), and that `qam audit verify` runs over the store itself
(`unmatched_records`).

A record arriving from another store must have the event that made it, saying the same thing;
an event merged from a third store is read as the original it wraps (`unwrap_trail`), so a
record can name either. Every event that made a record must come with the record too
(`orphan_event`).
"""

from __future__ import annotations

import contextlib
import signal
import sqlite3
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

from qam.store.staging import staged
from qam.trail import text_fingerprint

if TYPE_CHECKING:
    from qam.store.db import Store

# The bundle's trail as the rules read it: its events as they are, and the events it merged
# from other stores read as their originals (`unwrap_trail`).
UNWRAPPED = "temp.unwrapped"
EVENTS = (staged("audit_log"), UNWRAPPED)

# ----------------------------------------------------------------------------- the trail


def _unwrapped(source: str, synced: str) -> str:
    """SQL: the events of `source` (an audit_log) that wrap events merged from another store
    (`synced` maps them), each read as the original it names."""
    return f"""
        SELECT s.original_event_id AS event_id, e.entity, e.entity_id,
               json_extract(e.new, '$.at') AS at, json_extract(e.new, '$.actor') AS actor,
               json_extract(e.new, '$.action') AS action,
               json_extract(e.new, '$.reason') AS reason,
               CASE WHEN json_type(e.new, '$.old') IN ('null') THEN NULL
                    ELSE e.new -> '$.old' END AS old,
               CASE WHEN json_type(e.new, '$.new') IN ('null') THEN NULL
                    ELSE e.new -> '$.new' END AS new
        FROM {source} e JOIN {synced} s ON s.local_event_id = e.event_id
        WHERE json_valid(e.new)"""


def unwrap_trail(store: Store, into: str, source: str, synced: str) -> tuple[str, str]:
    """Copy the merged events of a trail (`source` and its `synced` map), each read as its
    original, into table `into`, indexed for lookups; returns (source, into), the tables the
    record checks look in. A trail's own events are read where they are: a wrapper's action
    (`sync_import`) is never one a record needs, so it cannot stand in for an original."""
    conn = store.conn
    conn.execute(f"DROP TABLE IF EXISTS {into}")
    conn.execute(f"CREATE TABLE {into} AS {_unwrapped(source, synced)}")
    schema, _, name = into.rpartition(".")
    prefix = f"{schema}." if schema else ""
    conn.execute(f"CREATE INDEX {prefix}{name}_entity ON {name} (entity_id, entity)")
    conn.execute(f"CREATE INDEX {prefix}{name}_id ON {name} (event_id)")
    return source, into


def stage_trail(store: Store) -> None:
    """Ready the bundle's staged trail for the rules (`EVENTS`: staged indexed by record, see
    `qam.store.staging`): its merged events unwrapped."""
    unwrap_trail(store, UNWRAPPED, staged("audit_log"), staged("synced_event"))


def _in_trail(events: tuple[str, ...], where: str) -> str:
    """SQL: some event `e` of the trail's tables meets `where`."""
    return "(" + " OR ".join(f"EXISTS (SELECT 1 FROM {t} e WHERE {where})" for t in events) + ")"


def fingerprints(store: Store) -> None:
    """Make the trail's text fingerprint (`qam.trail.text_fingerprint`) callable from SQL."""
    store.conn.create_function(
        "qam_fingerprint", 1, lambda text: text_fingerprint(text), deterministic=True
    )


@contextlib.contextmanager
def ctrl_c_kept(store: Store) -> Iterator[None]:
    """Around queries that call `qam_fingerprint`: a Ctrl-C stops the query, and reaches the
    caller as KeyboardInterrupt (stopped, exit 130). Raised inside the function, it would
    reach it as SQLite's report that a function failed."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread alone
        return
    came: list[bool] = []

    def on_ctrl_c(signum: int, frame: object) -> None:
        came.append(True)
        store.conn.interrupt()

    previous = signal.signal(signal.SIGINT, on_ctrl_c)
    try:
        yield
    except sqlite3.OperationalError:
        if came:
            raise KeyboardInterrupt from None
        raise
    finally:
        signal.signal(signal.SIGINT, previous)
    if came:
        raise KeyboardInterrupt


# What each record's event must say. `r` is the record, `e` an event of `events`.
def decision_event(events: tuple[str, ...], r: str = "i") -> str:
    """SQL: a decision names an event that says the same thing (item, statuses, reason,
    approver, evidence where the event keeps it, who and when)."""
    return _in_trail(
        events,
        f"""e.event_id = {r}.event_id
        AND e.entity = 'register_item' AND e.entity_id = {r}.item_ref COLLATE NOCASE
        AND e.action = 'status' AND e.actor = {r}.actor AND e.at = {r}.decided_at
        AND e.reason IS {r}.reason AND json_valid(e.new)
        AND json_extract(e.new, '$.status') = {r}.new_status
        AND json_extract(e.new, '$.decision_id') = {r}.id
        AND json_extract(e.new, '$.approver') IS {r}.approver
        AND (json_type(e.new, '$.evidence') IS NULL
             OR json_extract(e.new, '$.evidence') IS {r}.evidence)
        AND (e.old IS NULL AND {r}.old_status IS NULL
             OR json_valid(e.old) AND json_extract(e.old, '$') IS {r}.old_status)""",
    )


_FINDING_ACTIONS = "('record', 'revise', 'correct')"


def finding_event(events: tuple[str, ...], r: str = "i", notes_sha256: str = "") -> str:
    """SQL: a finding has the event that made it, saying the same thing: who, the question,
    the grade, the sources and good-practice flag (when said) and the notes' fingerprint
    (when the event keeps one: `notes_sha256` where the record has it computed already);
    a correction or revision names the version it replaces.

    Each "when said" reads the value first: an event that says it (all QAM writes) is then
    parsed once for it, not twice (SQLite 3.40 parses the JSON again at every call)."""
    fingerprint = notes_sha256 or f"qam_fingerprint({r}.notes)"
    return _in_trail(
        events,
        f"""e.entity_id = {r}.id
        AND e.entity = 'finding' AND e.action IN {_FINDING_ACTIONS}
        AND e.actor = {r}.reviewer AND json_valid(e.new)
        AND (json_extract(e.new, '$.question') = {r}.question_id
             OR json_type(e.new, '$.question') IS NULL)
        AND (json_extract(e.new, '$.grade') IS {r}.grade
             OR json_type(e.new, '$.grade') IS NULL AND {r}.grade IS NULL)
        AND (json_extract(e.new, '$.sources') IS {r}.sources
             OR json_type(e.new, '$.sources') IS NULL)
        AND (json_extract(e.new, '$.good_practice') = {r}.good_practice
             OR json_type(e.new, '$.good_practice') IS NULL)
        AND (json_extract(e.new, '$.notes_sha256') = {fingerprint}
             OR json_type(e.new, '$.notes_sha256') IS NULL)
        AND (CASE WHEN {r}.supersedes IS NULL THEN e.action = 'record'
             ELSE e.action IN ('revise', 'correct') AND json_valid(e.old)
                  AND json_extract(e.old, '$.finding') = {r}.supersedes
                  AND (e.action = 'revise' OR trim(coalesce(e.reason, '')) <> '') END)""",
    )


def session_event(events: tuple[str, ...], r: str = "i") -> str:
    """SQL: a capture session has the event that opened it, by the same reviewer."""
    return _in_trail(
        events,
        f"""e.entity_id = {r}.id AND e.entity = 'capture_session' AND e.action = 'open'
        AND e.actor = {r}.reviewer""",
    )


def in_either(table: str, column: str, value: str, nocase: bool = False) -> str:
    collate = " COLLATE NOCASE" if nocase else ""
    return (
        f'({value}{collate} IN (SELECT "{column}" FROM main."{table}") OR '
        f'{value}{collate} IN (SELECT "{column}" FROM {staged(table)}))'
    )


# ----------------------------------------------------------------------------- trail coverage


def orphan_event(store: Store) -> tuple[str, str, str] | None:
    """An event of the bundle's trail that made a record the bundle neither carries nor this
    store holds (and no store purged): (entity, id, action), or None."""
    checks = (
        ("finding", f"e.action IN {_FINDING_ACTIONS}", "finding", "e.entity_id"),
        ("capture_session", "e.action = 'open'", "capture_session", "e.entity_id"),
        (
            "register_item",
            "e.action = 'status' AND json_valid(e.new) AND json_type(e.new, '$.decision_id') = 'text'",
            "status_decision",
            "json_extract(e.new, '$.decision_id')",
        ),
    )
    for entity, action, table, record in checks:
        purged = (
            f"{record} IN (SELECT record_id FROM main.purged_record WHERE record_table = '{table}') "
            f"OR {record} IN (SELECT record_id FROM {staged('purged_record')} "
            f"WHERE record_table = '{table}')"
        )
        for events in EVENTS:
            row = store.conn.execute(
                f"SELECT e.entity, {record}, e.action FROM {events} e WHERE e.entity = '{entity}' "
                f"AND {action} AND NOT {in_either(table, 'id', record)} AND NOT ({purged}) LIMIT 1"
            ).fetchone()
            if row:
                return row[0], row[1], row[2]
    return None


# ----------------------------------------------------------------------------- this store


def unmatched_records(store: Store, limit: int = 5) -> list[tuple[str, str, bool]]:
    """Records of this store whose trail event is missing or says something else (what
    `qam audit verify` checks beside the chain): (what, its id, whether an event of that id
    or about it is there at all), at most `limit` of each kind."""
    unwrapped = "temp.trail_events"
    events = unwrap_trail(store, unwrapped, "main.audit_log", "main.synced_event")
    fingerprints(store)

    def purged(table: str) -> str:
        return f"r.id IN (SELECT record_id FROM main.purged_record WHERE record_table = '{table}')"

    accepted = _in_trail(
        events,
        "e.entity = 'plan_proposal' AND e.entity_id = r.id AND e.action = 'accept' "
        "OR e.entity = 'review' AND e.reason = 'plan accepted (proposal ' || r.id || ')'",
    )
    checks = (
        (
            "status decision",
            "status_decision",
            f"NOT {decision_event(events, 'r')}",
            _in_trail(events, "e.event_id = r.event_id"),
        ),
        (
            "finding",
            "finding",
            f"NOT {purged('finding')} AND NOT {finding_event(events, 'r')}",
            _in_trail(events, "e.entity = 'finding' AND e.entity_id = r.id"),
        ),
        (
            "capture session",
            "capture_session",
            f"NOT {purged('capture_session')} AND NOT {session_event(events, 'r')}",
            _in_trail(events, "e.entity = 'capture_session' AND e.entity_id = r.id"),
        ),
        ("accepted plan", "plan_proposal", f"r.accepted_at IS NOT NULL AND NOT ({accepted})", "0"),
    )
    found = []
    with ctrl_c_kept(store):
        for what, table, breach, present in checks:
            for key, there in store.conn.execute(
                f'SELECT r.id, {present} FROM main."{table}" r WHERE {breach} '
                "ORDER BY r.rowid LIMIT ?",
                [limit],
            ):
                found.append((what, key, bool(there)))
    store.conn.execute(f"DROP TABLE IF EXISTS {unwrapped}")
    return found
