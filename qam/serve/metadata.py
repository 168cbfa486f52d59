"""Datasette's metadata for each view, generated from the code: the tables' owners (their
`Table` declarations, module docstrings and DDL), the vocabulary and the canned queries.

Nothing here is written by hand for a table: a column gains its description from what its
owner declares (key, local columns and why, CHECK lists of slugs, references, defaults), so
a column added by a migration is described the day it lands.
"""

from __future__ import annotations

import importlib
import re

from qam.store import canned, published, schemadoc
from qam.store.published import READINESS_VIEW
from qam.store.schema import Table, owner_path
from qam.vocabulary import label

# The tables a stakeholder may browse. Everything else (the trail, synced events, settings,
# plan bookkeeping, purge records, sync keys, and any table added later) is refused.
SHOWN = (
    "register_item",
    "status_decision",
    "outcome",
    "theme",
    "inspection",
    "area_of_interest",
    "candidate_review",
    "review",
    "review_team",
    "sme",
    "capture_session",
    "finding",
    "finding_link",
    "second_grade",
    "grade_moderation",
    "record_sample",
    "record_check",
    "record_audit_finding",
    "question_set",
)
DATABASE = "qam"  # the name both views serve their database under (/qam/...)
DAY_COLUMNS = ("days",)  # working days (each team member's effort), shown with their unit
_DATE_COLUMNS = {
    "start",
    "end",
    "due",
    "expected",
    "published",
    "report_published",
    "held_on",
    "raised",
    "earliest",
    "latest",
    "first_day",
    "last_day",
}


def _owner_about(module_name: str) -> str:
    doc = importlib.import_module(module_name).__doc__ or ""
    first = doc.strip().split("\n\n")[0]
    return " ".join(first.split())


def _checked_slugs(ddl: str, column: str) -> list[str]:
    match = re.search(rf"CHECK\s*\(\s*\"?{re.escape(column)}\"?\s+IN\s*\(([^)]*)\)", ddl)
    return re.findall(r"'([^']*)'", match.group(1)) if match else []


def _column(table: Table, ddl: str, column: tuple, refs: dict[str, str]) -> str:
    name, _, notnull, default, pk = column
    parts = [table.about[name]] if name in table.about else []
    if name in table.key:
        parts.append("Identifies the row across stores.")
    if name in refs:
        parts.append(f"The {label(refs[name]).lower()} this row belongs to.")
    slugs = _checked_slugs(ddl, name)
    if slugs:
        parts.append("One of: " + ", ".join(f"{label(s)} ({s})" for s in slugs) + ".")
    if name.endswith("_at"):
        parts.append("When, in UTC (ISO 8601).")
    elif name in _DATE_COLUMNS:
        parts.append("A date (YYYY-MM-DD).")
    if name == "theme":
        parts.append("A theme's slug; its label is in the theme table.")
    if name in DAY_COLUMNS:
        parts.append("Working days each team member gives.")
    if name in table.local:
        parts.append(f"Kept in this store only: {table.local[name]}.")
    if default is not None:
        parts.append(f"Default {default}.")
    if not parts:
        parts.append(label(name) + ("" if notnull or pk else " (may be empty)") + ".")
    elif not (notnull or pk) and name not in table.about:
        parts.append("May be empty.")
    return " ".join(parts)


def _table(found: dict) -> dict:
    table: Table = found["table"]
    owner = found["owner"]
    columns = {
        column[0]: _column(table, found["ddl"], column, found["references"])
        for column in found["columns"]
    }
    meta: dict = {
        "title": label(table.name),
        "description": f"{_owner_about(owner)} (Kept by {owner_path(owner)}; "
        f"key: {', '.join(table.key)}.)",
        "columns": columns,
    }
    units = {c: "day" for c in DAY_COLUMNS if c in columns}
    if units:
        meta["units"] = units
    return meta


def stakeholder(force_name: str, users: dict[str, dict]) -> dict:
    """Metadata for the stakeholder view: every shown table described, the canned queries,
    a login for every page, arbitrary SQL for the named users only."""
    tables = schemadoc.described()
    described = {name: _table(tables[name]) for name in SHOWN if name in tables}
    sql_users = sorted(name for name, user in users.items() if user.get("sql"))
    return {
        "title": f"{force_name}: the QA programme store (OFFICIAL-SENSITIVE)",
        "description": "The programme store, read-only: the register of HMICFRS "
        "recommendations, the programme of internal reviews and what their fieldwork found. "
        "OFFICIAL-SENSITIVE: do not share outside the force.",
        "allow": {"id": sorted(users)},
        "allow_sql": {"id": sql_users} if sql_users else False,
        "databases": {
            DATABASE: {
                "title": "The programme store",
                "description": "Canned queries answer what people ask most; the tables "
                "hold the detail.",
                "tables": described,
                "queries": {
                    q.name: {"sql": q.sql, "title": q.title, "description": q.description}
                    for q in canned.queries()
                },
            }
        },
    }


def public(force_name: str, views: dict[str, str]) -> dict:
    """Metadata for the public view: the published tables, each with its title, no SQL."""
    column_words = {
        "label": "What is counted.",
        "count": "The count, or empty where it is not published (fewer than 5, or a count "
        "that would let a small one be worked out).",
        "shown": "The count as the public report shows it.",
    }
    area_words = {
        "board": "The assessment board that owns the area.",
        "area": "The PEEL area.",
        "grade": "The latest self-assessed grade, or 'Not published' where fewer than 5 "
        "findings stand behind it.",
        "trend": "Against the review before.",
        "findings": "How many graded findings stand behind the grade (as published).",
    }
    tables = {name: {"title": title, "columns": column_words} for name, title in views.items()}
    tables[READINESS_VIEW] = {
        "title": "Readiness for inspection by PEEL area",
        "columns": area_words,
    }
    return {
        "title": f"{force_name}: the QA programme in figures",
        "description": "Aggregate figures from the force's internal quality assurance "
        "programme, as its public reports publish them: counts under 5 are not shown, nor any "
        "count from which one could be worked out. No names, no notes.",
        "allow_sql": False,
        "databases": {
            DATABASE: {
                "title": "Public figures",
                "tables": tables,
                "queries": {
                    "register_position": {
                        "title": "The register's position",
                        "description": "Inspection recommendations and areas for improvement "
                        "by status, as the public register report publishes them.",
                        "sql": published.REGISTER_POSITION,
                    }
                },
            }
        },
    }
