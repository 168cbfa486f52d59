"""The rules a bundle's rows must keep before a merge takes them, run as set-based SQL over the
staged tables (issue #12), and the cross-checks `qam audit verify` runs over the store itself.

A row arriving from another store must be one the command that makes it here would have made:
these are the same rules the writers keep (the register's decisions, capture and corrections,
`qam sets validate`), stated over rows. Each table's rules run as ONE query over its staged
rows that are new here (rows already here were checked when they arrived, and rows another
store purged are skipped by the merge), returning the first row that breaks any rule and the
rule's name; `qam.sync.rules` turns the name into a sentence.

Rules that need words from the domain (the statuses, the methods, which statuses need an
approver) take them as `vocab`; the question sets' questions and grades are staged beside the
bundle by the domain (`stage_questions`), which validates each question set as `qam sets
validate` does. The merged events of the trail a bundle carries are unwrapped first
(`stage_trail`): an event merged from a third store is read as the original it wraps, so a
record can name either.
"""

from __future__ import annotations

import contextlib
import signal
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qam.store.merge import BY_NAME, CARRIED, CONTROLLED, NOTES_FINGERPRINT, SCRATCH, staged
from qam.trail import text_fingerprint

if TYPE_CHECKING:
    from qam.store.db import Store

# The bundle's trail as the rules read it: its events as they are, and the events it merged
# from other stores read as their originals (`unwrap_trail`).
UNWRAPPED = "temp.unwrapped"
EVENTS = (staged("audit_log"), UNWRAPPED)
# Made by the connection that checks the rules, in its own temporary schema: the staged bundle
# is only read once staged, and read by the merge beside it (`qam.store.merge.begin_staging`).
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
    `qam.store.merge`): its merged events unwrapped."""
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


# ----------------------------------------------------------------------------- the rules


def _in_either(table: str, column: str, value: str, nocase: bool = False) -> str:
    collate = " COLLATE NOCASE" if nocase else ""
    return (
        f'({value}{collate} IN (SELECT "{column}" FROM main."{table}") OR '
        f'{value}{collate} IN (SELECT "{column}" FROM {staged(table)}))'
    )


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
                f"NOT {_in_either('review', 'id', 'i.review_id')}",
                "i.review_id",
            ),
        ],
        "capture_session": [
            ("session.review", f"NOT {_in_either('review', 'id', 'i.review_id')}", "i.review_id"),
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
            ("finding.review", f"NOT {_in_either('review', 'id', 'i.review_id')}", "i.review_id"),
            (
                "finding.session",
                f"NOT {_in_either('capture_session', 'id', 'i.session_id')}",
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
                "i.supersedes IS NOT NULL AND NOT " + _in_either("finding", "id", "i.supersedes"),
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
            ("link.finding", f"NOT {_in_either('finding', 'id', 'i.finding_id')}", "i.finding_id"),
            (
                "link.item",
                f"NOT {_in_either('register_item', 'ref', 'i.item_ref', nocase=True)}",
                "i.item_ref",
            ),
        ],
        "finding_set_aside": [
            (
                "set_aside.finding",
                f"NOT {_in_either('finding', 'id', 'i.finding_id')} "
                f"OR NOT {_in_either('finding', 'id', 'i.kept_id')}",
                "i.finding_id",
            ),
            ("set_aside.reason", _blank("reason"), None),
        ],
        "status_decision": [
            (
                "decision.item",
                f"NOT {_in_either('register_item', 'ref', 'i.item_ref', True)}",
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
                f"AND {action} AND NOT {_in_either(table, 'id', record)} AND NOT ({purged}) LIMIT 1"
            ).fetchone()
            if row:
                return row[0], row[1], row[2]
    return None


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
