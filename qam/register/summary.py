"""The register's position as the force reports it to the PCC.

Totals by scope and status, and the outstanding items (being progressed, will be progressed,
awaiting review) by type and scope, from HMICFRS's items alone (the PCC's position); and
`by_source`, every source of learning's total and outstanding items by type.
`position` is the JSON of DESIGN.md section 4; `sentences`
is the wording of the force's reports ("81 national (17 awaiting review, 17 being progressed,
47 complete) and 230 force-specific (...)").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qam.vocabulary import (
    HMICFRS_TYPES,
    OUTSTANDING_STATUSES,
    REGISTER_SCOPES,
    REGISTER_SOURCES,
    REGISTER_TYPES,
    STATUSES,
    label,
)

if TYPE_CHECKING:
    from qam.store import Store

# The order the force's reports list statuses in: open first, then closed.
REPORT_ORDER = (
    "awaiting_review",
    "will_be_progressed",
    "being_progressed",
    "completed",
    "no_further_action",
    "will_not_be_progressed",
)
STATUS_WORDS = {
    "completed": "complete",
    "no_further_action": "no further action",
    "will_not_be_progressed": "will not be progressed",
    "being_progressed": "being progressed",
    "will_be_progressed": "will be progressed",
    "awaiting_review": "awaiting review",
}
SCOPE_WORDS = {"national": "national", "force": "force-specific", "joint": "joint"}
TYPE_WORDS = {
    "cause_of_concern": ("cause of concern", "causes of concern"),
    "recommendation": ("recommendation", "recommendations"),
    "area_for_improvement": ("area for improvement", "areas for improvement"),
    "learning_recommendation": ("learning recommendation", "learning recommendations"),
    "pfd_concern": ("PFD concern", "PFD concerns"),
    "audit_finding": ("audit finding", "audit findings"),
}


def position(store: Store) -> dict:
    """The summary JSON: total, by_status, by_scope, outstanding by type and scope (zeros left out)."""
    from qam.store import register as sql

    by_status: dict[str, int] = {}
    by_scope = {scope: {"total": 0} for scope in REGISTER_SCOPES}
    by_type = {kind: {"total": 0} for kind in HMICFRS_TYPES}
    total = outstanding = 0
    for scope, kind, status, n in sql.status_counts(store):
        total += n
        by_status[status] = by_status.get(status, 0) + n
        by_scope[scope]["total"] += n
        by_scope[scope][status] = by_scope[scope].get(status, 0) + n
        if status in OUTSTANDING_STATUSES:
            outstanding += n
            by_type[kind]["total"] += n
            by_type[kind][scope] = by_type[kind].get(scope, 0) + n
    return {
        "total": total,
        "by_status": {s: by_status[s] for s in STATUSES if by_status.get(s)},
        "by_scope": {scope: _ordered(counts, STATUSES) for scope, counts in by_scope.items()},
        "outstanding": {
            "total": outstanding,
            "by_type": {k: _ordered(v, REGISTER_SCOPES) for k, v in by_type.items()},
        },
        "by_source": by_source(store),
    }


def by_source(store: Store) -> dict:
    """Each source's items: total, outstanding, and both by type (sources with none left out)."""
    from qam.store import register as sql

    found: dict[str, dict] = {}
    for source, kind, status, n in sql.source_counts(store):
        counts = found.setdefault(source, {"total": 0, "outstanding": 0, "by_type": {}})
        of_type = counts["by_type"].setdefault(kind, {"total": 0, "outstanding": 0})
        open_ = n if status in OUTSTANDING_STATUSES else 0
        for bucket in (counts, of_type):
            bucket["total"] += n
            bucket["outstanding"] += open_
    return {
        s: {
            **found[s],
            "by_type": {
                k: found[s]["by_type"][k] for k in REGISTER_TYPES if k in found[s]["by_type"]
            },
        }
        for s in REGISTER_SOURCES
        if s in found
    }


def _ordered(counts: dict, keys: tuple[str, ...]) -> dict:
    return {"total": counts["total"], **{k: counts[k] for k in keys if counts.get(k)}}


def sentences(doc: dict) -> list[str]:
    """The position in the words of the force's report to the PCC."""
    if not doc["total"] and not doc.get("by_source"):
        return ["The register is empty: import the tracker with `qam recs import FILE`."]
    parts = []
    for scope in ("national", "force", "joint"):
        counts = doc["by_scope"].get(scope, {})
        if not counts.get("total"):
            continue
        detail = ", ".join(f"{counts[s]} {STATUS_WORDS[s]}" for s in REPORT_ORDER if counts.get(s))
        parts.append(f"{counts['total']} {SCOPE_WORDS[scope]} ({detail})")
    lines = [f"{doc['total']} items: " + _join(parts) + "." if parts else "No HMICFRS items."]
    out = doc["outstanding"]
    type_parts = []
    for kind in ("cause_of_concern", "area_for_improvement", "recommendation"):
        counts = out["by_type"].get(kind, {})
        n = counts.get("total", 0)
        if not n:
            continue
        scopes = ", ".join(
            f"{counts[s]} {SCOPE_WORDS[s]}" for s in ("national", "joint", "force") if counts.get(s)
        )
        type_parts.append(f"{n} {TYPE_WORDS[kind][0 if n == 1 else 1]} ({scopes})")
    if out["total"]:
        lines.append(f"{out['total']} outstanding: " + "; ".join(type_parts) + ".")
    else:
        lines.append("Nothing outstanding.")
    others = [
        f"{counts['total']} from {label(source)} ({counts['outstanding']} outstanding)"
        for source, counts in doc.get("by_source", {}).items()
        if source != "hmicfrs"
    ]
    if others:
        lines.append("Other sources of learning, beside HMICFRS's: " + _join(others) + ".")
    return lines


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def scope_rows(doc: dict) -> list[dict]:
    """One table row a status (and a total row), a column a scope, as the PCC report sets it out."""
    rows = []
    for status in REPORT_ORDER:
        row = {"status": STATUS_WORDS[status].capitalize(), "all": doc["by_status"].get(status, 0)}
        row.update(
            {scope: doc["by_scope"].get(scope, {}).get(status, 0) for scope in REGISTER_SCOPES}
        )
        rows.append(row)
    total = {"status": "Total", "all": doc["total"]}
    total.update(
        {scope: doc["by_scope"].get(scope, {}).get("total", 0) for scope in REGISTER_SCOPES}
    )
    return [*rows, total]


def outstanding_rows(doc: dict) -> list[dict]:
    """One table row a type (and a total row), a column a scope: the outstanding items."""
    rows = []
    out = doc["outstanding"]
    for kind in ("cause_of_concern", "area_for_improvement", "recommendation"):
        counts = out["by_type"].get(kind, {"total": 0})
        rows.append(
            {
                "type": TYPE_WORDS[kind][1].capitalize(),
                "total": counts["total"],
                **{s: counts.get(s, 0) for s in ("national", "joint", "force")},
            }
        )
    rows.append(
        {
            "type": "All outstanding",
            "total": out["total"],
            **{
                s: sum(out["by_type"].get(k, {}).get(s, 0) for k in HMICFRS_TYPES)
                for s in ("national", "joint", "force")
            },
        }
    )
    return rows


def source_rows(doc: dict) -> list[dict]:
    """One table row a source of learning: its items and how many are outstanding."""
    return [
        {"source": label(source), "total": c["total"], "outstanding": c["outstanding"]}
        for source, c in doc["by_source"].items()
    ]
