"""Reading findings: one, a review's or a session's (their current versions, or all), a
finding's later versions, and which findings a retention purge has still to blank."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

from qam.store import moderation
from qam.store.db import chunks
from qam.store.findings.table import FINDING

if TYPE_CHECKING:
    from qam.store.db import Store


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
