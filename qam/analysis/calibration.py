"""Calibration: how well the force's self-assessment foretold what HMICFRS found.

For each inspection of the home force (its published grades, `qam outcomes import`) and each
PEEL area it graded, the self-assessed grade is the area's grade (`qam.analysis.readiness`:
the source-weighted median of a review's graded findings, moderated grades counting) in the
latest review that assessed the area and ended before the inspection's publication date.
Set side by side:

- exact: the two grades are the same; within one: at most one grade apart;
- gap: how many grades the self-assessment was too kind (positive: it graded itself better
  than HMICFRS did) or too harsh (negative), and the average gap over the areas compared;
- blind spots: areas HMICFRS graded that no review had self-assessed before publication.

An inspection's area is matched to the question sets' areas by its wording (the same words,
case and punctuation aside), else by the theme its wording names (`area_theme`), so
"Engaging with and treating the public with fairness and respect" (2021/22) and "Treating the
public fairly, appropriately and respectfully" (2023–25) are one area. Rows without a
publication date cannot be placed in time and are listed as undated; an "Overall" row is not
an area.

`calibration(store)` is the whole picture; `area_calibration(store)` the latest calibration of
each question-set area, for the readiness report and the assessment boards' packs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from qam.vocabulary import GRADES

if TYPE_CHECKING:
    from qam.store import Store

TOO_KIND, TOO_HARSH, MATCHED = "too_kind", "too_harsh", "matched"
_OVERALL = ("overall", "overall grade", "overall judgement")


def _words(text: str | None) -> str:
    text = (text or "").lower().replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def match_areas(area: str, areas: Iterable[str]) -> list[str]:
    """The question-set areas an inspection's area stands for: the same words, else the same theme."""
    from qam.register.outcomes import area_theme

    areas = list(dict.fromkeys(areas))
    same = [a for a in areas if _words(a) == _words(area)]
    if same:
        return same
    theme = area_theme(area)
    return [a for a in areas if theme and area_theme(a) == theme]


def _gap(self_grade: str, given: str) -> int:
    """Grades the self-assessment was too kind by (negative: too harsh)."""
    return GRADES.index(given) - GRADES.index(self_grade)


def _summary(rows: list[dict]) -> dict:
    compared = [r for r in rows if r["self_assessed"] is not None]
    n = len(compared)
    gaps = [r["gap"] for r in compared]
    mean = sum(gaps) / n if n else None
    direction = None
    if mean is not None:
        direction = TOO_KIND if mean > 0 else TOO_HARSH if mean < 0 else MATCHED
    return {
        "areas": len(rows),
        "compared": n,
        "exact": sum(1 for g in gaps if g == 0) / n if n else None,
        "within_one": sum(1 for g in gaps if abs(g) <= 1) / n if n else None,
        "too_kind": sum(1 for g in gaps if g > 0),
        "too_harsh": sum(1 for g in gaps if g < 0),
        "mean_gap": mean,
        "direction": direction,
        "blind_spots": [r["area"] for r in rows if r["self_assessed"] is None],
    }


def _self_assessed(grades: list[dict], candidates: list[str], published: str) -> dict | None:
    """The latest review ending before `published` that graded one of `candidates`."""
    before = [
        g for g in grades if g["area"] in candidates and g["end"] and str(g["end"]) < published
    ]
    return max(before, key=lambda g: (str(g["end"]), str(g["start"]), g["review_id"]), default=None)


def compare(outcomes: list[dict], grades: list[dict], areas: list[str]) -> dict:
    """The calibration from plain rows.

    outcomes: the home force's published grades (area, grade, report_title, published).
    grades: each area's self-assessed grade in each review (area, review_id, grade, start,
    end). areas: every question-set area an inspection's area may match.
    """
    rows, undated = [], []
    for outcome in outcomes:
        if _words(outcome["area"]) in _OVERALL or outcome["grade"] not in GRADES:
            continue
        if not outcome.get("published"):
            undated.append(outcome)
            continue
        candidates = match_areas(outcome["area"], areas)
        found = _self_assessed(grades, candidates, str(outcome["published"]))
        row = {
            "inspection": outcome.get("report_title") or "Untitled report",
            "published": outcome["published"],
            "area": outcome["area"],
            "matched_areas": candidates,
            "hmicfrs": outcome["grade"],
            "self_assessed": found["grade"] if found else None,
            "review": found["review_id"] if found else None,
            "review_end": found["end"] if found else None,
            "self_area": found["area"] if found else None,
            "gap": _gap(found["grade"], outcome["grade"]) if found else None,
        }
        rows.append(row)
    rows.sort(key=lambda r: (r["published"], r["inspection"], r["area"]))
    inspections: dict[tuple, list[dict]] = {}
    for row in rows:
        inspections.setdefault((row["published"], row["inspection"]), []).append(row)
    return {
        "inspections": [
            {"inspection": title, "published": published, **_summary(part), "rows": part}
            for (published, title), part in inspections.items()
        ],
        "overall": _summary(rows),
        "undated": [
            {"inspection": u.get("report_title"), "area": u["area"], "hmicfrs": u["grade"]}
            for u in undated
        ],
    }


def _gather(store: Store) -> tuple[list[dict], list[dict], list[str], str | None]:
    from qam.analysis.readiness import area_grades
    from qam.register.outcomes import list_outcomes
    from qam.reports import catalogue
    from qam.store import findings as findings_db
    from qam.store import programme as programme_db

    home = store.setting("force_name")
    outcomes = list_outcomes(store, force=home) if home else []
    questions = [q for q in catalogue.questions(catalogue.question_sets(store)) if q["graded"]]
    reviews = programme_db.reviews(store)
    when = {r["id"]: (r["start"], r["end"]) for r in reviews}
    frame = area_grades(findings_db.graded_totals(store), questions, reviews)
    grades = [
        {
            **g,
            "start": when.get(g["review_id"], ("", ""))[0],
            "end": when.get(g["review_id"], ("", ""))[1],
        }
        for g in frame.to_dict("records")
    ]
    areas = list(dict.fromkeys(q["area"] for q in questions))
    return outcomes, grades, areas, home


def calibration(store: Store) -> dict:
    """The home force's self-assessment against every inspection it has published grades for.

    {"force", "inspections": [{"inspection", "published", "areas", "compared", "exact",
    "within_one", "too_kind", "too_harsh", "mean_gap", "direction", "blind_spots", "rows"}],
    "overall": {the same totals over every inspection}, "undated": [...]}; fractions 0 to 1,
    `mean_gap` in grades (positive: too kind). Each row: inspection, published, area (as
    HMICFRS words it), hmicfrs, self_assessed (or None: a blind spot), review, review_end,
    self_area, gap.
    """
    outcomes, grades, areas, home = _gather(store)
    return {"force": home, **compare(outcomes, grades, areas)}


def area_calibration(store: Store, doc: dict | None = None) -> dict[str, dict]:
    """question-set area -> its latest calibration row (the newest inspection that graded it)."""
    doc = doc or calibration(store)
    latest: dict[str, dict] = {}
    for inspection in doc["inspections"]:  # oldest first: later ones overwrite
        for row in inspection["rows"]:
            for area in row["matched_areas"]:
                latest[area] = row
    return latest


def verdict(gap: int | None) -> str:
    """'Matched', '2 grades too kind', '1 grade too harsh', or 'Blind spot' (no self-assessment)."""
    from qam.vocabulary import count_label

    if gap is None:
        return "Blind spot"
    if gap == 0:
        return "Matched"
    return f"{count_label(abs(gap), 'grade')} too {'kind' if gap > 0 else 'harsh'}"


def describe(row: dict) -> str:
    """One line beside an area: 'HMICFRS Requires improvement (14 Mar 2025); self-assessed
    Good in R-A: 2 grades too kind'."""
    from qam.vocabulary import date_label, label

    given = f"HMICFRS {label(row['hmicfrs'])} ({date_label(row['published'])})"
    if row["self_assessed"] is None:
        return f"{given}; not self-assessed before it: a blind spot"
    said = f"self-assessed {label(row['self_assessed'])} in {row['review']}"
    return f"{given}; {said}: {verdict(row['gap']).lower()}"


def headline(summary: dict) -> str:
    """An inspection's (or every inspection's) totals in a sentence a board reads first."""
    from qam.vocabulary import count_label

    if not summary["compared"]:
        return (
            f"None of the {count_label(summary['areas'], 'area')} graded had been self-assessed "
            "before publication."
        )
    leans = {TOO_KIND: "too kind", TOO_HARSH: "too harsh"}
    lean = (
        "On average the self-assessment matched"
        if summary["direction"] == MATCHED
        else f"On average the self-assessment was {abs(summary['mean_gap']):.1f} grades "
        f"{leans[summary['direction']]}"
    )
    blind = len(set(summary["blind_spots"]))
    return (
        f"{summary['compared']} of {count_label(summary['areas'], 'area')} compared: "
        f"{summary['exact']:.0%} exactly right, {summary['within_one']:.0%} within one grade. "
        f"{lean} ({summary['too_kind']} too kind, {summary['too_harsh']} too harsh)."
        + (f" {count_label(blind, 'blind spot')}." if blind else "")
    )
