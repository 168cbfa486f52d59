"""`qam plan export`: invitations that arrive, spreadsheets with dates as dates and the reviews
that could not be staffed, files with the store's permissions."""

from __future__ import annotations

import csv
import json
import os
import stat
from datetime import date, datetime

import pytest

SOLVE = ("plan", "solve", "--start", "2026-12-01", "--time-limit", "5", "--json")
ORGANISER = "jane.smith@westshire.police.uk"


def solve(qam) -> dict:
    result = qam(*SOLVE)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def events(path) -> dict:
    from icalendar import Calendar

    cal = Calendar.from_ical(path.read_bytes())
    return {str(e["summary"]).split(":")[0].split()[-1]: e for e in cal.walk("VEVENT")}, cal


def attendees(event) -> list[str]:
    found = event.get("attendee") or []
    found = found if isinstance(found, list) else [found]
    return [str(a).removeprefix("mailto:") for a in found]


def test_no_organiser_publishes_a_schedule_and_says_how_to_set_one(loaded, qam, tmp_path):
    doc = solve(qam)
    ics = tmp_path / "programme.ics"
    result = qam("plan", "export", "--ics", str(ics))
    assert result.exit_code == 0, result.stderr
    assert "qam init --organiser" in result.stderr and result.stderr.startswith("Warning: ")
    by_review, cal = events(ics)
    assert str(cal["method"]) == "PUBLISH"
    assert sorted(by_review) == sorted(s["review"] for s in doc["scheduled"])
    for item in doc["scheduled"]:
        event = by_review[item["review"]]
        assert event.decoded("dtstart") == date.fromisoformat(item["start"])
        assert event.decoded("dtend") > date.fromisoformat(item["end"])
        assert "organizer" not in event and attendees(event) == []
    text = ics.read_text(encoding="utf-8")
    assert "example.invalid" not in text and "@" not in text.replace("@qam", "")


def test_an_organiser_and_no_emails_invites_nobody_and_names_the_smes(loaded, qam, tmp_path):
    assert qam("init", "--organiser", f"  {ORGANISER} ").exit_code == 0
    doc = solve(qam)
    ics = tmp_path / "programme.ics"
    result = qam("plan", "export", "--ics", str(ics))
    assert result.exit_code == 0, result.stderr
    by_review, cal = events(ics)
    assert str(cal["method"]) == "REQUEST"
    assert all(str(e["organizer"]) == f"mailto:{ORGANISER}" for e in by_review.values())
    assert all(attendees(e) == [] for e in by_review.values())
    team = {sid for s in doc["scheduled"] for sid in s["team"]}
    warning = next(line for line in result.stderr.splitlines() if "No email for" in line)
    assert f"{len(team)} SMEs" in warning
    assert all(f"({sid})" in warning for sid in team)


def test_attendees_are_the_smes_own_emails_and_nothing_is_made_up():
    from icalendar import Calendar

    from qam.planner.invitations import build

    reviews = [
        {
            "id": "R1",
            "title": "Custody",
            "theme": "custody",
            "unit": "Western BCU",
            "start": "2027-05-04",
            "end": "2027-05-06",
            "days": 3,
            "team": ["S1", "S2", "S3"],
            "methods": ["direct_observation"],
        }
    ]
    smes = {
        "S1": {
            "id": "S1",
            "name": "Owen Pritchard",
            "email": " owen.pritchard@westshire.police.uk",
        },
        "S2": {"id": "S2", "name": "Ian McAllister", "email": ""},
        "S3": {"id": "S3", "name": "Lucy Brennan", "email": "not an address"},
    }
    made = build(reviews, smes, store_id="store-1", organiser=ORGANISER, sent={})
    event = Calendar.from_ical(made.data).walk("VEVENT")[0]
    assert attendees(event) == ["owen.pritchard@westshire.police.uk"]
    assert "Direct observation" in str(event["description"])
    (warning,) = [w for w in made.warnings if "No email" in w]
    assert "Ian McAllister (S2)" in warning and "Lucy Brennan (S3)" in warning
    assert "Owen" not in warning


def test_a_replan_updates_the_same_meetings_with_a_higher_sequence(loaded, qam, tmp_path):
    assert qam("init", "--organiser", ORGANISER).exit_code == 0
    first = {s["review"]: s for s in solve(qam)["scheduled"]}
    ics = tmp_path / "programme.ics"
    assert qam("plan", "export", "--ics", str(ics)).exit_code == 0
    before, _ = events(ics)
    assert {int(e["sequence"]) for e in before.values()} == {0}
    assert qam("plan", "export", "--ics", str(ics)).exit_code == 0  # nothing changed
    again, _ = events(ics)
    assert {r: (str(e["uid"]), int(e["sequence"])) for r, e in again.items()} == {
        r: (str(e["uid"]), 0) for r, e in before.items()
    }

    moved = "R03"
    new_start = "2027-06-14"
    assert first[moved]["start"] != new_start
    assert qam("plan", "pin", moved, new_start).exit_code == 0
    second = {s["review"]: s for s in solve(qam)["scheduled"]}
    assert second[moved]["start"] == new_start
    assert qam("plan", "export", "--ics", str(ics)).exit_code == 0
    after, _ = events(ics)
    assert {r: str(e["uid"]) for r, e in after.items() if r in before} == {
        r: str(e["uid"]) for r, e in before.items() if r in after
    }
    for rid, event in after.items():
        changed = rid not in first or (
            (first[rid]["start"], first[rid]["end"], sorted(first[rid]["team"]))
            != (second[rid]["start"], second[rid]["end"], sorted(second[rid]["team"]))
        )
        assert int(event["sequence"]) == (1 if changed and rid in first else 0), rid
    assert int(after[moved]["sequence"]) == 1


def test_a_bad_organiser_is_refused_and_nothing_is_stored(qam, store):
    result = qam("init", "--organiser", "Jane Smith")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: --organiser 'Jane Smith' is not an email address")
    assert result.stderr.count("\n") == 1
    assert store.setting("organiser") is None
    assert qam("init", "--organiser", ORGANISER).exit_code == 0
    assert store.setting("organiser") == ORGANISER
    result = qam("plan", "export", "--ics", "x.ics", "--organiser", "jane@")
    assert result.exit_code == 1 and "not an email address" in result.stderr


def test_spreadsheets_hold_dates_as_dates_and_list_what_could_not_be_staffed(loaded, qam, tmp_path):
    from openpyxl import load_workbook

    doc = solve(qam)
    unstaffed = {u["review"]: u["reason"] for u in doc["unscheduled"]}
    assert unstaffed, "the example force leaves a review unstaffed"
    xlsx, csv_path = tmp_path / "programme.xlsx", tmp_path / "programme.csv"
    result = qam("plan", "export", "--xlsx", str(xlsx), "--csv", str(csv_path))
    assert result.exit_code == 0, result.stderr
    assert "1 review that could not be staffed" in result.stdout

    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["Timeline", "Teams", "Could not be staffed"]
    assert not [c for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]
    timeline = wb["Timeline"]
    header = [c.value for c in timeline[3]]
    assert header[:6] == ["Review", "Title", "Unit", "Start", "End", "Team"]
    first = doc["scheduled"][0]
    row = next(r for r in timeline.iter_rows(min_row=4) if r[0].value == first["review"])
    assert row[3].is_date and row[3].value == datetime.fromisoformat(first["start"])
    assert row[3].number_format == "DD/MM/YYYY"
    teams = wb["Teams"]
    assert all(r[1].is_date and r[2].is_date for r in teams.iter_rows(min_row=2))
    sheet = {r[0].value: r for r in wb["Could not be staffed"].iter_rows(min_row=2)}
    assert set(sheet) == set(unstaffed)
    for rid, reason in unstaffed.items():
        assert sheet[rid][5].value == reason
        assert sheet[rid][2].value == "Custody and detention"  # the theme's label, not a slug

    with open(csv_path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    scheduled = [r for r in rows if r["Start"]]
    assert [r["Review"] for r in scheduled] == [s["review"] for s in doc["scheduled"]]
    assert scheduled[0]["Start"] == first["start"]  # ISO dates in CSV
    assert {r["Review"]: r["Could not be staffed because"] for r in rows if not r["Start"]} == (
        unstaffed
    )
    assert all("_" not in r["Theme"] and "_" not in r["Methods"] for r in rows)


@pytest.mark.parametrize("store_mode", [0o600, 0o644])
def test_exports_get_the_stores_permissions(loaded, qam, tmp_path, db_path, store_mode):
    solve(qam)
    os.chmod(db_path, store_mode)
    files = {k: tmp_path / f"programme.{k}" for k in ("ics", "csv", "xlsx")}
    args = [a for k, p in files.items() for a in (f"--{k}", str(p))]
    assert qam("plan", "export", *args).exit_code == 0
    for path in files.values():
        assert stat.S_IMODE(os.stat(path).st_mode) == store_mode, path.name


def test_with_an_email_column_every_attendee_is_one_of_the_sheets_emails(qam, plans, tmp_path):
    """HR's sheet with an "E-mail address" column, some cells blank, some padded."""
    with open(plans / "sme.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    blank = {"SME04", "SME12"}  # on the teams the example force's plan makes
    emails = {
        r["id"]: f"{r['name'].lower().replace(' ', '.')}@westshire.police.uk"
        for r in rows
        if r["id"] not in blank
    }
    sheet = tmp_path / "hr-sheet.csv"
    with open(sheet, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, [*rows[0], "E-mail address"])
        writer.writeheader()
        for r in rows:
            writer.writerow({**r, "E-mail address": f"  {emails.get(r['id'], '')} "})
    assert qam("sme", "import", str(sheet)).exit_code == 0
    assert qam("plan", "candidates", "--from", str(plans), "--json").exit_code == 0
    assert qam("init", "--organiser", ORGANISER).exit_code == 0
    doc = solve(qam)
    ics = tmp_path / "programme.ics"
    result = qam("plan", "export", "--ics", str(ics))
    assert result.exit_code == 0, result.stderr
    by_review, cal = events(ics)
    assert str(cal["method"]) == "REQUEST"
    invited = {a for e in by_review.values() for a in attendees(e)}
    assert invited and invited <= set(emails.values())
    for item in doc["scheduled"]:
        wanted = sorted(emails[s] for s in item["team"] if s in emails)
        assert sorted(attendees(by_review[item["review"]])) == wanted
    on_teams = {s for item in doc["scheduled"] for s in item["team"]} & blank
    assert on_teams, "the test needs an SME with no email on a team"
    warning = next(line for line in result.stderr.splitlines() if "No email for" in line)
    assert all(f"({sid})" in warning for sid in on_teams)
    assert not any(f"({sid})" in warning for sid in emails)
