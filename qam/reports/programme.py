"""The programme report: the 18-month timeline, coverage, SME abstraction, fieldwork progress."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from qam.reports import catalogue, charts, enablers
from qam.reports.common import page, refuse_sensitive_public, sentence, theme_label
from qam.reports.models import PUBLIC, STAKEHOLDER, CountTable, ProgrammeReport, PublicProgramme
from qam.reports.suppression import mostly_hidden, published, single, summary, suppress
from qam.vocabulary import date_label, label

if TYPE_CHECKING:
    from qam.store import Store

MONTHS = 18
QUARTERS = ("Jan–Mar", "Apr–Jun", "Jul–Sep", "Oct–Dec")


def _d(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def window(
    reviews: list[dict], inspections: list[dict], today: date | None = None
) -> tuple[date, date]:
    """18 months from the first month of the earliest review (or inspection, or this month)."""
    starts = (
        [d for d in (_d(r["start"]) for r in reviews) if d]
        or [d for d in (_d(i["expected"]) for i in inspections) if d]
        or [today or date.today()]
    )
    first = min(starts).replace(day=1)
    month = first.month - 1 + MONTHS
    return first, date(first.year + month // 12, month % 12 + 1, 1)


def abstraction_cap(store: Store, default: int = 10) -> int:
    """The SME abstraction cap in working days a financial year (a setting, else 10)."""
    for key in ("abstraction_cap", "cap_days", "plan.cap_days"):
        value = store.setting(key)
        if value and str(value).strip().isdigit():
            return int(value)
    return default


def _gather(store: Store) -> dict:
    from qam.analysis import coverage
    from qam.planner.reasons import unscheduled
    from qam.store import candidates as candidates_db
    from qam.store import findings as findings_db
    from qam.store import plans as plans_db
    from qam.store import programme as programme_db
    from qam.store import sessions as sessions_db

    reviews = programme_db.reviews(store)
    inspections = candidates_db.inspections(store)
    sets = catalogue.question_sets(store)
    data = {
        "reviews": reviews,
        "inspections": inspections,
        "coverage": coverage.area_coverage(
            findings_db.question_totals(store),
            catalogue.questions(sets),
            reviews,
            catalogue.DEFAULT_SET,
        ),
        "progress": coverage.fieldwork_progress(
            reviews, sessions_db.counts_by_review(store), findings_db.counts_by_review(store)
        ),
        "cap": abstraction_cap(store),
    }
    data["abstraction"] = coverage.abstraction(
        reviews, programme_db.team_members(store), data["cap"]
    )
    data["aois"] = coverage.aoi_coverage(candidates_db.areas_of_interest(store), reviews)
    data["window"] = window(reviews, inspections)
    data["unstaffed"] = unscheduled(store)
    data["proposal"] = plans_db.latest_proposal(store)
    return data


def _unstaffed_note(proposal: dict | None) -> str:
    """Which plan the 'Could not be staffed' list comes from, when that is not obvious."""
    if proposal is None:
        return "No plan has been solved yet (qam plan solve)."
    if proposal.get("accepted_at"):
        return ""
    made = date_label(proposal.get("created_at"))
    return f"From the latest proposal, solved on {made} and not yet accepted."


def build(store: Store, view: str = STAKEHOLDER):
    """The programme report for the view: `ProgrammeReport`, or `PublicProgramme` for public."""
    refuse_sensitive_public(store, view, "programme")
    data = _gather(store)
    if view == PUBLIC:
        return _public(store, data)
    start, end = data["window"]
    reviews, inspections = data["reviews"], data["inspections"]
    timeline = charts.timeline_chart(
        "The programme: reviews against expected inspections",
        start,
        end,
        [
            (
                f"{theme_label(r['theme'])}, {r['unit'] or 'no unit'}",
                _d(r["start"]),
                _d(r["end"]) or _d(r["start"]),
                f"{r['id']}: {label(r['status'] or 'planned')}",
            )
            for r in reviews
            if _d(r["start"])
        ],
        [
            (i["title"] or i["id"], _d(i["expected"]), label(i["kind"] or "unknown"))
            for i in inspections
            if _d(i["expected"])
        ],
    )
    cov = data["coverage"]
    coverage_chart = charts.bar_chart(
        "Reviews planned by PEEL area",
        list(cov["area"]),
        [int(x) for x in cov["planned_reviews"]],
        headers=("PEEL area", "Reviews planned"),
        xlabel="Reviews",
    )
    coverage_chart.wide = True
    coverage_chart.headers = [
        "PEEL area",
        "Reviews planned",
        "Reviews with findings",
        "Findings",
        "Good practice",
    ]
    coverage_chart.rows = [
        [
            c["area"] + ("" if c["covered"] else " (not covered)"),
            c["planned_reviews"],
            c["reviews_with_findings"],
            c["findings"],
            c["good_practice"],
        ]
        for c in cov.to_dict("records")
    ]
    ab = data["abstraction"]
    abstraction = None
    if len(ab):
        abstraction = charts.capacity_chart(
            "SME abstraction against the cap",
            [
                f"{n or s} ({y})"
                for s, n, y in zip(ab["sme_id"], ab["name"], ab["year"], strict=True)
            ],
            [int(d) for d in ab["days"]],
            data["cap"],
        )
    progress = [
        {**p, "status": label(p["status"] or "planned")}
        for p in data["progress"].to_dict("records")
    ]
    insp_rows = []
    for i in inspections:
        before = [
            r["id"] for r in reviews if r["theme"] == i["theme"] or r["inspection"] == i["id"]
        ]
        before = [rid for rid in before if _ends_before(reviews, rid, i["expected"])]
        insp_rows.append(
            {
                **i,
                "expected": date_label(i["expected"]),
                "kind_label": label(i["kind"] or "unknown"),
                "reviews": before,
                "ready": bool(before),
            }
        )
    return ProgrammeReport(
        page=page(store, "The QA programme", view),
        window=_span(start, end),
        timeline=timeline,
        inspections=insp_rows,
        coverage=coverage_chart,
        coverage_rows=cov.to_dict("records"),
        aois=[
            {
                **a,
                "source": label(a["source"]),
                "theme": theme_label(a["theme"]),
            }
            for a in data["aois"].to_dict("records")
        ],
        unstaffed=[
            {**u, "reason": sentence(u["reason"]), "fix": sentence(u["fix"])}
            for u in data["unstaffed"]
        ],
        unstaffed_note=_unstaffed_note(data["proposal"]),
        cap=data["cap"],
        abstraction=abstraction,
        over_cap=[r for r in ab.to_dict("records") if r["over_cap"]],
        progress=progress,
        totals={
            "reviews": len(reviews),
            "sessions": sum(p["sessions"] for p in progress),
            "finalised": sum(p["finalised"] for p in progress),
            "findings": sum(p["findings"] for p in progress),
        },
        enablers=enablers.section(store, scope="the programme's"),
    )


def _span(start: date, end: date) -> str:
    """'December 2026 to May 2028' (the window's end is the first day after it)."""
    return f"{start:%B %Y} to {end - timedelta(days=1):%B %Y}"


def _ends_before(reviews: list[dict], review_id: str, expected) -> bool:
    end = next((_d(r["end"]) for r in reviews if r["id"] == review_id), None)
    due = _d(expected)
    return bool(end and due and end <= due)


def _public(store: Store, data: dict) -> PublicProgramme:
    """Aggregates only: built from counts, never from the stakeholder report."""
    reviews = data["reviews"]
    progress = data["progress"]
    quarters: dict[tuple[int, int], int] = {}
    for r in reviews:
        d = _d(r["start"])
        if d:
            key = (d.year, (d.month - 1) // 3)
            quarters[key] = quarters.get(key, 0) + 1
    cov = data["coverage"]
    tables = [
        table(
            "Reviews by quarter they start",
            [(f"{QUARTERS[q]} {year}", n) for (year, q), n in sorted(quarters.items())],
            "Quarter",
            "Reviews",
            suppressed=False,  # the programme's own timetable: no one is counted
        ),
        table(
            "Findings by PEEL area",
            zip(cov["area"], (int(x) for x in cov["findings"]), strict=True),
            "PEEL area",
            "Findings",
        ),
    ]
    tables += enablers.public_tables(store)
    start, end = data["window"]
    sessions = int(progress["sessions"].sum()) if len(progress) else 0
    finalised = int(progress["finalised"].sum()) if len(progress) else 0
    headline = [  # counts of the programme's own work, not of people: published as they are
        published("Reviews in the programme", len(reviews)),
        published("Candidate reviews that could not be staffed", len(data["unstaffed"])),
        published("Capture sessions held", sessions),
        published("Capture sessions finalised", finalised),
        single("Findings recorded", int(progress["findings"].sum()) if len(progress) else 0),
    ]
    return PublicProgramme(
        page=page(store, "The QA programme", PUBLIC),
        window=_span(start, end),
        headline=headline,
        tables=tables,
    )


def table(
    title: str,
    pairs,
    label_heading: str,
    count_heading: str,
    *,
    groups: str | None = None,
    suppressed: bool = True,
) -> CountTable:
    """A one-way table and its chart, small counts suppressed (suppressed bars are left out of
    the chart). When most counts are hidden the table carries a `summary` sentence instead of a
    chart worth showing; `groups` names its rows in the plural ("themes"). `suppressed=False`
    for counts that hold no personal data (reviews planned a quarter)."""
    pairs = [(str(name), int(n)) for name, n in pairs]
    if suppressed:
        cells, total = suppress(pairs)
    else:
        cells = [published(name, n) for name, n in pairs]
        total = published("Total", sum(n for _, n in pairs))
    chart = charts.bar_chart(
        title,
        [c.label for c in cells],
        [c.count for c in cells],
        headers=(label_heading, count_heading),
        xlabel=count_heading,
        shown=[c.shown for c in cells],
    )
    chart.wide = any(len(c.label) > 30 for c in cells)
    if not groups:  # "Theme" -> "themes"; an acronym keeps its capitals: "PEEL areas"
        acronym = label_heading[:2].isupper()
        groups = f"{label_heading if acronym else label_heading.lower()}s"
    said = summary(cells, total, count_heading.lower(), groups) if mostly_hidden(cells) else ""
    return CountTable(title=title, cells=cells, total=total, chart=chart, summary=said)
