"""Survey responses from a CSV or XLSX into findings: one finding per question, with counts.

A survey is many voices on the same questions, so each question gets one finding that says
how many answered, how the grades were spread (`grade_counts`) and what people wrote; the
grade itself is left "not assessed" for the reviewer to judge. The file is read through the
import pipeline: a column is a question when its header is the question's id (or is mapped
to one with --map); respondent, role, unit and time columns are allowed, and any other column
(a name, an email address) is refused until it is mapped or ignored, so names never arrive
by accident. Everything is written in one transaction: a file with a problem leaves nothing.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from qam.fieldwork.findings import record_answer
from qam.fieldwork.sessions import open_session, question_set_for
from qam.imports import values as cells
from qam.imports.headers import Field
from qam.imports.pipeline import ImportOptions, Reading, Receipt
from qam.planner.reviews import get_review
from qam.vocabulary import GRADE_LABELS

META = {
    "respondent": ("response", "response id", "respondent id", "id"),
    "role": ("job role", "rank", "rank role"),
    "unit": ("department", "team", "bcu"),
    "submitted": ("timestamp", "date", "completion time", "start time", "submitted at"),
}


def fields(question_ids: list[str]) -> list[Field]:
    """A field a question (its id), and the columns a survey export may also have."""
    meta = [Field(name, cells.one_line, synonyms, cache=True) for name, synonyms in META.items()]
    return [Field(qid, cells.text) for qid in question_ids] + meta


def _grade_reader(grades: tuple[str, ...]):
    choice = cells.Choice("grade", grades)
    labels = {cells.fold(text): slug for slug, text in GRADE_LABELS.items() if slug in grades}

    def grade(text: str) -> str | None:
        return choice.find(text) or labels.get(cells.fold(text))

    return grade


def _notes(answered: list[str], total: int, counts: Counter, comments: list[str], grades) -> str:
    spread = ", ".join(f"{GRADE_LABELS.get(g, g)} {counts[g]}" for g in grades if counts[g])
    notes = [f"Survey of {total} responses; {len(answered)} answered this question."]
    if spread:
        notes.append(f"Grades given: {spread}.")
    if comments:
        notes.append("Comments:")
        notes += [f"- {c}" for c in comments[:50]]
        if len(comments) > 50:
            notes.append(f"... and {len(comments) - 50} more comments.")
    return "\n".join(notes)


def import_survey(
    store,
    review_id: str,
    path: Path | str,
    *,
    actor: str,
    held_on: str | None = None,
    options: ImportOptions | None = None,
) -> Receipt:
    """Import one survey for a review; the receipt's details hold the session and findings."""
    from qam.dates import parse_option_date
    from qam.imports.reader import open_table

    options = options or ImportOptions()
    # The file first: a pipe, a device or a zip bomb is refused before the review is looked up.
    open_table(path, options.sheet)
    day = parse_option_date(held_on, "--held-on")
    held_on = day.isoformat() if day else None
    review = get_review(store, review_id)
    qs = question_set_for(store, review["question_set"] or "paf-2023", actor)
    reading = Reading(path, fields([q.id for q in qs.questions]), options, keep_unmapped=True)
    for header in reading.columns.unmapped:
        reading.problem(
            "column that is not a question",
            None,
            raw=header,
            plural="columns that are not questions",
            fix=f"name each by its question id in {qs.id} v{qs.version} (see `qam sets show "
            f'{qs.id}`), map it with --map "{{raw}}=<question id>", or leave it out with '
            f'--map "{{raw}}=ignore"',
        )
    questions = [c.field.name for c in reading.columns.mapped if c.field.name not in META]
    if not questions:
        reading.problem(
            "survey with no question columns",
            None,
            raw=reading.source,
            fix=f"name each column by its question id, e.g. {qs.questions[0].id}",
        )
    answers: dict[str, list[str]] = {q: [] for q in questions}
    roles: Counter = Counter()
    for row in reading:
        for qid in questions:
            if row.get(qid):
                answers[qid].append(row.get(qid))
        if row.get("role") or row.get("unit"):
            roles[(row.get("role") or "unknown role", row.get("unit") or "unknown unit")] += 1
    reading.finish(empty_what="responses")
    receipt = Receipt(source=reading.source, what="findings", dry_run=options.dry_run)
    receipt.from_reading(reading)
    receipt.added = [f"{qid} ({len(answers[qid])} answers)" for qid in questions]
    receipt.details = {"responses": reading.rows, "session": None, "findings": []}
    if options.dry_run:
        return receipt
    grade = _grade_reader(qs.grades)
    with store.transaction():
        session = open_session(
            store,
            review_id=review_id,
            method="survey",
            actor=actor,
            held_on=held_on,
            place=f"survey: {reading.source}",
            participants=[{"role": r, "unit": u} for r, u in sorted(roles)],
            head_count=reading.rows,
        )
        for qid in questions:
            counts = Counter(g for g in map(grade, answers[qid]) if g)
            comments = [c for c in answers[qid] if grade(c) is None]
            finding = record_answer(
                store,
                session,
                question_id=qid,
                notes=_notes(answers[qid], reading.rows, counts, comments, qs.grades),
                actor=actor,
                sources=len(answers[qid]),
                responses=len(answers[qid]),
                grade_counts=dict(counts) if counts and qs.question(qid).graded else None,
            )
            receipt.details["findings"].append(finding["id"])
        receipt.details["session"] = session["id"]
    return receipt
