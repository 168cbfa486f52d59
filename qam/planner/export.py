"""The programme for calendars and spreadsheets: .ics, .csv and .xlsx, each written atomically
with the store's own permissions.

- .ics: invitations, one event a review (see `qam.planner.invitations`).
- .csv: a row a review, then a row for each review that could not be staffed, with the reason
  and what would fix it; dates ISO (2027-05-04), themes and methods in words; cells that a
  spreadsheet would run as a formula (= + - @) are prefixed with '.
- .xlsx: a timeline sheet (a row per review, a column per month, the months it runs in
  filled), a team sheet and a "Could not be staffed" sheet; dates are real date cells shown
  as 04/05/2027; every cell is a value, never a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from qam.errors import RefusedError
from qam.files import output_mode, write_atomic
from qam.files import spreadsheet_safe as safe_cell
from qam.markings import (
    OFFICIAL_SENSITIVE,
    csv_header,
    csv_row,
    default_path,
    mark_workbook,
    marking_of,
)
from qam.vocabulary import label, theme_label

DATE_FORMAT = "DD/MM/YYYY"  # UK day-first, as the force writes dates
HEADINGS = (
    "Review",
    "Title",
    "Theme",
    "Unit",
    "Start",
    "End",
    "Working days",
    "Team",
    "Methods",
    "Inspection",
    "Why",
    "Could not be staffed because",
    "What would fix it",
)


def _team(review: dict, smes: dict) -> list[dict]:
    return [smes.get(sid, {"id": sid, "name": sid}) for sid in review["team"]]


def _day(value) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _row(review: dict, smes: dict) -> list:
    """One scheduled review as the values under HEADINGS (dates as dates)."""
    return [
        review["id"],
        review["title"],
        theme_label(review["theme"]),
        review["unit"],
        _day(review["start"]),
        _day(review["end"]),
        review.get("days"),
        "; ".join(f"{p.get('name') or p['id']} ({p['id']})" for p in _team(review, smes)),
        "; ".join(label(m) for m in review.get("methods") or []),
        review.get("inspection") or "",
        review.get("why") or "",
        "",
        "",
    ]


def _unstaffed_row(u: dict) -> list:
    """One review that could not be staffed (`qam.planner.reasons.unscheduled`), under HEADINGS."""
    return [u["review"], u["title"], u["theme"], u["unit"], None, None, None, "", "", "", ""] + [
        u["reason"],
        u.get("fix") or "",
    ]


def _csv_cell(value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return safe_cell(value)


def csv_bytes(
    reviews: list[dict],
    smes: dict,
    unstaffed: Sequence[dict] = (),
    marking: str = OFFICIAL_SENSITIVE,
) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow(csv_header(list(HEADINGS)))
    for values in [_row(r, smes) for r in reviews] + [_unstaffed_row(u) for u in unstaffed]:
        writer.writerow(csv_row([_csv_cell(v) for v in values], marking))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def _months(reviews: list[dict]) -> list[tuple[int, int]]:
    first = min(date.fromisoformat(r["start"]) for r in reviews)
    last = max(date.fromisoformat(r["end"]) for r in reviews)
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _set(cell, value) -> None:
    """A value in a cell: text stays text (never a formula), a date is a date cell."""
    cell.value = value
    if isinstance(value, date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, str):
        cell.data_type = "s"  # a string that starts with = stays text, never a formula


def _headings(ws, row: int, headings, font) -> None:
    for col, heading in enumerate(headings, start=1):
        _set(ws.cell(row=row, column=col), heading)
        ws.cell(row=row, column=col).font = font


def _timeline(ws, reviews: list[dict], smes: dict, title: str, styles: dict) -> None:
    from openpyxl.styles import Alignment, Font

    from qam.planner.calendar import working_days_between

    months = _months(reviews) if reviews else []
    fixed = ["Review", "Title", "Unit", "Start", "End", "Team"]
    _set(ws.cell(row=1, column=1), title)
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    _headings(ws, 3, fixed + [date(y, m, 1).strftime("%b %Y") for y, m in months], styles["bold"])
    for row_no, review in enumerate(reviews, start=4):
        values = _row(review, smes)
        for col, index in enumerate((0, 1, 3, 4, 5, 7), start=1):
            _set(ws.cell(row=row_no, column=col), values[index] or "")
        first, last = _day(review["start"]), _day(review["end"])
        days = working_days_between(first, last) if first and last else []
        for offset, (y, m) in enumerate(months):
            n = sum(1 for d in days if (d.year, d.month) == (y, m))
            if n:
                cell = ws.cell(row=row_no, column=len(fixed) + 1 + offset)
                _set(cell, f"{n}d")
                cell.fill, cell.font = styles["fill"], styles["white"]
                cell.alignment = Alignment(horizontal="center")
    for letter, width in zip("ABCDEF", (8, 60, 24, 12, 12, 40), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "C4"


def _teams(ws, reviews: list[dict], smes: dict, styles: dict) -> None:
    _headings(ws, 1, ("Review", "Start", "End", "SME", "Name", "Role", "Unit"), styles["bold"])
    row_no = 2
    for review in reviews:
        for person in _team(review, smes):
            values = (
                review["id"],
                _day(review["start"]),
                _day(review["end"]),
                person["id"],
                person.get("name") or "",
                person.get("role") or "",
                person.get("unit") or "",
            )
            for col, value in enumerate(values, start=1):
                _set(ws.cell(row=row_no, column=col), value)
            row_no += 1
    for letter, width in zip("ABCDEFG", (8, 12, 12, 8, 24, 32, 24), strict=True):
        ws.column_dimensions[letter].width = width


def _unstaffed(ws, unstaffed: list[dict], styles: dict) -> None:
    from openpyxl.styles import Alignment

    headings = ("Review", "Title", "Theme", "Unit", "Priority", "Why", "What would fix it")
    _headings(ws, 1, headings, styles["bold"])
    for row_no, u in enumerate(unstaffed, start=2):
        values = (u["review"], u["title"], u["theme"], u["unit"], u.get("priority"))
        for col, value in enumerate(values + (u["reason"], u.get("fix") or ""), start=1):
            _set(ws.cell(row=row_no, column=col), value)
            ws.cell(row=row_no, column=col).alignment = Alignment(wrap_text=True, vertical="top")
    if not unstaffed:
        _set(ws.cell(row=2, column=1), "Every candidate review was staffed.")
    for letter, width in zip("ABCDEFG", (8, 40, 24, 20, 9, 60, 50), strict=True):
        ws.column_dimensions[letter].width = width


def xlsx_bytes(
    reviews: list[dict],
    smes: dict,
    unstaffed: Sequence[dict] = (),
    *,
    title: str = "Programme",
    marking: str = OFFICIAL_SENSITIVE,
) -> bytes:
    """A workbook a person reads as a timeline, plus the teams and what could not be staffed."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    styles = {
        "bold": Font(bold=True),
        "fill": PatternFill("solid", start_color="1F6FB2", end_color="1F6FB2"),
        "white": Font(bold=True, color="FFFFFF"),
    }
    wb = Workbook()
    wb.active.title = "Timeline"
    _timeline(wb.active, reviews, smes, title, styles)
    _teams(wb.create_sheet("Teams"), reviews, smes, styles)
    _unstaffed(wb.create_sheet("Could not be staffed"), list(unstaffed), styles)
    mark_workbook(wb, marking, title)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _calendar(store, reviews: list[dict], smes: dict, organiser: str | None, marking: str):
    """The invitations, and what the last export sent updated (one transaction)."""
    from qam.planner import invitations
    from qam.store import candidates as candidates_db
    from qam.store.settings import store_id

    organiser = organiser or store.setting(invitations.ORGANISER_SETTING)
    return invitations.build(
        reviews,
        smes,
        store_id=store_id(store),
        organiser=organiser,
        sent=invitations.load_sent(store),
        force_name=store.setting("force_name"),
        marking=marking,
        inspections={i["id"]: i["title"] for i in candidates_db.inspections(store)},
    )


def export(
    store,
    *,
    ics: Path | None = None,
    csv_path: Path | None = None,
    xlsx: Path | None = None,
    organiser: str | None = None,
    overwrite: bool = False,
) -> dict:
    """Write the accepted programme (else the latest proposal) to each file asked for (a
    folder given gets `programme-MARKING.ics` and so on).

    Returns {"from", "reviews", "unstaffed", "files", "method", "warnings", "marking"}."""
    from qam import themes
    from qam.planner.invitations import check_organiser, save_sent
    from qam.planner.programme import programme_or_proposal
    from qam.planner.reasons import unscheduled
    from qam.store import smes as smes_db

    if not (ics or csv_path or xlsx):
        raise RefusedError("Say what to write: --ics FILE, --csv FILE and/or --xlsx FILE.")
    if organiser is not None:
        organiser = check_organiser(organiser)
    themes.load(store)  # themes in the store's words in every file
    which, reviews = programme_or_proposal(store)
    if not reviews:
        raise RefusedError("The programme has no reviews to export; solve and accept a plan first.")
    smes = {s["id"]: s for s in smes_db.smes(store)}
    unstaffed = unscheduled(store)
    mode = output_mode(store.path)
    # The teams name people: a programme with any team is OFFICIAL-SENSITIVE.
    marking = marking_of(any(r["team"] for r in reviews))
    done: dict[str, Any] = {
        "from": which,
        "reviews": len(reviews),
        "unstaffed": len(unstaffed),
        "files": [],
    }
    done.update(method=None, warnings=[], marking=marking)

    def write(path: Path, suffix: str, data: bytes) -> None:
        target = default_path(path, "programme", marking, suffix)
        done["files"].append(str(write_atomic(target, data, mode=mode, overwrite=overwrite)))

    if ics:
        calendar = _calendar(store, reviews, smes, organiser, marking)
        write(ics, ".ics", calendar.data)
        save_sent(store, calendar.sent)
        done.update(method=calendar.method, warnings=calendar.warnings)
    if csv_path:
        write(csv_path, ".csv", csv_bytes(reviews, smes, unstaffed, marking))
    if xlsx:
        force = store.setting("force_name")
        label_ = f"{force or 'QA'} internal review programme ({which})"
        write(xlsx, ".xlsx", xlsx_bytes(reviews, smes, unstaffed, title=label_, marking=marking))
    return done
