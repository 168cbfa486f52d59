"""Capture: sessions and answers, each answer committed (with its trail event) as it is given.

An answer is one `finding` row written in its own transaction, so a crash loses at most the
answer being typed. Answering a question again, or correcting a finalised finding, writes a
new row that `supersedes` the old one: nothing a reviewer was told is saved ever changes.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from pathlib import Path

from qam import question_sets
from qam.errors import ImportFileError, NotFoundError, QamError, RefusedError, StoreError
from qam.fieldwork.answers import Answer, parse_line
from qam.question_sets import QuestionSet
from qam.store import audit
from qam.store import fieldwork as db
from qam.store import sync as sync_db
from qam.vocabulary import METHODS


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


# ----------------------------------------------------------------------------- reviews


def list_reviews(store) -> list[dict]:
    """Every review with its team (SME ids) and methods as a list."""
    rows = db.reviews(store)
    for row in rows:
        row["methods"] = (
            json.loads(row["methods"] or "[]")
            if isinstance(row["methods"], str)
            else (row["methods"] or [])
        )
        row["team"] = db.review_team(store, row["id"])
    return rows


def get_review(store, review_id: str) -> dict:
    row = db.review(store, review_id)
    if row is None:
        known = [r["id"] for r in db.reviews(store)]
        hint = (
            f" The reviews are: {', '.join(known[:12])}."
            if known
            else " There are no reviews yet: accept a plan (`qam plan`) or add one with `qam reviews add`."
        )
        raise NotFoundError(f"No review '{review_id}'.{hint}")
    return row


def add_review(
    store,
    *,
    review_id: str,
    title: str,
    theme: str,
    unit: str,
    start: str,
    end: str,
    actor: str,
    question_set: str = "paf-2023",
    methods: Iterable[str] = (),
    team: Iterable[str] = (),
) -> dict:
    """A review made without the planner (a reviewer's own, the demo, tests), in the trail."""
    from qam.question_sets import themes

    review_id = review_id.strip()
    if not review_id:
        raise RefusedError("A review needs an id, e.g. R-CUSTODY-01.")
    if db.review(store, review_id):
        raise RefusedError(f"Review '{review_id}' already exists; see `qam reviews list`.")
    if theme not in themes():
        raise RefusedError(
            f"Theme '{theme}' is not one of the force's themes: {', '.join(themes())}."
        )
    for key, value in (("start", start), ("end", end)):
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            raise RefusedError(
                f"--{key} '{value}' is not a date; write it as YYYY-MM-DD."
            ) from None
    if end < start:
        raise RefusedError(f"The review ends ({end}) before it starts ({start}).")
    methods = list(methods) or list(METHODS)
    for m in methods:
        if m not in METHODS:
            raise RefusedError(f"Method '{m}' is not one of {', '.join(METHODS)}.")
    question_set_for(store, question_set, actor)
    days = max(1, (date.fromisoformat(end) - date.fromisoformat(start)).days + 1)
    row = {
        "id": review_id,
        "title": title,
        "theme": theme,
        "unit": unit,
        "start": start,
        "end": end,
        "days": days,
        "question_set": question_set,
        "methods": methods,
        "inspection": None,
        "status": "planned",
    }
    with db.write(store):
        db.insert_review(store, row, team)
        audit.append_event(
            store,
            actor=actor,
            entity="review",
            entity_id=review_id,
            action="add",
            new={k: row[k] for k in ("title", "theme", "unit", "start", "end", "question_set")},
            reason="review added for fieldwork",
        )
    return row


# ----------------------------------------------------------------------------- question sets


def question_set_for(store, set_id: str, actor: str, version: int | None = None) -> QuestionSet:
    """The exact stored version a session answers (the newest, unless one is named)."""
    if version is not None:
        body = db.set_body(store, set_id, version)
        if body is None:
            raise NotFoundError(
                f"Question set {set_id} v{version} is not in this store; import the bundle that uses it."
            )
        return question_sets.from_stored(body)
    found = db.latest_set_body(store, set_id)
    if found is None:
        question_sets.record(store, question_sets.get(set_id), actor)
        found = db.latest_set_body(store, set_id)
    return question_sets.from_stored(found[1])


def session_set(store, session: dict) -> QuestionSet:
    return question_set_for(
        store, session["question_set"], session["reviewer"], session["question_set_version"]
    )


# ----------------------------------------------------------------------------- sessions


def text_fingerprint(*texts: object) -> str:
    """SHA-256 of free text, for the decision trail.

    The trail is append-only and hash-chained, so nothing in it can ever be blanked: it records
    a fingerprint of what was written (which proves what a finding said, given the text) and
    never the words, so retention and erasure can remove the words from the store alone.
    """
    payload = json.dumps([t for t in texts], ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


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
    """(title, SHA-256) of a document: document analysis keeps these, never the content."""
    path = Path(path)
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except FileNotFoundError:
        raise NotFoundError(f"No document at {path}; check the --document path.") from None
    except IsADirectoryError:
        raise RefusedError(f"{path} is a folder; give the path of one document.") from None
    return path.name, digest.hexdigest()


def pseudonymise(participants: Iterable[dict]) -> list[dict]:
    """Participants as {code, role, unit}: P1, P2 ... never a name."""
    out = []
    for i, p in enumerate(participants, start=1):
        role = (p.get("role") or "").strip()
        unit = (p.get("unit") or "").strip()
        if not role:
            raise RefusedError(
                f"Participant {i} has no role; record people by role and unit, e.g. 'detention officer', 'custody'."
            )
        out.append({"code": p.get("code") or f"P{i}", "role": role, "unit": unit or None})
    return out


def open_session(
    store,
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
    if method not in METHODS:
        raise RefusedError(f"Method '{method}' is not one of {', '.join(METHODS)}.")
    held_on = held_on or date.today().isoformat()
    try:
        date.fromisoformat(held_on)
    except ValueError:
        raise RefusedError(
            f"Session date '{held_on}' is not a date; write it as YYYY-MM-DD."
        ) from None
    if head_count is not None and (head_count < 1 or head_count > 10_000):
        raise RefusedError("The head count must be a number of people from 1.")
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
    with db.write(store):
        db.insert_session(store, session)
        if review.get("status") == "planned":
            sync_db.set_review_status(store, review_id, "in_fieldwork")
        audit.append_event(
            store,
            actor=actor,
            entity="capture_session",
            entity_id=session["id"],
            action="open",
            new=_session_event(session),
            reason="fieldwork session started",
        )
    return session


def get_session(store, session_id: str) -> dict:
    row = db.session(store, session_id)
    if row is None:
        matches = (
            [s for s in db.sessions(store) if s["id"].startswith(session_id)]
            if len(session_id) >= 4
            else []
        )
        if len(matches) == 1:
            return matches[0]
        raise NotFoundError(
            f"No capture session '{session_id}'; `qam capture --sessions` lists them."
        )
    return row


def unfinished_sessions(
    store, actor: str | None = None, review_id: str | None = None
) -> list[dict]:
    return db.sessions(store, reviewer=actor, review_id=review_id, unfinished=True)


def sessions_for_review(store, review_id: str) -> list[dict]:
    """Every capture session of one review (for reports: methods used, when, where)."""
    return db.sessions(store, review_id=review_id)


def answered(store, session_id: str) -> dict[str, dict]:
    """The current finding for each answered question of a session."""
    return {f["question_id"]: f for f in db.findings(store, session_id=session_id)}


def session_questions(store, session: dict) -> tuple:
    """The session's questions in the order a reviewer meets them: those on the review's
    theme first (a custody review starts with the custody questions), then the rest in set order."""
    questions = session_set(store, session).questions
    review = get_review(store, session["review_id"])
    theme = review.get("theme")
    on_theme = [q for q in questions if theme and theme in q.themes]
    return tuple(on_theme + [q for q in questions if q not in on_theme])


def resume_index(store, session: dict) -> int:
    """The position of the first unanswered question (len(questions) if all are answered)."""
    done = answered(store, session["id"])
    questions = session_questions(store, session)
    for i, q in enumerate(questions):
        if q.id not in done:
            return i
    return len(questions)


def finalise(store, session_id: str, actor: str, *, names_checked: bool = False) -> dict:
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
    new = {"finalised_at": at, "findings": len(answered(store, session["id"]))}
    if flagged:
        new["names_checked"] = [f["finding_id"] for f in flagged]
    with db.write(store):
        db.finalise_session(store, session["id"], at)
        audit.append_event(
            store,
            actor=actor,
            entity="capture_session",
            entity_id=session["id"],
            action="finalise",
            new=new,
            reason="session finalised by the reviewer",
        )
    return db.session(store, session["id"])


# ----------------------------------------------------------------------------- answers


def _check_answer(
    store,
    session: dict | None,
    qs: QuestionSet,
    *,
    question_id: str,
    grade: str | None,
    links: Iterable[str],
    sources: int | None,
) -> None:
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
    refs = sync_db.register_refs(store)
    for ref in links:
        if ref not in refs:
            raise NotFoundError(
                f"Register item '{ref}' is not in this store; `qam recs list` shows the refs (or import the programme's bundle)."
            )
    if sources is not None and sources < 0:
        raise RefusedError("The number of sources cannot be negative.")


def record_answer(
    store,
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
) -> dict:
    """Commit one answer (a finding, its links, its trail event) in one transaction."""
    links = list(dict.fromkeys(links))
    qs = session_set(store, session)
    _check_answer(
        store, session, qs, question_id=question_id, grade=grade, links=links, sources=sources
    )
    with db.write(store):
        current = db.session(store, session["id"])
        if current["finalised_at"]:
            raise RefusedError(
                f"Session {session['id'][:8]} is finalised; correct a finding with "
                "`qam findings correct ID --notes ... --reason ...`."
            )
        previous = answered(store, session["id"]).get(question_id)
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
            "supersedes": previous["id"] if previous else None,
            "responses": responses,
            "grade_counts": json.dumps(grade_counts, sort_keys=True) if grade_counts else None,
        }
        db.insert_finding(store, finding, links)
        audit.append_event(
            store,
            actor=actor,
            entity="finding",
            entity_id=finding["id"],
            action="revise" if previous else "record",
            old={"finding": previous["id"]} if previous else None,
            new={
                "question": question_id,
                "grade": grade,
                "good_practice": bool(good_practice),
                "sources": sources,
                "links": links,
            },
            reason="answer revised during capture" if previous else "answer captured",
        )
    return db.finding(store, finding["id"])


def correct(
    store,
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
) -> dict:
    """A correction: a new version of a finding that supersedes it, with a reason in the trail."""
    if not (reason or "").strip():
        raise RefusedError(
            'A correction needs a reason (--reason "..."); it goes in the decision trail.'
        )
    old = get_finding(store, finding_id)
    newer = db.superseded_by(store, old["id"])
    if newer:
        raise RefusedError(
            f"Finding {old['id']} was already replaced by {newer[-1]}; correct that one instead."
        )
    aside = db.set_aside_by(store, old["id"])
    if aside:
        raise RefusedError(
            f"Finding {old['id']} was set aside when a conflict was resolved in favour of "
            f"{aside['kept_id']}; correct that one instead."
        )
    session = get_session(store, old["session_id"])
    qs = session_set(store, session)
    new_grade = None if clear_grade else (grade if grade is not None else old["grade"])
    new_links = list(links) if links is not None else old["links"]
    _check_answer(
        store,
        session,
        qs,
        question_id=old["question_id"],
        grade=new_grade,
        links=new_links,
        sources=sources,
    )
    finding = {k: old[k] for k in db.FINDING_COLUMNS if k in old}
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
        }
    )
    with db.write(store):
        db.insert_finding(store, finding, new_links)
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
            },
            reason=reason.strip(),
        )
    return db.finding(store, finding["id"])


def get_finding(store, finding_id: str) -> dict:
    row = db.finding(store, finding_id)
    if row is None:
        raise NotFoundError(f"No finding '{finding_id}'; `qam findings list` shows their ids.")
    return row


def list_findings(
    store,
    *,
    review_id: str | None = None,
    search: str | None = None,
    include_superseded: bool = False,
) -> list[dict]:
    """Findings as rows (current versions unless asked), for listings, reports and analysis."""
    if search is not None:
        search = _fts_query(search)
    return db.findings(
        store, review_id=review_id, search=search, current_only=not include_superseded
    )


def good_practice(store, review_id: str | None = None) -> list[dict]:
    """Current findings marked as good practice worth sharing."""
    return db.findings(store, review_id=review_id, good_practice=True)


def _fts_query(text: str) -> str:
    """Words of a person's search as an FTS5 query (each word quoted: no syntax errors)."""
    words = [w for w in "".join(c if c.isalnum() else " " for c in text).split() if w]
    if not words:
        raise RefusedError("--search needs at least one word.")
    return " ".join('"' + w.replace('"', "") + '"' for w in words)


# ----------------------------------------------------------------------------- without prompts


def capture_answers(
    store, lines: Iterable[str], *, actor: str, on_saved: Callable[[dict], None] = lambda f: None
) -> int:
    """Commit each JSON line as it comes; answers for the same review+method share one session.

    A bad line stops the run with an `ImportFileError` naming it; earlier answers stay saved.
    """
    sessions: dict[tuple[str, str], dict] = {}
    count = 0
    for number, line in enumerate(lines, start=1):
        answer = parse_line(line, number)
        if answer is None:
            continue
        try:
            session = sessions.get((answer.review, answer.method))
            if session is None:
                # Check the whole answer before opening a session: a bad line writes nothing.
                review = get_review(store, answer.review)
                qs = question_set_for(store, review["question_set"] or "paf-2023", actor)
                _check_answer(
                    store,
                    None,
                    qs,
                    question_id=answer.question,
                    grade=answer.grade,
                    links=answer.links,
                    sources=answer.sources,
                )
                with db.write(store):  # the session and its first answer, or neither
                    session = _session_for_answer(store, answer, actor)
                    finding = _record(store, session, answer, actor)
                sessions[(answer.review, answer.method)] = session
            else:
                finding = _record(store, session, answer, actor)
        except ImportFileError:
            raise
        except StoreError as err:
            # Busy or full: the line was fine and is still in the reviewer's file; say exactly
            # what to rerun, so nothing typed is lost and nothing saved is captured twice.
            rerun = (
                "Run the same command again."
                if count == 0
                else f"The {count} answer(s) before it are saved (the 'saved' lines); run the command "
                f"again with the lines from line {number} on."
            )
            raise ImportFileError(
                f"line {number}: this answer was not saved. {err} "
                f"The line is still in your file. {rerun}"
            ) from None
        except QamError as err:
            raise ImportFileError(f"line {number}: {err}") from None
        count += 1
        on_saved(finding)
    return count


def _record(store, session: dict, answer: Answer, actor: str) -> dict:
    return record_answer(
        store,
        session,
        question_id=answer.question,
        notes=answer.notes,
        actor=actor,
        grade=answer.grade,
        good_practice=answer.good_practice,
        concerns=answer.concerns,
        sources=answer.sources,
        links=answer.links,
        participant_role=answer.participant_role,
        participant_unit=answer.participant_unit,
    )


def _session_for_answer(store, answer: Answer, actor: str) -> dict:
    extra = answer.extra
    for key in ("place", "held_on", "document"):
        if key in extra and not isinstance(extra[key], str):
            raise RefusedError(f"'{key}' must be text.")
    if "document" in extra and answer.method != "document_analysis":
        raise RefusedError("'document' belongs to method document_analysis.")
    get_review(store, answer.review)
    return open_session(
        store,
        review_id=answer.review,
        method=answer.method,
        actor=actor,
        held_on=extra.get("held_on"),
        place=extra.get("place"),
        document=extra.get("document"),
    )
