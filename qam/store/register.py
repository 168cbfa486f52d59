"""The register's items: `register_item` and its full-text index `register_item_fts`.

The index has no triggers: the store runs with `trusted_schema = OFF`, under which SQLite
refuses virtual tables inside triggers. Every write that changes an indexed column (ref, text,
report_title) updates the index inside its own transaction instead, so it never goes stale.
Status decisions and conflicts are in `qam/store/decisions.py`; outcomes in `outcomes.py`.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING

from qam.store.schema import REFERENCE, Arrival, Carried, Table
from qam.vocabulary import REGISTER_SOURCES, REGISTER_TYPES

if TYPE_CHECKING:
    from qam.store.db import Store

ITEM_COLUMNS = (
    "id",
    "ref",
    "text",
    "type",
    "scope",
    "status",
    "theme",
    "owner",
    "action_lead",
    "report_title",
    "report_published",
    "report_url",
    "risk",
    "impact",
    "due",
    "objectives",
    "timeframe",
    "checkpoints",
    "extra",
    "source_file",
    "created_at",
    "updated_at",
    "source",
)
_JSON_COLUMNS = ("objectives", "checkpoints", "extra")
ITEM = Table(
    "register_item",
    ITEM_COLUMNS,
    key=("ref",),
    about={
        "ref": "The item's reference in the force's tracker (for example AFI-2022-003).",
        "text": "What the report asks of the force (inspectorate, IOPC, coroner, audit), in its words.",
        "type": "Recommendation, area for improvement or cause of concern (HMICFRS); learning "
        "recommendation (IOPC), PFD concern (coroner) or audit finding (internal audit).",
        "scope": "National (thematic, every force), force (this force's own) or joint.",
        "status": "Where the force is with it; the last three statuses are outstanding.",
        "owner": "Who in the force owns the item (a chief officer or a business area).",
        "action_lead": "Who leads the action plan day to day.",
        "report_title": "The inspection report it came from.",
        "report_published": "When that report was published.",
        "report_url": "Where the report is published.",
        "risk": "The force's own rating of the risk of not acting.",
        "impact": "The force's own rating of the impact.",
        "due": "When the force has said it will be done.",
        "objectives": "The action plan's objectives (a JSON list).",
        "timeframe": "The action plan's timeframe.",
        "checkpoints": "The action plan's checkpoints (a JSON list).",
        "extra": "Every other column of the tracker, kept as it was imported.",
        "source_file": "The file it was imported from.",
        "source": "Where the learning came from: hmicfrs, iopc, coroner, internal_audit or other.",
    },
)
FTS_COLUMNS = ("ref", "text", "report_title")


def create(conn: sqlite3.Connection) -> None:
    """m002_register: the items and their search index (decisions and outcomes beside them)."""
    conn.execute(
        """
        CREATE TABLE register_item (
            id TEXT PRIMARY KEY,
            ref TEXT NOT NULL UNIQUE COLLATE NOCASE,
            text TEXT NOT NULL,
            type TEXT NOT NULL CHECK (type IN ('cause_of_concern', 'recommendation', 'area_for_improvement')),
            scope TEXT NOT NULL CHECK (scope IN ('national', 'force', 'joint')),
            status TEXT NOT NULL CHECK (status IN ('completed', 'no_further_action', 'will_not_be_progressed',
                                                   'being_progressed', 'will_be_progressed', 'awaiting_review')),
            theme TEXT,
            owner TEXT,
            action_lead TEXT,
            report_title TEXT,
            report_published TEXT,
            report_url TEXT,
            risk TEXT,
            impact TEXT,
            due TEXT,
            objectives TEXT NOT NULL DEFAULT '[]',
            timeframe TEXT,
            checkpoints TEXT NOT NULL DEFAULT '[]',
            extra TEXT NOT NULL DEFAULT '{}',
            source_file TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )
    for column in ("status", "type", "scope", "theme", "report_published"):
        conn.execute(f"CREATE INDEX register_item_{column} ON register_item({column})")
    # The DDL sqlite-utils' enable_fts wrote when QAM 0.1 made this migration, unchanged.
    conn.execute(
        'CREATE VIRTUAL TABLE "register_item_fts" USING FTS5 (\n    "ref", "text", "report_title",'
        '\n    content="register_item"\n)'
    )


def add_sources(conn: sqlite3.Connection) -> None:
    """m013_register_sources: every source of learning (IOPC, coroners, internal audit) in one
    register. SQLite cannot widen a CHECK in place, so the table is rebuilt with its rows (no
    table refers to it by key); the items it had are HMICFRS's."""
    types = ", ".join(f"'{t}'" for t in REGISTER_TYPES)
    sources = ", ".join(f"'{s}'" for s in REGISTER_SOURCES)
    old = [c for c in ITEM_COLUMNS if c != "source"]
    (ddl,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'register_item'"
    ).fetchone()
    start = ddl.index("type TEXT NOT NULL CHECK")
    end = ddl.index("),", start) + 1
    ddl = ddl[:start] + f"type TEXT NOT NULL CHECK (type IN ({types}))" + ddl[end:]
    ddl = ddl.replace("CREATE TABLE register_item", "CREATE TABLE register_item_rebuilt", 1)
    ddl = ddl.rstrip().rstrip(")").rstrip() + (
        f",\n            source TEXT NOT NULL DEFAULT 'hmicfrs' CHECK (source IN ({sources}))\n        )"
    )
    conn.execute(ddl)
    conn.execute(
        f"INSERT INTO register_item_rebuilt (rowid, {', '.join(old)}) "
        f"SELECT rowid, {', '.join(old)} FROM register_item"
    )
    conn.execute("DROP TABLE register_item")
    conn.execute("ALTER TABLE register_item_rebuilt RENAME TO register_item")
    for column in ("status", "type", "scope", "theme", "report_published", "source"):
        conn.execute(f"CREATE INDEX register_item_{column} ON register_item({column})")
    # The rows kept their rowids, which the index points at; rebuilding it costs little.
    conn.execute("INSERT INTO register_item_fts(register_item_fts) VALUES ('rebuild')")


# ---- register items --------------------------------------------------------------------


def _item(row: tuple) -> dict:
    item = dict(zip(ITEM_COLUMNS, row, strict=True))
    for column in _JSON_COLUMNS:
        item[column] = (
            json.loads(item[column]) if item[column] else ({} if column == "extra" else [])
        )
    return item


# One encoder for every row: json.dumps with options builds a new encoder on each call,
# which a 200,000-row import would pay three times a row.
_JSON = json.JSONEncoder(ensure_ascii=False).encode


def _encode_item(item: dict) -> list:
    values = []
    for column in ITEM_COLUMNS:
        value = item.get(column)
        if column in _JSON_COLUMNS:
            value = _JSON(value) if value else ("{}" if column == "extra" else "[]")
        elif column == "source":
            value = value or "hmicfrs"
        values.append(value)
    return values


def get_item(store: Store, ref: str) -> dict | None:
    """One item by ref (case-insensitive), or None."""
    row = store.conn.execute(
        f"SELECT {', '.join(ITEM_COLUMNS)} FROM register_item WHERE ref = ?", [ref.strip()]
    ).fetchone()
    return _item(row) if row else None


def items_by_ref(store: Store) -> dict[str, dict]:
    """Every item keyed by its ref in upper case (for matching an import against the store)."""
    rows = store.conn.execute(f"SELECT {', '.join(ITEM_COLUMNS)} FROM register_item")
    return {r[1].upper(): _item(r) for r in rows}


def query_items(
    store: Store,
    *,
    statuses: list[str] | None = None,
    types: list[str] | None = None,
    scopes: list[str] | None = None,
    sources: list[str] | None = None,
    theme: str | None = None,
    owner: str | None = None,
    since: str | None = None,
    until: str | None = None,
    search: str | None = None,
) -> list[dict]:
    """Items matching every filter given, ordered by published date then ref.

    `search` is matched with FTS5 against ref, text and report title; each word is quoted so
    punctuation in what a user types is never read as FTS syntax.
    """
    where, params = [], []
    for column, values in (
        ("status", statuses),
        ("type", types),
        ("scope", scopes),
        ("source", sources),
    ):
        if values:
            where.append(f"{column} IN ({', '.join('?' * len(values))})")
            params.extend(values)
    if theme:
        where.append("theme = ?")
        params.append(theme)
    if owner:
        where.append("(owner LIKE ? OR action_lead LIKE ?)")
        params.extend([f"%{owner}%"] * 2)
    if since:
        where.append("report_published >= ?")
        params.append(since)
    if until:
        where.append("report_published <= ?")
        params.append(until)
    if search is not None:
        words = [w.replace('"', '""') for w in search.split()]
        if not words:
            return []
        where.append(
            "rowid IN (SELECT rowid FROM register_item_fts WHERE register_item_fts MATCH ?)"
        )
        params.append(" ".join(f'"{w}"' for w in words))
    sql = f"SELECT {', '.join(ITEM_COLUMNS)} FROM register_item"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY report_published IS NULL, report_published, ref"
    return [_item(r) for r in store.conn.execute(sql, params)]


def items(store: Store) -> list[dict]:
    """Every item, by ref, JSON columns decoded (reports, sync, the demo)."""
    rows = store.conn.execute(f"SELECT {ITEM.select()} FROM register_item ORDER BY ref")
    return [_item(r) for r in rows]


def refs(store: Store) -> set[str]:
    """Every item's ref, as stored."""
    return {r[0] for r in store.conn.execute("SELECT ref FROM register_item")}


def status_of(store: Store, ref: str) -> str | None:
    """An item's status (ref matched case-insensitively), or None if there is no such item."""
    row = store.conn.execute("SELECT status FROM register_item WHERE ref = ?", [ref]).fetchone()
    return row[0] if row else None


def insert_item(store: Store, item: dict) -> None:
    """Insert one item; the caller holds the transaction and rebuilds the search index."""
    store.conn.execute(ITEM.insert_sql(), _encode_item(item))


def insert_items(store: Store, items: list[dict]) -> None:
    """Insert many items in one statement batch (an import; the caller holds the transaction)."""
    if items:
        store.conn.executemany(ITEM.insert_sql(), [_encode_item(item) for item in items])


def update_item(store: Store, item: dict) -> None:
    """Replace every column of an existing item (matched by id)."""
    columns = [c for c in ITEM_COLUMNS if c != "id"]
    values = dict(zip(ITEM_COLUMNS, _encode_item(item), strict=True))
    store.conn.execute(
        f"UPDATE register_item SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",
        [values[c] for c in columns] + [values["id"]],
    )


def set_status(store: Store, ref: str, status: str, updated_at: str) -> None:
    store.conn.execute(
        "UPDATE register_item SET status = ?, updated_at = ? WHERE ref = ?",
        [status, updated_at, ref],
    )


def rebuild_search(store: Store) -> None:
    """Bring the full-text index in line with register_item (inside the caller's transaction)."""
    store.conn.execute("INSERT INTO register_item_fts(register_item_fts) VALUES ('rebuild')")


def index_new(store: Store, after_rowid: int) -> None:
    """Add the items inserted after `after_rowid` to the search index (same transaction)."""
    store.conn.execute(
        "INSERT INTO register_item_fts (rowid, ref, text, report_title) "
        "SELECT rowid, ref, text, report_title FROM register_item WHERE rowid > ?",
        [after_rowid],
    )


def _index_arrivals(store: Store, arrival: Arrival) -> None:
    index_new(store, arrival.before_rowid)


# Items are the programme's: added where missing, never overwritten (a status changes only
# through decisions, which travel on their own).
BUNDLE = (Carried(ITEM, REFERENCE, after_insert=_index_arrivals),)


def status_counts(store: Store, source: str = "hmicfrs") -> list[tuple[str, str, str, int]]:
    """(scope, type, status, count) for the items of one source (the PCC's position: HMICFRS)."""
    return store.conn.execute(
        "SELECT scope, type, status, count(*) FROM register_item WHERE source = ? "
        "GROUP BY scope, type, status",
        [source],
    ).fetchall()


def source_counts(store: Store) -> list[tuple[str, str, str, int]]:
    """(source, type, status, count) across every source of learning."""
    return store.conn.execute(
        "SELECT source, type, status, count(*) FROM register_item GROUP BY source, type, status"
    ).fetchall()


def count(store: Store) -> int:
    return store.conn.execute("SELECT count(*) FROM register_item").fetchone()[0]


def outstanding_high_risk(store: Store, statuses: tuple[str, ...]) -> list[dict]:
    """Outstanding items of high risk that name a theme (the planner raises their reviews)."""
    marks = ", ".join("?" * len(statuses))
    return store.rows(
        f"SELECT ref, theme, status, risk, due FROM register_item WHERE status IN ({marks}) "
        "AND lower(trim(coalesce(risk, ''))) = 'high' AND theme IS NOT NULL AND theme != '' ORDER BY ref",
        statuses,
    )
