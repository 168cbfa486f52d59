"""The good practice library: findings marked good practice, by theme and unit."""

from __future__ import annotations

from qam.reports import catalogue, charts
from qam.reports.common import grade_label, page, refuse_sensitive_public, theme_label
from qam.reports.models import PUBLIC, STAKEHOLDER, GoodPracticeReport, PublicGoodPractice
from qam.reports.programme import table
from qam.vocabulary import label


def build(store, view: str = STAKEHOLDER, *, theme: str | None = None, unit: str | None = None):
    """The library for the view: `GoodPracticeReport`, or `PublicGoodPractice` (counts only)."""
    from qam.analysis import good_practice
    from qam.question_sets import themes as vocabulary
    from qam.store import findings as findings_db
    from qam.store import programme as programme_db

    refuse_sensitive_public(store, view, "good practice")
    sets = catalogue.question_sets(store)
    lib = good_practice.library(
        findings_db.findings(store, good_practice=True),
        programme_db.reviews(store),
        catalogue.questions(sets),
        theme=theme,
        unit=unit,
    )
    if view == PUBLIC:
        known = vocabulary()
        by_theme: dict[str, int] = {}
        for slug in lib["theme"]:
            key = known.get(slug, "Other or no theme")
            by_theme[key] = by_theme.get(key, 0) + 1
        by_area = good_practice.counts(lib, "area")
        return PublicGoodPractice(
            page=page(store, "Good practice found by the QA programme", view),
            tables=[
                table(
                    "Good practice by theme",
                    sorted(by_theme.items()),
                    "Theme",
                    "Good practice findings",
                ),
                table(
                    "Good practice by PEEL area",
                    zip(by_area["value"], by_area["count"], strict=True),
                    "PEEL area",
                    "Good practice findings",
                ),
            ],
        )
    entries = [
        {
            "title": r["review_title"] or r["review_id"],
            "theme": r["theme"] or "",
            "theme_label": theme_label(r["theme"]),
            "unit": r["unit"] or "",
            "area": r["area"],
            "method": label(r["method"]) if r["method"] else "",
            "grade": r["grade"],
            "grade_label": grade_label(r["grade"]),
            "sources": int(r["sources"]),
            "role": r["participant_role"] or "",
            "notes": r["notes"] or "",
            "date": str(r["created_at"] or "")[:10],
        }
        for r in lib.to_dict("records")
    ]
    counts = good_practice.counts(lib, "theme")
    chart = charts.bar_chart(
        "Good practice by theme",
        [theme_label(v) if v != "not set" else "No theme" for v in counts["value"]],
        list(counts["count"]),
        headers=("Theme", "Findings"),
        xlabel="Findings",
    )
    return GoodPracticeReport(
        page=page(store, "Good practice library", view),
        theme=theme,
        unit=unit,
        themes=sorted({(e["theme"], e["theme_label"]) for e in entries}, key=lambda t: t[1]),
        units=sorted({e["unit"] for e in entries if e["unit"]}),
        entries=entries,
        chart=chart,
    )
