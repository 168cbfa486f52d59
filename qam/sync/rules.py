"""A merge re-applies every rule (issue #12): a row arriving in a bundle must be one the
command that makes it here would have made, or the whole bundle is refused, naming the record
and the rule, before anything is written.

The rules themselves run as set-based SQL over the staged rows (`qam/store/rules.py`); here
they get the domain's words (statuses, methods, which statuses need an approver), the
question sets they join (each new version validated as `qam sets validate` does, its digest
recomputed), and a sentence for each rule.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from qam import question_sets
from qam.errors import ImportFileError, QuestionSetError
from qam.register.decisions import NEEDS_APPROVER
from qam.store import event_rules
from qam.store import rules as rules_db
from qam.sync.merger import bare, ctrl_c_held, wait_for
from qam.vocabulary import METHODS, REGISTER_SCOPES, REGISTER_TYPES, STATUSES

if TYPE_CHECKING:
    from qam.store import Store

# rule -> what it asks, completed by the record and the value at fault.
SENTENCES = {
    "register_item.type": "its type {value!r} is not one of " + ", ".join(REGISTER_TYPES),
    "register_item.scope": "its scope {value!r} is not one of " + ", ".join(REGISTER_SCOPES),
    "register_item.status": "its status {value!r} is not one of " + ", ".join(STATUSES),
    "register_item.ref": "it has no ref",
    "json": "a list or record it holds is not readable",
    "review_team.review": "its review {value!r} is not a review in this store or the bundle",
    "session.review": "its review {value!r} is not a review in this store or the bundle",
    "method": "its method {value!r} is not one of " + ", ".join(METHODS),
    "question_set": "its question set {value!r} (that version) is not in this store or the bundle",
    "reviewer": "it names no reviewer",
    "count": "a count cannot be negative (it has {value!r})",
    "session.event": "the bundle's trail has no event opening it by the same reviewer "
    "(the trail was cut or changed)",
    "finding.review": "its review {value!r} is not a review in this store or the bundle",
    "finding.session": "its capture session {value!r} is not in this store or the bundle",
    "finding.session_review": "its review or question set is not its capture session's",
    "question": "its question {value!r} is not in the question set version it answers",
    "grade": "its grade {value!r} is not on its question set's scale",
    "ungraded": "it grades ({value!r}) a question that is not graded",
    "flag": "its good-practice flag {value!r} is not yes or no",
    "finding.predecessor": "it replaces {value!r}, which is not in this store or the bundle",
    "finding.event": "the bundle's trail has no event that made it saying the same thing (same "
    "reviewer, question, grade and notes; a correction with its reason and the version it "
    "replaces): it was added or changed outside QAM, or the trail was cut",
    "link.finding": "its finding {value!r} is not in this store or the bundle",
    "link.item": "it links to register item {value!r}, which is not in this store or the bundle",
    "set_aside.finding": "it names a finding ({value!r}) not in this store or the bundle",
    "set_aside.reason": "it gives no reason",
    "decision.item": "its register item {value!r} is not in this store or the bundle",
    "decision.reason": "it gives no reason (every status decision needs one)",
    "decision.actor": "it names no one who made it",
    "decision.source": "its source {value!r} is not cli, import or sync",
    "decision.status": "its status {value!r} is not one of " + ", ".join(STATUSES),
    "decision.first": "it changes a status from nothing, which only a tracker import does",
    "decision.approver": "moving an item to {value!r} closes it without completing it, so it "
    "needs an approver",
    "decision.transition": "it moves the item to {value!r}, the status it already had",
    "decision.event": "the bundle's trail has no event for it saying the same thing (same "
    "item, statuses, reason, approver, who and when): it was added or changed outside QAM, "
    "or the trail was cut",
    "synced.event": "it maps to a trail event {value!r} the bundle's trail does not hold",
}


def vocab() -> dict:
    return {
        "statuses": STATUSES,
        "needs_approver": NEEDS_APPROVER,
        "methods": METHODS,
        "types": REGISTER_TYPES,
        "scopes": REGISTER_SCOPES,
    }


def sentence(breach: rules_db.Breach) -> str:
    """The rule a record breaks, in words."""
    kind, _, column = breach.rule.partition(":")
    what = {
        "required": f"it has no {column.replace('_', ' ')}",
        "integer": f"its {column.replace('_', ' ')} {breach.value!r} is not a whole number",
        "control": f"its {column.replace('_', ' ')} holds a NUL or control character",
    }.get(kind) or SENTENCES[breach.rule].format(value=breach.value)
    return f"{breach.table} {breach.key}: {what}"


def _refused(path: Path, why: str) -> ImportFileError:
    return ImportFileError(f"{path} was refused whole, nothing imported: {why}.")


def _stage_question_sets(store: Store, path: Path) -> None:
    here, new = rules_db.question_set_rows(store)
    sets = []
    for row in here:
        sets.append(question_sets.from_stored(row["body"]))
    for row in new:
        try:
            sets.append(question_sets.from_bundle(row))
        except QuestionSetError as err:
            raise _refused(
                path, f"question_set {row.get('id')}/{row.get('version')}: {err}"
            ) from None
    rules_db.stage_questions(
        store,
        ((qs.id, qs.version, q.id, bool(q.graded)) for qs in sets for q in qs.questions),
        ((qs.id, qs.version, grade) for qs in sets for grade in qs.grades),
    )


def _prepare(store: Store, path: Path) -> None:
    event_rules.stage_trail(store)
    _stage_question_sets(store, path)


def _first_breach(store: Store, path: Path, checker: Store | None) -> rules_db.Breach | None:
    """The first row that breaks a rule; with a `checker` (another connection to the store,
    the bundle staged beside it), each looks at every other row, in a thread of its own."""
    if checker is None:
        _prepare(store, path)
        return rules_db.first_breach(store, vocab())
    found: list[rules_db.Breach | None] = []
    failed: list[BaseException] = []
    done = threading.Event()

    def other_half() -> None:
        try:
            _prepare(checker, path)
            found.append(rules_db.first_breach(checker, vocab(), share=(1, 2)))
        except BaseException as err:  # raised in this thread below
            failed.append(bare(err))
        finally:
            done.set()

    thread = threading.Thread(target=other_half, name="bundle-rules")
    started = False
    try:
        with ctrl_c_held():  # started and noted together: waited for below once started
            thread.start()
            started = True
        _prepare(store, path)
        found.append(rules_db.first_breach(store, vocab(), share=(0, 2)))
    except BaseException:
        checker.conn.interrupt()  # stop the other half too
        raise
    finally:
        if started:
            wait_for(done, checker.conn.interrupt)
    if failed:
        raise failed[0]
    breaches = [b for b in found if b is not None]
    return min(breaches, key=lambda b: b.order) if breaches else None


def check_rules(store: Store, path: Path, checker: Store | None = None) -> None:
    """Refuse the staged bundle if any row breaks a rule, or its trail does not cover what it
    carries (an event for a record it dropped). With a `checker`, the rows are shared out
    between the two connections."""
    breach = _first_breach(store, path, checker)
    if breach:
        raise _refused(path, sentence(breach))
    orphan = event_rules.orphan_event(store)
    if orphan:
        entity, record, action = orphan
        raise _refused(
            path,
            f"its trail has a '{action}' event for {entity} {record}, which the bundle does not "
            "carry and no store purged: the record was dropped from the bundle",
        )
