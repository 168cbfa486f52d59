"""Action plans that move: immutable, dated updates; corrections; reminders; sync."""

from __future__ import annotations

import json
import sqlite3

import pytest
from register_helpers import HEADERS, row, write_csv


@pytest.fixture
def register(home, tmp_path):
    headers = [*HEADERS, "Action Lead", "Action Lead Email"]
    rows = [
        [*row("REC-1"), "Ch Supt, Head of Custody", "head.custody@westshire.police.uk"],
        [*row("AFI-2", "Awaiting review"), "Supt, Contact Management", ""],
        [*row("DONE-3", "Complete"), "Det Supt, Public Protection", ""],
    ]
    assert home("recs", "import", str(write_csv(tmp_path / "t.csv", headers, rows))).exit_code == 0
    return home


def _show(qam, ref):
    return json.loads(qam("recs", "show", ref, "--json").stdout)


def test_updates_show_newest_first_and_a_correction_shows_beside_what_it_corrects(register):
    qam = register
    first = qam(
        "recs",
        "update",
        "REC-1",
        "--progress",
        "Checklist drafted",
        "--rag",
        "Amber",
        "--evidence",
        "Draft v0.3",
        "--checkpoint",
        "15/01/2027",
        "--json",
    )
    assert first.exit_code == 0, first.stderr
    first_id = json.loads(first.stdout)["id"]
    assert (
        qam(
            "--as",
            "insp.jones",
            "recs",
            "update",
            "REC-1",
            "--progress",
            "Checklist live in 2 of 3 suites",
            "--rag",
            "green",
        ).exit_code
        == 0
    )
    fixed = qam(
        "recs",
        "update",
        "REC-1",
        "--progress",
        "Checklist drafted and consulted on",
        "--rag",
        "amber",
        "--corrects",
        first_id,
        "--reason",
        "Consultation was left out",
    )
    assert fixed.exit_code == 0, fixed.stderr
    shown = _show(qam, "REC-1")["updates"]
    assert [u["progress"] for u in shown] == [
        "Checklist drafted and consulted on",
        "Checklist live in 2 of 3 suites",
        "Checklist drafted",
    ]
    assert shown[0]["corrects"] == first_id and shown[0]["reason"] == "Consultation was left out"
    assert shown[1]["actor"] == "insp.jones" and shown[1]["rag"] == "green"
    assert shown[2] | {"id": None, "recorded_at": None} == {
        "id": None,
        "item_ref": "REC-1",
        "progress": "Checklist drafted",
        "rag": "amber",
        "evidence": "Draft v0.3",
        "checkpoint": "2027-01-15",
        "corrects": None,
        "reason": None,
        "actor": "test.reviewer",
        "recorded_at": None,
    }
    text = qam("recs", "show", "REC-1").stdout
    assert text.index("Checklist drafted and consulted on") < text.index("Checklist live")
    assert f"Corrects {first_id}: Consultation was left out" in text


def test_an_update_cannot_be_edited_or_deleted_even_in_sql(register, db_path):
    qam = register
    assert qam("recs", "update", "REC-1", "--progress", "Checklist drafted").exit_code == 0
    raw = sqlite3.connect(db_path)
    for sql in ("UPDATE action_update SET progress = 'Done'", "DELETE FROM action_update"):
        with pytest.raises(sqlite3.IntegrityError, match="never changed"):
            raw.execute(sql)
    raw.close()
    assert [u["progress"] for u in _show(qam, "REC-1")["updates"]] == ["Checklist drafted"]


def test_bad_updates_are_refused_with_one_line_and_nothing_is_written(register):
    qam = register
    cases = [
        (("NOPE-9", "--progress", "x"), "NOPE-9"),
        (("REC-1", "--progress", "x", "--rag", "purple"), "--rag"),
        (("REC-1", "--progress", "  "), "--progress"),
        (("REC-1", "--progress", "x", "--checkpoint", "31/02/2027"), "--checkpoint"),
        (("REC-1", "--progress", "x", "--corrects", "no-such-id", "--reason", "r"), "no-such-id"),
    ]
    for args, named in cases:
        result = qam("recs", "update", *args)
        assert result.exit_code == 1, args
        assert result.stderr.count("Error:") == 1 and named in result.stderr, result.stderr
    ok = json.loads(qam("recs", "update", "REC-1", "--progress", "x", "--json").stdout)
    no_reason = qam("recs", "update", "REC-1", "--progress", "y", "--corrects", ok["id"])
    assert no_reason.exit_code == 1 and "--reason" in no_reason.stderr
    # another item's update cannot be corrected from here
    other = qam(
        "recs", "update", "AFI-2", "--progress", "z", "--corrects", ok["id"], "--reason", "r"
    )
    assert other.exit_code == 1
    assert [u["id"] for u in _show(qam, "REC-1")["updates"]] == [ok["id"]]
    assert _show(qam, "AFI-2")["updates"] == []


def test_each_update_is_in_the_trail_by_fingerprint_and_the_trail_verifies(register):
    qam = register
    assert qam("recs", "update", "REC-1", "--progress", "Sgt Smith trained the team").exit_code == 0
    log = json.loads(qam("audit", "log", "--json").stdout)
    (event,) = [e for e in log if e["entity"] == "action_update"]
    assert event["action"] == "update" and event["actor"] == "test.reviewer"
    assert "Smith" not in json.dumps(event)  # words about people stay out of the trail
    assert qam("audit", "verify").exit_code == 0


def test_reminders_reopen_in_icalendar_with_the_leads_email(register, tmp_path, monkeypatch):
    from icalendar import Calendar

    qam = register
    monkeypatch.setenv("QAM_TODAY", "2026-12-01")
    assert (
        qam("recs", "update", "REC-1", "--progress", "Live", "--checkpoint", "15/01/2027").exit_code
        == 0
    )
    path = tmp_path / "plans.ics"
    result = qam("recs", "reminders", "--ics", str(path))
    assert result.exit_code == 0, result.stderr
    cal = Calendar.from_ical(path.read_bytes())
    events = {str(e["uid"]): e for e in cal.walk("VEVENT")}
    by_kind = {
        (uid.split("-update-")[0] if "-update-" in uid else uid): e for uid, e in events.items()
    }
    assert len(events) == 3  # REC-1's update and check-point, AFI-2's update; DONE-3 is closed
    checkpoint = next(e for uid, e in events.items() if "checkpoint" in uid)
    assert checkpoint.decoded("dtstart").isoformat() == "2027-01-15"
    assert str(checkpoint["attendee"]) == "mailto:head.custody@westshire.police.uk"
    assert "Check-point" in str(checkpoint["summary"]) and "REC-1" in str(checkpoint["summary"])
    afi = by_kind["AFI-2"]
    assert "attendee" not in afi
    assert afi.decoded("dtstart").isoformat() >= "2026-12-01"
    assert "1 items have no email" in result.stdout or "no email" in result.stdout


def test_updates_travel_in_a_bundle_and_importing_twice_changes_nothing(register, tmp_path):
    qam = register
    first = json.loads(qam("recs", "update", "REC-1", "--progress", "A", "--json").stdout)
    assert (
        qam(
            "recs",
            "update",
            "REC-1",
            "--progress",
            "B",
            "--corrects",
            first["id"],
            "--reason",
            "typo",
        ).exit_code
        == 0
    )
    bundle = tmp_path / "b.qam-bundle"
    assert qam("sync", "export", str(bundle)).exit_code == 0
    laptop = tmp_path / "laptop.db"
    for _ in range(2):
        result = qam("--db", str(laptop), "sync", "import", str(bundle))
        assert result.exit_code == 0, result.stderr
    there = json.loads(qam("--db", str(laptop), "recs", "show", "REC-1", "--json").stdout)
    assert there["updates"] == _show(qam, "REC-1")["updates"]
    assert len(there["updates"]) == 2


def test_the_register_report_shows_each_plan_with_its_updates_newest_first(register, tmp_path):
    import re

    qam = register
    first = json.loads(
        qam("recs", "update", "REC-1", "--progress", "First <b>step</b>", "--json").stdout
    )
    assert (
        qam("recs", "update", "REC-1", "--progress", "Second step", "--rag", "red").exit_code == 0
    )
    assert (
        qam(
            "recs",
            "update",
            "REC-1",
            "--progress",
            "First step, put right",
            "--corrects",
            first["id"],
            "--reason",
            "Wrong suite named",
        ).exit_code
        == 0
    )
    assert qam("report", "register", "--out", str(tmp_path / "out")).exit_code == 0
    html = next((tmp_path / "out").glob("register-stakeholder*.html")).read_text()
    plans = html[
        html.index("Action plans of the outstanding items") : html.index("Recent decisions")
    ]
    rec = plans[plans.index(">REC-1<") :]
    rec = rec[: rec.index("</article>")]
    order = [rec.index(w) for w in ("First step, put right", "Second step", "First &lt;b&gt;step")]
    assert order == sorted(order)  # newest first, the words escaped
    assert "Wrong suite named" in rec and 'class="rag rag-red"' in rec
    assert ">AFI-2<" in plans and ">DONE-3<" not in plans  # outstanding items only
    sources = html[html.index("Every source of learning") :]
    assert re.search(r"<td>HMICFRS</td><td class=\"num\">3</td><td class=\"num\">2</td>", sources)
