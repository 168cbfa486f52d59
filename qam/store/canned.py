"""The canned queries `qam serve` offers in the stakeholder view: what people ask of the
programme store, as read-only SQL over the owners' tables.

They are the one place SQL reads across several owners for the browser; the conditions that
belong to an owner come from it (a current finding is `findings.current_condition`). Labels
for slugs come from `qam.vocabulary` (and the store's own `theme` table), so a canned query
shows "Being progressed", not `being_progressed`, beside the slug a script filters on.
"""

from __future__ import annotations

from dataclasses import dataclass

from qam.store.findings import current_condition
from qam.store.moderation import reported_grade_sql
from qam.vocabulary import (
    GRADES,
    METHODS,
    OUTSTANDING_STATUSES,
    REGISTER_SCOPES,
    REGISTER_SOURCES,
    REGISTER_TYPES,
    STATUSES,
    label,
)


@dataclass(frozen=True)
class Canned:
    name: str
    title: str
    description: str
    sql: str


def _quoted(values) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


def _words() -> str:
    """A CTE `words(slug, words, rank)`: every fixed vocabulary's slugs, labels and order."""
    rows = []
    for group in (STATUSES, REGISTER_TYPES, REGISTER_SCOPES, REGISTER_SOURCES, GRADES, METHODS):
        rows += [(slug, label(slug), rank) for rank, slug in enumerate(group)]
    values = ", ".join("('{}', '{}', {})".format(s, w.replace("'", "''"), r) for s, w, r in rows)
    return f"words(slug, words, rank) AS (VALUES {values})"


def _w(column: str) -> str:
    return f"(SELECT words FROM words WHERE slug = {column})"


def _r(column: str) -> str:
    return f"(SELECT rank FROM words WHERE slug = {column})"


def _theme(column: str) -> str:
    return f"coalesce((SELECT label FROM theme t WHERE t.slug = {column}), {column})"


OUTSTANDING = f"status IN ({_quoted(OUTSTANDING_STATUSES)})"
HMICFRS = "source = 'hmicfrs'"  # the PCC's position is HMICFRS's items (qam recs summary)
# The financial year that holds today: 1 April to 31 March.
YEAR_START = (
    "CASE WHEN strftime('%m', 'now') >= '04' THEN strftime('%Y', 'now') || '-04-01' "
    "ELSE (strftime('%Y', 'now') - 1) || '-04-01' END"
)


def queries() -> list[Canned]:
    words = _words()
    grade = reported_grade_sql("f")  # the moderated grade where there is one, as reports use
    return [
        Canned(
            "pcc_position",
            "The position, as the force reports it to the PCC",
            "HMICFRS's items by scope and status (the figures of `qam recs summary`; the "
            "other sources of learning are in outstanding_by_owner and overdue).",
            f"WITH {words} SELECT scope, {_w('scope')} AS scope_label, status, "
            f"{_w('status')} AS status_label, CASE WHEN {OUTSTANDING} THEN 'yes' ELSE 'no' END "
            f"AS outstanding, count(*) AS items FROM register_item WHERE {HMICFRS} "
            "GROUP BY scope, status "
            f"ORDER BY {_r('scope')}, {_r('status')}",
        ),
        Canned(
            "outstanding_by_type_and_scope",
            "Outstanding items by type and scope",
            "Items being progressed, to be progressed or awaiting review, by source of "
            "learning (HMICFRS, IOPC, coroners, internal audit), type and scope.",
            f"WITH {words} SELECT source, {_w('source')} AS source_label, type, "
            f"{_w('type')} AS type_label, scope, {_w('scope')} AS scope_label, count(*) AS items "
            f"FROM register_item WHERE {OUTSTANDING} GROUP BY source, type, scope "
            f"ORDER BY {_r('source')}, {_r('type')}, {_r('scope')}",
        ),
        Canned(
            "outstanding_by_owner",
            "Outstanding items owned by someone",
            "Every outstanding item whose owner or action lead contains the words given "
            "(for example ACC Operations), optionally of one type (recommendation, "
            "area_for_improvement, cause_of_concern; blank for all).",
            f"WITH {words} SELECT ref, {_w('type')} AS type, {_w('status')} AS status, "
            f"{_theme('theme')} AS theme, owner, action_lead, due, text FROM register_item "
            f"WHERE {OUTSTANDING} AND (owner LIKE '%' || :owner || '%' "
            "OR action_lead LIKE '%' || :owner || '%') AND (:type = '' OR type = :type) "
            "ORDER BY due IS NULL, due, ref",
        ),
        Canned(
            "overdue",
            "Overdue items",
            "Outstanding items whose due date has passed, the longest overdue first "
            "(days overdue are calendar days).",
            f"WITH {words} SELECT ref, {_w('type')} AS type, {_w('scope')} AS scope, "
            f"{_w('status')} AS status, owner, due, "
            "CAST(julianday('now') - julianday(due) AS INTEGER) AS days_overdue, text "
            f"FROM register_item WHERE {OUTSTANDING} AND due IS NOT NULL AND due != '' "
            "AND due < date('now') ORDER BY due, ref",
        ),
        Canned(
            "findings_by_theme_and_grade",
            "Findings by theme and grade",
            "Current findings (corrections replace what they correct) by their review's theme "
            "and their grade (the moderated grade where a grade was moderated).",
            f"WITH {words} SELECT r.theme, {_theme('r.theme')} AS theme_label, "
            f"coalesce({grade}, 'not_assessed') AS grade, coalesce({_w(grade)}, "
            "'Not assessed') AS grade_label, count(*) AS findings FROM finding f "
            f"JOIN review r ON r.id = f.review_id WHERE {current_condition('f')} "
            f"GROUP BY r.theme, 3 ORDER BY theme_label, {_r('grade')}",
        ),
        Canned(
            "findings_on_theme",
            "Findings on a theme since a date",
            "Current findings of reviews on one theme (its slug, for example stop_and_search), "
            "recorded on or after a date (YYYY-MM-DD).",
            f"WITH {words} SELECT f.review_id AS review, f.question_id AS question, "
            f"{_w('f.method')} AS method, {_w(grade)} AS grade, f.good_practice, f.sources, "
            "f.notes, substr(f.created_at, 1, 10) AS recorded FROM finding f "
            f"JOIN review r ON r.id = f.review_id WHERE {current_condition('f')} "
            "AND r.theme = :theme AND f.created_at >= :since ORDER BY f.created_at",
        ),
        Canned(
            "review_findings",
            "A review's findings",
            "Every current finding of one review (its id), question by question.",
            f"WITH {words} SELECT f.question_id AS question, {_w('f.method')} AS method, "
            f"{_w(grade)} AS grade, f.good_practice, f.sources, f.notes, "
            "f.participant_role, (SELECT group_concat(item_ref, ', ') FROM finding_link l "
            "WHERE l.finding_id = f.id) AS register_items, f.created_at, f.id FROM finding f "
            f"WHERE f.review_id = :review AND {current_condition('f')} "
            "ORDER BY f.question_id, f.created_at",
        ),
        Canned(
            "sme_abstraction_this_year",
            "SMEs' abstraction this financial year",
            "Working days each SME gives to reviews starting in this financial year "
            "(1 April to 31 March), the most abstracted first.",
            "SELECT s.id, s.name, s.unit, count(r.id) AS reviews, "
            "coalesce(sum(r.days), 0) AS working_days FROM sme s "
            "LEFT JOIN review_team t ON t.sme_id = s.id LEFT JOIN review r ON r.id = t.review_id "
            f"AND r.start >= {YEAR_START} AND r.start < date({YEAR_START}, '+1 year') "
            "GROUP BY s.id ORDER BY working_days DESC, s.id",
        ),
        Canned(
            "programme_by_month",
            "The programme by month",
            "Reviews by the month they start: how many, the working days each team member "
            "gives, and their themes.",
            f"SELECT substr(start, 1, 7) AS month, count(*) AS reviews, sum(days) AS "
            f"working_days, group_concat(DISTINCT {_theme('theme')}) AS themes FROM review "
            "GROUP BY month ORDER BY month",
        ),
    ]
