"""External inspection outcomes: published grades by force and area, and what they mean for us.

Grade sheets are read as they are published, through the import pipeline:

- long: one row a grade (force, area, grade, report, published); `--area NAME` names the
  area when the sheet has no area column;
- wide: one row a force and one column a question, pillar or area (how HMICFRS and newsrooms
  publish), every column holding grades read as an area named by its header.

"Not graded", "Not yet graded", "N/A", "-" and blank cells are skipped and counted, never
turned into a grade. Forces are named any way the gazetteer knows (`qam.forces`).

Which report is a force's latest: by date where the sheet gives one, else by the year the
report names ("PEEL 2018/19": 2019), so an undated row never loses to a dated older one.
Overall grade rule (for `summary`): PEEL has given no overall force grade since 2021/22, so a
force's overall grade is taken from its latest report: the row whose area is "Overall" if
there is one, else the grade given most often in that report, a tie going to the worse grade.
Erring low keeps the planner looking where improvement is most likely to be needed.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from qam.errors import ImportFileError
from qam.imports import values as cells
from qam.imports.headers import Field
from qam.imports.pipeline import ImportOptions, Reading, Receipt, Row, writing
from qam.imports.problems import CellProblem
from qam.vocabulary import GRADES, UNGRADED, fold

NEEDS_IMPROVEMENT = ("requires_improvement", "inadequate")
BELOW_GOOD = ("adequate", "requires_improvement", "inadequate")
_NAMESPACE = uuid.UUID("5a1e2f0c-7d3b-4c1e-9f4a-0b6a1c2d3e4f")
_UNGRADED = {fold(u) for u in UNGRADED}
_SKIPPED = "ungraded cells (Not graded, N/A, - or blank)"
_YEAR = re.compile(r"\b((?:19|20)\d{2})(?:\s*[/\-–]\s*(\d{4}|\d{2}))?\b")

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
    key = " ".join(re.sub(r"[^0-9a-z]+", " ", area.lower()).split())
    return next((slug for words, slug in AREA_THEMES if words in key), None)


def report_year(title: str | None) -> int | None:
    """The year a report's title names: 'PEEL 2018/19' -> 2019, 'PEEL 2023–25' -> 2025."""
    match = _YEAR.search(title or "")
    if not match:
        return None
    first, end = int(match[1]), match[2]
    if not end:
        return first
    later = int(end) if len(end) == 4 else first // 100 * 100 + int(end)
    return later if first <= later <= first + 5 else first


def report_order(row: dict) -> tuple:
    """How a force's reports are ordered, latest last: by the year the report names (or its
    date's year), then its date, then its title."""
    published = row.get("published") or ""
    year = report_year(row.get("report_title")) or (int(published[:4]) if published else 0)
    return (year, published, row.get("report_title") or "")


# ---- reading a grade sheet -------------------------------------------------------------


def _grade_reader(value_map: dict[str, str]):
    """A grade cell -> a grade slug, None for an ungraded cell; CellProblem otherwise."""
    choice = cells.Choice("grade", GRADES)
    for key, canonical in value_map.items():
        if key in _UNGRADED:
            raise ImportFileError(
                f"--value maps '{key or 'an empty cell'}' to '{canonical}', but it says the area "
                "was not graded; QAM never turns an ungraded cell into a grade."
            )
    mapped = {key: choice(canonical) for key, canonical in value_map.items()}

    def grade(value: object) -> str | None:
        key = fold(value)
        if key in _UNGRADED:
            return None
        if key in mapped:
            return mapped[key]
        slug = choice.find(value)
        if slug:
            return slug
        raise CellProblem(
            "unknown grade",
            'map each with --value "grade:{raw}=<grade>" if it is one of '
            f"{', '.join(GRADES)}; a cell saying the area was not graded is skipped",
        )

    return grade


def fields(home_force: str | None) -> list[Field]:
    """The long sheet's fields (a wide sheet uses force, report, published and year)."""
    return [
        Field(
            "force",
            cells.force(home_force),
            ("force name", "police force", "forces"),
            column_required=True,
            required=True,
            cache=True,
        ),
        Field(
            "area",
            cells.one_line,
            (
                "question",
                "core question",
                "peel area",
                "area or question",
                "question area",
                "pillar",
                "theme",
            ),
            cache=True,
        ),
        Field(
            "grade",
            cells.text,
            ("judgement", "judgment", "rating", "outcome", "graded"),
            cache=True,
        ),
        Field("report", cells.one_line, ("report title", "report name", "inspection"), cache=True),
        Field(
            "published",
            cells.a_date,
            ("date published", "report date", "publication date", "date"),
            cache=True,
        ),
        Field("year", cells.one_line, ("peel year", "cycle", "inspection year"), cache=True),
    ]


def _report(row: Row) -> str | None:
    title, year = row.get("report"), row.get("year")
    if year and not title:
        return str(year)
    if year and title and report_year(title) is None:
        return f"{title} ({year})"
    return title


def _outcome(force, area, grade, report, published, source) -> dict:
    key = (force, fold(area), report, published)
    digest = hashlib.sha256("|".join(str(k) for k in key).encode()).hexdigest()
    return {
        "id": str(uuid.uuid5(_NAMESPACE, digest)),
        "force": force,
        "area": area,
        "grade": grade,
        "report_title": report,
        "published": published,
        "source_file": source,
    }


class _Sheet:
    """Collects a sheet's grades, long or wide, checking each grade cell."""

    def __init__(self, reading: Reading, area: str | None):
        self.reading = reading
        self.area = area
        self.grade = _grade_reader(reading.value_map.for_field("grade"))
        self.outcomes: list[dict] = []
        self.seen: dict[tuple, int] = {}
        self.wide: dict[str, list[tuple[Row, str]]] = {}  # header -> (row, cell text)

    def long_row(self, row: Row) -> None:
        area = row.get("area") or self.area
        if not area:
            self.reading.problem(
                "empty area",
                row,
                column=self.reading.header("area"),
                fix="give every row the question or area graded (or --area NAME for them all)",
            )
            return
        self._grade(row, area, row.get("grade"), self.reading.header("grade"))

    def wide_row(self, row: Row) -> None:
        for header, text in row.extra.items():
            self.wide.setdefault(header, []).append((row, text))

    def _grade(self, row: Row, area: str, text: str | None, column: str | None) -> None:
        try:
            grade = self.grade(text) if text else None
        except CellProblem as err:
            self.reading.problems.cell(err, raw=text, row=row.number, column=column)
            return
        if grade is None:
            self.reading.skip(_SKIPPED)
            return
        if not row.ok or "force" not in row.values:
            return
        report, published = _report(row), row.get("published")
        key = (row.values["force"], fold(area), report, published)
        if key in self.seen:
            self.reading.problem(
                "grade given twice",
                row,
                column=column,
                raw=f"{row.values['force']}: {area}",
                plural="grades given twice",
                note=f"also row {self.seen[key]}",
                fix="remove the repeated row",
            )
            return
        self.seen[key] = row.number
        self.outcomes.append(
            _outcome(row.values["force"], area, grade, report, published, self.reading.source)
        )

    def finish_wide(self, rows: list[Row]) -> list[str]:
        """Every column holding at least one grade is an area; the others are not grades."""
        areas, others = [], []
        for header, column in self.wide.items():
            if any(self._is_grade(text) for _, text in column):
                areas.append(header)
                graded = {row.number for row, _ in column}
                for row, text in column:
                    self._grade(row, header, text, header)
                for row in rows:  # a blank cell in an area column: not graded
                    if row.number not in graded:
                        self.reading.skip(_SKIPPED)
            else:
                others.append(header)
        return areas if areas else self._no_grades(others)

    def _is_grade(self, text: str) -> bool:
        try:
            return self.grade(text) is not None
        except CellProblem:
            return False

    def _no_grades(self, others: list[str]) -> list[str]:
        self.reading.problem(
            "sheet with no grades",
            None,
            raw=", ".join(others) or "(no other columns)",
            plural="sheets with no grades",
            fix='give it a grade column (--map "Header=grade") with an area column or '
            "--area NAME, or one column of grades a question or area",
        )
        return []


def import_outcomes(
    store,
    path: Path | str,
    *,
    actor: str,
    options: ImportOptions | None = None,
    area: str | None = None,
    sheet=None,
    maps=(),
    values=(),
) -> Receipt:
    """Import a grade sheet, long or wide; all grades or none. Re-importing changes nothing."""
    from qam.store import outcomes as sql

    options = options or ImportOptions(sheet=sheet, maps=maps, values=values)
    reading = Reading(path, fields(store.setting("force_name")), options, keep_unmapped=True)
    sheet_ = _Sheet(reading, (area or "").strip() or None)
    long = reading.has("grade")
    if long and not reading.has("area") and not sheet_.area:
        reading.problem(
            "missing column",
            None,
            raw="area",
            fix='map the column naming the question or area with --map "Header=area", or '
            "give the one area every row grades with --area NAME",
        )
    rows = []
    for row in reading:
        if long:
            sheet_.long_row(row)
        else:
            sheet_.wide_row(row)
            rows.append(row)
    areas = sorted(sheet_.wide) if long else sheet_.finish_wide(rows)
    reading.finish(empty_what="grades")
    receipt = Receipt(source=reading.source, what="grades", dry_run=options.dry_run)
    receipt.from_reading(reading)
    receipt.unmapped_columns = [] if not long else receipt.unmapped_columns
    receipt.details = {
        "layout": "long" if long else "wide",
        "areas": [] if long else areas,
        "not_grades": [] if long else [h for h in sheet_.wide if h not in areas],
        "forces": sorted({o["force"] for o in sheet_.outcomes}),
    }
    existing = {o["id"]: o for o in sql.query_outcomes(store)}
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with writing(store, options.dry_run):
        for outcome in sheet_.outcomes:
            old = existing.get(outcome["id"])
            if old is None:
                receipt.added.append(f"{outcome['force']}: {outcome['area']}")
            elif old["grade"] != outcome["grade"]:
                receipt.changed.append(f"{outcome['force']}: {outcome['area']}")
            else:
                receipt.unchanged += 1
                continue
            if not options.dry_run:
                sql.upsert_outcome(store, {**outcome, "imported_at": now})
        if receipt.added or receipt.changed:
            _trail(store, actor, receipt, options.dry_run)
    return receipt


def _trail(store, actor: str, receipt: Receipt, dry_run: bool) -> None:
    from qam.store import audit

    if dry_run:
        return
    audit.append_event(
        store,
        actor=actor,
        entity="outcome_import",
        entity_id=receipt.source,
        action="import",
        new={"added": len(receipt.added), "changed": len(receipt.changed)},
        reason=f"qam outcomes import {receipt.source}",
    )


# ---- what the grades say -----------------------------------------------------------------


def list_outcomes(store, force: str | None = None, grade: str | None = None) -> list[dict]:
    from qam.store import outcomes as sql

    return sql.query_outcomes(store, force=force, grade=grade)


def _latest_report(rows: list[dict]) -> list[dict]:
    latest = max(report_order(r) for r in rows)
    return [r for r in rows if report_order(r) == latest]


def latest_reports(store) -> dict[str, list[dict]]:
    """Each force's rows from its latest report."""
    by_force: dict[str, list[dict]] = {}
    for row in list_outcomes(store):
        by_force.setdefault(row["force"], []).append(row)
    return {force: _latest_report(rows) for force, rows in sorted(by_force.items())}


def overall_grades(store) -> dict[str, str]:
    """Each force's overall grade by the rule in this module's docstring."""
    result = {}
    for force, report in latest_reports(store).items():
        overall = [
            r for r in report if fold(r["area"]) in ("overall", "overallgrade", "overalljudgement")
        ]
        if overall:
            result[force] = overall[0]["grade"]
            continue
        counts = Counter(r["grade"] for r in report)
        top = max(counts.values())
        result[force] = max((g for g, n in counts.items() if n == top), key=GRADES.index)
    return result


def summary(store) -> dict:
    """{"total", "by_grade", "below_good"}: forces by overall grade, and each force's areas
    graded below good at its latest report."""
    grades = overall_grades(store)
    counts = Counter(grades.values())
    below = [
        {"force": r["force"], "area": r["area"], "grade": r["grade"], "report": r["report_title"]}
        for rows in latest_reports(store).values()
        for r in rows
        if r["grade"] in BELOW_GOOD
    ]
    return {
        "total": len(grades),
        "by_grade": {g: counts[g] for g in GRADES if counts.get(g)},
        "below_good": below,
    }


def latest_by_area(store, force: str) -> list[dict]:
    """A force's latest grade for each area (by `report_order`); [] when it has none."""
    if not force:
        return []
    latest: dict[str, dict] = {}
    for row in list_outcomes(store, force=force):
        key = fold(row["area"])
        if key not in latest or report_order(row) >= report_order(latest[key]):
            latest[key] = row
    return list(latest.values())


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
    forces = [force] if force else sorted({r["force"] for r in list_outcomes(store)})
    latest = {(f, i): row for f in forces for i, row in enumerate(latest_by_area(store, f))}
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
