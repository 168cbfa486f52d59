"""Re-reviews: a review that follows an earlier one (its baseline) and what changed since.

A review follows another when it is added with `qam reviews add R2 --follows R1`, or when the
planner schedules a review of a unit and theme an earlier review covered (the latest such
review that ended before it starts). It starts from the baseline's questions (the same
question set, unless another is named).

The comparison, question by question (matched by PEEL area, so a new edition of the question
set still lines up): new (only the re-review has findings), not re-tested (only the
baseline has), improved, worse or unchanged (both graded: the source-weighted median grade,
moderated grades counting), re-tested (findings in both, but not graded in both). A repeat
finding is a concern raised on the same question in both reviews.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qam.analysis.readiness import weighted_median_grade
from qam.errors import RefusedError
from qam.vocabulary import GRADES

if TYPE_CHECKING:
    from qam.store import Store

NEW, NOT_RETESTED, IMPROVED, WORSE, UNCHANGED, RETESTED = (
    "new",
    "not_retested",
    "improved",
    "worse",
    "unchanged",
    "retested",
)
STATUS_LABELS = {
    NEW: "New",
    NOT_RETESTED: "Not re-tested",
    IMPROVED: "Improved",
    WORSE: "Worse",
    UNCHANGED: "Unchanged",
    RETESTED: "Re-tested (no grade to compare)",
}


def check_follows(store: Store, review_id: str, follows: str) -> dict:
    """The baseline review, refused when it is the review itself or does not exist."""
    from qam.planner.reviews import get_review

    if follows.strip() == review_id.strip():
        raise RefusedError("A review cannot follow itself; name the earlier review with --follows.")
    return get_review(store, follows.strip())


def baseline_for(review: dict, others: list[dict]) -> str | None:
    """The latest of `others` on the same theme and unit that ended before `review` starts."""
    unit = (review.get("unit") or "").strip().casefold()
    earlier = [
        o
        for o in others
        if o["id"] != review["id"]
        and o.get("theme") == review.get("theme")
        and (o.get("unit") or "").strip().casefold() == unit
        and str(o.get("end") or "") < str(review.get("start") or "")
    ]
    best = max(earlier, key=lambda o: (str(o["end"]), str(o["start"]), o["id"]), default=None)
    return best["id"] if best else None


def _by_area(store: Store, review_id: str, area_of: dict) -> dict[str, list[dict]]:
    from qam.store import findings as findings_db

    found: dict[str, list[dict]] = {}
    for f in findings_db.findings(store, review_id=review_id):
        grade = f.get("moderated_grade") or f["grade"]
        area = area_of.get((f["question_set"], f["question_id"]), f["question_id"])
        found.setdefault(area, []).append({**f, "grade": grade})
    return found


def _status(before: list[dict], after: list[dict]) -> tuple[str, str | None, str | None]:
    old, new = weighted_median_grade(before), weighted_median_grade(after)
    if not before:
        return NEW, old, new
    if not after:
        return NOT_RETESTED, old, new
    if old is None or new is None:
        return RETESTED, old, new
    change = GRADES.index(old) - GRADES.index(new)  # positive: a better grade now
    return (IMPROVED if change > 0 else WORSE if change < 0 else UNCHANGED), old, new


def _concerns(rows: list[dict]) -> list[str]:
    return list(dict.fromkeys(c for c in ((r.get("concerns") or "").strip() for r in rows) if c))


def compare(store: Store, review_id: str) -> dict | None:
    """What changed since the baseline, question by question; None for a first review.

    {"review", "baseline", "baseline_title", "questions": [{"area", "question", "status",
    "baseline_grade", "grade", "baseline_findings", "findings", "repeat",
    "baseline_concerns", "concerns"}], "counts": {status: n}, "repeats": n}.
    """
    from qam.planner.reviews import get_review
    from qam.reports import catalogue

    review = get_review(store, review_id)
    if not review.get("follows"):
        return None
    base = get_review(store, review["follows"])
    sets = catalogue.question_sets(store)
    qs = sets.get(review["question_set"] or catalogue.DEFAULT_SET) or sets[catalogue.DEFAULT_SET]
    area_of = {(q["question_set"], q["question_id"]): q["area"] for q in catalogue.questions(sets)}
    before, after = _by_area(store, base["id"], area_of), _by_area(store, review_id, area_of)
    order = [q.area for q in qs.questions] + sorted(
        (set(before) | set(after)) - {q.area for q in qs.questions}
    )
    question_of = {q.area: q.id for q in qs.questions}
    rows = []
    for area in dict.fromkeys(order):
        old, new = before.get(area, []), after.get(area, [])
        if not old and not new:
            continue
        status, old_grade, new_grade = _status(old, new)
        old_concerns, new_concerns = _concerns(old), _concerns(new)
        rows.append(
            {
                "area": area,
                "question": question_of.get(area, ""),
                "status": status,
                "baseline_grade": old_grade,
                "grade": new_grade,
                "baseline_findings": len(old),
                "findings": len(new),
                "repeat": bool(old_concerns and new_concerns),
                "baseline_concerns": old_concerns,
                "concerns": new_concerns,
            }
        )
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    return {
        "review": review_id,
        "baseline": base["id"],
        "baseline_title": base["title"],
        "baseline_end": base["end"],
        "questions": rows,
        "counts": counts,
        "repeats": sum(1 for r in rows if r["repeat"]),
    }


def baseline_notes(store: Store, review_id: str) -> dict[str, str]:
    """question id -> a line for the guided capture: the baseline's grade and concern there."""
    from qam.vocabulary import label

    doc = compare(store, review_id)
    if not doc:
        return {}
    lines = {}
    for row in doc["questions"]:
        if not row["baseline_findings"] or not row["question"]:
            continue
        grade = label(row["baseline_grade"]) if row["baseline_grade"] else "not graded"
        concern = f"; concern: {row['baseline_concerns'][0]}" if row["baseline_concerns"] else ""
        lines[row["question"]] = f"Baseline {doc['baseline']}: {grade}{concern}"
    return lines
