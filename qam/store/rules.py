"""The rules a bundle's rows must keep before a merge takes them, run as set-based SQL over the
staged tables (issue #12).

A row arriving from another store must be one the command that makes it here would have made:
these are the same rules the writers keep (the register's decisions, capture and corrections,
`qam sets validate`), stated over rows. Each table's rules run as ONE query over its staged
rows that are new here (rows already here were checked when they arrived, and rows another
store purged are skipped by the merge), returning the first row that breaks any rule and the
rule's name; `qam.sync.rules` turns the name into a sentence.

Rules that need words from the domain (the statuses, the methods, which statuses need an
approver) take them as `vocab`; the question sets' questions and grades are staged beside the
bundle by the domain (`stage_questions`), which validates each question set as `qam sets
validate` does. What a record's trail event must say, and the checks `qam audit verify`
runs over the store itself, are in `qam.store.event_rules`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qam.store.carried import BY_NAME, CARRIED
from qam.store.event_rules import (
    EVENTS,
    ctrl_c_kept,
    decision_event,
    finding_event,
    in_either,
    session_event,
)
from qam.store.staging import CONTROLLED, NOTES_FINGERPRINT, SCRATCH, staged

if TYPE_CHECKING:
    from qam.store.db import Store

# Made by the connection that checks the rules, in its own temporary schema: the staged bundle
# is only read once staged, and read by the merge beside it (`qam.store.staging.begin_staging`).
QUESTIONS = "temp.known_question"
GRADES = "temp.known_grade"


@dataclass(frozen=True)
class Breach:
    """The first row of a table that breaks a rule: its key, the rule, the value at fault."""

    table: str
    key: str
    rule: str
    value: object
    order: tuple[int, int] = (0, 0)  # (the table's place in merge order, the staged row)


# ----------------------------------------------------------------------------- the rules


def _listed(values: Iterable[str]) -> str:
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


def _blank(column: str) -> str:
    return f"trim(coalesce(i.\"{column}\", '')) = ''"


def _specific(vocab: dict) -> dict[str, list[tuple[str, str, str | None]]]:
    """table -> [(rule, breach SQL on `i`, the value shown)] beyond the generic ones."""
    statuses, closing = _listed(vocab["statuses"]), _listed(vocab["needs_approver"])
    methods = _listed(vocab["methods"])
    # The capture session a finding names, as this store or the bundle holds it.
    session = (
        "(SELECT {0} FROM main.capture_session s WHERE s.id = i.session_id UNION ALL "
        f"SELECT {{0}} FROM {staged('capture_session')} s WHERE s.id = i.session_id LIMIT 1)"
    )
    return {
        "register_item": [
            ("register_item.type", f"i.type NOT IN {_listed(vocab['types'])}", "i.type"),
            ("register_item.scope", f"i.scope NOT IN {_listed(vocab['scopes'])}", "i.scope"),
            ("register_item.status", f"i.status NOT IN {statuses}", "i.status"),
            ("register_item.ref", _blank("ref"), None),
            (
                "json",
                "NOT json_valid(i.objectives) OR NOT json_valid(i.checkpoints) "
                "OR NOT json_valid(i.extra)",
                None,
            ),
        ],
        "review_team": [
            (
                "review_team.review",
                f"NOT {in_either('review', 'id', 'i.review_id')}",
                "i.review_id",
            ),
        ],
        "capture_session": [
            ("session.review", f"NOT {in_either('review', 'id', 'i.review_id')}", "i.review_id"),
            ("method", f"i.method NOT IN {methods}", "i.method"),
            (
                "question_set",
                f"NOT EXISTS (SELECT 1 FROM {QUESTIONS} q WHERE q.question_set = "
                "i.question_set AND q.version = i.question_set_version)",
                "i.question_set",
            ),
            ("reviewer", _blank("reviewer"), None),
            ("count", "i.head_count < 0", "i.head_count"),
            ("json", "NOT json_valid(i.participants)", None),
            ("session.event", f"NOT {session_event(EVENTS)}", None),
        ],
        "finding": [
            ("finding.review", f"NOT {in_either('review', 'id', 'i.review_id')}", "i.review_id"),
            (
                "finding.session",
                f"NOT {in_either('capture_session', 'id', 'i.session_id')}",
                "i.session_id",
            ),
            (
                "finding.session_review",
                session.format(
                    "s.review_id IS i.review_id AND s.question_set IS i.question_set "
                    "AND s.question_set_version IS i.question_set_version"
                )
                + " IS NOT 1",
                None,
            ),
            (
                "question",
                f"NOT EXISTS (SELECT 1 FROM {QUESTIONS} q WHERE q.question_set = "
                "i.question_set AND q.version = i.question_set_version AND q.question_id = "
                "i.question_id)",
                "i.question_id",
            ),
            (
                "grade",
                f"i.grade IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {GRADES} g WHERE "
                "g.question_set = i.question_set AND g.version = i.question_set_version AND "
                "g.grade = i.grade)",
                "i.grade",
            ),
            (
                "ungraded",
                f"i.grade IS NOT NULL AND EXISTS (SELECT 1 FROM {QUESTIONS} q WHERE "
                "q.question_set = i.question_set AND q.version = i.question_set_version AND "
                "q.question_id = i.question_id AND NOT q.graded)",
                "i.grade",
            ),
            ("method", f"i.method NOT IN {methods}", "i.method"),
            ("count", "i.sources < 0 OR i.responses < 0", "coalesce(i.sources, i.responses)"),
            ("flag", "i.good_practice NOT IN (0, 1)", "i.good_practice"),
            ("reviewer", _blank("reviewer"), None),
            (
                "finding.predecessor",
                "i.supersedes IS NOT NULL AND NOT " + in_either("finding", "id", "i.supersedes"),
                "i.supersedes",
            ),
            ("json", "i.grade_counts IS NOT NULL AND NOT json_valid(i.grade_counts)", None),
            (
                "finding.event",
                f"NOT {finding_event(EVENTS, notes_sha256=f'i.{NOTES_FINGERPRINT}')}",
                None,
            ),
        ],
        "finding_link": [
            ("link.finding", f"NOT {in_either('finding', 'id', 'i.finding_id')}", "i.finding_id"),
            (
                "link.item",
                f"NOT {in_either('register_item', 'ref', 'i.item_ref', nocase=True)}",
                "i.item_ref",
            ),
        ],
        "finding_set_aside": [
            (
                "set_aside.finding",
                f"NOT {in_either('finding', 'id', 'i.finding_id')} "
                f"OR NOT {in_either('finding', 'id', 'i.kept_id')}",
                "i.finding_id",
            ),
            ("set_aside.reason", _blank("reason"), None),
        ],
        "status_decision": [
            (
                "decision.item",
                f"NOT {in_either('register_item', 'ref', 'i.item_ref', True)}",
                "i.item_ref",
            ),
            ("decision.reason", _blank("reason"), None),
            ("decision.actor", _blank("actor"), None),
            ("decision.source", "i.source NOT IN ('cli', 'import', 'sync')", "i.source"),
            (
                "decision.status",
                f"i.new_status NOT IN {statuses} OR (i.old_status IS NOT NULL "
                f"AND i.old_status NOT IN {statuses})",
                "i.new_status",
            ),
            ("decision.first", "i.old_status IS NULL AND i.source <> 'import'", None),
            (
                "decision.approver",
                f"i.new_status IN {closing} AND i.source <> 'import' AND " + _blank("approver"),
                "i.new_status",
            ),
            (
                "decision.transition",
                "i.old_status = i.new_status AND i.source <> 'sync'",
                "i.new_status",
            ),
            ("decision.event", f"NOT {decision_event(EVENTS)}", None),
        ],
        "synced_event": [
            (
                "synced.event",
                f"i.local_event_id NOT IN (SELECT event_id FROM {staged('audit_log')})",
                "i.local_event_id",
            ),
        ],
    }


def _generic(store: Store, name: str, columns: list[str]) -> list[tuple[str, str, str | None]]:
    """Rules every table keeps: required values present, whole numbers whole, and no NUL or
    control character in any text (found as the rows were staged: `CONTROLLED`)."""
    info = {r[1]: r for r in store.conn.execute(f'PRAGMA main.table_info("{name}")')}
    controlled = {
        r[0]
        for r in store.conn.execute(
            f"SELECT DISTINCT col FROM {CONTROLLED} WHERE staged = ?", [name]
        )
    }
    rules: list[tuple[str, str, str | None]] = []
    for column in columns:
        if column not in info:
            continue
        _, _, kind, notnull, default, _ = info[column]
        ref = f'i."{column}"'
        if notnull and default is None:
            rules.append((f"required:{column}", f"{ref} IS NULL", None))
        if kind.upper() == "INTEGER":
            rules.append((f"integer:{column}", f"typeof({ref}) NOT IN ('integer', 'null')", ref))
        elif column in controlled:
            rules.append(
                (
                    f"control:{column}",
                    f"i.rowid IN (SELECT row FROM {CONTROLLED} WHERE staged = '{name}' "
                    f"AND col = '{column}')",
                    None,
                )
            )
    return rules


def _new_here(name: str) -> str:
    """SQL: the staged row `i` is not here yet, and not a record purged here or there."""
    carried = BY_NAME[name]
    match = " AND ".join(f'm."{k}" = i."{k}"' for k in carried.table.key)
    sql = f'NOT EXISTS (SELECT 1 FROM main."{name}" m WHERE {match})'
    if carried.purged_as:
        table, column = carried.purged_as
        for source in ("main.purged_record", staged("purged_record")):
            sql += (
                f" AND NOT EXISTS (SELECT 1 FROM {source} p WHERE p.record_table = '{table}' "
                f'AND p.record_id = i."{column}")'
            )
    return sql


def first_breach(store: Store, vocab: dict, share: tuple[int, int] = (0, 1)) -> Breach | None:
    """The first staged row, in merge order, that breaks a rule; None if every row keeps them.

    `share` (k, n) looks only at the rows numbered k modulo n, so n connections can share the
    work: the first of their breaches (`Breach.order`) is the first of all."""
    specific = _specific(vocab)
    tables = [(c.name, c.table.key) for c in CARRIED] + [("synced_event", ("original_event_id",))]
    with ctrl_c_kept(store):
        return _first_of(store, tables, specific, share)


def _first_of(store: Store, tables: list, specific: dict, share: tuple[int, int]) -> Breach | None:
    for place, (name, key) in enumerate(tables):
        if name == "synced_event":
            rules = specific[name]
        else:
            columns = [r[1] for r in store.conn.execute(f'PRAGMA {SCRATCH}.table_info("{name}")')]
            rules = _generic(store, name, columns) + specific.get(name, [])
        found = _first(store, name, key, rules, share, place)
        if found:
            return found
    return None


def _first(
    store: Store,
    name: str,
    key: tuple[str, ...],
    rules: list,
    share: tuple[int, int],
    place: int,
) -> Breach | None:
    if not rules:
        return None
    case = " ".join(f"WHEN {sql} THEN {i}" for i, (_, sql, _) in enumerate(rules))
    keys = " || '/' || ".join(f"coalesce(i.\"{k}\", '')" for k in key)
    where = _new_here(name) if name in BY_NAME and name != "synced_event" else "1"
    mine = f"i.rowid % {int(share[1])} = {int(share[0])}"
    row = store.conn.execute(
        f"SELECT * FROM (SELECT i.rowid AS n, {keys} AS key, CASE {case} END AS rule "
        f"FROM {staged(name)} i WHERE {mine} AND {where}) WHERE rule IS NOT NULL "
        "ORDER BY n LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    rule, _, value_sql = rules[row[2]]
    value = None
    if value_sql:
        value = store.conn.execute(
            f"SELECT {value_sql} FROM {staged(name)} i WHERE i.rowid = ?", [row[0]]
        ).fetchone()[0]
    return Breach(name, row[1], rule, value, (place, row[0]))


def stage_questions(
    store: Store, questions: Iterable[tuple[str, int, str, bool]], grades: Iterable[tuple]
) -> None:
    """The questions (set, version, question id, graded) and grades (set, version, grade) of
    every question set version this store or the bundle holds, for the rules to join."""
    conn = store.conn
    for table, columns in (
        (QUESTIONS, "question_set TEXT, version INTEGER, question_id TEXT, graded INTEGER"),
        (GRADES, "question_set TEXT, version INTEGER, grade TEXT"),
    ):
        conn.execute(f"DROP TABLE IF EXISTS {table}")
        conn.execute(f"CREATE TABLE {table} ({columns})")
    conn.executemany(f"INSERT INTO {QUESTIONS} VALUES (?, ?, ?, ?)", questions)
    conn.executemany(f"INSERT INTO {GRADES} VALUES (?, ?, ?)", grades)
    conn.execute(
        "CREATE INDEX temp.known_question_key ON known_question "
        "(question_set, version, question_id)"
    )
    conn.execute("CREATE INDEX temp.known_grade_key ON known_grade (question_set, version, grade)")


def question_set_rows(store: Store) -> tuple[list[dict], list[dict]]:
    """(the question set versions stored here, the staged ones not here yet)."""
    here = store.rows('SELECT id, version, digest, body FROM main."question_set"')
    new = store.rows(
        f"SELECT i.rowid AS n, i.* FROM {staged('question_set')} i WHERE NOT EXISTS "
        '(SELECT 1 FROM main."question_set" m WHERE m.id = i.id AND m.version = i.version) '
        "ORDER BY i.rowid"
    )
    return here, new
