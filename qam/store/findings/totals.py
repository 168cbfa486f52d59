"""Findings counted for the reports, grouped in SQL so that a million findings are counted
without being read."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from qam.store import moderation
from qam.store.db import chunks
from qam.store.findings.reading import current_condition

if TYPE_CHECKING:
    from qam.store.db import Store


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
