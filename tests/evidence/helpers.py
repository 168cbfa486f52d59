"""Shared helpers for the evidence tests: a store with reviews, graded findings and grades."""

from __future__ import annotations

from qam.fieldwork.findings import record_answer
from qam.fieldwork.sessions import finalise, open_session
from qam.initialise import initialise
from qam.planner.reviews import add_review

FORCE = "Westshire Police"


def review(
    store,
    review_id="R1",
    *,
    theme="custody",
    unit="Eastern BCU",
    start="2025-06-02",
    end="2025-06-13",
    actor="liaison.lead",
    **extra,
) -> dict:
    return add_review(
        store,
        review_id=review_id,
        title=f"Review {review_id}",
        theme=theme,
        unit=unit,
        start=start,
        end=end,
        actor=actor,
        **extra,
    )


def set_up(store, actor="liaison.lead") -> None:
    initialise(store, actor=actor, force_name=FORCE)


def graded(
    store,
    review_id: str,
    answers,
    *,
    reviewer="sgt.eastern",
    method="direct_observation",
    held_on=None,
    final=True,
) -> list[dict]:
    """One session of `review_id` answering each (question, grade[, concerns]) in turn."""
    session = open_session(
        store, review_id=review_id, method=method, actor=reviewer, held_on=held_on
    )
    saved = []
    for answer in answers:
        question, grade, *rest = answer
        saved.append(
            record_answer(
                store,
                session,
                question_id=question,
                grade=grade,
                actor=reviewer,
                notes=f"Evidence on {question}",
                sources=1,
                concerns=rest[0] if rest else None,
            )
        )
    if final:
        finalise(store, session["id"], reviewer)
    return saved
