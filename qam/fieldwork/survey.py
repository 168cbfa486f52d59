"""Survey responses from a CSV into findings: one finding per question, with counts.

A survey is many voices on the same questions, so each question gets one finding that says
how many answered, how the grades were spread (`grade_counts`) and what people wrote; the
grade itself is left "not assessed" for the reviewer to judge. Everything is written in one
transaction: a CSV that cannot be read leaves nothing behind.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

from qam.errors import ImportFileError
from qam.fieldwork.findings import record_answer
from qam.fieldwork.sessions import open_session, question_set_for
from qam.planner.reviews import get_review
from qam.vocabulary import GRADE_LABELS

META_COLUMNS = {"respondent", "response", "id", "role", "unit", "submitted", "timestamp", "date"}
MAX_BYTES = 20_000_000


def _grade_of(cell: str, grades: tuple[str, ...]) -> str | None:
    key = cell.strip().lower().replace(" ", "_").replace("-", "_")
    if key in grades:
        return key
    for slug, text in GRADE_LABELS.items():
        if slug in grades and cell.strip().lower() == text.lower():
            return slug
    return None


def read_rows(path: Path) -> tuple[list[str], list[dict]]:
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise ImportFileError(f"{path}: no such file; check the path.") from None
    if not raw.strip():
        raise ImportFileError(
            f"{path}: the file is empty; a survey CSV has a header row of question ids."
        )
    if len(raw) > MAX_BYTES:
        raise ImportFileError(f"{path}: over {MAX_BYTES:,} bytes; split the survey export.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ImportFileError(
            f"{path}: byte {err.start} is not UTF-8; save the CSV as UTF-8."
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    rows = []
    for number, row in enumerate(reader, start=2):
        if None in row:
            raise ImportFileError(
                f"{path}, row {number}: more cells than headers; check the quoting."
            )
        rows.append({k: (v or "").strip() for k, v in row.items()})
    return header, rows


def import_survey(
    store, review_id: str, path: Path, *, actor: str, held_on: str | None = None
) -> dict:
    """Import one survey CSV for a review: {"session", "responses", "findings": [ids]}."""
    review = get_review(store, review_id)
    qs = question_set_for(store, review["question_set"] or "paf-2023", actor)
    header, rows = read_rows(path)
    ids = {q.id for q in qs.questions}
    questions = [h for h in header if h in ids]
    for h in header:
        if h not in ids and h.lower() not in META_COLUMNS:
            raise ImportFileError(
                f"{path}: column '{h}' is neither a question id of {qs.id} v{qs.version} nor one of "
                f"{', '.join(sorted(META_COLUMNS))}; rename it to a question id (see `qam sets show {qs.id}`)."
            )
    if not questions:
        raise ImportFileError(
            f"{path}: no column is a question id of {qs.id}; name each column by its question id, e.g. {qs.questions[0].id}."
        )
    if not rows:
        raise ImportFileError(f"{path}: the header is there but no responses follow it.")
    roles = Counter(
        f"{r.get('role') or 'unknown role'}, {r.get('unit') or 'unknown unit'}"
        for r in rows
        if r.get("role") or r.get("unit")
    )
    participants = [{"role": ru.split(", ")[0], "unit": ru.split(", ")[1]} for ru in sorted(roles)]
    saved = []
    with store.transaction():
        session = open_session(
            store,
            review_id=review_id,
            method="survey",
            actor=actor,
            held_on=held_on,
            place=f"survey: {Path(path).name}",
            participants=participants,
            head_count=len(rows),
        )
        for qid in questions:
            question = qs.question(qid)
            cells = [r[qid] for r in rows if r.get(qid)]
            counts = Counter(g for g in (_grade_of(c, qs.grades) for c in cells) if g)
            comments = [c for c in cells if _grade_of(c, qs.grades) is None]
            spread = ", ".join(
                f"{GRADE_LABELS.get(g, g)} {counts[g]}" for g in qs.grades if counts[g]
            )
            notes = [f"Survey of {len(rows)} responses; {len(cells)} answered this question."]
            if spread:
                notes.append(f"Grades given: {spread}.")
            if comments:
                notes.append("Comments:")
                notes += [f"- {c}" for c in comments[:50]]
                if len(comments) > 50:
                    notes.append(f"... and {len(comments) - 50} more comments.")
            finding = record_answer(
                store,
                session,
                question_id=qid,
                notes="\n".join(notes),
                actor=actor,
                sources=len(cells),
                responses=len(cells),
                grade_counts=dict(counts) if counts and question.graded else None,
            )
            saved.append(finding["id"])
    return {"session": session["id"], "responses": len(rows), "findings": saved}
