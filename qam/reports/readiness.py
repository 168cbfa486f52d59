"""The readiness report: a self-assessed grade for each PEEL area, by board, with its trend."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qam.analysis.calibration import describe
from qam.reports import catalogue, charts, enablers
from qam.reports.common import grade_label, page, refuse_sensitive_public
from qam.reports.models import (
    PUBLIC,
    STAKEHOLDER,
    AreaReadiness,
    BoardSection,
    PublicReadiness,
    ReadinessReport,
)
from qam.reports.programme import table
from qam.reports.suppression import K
from qam.vocabulary import GRADE_LABELS, GRADES, count_label

if TYPE_CHECKING:
    from qam.store import Store

TRENDS = {
    "improved": "Improved",
    "declined": "Declined",
    "steady": "Steady",
    "first": "First assessment",
    "not_assessed": "Not assessed",
}


def frame(store: Store):
    """The readiness DataFrame (see `qam.analysis.readiness.readiness`) for this store."""
    from qam.analysis import readiness
    from qam.store import findings as findings_db
    from qam.store import programme as programme_db

    sets = catalogue.question_sets(store)
    questions = catalogue.questions(sets)
    reviews = programme_db.reviews(store)
    grades = readiness.area_grades(findings_db.graded_totals(store), questions, reviews)
    used = {r["question_set"] or catalogue.DEFAULT_SET for r in reviews} or {catalogue.DEFAULT_SET}
    areas = [q["area"] for q in questions if q["question_set"] in used and q["graded"]]
    return readiness.readiness(grades, catalogue.boards(store), list(dict.fromkeys(areas)))


def _area(row: dict, public: bool, findings_shown=None, calibrated=None) -> AreaReadiness:
    """One area's row; in the public view a grade resting on fewer than K findings is withheld."""
    grade = row["grade"]
    withheld = public and grade is not None and row["findings"] < K
    if withheld:
        grade = None
    return AreaReadiness(
        area=row["area"],
        grade=grade,
        grade_label="Not published (fewer than 5 findings)" if withheld else grade_label(grade),
        previous=grade_label(row["previous_grade"])
        if row["previous_grade"] and not withheld
        else "",
        trend="Not published" if withheld else TRENDS[row["trend"]],
        reviews=int(row["reviews"]),
        below_good_running=0 if withheld else int(row["below_good_running"]),
        deep_dive=bool(row["deep_dive"]) and not withheld,
        findings=findings_shown if findings_shown is not None else int(row["findings"]),
        sources="" if public else int(row["sources"]),
        calibration=describe(calibrated) if calibrated and not public else "",
        calibration_gap=calibrated["gap"] if calibrated and not public else None,
    )


def build(store: Store, view: str = STAKEHOLDER):
    """The readiness report for the view: `ReadinessReport`, or `PublicReadiness` for public."""
    from qam.analysis.readiness import RULE

    refuse_sensitive_public(store, view, "readiness")
    df = frame(store)
    records = df.to_dict("records")
    if view == PUBLIC:
        counts = table(
            "Graded findings behind each area's latest grade",
            [(r["area"], int(r["findings"])) for r in records],
            "PEEL area",
            "Findings",
        )
        shown = {c.label: c.shown for c in counts.cells}
        areas = [(r["board"], _area(r, True, shown[r["area"]])) for r in records]
        return PublicReadiness(
            page=page(store, "Readiness for inspection by PEEL area", view),
            rule=RULE + f" A grade resting on fewer than {K} findings is not published.",
            boards=_boards(areas),
            findings=counts,
            summary=_nothing_published([a for _, a in areas], records),
            enablers=enablers.public_tables(store),
        )
    from qam.analysis.calibration import area_calibration
    from qam.store import findings as findings_db

    latest = area_calibration(store)
    areas = [(r["board"], _area(r, False, calibrated=latest.get(r["area"]))) for r in records]
    chart = charts.grade_chart(
        "Self-assessed grade by PEEL area (grey: earlier reviews)",
        [r["area"] for r in records],
        [[GRADES.index(g) for g in r["history"]] for r in records],
        [GRADE_LABELS[g] for g in GRADES],
    )
    return ReadinessReport(
        page=page(store, "Readiness for inspection by PEEL area", view),
        rule=RULE,
        boards=_boards(areas),
        deep_dives=[a for _, a in areas if a.deep_dive],
        chart=chart,
        moderated=findings_db.moderated_count(store),
        enablers=enablers.section(store, scope="every review's"),
    )


def _nothing_published(areas: list[AreaReadiness], records: list[dict]) -> str:
    """When no area's grade can be published: one sentence saying so, instead of tables of
    "Not published" and "Not assessed"."""
    if any(a.grade for a in areas):
        return ""
    assessed = sum(1 for r in records if r["grade"] is not None)
    if not assessed:
        return f"No PEEL area has been assessed yet ({count_label(len(areas), 'area')} to come)."
    return (
        f"No PEEL area's grade is published yet: {count_label(assessed, 'area')} "
        f"{'has' if assessed == 1 else 'have'} been assessed so far, each on fewer than {K} "
        f"graded findings, and {len(areas) - assessed} not yet."
    )


def _boards(pairs) -> list[BoardSection]:
    sections: dict[str, list[AreaReadiness]] = {}
    for board, area in pairs:
        sections.setdefault(board, []).append(area)
    return [BoardSection(board=b, areas=a) for b, a in sections.items()]
