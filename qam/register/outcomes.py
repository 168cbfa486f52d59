"""External inspection outcomes: published grades by force and area, and what they mean for us.

Published grade sheets are read as they really are: the table ends at its first blank row and
anything under it (a summary block, notes) is ignored with a warning. Force names are checked
against the 43 territorial forces (or the home force's own name); abbreviations are refused
with their row until mapped with --value. Grades become the five-tier slugs.

Overall grade rule (for `summary`): PEEL has given no overall force grade since 2021/22, so a
force's overall grade is taken from its most recent report: the row whose area is "Overall"
if there is one, else the grade given most often in that report, a tie going to the worse
grade (a force graded 3 good and 3 adequate counts as adequate). Erring low keeps the planner
looking where improvement is most likely to be needed.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from qam.errors import ImportFileError
from qam.register import cells
from qam.register.cells import CellError, RowContext
from qam.register.forces import canonical_force, suggest_force
from qam.register.mapping import (
    OUTCOME_FIELDS,
    OUTCOME_REQUIRED,
    map_columns,
    norm,
    parse_map_options,
    parse_value_options,
)
from qam.tables import read_table
from qam.vocabulary import GRADES

NEEDS_IMPROVEMENT = ("requires_improvement", "inadequate")
_NAMESPACE = uuid.UUID("5a1e2f0c-7d3b-4c1e-9f4a-0b6a1c2d3e4f")

# PEEL area wording (any cycle) -> theme slug, so the planner can raise the matching reviews.
AREA_THEMES = (
    ("recording data about crime", "crime_recording"),
    ("crime data integrity", "crime_recording"),
    ("responding to the public", "response"),
    ("investigating crime", "investigation"),
    ("protecting vulnerable people", "vulnerability"),
    ("managing offenders", "offender_management"),
    ("workforce", "workforce_wellbeing"),
    ("leadership", "leadership"),
    ("value for money", "value_for_money"),
    ("use of resources", "value_for_money"),
    ("treating the public", "public_treatment"),
    ("fairness and respect", "public_treatment"),
    ("anti social behaviour", "prevention"),
    ("preventing", "prevention"),
    ("serious and organised crime", "serious_organised_crime"),
    ("victims", "victim_care"),
)


def area_theme(area: str) -> str | None:
    """The theme slug a PEEL area's wording points to, or None."""
    key = norm(area)
    return next((slug for words, slug in AREA_THEMES if norm(words) in key), None)


@dataclass
class OutcomeReceipt:
    source: str
    rows: int = 0
    new_or_changed: int = 0
    forces: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "rows": self.rows,
            "new_or_changed": self.new_or_changed,
            "forces": self.forces,
            "warnings": self.warnings,
        }


def _force(value: object, values, home_force: str | None) -> str:
    raw = cells.text(value)
    if raw is None:
        raise CellError("the force is empty", "Give every row the force's full name.")
    mapped = values.get("force", raw)
    name = canonical_force(mapped or raw, home_force)
    if name is None:
        guess = suggest_force(raw)
        hint = f" (did you mean {guess}?)" if guess else ""
        target = guess or "<full force name>"
        what = f"--value maps it to '{mapped}', which" if mapped else "it"
        raise CellError(
            f"'{raw}' is not one of the 43 territorial forces of England and Wales{hint}; "
            f"{what} must be a force's full name",
            f'Map it with --value "force:{raw}={target}", or correct the row.',
        )
    return name


def parse_outcomes(path: Path | str, *, sheet=None, maps=(), values=(), home_force=None):
    """Every outcome row checked (force, area, grade, report, date); raises on the first bad row."""
    user_map = parse_map_options(maps, OUTCOME_FIELDS)
    value_map = parse_value_options(values, OUTCOME_FIELDS)
    table = read_table(path, sheet)
    columns = map_columns(table.headers, OUTCOME_FIELDS, OUTCOME_REQUIRED, user_map, table.source)
    outcomes, seen = [], {}
    for number, row in table.rows:
        where = RowContext(table.source, number)
        found = {}
        for name, index in columns.fields.items():
            value = row[index] if index < len(row) else None
            try:
                if name == "force":
                    found[name] = _force(value, value_map, home_force)
                elif name == "grade":
                    found[name] = cells.choice("grade", value, value_map)
                elif name == "published":
                    found[name] = cells.iso_date(value)
                else:
                    found[name] = cells.text(value)
                    if name == "area" and not found[name]:
                        raise CellError(
                            "the area is empty", "Give every row the question or area graded."
                        )
            except CellError as err:
                raise where.fail(columns.header(name), err) from None
        key = (found["force"], norm(found["area"]), found.get("report"), found.get("published"))
        if key in seen:
            raise where.fail(
                columns.header("area"),
                CellError(
                    f"{found['force']} is graded on '{found['area']}' twice in this report (also row {seen[key]})",
                    "Remove the duplicate row.",
                ),
            )
        seen[key] = number
        digest = hashlib.sha256("|".join(str(k) for k in key).encode()).hexdigest()
        outcomes.append(
            {
                "id": str(uuid.uuid5(_NAMESPACE, digest)),
                "force": found["force"],
                "area": found["area"],
                "grade": found["grade"],
                "report_title": found.get("report"),
                "published": found.get("published"),
                "source_file": table.source,
            }
        )
    if not outcomes:
        raise ImportFileError(
            f"{table.source} has a header row but no grades under it; nothing was imported."
        )
    return outcomes, table.warnings


def import_outcomes(
    store, path: Path | str, *, actor: str, sheet=None, maps=(), values=()
) -> OutcomeReceipt:
    """Import a grades sheet; all rows or none. Re-importing the same sheet changes nothing."""
    from qam.store import audit
    from qam.store import outcomes as sql

    outcomes, warnings = parse_outcomes(
        path, sheet=sheet, maps=maps, values=values, home_force=store.setting("force_name")
    )
    receipt = OutcomeReceipt(
        source=Path(path).name,
        rows=len(outcomes),
        warnings=warnings,
        forces=sorted({o["force"] for o in outcomes}),
    )
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with store.transaction():
        for outcome in outcomes:
            receipt.new_or_changed += sql.upsert_outcome(store, {**outcome, "imported_at": now})
        if receipt.new_or_changed:
            audit.append_event(
                store,
                actor=actor,
                entity="outcome_import",
                entity_id=receipt.source,
                action="import",
                new={"rows": receipt.rows, "new_or_changed": receipt.new_or_changed},
                reason=f"qam outcomes import {receipt.source}",
            )
    return receipt


def list_outcomes(store, force: str | None = None, grade: str | None = None) -> list[dict]:
    from qam.store import outcomes as sql

    return sql.query_outcomes(store, force=force, grade=grade)


def _latest_report(rows: list[dict]) -> list[dict]:
    latest = max((r["published"] or "", r["report_title"] or "") for r in rows)
    return [r for r in rows if ((r["published"] or ""), (r["report_title"] or "")) == latest]


def overall_grades(store) -> dict[str, str]:
    """Each force's overall grade by the rule in this module's docstring."""
    by_force: dict[str, list[dict]] = {}
    for row in list_outcomes(store):
        by_force.setdefault(row["force"], []).append(row)
    result = {}
    for force, rows in sorted(by_force.items()):
        report = _latest_report(rows)
        overall = [
            r
            for r in report
            if norm(r["area"]) in ("overall", "overall grade", "overall judgement")
        ]
        if overall:
            result[force] = overall[0]["grade"]
            continue
        counts = Counter(r["grade"] for r in report)
        top = max(counts.values())
        result[force] = max((g for g, n in counts.items() if n == top), key=GRADES.index)
    return result


def summary(store) -> dict:
    """{"total": forces, "by_grade": {grade: forces}} over each force's overall grade."""
    grades = overall_grades(store)
    counts = Counter(grades.values())
    return {"total": len(grades), "by_grade": {g: counts[g] for g in GRADES if counts.get(g)}}


def areas_needing_improvement(store, force: str | None = None) -> list[dict]:
    """Areas whose latest grade is requires improvement or inadequate, with the theme they point to.

    `force` defaults to the home force when it has outcomes, else every force in the store (a
    peer force's weak areas are a fair warning of what the inspectorate is finding). Each row:
    force, area, grade, theme (slug or None), report_title, published. Worst grades first.
    """
    if force is None:
        home = store.setting("force_name")
        if home and list_outcomes(store, force=home):
            force = home
    latest: dict[tuple[str, str], dict] = {}
    for row in list_outcomes(store, force=force):
        key = (row["force"], norm(row["area"]))
        if key not in latest or (row["published"] or "") >= (latest[key]["published"] or ""):
            latest[key] = row
    result = [
        {
            "force": r["force"],
            "area": r["area"],
            "grade": r["grade"],
            "theme": area_theme(r["area"]),
            "report_title": r["report_title"],
            "published": r["published"],
        }
        for r in latest.values()
        if r["grade"] in NEEDS_IMPROVEMENT
    ]
    return sorted(result, key=lambda r: (-GRADES.index(r["grade"]), r["force"], r["area"]))
