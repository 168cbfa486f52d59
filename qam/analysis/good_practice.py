"""The good practice library: findings marked good practice, with their theme, unit and area."""

from __future__ import annotations


def library(findings, reviews, questions, *, theme: str | None = None, unit: str | None = None):
    """Good-practice findings joined to their review and question, optionally filtered.

    findings: rows (id, review_id, question_set, question_id, notes, grade, sources, method,
    participant_role, created_at). reviews: rows (id, title, theme, unit). questions: rows
    (question_set, question_id, area). Filters compare case-insensitively. Columns: id,
    review_id, review_title, theme, unit, area, question_id, method, grade, sources,
    participant_role, notes, created_at; newest first.
    """
    import pandas as pd

    f = pd.DataFrame(
        list(findings),
        columns=[
            "id",
            "review_id",
            "question_set",
            "question_id",
            "notes",
            "grade",
            "sources",
            "method",
            "participant_role",
            "created_at",
        ],
    )
    r = pd.DataFrame(list(reviews), columns=["id", "title", "theme", "unit"]).rename(
        columns={"id": "review_id", "title": "review_title"}
    )
    q = pd.DataFrame(
        list(questions), columns=["question_set", "question_id", "area"]
    ).drop_duplicates(["question_set", "question_id"])
    out = f.merge(r, on="review_id", how="left").merge(
        q, on=["question_set", "question_id"], how="left"
    )
    out["area"] = out["area"].fillna("Question not in a known set")
    if theme:
        out = out[out["theme"].fillna("").str.lower() == theme.lower()]
    if unit:
        out = out[out["unit"].fillna("").str.lower() == unit.lower()]
    out["sources"] = pd.to_numeric(out["sources"], errors="coerce").fillna(1).astype(int)
    cols = [
        "id",
        "review_id",
        "review_title",
        "theme",
        "unit",
        "area",
        "question_id",
        "method",
        "grade",
        "sources",
        "participant_role",
        "notes",
        "created_at",
    ]
    return out.sort_values(["created_at", "id"], ascending=False)[cols].reset_index(drop=True)


def counts(library_frame, column: str):
    """How many good-practice findings per value of `column` (for the public view). Columns: value, count."""
    import pandas as pd

    s = library_frame[column].astype("object").fillna("not set")
    c = s.value_counts().sort_index()
    return pd.DataFrame({"value": list(c.index), "count": [int(x) for x in c.values]})
