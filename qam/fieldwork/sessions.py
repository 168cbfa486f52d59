"""Capture sessions: opening one for a review and method, resuming it, finalising it.

A session records how evidence was gathered (when, where, who took part by role and unit,
which question set version) and is committed, with its trail event, before the first
question is asked. Finalising locks it: its findings change from then on only by a correction.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from qam import question_sets
from qam.clock import now
from qam.errors import NotFoundError, RefusedError
from qam.fieldwork.participants import pseudonymise
from qam.planner.reviews import get_review, start_fieldwork
from qam.question_sets import QuestionSet
from qam.store import audit
from qam.store import findings as findings_db
from qam.store import question_sets as sets_db
from qam.store import sessions as sessions_db
from qam.trail import text_fingerprint
from qam.vocabulary import METHODS

if TYPE_CHECKING:
    from qam.store import Store


def question_set_for(
    store: Store, set_id: str, actor: str, version: int | None = None
) -> QuestionSet:
    """The exact stored version a session answers (the newest, unless one is named)."""
    if version is not None:
        body = sets_db.body(store, set_id, version)
        if body is None:
            raise NotFoundError(
                f"Question set {set_id} v{version} is not in this store; import the bundle that uses it."
            )
        return question_sets.from_stored(body)
    found = sets_db.latest_body(store, set_id)
    if found is None:
        question_sets.record(store, question_sets.get(set_id), actor)
        found = sets_db.latest_body(store, set_id)
        assert found is not None  # recorded just now, in this store
    return question_sets.from_stored(found[1])


def session_set(store: Store, session: dict) -> QuestionSet:
    """The question set version a session answers."""
    return question_set_for(
        store, session["question_set"], session["reviewer"], session["question_set_version"]
    )


def _session_event(session: dict) -> dict:
    """What the trail keeps of a session's opening: no place, participant or document title."""
    return {
        "review_id": session["review_id"],
        "method": session["method"],
        "held_on": session["held_on"],
        "head_count": session["head_count"],
        "participants": len(session["participants"] or []),
        "document_hash": session["document_hash"],
        "details_sha256": text_fingerprint(
            session["place"], session["participants"], session["document_title"]
        ),
    }


def document_fingerprint(path: Path | str) -> tuple[str, str]:
    """(title, SHA-256) of a document: document analysis keeps these, never the content.

    Only a regular file within `MAX_DOCUMENT_BYTES` is read (a device such as /dev/zero, or
    a pipe, would be read for ever)."""
    from qam.imports import files

    path = files.check_input(path, max_bytes=files.MAX_DOCUMENT_BYTES, what="document")
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return path.name, digest.hexdigest()


def _check_session(method: str, held_on: str, head_count: int | None) -> str:
    """The session's date as ISO (written day first, ISO or as a month and year), once the
    method and head count are known to be sound."""
    from qam.dates import DateError, parse_date

    if method not in METHODS:
        raise RefusedError(f"Method '{method}' is not one of {', '.join(METHODS)}.")
    try:
        day = parse_date(held_on)
    except DateError as err:
        raise RefusedError(f"Session date: {err}.") from None
    if head_count is not None and (head_count < 1 or head_count > 10_000):
        raise RefusedError("The head count must be a number of people from 1.")
    return (day or date.today()).isoformat()


def open_session(
    store: Store,
    *,
    review_id: str,
    method: str,
    actor: str,
    held_on: str | None = None,
    place: str | None = None,
    participants: Iterable[dict] = (),
    head_count: int | None = None,
    document: str | Path | None = None,
    document_title: str | None = None,
) -> dict:
    """Start a capture session for one review and method (committed, in the trail)."""
    review = get_review(store, review_id)
    held_on = _check_session(method, held_on or date.today().isoformat(), head_count)
    doc_hash = None
    if document is not None:
        title, doc_hash = document_fingerprint(document)
        document_title = document_title or title
    qs = question_set_for(store, review["question_set"] or "paf-2023", actor)
    session = {
        "id": str(uuid.uuid4()),
        "review_id": review_id,
        "method": method,
        "held_on": held_on,
        "place": place or None,
        "participants": pseudonymise(participants),
        "head_count": head_count,
        "reviewer": actor,
        "question_set": qs.id,
        "question_set_version": qs.version,
        "finalised_at": None,
        "created_at": now(),
        "document_title": document_title,
        "document_hash": doc_hash,
    }
    with store.transaction():
        sessions_db.insert_session(store, session)
        start_fieldwork(store, review)
        audit.append_event(
            store,
            actor=actor,
            entity="capture_session",
            entity_id=str(session["id"]),
            action="open",
            new=_session_event(session),
            reason="fieldwork session started",
        )
    return session


def get_session(store: Store, session_id: str) -> dict:
    """A session by id (or by a unique prefix of 4 characters or more)."""
    row = sessions_db.session(store, session_id)
    if row is None:
        matches = (
            [s for s in sessions_db.sessions(store) if s["id"].startswith(session_id)]
            if len(session_id) >= 4
            else []
        )
        if len(matches) == 1:
            return matches[0]
        raise NotFoundError(
            f"No capture session '{session_id}'; `qam capture --sessions` lists them."
        )
    return row


def all_sessions(store: Store) -> list[dict]:
    """Every capture session, oldest first."""
    return sessions_db.sessions(store)


def unfinished_sessions(
    store: Store, actor: str | None = None, review_id: str | None = None
) -> list[dict]:
    return sessions_db.sessions(store, reviewer=actor, review_id=review_id, unfinished=True)


def sessions_for_review(store: Store, review_id: str) -> list[dict]:
    """Every capture session of one review (for reports: methods used, when, where)."""
    return sessions_db.sessions(store, review_id=review_id)


def answered(store: Store, session_id: str) -> dict[str, dict]:
    """The current finding for each answered question of a session."""
    return {f["question_id"]: f for f in findings_db.findings(store, session_id=session_id)}


def session_questions(store: Store, session: dict) -> tuple:
    """The session's questions in the order a reviewer meets them: those on the review's
    theme first (a custody review starts with the custody questions), then the rest in set order."""
    questions = session_set(store, session).questions
    review = get_review(store, session["review_id"])
    theme = review.get("theme")
    on_theme = [q for q in questions if theme and theme in q.themes]
    return tuple(on_theme + [q for q in questions if q not in on_theme])


def resume_index(store: Store, session: dict) -> int:
    """Where a reviewer comes back to: the question last on screen (answered or skipped),
    else the first unanswered one (len(questions) when every one is answered)."""
    questions = session_questions(store, session)
    current = sessions_db.session(store, session["id"]) or session
    shown = [i for i, q in enumerate(questions) if q.id == current.get("last_shown")]
    if shown:
        return shown[0]
    done = answered(store, session["id"])
    for i, q in enumerate(questions):
        if q.id not in done:
            return i
    return len(questions)


def mark_shown(store: Store, session: dict, question_id: str) -> None:
    """Remember the question on screen, before the reviewer does anything with it."""
    sessions_db.set_last_shown(store, session["id"], question_id)


def outside_window(review: dict, day: str) -> str | None:
    """Why `day` (ISO) falls outside the review's window, or None when it is inside (or the
    review has no window)."""
    from qam.vocabulary import date_label

    start, end = review.get("start"), review.get("end")
    if start and day < start or end and day > end:
        return (
            f"{date_label(day)} is outside review {review['id']}'s window "
            f"({date_label(start) or 'open'} to {date_label(end) or 'open'})."
        )
    return None


def finalise(store: Store, session_id: str, actor: str, *, names_checked: bool = False) -> dict:
    """Lock a session: its findings change from now on only by a correction with a reason.

    Findings whose free text may name a person (`qam.fieldwork.names`) stop the finalise
    unless the reviewer says they checked them (`names_checked`): once locked, a name can only
    be taken out by a correction, and the original stays in the history. Which findings were
    confirmed goes in the trail event.
    """
    from qam.fieldwork.names import check, describe

    session = get_session(store, session_id)
    if session["finalised_at"]:
        raise RefusedError(
            f"Session {session['id']} was already finalised at {session['finalised_at']}."
        )
    flagged = check(store, session_id=session["id"])
    if flagged and not names_checked:
        raise RefusedError(
            f"Session {session['id']} was not finalised: {len(flagged)} finding(s) may name a person: "
            f"{describe(flagged)}. Replace names with a role (e.g. 'the custody sergeant') using "
            "`qam findings correct ID --notes ... --reason ...`, or, if they are not names, rerun with "
            "--confirm-names-checked."
        )
    at = now()
    new: dict = {"finalised_at": at, "findings": len(answered(store, session["id"]))}
    if flagged:
        new["names_checked"] = [f["finding_id"] for f in flagged]
    with store.transaction():
        if session["method"] == "record_audit":
            from qam.fieldwork.record_audit import conclude

            new["findings"] = len(conclude(store, session, actor))
        sessions_db.finalise_session(store, session["id"], at)
        audit.append_event(
            store,
            actor=actor,
            entity="capture_session",
            entity_id=session["id"],
            action="finalise",
            new=new,
            reason="session finalised by the reviewer",
        )
    return get_session(store, session["id"])
