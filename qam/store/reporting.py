"""Read-only SQL that the reports need, on the shared table contract (CONTRIBUTING.md).

Reports are built while the other capabilities are still landing their tables, and a force
may report on a store where, say, fieldwork has not started. So every query here tolerates a
table or a non-contract column that does not exist yet: a missing table reads as no rows, and a
missing column reads as NULL. Nothing here writes.
"""

from __future__ import annotations

import json

from qam.store.db import Store

REVIEW_COLUMNS = (
    "id",
    "title",
    "theme",
    "unit",
    "start",
    "end",
    "days",
    "question_set",
    "methods",
    "inspection",
    "status",
)
FINDING_COLUMNS = (
    "id",
    "session_id",
    "review_id",
    "question_set",
    "question_set_version",
    "question_id",
    "method",
    "notes",
    "grade",
    "good_practice",
    "concerns",
    "sources",
    "participant_role",
    "participant_unit",
    "reviewer",
    "created_at",
    "classification",
)
REGISTER_COLUMNS = (
    "id",
    "ref",
    "text",
    "type",
    "scope",
    "status",
    "theme",
    "owner",
    "report_title",
    "report_published",
    "report_url",
    "due",
    "extra",
    "updated_at",
    "classification",
)
DECISION_COLUMNS = (
    "id",
    "item_ref",
    "old_status",
    "new_status",
    "reason",
    "evidence",
    "approver",
    "actor",
    "decided_at",
    "source",
)
SESSION_COLUMNS = (
    "id",
    "review_id",
    "method",
    "held_on",
    "place",
    "participants",
    "head_count",
    "reviewer",
    "finalised_at",
)
# Values of a `classification` column (or a register column kept in `extra`) that mark a row
# OFFICIAL-SENSITIVE; compared after lower-casing and dropping spaces, hyphens and underscores.
SENSITIVE_MARKINGS = ("officialsensitive", "os")


def table_exists(store: Store, table: str) -> bool:
    """True if the store has this table (another capability may not have landed it yet)."""
    row = store.conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [table]
    ).fetchone()
    return row is not None


def columns(store: Store, table: str) -> set[str]:
    """The column names a table has in this store (empty if it does not exist)."""
    if not table_exists(store, table):
        return set()
    return {row[1] for row in store.conn.execute(f'PRAGMA table_info("{table}")')}


def _projection(store: Store, table: str, wanted, alias: str | None = None) -> str:
    have = columns(store, table)
    prefix = f"{alias}." if alias else ""
    return ", ".join(f'{prefix}"{c}"' if c in have else f'NULL AS "{c}"' for c in wanted)


def _rows(store: Store, sql: str, params=()) -> list[dict]:
    cur = store.conn.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur]


def _current(store: Store, alias: str = "finding") -> str:
    """SQL condition: the finding is current — not superseded by a correction, and not set aside
    when a conflict between two laptops' corrections was resolved (one pass, not correlated)."""
    if "supersedes" not in columns(store, "finding"):
        return "1"
    condition = f"{alias}.id NOT IN (SELECT supersedes FROM finding WHERE supersedes IS NOT NULL)"
    if table_exists(store, "finding_set_aside"):
        condition += f" AND {alias}.id NOT IN (SELECT finding_id FROM finding_set_aside)"
    return condition


def force_name(store: Store) -> str:
    """The home force's name as `qam init` recorded it."""
    return store.setting("force_name") or "The force"


# --- the programme -----------------------------------------------------------------------


def reviews(store: Store) -> list[dict]:
    """Every review in the programme, earliest first; `methods` decoded to a list."""
    if not table_exists(store, "review"):
        return []
    rows = _rows(
        store,
        f'SELECT {_projection(store, "review", REVIEW_COLUMNS)} FROM review ORDER BY "start", id',
    )
    for row in rows:
        row["methods"] = _json_list(row["methods"])
    return rows


def review(store: Store, review_id: str) -> dict | None:
    """One review by id, or None."""
    for row in reviews(store):
        if row["id"] == review_id:
            return row
    return None


def review_team(store: Store) -> list[dict]:
    """(review_id, sme_id, name, role, unit) for every team place."""
    if not table_exists(store, "review_team"):
        return []
    if not table_exists(store, "sme"):
        return _rows(
            store,
            "SELECT review_id, sme_id, NULL AS name, NULL AS role, NULL AS unit "
            "FROM review_team ORDER BY review_id, sme_id",
        )
    return _rows(
        store,
        "SELECT t.review_id, t.sme_id, s.name, s.role, s.unit FROM review_team t "
        "LEFT JOIN sme s ON s.id = t.sme_id ORDER BY t.review_id, t.sme_id",
    )


def smes(store: Store) -> list[dict]:
    """The SME pool: id, name, role, unit."""
    if not table_exists(store, "sme"):
        return []
    return _rows(
        store,
        f"SELECT {_projection(store, 'sme', ('id', 'name', 'role', 'unit'))} FROM sme ORDER BY id",
    )


def inspections(store: Store) -> list[dict]:
    """The expected external inspections (DESIGN.md section 5 columns)."""
    if not table_exists(store, "inspection"):
        return []
    cols = ("id", "title", "kind", "theme", "expected")
    return _rows(
        store,
        f"SELECT {_projection(store, 'inspection', cols)} FROM inspection ORDER BY expected, id",
    )


def areas_of_interest(store: Store) -> list[dict]:
    """The areas of interest raised by the force's governance bodies."""
    if not table_exists(store, "area_of_interest"):
        return []
    cols = ("id", "title", "theme", "source", "priority", "raised")
    return _rows(
        store,
        f"SELECT {_projection(store, 'area_of_interest', cols)} FROM area_of_interest ORDER BY id",
    )


def abstraction_cap(store: Store, default: int = 10) -> int:
    """The SME abstraction cap in working days a financial year (a setting, else 10)."""
    for key in ("abstraction_cap", "cap_days", "plan.cap_days"):
        value = store.setting(key)
        if value and str(value).strip().isdigit():
            return int(value)
    return default


# --- fieldwork ---------------------------------------------------------------------------


def session_counts(store: Store) -> list[dict]:
    """Per review: capture sessions held and how many are finalised."""
    if not table_exists(store, "capture_session"):
        return []
    finalised = (
        "SUM(CASE WHEN finalised_at IS NOT NULL THEN 1 ELSE 0 END)"
        if "finalised_at" in columns(store, "capture_session")
        else "0"
    )
    return _rows(
        store,
        f"SELECT review_id, COUNT(*) AS sessions, {finalised} AS finalised "
        "FROM capture_session GROUP BY review_id",
    )


def sessions(store: Store, review_id: str) -> list[dict]:
    """The capture sessions of one review (stakeholder detail: participants by role and unit)."""
    if not table_exists(store, "capture_session"):
        return []
    rows = _rows(
        store,
        f"SELECT {_projection(store, 'capture_session', SESSION_COLUMNS)} "
        "FROM capture_session WHERE review_id = ? ORDER BY held_on, id",
        [review_id],
    )
    for row in rows:
        row["participants"] = _json_list(row["participants"])
    return rows


def finding_counts(store: Store) -> list[dict]:
    """Per review: current findings, graded findings, good-practice findings."""
    if not table_exists(store, "finding"):
        return []
    return _rows(
        store,
        "SELECT review_id, COUNT(*) AS findings, "
        "SUM(CASE WHEN grade IS NOT NULL THEN 1 ELSE 0 END) AS graded, "
        "SUM(CASE WHEN good_practice THEN 1 ELSE 0 END) AS good_practice "
        f"FROM finding WHERE {_current(store)} GROUP BY review_id",
    )


def graded_finding_totals(store: Store) -> list[dict]:
    """Current graded findings grouped by review, question and grade, with their sources.

    One row per (review_id, question_set, question_set_version, question_id, grade):
    `findings` (how many) and `sources` (the sum of each finding's sources, at least 1 each).
    Grouping in SQL keeps the readiness analysis fast on 200,000 findings.
    """
    if not table_exists(store, "finding"):
        return []
    return _rows(
        store,
        "SELECT review_id, question_set, question_set_version, question_id, grade, "
        "COUNT(*) AS findings, SUM(MAX(COALESCE(sources, 1), 1)) AS sources "
        f"FROM finding WHERE grade IS NOT NULL AND {_current(store)} "
        "GROUP BY review_id, question_set, question_set_version, question_id, grade",
    )


def question_totals(store: Store) -> list[dict]:
    """Current findings grouped by review and question (coverage of PEEL areas)."""
    if not table_exists(store, "finding"):
        return []
    return _rows(
        store,
        "SELECT review_id, question_set, question_id, COUNT(*) AS findings, "
        "SUM(CASE WHEN good_practice THEN 1 ELSE 0 END) AS good_practice "
        f"FROM finding WHERE {_current(store)} "
        "GROUP BY review_id, question_set, question_id",
    )


def findings(
    store: Store, *, review_id: str | None = None, good_practice: bool = False
) -> list[dict]:
    """Current findings (corrections replace what they supersede), oldest first."""
    if not table_exists(store, "finding"):
        return []
    where = [_current(store)]
    params: list = []
    if review_id is not None:
        where.append("review_id = ?")
        params.append(review_id)
    if good_practice:
        where.append("good_practice")
    return _rows(
        store,
        f"SELECT {_projection(store, 'finding', FINDING_COLUMNS)} FROM finding "
        f"WHERE {' AND '.join(where)} ORDER BY created_at, id",
        params,
    )


def finding_links(store: Store, review_id: str | None = None) -> list[dict]:
    """(finding_id, item_ref) pairs, for one review's current findings or all."""
    if not (table_exists(store, "finding_link") and table_exists(store, "finding")):
        return []
    sql = (
        "SELECT l.finding_id, l.item_ref FROM finding_link l JOIN finding ON finding.id = l.finding_id "
        f"WHERE {_current(store)}"
    )
    params = []
    if review_id is not None:
        sql += " AND finding.review_id = ?"
        params.append(review_id)
    return _rows(store, sql + " ORDER BY l.item_ref", params)


# --- the register ------------------------------------------------------------------------


def register_items(store: Store) -> list[dict]:
    """Every register item, by ref; `extra` decoded to a dict."""
    if not table_exists(store, "register_item"):
        return []
    rows = _rows(
        store,
        f"SELECT {_projection(store, 'register_item', REGISTER_COLUMNS)} "
        "FROM register_item ORDER BY ref",
    )
    for row in rows:
        try:
            extra = json.loads(row["extra"]) if row["extra"] else {}
        except (TypeError, ValueError):
            extra = {}
        row["extra"] = extra if isinstance(extra, dict) else {}
    return rows


def status_decisions(store: Store, limit: int = 20) -> list[dict]:
    """The most recent status decisions, newest first."""
    if not table_exists(store, "status_decision"):
        return []
    return _rows(
        store,
        f"SELECT {_projection(store, 'status_decision', DECISION_COLUMNS)} "
        "FROM status_decision ORDER BY decided_at DESC, id LIMIT ?",
        [limit],
    )


# --- classification ----------------------------------------------------------------------


def is_sensitive_marking(value) -> bool:
    """True if a classification value reads as OFFICIAL-SENSITIVE (any spelling)."""
    if value is None:
        return False
    text = "".join(ch for ch in str(value).lower() if ch.isalnum())
    return text in SENSITIVE_MARKINGS


def sensitive_rows(store: Store) -> list[str]:
    """What in the store is marked OFFICIAL-SENSITIVE: 'finding <id>' / 'register item <ref>'.

    A `classification` column on `finding` or `register_item`, or a register spreadsheet column
    kept in `extra` whose name mentions classification or marking.
    """
    found = []
    if "classification" in columns(store, "finding"):
        for fid, value in store.conn.execute(
            f"SELECT id, classification FROM finding WHERE classification IS NOT NULL AND {_current(store)}"
        ):
            if is_sensitive_marking(value):
                found.append(f"finding {fid}")
    for item in register_items(store):
        values = [item.get("classification")] + [
            v
            for k, v in item["extra"].items()
            if any(word in str(k).lower() for word in ("classification", "marking"))
        ]
        if any(is_sensitive_marking(v) for v in values):
            found.append(f"register item {item['ref']}")
    return found


def stored_question_sets(store: Store) -> list[dict]:
    """The question set versions loaded into this store (id, version, body JSON)."""
    if not table_exists(store, "question_set"):
        return []
    return _rows(store, "SELECT id, version, body FROM question_set ORDER BY id, version")


def _json_list(value) -> list:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    try:
        decoded = json.loads(value)
    except (TypeError, ValueError):
        return [part for part in str(value).split(";") if part]
    return decoded if isinstance(decoded, list) else []
