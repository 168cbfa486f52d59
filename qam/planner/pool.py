"""The SME pool: importing volunteers, recording an expression of interest, their abstraction.

An SME gives at most the cap (10 working days by default) each financial year; what they
have used is counted from the accepted programme: each review's working days in that year,
for every review whose team they are on.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

from qam.errors import ImportFileError, RefusedError
from qam.planner.calendar import financial_year, fy_label, working_days_between
from qam.planner.csvfile import check_slug, parse_date, parse_rows, read_rows, split_list

SME_COLUMNS = ("id", "name", "role", "unit", "skills", "unavailable")
THEMES_FILE = "question_sets/themes.yaml"


def _themes() -> dict[str, str]:
    from qam.question_sets import themes

    return themes()


def parse_unavailable(text: str, where: str) -> list[tuple[str, str]]:
    """'2027-07-26..2027-08-06;2027-09-13' -> [(start, end), ...] as ISO strings."""
    ranges = []
    for part in split_list(text):
        if ".." in part:
            first_text, _, last_text = part.partition("..")
            first = parse_date(first_text.strip(), f"{where} start")
            last = parse_date(last_text.strip(), f"{where} end")
            if last < first:
                raise ValueError(
                    f"{where} '{part}' ends before it starts; write the earlier date first"
                )
        else:
            first = last = parse_date(part, where)
        ranges.append((first.isoformat(), last.isoformat()))
    return ranges


def validate_sme(raw: dict, where: str = "") -> dict:
    """One SME from text fields; raises ValueError naming the field at fault."""
    prefix = f"{where} " if where else ""
    sme_id = (raw.get("id") or "").strip()
    if not sme_id:
        raise ValueError(f"{prefix}id is empty; give each SME an id such as SME23")
    name = (raw.get("name") or "").strip()
    if not name:
        raise ValueError(f"{prefix}name is empty for {sme_id}")
    unit = (raw.get("unit") or "").strip()
    if not unit:
        raise ValueError(
            f"{prefix}unit is empty for {sme_id}; the planner needs it so nobody reviews their own unit"
        )
    skills_text = raw.get("skills") or ""
    skills = split_list(skills_text) if isinstance(skills_text, str) else list(skills_text)
    if not skills:
        raise ValueError(
            f"{prefix}skills is empty for {sme_id}; list the themes they can review, separated by ;"
        )
    themes = _themes()
    skills = [check_slug(s, themes, f"{prefix}skill", "theme", THEMES_FILE) for s in skills]
    unavailable_text = raw.get("unavailable") or ""
    unavailable = (
        parse_unavailable(unavailable_text, f"{prefix}unavailable")
        if isinstance(unavailable_text, str)
        else list(unavailable_text)
    )
    return {
        "id": sme_id,
        "name": name,
        "role": (raw.get("role") or "").strip() or None,
        "unit": unit,
        "skills": sorted(set(skills), key=skills.index),
        "unavailable": unavailable,
    }


def parse_sme_file(path: Path) -> list[dict]:
    """Every SME in the file, or ImportFileError naming each bad row (nothing half-read)."""
    rows = read_rows(path, SME_COLUMNS)
    if not rows:
        raise ImportFileError(f"{path} has no SME rows under its header; nothing was imported.")
    return parse_rows(path, rows, lambda n, row: validate_sme(row, f"row {n}:"), "SME pool")


def import_smes(store, path: Path) -> dict:
    """Add or update (by id) every SME in the file, all or nothing."""
    from qam.store import smes as smes_db

    smes = parse_sme_file(path)
    added, updated = smes_db.upsert_smes(store, smes)
    return {"added": added, "updated": updated, "total": len(smes_db.sme_ids(store))}


def add_sme(store, raw: dict) -> dict:
    """Record one expression of interest; refuses an id already in the pool."""
    from qam.store import smes as smes_db

    try:
        sme = validate_sme(raw)
    except ValueError as err:
        raise RefusedError(f"{err}.") from None
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
