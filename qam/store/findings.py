"""Findings: `finding` and its full-text index `finding_fts`, and `finding_link` (a finding's
register items). How two laptops' corrections of one finding are told apart and resolved is
in `qam/store/finding_conflicts.py`.

This module is the one writer of findings: `save_findings` (an answer, a correction, a load
test, a survey) and `merge_staged` (a sync bundle) both add each new finding to the search
index in the same transaction. The index has no triggers: with trusted_schema=OFF SQLite
refuses to touch a virtual table from a trigger.

Findings are never changed in place (a trigger refuses it): a revised answer or a correction
is a new row whose `supersedes` names the one it replaces. That is what lets a laptop's work
merge by UUID without ever overwriting anything, and what keeps "Saved." true forever.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING

from qam.store import moderation
from qam.store.db import chunks
from qam.store.schema import IMMUTABLE, Arrival, Carried, Table

if TYPE_CHECKING:
    from qam.store.db import Store

FINDING = Table(
    "finding",
    (
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
        "supersedes",
        "responses",
        "grade_counts",
        "enablers",
    ),
    key=("id",),
    about={
        "session_id": "The capture session (interview, focus group, observation...) it came from.",
        "review_id": "The review it belongs to.",
        "question_set": "The question set asked (its version beside it).",
        "question_id": "The question of the question set it answers.",
        "method": "How the evidence was gathered.",
        "notes": "What the evidence shows, in the reviewer's words (people by role, never "
        "by name).",
        "grade": "The reviewer's judgement on the PEEL scale (a moderated grade may replace it).",
        "good_practice": "1 when it is good practice worth sharing.",
        "concerns": "Anything the reviewer flagged for the review lead.",
        "sources": "How many independent sources support it.",
        "participant_role": "Who gave the evidence, by role.",
        "participant_unit": "Their unit.",
        "reviewer": "Who recorded it.",
        "supersedes": "The finding this one corrects (a correction is a new finding).",
        "responses": "For a survey: how many answered.",
        "grade_counts": "For a survey: how many gave each grade.",
        "enablers": "The enablers it speaks to (leadership, partnership, culture, technology).",
    },
)
LINK = Table("finding_link", ("finding_id", "item_ref"), key=("finding_id", "item_ref"))


def _index_arrivals(store: Store, arrival: Arrival) -> None:
    _index_new(store, arrival.before_rowid)


# Findings and links are inserted once (same id, other content: refused); records purged
# under retention never come back.
BUNDLE = (
    Carried(FINDING, IMMUTABLE, purged_as=("finding", "id"), after_insert=_index_arrivals),
    Carried(LINK, IMMUTABLE, purged_as=("finding", "finding_id")),
)
_NO_UPDATE = (
    "SELECT RAISE(ABORT, 'a finding is never changed in place; record a correction with "
    "qam findings correct'); END"
)


def guards(not_purging: str) -> dict[str, str]:
    """The findings' locks as m006_retention made them, open only while a purge runs
    (`qam.store.guards` puts them back if dropped)."""
    return {
        "finding_no_update": f"CREATE TRIGGER finding_no_update BEFORE UPDATE ON finding WHEN "
        f"{not_purging} BEGIN SELECT RAISE(ABORT, 'a finding is never changed in place; "
        "record a correction with qam findings correct'); END",
        "finding_no_delete": f"CREATE TRIGGER finding_no_delete BEFORE DELETE ON finding WHEN "
        f"{not_purging} BEGIN SELECT RAISE(ABORT, 'a finding is never deleted; record a "
        "correction with qam findings correct'); END",
    }


def create(conn: sqlite3.Connection) -> None:
    """m004_fieldwork: findings, their links, the locks, the search index."""
    conn.execute(
        """CREATE TABLE finding (
            id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES capture_session(id),
            review_id TEXT NOT NULL, question_set TEXT NOT NULL,
            question_set_version INTEGER NOT NULL, question_id TEXT NOT NULL,
            method TEXT NOT NULL, notes TEXT NOT NULL DEFAULT '', grade TEXT,
            good_practice INTEGER NOT NULL DEFAULT 0, concerns TEXT, sources INTEGER,
            participant_role TEXT, participant_unit TEXT, reviewer TEXT NOT NULL,
            created_at TEXT NOT NULL, supersedes TEXT, responses INTEGER, grade_counts TEXT)"""
    )
    conn.execute("CREATE INDEX finding_session ON finding(session_id)")
    conn.execute("CREATE INDEX finding_review ON finding(review_id)")
    conn.execute("CREATE INDEX finding_supersedes ON finding(supersedes)")
    conn.execute(f"CREATE TRIGGER finding_no_update BEFORE UPDATE ON finding BEGIN {_NO_UPDATE}")
    conn.execute(
        "CREATE TRIGGER finding_no_delete BEFORE DELETE ON finding BEGIN SELECT RAISE(ABORT, "
        "'a finding is never deleted; record a correction with qam findings correct'); END"
    )
    conn.execute(
        "CREATE TABLE finding_link (finding_id TEXT NOT NULL REFERENCES finding(id), "
        "item_ref TEXT NOT NULL, PRIMARY KEY (finding_id, item_ref))"
    )
    # The DDL sqlite-utils' enable_fts wrote when QAM 0.1 made this migration, unchanged.
    conn.execute(
        'CREATE VIRTUAL TABLE "finding_fts" USING FTS5 (\n    "notes", "concerns",'
        "\n    tokenize='porter',\n    content=\"finding\"\n)"
    )


def add_enablers(conn: sqlite3.Connection) -> None:
    """m012_finding_enablers: the enablers a finding speaks to, a JSON list of slugs in the
    vocabulary's order. NULL on a finding saved before QAM recorded them: readers take its
    question's enablers (a finding is never changed in place, so none is back-filled)."""
    conn.execute("ALTER TABLE finding ADD COLUMN enablers TEXT")


def index_answers(conn: sqlite3.Connection) -> None:
    """m016_answer_index: a session's findings indexed by question too, so the answer a new
    one supersedes is one lookup however long the session (the index still serves every
    lookup by session alone)."""
    conn.execute("DROP INDEX finding_session")
    conn.execute(
        "CREATE INDEX finding_session_question ON finding(session_id, question_id, created_at)"
    )


def lock_unless_purging(conn: sqlite3.Connection, not_purging: str) -> None:
    """m006_retention: the findings' locks open only while a retention purge runs."""
    for name, ddl in guards(not_purging).items():
        conn.execute(f"DROP TRIGGER {name}")
        conn.execute(ddl)


# ----------------------------------------------------------------------------- writing


_NOTES, _CONCERNS = FINDING.columns.index("notes"), FINDING.columns.index("concerns")


def _last_rowid(store: Store) -> int:
    return store.conn.execute("SELECT coalesce(max(rowid), 0) FROM finding").fetchone()[0]


def _index_new(store: Store, after_rowid: int) -> None:
    """Add the findings inserted after `after_rowid` to the search index (same transaction)."""
    store.conn.execute(
        "INSERT INTO finding_fts (rowid, notes, concerns) SELECT rowid, notes, concerns "
        "FROM finding WHERE rowid > ?",
        [after_rowid],
    )


def save_findings(
    store: Store, findings: Iterable[dict], links: Iterable[tuple[str, str]] = ()
) -> None:
    """Save new findings and their (finding id, register ref) links, searchable, in one
    transaction: one answer, a correction, a survey, or a load test's thousands."""
    findings = list(findings)
    with store.transaction():
        if len(findings) == 1:  # an answer: indexed from its own values, not found again
            row = [findings[0].get(c) for c in FINDING.columns]
            rowid = store.conn.execute(FINDING.insert_sql(), row).lastrowid
            store.conn.execute(
                "INSERT INTO finding_fts (rowid, notes, concerns) VALUES (?, ?, ?)",
                [rowid, row[_NOTES], row[_CONCERNS]],
            )
        else:
            before = _last_rowid(store)
            store.conn.executemany(
                FINDING.insert_sql(), ([f.get(c) for c in FINDING.columns] for f in findings)
            )
            _index_new(store, before)
        store.conn.executemany(LINK.insert_sql(verb="INSERT OR IGNORE"), links)


def save_finding(store: Store, finding: dict, links: Iterable[str] = ()) -> None:
    """Save one new finding with its links (see `save_findings`)."""
    save_findings(store, [finding], [(finding["id"], ref) for ref in links])


# ----------------------------------------------------------------------------- reading


def current_condition(alias: str = "finding") -> str:
    """SQL: the finding is current (not replaced by a correction, not set aside by a resolution).

    Anything that reports "the current version" of findings uses this condition, so a
    resolved conflict between two laptops' corrections shows one version everywhere.
    """
    return (
        f"NOT EXISTS (SELECT 1 FROM finding n WHERE n.supersedes = {alias}.id) "
        f"AND {alias}.id NOT IN (SELECT finding_id FROM finding_set_aside)"
    )


def _select(current_only: bool) -> str:
    sql = (
        f"SELECT {FINDING.select(alias='f')}, (SELECT json_group_array(item_ref) FROM "
        "(SELECT item_ref FROM finding_link l WHERE l.finding_id = f.id ORDER BY item_ref)) "
        f"AS links, {moderation.moderated_grade_sql('f')} AS moderated_grade FROM finding f"
    )
    if current_only:
        sql += f" WHERE {current_condition('f')}"
    return sql


def _decode(row: dict) -> dict:
    row["links"] = json.loads(row.get("links") or "[]")
    row["good_practice"] = bool(row["good_practice"])
    if row.get("grade_counts"):
        row["grade_counts"] = json.loads(row["grade_counts"])
    if row.get("enablers") is not None:
        row["enablers"] = json.loads(row["enablers"])
    return row


def finding(store: Store, finding_id: str) -> dict | None:
    """One finding (any version) with its links, or None."""
    rows = store.rows(_select(False) + " WHERE f.id = ?", [finding_id])
    return _decode(rows[0]) if rows else None


def findings(
    store: Store,
    *,
    review_id: str | None = None,
    session_id: str | None = None,
    search: str | None = None,
    current_only: bool = True,
    good_practice: bool | None = None,
) -> list[dict]:
    """Findings with their links, by review then time; `search` is an FTS5 query."""
    sql = _select(current_only)
    where: list[str] = []
    params: list[object] = []
    if review_id:
        where.append("f.review_id = ?")
        params.append(review_id)
    if session_id:
        where.append("f.session_id = ?")
        params.append(session_id)
    if good_practice is not None:
        where.append("f.good_practice = ?")
        params.append(int(good_practice))
    if search:
        where.append("f.rowid IN (SELECT rowid FROM finding_fts WHERE finding_fts MATCH ?)")
        params.append(search)
    if where:
        sql += (" AND " if current_only else " WHERE ") + " AND ".join(where)
    sql += " ORDER BY f.review_id, f.created_at, f.id"
    return [_decode(r) for r in store.rows(sql, params)]


CURRENT_ANSWER = (
    f"SELECT f.id FROM finding f WHERE f.session_id = ? AND f.question_id = ? AND "
    f"{current_condition('f')} ORDER BY f.created_at DESC LIMIT 1"
)


def current_answer_id(store: Store, session_id: str, question_id: str) -> str | None:
    """The current finding answering a question in a session (the newest, should two laptops'
    corrections both stand), or None: what a new answer to that question supersedes.

    The index is walked newest first and stops at the first current finding, so a saved
    answer costs the same at the two-hundredth revision of a question as at the first."""
    row = store.conn.execute(CURRENT_ANSWER, [session_id, question_id]).fetchone()
    return row[0] if row else None


def count(store: Store) -> int:
    return store.conn.execute("SELECT count(*) FROM finding").fetchone()[0]


def superseded_by(store: Store, finding_id: str) -> list[str]:
    return [
        r[0]
        for r in store.conn.execute(
            "SELECT id FROM finding WHERE supersedes = ? ORDER BY created_at", [finding_id]
        )
    ]


def descendants(store: Store, finding_id: str) -> list[dict]:
    """Every later version of a finding (corrections of corrections), with whether it is current."""
    return store.rows(
        f"""WITH RECURSIVE d(id) AS (
            SELECT id FROM finding WHERE supersedes = ?
            UNION SELECT f.id FROM finding f JOIN d ON f.supersedes = d.id)
        SELECT f.id, f.supersedes, f.created_at, f.reviewer, ({current_condition("f")}) AS current
        FROM finding f WHERE f.id IN (SELECT id FROM d) ORDER BY f.created_at, f.id""",
        [finding_id],
    )


def forked_findings(store: Store, ids: Iterable[str] | None = None) -> dict[str, list[str]]:
    """Findings corrected more than once in parallel: finding id -> its direct successors.

    One store never makes two corrections of one version (`correct` refuses); two laptops can.
    """
    sql = "SELECT supersedes, id FROM finding WHERE supersedes IS NOT NULL"
    queries: list[tuple[str, list[str]]]
    if ids is None:
        queries = [(sql, [])]
    else:
        queries = [
            (f"{sql} AND supersedes IN ({marks})", chunk)
            for chunk, marks in chunks(sorted(set(ids)))
        ]
    children: dict[str, list[str]] = {}
    for query, params in queries:
        for parent, child in store.conn.execute(query + " ORDER BY supersedes, id", params):
            children.setdefault(parent, []).append(child)
    return {k: sorted(v) for k, v in sorted(children.items()) if len(v) > 1}


# ----------------------------------------------------------------------------- for reports


def counts_by_review(store: Store) -> list[dict]:
    """Per review: current findings, graded findings, good-practice findings."""
    return store.rows(
        "SELECT review_id, COUNT(*) AS findings, "
        "SUM(CASE WHEN grade IS NOT NULL THEN 1 ELSE 0 END) AS graded, "
        "SUM(CASE WHEN good_practice THEN 1 ELSE 0 END) AS good_practice "
        f"FROM finding WHERE {current_condition()} GROUP BY review_id"
    )


def graded_totals(store: Store) -> list[dict]:
    """Current graded findings grouped by review, question and grade, with their sources.

    One row per (review_id, question_set, question_set_version, question_id, grade):
    `findings` (how many) and `sources` (the sum of each finding's sources, at least 1 each).
    A moderated finding counts with its moderated grade. Grouping in SQL keeps the readiness
    analysis fast on 200,000 findings.
    """
    return store.rows(
        "SELECT review_id, question_set, question_set_version, question_id, grade, "
        "COUNT(*) AS findings, SUM(MAX(COALESCE(sources, 1), 1)) AS sources FROM (SELECT "
        f"review_id, question_set, question_set_version, question_id, sources, "
        f"{moderation.reported_grade_sql()} AS grade FROM finding "
        f"WHERE finding.grade IS NOT NULL AND {current_condition()}) "
        "GROUP BY review_id, question_set, question_set_version, question_id, grade"
    )


def moderated_count(store: Store, review_id: str | None = None) -> int:
    """How many current findings (of one review, or of all) report a moderated grade."""
    sql = f"SELECT count(*) FROM finding WHERE {moderation.is_moderated_sql()} AND {current_condition()}"
    params = [review_id] if review_id else []
    return store.conn.execute(sql + (" AND review_id = ?" if review_id else ""), params).fetchone()[
        0
    ]


def question_totals(store: Store) -> list[dict]:
    """Current findings grouped by review and question (coverage of PEEL areas)."""
    return store.rows(
        "SELECT review_id, question_set, question_id, COUNT(*) AS findings, "
        "SUM(CASE WHEN good_practice THEN 1 ELSE 0 END) AS good_practice "
        f"FROM finding WHERE {current_condition()} "
        "GROUP BY review_id, question_set, question_id"
    )


def enabler_totals(store: Store, review_ids: Iterable[str] | None = None) -> list[dict]:
    """Current findings grouped by review, question, stored enablers (the JSON text, or None),
    reported grade (the moderated one where there is one), good practice and whether a concern was raised, with how many (`findings`): what
    the reports' enabler tables count, grouped in SQL so a million findings are not read."""
    sql = (
        "SELECT review_id, question_set, question_id, enablers, "
        f"{moderation.reported_grade_sql()} AS grade, good_practice, "
        "(concerns IS NOT NULL AND trim(concerns) != '') AS concerns, COUNT(*) AS findings "
        f"FROM finding WHERE {current_condition()}"
    )
    group = " GROUP BY review_id, question_set, question_id, enablers, 5, 6, 7"
    if review_ids is None:
        return store.rows(sql + group)
    rows: list[dict] = []
    for chunk, marks in chunks(sorted(set(review_ids))):
        rows += store.rows(f"{sql} AND review_id IN ({marks}){group}", chunk)
    return rows


def _tagged(enabler: str | None, untagged: Iterable[tuple[str, str]]) -> tuple[str, list]:
    """SQL and parameters: the finding speaks to `enabler`, by its stored enablers, or, when it
    has none stored, by its question's (`untagged`: the (set, question) pairs tagged with it)."""
    if not enabler:
        return "", []
    pairs = sorted(set(untagged))
    legacy = " OR ".join("(question_set = ? AND question_id = ?)" for _ in pairs) or "0"
    return (
        " AND (EXISTS (SELECT 1 FROM json_each(finding.enablers) WHERE value = ?) "
        f"OR (finding.enablers IS NULL AND ({legacy})))",
        [enabler, *(v for pair in pairs for v in pair)],
    )


def _period(since: str | None, until: str | None) -> tuple[str, list]:
    """SQL and parameters: created on or after `since`, on or before `until` (ISO dates)."""
    sql, params = "", []
    if since:
        sql += " AND created_at >= ?"
        params.append(since)
    if until:
        sql += " AND substr(created_at, 1, 10) <= ?"
        params.append(until)
    return sql, params


def good_practice_totals(
    store: Store,
    *,
    since: str | None = None,
    until: str | None = None,
    enabler: str | None = None,
    untagged: Iterable[tuple[str, str]] = (),
) -> list[dict]:
    """Current good-practice findings per review and question, with the newest one's time:
    review_id, question_set, question_id, findings, newest. Grouped in SQL, so a library of a
    million findings is counted without reading them. `enabler`: only those speaking to it
    (see `_tagged`)."""
    period, params = _period(since, until)
    tagged, more = _tagged(enabler, untagged)
    return store.rows(
        "SELECT review_id, question_set, question_id, COUNT(*) AS findings, "
        "MAX(created_at) AS newest FROM finding "
        f"WHERE good_practice AND {current_condition()}{period}{tagged} "
        "GROUP BY review_id, question_set, question_id",
        params + more,
    )


def good_practice_newest(
    store: Store,
    review_ids: Iterable[str],
    *,
    limit: int,
    since: str | None = None,
    until: str | None = None,
    note_chars: int = 2000,
    enabler: str | None = None,
    untagged: Iterable[tuple[str, str]] = (),
) -> list[dict]:
    """The newest current good-practice findings of these reviews, newest first, at most
    `limit`, notes cut to `note_chars` + 1 characters (so a caller can tell it was cut)."""
    ids = list(review_ids)
    if not ids:
        return []
    period, params = _period(since, until)
    tagged, more = _tagged(enabler, untagged)
    marks = ", ".join("?" * len(ids))
    return store.rows(
        "SELECT id, review_id, question_set, question_id, substr(notes, 1, ?) AS notes, "
        f"{moderation.reported_grade_sql()} AS grade, sources, method, participant_role, "
        f"created_at, enablers FROM finding "
        f"WHERE good_practice AND review_id IN ({marks}) AND {current_condition()}{period}"
        f"{tagged} ORDER BY created_at DESC, id DESC LIMIT ?",
        [note_chars + 1, *ids, *params, *more, limit],
    )


# ----------------------------------------------------------------------------- retention


def unpurged_ids(store: Store, review_ids: list[str]) -> dict[str, list[str]]:
    """review id -> ids of its findings (every version) not purged yet.

    A finding counts for a review by its own review id or by its session's, so a finding is
    never left holding text when its session is blanked.
    """
    found: dict[str, list[str]] = {r: [] for r in review_ids}
    for chunk, marks in chunks(review_ids):
        for review_id, finding_id in store.conn.execute(
            "SELECT coalesce(s.review_id, f.review_id), f.id FROM finding f "
            "LEFT JOIN capture_session s ON s.id = f.session_id "
            f"WHERE (f.review_id IN ({marks}) OR s.review_id IN ({marks})) AND f.id NOT IN "
            "(SELECT record_id FROM purged_record WHERE record_table = 'finding') "
            "ORDER BY f.review_id, f.created_at, f.id",
            chunk + chunk,
        ):
            if review_id in found:
                found[review_id].append(finding_id)
    return found


def present_ids(store: Store, ids: Iterable[str]) -> list[str]:
    """Those of `ids` that this store holds."""
    found: list[str] = []
    for chunk, marks in chunks(sorted(set(ids))):
        sql = f"SELECT id FROM finding WHERE id IN ({marks})"
        found += [r[0] for r in store.conn.execute(sql, chunk)]
    return sorted(found)


def blank_text(store: Store, ids: list[str]) -> None:
    """Retention: blank a finding's words (notes, concerns, participant); the row stays."""
    for chunk, marks in chunks(ids):
        store.conn.execute(
            "UPDATE finding SET notes = '', concerns = NULL, participant_role = NULL, "
            f"participant_unit = NULL WHERE id IN ({marks})",
            chunk,
        )


def rebuild_search(store: Store) -> None:
    """Rebuild the search index from the finding table as it is now (after a purge or VACUUM)."""
    store.conn.execute("INSERT INTO finding_fts(finding_fts) VALUES ('rebuild')")
