"""`qam plan solve / accept / export / pin / exclude` as the Head of Corporate Development runs them."""

from __future__ import annotations

import json
import re
from datetime import date

from qam.planner.calendar import financial_year, working_days_between
from qam.planner.checker import check

SOLVE = ("plan", "solve", "--start", "2026-12-01", "--time-limit", "5", "--json")


def solve(qam):
    result = qam(*SOLVE)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_solve_json_has_the_design_shape_and_keeps_every_rule(loaded, qam, store):
    from qam.store import candidates as candidates_db
    from qam.store import smes as smes_db

    doc = solve(qam)
    assert set(doc) == {"scheduled", "unscheduled", "priority", "bound", "gap", "optimal"}
    assert all(set(s) == {"review", "start", "end", "team"} for s in doc["scheduled"])
    assert all(set(u) == {"review", "reason", "fix"} for u in doc["unscheduled"])
    assert doc["priority"] <= doc["bound"] and 0 <= doc["gap"] < 0.05
    assert [u["review"] for u in doc["unscheduled"]] == ["R04"]
    assert (
        "only two volunteers hold Custody and detention outside Western BCU"
        in doc["unscheduled"][0]["reason"]
    )
    assert (
        check(
            doc,
            smes_db.smes(store),
            candidates_db.candidates(store),
            start=date(2026, 12, 1),
            end=date(2028, 6, 1),
        )
        == []
    )
    assert solve(qam) == doc  # deterministic


def test_accept_writes_the_programme_with_an_audit_event_per_review(loaded, qam, store):
    from qam.store import programme as programme_db
    from qam.store.audit import events

    doc = solve(qam)
    result = qam("plan", "accept")
    assert result.exit_code == 0 and "16 reviews are the programme" in result.stdout
    reviews = programme_db.reviews(store)
    assert {r["id"] for r in reviews} == {s["review"] for s in doc["scheduled"]}
    r01 = next(r for r in reviews if r["id"] == "R01")
    assert (
        r01["question_set"] == "paf-2023"
        and r01["status"] == "planned"
        and r01["methods"][0] == "interview"
    )
    planned = events(store, entity="review")
    assert len(planned) == 16 and {e["action"] for e in planned} == {"planned"}
    assert all(e["actor"] == "test.reviewer" for e in planned)
    used = {s["id"]: s for s in json.loads(qam("sme", "list", "--json").stdout)}
    sme_id = next(s for s in doc["scheduled"] if s["review"] == "R03")["team"][0]
    days = [
        d
        for s in doc["scheduled"]
        if sme_id in s["team"]
        for d in working_days_between(date.fromisoformat(s["start"]), date.fromisoformat(s["end"]))
        if financial_year(d) == 2027
    ]
    assert len(days) >= 5  # R03 alone is five days in 2027/28
    expected = {"year": "2027/28", "used": len(days), "left": 10 - len(days)}
    assert expected in used[sme_id]["abstraction"]


def test_pin_and_exclude_steer_the_next_solve(loaded, qam):
    one = qam("plan", "pin", "R03", "14/06/2027")
    assert one.exit_code == 0 and "pinned to start on Monday 14 June 2027" in one.stdout
    assert qam("plan", "exclude", "SME12").exit_code == 0
    doc = solve(qam)
    r03 = next(s for s in doc["scheduled"] if s["review"] == "R03")
    assert r03["start"] == "2027-06-14" and "SME12" not in r03["team"]
    assert all("SME12" not in s["team"] for s in doc["scheduled"])


def test_exclude_for_some_dates_keeps_an_sme_off_those_days_only(loaded, qam, store):
    """An inspector on a course: out from the first to the last day, in the pool otherwise;
    the solver and the independent checker both read it as days they are unavailable."""
    from qam.store import candidates as candidates_db
    from qam.store import smes as smes_db

    before = solve(qam)
    busy = before["scheduled"][0]
    sme_id = busy["team"][0]
    first, last = date.fromisoformat(busy["start"]), date.fromisoformat(busy["end"])
    course = qam(
        "plan", "exclude", sme_id, "--from", f"{first:%d/%m/%Y}", "--to", f"{last:%d/%m/%Y}"
    )
    assert course.exit_code == 0, course.stderr
    assert f"{sme_id} is excluded for" in course.stdout
    assert not re.search(r"\d{4}-\d\d-\d\d", course.stdout)  # dates in words, not ISO
    shown = qam("plan", "show")
    assert f"({sme_id}) for {first.day}" in " ".join(shown.stdout.split())
    after = solve(qam)
    rows = (smes_db.smes(store), candidates_db.candidates(store))
    horizon = {"start": date(2026, 12, 1), "end": date(2028, 6, 1)}
    period = [(sme_id, first.isoformat(), last.isoformat())]
    assert check(after, *rows, **horizon, exclusion_periods=period) == []
    assert any(
        "unavailable" in b for b in check(before, *rows, **horizon, exclusion_periods=period)
    )
    for s in after["scheduled"]:
        if sme_id in s["team"]:
            assert s["end"] < first.isoformat() or s["start"] > last.isoformat()
    assert any(sme_id in s["team"] for s in after["scheduled"])  # still used on other days
    undo = ("plan", "exclude", sme_id, "--from", first.isoformat(), "--to", last.isoformat())
    assert qam(*undo, "--undo").exit_code == 0
    again = qam(*undo, "--undo")
    assert again.exit_code == 1 and "was not excluded for" in again.stderr
    backwards = qam("plan", "exclude", sme_id, "--from", "12/03/2027", "--to", "01/03/2027")
    assert backwards.exit_code == 1 and "before --from" in backwards.stderr
    bad = qam("plan", "exclude", sme_id, "--from", "31/02/2027")
    assert bad.exit_code == 1 and "--from" in bad.stderr and "not a real date" in bad.stderr


def test_bad_pins_and_unknown_ids_are_refused(loaded, qam):
    for args, needle in (
        (("R03", "2027-06-12"), "not a working day"),
        (("R03", "2026-01-05"), "outside R03's window"),
        (("R99", "2027-06-14"), "No candidate review R99"),
    ):
        result = qam("plan", "pin", *args)
        assert result.exit_code == 1 and needle in result.stderr
    result = qam("plan", "exclude", "SME99")
    assert result.exit_code == 1 and "No SME SME99" in result.stderr


def test_solve_without_a_pool_says_what_to_import(qam):
    assert qam("init").exit_code == 0
    result = qam(*SOLVE)
    assert result.exit_code == 1 and "qam sme import" in result.stderr


def test_plan_without_a_terminal_prints_help(qam):
    result = qam("plan")
    assert result.exit_code == 0 and "pin" in result.stdout and "accept" in result.stdout


def test_csv_and_xlsx_cells_never_run_as_formulas():
    from io import BytesIO

    from openpyxl import load_workbook

    from qam.planner.export import csv_bytes, xlsx_bytes

    review = {
        "id": "R1",
        "title": '=HYPERLINK("http://x")',
        "theme": "custody",
        "unit": "+Unit",
        "start": "2027-01-04",
        "end": "2027-01-05",
        "days": 2,
        "team": ["S1"],
        "methods": [],
        "why": "@why",
    }
    smes = {"S1": {"id": "S1", "name": "-Jo", "role": None, "unit": "X"}}
    text = csv_bytes([review], smes).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+Unit" in text and "'@why" in text
    wb = load_workbook(BytesIO(xlsx_bytes([review], smes)))
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value]
    assert not [c for c in cells if c.data_type == "f"]
    assert any(c.value == '=HYPERLINK("http://x")' for c in cells)


def test_export_before_any_solve_says_what_to_do(qam, tmp_path):
    assert qam("init").exit_code == 0
    result = qam("plan", "export", "--ics", str(tmp_path / "p.ics"))
    assert result.exit_code == 1 and "qam plan solve" in result.stderr
    assert not (tmp_path / "p.ics").exists()
