"""Moderated grades: a second reviewer's blind grade, agreement between the two, moderation.

A second grade comes from someone other than the reviewer who gave the first, and neither
the command nor the prompts show the first grade. `agreement` compares the pairs of a review
(exact, within one grade, Cohen's kappa with linear weights on the five-tier PEEL scale) and
lists the disagreements; a moderator then settles a grade with a reason, kept in the trail.
Reports use the moderated grade where there is one (`qam.store.moderation`).

Grades attach to one version of a finding: a correction made afterwards is a new finding,
graded afresh.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from qam.analysis.stats import weighted_kappa
from qam.clock import now
from qam.errors import RefusedError
from qam.fieldwork.findings import get_finding
from qam.store import audit
from qam.store import finding_conflicts as conflicts_db
from qam.store import findings as findings_db
from qam.store import moderation as moderation_db
from qam.vocabulary import GRADES, label

if TYPE_CHECKING:
    from qam.question_sets import QuestionSet
    from qam.store import Store


def _same_person(a: str | None, b: str | None) -> bool:
    return (a or "").strip().casefold() == (b or "").strip().casefold()


def _current(store: Store, finding_id: str) -> dict:
    """The finding, refused when a later version replaced it (grade that one instead)."""
    row = get_finding(store, finding_id)
    newer = findings_db.superseded_by(store, row["id"])
    if newer:
        raise RefusedError(
            f"Finding {row['id']} was replaced by {newer[-1]}; grade the current version."
        )
    if conflicts_db.set_aside_by(store, row["id"]):
        raise RefusedError(
            f"Finding {row['id']} was set aside when a conflict was resolved; grade the version kept."
        )
    return row


def question_set_of(store: Store, finding: dict) -> QuestionSet:
    from qam.fieldwork.sessions import get_session, session_set

    return session_set(store, get_session(store, finding["session_id"]))


def check_grade(qs: QuestionSet, finding: dict, grade: str) -> str:
    """The grade as a slug on the finding's scale, or RefusedError naming the scale."""
    question = qs.question(finding["question_id"])
    if not question.graded:
        raise RefusedError(f"Question {question.id} is not graded, so it has no grade to moderate.")
    slug = (grade or "").strip().lower().replace(" ", "_")
    if slug not in qs.grades:
        raise RefusedError(
            f"Grade '{grade}' is not on the {qs.scale.replace('_', '-')} scale: "
            f"{', '.join(qs.grades)}."
        )
    return slug


def grading_view(store: Store, finding_id: str) -> dict:
    """What a second grader sees of a finding: its question and evidence, never its grade."""
    row = _current(store, finding_id)
    qs = question_set_of(store, row)
    question = qs.question(row["question_id"])
    if not question.graded:
        raise RefusedError(f"Question {question.id} is not graded, so it has no grade to moderate.")
    return {
        "id": row["id"],
        "review_id": row["review_id"],
        "question_id": question.id,
        "area": question.area,
        "question": question.text,
        "method": label(row["method"]),
        "sources": row["sources"],
        "notes": row["notes"],
        "grades": list(qs.grades),
    }


def second_grade(store: Store, finding_id: str, *, grade: str, actor: str) -> dict:
    """Record a second, blind grade of a finding by someone other than its first grader.

    Returns the saved row without the first grade, so nothing a second grader is shown
    gives it away. The same second grader may grade again (the latest stands); a third
    person is refused: two grades disagree, and a moderator settles them.
    """
    row = _current(store, finding_id)
    if row["grade"] is None:
        raise RefusedError(
            f"Finding {row['id']} has no first grade (not assessed), so there is nothing to "
            "grade a second time."
        )
    slug = check_grade(question_set_of(store, row), row, grade)
    if _same_person(actor, row["reviewer"]):
        raise RefusedError(
            f"You ({actor}) gave finding {row['id'][:8]} its first grade; a second grade must "
            "come from another reviewer (run as them with --as NAME)."
        )
    earlier = moderation_db.second_grades(store, [row["id"]]).get(row["id"])
    if earlier and not _same_person(actor, earlier["grader"]):
        raise RefusedError(
            f"Finding {row['id'][:8]} already has a second grade, from {earlier['grader']}; "
            "where the two grades differ, settle them with `qam findings moderate`."
        )
    saved = {
        "id": str(uuid.uuid4()),
        "finding_id": row["id"],
        "grade": slug,
        "grader": actor,
        "graded_at": now(),
    }
    with store.transaction():
        moderation_db.insert_second_grade(store, saved)
        audit.append_event(
            store,
            actor=actor,
            entity="second_grade",
            entity_id=saved["id"],
            action="grade",
            old={"second_grade": earlier["id"]} if earlier else None,
            new={"finding": row["id"], "grade": slug},
            reason="second grade, given blind",
        )
    return saved


def moderate(store: Store, finding_id: str, *, grade: str, reason: str, actor: str) -> dict:
    """Settle a finding's grade between its first and second grades, with a reason in the trail."""
    if not (reason or "").strip():
        raise RefusedError(
            'A moderated grade needs a reason (--reason "..."); it goes in the decision trail.'
        )
    row = _current(store, finding_id)
    second = moderation_db.second_grades(store, [row["id"]]).get(row["id"])
    if row["grade"] is None or second is None:
        raise RefusedError(
            f"Finding {row['id'][:8]} has no pair of grades to moderate: a second reviewer "
            f"grades it first (`qam findings grade {row['id'][:8]} --grade G --as NAME`)."
        )
    slug = check_grade(question_set_of(store, row), row, grade)
    saved = {
        "id": str(uuid.uuid4()),
        "finding_id": row["id"],
        "grade": slug,
        "first_grade": row["grade"],
        "second_grade": second["grade"],
        "reason": reason.strip(),
        "moderator": actor,
        "moderated_at": now(),
    }
    with store.transaction():
        moderation_db.insert_moderation(store, saved)
        audit.append_event(
            store,
            actor=actor,
            entity="grade_moderation",
            entity_id=saved["id"],
            action="moderate",
            old={"finding": row["id"], "first": row["grade"], "second": second["grade"]},
            new={"finding": row["id"], "grade": slug},
            reason=saved["reason"],
        )
    return saved


# ----------------------------------------------------------------------------- agreement


def _pairs(store: Store, review_id: str) -> list[dict]:
    rows = [f for f in findings_db.findings(store, review_id=review_id) if f["grade"] in GRADES]
    seconds = moderation_db.second_grades(store, (f["id"] for f in rows))
    settled = moderation_db.moderations(store, seconds)
    pairs = []
    for f in rows:
        second = seconds.get(f["id"])
        if second is None or second["grade"] not in GRADES:
            continue
        moderated = settled.get(f["id"])
        pairs.append(
            {
                "finding": f["id"],
                "question": f["question_id"],
                "first_grade": f["grade"],
                "first_grader": f["reviewer"],
                "second_grade": second["grade"],
                "second_grader": second["grader"],
                "difference": GRADES.index(second["grade"]) - GRADES.index(f["grade"]),
                "moderated_grade": moderated["grade"] if moderated else None,
                "moderated_by": moderated["moderator"] if moderated else None,
            }
        )
    return pairs


def agreement(store: Store, review_id: str) -> dict:
    """How far two reviewers' grades agree over a review's findings graded twice.

    `exact` and `within_one` are fractions of the pairs; `kappa` is Cohen's kappa with linear
    weights over the five-tier scale (None with no pairs, or when both graders gave one and
    the same grade throughout); `disagreements` lists the pairs that differ, widest first.
    """
    from qam.planner.reviews import get_review

    get_review(store, review_id)
    pairs = _pairs(store, review_id)
    n = len(pairs)
    first = [GRADES.index(p["first_grade"]) for p in pairs]
    second = [GRADES.index(p["second_grade"]) for p in pairs]
    kappa = weighted_kappa(first, second, len(GRADES))
    return {
        "review": review_id,
        "pairs": n,
        "exact": sum(1 for p in pairs if p["difference"] == 0) / n if n else None,
        "within_one": sum(1 for p in pairs if abs(p["difference"]) <= 1) / n if n else None,
        "kappa": kappa,
        "weights": "linear",
        "scale": list(GRADES),
        "moderated": sum(1 for p in pairs if p["moderated_grade"]),
        "disagreements": sorted(
            (p for p in pairs if p["difference"]),
            key=lambda p: (-abs(p["difference"]), p["question"], p["finding"]),
        ),
    }
