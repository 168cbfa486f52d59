"""The guided capture flow, asking through a `qam.prompter.Prompter`.

The flow never imports questionary: it gets answers as data, so the same flow runs in a
terminal, over pexpect, or from a pipe in tests. The question on screen is recorded before
the reviewer acts on it and each answer is saved the moment it is complete, so a dead
battery resumes at the question the reviewer was on, with every earlier answer kept.
Leaving a prompt (Ctrl-C) raises KeyboardInterrupt before anything is written.

The flow is small steps: opening a session (`qam.fieldwork.opening`, methods as data), the
menu at each question (`ACTIONS`), and an answer's parts (`ANSWER_STEPS`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from qam.enablers import ENABLER_LABELS, ordered
from qam.errors import RefusedError, StoreError
from qam.fieldwork.findings import record_answer
from qam.fieldwork.links import suggest_links
from qam.fieldwork.opening import METHOD_STEPS, Draft, ask_details
from qam.fieldwork.sessions import (
    answered,
    finalise,
    get_session,
    mark_shown,
    open_session,
    resume_index,
    session_questions,
    session_set,
    unfinished_sessions,
)
from qam.planner.reviews import assigned_to, get_review, list_reviews
from qam.prompter import Prompter
from qam.vocabulary import ENABLERS, count_label, date_label, label

if TYPE_CHECKING:
    from qam.store import Store

NEW_SESSION = "new"
RECORD_AUDIT = "record_audit"
NOT_ASSESSED = "not_assessed"
ANSWER, SKIP, BACK, GO_TO, STOP = "answer", "skip", "back", "go_to", "stop"
DONE_MARK = "✓"


def guided(
    store: Store,
    actor: str,
    ask: Prompter,
    *,
    review: str | None = None,
    method: str | None = None,
    document=None,
) -> None:
    """Run a whole capture: resume a session or start one, then question by question."""
    session = _pick_or_resume(store, actor, ask, review, method)
    if session is None:
        session = _new_session(store, actor, ask, review, method, document)
    if session["method"] == RECORD_AUDIT:
        from qam.fieldwork.audit_flow import audit_records

        audit_records(store, actor, ask, session)
        return
    _questions(store, actor, ask, session)


def describe(store: Store, s: dict) -> str:
    """'R03 · Direct observation · 2 Dec 2026 · 2 of 10 answered'."""
    if s["method"] == RECORD_AUDIT:
        from qam.fieldwork.record_audit import session_summary

        done = session_summary(store, s)
    else:
        total = len(session_set(store, s).questions)
        done = f"{len(answered(store, s['id']))} of {total} answered"
    return f"{s['review_id']} · {label(s['method'])} · {date_label(s['held_on'])} · {done}"


def _pick_or_resume(store: Store, actor, ask: Prompter, review, method) -> dict | None:
    open_ = [
        s
        for s in unfinished_sessions(store, actor, review)
        if method is None or s["method"] == method
    ]
    if not open_:
        return None
    choices = [(f"Resume {describe(store, s)}", s["id"]) for s in open_]
    choices.append(("Start a new session", NEW_SESSION))
    chosen = ask.select(
        "You have unfinished capture. Resume where you stopped?", choices, default=open_[-1]["id"]
    )
    return None if chosen == NEW_SESSION else get_session(store, chosen)


def _pick_review(store: Store, actor, ask: Prompter) -> str:
    reviews = list_reviews(store)
    if not reviews:
        raise RefusedError(
            "There are no reviews to capture against: accept a plan (`qam plan`), import "
            "the programme's bundle (`qam sync import FILE`) or add one (`qam reviews add`)."
        )
    mine = assigned_to(store, actor)
    ordered = sorted(reviews, key=lambda r: (r["id"] not in mine, r["start"] or "", r["id"]))
    choices = [
        (
            f"{'* ' if r['id'] in mine else '  '}{r['id']} · {r['title']} · {r['unit']} "
            f"({date_label(r['start'])} to {date_label(r['end'])})",
            r["id"],
        )
        for r in ordered
    ]
    return ask.select("Which review?" + (" (* = your assignments)" if mine else ""), choices)


def _pick_method(store: Store, ask: Prompter, row: dict) -> str:
    """The review's planned methods (all of them when none were planned); a record audit
    only once the review has a sample to audit."""
    from qam.store import record_audits as audits_db

    planned: list[str] = row["methods"] if isinstance(row.get("methods"), list) else []
    methods = [m for m in planned if m in METHOD_STEPS or m == "survey"] or [
        *(m for m in METHOD_STEPS if m != RECORD_AUDIT),
        "survey",
    ]
    sampled = audits_db.current_sample(store, row["id"]) is not None
    methods = [m for m in methods if m != RECORD_AUDIT] + ([RECORD_AUDIT] if sampled else [])
    return ask.select("Which method?", [(label(m), m) for m in methods])


def _new_session(store: Store, actor, ask: Prompter, review, method, document) -> dict:
    review = review or _pick_review(store, actor, ask)
    row = get_review(store, review)
    method = method or _pick_method(store, ask, row)
    if method == "survey":
        raise RefusedError(
            f"Surveys are imported from their CSV: qam findings import-survey {review} FILE.csv"
        )
    if method not in METHOD_STEPS:
        raise RefusedError(f"'{method}' is not a method the guided capture knows.")
    if method == RECORD_AUDIT:
        from qam.fieldwork.sampling import get_sample

        get_sample(store, review)  # says how to draw one when there is none
    draft = ask_details(
        ask, Draft(review=row, method=method, document=str(document) if document else None)
    )
    session = open_session(
        store,
        review_id=review,
        method=method,
        actor=actor,
        held_on=draft.held_on,
        place=draft.place,
        participants=draft.participants,
        head_count=draft.head_count,
        document=draft.document,
        document_title=draft.document_title,
    )
    ask.say(f"Session {session['id'][:8]} started. Each answer is saved as soon as you give it.")
    return session


# ----------------------------------------------------------------------------- questions


def _show(
    ask: Prompter, questions, index: int, previous: dict | None, baseline: str | None = None
) -> None:
    q = questions[index]
    ask.say("")
    mark = f"  {DONE_MARK} answered" if previous else ""
    ask.say(f"Question {index + 1} of {len(questions)} [{q.id}] {q.area}{mark}")
    ask.say(f"  {q.text}")
    for probe in q.probes:
        ask.say(f"  - {probe}")
    if baseline:
        ask.say(f"  {baseline}")
    if previous:
        notes = " ".join(previous["notes"].split())
        ask.say(f"  Saved answer: {notes[:200]}{'…' if len(notes) > 200 else ''}")


def _action(ask: Prompter, index: int, previous: dict | None) -> str:
    actions = [
        ("Change the saved answer" if previous else "Answer this question", ANSWER),
        ("Keep the saved answer, next" if previous else "Skip (leave unanswered for now)", SKIP),
        ("Back to the previous question", BACK),
        ("Go to another question (answered ones marked ✓)", GO_TO),
        ("Stop (everything saved is kept; rerun qam capture to resume)", STOP),
    ]
    if index == 0:
        actions.pop(2)
    return ask.select("What next?", actions, default=ANSWER)


def _go_to(ask: Prompter, questions, done: dict, index: int) -> int:
    choices = [
        (f"{DONE_MARK if q.id in done else ' '} {i + 1}. {q.area}: {q.text[:60]}", i)
        for i, q in enumerate(questions)
    ]
    return ask.select("Which question?", choices, default=index)


def _resumed(ask: Prompter, questions, done: dict, index: int) -> None:
    numbers = [str(i + 1) for i, q in enumerate(questions) if q.id in done]
    answered_text = f"answered {DONE_MARK}: {', '.join(numbers)}" if numbers else "none answered"
    ask.say(
        f"Resuming at question {min(index + 1, len(questions))} of {len(questions)} ({answered_text})."
    )


def _questions(store: Store, actor, ask: Prompter, session) -> None:
    qs = session_set(store, session)
    review = get_review(store, session["review_id"])
    from qam.fieldwork.baseline import baseline_notes

    questions = session_questions(store, session)
    baseline = baseline_notes(store, session["review_id"])
    index = resume_index(store, session)
    if index or answered(store, session["id"]):
        _resumed(ask, questions, answered(store, session["id"]), index)
    while index < len(questions):
        q = questions[index]
        done = answered(store, session["id"])
        mark_shown(store, session, q.id)
        _show(ask, questions, index, done.get(q.id), baseline.get(q.id))
        action = _action(ask, index, done.get(q.id))
        if action == STOP:
            ask.say(
                f"Stopped. {len(done)} of {len(questions)} answered; rerun `qam capture` to resume."
            )
            return
        if action == BACK:
            index -= 1
            continue
        if action == GO_TO:
            index = _go_to(ask, questions, done, index)
            continue
        if action == ANSWER:
            finding = _answer(store, actor, ask, session, review, qs, q, done.get(q.id))
            if finding:
                ask.say(f"Saved. Finding {finding['id']}")
        index += 1
    _finish(store, actor, ask, session, len(questions))


def _finish(store: Store, actor, ask: Prompter, session, total: int) -> None:
    done = answered(store, session["id"])
    ask.say(f"All questions visited: {len(done)} of {total} answered.")
    if ask.confirm(
        "Finalise this session now? Its findings are then locked; a later change is a correction with a reason.",
        default=False,
    ) and _names_checked(store, ask, session):
        finalise(store, session["id"], actor, names_checked=True)
        ask.say(
            f"Session {session['id'][:8]} finalised: {count_label(len(done), 'finding')} locked."
        )
    else:
        ask.say(f"Left open. Finalise later: qam capture --finalise {session['id']}")


def _names_checked(store: Store, ask: Prompter, session) -> bool:
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


# ----------------------------------------------------------------------------- an answer


def _notes(ask: Prompter, answer: dict, prev: dict, context: dict) -> None:
    answer["notes"] = ask.text(
        "Notes: what did the evidence show?",
        default=prev.get("notes", ""),
        multiline=True,
        instruction="(Esc then Enter to finish)",
    ).strip()


def _grade(ask: Prompter, answer: dict, prev: dict, context: dict) -> None:
    answer["grade"] = None
    if context["question"].graded:
        choices = [(label(g), g) for g in context["set"].grades]
        choices.append(("Not assessed", NOT_ASSESSED))
        grade = ask.select("Grade", choices, default=prev.get("grade") or NOT_ASSESSED)
        answer["grade"] = None if grade == NOT_ASSESSED else grade


def _good_practice(ask: Prompter, answer: dict, prev: dict, context: dict) -> None:
    answer["good_practice"] = ask.confirm(
        "Good practice worth sharing?", default=bool(prev.get("good_practice"))
    )


def _concerns(ask: Prompter, answer: dict, prev: dict, context: dict) -> None:
    typed = ask.text("Concerns (blank if none)", default=prev.get("concerns") or "")
    answer["concerns"] = typed.strip() or None


def _sources(ask: Prompter, answer: dict, prev: dict, context: dict) -> None:
    def valid(value: str) -> bool | str:
        ok = value.strip() == "" or value.strip().isdigit()
        return True if ok else "A whole number, e.g. 2 (or leave blank for 1)."

    typed = ask.text(
        "How many independent sources support this?",
        default=str(prev["sources"]) if prev.get("sources") is not None else "",
        validate=valid,
        instruction="(Enter for 1)",
    ).strip()
    answer["sources"] = int(typed) if typed else 1


def _links(ask: Prompter, answer: dict, prev: dict, context: dict) -> None:
    links = list(prev.get("links") or [])
    offered = suggest_links(
        context["store"], theme=context["review"].get("theme"), notes=answer["notes"]
    )
    if offered or links:
        known = {i["ref"] for i in offered}
        choices = [(f"{i['ref']} · {_cut(i['text'], 70)} ({i['why']})", i["ref"]) for i in offered]
        choices += [(ref, ref) for ref in links if ref not in known]
        links = ask.checkbox(
            "Link to register items (space to tick, Enter to finish)", choices, checked=set(links)
        )
    answer["links"] = links


def _enablers(ask: Prompter, answer: dict, prev: dict, context: dict) -> None:
    """The question's enablers ticked (or the saved answer's); the reviewer adds or removes."""
    ticked = prev.get("enablers", context["question"].enablers)
    answer["enablers"] = ordered(
        ask.checkbox(
            "Enablers this finding speaks to (space to tick or untick, Enter to keep)",
            [(ENABLER_LABELS[e], e) for e in ENABLERS],
            checked=set(ticked),
        )
    )


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


AnswerStep = Callable[[Prompter, dict, dict, dict], None]
# The parts of an answer, asked in order; each fills in its keys of the answer.
ANSWER_STEPS: tuple[AnswerStep, ...] = (
    _notes,
    _grade,
    _good_practice,
    _concerns,
    _sources,
    _links,
    _enablers,
)
_COMPARED = ("notes", "grade", "good_practice", "concerns", "sources", "enablers")


def _answer(store: Store, actor, ask: Prompter, session, review, qs, q, previous) -> dict | None:
    prev = previous or {}
    if previous and previous.get("enablers") is None:  # saved before enablers were recorded
        prev = {**previous, "enablers": ordered(q.enablers)}
    context = {"store": store, "review": review, "set": qs, "question": q}
    answer: dict = {}
    for step in ANSWER_STEPS:
        step(ask, answer, prev, context)
    if (
        previous
        and all(answer[k] == prev[k] for k in _COMPARED)
        and sorted(answer["links"]) == sorted(prev["links"])
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
                actor=actor,
                participant_role=participant.get("role"),
                participant_unit=participant.get("unit"),
                **answer,
            )
        except StoreError as err:
            # Busy or full: the answer is still in memory, so offer to save it again rather
            # than throw away what the reviewer just typed.
            ask.say(f"Not saved: {err}")
            if not ask.confirm("Try saving this answer again?", default=True):
                raise
