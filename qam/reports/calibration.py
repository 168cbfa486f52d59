"""The calibration report: how well the self-assessment foretold HMICFRS's grades."""

from __future__ import annotations

from qam.analysis.calibration import headline, verdict
from qam.errors import RefusedError
from qam.reports import charts
from qam.reports.common import grade_label, page
from qam.reports.models import STAKEHOLDER, CalibrationReport
from qam.vocabulary import GRADE_LABELS, GRADES

RULE = (
    "For each area an inspection graded, the self-assessed grade is the area's grade in the "
    "latest review that assessed it and ended before the inspection was published (the "
    "source-weighted median of that review's graded findings, moderated grades counting). "
    "Too kind: the self-assessment graded the area better than HMICFRS did; too harsh: worse. "
    "A blind spot is an area HMICFRS graded that no review had assessed before publication."
)


def _inspection(summary: dict) -> dict:
    rows = [
        {
            "area": r["area"],
            "self_grade": r["self_assessed"],
            "self_label": grade_label(r["self_assessed"])
            if r["self_assessed"]
            else "Not self-assessed",
            "review": r["review"] or "",
            "hmicfrs_grade": r["hmicfrs"],
            "hmicfrs_label": grade_label(r["hmicfrs"]),
            "verdict": verdict(r["gap"]),
            "gap": r["gap"],
        }
        for r in summary["rows"]
    ]
    chart = charts.calibration_chart(
        f"{summary['inspection']}: self-assessed and inspected grades",
        [
            (
                r["area"],
                GRADES.index(r["self_assessed"]) if r["self_assessed"] else None,
                GRADES.index(r["hmicfrs"]),
            )
            for r in summary["rows"]
        ],
        [GRADE_LABELS[g] for g in GRADES],
    )
    return {
        **{k: v for k, v in summary.items() if k != "rows"},
        "rows": rows,
        "headline": headline(summary),
        "chart": chart,
    }


def build(store, view: str = STAKEHOLDER) -> CalibrationReport:
    """The calibration report (stakeholder only: it sets the force's own grades side by side)."""
    from qam.analysis.calibration import calibration
    from qam.store import findings as findings_db

    if view != STAKEHOLDER:
        raise RefusedError(
            "The calibration report sets the force's self-assessed grades beside the "
            "inspectorate's, so it is stakeholder-only; run it without --view public."
        )
    doc = calibration(store)
    inspections = [_inspection(i) for i in reversed(doc["inspections"])]  # newest first
    return CalibrationReport(
        page=page(store, "Self-assessment against the inspectorate", view),
        rule=RULE,
        overall=doc["overall"],
        headline=headline(doc["overall"])
        if doc["inspections"]
        else (
            f"No published grades for {doc['force'] or 'the home force'} yet: import them with "
            "`qam outcomes import FILE`."
        ),
        inspections=inspections,
        undated=doc["undated"],
        moderated=findings_db.moderated_count(store),
    )
