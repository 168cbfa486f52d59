"""What the reports look up besides the store's rows: questions by set, and boards by area."""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING

from qam.paths import data_dir

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


def boards() -> list[tuple[str, str]]:
    """(area, board) pairs from plans/boards.csv: which assessment board owns each PEEL area."""
    path = data_dir("plans") / "boards.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [
            (row["area"].strip(), row["board"].strip())
            for row in csv.DictReader(fh)
            if row.get("area") and row.get("board")
        ]
