"""Writing reports: one self-contained HTML file a report, named by its view, written atomically."""

from __future__ import annotations

from pathlib import Path

from qam.reports.common import check_view, file_slug
from qam.reports.models import OFFICIAL_SENSITIVE, PUBLIC, STAKEHOLDER

KINDS = ("review", "programme", "register", "readiness", "good-practice", "calibration", "quarter")
TITLES = {
    "programme": "Programme",
    "register": "Register",
    "readiness": "Readiness",
    "good-practice": "Good practice library",
    "calibration": "Calibration",
    "quarter": "The quarter's pack",
}
# What each report is for, in a line (the demo's index page lists them with it).
PURPOSES = {
    "programme": "The 18-month programme against the inspections expected: for the Strategic Management Board.",
    "register": "The register's position as the PCC's meeting knows it, with charts and ageing.",
    "readiness": "A self-assessed grade for each PEEL area, by assessment board, with deep dives due.",
    "good-practice": "Good practice the reviews found, so one unit's practice reaches the others.",
    "review": "What one review tested and found, question by question, and what the register should do.",
    "quarter": "For the quarterly performance review: reviews, findings by PEEL area and enabler, the register's movements, deep dives, good practice, abstraction.",
    "calibration": "The self-assessed grades beside the grades HMICFRS gave, inspection by inspection, with the blind spots.",
}
VIEW_PURPOSE = {
    STAKEHOLDER: "Stakeholder view, OFFICIAL-SENSITIVE.",
    PUBLIC: "Public view: counts only, safe for the website.",
}


def file_name(kind: str, view: str, review_id: str | None = None, extra: str = "") -> str:
    """e.g. `register-stakeholder-OFFICIAL-SENSITIVE.html`, `readiness-public.html`."""
    stem = f"review-{file_slug(review_id or '')}" if kind == "review" else kind
    marking = f"-{OFFICIAL_SENSITIVE}" if view == STAKEHOLDER else ""
    return f"{stem}{extra}-{view}{marking}.html"


def page_extra(filters: dict) -> str:
    """The part of a file name that says which filters made it: '-custody-western-bcu'."""
    keys = ("quarter", "theme", "unit", "since", "until", "enabler")
    return "".join(f"-{file_slug(filters[k])}" for k in keys if filters.get(k))


def build(
    store,
    kind: str,
    view: str = STAKEHOLDER,
    *,
    review_id: str | None = None,
    **filters,
):
    """(template name, the report dataclass) for one report kind and view."""
    from qam import themes
    from qam.reports import calibration, good_practice, programme, readiness, register, review

    view = check_view(view)
    themes.load(store)  # labels in the store's words (a theme the force added included)
    suffix = "_public" if view == PUBLIC else ""
    if kind == "review":
        return "review.html", review.build(store, review_id or "", view)
    if kind == "programme":
        return f"programme{suffix}.html", programme.build(store, view)
    if kind == "register":
        return f"register{suffix}.html", register.build(store, view)
    if kind == "readiness":
        return f"readiness{suffix}.html", readiness.build(store, view)
    if kind == "good-practice":
        return f"good_practice{suffix}.html", good_practice.build(store, view, **filters)
    if kind == "calibration":
        return "calibration.html", calibration.build(store, view)
    if kind == "quarter":
        from qam.reports import quarter

        return f"quarter{suffix}.html", quarter.build(store, filters["quarter"], view)
    raise ValueError(f"unknown report kind {kind!r}")


def render_report(template: str, report) -> str:
    """The report's HTML: the template gets the dataclass as `report` and the page facts for base.html."""
    from qam.reports.render import render

    p = report.page
    return render(
        template,
        report=report,
        force_name=p.force_name,
        qam_version=p.qam_version,
        generated=p.generated,
        marking=p.marking,
        view=p.view,
        page_title=p.title,
    )


def write(store, kind: str, out: Path, view: str = STAKEHOLDER, **options) -> Path:
    """Build, render and atomically write one report into folder `out`; returns its path.
    `options`: review_id and the good practice filters (see `write_report`)."""
    return write_report(store, kind, out, view, **options)["path"]


def write_report(
    store,
    kind: str,
    out: Path,
    view: str = STAKEHOLDER,
    *,
    review_id: str | None = None,
    overwrite: bool = False,
    **filters,
) -> dict:
    """Build, render and atomically write one report into folder `out`; returns {"path",
    "withheld"}: the path, and why the report publishes nothing yet (or ""). An
    existing file there that is not a QAM report is refused unless `overwrite`.

    The good practice library may be several pages (its first page, then a page for each
    theme too big for it); they are all written, and the first page's path returned."""
    from qam.files import HTML, output_mode, write_atomic

    view = check_view(view)
    # A public report is for the website: readable by everyone; the rest keep the store's bits.
    mode = output_mode(store.path, public=view == PUBLIC)
    if kind == "good-practice":
        from qam.reports import good_practice

        template = "good_practice_public.html" if view == PUBLIC else "good_practice.html"
        made = good_practice.pages(store, view, **filters)
        written = [
            write_atomic(
                Path(out) / file_name(kind, view, extra=page_extra(made_by)),
                render_report(template, report),
                mode=mode,
                kind=HTML,
                overwrite=overwrite,
            )
            for made_by, report in made
        ]
        return {"path": written[0], "withheld": getattr(made[0][1], "withheld", "")}
    if kind == "quarter":  # one file a quarter, however it was written ("Q1 2027", "2027q1")
        from qam.reports.quarter import parse_quarter

        filters["quarter"] = parse_quarter(filters.get("quarter", "")).name
    template, report = build(store, kind, view, review_id=review_id, **filters)
    html = render_report(template, report)
    path = Path(out) / file_name(kind, view, review_id, page_extra(filters))
    return {
        "path": write_atomic(path, html, mode=mode, kind=HTML, overwrite=overwrite),
        "withheld": "",
    }


def write_all(store, out: Path) -> list[dict]:
    """Every report in both views (review reports: stakeholder only, one for each review with
    findings). Returns {"title", "href", "path", "purpose"} for each file, for the demo's index page.
    A store holding OFFICIAL-SENSITIVE rows gets no public files: the stakeholder ones only.
    """
    from qam.reports.common import sensitive_rows
    from qam.store import findings as findings_db
    from qam.store import programme as programme_db

    out = Path(out)
    views = [STAKEHOLDER] if sensitive_rows(store) else [STAKEHOLDER, PUBLIC]
    written = []
    for kind in ("programme", "register", "readiness", "good-practice"):
        for view in views:
            done = write_report(store, kind, out, view)
            purpose = f"{PURPOSES[kind]} {VIEW_PURPOSE[view]}"
            written.append(
                {
                    "title": f"{TITLES[kind]} ({view} view)",
                    "href": done["path"].name,
                    "path": done["path"],
                    "purpose": f"{purpose} Withheld for now: {done['withheld']}"
                    if done["withheld"]
                    else purpose,
                }
            )
    path = write(store, "calibration", out, STAKEHOLDER)
    written.append(
        {
            "title": f"{TITLES['calibration']} (stakeholder view)",
            "href": path.name,
            "path": path,
            "purpose": f"{PURPOSES['calibration']} {VIEW_PURPOSE[STAKEHOLDER]}",
        }
    )
    with_findings = {
        row["review_id"] for row in findings_db.counts_by_review(store) if row["findings"]
    }
    for r in programme_db.reviews(store):
        if r["id"] in with_findings:
            path = write(store, "review", out, STAKEHOLDER, review_id=r["id"])
            written.append(
                {
                    "title": f"Review {r['id']}: {r['title']} (stakeholder view)",
                    "href": path.name,
                    "path": path,
                    "purpose": f"{PURPOSES['review']} {VIEW_PURPOSE[STAKEHOLDER]}",
                }
            )
    return written
