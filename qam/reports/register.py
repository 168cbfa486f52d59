"""The register report: the PCC position, breakdowns by status, type, scope and theme, ageing."""

from __future__ import annotations

from datetime import date

from qam.register.summary import source_rows
from qam.reports import action_plans, charts
from qam.reports.common import page, refuse_sensitive_public, status_label, theme_label
from qam.reports.models import PUBLIC, STAKEHOLDER, PublicRegister, RegisterReport
from qam.reports.programme import table
from qam.vocabulary import (
    OUTSTANDING_STATUSES,
    REGISTER_SCOPES,
    REGISTER_TYPES,
    STATUSES,
    datetime_label,
    label,
)

# How a decision reached the register, after who made it (a decision typed here says nothing).
HOW = {"import": ", in an imported tracker", "sync": ", on a laptop"}


def _known_theme(slug) -> str:
    """For the public view: a theme's title from the vocabulary, never text someone typed."""
    from qam import themes

    known = themes.active()
    return known.label(slug) if slug in known else "Other or no theme"


def outstanding_items(items: list[dict]) -> list[dict]:
    return [i for i in items if i["status"] in OUTSTANDING_STATUSES]


def build(store, view: str = STAKEHOLDER, today: date | None = None):
    """The register report for the view: `RegisterReport`, or `PublicRegister` for public."""
    from qam.analysis import register as analysis
    from qam.register.summary import position
    from qam.store import decisions as decisions_db
    from qam.store import register as register_db

    refuse_sensitive_public(store, view, "register")
    today = today or date.today()
    items = register_db.items(store)
    doc = position(store)
    by_status = analysis.counts_by(items, "status", STATUSES)
    by_type = analysis.counts_by(items, "type", REGISTER_TYPES)
    by_scope = analysis.counts_by(items, "scope", REGISTER_SCOPES)
    ageing = analysis.ageing(items, today)
    if view == PUBLIC:
        themes: dict[str, int] = {}
        for item in items:
            key = _known_theme(item["theme"])
            themes[key] = themes.get(key, 0) + 1
        outstanding = [(label(k), v["total"]) for k, v in doc["outstanding"]["by_type"].items()]
        return PublicRegister(
            page=page(store, "Inspection recommendations: the force's progress", view),
            tables=[
                table(
                    "Items by status",
                    [
                        (label(v), c)
                        for v, c in zip(by_status["value"], by_status["count"], strict=True)
                    ],
                    "Status",
                    "Items",
                    groups="statuses",
                ),
                table(
                    "Items by scope",
                    [
                        (label(v), c)
                        for v, c in zip(by_scope["value"], by_scope["count"], strict=True)
                    ],
                    "Scope",
                    "Items",
                ),
                table("Outstanding items by type", outstanding, "Type", "Outstanding items"),
                table("Items by theme", sorted(themes.items()), "Theme", "Items"),
                table(
                    "Outstanding items by time since the report",
                    list(zip(ageing["band"], ageing["items"], strict=True)),
                    "Time since the report was published",
                    "Outstanding items",
                    groups="periods",
                ),
            ],
        )
    by_theme = analysis.counts_by(items, "theme")
    status_colours = [
        "#2e7d32"
        if s in ("completed", "no_further_action")
        else "#9aa5b1"
        if s == "will_not_be_progressed"
        else "#b26a00"
        for s in by_status["value"]
    ]
    chart_list = [
        charts.bar_chart(
            "Items by status",
            [status_label(v) for v in by_status["value"]],
            list(by_status["count"]),
            headers=("Status", "Items"),
            xlabel="Items",
            colours=status_colours,
        ),
        charts.bar_chart(
            "Items by type",
            [label(v) for v in by_type["value"]],
            list(by_type["count"]),
            headers=("Type", "Items"),
            xlabel="Items",
        ),
        charts.bar_chart(
            "Items by scope",
            [label(v) for v in by_scope["value"]],
            list(by_scope["count"]),
            headers=("Scope", "Items"),
            xlabel="Items",
        ),
        charts.bar_chart(
            "Items by theme",
            [theme_label(v) if v != "not set" else "No theme" for v in by_theme["value"]],
            list(by_theme["count"]),
            headers=("Theme", "Items"),
            xlabel="Items",
        ),
    ]
    ageing_chart = charts.bar_chart(
        "Outstanding items by time since the report was published",
        list(ageing["band"]),
        list(ageing["items"]),
        headers=("Time since published", "Outstanding items"),
        xlabel="Items",
    )
    ageing_chart.headers = [
        "Time since published",
        "Outstanding items",
        "Of which past their due date",
    ]
    ageing_chart.rows = [
        [b, int(i), int(o)]
        for b, i, o in zip(ageing["band"], ageing["items"], ageing["overdue"], strict=True)
    ]
    chart_list.append(ageing_chart)
    scope_rows = [
        {
            "scope": label(scope),
            "total": counts.get("total", 0),
            **{s: counts.get(s, 0) for s in STATUSES},
        }
        for scope, counts in doc["by_scope"].items()
        if counts.get("total")
    ]
    type_rows = [
        {
            "type": label(kind),
            "total": counts.get("total", 0),
            **{s: counts.get(s, 0) for s in REGISTER_SCOPES},
        }
        for kind, counts in doc["outstanding"]["by_type"].items()
        if counts.get("total")
    ]
    decisions = [
        {
            **d,
            "old": status_label(d["old_status"]),
            "new": status_label(d["new_status"]),
            "decided_at": datetime_label(d["decided_at"]),
            "decided_by": (d["actor"] or "Not recorded") + HOW.get(d["source"], ""),
        }
        for d in decisions_db.recent(store, limit=25, decided_only=True)
    ]
    return RegisterReport(
        page=page(store, "The register: position for the PCC", view),
        position=doc,
        scope_rows=scope_rows,
        type_rows=type_rows,
        charts=chart_list,
        decisions=decisions,
        sources=source_rows(doc),
        action_plans=action_plans.plan_rows(store, outstanding_items(items), today),
    )
