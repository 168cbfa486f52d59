"""Store tests: rows written, one transaction, nothing written on a bad row, re-import by ref."""

from __future__ import annotations

import pytest
from register_helpers import HEADERS, row, snapshot, write_csv

from qam.errors import ImportFileError, RefusedError
from qam.register.decisions import history, record_decision
from qam.register.importer import import_register
from qam.register.items import items, items_by_theme, search
from qam.store import audit
from qam.store import register as sql


def test_import_writes_items_decisions_and_trail(home_store, tracker):
    receipt = import_register(home_store, tracker, actor="analyst")
    assert len(receipt.added) == 3
    item = sql.get_item(home_store, "afi-2")  # refs match case-insensitively
    assert (
        item["scope"] == "force"
        and item["theme"] == "custody"
        and item["extra"] == {"RAG": "Amber"}
    )
    decisions = history(home_store, "AFI-2")
    assert decisions[0]["source"] == "import" and decisions[0]["new_status"] == "awaiting_review"
    assert audit.has_event(home_store, decisions[0]["event_id"])
    assert [i["ref"] for i in items_by_theme(home_store, "custody")] == ["AFI-2"]
    assert [i["ref"] for i in search(home_store, "handovers")] == ["AFI-2"]


def test_reimport_updates_by_ref_and_records_status_changes(home_store, tracker, tmp_path):
    import_register(home_store, tracker, actor="analyst")
    updated = write_csv(
        tmp_path / "tracker-v2.csv",
        HEADERS,
        [
            row("REC-1", "Complete", text="Forces should publish an action plan, with priorities."),
            row(
                "AFI-2",
                "Completed",
                type_="AFI",
                scope="Westshire Police",
                published="14/10/2022",
                theme="custody",
                text="The force should improve custody handovers.\nIn person, every shift.",
                rag="Green",
            ),
            row(
                "COC-3",
                "Will be progressed",
                type_="Cause of concern",
                scope="Joint Inspection",
                published="06/02/2014",
                theme="call_handling",
            ),
        ],
    )
    receipt = import_register(home_store, updated, actor="analyst")
    assert receipt.details["status_changes"] == [
        {"ref": "AFI-2", "old": "awaiting_review", "new": "completed"}
    ]
    assert receipt.unchanged == 2 and receipt.changed == ["AFI-2"]
    assert sql.count(home_store) == 3
    last = history(home_store, "AFI-2")[-1]
    assert (
        last["reason"] == "status in imported tracker tracker-v2.csv" and last["source"] == "import"
    )
    assert sql.get_item(home_store, "AFI-2")["extra"]["RAG"] == "Green"


def test_a_bad_row_writes_nothing(home_store, tracker, db_path, tmp_path):
    import_register(home_store, tracker, actor="analyst")
    before = snapshot(db_path)
    bad = write_csv(
        tmp_path / "bad.csv",
        HEADERS,
        [row("NEW-1"), row("REC-1", "Completed"), row("NEW-2", "Sort of done")],
    )
    with pytest.raises(ImportFileError, match="row 4"):  # (row 4)
        import_register(home_store, bad, actor="analyst")
    assert snapshot(db_path) == before


def test_failure_inside_the_write_rolls_everything_back(home_store, tracker, db_path, monkeypatch):
    """RELIABILITY case 2: an interruption mid-import leaves all rows or none."""
    before = snapshot(db_path)
    calls = {"n": 0}
    real = sql.insert_items

    def flaky(store, items):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        real(store, items)

    from qam.register import importer

    monkeypatch.setattr(importer, "_BATCH", 1)  # a batch a row: the third batch is interrupted
    monkeypatch.setattr(sql, "insert_items", flaky)
    with pytest.raises(KeyboardInterrupt):
        import_register(home_store, tracker, actor="analyst")
    assert snapshot(db_path) == before


def test_dry_run_writes_nothing(home_store, tracker, db_path):
    before = snapshot(db_path)
    receipt = import_register(home_store, tracker, actor="analyst", dry_run=True)
    assert len(receipt.added) == 3 and snapshot(db_path) == before


def test_decisions_need_reason_actor_and_approver(home_store, tracker, db_path):
    import_register(home_store, tracker, actor="analyst")
    before = snapshot(db_path)
    with pytest.raises(RefusedError, match="needs a reason"):
        record_decision(home_store, "REC-1", "being_progressed", reason="  ", actor="lead")
    with pytest.raises(RefusedError, match="needs an actor"):
        record_decision(home_store, "REC-1", "being_progressed", reason="reopened", actor=" ")
    with pytest.raises(RefusedError, match="--approver"):
        record_decision(home_store, "REC-1", "no_further_action", reason="superseded", actor="lead")
    with pytest.raises(RefusedError, match="already completed"):
        record_decision(home_store, "REC-1", "Complete", reason="again", actor="lead")
    assert snapshot(db_path) == before
    decision = record_decision(
        home_store,
        "REC-1",
        "No further action required",
        reason="superseded",
        approver="DCC Smith",
        evidence="SMB minutes",
        actor="lead",
    )
    assert sql.get_item(home_store, "REC-1")["status"] == "no_further_action"
    event = [e for e in audit.events(home_store, entity="register_item", entity_id="REC-1")][-1]
    assert event["event_id"] == decision["event_id"] and event["reason"] == "superseded"
    assert event["actor"] == "lead"


def test_filters(home_store, tracker):
    import_register(home_store, tracker, actor="analyst")
    assert [i["ref"] for i in items(home_store, since="01/01/2015")] == ["REC-1", "AFI-2"]
    assert [i["ref"] for i in items(home_store, until="2014-12-31")] == ["COC-3"]
    assert [i["ref"] for i in items(home_store, status="outstanding")] == ["COC-3", "AFI-2"]
    assert [i["ref"] for i in items(home_store, type_="AFI")] == ["AFI-2"]
    assert [i["ref"] for i in items(home_store, scope="joint")] == ["COC-3"]
    assert [i["ref"] for i in items(home_store, search='action "plan')] == ["REC-1"]
