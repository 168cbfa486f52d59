"""The SME pool: importing volunteers, recording an expression of interest, their abstraction.

An SME gives at most the cap (10 working days by default) each financial year; what they
have used is counted from the accepted programme: each review's working days in that year,
for every review whose team they are on.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from qam.errors import RefusedError
from qam.imports import values as cells
from qam.imports.headers import Field
from qam.imports.pipeline import ImportOptions, Reading, Receipt, convert_given, writing
from qam.imports.problems import CellProblem
from qam.planner.calendar import financial_year, fy_label, working_days_between

SME_FIELDS = ("id", "name", "role", "unit", "skills", "unavailable", "email")
_SYNONYMS = {
    "id": (
        "staff id",
        "staff number",
        "employee id",
        "employee number",
        "payroll number",
        "sme id",
        "ref",
    ),
    "name": ("full name", "staff name", "officer name", "sme", "sme name", "volunteer"),
    "role": ("rank role", "rank", "job title", "position", "rank or role", "post"),
    "unit": (
        "department",
        "department unit",
        "dept",
        "bcu",
        "team",
        "command",
        "division",
        "unit department",
        "area",
    ),
    "skills": (
        "specialisms",
        "specialism",
        "skill",
        "expertise",
        "areas of expertise",
        "themes",
        "skills themes",
    ),
    "unavailable": (
        "dates unavailable",
        "unavailability",
        "not available",
        "leave",
        "absences",
        "unavailable dates",
        "away",
    ),
    "email": ("e mail", "email address", "work email", "mail"),
}
_RANGE = re.compile(r"\s*(?:\.\.|\bto\b|\s[-–]\s|–)\s*", re.IGNORECASE)


def unavailable(value: object) -> list[tuple[str, str]]:
    """Dates and ranges an SME is away: '2027-07-26..2027-08-06; 13/09/2027' -> [(start, end)].

    A range may be written with '..', ' to ' or a spaced dash; a spreadsheet date cell is one day.
    """
    if not isinstance(value, str):
        day = cells.a_date(value)
        return [(day, day)]
    ranges = []
    for part in re.split(r"\s*[;\n]\s*|,\s+(?=\d)", value.strip()):
        if not part:
            continue
        ends = _RANGE.split(part, maxsplit=1)
        first = cells.a_date(ends[0])
        last = cells.a_date(ends[1]) if len(ends) > 1 else first
        if last < first:
            raise CellProblem(
                "date range that ends before it starts",
                "write the earlier date first",
                plural="date ranges that end before they start",
            )
        ranges.append((first, last))
    return ranges


def email(value: object) -> str:
    from qam.planner.invitations import valid_email

    address = cells.one_line(value) or ""
    if not valid_email(address):
        raise CellProblem(
            "email address that does not look right",
            "correct them (like jo.marsh@westshire.police.uk) or leave the cell empty",
            plural="email addresses that do not look right",
        )
    return address


def fields(vocabulary, new_themes=None, skill_values: dict | None = None) -> list[Field]:
    """The SME sheet's fields, as HR sends it (any of the usual headers); `skill_values` are
    the user's --value options for skills, applied to each theme a cell lists."""

    theme_list = cells.themes(vocabulary, new_themes, "skills", skill_values)

    def skills(value: object) -> list[str]:
        found = theme_list(value)
        if not found:
            raise CellProblem("empty skills", "list the themes each SME can review, separated by ;")
        return found

    def field(name, convert, **kw) -> Field:
        return Field(name, convert, synonyms=_SYNONYMS.get(name, ()), **kw)

    required = {"column_required": True, "required": True}
    return [
        field("id", cells.one_line, **required),
        field("name", cells.one_line, **required),
        field("role", cells.one_line, cache=True),
        field("unit", cells.one_line, cache=True, **required),
        field("skills", skills, cache=True, **required),
        field("unavailable", unavailable, empty=list),
        field("email", email),
    ]


def import_smes(
    store, path: Path | str, *, actor: str = "", options: ImportOptions | None = None
) -> Receipt:
    """Add or update (by id) every SME in the file, all or nothing; columns the file does not
    have are left as they were."""
    from qam import themes
    from qam.store import smes as smes_db

    options = options or ImportOptions()
    vocabulary = themes.load(store)
    new_themes = themes.NewThemes(vocabulary) if options.add_themes else None
    skill_values = cells.parse_value_options(options.values, SME_FIELDS).for_field("skills")
    reading = Reading(path, fields(vocabulary, new_themes, skill_values), options)
    existing = {s["id"]: s for s in smes_db.smes(store)}
    receipt = Receipt(source=reading.source, what="SMEs", dry_run=options.dry_run)
    rows: list[dict] = []
    seen: dict[str, int] = {}
    for row in reading:
        sme_id = row.get("id")
        if sme_id in seen:
            reading.problem(
                "id used twice",
                row,
                column=reading.header("id"),
                raw=sme_id,
                plural="ids used twice",
                note=f"first on row {seen[sme_id]}",
                fix="each SME needs their own id; correct or remove one of the rows",
            )
            continue
        if sme_id:
            seen[sme_id] = row.number
        if row.ok and not reading.columns.missing:
            rows.append(_merged(row.values, existing.get(sme_id), receipt))
    reading.finish(empty_what="SMEs")
    receipt.from_reading(reading)
    receipt.new_themes = new_themes.listing() if new_themes else []
    with writing(store, options.dry_run):
        changed = [r for r in rows if r["id"] in receipt.added or r["id"] in receipt.changed]
        if not options.dry_run and (changed or receipt.new_themes):
            themes.save_new(store, new_themes, actor=actor, source=reading.source)
            smes_db.upsert_smes(store, changed)
    receipt.details["total"] = len(set(existing) | {r["id"] for r in rows})
    return receipt


def _merged(values: dict, old: dict | None, receipt: Receipt) -> dict:
    """The SME as the file has them, keeping what the file has no column for."""
    sme: dict[str, Any] = {"role": None, "unavailable": [], "email": None}
    if old:
        sme.update({k: old.get(k) for k in SME_FIELDS})
        sme["unavailable"] = [tuple(r) for r in old.get("unavailable") or []]
    sme.update(values)
    if old is None:
        receipt.added.append(sme["id"])
    elif _comparable(sme) != _comparable(old):
        receipt.changed.append(sme["id"])
    else:
        receipt.unchanged += 1
    return sme


def _comparable(sme: dict) -> dict:
    return {
        k: [tuple(r) for r in sme.get(k) or []] if k == "unavailable" else sme.get(k)
        for k in SME_FIELDS
    }


def add_sme(store, raw: dict, *, actor: str = "") -> dict:
    """Record one expression of interest, each field checked as a file's cell would be;
    refuses an id already in the pool."""
    from qam import themes
    from qam.store import smes as smes_db

    sme = convert_given(fields(themes.load(store)), raw, refused="The SME was not recorded:")
    if sme["id"] in smes_db.sme_ids(store):
        raise RefusedError(
            f"SME {sme['id']} is already in the pool; choose a new id, or change them in the "
            "spreadsheet and run `qam sme import FILE` (re-importing updates by id)."
        )
    smes_db.upsert_smes(store, [sme], interest=True)
    return sme


def review_days_by_year(start: date, end: date, year_start=(4, 1)) -> dict[int, int]:
    """How many of a review's working days fall in each financial year."""
    out: dict[int, int] = defaultdict(int)
    for day in working_days_between(start, end):
        out[financial_year(day, year_start)] += 1
    return dict(out)


def abstraction_used(programme: list[dict], year_start=(4, 1)) -> dict[str, dict[int, int]]:
    """SME id -> {financial year: working days on accepted reviews}."""
    used: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for review in programme:
        by_year = review_days_by_year(
            date.fromisoformat(review["start"]), date.fromisoformat(review["end"]), year_start
        )
        for sme_id in review["team"]:
            for year, days in by_year.items():
                used[sme_id][year] += days
    return {k: dict(v) for k, v in used.items()}


def pool_with_abstraction(store, cap_days: int = 10, year_start=(4, 1)) -> list[dict]:
    """Every SME with their days used and left per financial year of the accepted programme."""
    from qam.store import programme as programme_db
    from qam.store import smes as smes_db

    programme = programme_db.reviews(store)
    used = abstraction_used(programme, year_start)
    years = sorted(
        {y for by in used.values() for y in by} or {financial_year(date.today(), year_start)}
    )
    out = []
    for sme in smes_db.smes(store):
        mine = used.get(sme["id"], {})
        sme["abstraction"] = [
            {
                "year": fy_label(y, year_start),
                "used": mine.get(y, 0),
                "left": max(0, cap_days - mine.get(y, 0)),
            }
            for y in years
        ]
        sme["reviews"] = [r["id"] for r in programme if sme["id"] in r["team"]]
        sme["unavailable"] = [list(r) for r in sme["unavailable"]]
        out.append(sme)
    return out
