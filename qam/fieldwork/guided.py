"""The guided capture flow, asking through an injected prompt adapter (`qam.cli.prompts`).

The flow never imports questionary: it gets answers as data from `ask` (select, text,
confirm, checkbox, say), so the same flow runs in a terminal, over pexpect, or from a pipe in
tests. Each question's answer is saved the moment it is complete; Ctrl-C inside a prompt
raises KeyboardInterrupt before anything is written, so a saved answer is never blanked.
"""

from __future__ import annotations

from datetime import date

from qam.errors import RefusedError, StoreError
from qam.fieldwork.findings import record_answer
from qam.fieldwork.links import suggest_links
from qam.fieldwork.sessions import (
    answered,
    document_fingerprint,
    finalise,
    get_session,
    open_session,
    resume_index,
    session_questions,
    session_set,
    unfinished_sessions,
)
from qam.planner.reviews import assigned_to, get_review, list_reviews
from qam.vocabulary import METHODS, label

NOT_ASSESSED = "__not_assessed__"


def _valid_date(value: str) -> bool | str:
    try:
        date.fromisoformat(value.strip())
        return True
    except ValueError:
        return "Write the date as YYYY-MM-DD, e.g. " + date.today().isoformat()


def _valid_count(value: str) -> bool | str:
    return (
        True
        if value.strip() == "" or value.strip().isdigit()
        else "A whole number, e.g. 2 (or leave blank)."
    )


def guided(
    store, actor: str, ask, *, review: str | None = None, method: str | None = None, document=None
) -> None:
    """Run a whole capture: pick or resume a session, then question by question."""
    session = _pick_or_resume(store, actor, ask, review, method)
    if session is None:
        session = _new_session(store, actor, ask, review, method, document)
    _questions(store, actor, ask, session)


def _describe(store, s: dict) -> str:
    total = len(session_set(store, s).questions)
    return f"{s['review_id']} · {label(s['method'])} · {s['held_on']} · {len(answered(store, s['id']))}/{total} answered"


def _pick_or_resume(store, actor, ask, review, method) -> dict | None:
    open_ = [
        s
        for s in unfinished_sessions(store, actor, review)
        if method is None or s["method"] == method
    ]
    if not open_:
        return None
    choices = [(f"Resume {_describe(store, s)}", s["id"]) for s in open_]
    choices.append(("Start a new session", None))
    chosen = ask.select(
        "You have unfinished capture. Resume where you stopped?", choices, default=open_[-1]["id"]
    )
    return get_session(store, chosen) if chosen else None


def _new_session(store, actor, ask, review, method, document) -> dict:  # noqa: C901 (to split)
    reviews = list_reviews(store)
    if not reviews:
        raise RefusedError(
            "There are no reviews to capture against: accept a plan (`qam plan`), import "
            "the programme's bundle (`qam sync import FILE`) or add one (`qam reviews add`)."
        )
    if review is None:
        mine = assigned_to(store, actor)
        ordered = sorted(reviews, key=lambda r: (r["id"] not in mine, r["start"] or "", r["id"]))
        choices = [
            (
                f"{'* ' if r['id'] in mine else '  '}{r['id']} · {r['title']} · {r['unit']} "
                f"({r['start']} to {r['end']})",
                r["id"],
            )
            for r in ordered
        ]
        message = "Which review?" + (" (* = your assignments)" if mine else "")
        review = ask.select(message, choices)
    row = get_review(store, review)
    methods = (
        [m for m in (row.get("methods") or []) if m in METHODS]
        if isinstance(row.get("methods"), list)
        else []
    )
    if not methods:
        methods = list(METHODS)
    if method is None:
        method = ask.select("Which method?", [(label(m), m) for m in methods])
    if method == "survey":
        raise RefusedError(
            f"Surveys are imported from their CSV: qam findings import-survey {review} FILE.csv"
        )
    held_on = ask.text(
        "Date of the session", default=date.today().isoformat(), validate=_valid_date
    ).strip()
    place = ask.text("Where (e.g. 'Northgate custody suite')").strip()
    head_count, participants = None, []
    if method == "focus_group":
        head_count = int(
            ask.text(
                "How many people took part?",
                validate=lambda v: v.strip().isdigit() and int(v) > 0 or "A number from 1.",
            )
        )
    if method in ("interview", "focus_group"):
        ask.say(
            "Participants are recorded by role and unit under a code (P1, P2...), never by name."
        )
        while True:
            role = ask.text(
                f"Participant P{len(participants) + 1} role (blank when done)",
                instruction="e.g. detention officer",
            ).strip()
            if not role:
                if participants or method == "focus_group":
                    break
                ask.say("An interview needs at least the interviewee's role.")
                continue
            unit = ask.text(f"P{len(participants) + 1} unit", instruction="e.g. custody").strip()
            participants.append({"role": role, "unit": unit})
            if method == "interview":
                break
    doc_title = None
    if method == "document_analysis" and document is None:
        document = (
            ask.text(
                "Path of the document read (its title and fingerprint are kept, not its content)"
            ).strip()
            or None
        )
    if document is not None:
        doc_title = (
            ask.text("Document title", default=document_fingerprint(document)[0]).strip() or None
        )
    session = open_session(
        store,
        review_id=review,
        method=method,
        actor=actor,
        held_on=held_on,
        place=place,
        participants=participants,
        head_count=head_count,
        document=document,
        document_title=doc_title,
    )
    ask.say(f"Session {session['id']} started. Each answer is saved as soon as you give it.")
    return session


def _questions(store, actor, ask, session) -> None:
    qs = session_set(store, session)
    review = get_review(store, session["review_id"])
    questions = session_questions(store, session)
    index = resume_index(store, session)
    if index:
        ask.say(f"Resuming at question {min(index + 1, len(questions))} of {len(questions)}.")
    while index < len(questions):
        q = questions[index]
        done = answered(store, session["id"])
        previous = done.get(q.id)
        ask.say("")
        ask.say(f"Question {index + 1} of {len(questions)} [{q.id}] {q.area}")
        ask.say(f"  {q.text}")
        for probe in q.probes:
            ask.say(f"  - {probe}")
        if previous:
            ask.say(f"  Saved answer: {previous['notes'][:200]}")
        actions = [
            ("Answer this question" if not previous else "Change the saved answer", "answer"),
            (
                "Skip (leave unanswered for now)"
                if not previous
                else "Keep the saved answer, next",
                "skip",
            ),
            ("Back to the previous question", "back"),
            ("Stop (everything saved is kept; rerun qam capture to resume)", "stop"),
        ]
        if index == 0:
            actions.pop(2)
        action = ask.select("What next?", actions, default="answer")
        if action == "stop":
            ask.say(
                f"Stopped. {len(done)} of {len(questions)} answered; rerun `qam capture` to resume."
            )
            return
        if action == "back":
            index -= 1
            continue
        if action == "answer":
            finding = _answer(store, actor, ask, session, review, qs, q, previous)
            if finding:
                ask.say(f"Saved. Finding {finding['id']}")
        index += 1
    done = answered(store, session["id"])
    ask.say(f"All questions visited: {len(done)} of {len(questions)} answered.")
    if ask.confirm(
        "Finalise this session now? Its findings are then locked; a later change is a correction with a reason.",
        default=False,
    ) and _names_checked(store, ask, session):
        finalise(store, session["id"], actor, names_checked=True)
        ask.say(f"Session {session['id']} finalised.")
    else:
        ask.say(f"Left open. Finalise later: qam capture --finalise {session['id']}")


def _names_checked(store, ask, session) -> bool:
    """Show findings that may name a person and ask before locking them (a safety net only)."""
    from qam.fieldwork.names import check

    flagged = check(store, session_id=session["id"])
    if not flagged:
        return True
    ask.say("These findings may name a person (participants are recorded by role, never by name):")
    for f in flagged:
        ask.say(f"  {f['finding_id']} [{f['question_id']}]: {', '.join(f['words'])}")
    ask.say("To fix one: qam findings correct ID --notes ... --reason ...")
    return ask.confirm(
        "Finalise anyway? (only if you have checked these are not people's names)", default=False
    )


def _answer(store, actor, ask, session, review, qs, q, previous) -> dict | None:
    prev = previous or {}
    notes = ask.text(
        "Notes: what did the evidence show?",
        default=prev.get("notes", ""),
        multiline=True,
        instruction="(Esc then Enter to finish)",
    ).strip()
    grade = None
    if q.graded:
        choices = [(label(g), g) for g in qs.grades] + [("Not assessed", NOT_ASSESSED)]
        grade = ask.select("Grade", choices, default=prev.get("grade") or NOT_ASSESSED)
        grade = None if grade == NOT_ASSESSED else grade
    good = ask.confirm("Good practice worth sharing?", default=bool(prev.get("good_practice")))
    concerns = (
        ask.text("Concerns (blank if none)", default=prev.get("concerns") or "").strip() or None
    )
    sources_text = ask.text(
        "How many independent sources support this?",
        default=str(prev["sources"]) if prev.get("sources") is not None else "",
        validate=_valid_count,
        instruction="(Enter for 1)",
    ).strip()
    sources = int(sources_text) if sources_text else 1
    links = list(prev.get("links") or [])
    offered = suggest_links(store, theme=review.get("theme"), notes=notes)
    if offered or links:
        known = {i["ref"] for i in offered}
        choices = [(f"{i['ref']} · {i['text'][:70]} ({i['why']})", i["ref"]) for i in offered]
        choices += [(ref, ref) for ref in links if ref not in known]
        links = ask.checkbox(
            "Link to register items (space to tick, Enter to finish)", choices, checked=set(links)
        )
    if previous and (notes, grade, good, concerns, sources, sorted(links)) == (
        prev["notes"],
        prev["grade"],
        prev["good_practice"],
        prev["concerns"],
        prev["sources"],
        sorted(prev["links"]),
    ):
        ask.say("Unchanged; the saved answer stands.")
        return None
    participant = (session["participants"] or [{}])[0] if session["method"] == "interview" else {}
    while True:
        try:
            return record_answer(
                store,
                session,
                question_id=q.id,
                notes=notes,
                actor=actor,
                grade=grade,
                good_practice=good,
                concerns=concerns,
                sources=sources,
                links=links,
                participant_role=participant.get("role"),
                participant_unit=participant.get("unit"),
            )
        except StoreError as err:
            # Busy or full: the answer is still in memory, so offer to save it again rather
            # than throw away what the reviewer just typed.
            ask.say(f"Not saved: {err}")
            if not ask.confirm("Try saving this answer again?", default=True):
                raise
