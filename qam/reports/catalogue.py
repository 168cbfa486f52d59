"""What the reports look up besides the store's rows: questions by set, and boards by area."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qam.store import Store

DEFAULT_SET = "paf-2023"
NO_BOARD = "No board assigned"


def question_sets(store: Store) -> dict:
    """Every question set a finding may name: id -> QuestionSet (the latest version loaded into
    the store, else the shipped file)."""
    from qam import question_sets as qs
    from qam.store import question_sets as sets_db

    found = {s.id: s for s in qs.shipped()}
    latest: dict = {}
    for row in sets_db.stored_sets(store):
        latest[row["id"]] = row
    for set_id, row in latest.items():
        try:
            found[set_id] = qs.from_stored(row["body"])
        except (ValueError, TypeError, KeyError):
            continue
    return found


def questions(sets: dict) -> list[dict]:
    """One row a question: question_set, question_id, area, text, themes, graded."""
    return [
        {
            "question_set": s.id,
            "question_id": q.id,
            "area": q.area,
            "text": q.text,
            "themes": list(q.themes),
            "graded": q.graded,
        }
        for s in sets.values()
        for q in s.questions
    ]


def boards(store: Store | None = None) -> list[tuple[str, str]]:
    """(area, board) pairs: which assessment board owns each PEEL area (the store's boards as
    `qam boards set` left them, else plans/boards.csv)."""
    from qam import boards as assessment_boards

    return assessment_boards.area_pairs(assessment_boards.load(store))
