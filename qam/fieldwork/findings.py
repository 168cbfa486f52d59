"""Findings: saving an answer the moment it is given, correcting one, and reading them back.

An answer is one `finding` row written in its own transaction (with its links and its trail
event), so a crash loses at most the answer being typed. Answering a question again, or
correcting a finalised finding, writes a new row that `supersedes` the old one: nothing a
reviewer was told is saved ever changes. The rows are saved by `qam/store/findings/`, the
store's one writer of findings, which keeps the search index in step.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from qam.clock import now
from qam.enablers import choose, resolve, stored
from qam.enablers import enabler as to_enabler
from qam.errors import NotFoundError, RefusedError
from qam.fieldwork.sessions import get_session, session_set
from qam.question_sets import QuestionSet
from qam.store import audit
from qam.store import finding_conflicts as conflicts_db
from qam.store import findings as findings_db
from qam.store import register as register_db
from qam.store import sessions as sessions_db
from qam.trail import text_fingerprint

if TYPE_CHECKING:
    from qam.store import Store


def check_answer(
    store: Store,
    qs: QuestionSet,
    *,
    question_id: str,
    grade: str | None,
    links: Iterable[str],
    sources: int | None,
) -> None:
    """Refuse an answer the question set or the register cannot take, before anything is saved."""
    question = qs.question(question_id)
    if grade is not None:
        if not question.graded:
            raise RefusedError(
                f"Question {question_id} is not graded; leave the grade out (not assessed)."
            )
        if grade not in qs.grades:
            raise RefusedError(
                f"Grade '{grade}' is not on the {qs.scale.replace('_', '-')} scale: {', '.join(qs.grades)} (or leave it out: not assessed)."
            )
    links = list(links)
    refs = register_db.refs(store) if links else set()
    for ref in links:
        if ref not in refs:
            raise NotFoundError(
                f"Register item '{ref}' is not in this store; `qam recs list` shows the refs (or import the programme's bundle)."
            )
    if sources is not None and sources < 0:
        raise RefusedError("The number of sources cannot be negative.")


# What no command stores in free text (a merge refuses it too): NUL and the C0 controls but
# tab, line feed and carriage return, and DEL.
_CONTROL = frozenset(chr(c) for c in (*range(0, 9), 11, 12, *range(14, 32), 127))


def check_text(**texts: str | None) -> None:
    """Refuse notes or concerns holding a NUL or control character (pasted from a binary file
    or a terminal), naming the field."""
    for name, text in texts.items():
        if text and not _CONTROL.isdisjoint(text):
            raise RefusedError(
                f"The {name} hold a NUL or control character (pasted from another program?); "
                "type or paste them again as plain text."
            )


def record_answer(
    store: Store,
    session: dict,
    *,
    question_id: str,
    notes: str,
    actor: str,
    grade: str | None = None,
    good_practice: bool = False,
    concerns: str | None = None,
    sources: int | None = None,
    links: Iterable[str] = (),
    participant_role: str | None = None,
    participant_unit: str | None = None,
    responses: int | None = None,
    grade_counts: dict | None = None,
    qs: QuestionSet | None = None,
    enablers: Iterable[str] | None = None,
) -> dict:
    """Commit one answer (a finding, its links, its trail event) in one transaction.

    `qs` is the session's question set when the caller has it already (a run of answers).
    `enablers` are the finding's (or changes to its question's, see `qam.enablers.choose`);
    left out, the finding takes its question's.
    """
    links = list(dict.fromkeys(links))
    qs = qs or session_set(store, session)
    check_answer(store, qs, question_id=question_id, grade=grade, links=links, sources=sources)
    chosen = choose(qs.question(question_id).enablers, enablers)
    check_text(notes=notes, concerns=concerns)
    with store.transaction():
        current = sessions_db.session(store, session["id"])
        if current is None or current["finalised_at"]:
            raise RefusedError(
                f"Session {session['id'][:8]} is finalised; correct a finding with "
                "`qam findings correct ID --notes ... --reason ...`."
            )
        previous = findings_db.current_answer_id(store, session["id"], question_id)
        finding = {
            "id": str(uuid.uuid4()),
            "session_id": session["id"],
            "review_id": session["review_id"],
            "question_set": session["question_set"],
            "question_set_version": session["question_set_version"],
            "question_id": question_id,
            "method": session["method"],
            "notes": notes or "",
            "grade": grade,
            "good_practice": int(bool(good_practice)),
            "concerns": concerns or None,
            "sources": sources,
            "participant_role": participant_role,
            "participant_unit": participant_unit,
            "reviewer": actor,
            "created_at": now(),
            "supersedes": previous,
            "responses": responses,
            "grade_counts": json.dumps(grade_counts, sort_keys=True) if grade_counts else None,
            "enablers": stored(chosen),
        }
        findings_db.save_finding(store, finding, links)
        audit.append_event(
            store,
            actor=actor,
            entity="finding",
            entity_id=finding["id"],
            action="revise" if previous else "record",
            old={"finding": previous} if previous else None,
            new={
                "question": question_id,
                "grade": grade,
                "good_practice": bool(good_practice),
                "sources": sources,
                "links": links,
                "enablers": chosen,
                "notes_sha256": text_fingerprint(finding["notes"]),
            },
            reason="answer revised during capture" if previous else "answer captured",
        )
    return {
        **finding,
        "good_practice": bool(good_practice),
        "grade_counts": grade_counts or None,
        "links": sorted(links),
        "enablers": chosen,
    }


def _check_correctable(store: Store, old: dict) -> None:
    newer = findings_db.superseded_by(store, old["id"])
    if newer:
        raise RefusedError(
            f"Finding {old['id']} was already replaced by {newer[-1]}; correct that one instead."
        )
    aside = conflicts_db.set_aside_by(store, old["id"])
    if aside:
        raise RefusedError(
            f"Finding {old['id']} was set aside when a conflict was resolved in favour of "
            f"{aside['kept_id']}; correct that one instead."
        )


def correct(
    store: Store,
    finding_id: str,
    *,
    actor: str,
    reason: str,
    notes: str | None = None,
    grade: str | None = None,
    clear_grade: bool = False,
    good_practice: bool | None = None,
    concerns: str | None = None,
    sources: int | None = None,
    links: Iterable[str] | None = None,
    enablers: Iterable[str] | None = None,
) -> dict:
    """A correction: a new version of a finding that supersedes it, with a reason in the trail.

    `enablers` (the list, or changes to the finding's) replace the finding's; left out, the
    correction keeps them."""
    if not (reason or "").strip():
        raise RefusedError(
            'A correction needs a reason (--reason "..."); it goes in the decision trail.'
        )
    old = get_finding(store, finding_id)
    _check_correctable(store, old)
    qs = session_set(store, get_session(store, old["session_id"]))
    new_grade = None if clear_grade else (grade if grade is not None else old["grade"])
    new_links = list(links) if links is not None else old["links"]
    check_answer(
        store, qs, question_id=old["question_id"], grade=new_grade, links=new_links, sources=sources
    )
    old_enablers = resolve(store, [dict(old)])[0]["enablers"]
    new_enablers = choose(old_enablers, enablers)
    check_text(notes=notes, concerns=concerns)
    finding = {k: old[k] for k in findings_db.FINDING.columns}
    finding.update(
        {
            "id": str(uuid.uuid4()),
            "notes": notes if notes is not None else old["notes"],
            "grade": new_grade,
            "good_practice": int(old["good_practice"] if good_practice is None else good_practice),
            "concerns": concerns if concerns is not None else old["concerns"],
            "sources": sources if sources is not None else old["sources"],
            "reviewer": actor,
            "created_at": now(),
            "supersedes": old["id"],
            "grade_counts": json.dumps(old["grade_counts"], sort_keys=True)
            if old.get("grade_counts")
            else None,
            "enablers": stored(new_enablers),
        }
    )
    with store.transaction():
        findings_db.save_finding(store, finding, new_links)
        audit.append_event(
            store,
            actor=actor,
            entity="finding",
            entity_id=finding["id"],
            action="correct",
            old={
                "finding": old["id"],
                "notes_sha256": text_fingerprint(old["notes"]),
                "grade": old["grade"],
            },
            new={
                "notes_sha256": text_fingerprint(finding["notes"]),
                "grade": new_grade,
                "links": new_links,
                "enablers": new_enablers,
            },
            reason=reason.strip(),
        )
    return get_finding(store, finding["id"])


def get_finding(store: Store, finding_id: str) -> dict:
    row = findings_db.finding(store, finding_id)
    if row is None:
        raise NotFoundError(f"No finding '{finding_id}'; `qam findings list` shows their ids.")
    return resolve(store, [row])[0]


def finding_in_full(store: Store, finding_id: str) -> dict:
    """One finding with what replaced it, whether a resolution set it aside, and its session."""
    row = get_finding(store, finding_id)
    row["superseded_by"] = findings_db.superseded_by(store, row["id"])
    row["set_aside"] = conflicts_db.set_aside_by(store, row["id"])
    row["session"] = get_session(store, row["session_id"])
    return row


def list_findings(
    store: Store,
    *,
    review_id: str | None = None,
    search: str | None = None,
    include_superseded: bool = False,
    enabler: str | None = None,
) -> list[dict]:
    """Findings as rows (current versions unless asked), each carrying its session's details:
    when and where it was held, the head count and the participants (codes, roles, units);
    with `enabler`, only those that speak to it."""
    if search is not None:
        search = _fts_query(search)
    wanted = to_enabler(enabler) if enabler is not None else None
    rows = resolve(
        store,
        findings_db.findings(
            store, review_id=review_id, search=search, current_only=not include_superseded
        ),
    )
    if wanted:
        rows = [r for r in rows if wanted in r["enablers"]]
    sessions = {s["id"]: s for s in sessions_db.sessions(store, review_id=review_id)}
    for row in rows:
        session = sessions.get(row["session_id"]) or {}
        for key in SESSION_DETAILS:
            row[key] = session.get(key)
    return rows


# What every finding carries from the session it was captured in.
SESSION_DETAILS = ("held_on", "place", "head_count", "participants")


def good_practice(store: Store, review_id: str | None = None) -> list[dict]:
    """Current findings marked as good practice worth sharing."""
    return findings_db.findings(store, review_id=review_id, good_practice=True)


def _fts_query(text: str) -> str:
    """Words of a person's search as an FTS5 query (each word quoted: no syntax errors)."""
    words = [w for w in "".join(c if c.isalnum() else " " for c in text).split() if w]
    if not words:
        raise RefusedError("--search needs at least one word.")
    return " ".join('"' + w.replace('"', "") + '"' for w in words)
