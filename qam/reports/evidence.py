"""The review report's evidence sections: the record audit, the moderation of grades, and
what changed since the baseline review. Each is built from the domain's own figures
(`qam.fieldwork.record_audit`, `moderation`, `baseline`) and holds no record id."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qam.reports import charts
from qam.reports.common import grade_label
from qam.vocabulary import count_label

if TYPE_CHECKING:
    from qam.store import Store


def record_audit(store: Store, review_id: str) -> dict | None:
    """The audit's table rows and its chart with intervals; None when no sample was drawn."""
    from qam.fieldwork.record_audit import percent, results, statement
    from qam.store import record_audits as audits_db

    if audits_db.current_sample(store, review_id) is None:
        return None
    doc = results(store, review_id)
    by = doc["stratum_column"] or "Stratum"
    rows = [
        {
            **r,
            "stratum_label": r["stratum"] or "All records",
            "rate_label": percent(r["rate"]),
            "interval": ""
            if r["rate"] is None
            else f"{percent(r['ci_low'])}–{percent(r['ci_high'])}",
            "statement": statement(r),
        }
        for r in doc["results"]
    ]
    chart = charts.interval_chart(
        "Compliance by item"
        + (f" and {by.lower()}" if doc["strata"] and doc["stratum_column"] else ""),
        [
            (
                r["item"] if r["stratum"] is None else f"· {r['stratum']}",
                r["rate"],
                r["ci_low"],
                r["ci_high"],
                f"{r['yes']} of {r['yes'] + r['no']}",
            )
            for r in doc["results"]
        ],
        note="A dot is the share of records answered yes among those answered yes or no; the "
        "bar its 95% Wilson interval. Not applicable answers are left out of both.",
    )
    whole = [s for s in doc["strata"] if s["whole"]]
    return {
        "frame": doc["frame"],
        "seed": doc["seed"],
        "records": doc["records"],
        "checked": doc["checked"],
        "by": by,
        "strata": doc["strata"],
        "whole": whole,
        "rows": rows,
        "chart": chart,
    }


def grading(store: Store, review_id: str) -> dict:
    """Whether the review's grades were moderated, in a sentence, with the agreement figures."""
    from qam.fieldwork.moderation import agreement

    doc = agreement(store, review_id)
    areas = _areas(store)
    for d in doc["disagreements"]:
        d["area"] = areas.get(d["question"], d["question"])
    if not doc["pairs"]:
        return {
            **doc,
            "sentence": "Grades were not moderated: no finding was graded by a second reviewer.",
            "unsettled": 0,
            "widest": 0,
        }
    kappa = "not defined (one grade throughout)" if doc["kappa"] is None else f"{doc['kappa']:.2f}"
    sentence = (
        f"{count_label(doc['pairs'], 'finding')} graded blind by a second reviewer: "
        f"{doc['exact']:.0%} the same grade, {doc['within_one']:.0%} within one grade "
        f"(weighted kappa {kappa}). "
        + (
            f"{count_label(doc['moderated'], 'grade')} moderated; the report uses the moderated grade."
            if doc["moderated"]
            else "No grade was moderated."
        )
    )
    open_ = [d for d in doc["disagreements"] if not d["moderated_grade"]]
    return {
        **doc,
        "sentence": sentence,
        "unsettled": len(open_),
        "widest": max((abs(d["difference"]) for d in open_), default=0),
    }


def _areas(store: Store) -> dict[str, str]:
    """question id -> its PEEL area, over the question sets the store knows."""
    from qam.reports import catalogue

    return {
        q["question_id"]: q["area"] for q in catalogue.questions(catalogue.question_sets(store))
    }


def since_baseline(store: Store, review_id: str) -> dict | None:
    """The re-review's comparison with its baseline, with labels; None for a first review."""
    from qam.fieldwork.baseline import STATUS_LABELS, compare

    doc = compare(store, review_id)
    if doc is None:
        return None
    rows = [
        {
            **r,
            "status_label": STATUS_LABELS[r["status"]],
            "baseline_label": grade_label(r["baseline_grade"]) if r["baseline_findings"] else "",
            "grade_label": grade_label(r["grade"]) if r["findings"] else "",
        }
        for r in doc["questions"]
    ]
    counts = ", ".join(
        f"{n} {STATUS_LABELS[s].lower()}"
        for s, n in sorted(doc["counts"].items(), key=lambda x: x[0])
    )
    return {**doc, "rows": rows, "summary": counts}
