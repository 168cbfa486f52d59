"""Store queries for retention (RELIABILITY 13): what is due, the purge itself, wiping freed bytes.

The purge blanks free text rather than deleting rows. A finding row is referenced by its
links, by the corrections that supersede it, by conflict resolutions and by trail events;
keeping the row (its review, question, method, grade, good-practice flag, sources, dates)
keeps the programme's history and counts true, while the words that could identify someone
(notes, concerns, participant role and unit, session place, participants, document title)
are gone. `purged_record` lists every blanked record, so sync can skip it for ever.

The tables are created by `m006_retention` in `qam/store/fieldwork.py`, which also reopens
the findings' locks while the `retention_purge_running` setting row exists; `purge_records`
inserts that row and deletes it again inside the caller's transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from qam.errors import StoreError
from qam.store.db import Store

PURGE_FLAG = "retention_purge_running"
PURGED_COLUMNS = ("record_table", "record_id", "purged_at", "event_id")
_CHUNK = 500


def _chunks(ids: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def review_ends(store: Store) -> list[tuple[str, str]]:
    """(review id, end date) of every review with an end date, oldest end first."""
    return [
        (r[0], r[1])
        for r in store.conn.execute(
            'SELECT id, "end" FROM review WHERE "end" IS NOT NULL AND trim("end") != \'\' ORDER BY "end", id'
        )
    ]


def unpurged_records(store: Store, review_ids: list[str]) -> dict[str, dict[str, list[str]]]:
    """review id -> {"capture_session": [ids], "finding": [ids]} not purged yet (all versions).

    A finding counts for a review by its own review id or by its session's, so a finding is
    never left holding text when its session is blanked.
    """
    found: dict[str, dict[str, list[str]]] = {
        r: {"capture_session": [], "finding": []} for r in review_ids
    }
    for chunk in _chunks(review_ids):
        marks = ", ".join("?" * len(chunk))
        for review_id, session_id in store.conn.execute(
            f"SELECT review_id, id FROM capture_session WHERE review_id IN ({marks}) AND id NOT IN "
            "(SELECT record_id FROM purged_record WHERE record_table = 'capture_session') "
            "ORDER BY review_id, created_at, id",
            chunk,
        ):
            found[review_id]["capture_session"].append(session_id)
        for review_id, finding_id in store.conn.execute(
            "SELECT coalesce(s.review_id, f.review_id), f.id FROM finding f "
            "LEFT JOIN capture_session s ON s.id = f.session_id "
            f"WHERE (f.review_id IN ({marks}) OR s.review_id IN ({marks})) AND f.id NOT IN "
            "(SELECT record_id FROM purged_record WHERE record_table = 'finding') "
            "ORDER BY f.review_id, f.created_at, f.id",
            chunk + chunk,
        ):
            if review_id in found:
                found[review_id]["finding"].append(finding_id)
    return found


# JSON keys that hold words, written plainly ("notes": ...) or inside a merged event's escaped
# JSON (\"notes\": ...); fingerprint keys such as `notes_sha256` do not match.
_WORD_KEYS = ("notes", "concerns", "place", "document_title")
_HOLDS_WORDS = " OR ".join(
    f"(COALESCE(new, '') || COALESCE(old, '')) LIKE '%\"{key}\":%' OR "
    f"(COALESCE(new, '') || COALESCE(old, '')) LIKE '%\\\"{key}\\\":%'"
    for key in _WORD_KEYS
)


def trail_events_with_text(store: Store, table: str, ids: list[str]) -> int:
    """How many trail events about these records carry their words. QAM's own events hold only
    fingerprints of free text; events written by an earlier QAM (a session's place or a
    correction's notes, directly or merged from a laptop) may hold the words. The trail is
    append-only and hash-chained, so a purge cannot blank them; the count is reported so nobody
    believes otherwise."""
    count = 0
    for chunk in _chunks(sorted(ids)):
        count += store.conn.execute(
            f"SELECT count(*) FROM audit_log WHERE entity = ? AND entity_id IN ({', '.join('?' * len(chunk))}) "
            f"AND ({_HOLDS_WORDS})",
            [table, *chunk],
        ).fetchone()[0]
    return count


def purged_ids(store: Store) -> dict[str, set[str]]:
    """table -> ids of the records purged here (empty sets before any purge)."""
    found: dict[str, set[str]] = {"capture_session": set(), "finding": set()}
    for table, record_id in store.conn.execute("SELECT record_table, record_id FROM purged_record"):
        found.setdefault(table, set()).add(record_id)
    return found


def present_ids(store: Store, table: str, ids: Iterable[str]) -> list[str]:
    """Those of `ids` that this store holds in `table` (capture_session or finding)."""
    if table not in ("capture_session", "finding"):
        raise ValueError(table)
    ids = sorted(set(ids))
    found: list[str] = []
    for chunk in _chunks(ids):
        found += [
            r[0]
            for r in store.conn.execute(
                f"SELECT id FROM {table} WHERE id IN ({', '.join('?' * len(chunk))})", chunk
            )
        ]
    return sorted(found)


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
    conn = store.conn
    conn.execute("INSERT INTO setting(key, value) VALUES (?, ?)", [PURGE_FLAG, event_id])
    for chunk in _chunks(sorted(finding_ids)):
        conn.execute(
            "UPDATE finding SET notes = '', concerns = NULL, participant_role = NULL, "
            f"participant_unit = NULL WHERE id IN ({', '.join('?' * len(chunk))})",
            chunk,
        )
    for chunk in _chunks(sorted(session_ids)):
        conn.execute(
            "UPDATE capture_session SET place = NULL, participants = '[]', document_title = NULL "
            f"WHERE id IN ({', '.join('?' * len(chunk))})",
            chunk,
        )
    rebuild_search(store)
    conn.executemany(
        "INSERT OR IGNORE INTO purged_record (record_table, record_id, purged_at, event_id) VALUES (?, ?, ?, ?)",
        [("capture_session", i, at, event_id) for i in sorted(session_ids)]
        + [("finding", i, at, event_id) for i in sorted(finding_ids)],
    )
    conn.execute("DELETE FROM setting WHERE key = ?", [PURGE_FLAG])


def insert_purged(store: Store, rows: Iterable[dict]) -> int:
    """Record purges learnt from another store (a sync bundle); returns how many were new."""
    added = 0
    for row in rows:
        added += store.conn.execute(
            "INSERT OR IGNORE INTO purged_record (record_table, record_id, purged_at, event_id) "
            "VALUES (?, ?, ?, ?)",
            [row[c] for c in PURGED_COLUMNS],
        ).rowcount
    return added


def rebuild_search(store: Store) -> None:
    """Rebuild the findings' full-text index from the finding table as it is now."""
    store.conn.execute("INSERT INTO finding_fts(finding_fts) VALUES ('rebuild')")


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
    except sqlite3.Error as err:
        raise StoreError(
            f"The purge was saved, but wiping the freed space in {store.path} failed ({err}). "
            "Free some disk space (or close other QAM commands) and run `qam retention` again to finish the wipe."
        ) from err
