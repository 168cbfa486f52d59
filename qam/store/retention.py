"""Retention (RELIABILITY 13): `purged_record`, the purge itself, and wiping the freed bytes.

The purge blanks free text rather than deleting rows. A finding row is referenced by its
links, by the corrections that supersede it, by conflict resolutions and by trail events;
keeping the row (its review, question, method, grade, good-practice flag, sources, dates)
keeps the programme's history and counts true, while the words that could identify someone
(notes, concerns, participant role and unit, session place, participants, document title)
are gone. `purged_record` lists every blanked record, so sync can skip it for ever.

`m006_retention` also reopens the findings' and sessions' locks while the
`retention_purge_running` setting row exists; `purge_records` inserts that row and deletes it
again inside the caller's transaction, so no other write ever sees the locks open.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING

from qam.errors import StoreError
from qam.store import findings, sessions, settings
from qam.store.schema import REFERENCE, Carried, Table

if TYPE_CHECKING:
    from qam.store.db import Store

PURGE_FLAG = "retention_purge_running"
NOT_PURGING = f"NOT EXISTS (SELECT 1 FROM setting WHERE key = '{PURGE_FLAG}')"
PURGED = Table(
    "purged_record",
    ("record_table", "record_id", "purged_at", "event_id"),
    key=("record_table", "record_id"),
)
PURGED_COLUMNS = PURGED.columns
# Merged before anything else (`qam.sync.merge`): the importer purges its own copies first.
BUNDLE = (Carried(PURGED, REFERENCE),)


def create(conn: sqlite3.Connection) -> None:
    """m006_retention: the locks open only while a purge runs; the list of purged records."""
    findings.lock_unless_purging(conn, NOT_PURGING)
    sessions.lock_unless_purging(conn, NOT_PURGING)
    conn.execute(
        """CREATE TABLE purged_record (
            record_table TEXT NOT NULL, record_id TEXT NOT NULL, purged_at TEXT NOT NULL,
            event_id TEXT NOT NULL, PRIMARY KEY (record_table, record_id))"""
    )


def unpurged_records(store: Store, review_ids: list[str]) -> dict[str, dict[str, list[str]]]:
    """review id -> {"capture_session": [ids], "finding": [ids]} not purged yet (all versions)."""
    session_ids = sessions.unpurged_ids(store, review_ids)
    finding_ids = findings.unpurged_ids(store, review_ids)
    return {r: {"capture_session": session_ids[r], "finding": finding_ids[r]} for r in review_ids}


def purged_ids(store: Store) -> dict[str, set[str]]:
    """table -> ids of the records purged here (empty sets before any purge)."""
    found: dict[str, set[str]] = {"capture_session": set(), "finding": set()}
    for table, record_id in store.conn.execute("SELECT record_table, record_id FROM purged_record"):
        found.setdefault(table, set()).add(record_id)
    return found


def present_ids(store: Store, table: str, ids: Iterable[str]) -> list[str]:
    """Those of `ids` that this store holds in `table` (capture_session or finding)."""
    if table == "capture_session":
        return sessions.present_ids(store, ids)
    if table == "finding":
        return findings.present_ids(store, ids)
    raise ValueError(table)


def purge_records(
    store: Store, *, session_ids: list[str], finding_ids: list[str], at: str, event_id: str
) -> None:
    """Blank the free text of these sessions and findings, re-index, list them as purged.

    Must run inside the caller's transaction (with the purge event), so it is all or
    nothing. The search index is rebuilt from the blanked rows: the findings' FTS table
    keeps its own copy of every word, and only a rebuild drops the old ones.
    """
    if not store.conn.in_transaction:
        raise StoreError("A retention purge must run inside one transaction; nothing was changed.")
    settings.put(store, PURGE_FLAG, event_id)
    findings.blank_text(store, sorted(finding_ids))
    sessions.blank_details(store, sorted(session_ids))
    rebuild_search(store)
    store.conn.executemany(
        PURGED.insert_sql(verb="INSERT OR IGNORE"),
        [("capture_session", i, at, event_id) for i in sorted(session_ids)]
        + [("finding", i, at, event_id) for i in sorted(finding_ids)],
    )
    settings.delete(store, PURGE_FLAG)


def insert_purged(store: Store, rows: Iterable[dict]) -> int:
    """Record purges learnt from another store (a sync bundle); returns how many were new."""
    added = 0
    for row in rows:
        added += store.conn.execute(
            PURGED.insert_sql(verb="INSERT OR IGNORE"), [row[c] for c in PURGED.columns]
        ).rowcount
    return added


def rebuild_search(store: Store) -> None:
    """Rebuild the findings' full-text index (a seam the failure tests break on purpose)."""
    findings.rebuild_search(store)


def secure_delete(store: Store, on: bool = True) -> None:
    """Make SQLite overwrite deleted content with zeros on this connection (not stored)."""
    store.conn.execute(f"PRAGMA secure_delete = {'ON' if on else 'OFF'}")


def wipe_free_space(store: Store) -> None:
    """After a purge has committed: rewrite the file and empty the WAL, so old bytes are gone.

    `secure_delete` zeroes what the purge itself frees, but pages freed earlier (FTS
    segments merged away, rows moved by page splits) and the WAL's older page images can
    still hold the words. VACUUM rewrites every page; the FTS index is rebuilt after it
    because VACUUM may renumber the rowids it is keyed on; TRUNCATE empties the WAL.
    """
    try:
        secure_delete(store, True)
        store.conn.execute("VACUUM")
        with store.transaction():
            rebuild_search(store)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except (sqlite3.Error, StoreError) as err:
        raise StoreError(
            f"The purge was saved, but wiping the freed space in {store.path} failed ({err}). "
            "Free some disk space (or close other QAM commands) and run `qam retention` again to finish the wipe."
        ) from err
