"""Findings by enabler, the section every report carries: what the reviews told the force
about its Leadership, Partnership, Culture and Technology.

A finding speaks to any number of enablers (none, one, or several), so the counts of the four
do not add up to the findings: each enabler's count is the findings tagged with it. The
stakeholder section is a chart of each enabler's findings by grade and a table (findings,
grade spread, good practice, concerns); the public one is counts only, each suppressed like
every other published count (`qam.reports.suppression`), with no total to subtract from.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from qam.enablers import ENABLER_LABELS, ordered, question_enablers
from qam.reports import charts
from qam.reports.common import grade_label
from qam.reports.models import CountTable, EnablerSection
from qam.reports.suppression import suppress
from qam.vocabulary import ENABLERS, GRADES

if TYPE_CHECKING:
    from qam.store import Store

NOT_ASSESSED = "not_assessed"


@dataclass
class Tally:
    """One enabler's findings: how many, by grade, marked good practice, raising a concern."""

    enabler: str
    findings: int = 0
    grades: Counter = field(default_factory=Counter)  # grade slug or NOT_ASSESSED -> findings
    good_practice: int = 0
    concerns: int = 0


def tallies(
    store: Store,
    review_ids: Iterable[str] | None = None,
    questions: set[tuple[str, str]] | None = None,
) -> tuple[list[Tally], int, int]:
    """Each enabler's tally over the current findings (of these reviews, or all; on these
    (set, question) pairs, or any), the number of findings, and how many speak to no enabler."""
    from qam.store import findings as findings_db

    rows = findings_db.enabler_totals(store, review_ids)
    if questions is not None:
        rows = [r for r in rows if (r["question_set"], r["question_id"]) in questions]
    tags = question_enablers(store) if any(r["enablers"] is None for r in rows) else {}
    by = {e: Tally(e) for e in ENABLERS}
    total = untagged = 0
    for row in rows:
        n = int(row["findings"])
        total += n
        if row["enablers"] is None:
            enablers = ordered(tags.get((row["question_set"], row["question_id"]), ()))
        else:
            enablers = ordered(json.loads(row["enablers"]))
        if not enablers:
            untagged += n
        grade = row["grade"] if row["grade"] in GRADES else NOT_ASSESSED
        for e in enablers:
            t = by[e]
            t.findings += n
            t.grades[grade] += n
            t.good_practice += n if row["good_practice"] else 0
            t.concerns += n if row["concerns"] else 0
    return list(by.values()), total, untagged


def section(
    store: Store,
    review_ids: Iterable[str] | None = None,
    *,
    scope: str,
    questions: set[tuple[str, str]] | None = None,
) -> EnablerSection:
    """The stakeholder section: a chart of each enabler's findings by grade, and its table.
    `scope` says whose findings these are ("this review's", "the programme's"); `questions`
    keeps those on some questions only (a board's PEEL areas)."""
    found, total, untagged = tallies(store, review_ids, questions)
    spread = [*GRADES, NOT_ASSESSED]
    rows = [
        {
            "enabler": ENABLER_LABELS[t.enabler],
            "slug": t.enabler,
            "findings": t.findings,
            "grades": [t.grades[g] for g in spread],
            "good_practice": t.good_practice,
            "concerns": t.concerns,
        }
        for t in found
    ]
    return EnablerSection(
        scope=scope,
        chart=_grade_spread(found, spread),
        grade_headings=[grade_label(g) if g in GRADES else "Not assessed" for g in spread],
        rows=rows,
        findings=total,
        untagged=untagged,
    )


def _grade_spread(found: list[Tally], spread: list[str]) -> charts.Chart:
    """Stacked bars: each enabler's findings, coloured by grade (best on the left)."""
    matplotlib, plt = charts._pyplot()
    labels = [ENABLER_LABELS[t.enabler] for t in found]
    colours = [*charts.GRADE_COLOURS[: len(GRADES)], charts.MUTED]
    with matplotlib.rc_context(charts._RC):
        fig, ax = charts._figure(len(found) + 1)
        positions = list(range(len(found)))[::-1]
        left = [0] * len(found)
        for grade, colour in zip(spread, colours, strict=True):
            widths = [t.grades[grade] for t in found]
            if not any(widths):
                continue
            name = grade_label(grade) if grade in GRADES else "Not assessed"
            ax.barh(positions, widths, left=left, color=colour, label=name)
            left = [a + b for a, b in zip(left, widths, strict=True)]
        for y, t in zip(positions, found, strict=True):
            ax.annotate(str(t.findings), (t.findings, y), xytext=(3, 0), fontsize=8,
                        textcoords="offset points", va="center")  # fmt: skip
        ax.set_yticks(positions, labels)
        ax.set_xlabel("Findings (a finding may speak to more than one enabler)")
        ax.set_xlim(0, max([t.findings for t in found] + [1]) * 1.15)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_title("Findings by enabler and grade", loc="left", fontsize=10, fontweight="bold")
        if any(t.findings for t in found):
            ax.legend(fontsize=7, frameon=False, loc="upper center", ncol=len(spread),
                      bbox_to_anchor=(0.5, -0.3))  # fmt: skip
    return charts.Chart(
        title="Findings by enabler and grade",
        svg=charts._svg(fig),
        headers=["Enabler", "Findings"],
        rows=[[ENABLER_LABELS[t.enabler], t.findings] for t in found],
    )


def public_tables(store: Store, review_ids: Iterable[str] | None = None) -> list[CountTable]:
    """Counts for the public: findings and good practice by enabler, small counts suppressed.
    A finding may count under several enablers, so the cells have no total (nothing to
    subtract a hidden cell from): primary suppression, as for every stand-alone count."""
    found, _, _ = tallies(store, review_ids)
    return [
        _table("Findings by enabler", [(t, t.findings) for t in found], "Findings"),
        _table(
            "Good practice by enabler",
            [(t, t.good_practice) for t in found],
            "Good practice findings",
        ),
    ]


def _table(title: str, pairs: list[tuple[Tally, int]], heading: str) -> CountTable:
    cells, _ = suppress([(ENABLER_LABELS[t.enabler], n) for t, n in pairs], with_total=False)
    chart = charts.bar_chart(
        title,
        [c.label for c in cells],
        [c.count for c in cells],
        headers=("Enabler", heading),
        xlabel=heading,
        shown=[c.shown for c in cells],
        note="A finding may speak to more than one enabler, so the counts are not added up.",
    )
    return CountTable(title=title, cells=cells, total=None, chart=chart)
