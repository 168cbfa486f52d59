"""Retention (RELIABILITY 13, case 34): an injected clock moves past the retention date.

The dry run lists exactly the expired reviews' records and writes nothing; the real run
blanks exactly those in one transaction with one chained purge event holding no text; the
purged words are gone from the .db and -wal bytes; an old laptop bundle cannot bring them back.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date

import pytest
import typer
from fw_helpers import make_programme, trust_bundle
from typer.testing import CliRunner

from qam import trail
from qam.cli._common import QamGroup
from qam.errors import RefusedError, StoreError
from qam.fieldwork import retention
from qam.fieldwork.findings import correct, list_findings, record_answer
from qam.fieldwork.sessions import finalise, open_session
from qam.planner.reviews import add_review
from qam.store import Store, audit
from qam.store import retention as rdb
from qam.sync.export import export_bundle
from qam.sync.merge import import_bundle

TODAY = date(2025, 4, 1)
CANARY = "Quorvexbalt"  # a made-up surname: must not survive a purge anywhere in the file


def _add_old_reviews(store) -> None:
    """R-OLD ended 7 years + a day before TODAY (due); R-EDGE ended exactly 6 years before (not)."""
    add_review(
        store,
        review_id="R-OLD",
        title="Old custody review",
        theme="custody",
        unit="Western BCU",
        start="2019-03-01",
        end="2019-03-31",
        actor="liaison.lead",
    )
    add_review(
        store,
        review_id="R-EDGE",
        title="Edge review",
        theme="custody",
        unit="Northern BCU",
        start="2019-03-01",
        end="2019-04-01",
        actor="liaison.lead",
    )


def _capture(store, review_id: str, words: str, who: str = "sgt.west") -> dict:
    """A session with two questions, one corrected-in-capture (two versions), and a correction
    after finalising, all holding `words` (the place too)."""
    session = open_session(
        store,
        review_id=review_id,
        method="interview",
        actor=who,
        place=f"{review_id} interview room beside {words.split()[0]}",
        participants=[{"role": "detention officer", "unit": "custody"}],
    )
    record_answer(
        store,
        session,
        question_id="pub-1",
        notes=f"First note {words}",
        actor=who,
        grade="good",
        concerns=f"Concern about {words}",
        participant_role="sergeant",
        participant_unit="custody",
        links=["REC-HANDOVER"],
    )
    record_answer(
        store,
        session,
        question_id="pub-1",
        notes=f"Revised note {words}",
        actor=who,
        grade="good",
        links=["REC-HANDOVER"],
    )
    victims = record_answer(
        store, session, question_id="vic-1", notes=f"Victims {words}", actor=who
    )
    finalise(store, session["id"], who, names_checked=True)
    correct(store, victims["id"], notes=f"Victims, corrected: {words}", reason="typo", actor=who)
    return session


@pytest.fixture
def aged(programme):
    _add_old_reviews(programme)
    _capture(programme, "R-OLD", f"{CANARY} said handovers were rushed")
    _capture(programme, "R-EDGE", "edgeword briefing seen")
    _capture(programme, "R1", "current briefing seen")
    return programme


def _dump(store) -> str:
    return "\n".join(store.conn.iterdump())


def _rows(store, review_id: str) -> list[tuple]:
    return store.conn.execute(
        "SELECT id, notes, concerns, participant_role, participant_unit, grade, question_id "
        "FROM finding WHERE review_id = ? ORDER BY id",
        [review_id],
    ).fetchall()


def _bytes(path) -> bytes:
    data = b""
    for suffix in ("", "-wal"):
        f = path.with_name(path.name + suffix)
        if f.exists():
            data += f.read_bytes()
    return data


def test_dry_run_lists_exactly_the_expired_review_and_writes_nothing(aged):
    before = _dump(aged)
    result = retention.purge(aged, today=TODAY, actor="qa.lead", dry_run=True)
    assert [r["review_id"] for r in result["reviews"]] == ["R-OLD"]
    only = result["reviews"][0]
    assert (only["end"], only["due_since"], only["sessions"], only["findings"]) == (
        "2019-03-31",
        "2025-03-31",
        1,
        4,
    )
    assert not result["purged"] and result["event_id"] is None
    assert (
        result["trail_events_keeping_text"] == 0
    )  # the trail holds fingerprints of words, never words
    assert _dump(aged) == before
    # One day later R-EDGE is due as well; a longer period for one run makes nothing due.
    later = retention.due(aged, today=date(2025, 4, 2))
    assert [r["review_id"] for r in later["reviews"]] == ["R-OLD", "R-EDGE"]
    assert retention.due(aged, today=TODAY, years=7)["reviews"] == []


def test_purge_blanks_exactly_the_due_records_with_one_chained_event_and_no_text(aged):
    untouched = {r: _rows(aged, r) for r in ("R-EDGE", "R1")}
    old_ids = [r[0] for r in _rows(aged, "R-OLD")]
    events_before = len(audit.events(aged))
    result = retention.purge(aged, today=TODAY, actor="qa.lead")
    assert result["purged"] and result["findings"] == 4 and result["sessions"] == 1
    # Exactly R-OLD's records: text blanked, history (question, grade, ids) kept.
    for fid, notes, concerns, role, unit, _grade, question in _rows(aged, "R-OLD"):
        assert (notes, concerns, role, unit) == ("", None, None, None)
        assert question in ("pub-1", "vic-1") and fid in old_ids
    assert sorted(r[5] or "" for r in _rows(aged, "R-OLD")) == ["", "", "good", "good"]
    session = aged.conn.execute(
        "SELECT place, participants, document_title FROM capture_session WHERE review_id = 'R-OLD'"
    ).fetchone()
    assert session == (None, "[]", None)
    assert {r: _rows(aged, r) for r in ("R-EDGE", "R1")} == untouched
    assert list_findings(aged, search=CANARY) == []
    assert len(list_findings(aged, search="edgeword")) == 2  # the index still serves the rest
    purged = rdb.purged_ids(aged)
    assert purged["finding"] == set(old_ids) and len(purged["capture_session"]) == 1
    # One chained event, counts and review ids only.
    events = audit.events(aged)
    assert len(events) == events_before + 1
    event = events[-1]
    assert (event["entity"], event["action"], event["event_id"]) == (
        "retention",
        "purge",
        result["event_id"],
    )
    assert json.loads(event["new"]) == {
        "years": 6,
        "today": "2025-04-01",
        "reviews": ["R-OLD"],
        "sessions": 1,
        "findings": 4,
    }
    assert CANARY.lower() not in json.dumps(event).lower()
    trail.verify(events)
    # The locks are back: nothing else may change a finding, and a second run finds nothing.
    with pytest.raises(sqlite3.IntegrityError):
        aged.conn.execute("UPDATE finding SET notes = 'x' WHERE id = ?", [old_ids[0]])
    again = retention.purge(aged, today=TODAY, actor="qa.lead")
    assert not again["purged"] and len(audit.events(aged)) == events_before + 1


def test_canary_bytes_are_gone_from_the_db_and_wal(aged, db_path):
    aged.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    assert CANARY.encode() in _bytes(db_path)  # the check can see it before
    retention.purge(aged, today=TODAY, actor="qa.lead")
    aged.close()
    data = _bytes(db_path)
    for form in (CANARY, CANARY.lower(), "quorvexbalt"):
        assert form.encode() not in data
    assert b"edgeword" in data  # the records inside the period keep their words
    with Store.open(db_path) as store:
        assert store.integrity_ok()
        trail.verify(audit.events(store))


def test_a_failure_midway_leaves_everything_as_it_was(aged, monkeypatch):
    before = _dump(aged)

    def broken(store):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(rdb, "rebuild_search", broken)  # after the findings are blanked
    with pytest.raises(StoreError):
        retention.purge(aged, today=TODAY, actor="qa.lead")
    assert _dump(aged) == before
    assert aged.setting(rdb.PURGE_FLAG) is None
    with pytest.raises(sqlite3.IntegrityError):
        aged.conn.execute("UPDATE finding SET notes = 'x' WHERE review_id = 'R-OLD'")


def test_retention_setting_and_years_validation(programme):
    assert retention.retention_years(programme) == 6
    result = retention.set_years(programme, 7, actor="qa.lead", reason="force policy")
    assert (result["old"], result["years"]) == (6, 7) and retention.retention_years(programme) == 7
    event = audit.events(programme)[-1]
    assert (event["entity"], event["action"], event["reason"]) == (
        "retention",
        "set_years",
        "force policy",
    )
    for bad in (0, -1, 101):
        with pytest.raises(RefusedError):
            retention.set_years(programme, bad, actor="qa.lead")
        with pytest.raises(RefusedError):
            retention.due(programme, today=TODAY, years=bad)
    assert retention.add_years(date(2020, 2, 29), 6) == date(2026, 2, 28)


# ----------------------------------------------------------------------------- sync


def test_an_old_laptop_bundle_does_not_bring_purged_findings_back(tmp_path):
    prog = make_programme(tmp_path / "programme.db")
    _add_old_reviews(prog)
    export_bundle(prog, tmp_path / "base.qam-bundle", actor="liaison.lead")
    laptop = Store.open(tmp_path / "laptop.db")
    import_bundle(laptop, tmp_path / "base.qam-bundle", actor="sgt.west")
    _capture(laptop, "R-OLD", f"{CANARY} said handovers were rushed")
    _capture(laptop, "R-EDGE", "edgeword briefing seen")
    old_bundle = tmp_path / "laptop-old.qam-bundle"
    export_bundle(laptop, old_bundle, actor="sgt.west")
    trust_bundle(prog, old_bundle)
    import_bundle(prog, old_bundle, actor="liaison.lead")
    retention.purge(prog, today=TODAY, actor="qa.lead")
    before = {r: _rows(prog, r) for r in ("R-OLD", "R-EDGE")}

    receipt = import_bundle(
        prog, old_bundle, actor="liaison.lead"
    )  # must neither fail nor resurrect
    assert receipt["skipped_purged"] == {"capture_session": 1, "finding": 4, "finding_link": 2}
    assert receipt["skipped_purged_total"] == 7 and sum(receipt["added"].values()) == 0
    assert {r: _rows(prog, r) for r in ("R-OLD", "R-EDGE")} == before
    assert list_findings(prog, search=CANARY) == []
    trail.verify(audit.events(prog))

    # The laptop learns of the purge from the programme's bundle and purges its own copies.
    export_bundle(prog, tmp_path / "programme.qam-bundle", actor="liaison.lead")
    back = import_bundle(laptop, tmp_path / "programme.qam-bundle", actor="sgt.west")
    assert back["purged_here"] == {"sessions": 1, "findings": 4}
    assert _rows(laptop, "R-OLD") == before["R-OLD"]
    assert _rows(laptop, "R-EDGE") == before["R-EDGE"]
    trail.verify(audit.events(laptop))
    laptop.close()
    assert CANARY.encode() not in _bytes(tmp_path / "laptop.db")
    # ... and what it exports next is merged without a conflict.
    laptop = Store.open(tmp_path / "laptop.db")
    export_bundle(laptop, tmp_path / "laptop-new.qam-bundle", actor="sgt.west")
    laptop.close()
    again = import_bundle(prog, tmp_path / "laptop-new.qam-bundle", actor="liaison.lead")
    assert again["skipped_purged_total"] == 7 and again["conflicts"] == []
    assert {r: _rows(prog, r) for r in ("R-OLD", "R-EDGE")} == before
    prog.close()


# ----------------------------------------------------------------------------- CLI


def _cli() -> typer.Typer:
    """A root app with QAM's error route and only `retention` (the real root registers it later)."""
    from qam.cli import retention as command

    app = typer.Typer(cls=QamGroup, add_completion=False, pretty_exceptions_enable=False)

    @app.callback()
    def root() -> None:
        """QAM."""

    command.register(app)
    return app


def _run(*args: str, today: str = "2025-04-01"):
    return CliRunner().invoke(
        _cli(), ["retention", *args], env={"QAM_TODAY": today}, catch_exceptions=False
    )


def test_cli_dry_run_then_purge(aged):
    before = _dump(aged)
    result = _run("--dry-run", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [(r["review_id"], r["sessions"], r["findings"]) for r in doc["reviews"]] == [
        ("R-OLD", 1, 4)
    ]
    text = _run("--dry-run")
    assert (
        "R-OLD" in text.stdout
        and "Nothing was changed" in text.stdout
        and "R-EDGE" not in text.stdout
    )
    assert _dump(aged) == before
    done = _run()
    assert done.exit_code == 0 and "Purged 1 session and 4 findings in 1 review" in done.stdout
    assert "Nothing is due" in _run().stdout


@pytest.mark.parametrize(
    "args", [("--years", "0"), ("--years", "-3"), ("--set-years", "0"), ("--dry-run",)]
)
def test_cli_bad_input_is_one_error_line_and_changes_nothing(aged, args):
    before = _dump(aged)
    result = _run(*args, today="2025-13-01" if args == ("--dry-run",) else "2025-04-01")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    assert ("QAM_TODAY" if args == ("--dry-run",) else "years") in lines[0]
    assert _dump(aged) == before


def test_cli_set_years_records_the_setting(aged):
    result = _run("--set-years", "8", "--reason", "force records policy")
    assert result.exit_code == 0 and "8 years (was 6)" in result.stdout
    assert retention.retention_years(aged) == 8
    assert retention.due(aged, today=TODAY)["reviews"] == []
