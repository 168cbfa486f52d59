"""The programme's coverage: PEEL areas, areas of interest, SME abstraction, fieldwork progress."""

from __future__ import annotations

from datetime import date


def area_coverage(question_totals, questions, reviews, default_set: str = "paf-2023"):
    """Per PEEL area: reviews planned on its themes, reviews with findings, findings, good practice.

    question_totals: rows (review_id, question_set, question_id, findings, good_practice).
    questions: rows (question_set, question_id, area, themes) of every known question set.
    reviews: rows with id, theme and question_set (None means `default_set`). The areas listed
    are those of the question sets the programme uses (`default_set` if none).
    Columns: area, planned_reviews, reviews_with_findings, findings, good_practice, covered.
    """
    import pandas as pd

    q = pd.DataFrame(list(questions), columns=["question_set", "question_id", "area", "themes"])
    r = pd.DataFrame(list(reviews), columns=["id", "theme", "question_set"])
    r["question_set"] = r["question_set"].fillna(default_set)
    sets_used = set(r["question_set"]) or {default_set}
    t = pd.DataFrame(
        list(question_totals),
        columns=["review_id", "question_set", "question_id", "findings", "good_practice"],
    )
    sets_used |= set(t["question_set"].dropna())
    in_use = q[q["question_set"].isin(sets_used)]
    areas = list(dict.fromkeys(in_use["area"]))
    planned = in_use.explode("themes").merge(
        r, left_on=["question_set", "themes"], right_on=["question_set", "theme"]
    )
    planned = planned.groupby("area")["id"].nunique()
    done = t.merge(q[["question_set", "question_id", "area"]], on=["question_set", "question_id"])
    by_area = done.groupby("area").agg(
        reviews_with_findings=("review_id", "nunique"),
        findings=("findings", "sum"),
        good_practice=("good_practice", "sum"),
    )
    out = pd.DataFrame({"area": areas})
    out["planned_reviews"] = out["area"].map(planned).fillna(0).astype(int)
    for col in ("reviews_with_findings", "findings", "good_practice"):
        out[col] = out["area"].map(by_area[col]).fillna(0).astype(int)
    out["covered"] = (out["planned_reviews"] > 0) | (out["reviews_with_findings"] > 0)
    return out


def aoi_coverage(aois, reviews):
    """Per area of interest: the reviews whose theme matches it, and whether it is covered.

    Columns: id, title, theme, source, priority, reviews (list of review ids), covered.
    """
    import pandas as pd

    a = pd.DataFrame(list(aois), columns=["id", "title", "theme", "source", "priority"])
    by_theme: dict = {}
    for row in reviews:
        by_theme.setdefault(row["theme"], []).append(row["id"])
    a["reviews"] = [list(by_theme.get(theme, [])) for theme in a["theme"]]
    a["covered"] = a["reviews"].map(bool)
    return a


def financial_year(day: str | None, year_start: tuple[int, int] = (4, 1)) -> str | None:
    """'2026/27' for any ISO date from 1 April 2026 to 31 March 2027."""
    if not day:
        return None
    d = date.fromisoformat(str(day)[:10])
    first = d.year if (d.month, d.day) >= year_start else d.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


def abstraction(reviews, team, cap: int):
    """Days each SME is abstracted per financial year, against the cap.

    reviews: rows (id, start, days). team: rows (review_id, sme_id, name, unit). Columns:
    sme_id, name, unit, year, days, cap, remaining, over_cap; sorted by year then days used.
    """
    import pandas as pd

    cols = ["sme_id", "name", "unit", "year", "days", "cap", "remaining", "over_cap"]
    r = pd.DataFrame(list(reviews), columns=["id", "start", "days"])
    t = pd.DataFrame(list(team), columns=["review_id", "sme_id", "name", "unit"])
    if r.empty or t.empty:
        return pd.DataFrame(columns=cols)
    r["year"] = r["start"].map(financial_year)
    r["days"] = pd.to_numeric(r["days"], errors="coerce").fillna(0).astype(int)
    m = t.merge(r, left_on="review_id", right_on="id")
    out = m.groupby(["sme_id", "year"], as_index=False, dropna=False).agg(
        name=("name", "first"), unit=("unit", "first"), days=("days", "sum")
    )
    out["cap"] = int(cap)
    out["remaining"] = out["cap"] - out["days"]
    out["over_cap"] = out["days"] > out["cap"]
    return out.sort_values(["year", "days", "sme_id"], ascending=[True, False, True])[
        cols
    ].reset_index(drop=True)


def fieldwork_progress(reviews, session_counts, finding_counts):
    """Per review: sessions held, sessions finalised, findings, graded findings, good practice.

    Columns: id, title, unit, status, sessions, finalised, findings, graded, good_practice.
    """
    import pandas as pd

    r = pd.DataFrame(list(reviews), columns=["id", "title", "unit", "status"])
    s = pd.DataFrame(list(session_counts), columns=["review_id", "sessions", "finalised"])
    f = pd.DataFrame(
        list(finding_counts), columns=["review_id", "findings", "graded", "good_practice"]
    )
    out = r.merge(s, left_on="id", right_on="review_id", how="left").drop(columns="review_id")
    out = out.merge(f, left_on="id", right_on="review_id", how="left").drop(columns="review_id")
    for col in ("sessions", "finalised", "findings", "graded", "good_practice"):
        out[col] = out[col].fillna(0).astype(int)
    return out
