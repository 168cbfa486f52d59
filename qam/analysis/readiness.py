"""Self-assessed readiness by PEEL area, from graded findings.

The rule (documented for boards in the readiness report too):

1. Each current graded finding counts with a weight equal to its number of independent sources
   (at least 1), so a finding backed by four sources outweighs a single interview.
2. For each PEEL area and each review that has graded findings in it, the area's grade is the
   weighted median of those findings' grades on the five-tier scale (outstanding best,
   inadequate worst; four-tier grades keep their place on it). An exact tie between two
   grades goes to the lower one: a self-assessment should not flatter.
3. The self-assessed grade of an area is its grade in the latest review that assessed it
   (reviews ordered by end date, then start date, then id); the earlier reviews form its trend.
4. An area below "good" in its latest review is flagged for a deep dive by its assessment board.
"""

from __future__ import annotations

from qam.vocabulary import GRADES

GOOD_INDEX = GRADES.index("good")
RULE = (
    "Each area's grade in a review is the median grade of that review's graded findings on the "
    "area's questions, each finding weighted by its number of sources (a tie goes to the lower grade). The self-assessed grade "
    "is the area's grade in the latest review that assessed it; an area below good is flagged "
    "for a deep dive by the board that owns it."
)


def grade_index(grade: str | None) -> int | None:
    """0 for outstanding ... 4 for inadequate; None for an ungraded or unknown grade."""
    return GRADES.index(grade) if grade in GRADES else None


def area_grades(totals, questions, reviews):
    """The grade of each PEEL area in each review.

    totals: rows of `graded_finding_totals` (review_id, question_set, question_id, grade,
    findings, sources). questions: rows (question_set, question_id, area). reviews: rows (id,
    start, end). Returns a DataFrame with columns area, review_id, order (1 = earliest review),
    grade_index, grade, findings, sources; one row per (area, review).
    """
    import pandas as pd

    columns = ["area", "review_id", "order", "grade_index", "grade", "findings", "sources"]
    t = pd.DataFrame(
        list(totals),
        columns=["review_id", "question_set", "question_id", "grade", "findings", "sources"],
    )
    q = pd.DataFrame(
        list(questions), columns=["question_set", "question_id", "area"]
    ).drop_duplicates(["question_set", "question_id"])
    if t.empty:
        return pd.DataFrame(columns=columns)
    t = t.merge(q, on=["question_set", "question_id"], how="inner")
    t["grade_index"] = t["grade"].map({g: i for i, g in enumerate(GRADES)})
    t = t.dropna(subset=["grade_index"])
    if t.empty:
        return pd.DataFrame(columns=columns)
    t["grade_index"] = t["grade_index"].astype(int)
    t["sources"] = t["sources"].astype(int)
    t["findings"] = t["findings"].astype(int)
    cell = t.groupby(["area", "review_id", "grade_index"], as_index=False)[
        ["findings", "sources"]
    ].sum()
    cell = cell.sort_values(["area", "review_id", "grade_index"])
    group = cell.groupby(["area", "review_id"])
    cell["cum"] = group["sources"].cumsum()
    cell["half"] = group["sources"].transform("sum") / 2
    median = cell[cell["cum"] > cell["half"]].groupby(["area", "review_id"], as_index=False).first()
    sums = group[["findings", "sources"]].sum().reset_index()
    out = median[["area", "review_id", "grade_index"]].merge(sums, on=["area", "review_id"])
    order = review_order(reviews)
    out = out.merge(order, on="review_id", how="left")
    out["order"] = out["order"].fillna(len(order) + 1).astype(int)
    out["grade"] = out["grade_index"].map(dict(enumerate(GRADES)))
    return out[columns].sort_values(["area", "order"]).reset_index(drop=True)


def review_order(reviews):
    """review_id -> order (1 = earliest), by end date, then start date, then id."""
    import pandas as pd

    r = pd.DataFrame(list(reviews), columns=["id", "start", "end"]).fillna({"start": "", "end": ""})
    r = r.sort_values(["end", "start", "id"]).reset_index(drop=True)
    return pd.DataFrame({"review_id": r["id"], "order": range(1, len(r) + 1)})


def readiness(grades, boards, areas=()):
    """One row per area: the self-assessed grade, its trend, the owning board and the deep-dive flag.

    grades: the output of `area_grades`. boards: rows (area, board). areas: every area to list,
    even those no review has assessed yet (grade None). Columns: board, area, grade,
    grade_index, previous_grade, trend (improved | declined | steady | first | not_assessed),
    reviews (how many reviews assessed it), below_good_running (consecutive latest reviews
    below good), deep_dive (bool), findings, sources, history (list of grades, oldest first).
    """
    import pandas as pd

    rows = []
    board_of = {str(a): str(b) for a, b in (tuple(x) for x in boards)}
    g = grades.sort_values(["area", "order"])
    seen = set()
    for area, part in g.groupby("area", sort=True):
        seen.add(area)
        history = [int(i) for i in part["grade_index"]]
        latest = history[-1]
        previous = history[-2] if len(history) > 1 else None
        running = 0
        for index in reversed(history):
            if index <= GOOD_INDEX:
                break
            running += 1
        if previous is None:
            trend = "first"
        elif latest < previous:
            trend = "improved"
        elif latest > previous:
            trend = "declined"
        else:
            trend = "steady"
        last = part.iloc[-1]
        rows.append(
            {
                "area": area,
                "grade": GRADES[latest],
                "grade_index": latest,
                "previous_grade": GRADES[previous] if previous is not None else None,
                "trend": trend,
                "reviews": len(history),
                "below_good_running": running,
                "deep_dive": latest > GOOD_INDEX,
                "findings": int(last["findings"]),
                "sources": int(last["sources"]),
                "history": [GRADES[i] for i in history],
            }
        )
    for area in areas:
        if area not in seen:
            seen.add(area)
            rows.append(
                {
                    "area": area,
                    "grade": None,
                    "grade_index": None,
                    "previous_grade": None,
                    "trend": "not_assessed",
                    "reviews": 0,
                    "below_good_running": 0,
                    "deep_dive": False,
                    "findings": 0,
                    "sources": 0,
                    "history": [],
                }
            )
    out = pd.DataFrame(
        rows,
        columns=[
            "area",
            "grade",
            "grade_index",
            "previous_grade",
            "trend",
            "reviews",
            "below_good_running",
            "deep_dive",
            "findings",
            "sources",
            "history",
        ],
    )
    out.insert(0, "board", [board_of.get(a, "No board assigned") for a in out["area"]])
    out = out.sort_values(["board", "area"]).reset_index(drop=True)
    return out.astype(object).where(out.notna(), None)


def weighted_median_grade(findings) -> str | None:
    """The source-weighted median grade of some findings (rows with grade and sources), or None."""
    pairs = sorted(
        (GRADES.index(f["grade"]), max(int(f.get("sources") or 1), 1))
        for f in findings
        if f.get("grade") in GRADES
    )
    if not pairs:
        return None
    half = sum(w for _, w in pairs) / 2
    running = 0
    for index, weight in pairs:
        running += weight
        if running > half:
            return GRADES[index]
    return GRADES[pairs[-1][0]]
