"""The programme for calendars and spreadsheets: .ics, .csv and .xlsx, each written atomically.

- .ics: one all-day event per review (DTEND is the day after the last day, as iCalendar
  wants), a UID that stays the same for a review so re-importing updates rather than
  duplicates, the team as attendees and Corporate Development as organiser. SMEs have no
  e-mail in the pool, so addresses come from a pattern (`{id}@example.invalid` unless the
  force gives its own, e.g. `{id}@westshire.police.uk`).
- .csv: cells that a spreadsheet would run as a formula (= + - @) are prefixed with '.
- .xlsx: a timeline sheet (a row per review, a column per month, the months it runs in
  filled) and a team sheet; every cell is a value, never a formula.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from qam.errors import RefusedError
from qam.files import spreadsheet_safe as safe_cell
from qam.files import write_atomic

DEFAULT_EMAIL_PATTERN = "{id}@example.invalid"
ORGANISER = ("Corporate Development", "corporate.development@example.invalid")
UID_DOMAIN = "qam.example.invalid"


def email_for(sme_id: str, pattern: str) -> str:
    if "{id}" not in pattern or "@" not in pattern:
        raise RefusedError(
            f"--email-pattern '{pattern}' needs {{id}} and an @, e.g. {{id}}@westshire.police.uk."
        )
    return pattern.replace("{id}", sme_id.lower())


def _themes() -> dict[str, str]:
    from qam.question_sets import themes

    return themes()


def _team(review: dict, smes: dict) -> list[dict]:
    return [smes.get(sid, {"id": sid, "name": sid}) for sid in review["team"]]


def ics_bytes(
    reviews: list[dict],
    smes: dict,
    *,
    email_pattern: str = DEFAULT_EMAIL_PATTERN,
    force_name: str | None = None,
) -> bytes:
    """An iCalendar file with an event for each review."""
    from icalendar import Calendar, Event, vCalAddress, vText

    cal = Calendar()
    cal.add("prodid", "-//QAM//Quality Assurance programme//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{force_name or 'QA'} internal review programme")
    stamp = datetime.now(UTC).replace(microsecond=0)
    themes = _themes()
    for review in reviews:
        team = _team(review, smes)
        event = Event()
        event.add("uid", f"qam-review-{review['id']}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", date.fromisoformat(review["start"]))
        event.add("dtend", date.fromisoformat(review["end"]) + timedelta(days=1))
        event.add("summary", f"QA review {review['id']}: {review['title']}")
        event.add("location", review["unit"])
        lines = [
            f"Internal QA review of {themes.get(review['theme'], review['theme'])} in {review['unit']}.",
            f"{review['days']} working days from {review['start']} to {review['end']} (weekdays, not bank holidays).",
            "Team: " + ", ".join(f"{p['name']} ({p['id']})" for p in team),
            "Methods: " + ", ".join(m.replace("_", " ") for m in review.get("methods") or []),
        ]
        if review.get("inspection"):
            lines.append(f"Prepares for inspection {review['inspection']}.")
        event.add("description", "\n".join(lines))
        organiser = vCalAddress(f"mailto:{ORGANISER[1]}")
        organiser.params["cn"] = vText(ORGANISER[0])
        event["organizer"] = organiser
        for person in team:
            attendee = vCalAddress(f"mailto:{email_for(person['id'], email_pattern)}")
            attendee.params["cn"] = vText(person["name"])
            attendee.params["role"] = vText("REQ-PARTICIPANT")
            event.add("attendee", attendee, encode=0)
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    return cal.to_ical()


_COLUMNS = (
    "id",
    "title",
    "theme",
    "unit",
    "start",
    "end",
    "days",
    "team",
    "methods",
    "inspection",
    "why",
)


def _flat(review: dict, smes: dict) -> dict:
    return {
        **review,
        "team": "; ".join(f"{p['name']} ({p['id']})" for p in _team(review, smes)),
        "methods": "; ".join(review.get("methods") or []),
    }


def csv_bytes(reviews: list[dict], smes: dict) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow(_COLUMNS)
    for review in reviews:
        flat = _flat(review, smes)
        writer.writerow([safe_cell(flat.get(c)) for c in _COLUMNS])
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
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # a string that starts with = stays text, never a formula


def xlsx_bytes(reviews: list[dict], smes: dict, *, title: str = "Programme") -> bytes:
    """A workbook a person reads as a timeline, plus the teams."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from qam.planner.calendar import working_days_between

    wb = Workbook()
    ws = wb.active
    ws.title = "Timeline"
    bold, fill = Font(bold=True), PatternFill("solid", start_color="1F6FB2", end_color="1F6FB2")
    white = Font(bold=True, color="FFFFFF")
    months = _months(reviews) if reviews else []
    fixed = ["Review", "Title", "Unit", "Start", "End", "Team"]
    _set(ws.cell(row=1, column=1), title)
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    for col, heading in enumerate(
        fixed + [date(y, m, 1).strftime("%b %Y") for y, m in months], start=1
    ):
        _set(ws.cell(row=3, column=col), heading)
        ws.cell(row=3, column=col).font = bold
    for row_no, review in enumerate(reviews, start=4):
        flat = _flat(review, smes)
        for col, key in enumerate(("id", "title", "unit", "start", "end", "team"), start=1):
            _set(ws.cell(row=row_no, column=col), str(flat.get(key) or ""))
        days = working_days_between(
            date.fromisoformat(review["start"]), date.fromisoformat(review["end"])
        )
        for offset, (y, m) in enumerate(months):
            n = sum(1 for d in days if (d.year, d.month) == (y, m))
            if n:
                cell = ws.cell(row=row_no, column=len(fixed) + 1 + offset)
                _set(cell, f"{n}d")
                cell.fill, cell.font = fill, white
                cell.alignment = Alignment(horizontal="center")
    for col, width in zip("ABCDEF", (8, 60, 24, 11, 11, 40), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "C4"
    team_ws = wb.create_sheet("Teams")
    for col, heading in enumerate(
        ("Review", "Start", "End", "SME", "Name", "Role", "Unit"), start=1
    ):
        _set(team_ws.cell(row=1, column=col), heading)
        team_ws.cell(row=1, column=col).font = bold
    row_no = 2
    for review in reviews:
        for person in _team(review, smes):
            values = (
                review["id"],
                review["start"],
                review["end"],
                person["id"],
                person.get("name"),
                person.get("role") or "",
                person.get("unit") or "",
            )
            for col, value in enumerate(values, start=1):
                _set(team_ws.cell(row=row_no, column=col), str(value or ""))
            row_no += 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def export(
    store,
    *,
    ics: Path | None = None,
    csv_path: Path | None = None,
    xlsx: Path | None = None,
    email_pattern: str = DEFAULT_EMAIL_PATTERN,
) -> dict:
    """Write the accepted programme (else the latest proposal) to each file asked for."""
    from qam.planner.programme import programme_or_proposal
    from qam.store import smes as smes_db

    if not (ics or csv_path or xlsx):
        raise RefusedError("Say what to write: --ics FILE, --csv FILE and/or --xlsx FILE.")
    which, reviews = programme_or_proposal(store)
    if not reviews:
        raise RefusedError("The programme has no reviews to export; solve and accept a plan first.")
    smes = {s["id"]: s for s in smes_db.smes(store)}
    force = store.setting("force_name")
    written = []
    if ics:
        written.append(
            str(
                write_atomic(
                    ics, ics_bytes(reviews, smes, email_pattern=email_pattern, force_name=force)
                )
            )
        )
    if csv_path:
        written.append(str(write_atomic(csv_path, csv_bytes(reviews, smes))))
    if xlsx:
        label = f"{force or 'QA'} internal review programme ({which})"
        written.append(str(write_atomic(xlsx, xlsx_bytes(reviews, smes, title=label))))
    return {"from": which, "reviews": len(reviews), "files": written}
